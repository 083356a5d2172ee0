// src/cli/token.ts (and src/cli/args.ts, which every command reads its options with): asking for help, or a
// mistyped option, gets the usage line, never a stack trace.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
// Vitest sets BASE_URL to '/' (Vite's base path); the app wants an origin.
const token = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/token.ts', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_PATH: ':memory:', BASE_URL: 'http://127.0.0.1:3000' } })

// Each run starts Node with tsx: seconds each on a loaded machine.
describe('npm run token', { timeout: 120_000 }, () => {
  it('prints the usage for --help and -h, and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const run = token(flag)
      expect(run.status, flag).toBe(0)
      expect(run.stdout).toMatch(/^Bruk: npm run token -- create --role admin\|editor/)
    }
  })

  it('names an unknown option and shows the usage, exit 2, without a stack trace', () => {
    const run = token('--frobnicate')
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('Ukjent valg «--frobnicate».')
    expect(run.stderr).toContain('Bruk: npm run token')
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })

  it('names an option given without its value, exit 2', () => {
    const run = token('create', '--label')
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('Valget «--label» mangler en verdi, eller har en det ikke tar.')
  })

  it('says so when there are no tokens yet, and how to make one, instead of printing nothing', () => {
    const run = token('list')
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toBe('Ingen tokens ennå. Lag et med: npm run token -- create --role admin --label "…"\n')
  })
})
