import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type DatabaseHandle } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'

let dir: string
let handle: DatabaseHandle
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-migrate-'))
  handle = openDatabase(path.join(dir, 'nested', 'fresh.db'))
})
afterEach(() => {
  if (handle.sqlite.open) handle.sqlite.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const TABLES = ['api_token', 'audit_log', 'body', 'collaboration', 'municipality', 'occurrence_state', 'participation', 'rule']
const tables = () => (handle.sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as Array<{ name: string }>).map(t => t.name)
const migrationsApplied = () => (handle.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n

describe('openDatabase', () => {
  it('creates the missing directory and opens a file database in WAL mode with foreign keys and a busy timeout', () => {
    expect(fs.existsSync(path.join(dir, 'nested', 'fresh.db'))).toBe(true)
    expect(handle.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(handle.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(handle.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect(handle.sqlite.pragma('synchronous', { simple: true })).toBe(1) // NORMAL
  })

  it('an in-memory database reports journal mode memory, but still enforces foreign keys', () => {
    const mem = openDatabase(':memory:')
    try {
      expect(mem.sqlite.pragma('journal_mode', { simple: true })).toBe('memory')
      expect(mem.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    } finally {
      mem.sqlite.close()
    }
  })
})

describe('runMigrations', () => {
  it('creates every table on a fresh database', () => {
    expect(tables()).toEqual([])
    runMigrations(handle.sqlite, handle.db)
    for (const table of TABLES) expect(tables()).toContain(table)
    expect(migrationsApplied()).toBeGreaterThan(0)
    // Foreign keys are switched back on after the migration transaction.
    expect(handle.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
  })

  it('is idempotent: a second run succeeds and records no further migration', () => {
    runMigrations(handle.sqlite, handle.db)
    const applied = migrationsApplied()
    const schema = handle.sqlite.prepare('select type, name, sql from sqlite_master order by name').all()
    expect(() => runMigrations(handle.sqlite, handle.db)).not.toThrow()
    expect(migrationsApplied()).toBe(applied)
    expect(handle.sqlite.prepare('select type, name, sql from sqlite_master order by name').all()).toEqual(schema)
  })

  it('a reopened database keeps its schema and migrates to the same state', () => {
    runMigrations(handle.sqlite, handle.db)
    const applied = migrationsApplied()
    handle.sqlite.close()
    handle = openDatabase(path.join(dir, 'nested', 'fresh.db'))
    runMigrations(handle.sqlite, handle.db)
    expect(migrationsApplied()).toBe(applied)
    for (const table of TABLES) expect(tables()).toContain(table)
  })
})

describe('constraints at the SQL level', () => {
  beforeEach(() => {
    runMigrations(handle.sqlite, handle.db)
    handle.sqlite.prepare("insert into municipality (id, slug, name, kind, created, modified) values (1, 'oyer', 'Øyer', 'kommune', 0, 0)").run()
    handle.sqlite.prepare("insert into collaboration (id, slug, name, legal_form, created, modified) values (1, 'glor', 'GLØR', 'iks', 0, 0)").run()
  })
  const insertBody = (slug: string, municipalityId: number | null, collaborationId: number | null) =>
    handle.sqlite.prepare('insert into body (slug, name, kind, municipality_id, collaboration_id, created, modified) values (?, ?, ?, ?, ?, 0, 0)')
      .run(slug, slug, 'styre', municipalityId, collaborationId)

  it('a body with two owners is refused by the body_one_owner CHECK', () => {
    expect(() => insertBody('two-owners', 1, 1)).toThrow(/CHECK constraint failed: body_one_owner/)
    expect(() => insertBody('two-owners', 1, 1)).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_CHECK' }))
  })

  it('a body with no owner is refused too; exactly one owner is accepted', () => {
    expect(() => insertBody('no-owner', null, null)).toThrow(/CHECK constraint failed: body_one_owner/)
    insertBody('oyer-styre', 1, null)
    insertBody('glor-styre', null, 1)
    expect(handle.sqlite.prepare('select slug from body order by slug').all()).toEqual([{ slug: 'glor-styre' }, { slug: 'oyer-styre' }])
  })

  it('a body owned by a municipality that does not exist is refused by the foreign key', () => {
    expect(() => insertBody('ghost', 99, null)).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }))
  })
})
