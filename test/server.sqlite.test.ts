import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectOneLine, run } from './helpers/entry-points.js'
import { realDatabase, scratchFolders } from './helpers/files.js'

// The real entry points as an operator starts them: `node --import tsx src/server.ts` (npm start) and a
// CLI command, with a broken DATABASE_PATH (SQLite's file: npm test only; PostgreSQL's counterpart is in
// test/server.test.ts). Each must stop with ONE line on stderr naming the file and the problem, no stack
// trace, and a non-zero exit code.
const tempDir = scratchFolders('arshjul-start-')

describe('npm start with a SQLite file it cannot use', () => {
  it('a fresh clone: the default ./data/arshjul.db and its folder are created', async () => {
    const clone = tempDir()
    const r = await run('src/server.ts', {}, [], true, clone)
    expect(r.stdout).toContain('Server listening')
    expect(r.code, r.stderr).toBe(0)
    expect(fs.existsSync(path.join(clone, 'data', 'arshjul.db'))).toBe(true)
  }, 90_000)

  it.each([
    ['a read-only file (no write bit, also for root)', async (dir: string) => { const f = await realDatabase(dir); fs.chmodSync(f, 0o444); return f }, /skrivebeskyttet/],
    ['random bytes', async (dir: string) => { const f = path.join(dir, 'random.db'); fs.writeFileSync(f, crypto.randomBytes(100_000)); return f }, /ikke en SQLite-database/],
    ['a valid header over garbage pages', async (dir: string) => {
      const f = await realDatabase(dir)
      const bytes = fs.readFileSync(f)
      crypto.randomBytes(bytes.length - 100).copy(bytes, 100)
      fs.writeFileSync(f, bytes)
      return f
    }, /skadet/],
    ['a truncated real database', async (dir: string) => { const f = await realDatabase(dir); fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2 / 4096) * 4096); return f }, /skadet/],
    ['a folder that does not exist (a mistyped volume path)', (dir: string) => path.join(dir, 'mangler', 'arshjul.db'), /mappen .* finnes ikke/],
    ['a folder with no write bit', async (dir: string) => { const f = await realDatabase(dir); fs.chmodSync(dir, 0o555); return f }, /mappen .* er skrivebeskyttet/],
  ])('%s: one line naming the file and the problem, exit code 1', async (_name, make, problem) => {
    const dir = tempDir()
    const file = await make(dir)
    const r = await run('src/server.ts', { DATABASE_PATH: file })
    expectOneLine(r, file, problem)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^Kan ikke åpne databasen /)
    // Nothing was created in place of the missing folder.
    if (/mangler/.test(file)) expect(fs.existsSync(path.dirname(file))).toBe(false)
  }, 90_000)
})

describe('a CLI command with a SQLite file it cannot use', () => {
  it('npm run token -- list on random bytes: one line, exit code 1', async () => {
    const file = path.join(tempDir(), 'random.db')
    fs.writeFileSync(file, crypto.randomBytes(100_000))
    const r = await run('src/cli/token.ts', { DATABASE_PATH: file }, ['list'])
    expectOneLine(r, file, /ikke en SQLite-database/)
    expect(r.code).toBe(1)
  }, 90_000)
})
