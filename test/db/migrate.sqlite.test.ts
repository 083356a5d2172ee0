// SQLite's own migrations and pragmas (npm test only); the data-move checks are SQLite history. PostgreSQL's
// schema is compared with SQLite's in test/db/schema-compare.pg.test.ts.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type SqliteHandle } from '../../src/db/client.js'
import { MIGRATIONS_DIR, runMigrations } from '../../src/db/migrate.js'

let dir: string
let handle: SqliteHandle
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

describe('migration 0010 (issue 15): a plan’s one adoption becomes version 1, adopted by each of its kontrollutvalg', () => {
  it('moves the adoption of an existing joint plan onto each member, and keeps a draft a draft', () => {
    // Migrate to 0009 only: a copy of the migrations folder whose journal ends there.
    const upTo9 = path.join(dir, 'migrations-0009')
    fs.cpSync(MIGRATIONS_DIR, upTo9, { recursive: true })
    const journalFile = path.join(upTo9, 'meta', '_journal.json')
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: Array<{ tag: string }> }
    journal.entries = journal.entries.filter(e => e.tag < '0010')
    fs.writeFileSync(journalFile, JSON.stringify(journal))
    runMigrations(handle.sqlite, handle.db, upTo9)

    const run = (sql: string, ...args: unknown[]) => handle.sqlite.prepare(sql).run(...args)
    for (const [id, slug] of [[1, 'gausdal'], [2, 'oyer']] as const) {
      run("insert into municipality (id, slug, name, kind, created, modified) values (?, ?, ?, 'kommune', 0, 0)", id, slug, slug)
      run("insert into body (id, slug, name, kind, municipality_id, created, modified) values (?, ?, ?, 'kontrollutvalg', ?, 0, 0)", id, `${slug}-ku`, `${slug} KU`, id)
    }
    run(`insert into kontroll_plan (id, type, election_year, title, status, ku_adopted_on, ku_case_ref, ks_adopted_on, ks_case_ref, created, modified)
      values (1, 'eierskapskontroll', 2023, 'Felles', 'adopted_ks', '2024-09-10', 'KU 24/31', '2024-11-28', 'KS 24/118', 5, 5),
             (2, 'forvaltningsrevisjon', 2023, 'Øyer', 'draft', null, null, null, null, 6, 6)`)
    run('insert into kontroll_plan_body (plan_id, body_id) values (1, 1), (1, 2), (2, 2)')

    runMigrations(handle.sqlite, handle.db)
    expect(handle.sqlite.prepare('select plan_id as planId, version, reason, snapshot, created from kontroll_plan_version order by plan_id').all()).toEqual([
      { planId: 1, version: 1, reason: null, snapshot: null, created: 5 },
      { planId: 2, version: 1, reason: null, snapshot: null, created: 6 },
    ])
    expect(handle.sqlite.prepare(`select v.plan_id as planId, a.body_id as bodyId, a.ku_adopted_on as ku, a.ku_case_ref as kuRef, a.ks_adopted_on as ks, a.ks_case_ref as ksRef
      from kontroll_plan_adoption a join kontroll_plan_version v on v.id = a.version_id order by v.plan_id, a.body_id`).all()).toEqual([
      { planId: 1, bodyId: 1, ku: '2024-09-10', kuRef: 'KU 24/31', ks: '2024-11-28', ksRef: 'KS 24/118' },
      { planId: 1, bodyId: 2, ku: '2024-09-10', kuRef: 'KU 24/31', ks: '2024-11-28', ksRef: 'KS 24/118' },
      { planId: 2, bodyId: 2, ku: null, kuRef: null, ks: null, ksRef: null },
    ])
    const columns = (handle.sqlite.prepare('pragma table_info(kontroll_plan)').all() as Array<{ name: string }>).map(c => c.name)
    expect(columns).not.toContain('ku_adopted_on')
    expect(columns).toContain('status')
  })
})
