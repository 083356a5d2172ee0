// src/cli/reminders.ts and src/cli/demo.ts read their options like every command (src/cli/args.ts), and an
// unusable database ends them with one line naming the file, as it ends the server (issue 13).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const run = (script: string, args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, BASE_URL: 'https://arshjul.test', LOG_LEVEL: 'silent', ...env } })

describe('npm run reminders', () => {
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

  it('a file that is not a database, or a missing folder, ends it with one line naming the file, exit 1', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-cli-'))
    const junk = path.join(dir, 'junk.db')
    fs.writeFileSync(junk, Buffer.alloc(8192, 0x5a))
    for (const [file, args] of [[junk, []], [junk, ['--dry-run']], [path.join(dir, 'missing', 'x.db'), []]] as const) {
      const failed = run('reminders', [...args], { DATABASE_PATH: file })
      expect(failed.status, `${file} ${args.join(' ')}`).toBe(1)
      expect(failed.stderr.trimEnd().split('\n'), failed.stderr).toHaveLength(1)
      expect(failed.stderr).toContain(file)
      expect(failed.stderr).not.toMatch(/\n\s+at /)
    }
    expect(fs.existsSync(path.join(dir, 'missing'))).toBe(false)
    fs.rmSync(dir, { recursive: true, force: true })
  })
})

describe('npm run demo', () => {
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
