// src/cli/reminders.ts and src/cli/demo.ts read their options like every command (src/cli/args.ts), and an
// unusable database ends them with one line naming it, as it ends the server (issue 13; PostgreSQL: issue 16).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { redactUrl } from '../../src/db/pg.js'
import { TEST_DATABASE_URL, withDatabase } from '../helpers/database.js'
import { envWithoutDatabase } from './databases.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const run = (script: string, args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], { cwd: root, encoding: 'utf8', env: { ...envWithoutDatabase(), BASE_URL: 'https://arshjul.test', LOG_LEVEL: 'silent', ...env } })

// Each run starts Node with tsx: seconds each on a loaded machine.
describe('npm run reminders', { timeout: 120_000 }, () => {
  it('prints the usage for --help, exit 0; names an unknown option, exit 2', () => {
    const help = run('reminders', ['--help'], { DATABASE_PATH: ':memory:' })
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/^Bruk: npm run reminders -- \[--dry-run\]/)
    const wrong = run('reminders', ['--frobnicate'], { DATABASE_PATH: ':memory:' })
    expect(wrong.status).toBe(2)
    expect(wrong.stderr).toContain('Ukjent valg «--frobnicate».')
  })

  it('refuses an impossible --now with exit 2, naming the value', () => {
    const wrong = run('reminders', ['--now', '2027-02-30T08:00'], { DATABASE_PATH: ':memory:' })
    expect(wrong.status).toBe(2)
    expect(wrong.stderr).toContain('2027-02-30T08:00')
  })

  it('an unusable database ends it with one line naming it, exit 1: a file that is not one or a missing folder (SQLite), a database or server that is not there (PostgreSQL)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-cli-'))
    const cases: Array<{ env: Record<string, string>; args: string[]; named: string }> = []
    if (TEST_DATABASE_URL) {
      const missing = withDatabase(TEST_DATABASE_URL, `arshjul_finnes_ikke_${process.pid}`)
      const down = 'postgres://postgres@127.0.0.1:1/arshjul'
      for (const url of [missing, down]) {
        for (const args of [[], ['--dry-run']]) cases.push({ env: { DATABASE_URL: url, DATABASE_PATH: ':memory:' }, args, named: redactUrl(url) })
      }
    } else {
      const junk = path.join(dir, 'junk.db')
      fs.writeFileSync(junk, Buffer.alloc(8192, 0x5a))
      const missing = path.join(dir, 'missing', 'x.db')
      for (const [file, args] of [[junk, []], [junk, ['--dry-run']], [missing, []]] as const) cases.push({ env: { DATABASE_PATH: file }, args: [...args], named: file })
    }
    for (const { env, args, named } of cases) {
      const failed = run('reminders', args, env)
      expect(failed.status, `${named} ${args.join(' ')}: ${failed.stderr}`).toBe(1)
      expect(failed.stderr.trimEnd().split('\n'), failed.stderr).toHaveLength(1)
      expect(failed.stderr).toContain(named)
      expect(failed.stderr).not.toMatch(/\n\s+at /)
    }
    expect(fs.existsSync(path.join(dir, 'missing'))).toBe(false)
    fs.rmSync(dir, { recursive: true, force: true })
  }, 300_000) // four or three commands, each starting Node
})

describe('npm run demo', { timeout: 120_000 }, () => {
  it('names an unknown option and shows the usage, exit 2, without touching a database', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-cli-'))
    const file = path.join(dir, 'demo.db')
    const wrong = run('demo', ['--frobnicate'], { DATABASE_PATH: file })
    expect(wrong.status).toBe(2)
    expect(wrong.stderr).toContain('Ukjent valg «--frobnicate».')
    expect(wrong.stderr).toContain('Bruk: npm run demo')
    expect(wrong.stderr).not.toMatch(/\n\s+at /)
    expect(fs.existsSync(file)).toBe(false)
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
