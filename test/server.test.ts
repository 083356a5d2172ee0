import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { realDatabase, scratchFolders } from './helpers/files.js'

// The real entry points as an operator starts them: `node --import tsx src/server.ts` (npm start) and a
// CLI command, with a broken DATABASE_PATH. Each must stop with ONE line on stderr naming the file and
// the problem, no stack trace, and a non-zero exit code.
const ROOT = path.resolve(import.meta.dirname, '..')

const tempDir = scratchFolders('arshjul-start-')

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs a script under tsx with the given environment; `untilListening`: SIGTERM once the server listens. */
function run (script: string, env: Record<string, string>, args: string[] = [], untilListening = false, cwd = ROOT): Promise<Run> {
  return new Promise((resolve, reject) => {
    const tsx = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href
    const child = spawn(process.execPath, ['--import', tsx, path.resolve(ROOT, script), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', SEED: 'off', REMINDERS: 'off', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let stopped = false
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (untilListening && !stopped && stdout.includes('Server listening')) {
        stopped = true
        child.kill('SIGTERM')
      }
    })
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }) })
  })
}

function expectOneLine (r: Run, file: string, problem: RegExp) {
  expect(r.code, r.stderr).not.toBe(0)
  expect(r.code).not.toBeNull()
  const lines = r.stderr.split('\n').filter(l => l !== '')
  expect(lines, r.stderr).toHaveLength(1)
  expect(lines[0]).toContain(file)
  expect(lines[0]).toMatch(problem)
  expect(r.stderr).not.toContain('    at ')
}

describe('npm start with a database it cannot use', () => {
  it('starts and stops cleanly on a fresh file in an existing folder (the control)', async () => {
    const file = path.join(tempDir(), 'fresh.db')
    const r = await run('src/server.ts', { DATABASE_PATH: file }, [], true)
    expect(r.stdout).toContain('Server listening')
    expect(r.code, r.stderr).toBe(0)
    expect(fs.existsSync(file)).toBe(true)
  }, 90_000)

  it('a fresh clone: the default ./data/arshjul.db and its folder are created', async () => {
    const clone = tempDir()
    const r = await run('src/server.ts', {}, [], true, clone)
    expect(r.stdout).toContain('Server listening')
    expect(r.code, r.stderr).toBe(0)
    expect(fs.existsSync(path.join(clone, 'data', 'arshjul.db'))).toBe(true)
  }, 90_000)

  it.each([
    ['a read-only file (no write bit, also for root)', (dir: string) => { const f = realDatabase(dir); fs.chmodSync(f, 0o444); return f }, /skrivebeskyttet/],
    ['random bytes', (dir: string) => { const f = path.join(dir, 'random.db'); fs.writeFileSync(f, crypto.randomBytes(100_000)); return f }, /ikke en SQLite-database/],
    ['a valid header over garbage pages', (dir: string) => {
      const f = realDatabase(dir)
      const bytes = fs.readFileSync(f)
      crypto.randomBytes(bytes.length - 100).copy(bytes, 100)
      fs.writeFileSync(f, bytes)
      return f
    }, /skadet/],
    ['a truncated real database', (dir: string) => { const f = realDatabase(dir); fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2 / 4096) * 4096); return f }, /skadet/],
    ['a folder that does not exist (a mistyped volume path)', (dir: string) => path.join(dir, 'mangler', 'arshjul.db'), /mappen .* finnes ikke/],
    ['a folder with no write bit', (dir: string) => { const f = realDatabase(dir); fs.chmodSync(dir, 0o555); return f }, /mappen .* er skrivebeskyttet/],
  ])('%s: one line naming the file and the problem, exit code 1', async (_name, make, problem) => {
    const dir = tempDir()
    const file = make(dir)
    const r = await run('src/server.ts', { DATABASE_PATH: file })
    expectOneLine(r, file, problem)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^Kan ikke åpne databasen /)
    // Nothing was created in place of the missing folder.
    if (/mangler/.test(file)) expect(fs.existsSync(path.dirname(file))).toBe(false)
  }, 90_000)

  it('a bad setting is one line too', async () => {
    const r = await run('src/server.ts', { DATABASE_PATH: path.join(tempDir(), 'x.db'), PORT: 'abc' })
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^Ugyldig konfigurasjon: PORT/)
    expect(r.stderr).not.toContain('    at ')
  }, 90_000)
})

describe('a CLI command with a database it cannot use', () => {
  it('npm run token -- list on random bytes: one line, exit code 1', async () => {
    const file = path.join(tempDir(), 'random.db')
    fs.writeFileSync(file, crypto.randomBytes(100_000))
    const r = await run('src/cli/token.ts', { DATABASE_PATH: file }, ['list'])
    expectOneLine(r, file, /ikke en SQLite-database/)
    expect(r.code).toBe(1)
  }, 90_000)
})
