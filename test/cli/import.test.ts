// src/cli/import.ts: several files in one batch, --encoding and --dry-run; help and mistakes get the usage, never a stack trace.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { envWithoutDatabase, fileDatabase } from './databases.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const database = fileDatabase('arshjul-import-cli-')
const fixtures = fileURLToPath(new URL('../register/fixtures/', import.meta.url))
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', ...args], { cwd: root, encoding: 'utf8', env: { ...envWithoutDatabase(), ...database.env, BASE_URL: 'http://127.0.0.1' } })

describe('npm run import', () => {
  it('prints the usage for --help, exit 0; with no file or an unknown option, exit 2 without a stack trace', () => {
    const help = run('--help')
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/^Bruk: npm run import -- <fil> \[<fil> …\] \[--encoding <tegnsett>\] \[--dry-run\]/)
    for (const args of [[], ['--frobnicate', 'a.tsv']]) {
      const bad = run(...args)
      expect(bad.status, args.join(' ')).toBe(2)
      expect(bad.stderr).toContain('Bruk: npm run import')
      expect(bad.stderr).not.toMatch(/\n\s+at /)
    }
  }, 60_000)

  it('imports two regions\' registers in one batch, one of them Windows-1252, and reports each file', () => {
    const done = run(path.join(fixtures, 'seed-register-windows-1252.tsv'), path.join(fixtures, 'valdres-register-2024.tsv'))
    expect(done.stderr).toMatch(/2 fil\(er\), 72 rader/)
    expect(done.status).toBe(0)
    const report = JSON.parse(done.stdout) as { encoding: string; created: number; files: Array<{ name: string; encoding: string; region: string[] }> }
    expect(report.encoding).toBe('windows-1252, utf-8')
    expect(report.created).toBe(72)
    expect(report.files.map(f => [f.name, f.encoding, f.region.length])).toEqual([['seed-register-windows-1252.tsv', 'windows-1252', 3], ['valdres-register-2024.tsv', 'utf-8', 6]])
  }, 60_000)

  it('refuses an unknown --encoding with exit 2, naming it', () => {
    const bad = run('--encoding', 'klingon-8', '--dry-run', path.join(fixtures, 'valdres-register-2024.tsv'))
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('register.unknown_charset')
    expect(bad.stderr).toContain('«klingon-8»')
  }, 60_000)

  it('names a file that does not exist, or is a folder, in words, exit 2', () => {
    const missing = run(path.join(fixtures, 'finnes-ikke.tsv'))
    expect(missing.status).toBe(2)
    expect(missing.stderr).toBe(`Kan ikke lese ${path.join(fixtures, 'finnes-ikke.tsv')}: filen finnes ikke\n`)
    const folder = run(fixtures)
    expect(folder.status).toBe(2)
    expect(folder.stderr).toBe(`Kan ikke lese ${fixtures}: det er en mappe, ikke en fil\n`)
  }, 60_000)
})
