// SQLite's own file handling (openDatabase): runs in npm test only; PostgreSQL's counterpart is
// test/server.test.ts (a database or server that is not there).
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DatabaseOpenError, openDatabase, sqliteOpenProblem } from '../../src/db/client.js'
import { realDatabase, scratchFolders } from '../helpers/files.js'

const tempDir = scratchFolders('arshjul-client-')

/** The error openDatabase throws, asserted to be a DatabaseOpenError naming the file. */
function openError (file: string, opts?: { createDirectory?: boolean }): DatabaseOpenError {
  let caught: unknown
  try {
    openDatabase(file, opts).sqlite.close()
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(DatabaseOpenError)
  const error = caught as DatabaseOpenError
  expect(error.file).toBe(file)
  expect(error.message).toContain(file)
  expect(error.message).not.toContain('\n')
  return error
}

describe('openDatabase', () => {
  it('creates a missing file in an existing folder, in WAL mode with foreign keys on', () => {
    const file = path.join(tempDir(), 'new.db')
    const { sqlite } = openDatabase(file, { createDirectory: false })
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    sqlite.close()
    expect(fs.existsSync(file)).toBe(true)
  })

  it('a missing folder is an error when it may not be created, and nothing is created', () => {
    const dir = path.join(tempDir(), 'typo', 'volume')
    const error = openError(path.join(dir, 'arshjul.db'), { createDirectory: false })
    expect(error.problem).toBe(`mappen ${dir} finnes ikke (opprett den, eller rett DATABASE_PATH)`)
    expect(fs.existsSync(path.dirname(dir))).toBe(false)
  })

  it('creates the missing folder when allowed (the default DATABASE_PATH, tools and tests)', () => {
    const file = path.join(tempDir(), 'data', 'arshjul.db')
    openDatabase(file, { createDirectory: true }).sqlite.close()
    expect(fs.existsSync(file)).toBe(true)
  })

  it('a file with no write bit is read-only, also for root, and is left untouched', async () => {
    const file = await realDatabase(tempDir())
    const before = fs.readFileSync(file)
    fs.chmodSync(file, 0o444)
    expect(openError(file).problem).toBe('filen er skrivebeskyttet (serveren må kunne skrive til den)')
    expect(fs.readFileSync(file).equals(before)).toBe(true)
  })

  it('a folder with no write bit is refused: WAL needs -wal and -shm files beside the database', async () => {
    const dir = tempDir()
    const file = await realDatabase(dir)
    fs.chmodSync(dir, 0o555)
    expect(openError(file).problem).toMatch(new RegExp(`^mappen ${dir} er skrivebeskyttet`))
  })

  it('random bytes are not a database', () => {
    const file = path.join(tempDir(), 'random.db')
    fs.writeFileSync(file, crypto.randomBytes(64 * 1024))
    expect(openError(file).problem).toBe('filen er ikke en SQLite-database')
  })

  it('a valid header over garbage pages is a damaged database', async () => {
    const file = await realDatabase(tempDir())
    const bytes = fs.readFileSync(file)
    crypto.randomBytes(bytes.length - 100).copy(bytes, 100)
    fs.writeFileSync(file, bytes)
    expect(openError(file).problem).toMatch(/^databasefilen er skadet/)
  })

  it('a truncated real database is a damaged database', async () => {
    const file = await realDatabase(tempDir())
    const size = fs.statSync(file).size
    expect(size).toBeGreaterThan(8 * 4096)
    fs.truncateSync(file, Math.floor(size / 2 / 4096) * 4096)
    expect(openError(file).problem).toMatch(/^databasefilen er skadet/)
  })

  it('a folder where the file should be is refused', () => {
    const file = path.join(tempDir(), 'folder.db')
    fs.mkdirSync(file)
    expect(openError(file).problem).toBe('stien er ikke en vanlig fil')
  })
})

describe('sqliteOpenProblem', () => {
  it.each([
    ['SQLITE_READONLY', /skrivebeskyttet/],
    ['SQLITE_READONLY_DBMOVED', /skrivebeskyttet/],
    ['SQLITE_CANTOPEN', /kan ikke åpnes/],
    ['SQLITE_NOTADB', /ikke en SQLite-database/],
    ['SQLITE_CORRUPT', /skadet/],
    ['SQLITE_IOERR_SHORT_READ', /lese- eller skrivefeil/],
    ['SQLITE_FULL', /disken er full/],
  ])('%s → %s', (code, sentence) => {
    expect(sqliteOpenProblem(Object.assign(new Error('x'), { code }))).toMatch(sentence)
  })

  it('is silent for other errors (those are bugs, told with their stack)', () => {
    expect(sqliteOpenProblem(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBeUndefined()
    expect(sqliteOpenProblem(new Error('x'))).toBeUndefined()
    expect(sqliteOpenProblem(undefined)).toBeUndefined()
  })
})
