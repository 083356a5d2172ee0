// The schema comparison's own test (issue 16): the catalogue SQLite's migrations build, read back, and
// the comparison on doctored copies of it — it must name each kind of drift, readably. The comparison of
// the two real databases is schema-compare.pg.test.ts (PostgreSQL only).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type SqliteHandle } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'
import { compareCatalogues, pgTypeAsSqlite, sqliteCatalogue, type Catalogue } from './schema-catalogue.js'

let sqlite: SqliteHandle
let catalogue: Catalogue
beforeAll(() => {
  sqlite = openDatabase(':memory:')
  runMigrations(sqlite.sqlite, sqlite.db)
  catalogue = sqliteCatalogue(sqlite.sqlite)
})
afterAll(() => sqlite.close())

const copy = (): Catalogue => structuredClone(catalogue)

describe("SQLite's catalogue", () => {
  it('reads columns with their type, NOT NULL, default and primary key', () => {
    const body = catalogue.body!
    expect(body.columns[0]).toEqual({ name: 'id', type: 'INTEGER', notNull: true, hasDefault: false, pk: 1 })
    expect(body.columns.find(c => c.name === 'deleted')).toEqual({ name: 'deleted', type: 'INTEGER', notNull: true, hasDefault: true, pk: 0 })
    expect(catalogue.participation!.columns.filter(c => c.pk).map(c => [c.name, c.pk])).toEqual([['collaboration_id', 1], ['municipality_id', 2]])
  })

  it('reads indexes (not the primary key\'s), foreign keys with ON DELETE, CHECK names and trigger events', () => {
    expect(catalogue.body!.indexes.body_slug_unique).toEqual({ columns: ['slug'], unique: true, partial: false })
    expect(Object.keys(catalogue.participation!.indexes)).toEqual(['participation_municipality_idx'])
    expect(catalogue.participation!.foreignKeys).toContain('collaboration_id → collaboration(id) ON DELETE cascade')
    expect(catalogue.subscription!.checks).toEqual(['subscription_channel', 'subscription_one_scope'])
    expect(catalogue.rule!.triggers).toEqual(['DELETE', 'INSERT', 'UPDATE'])
    expect(Object.values(catalogue).some(t => Object.values(t.indexes).some(i => i.partial))).toBe(true)
    expect(catalogue.__drizzle_migrations).toBeUndefined()
  })
})

describe('compareCatalogues', () => {
  it('finds nothing between a catalogue and its copy', () => {
    expect(compareCatalogues(catalogue, copy())).toEqual([])
  })

  it('names each kind of drift in a doctored copy (column order is not drift)', () => {
    const pg = copy()
    delete pg.calendar_revision
    pg.extra = { columns: [], indexes: {}, foreignKeys: [], checks: [], triggers: [] }
    const body = pg.body!
    body.columns.find(c => c.name === 'slug')!.notNull = false
    body.columns.find(c => c.name === 'feed_visibility')!.hasDefault = false
    body.columns.find(c => c.name === 'created')!.type = 'timestamp'
    body.columns = body.columns.filter(c => c.name !== 'feed_secret_hash')
    body.indexes.body_slug_unique!.unique = false
    body.indexes.body_slug_idx = body.indexes.body_municipality_idx!
    delete body.indexes.body_municipality_idx
    body.checks = []
    body.triggers = ['INSERT']
    const participation = pg.participation!
    participation.foreignKeys = participation.foreignKeys.map(f => f.replace('ON DELETE cascade', 'ON DELETE no action'))
    const [first, second, ...rest] = pg.municipality!.columns
    pg.municipality!.columns = [second!, first!, ...rest]

    expect(compareCatalogues(catalogue, pg)).toEqual([
      'table calendar_revision: only in SQLite',
      'table extra: only in PostgreSQL',
      'table body: column feed_secret_hash TEXT: only in SQLite',
      'table body: column slug: SQLite slug TEXT NOT NULL | PostgreSQL slug TEXT',
      'table body: column feed_visibility: SQLite feed_visibility TEXT NOT NULL DEFAULT … | PostgreSQL feed_visibility TEXT NOT NULL',
      'table body: column created: SQLite created INTEGER NOT NULL | PostgreSQL created timestamp NOT NULL',
      'table body: index body_municipality_idx (municipality_id): only in SQLite',
      'table body: index body_slug_idx (municipality_id): only in PostgreSQL',
      'table body: index body_slug_unique: SQLite UNIQUE (slug) | PostgreSQL (slug)',
      'table body: check body_one_owner: only in SQLite',
      'table body: triggers on UPDATE: only in SQLite',
      'table participation: foreign key collaboration_id → collaboration(id) ON DELETE cascade: only in SQLite',
      'table participation: foreign key collaboration_id → collaboration(id) ON DELETE no action: only in PostgreSQL',
    ])
  })

  it("matches SQLite's automatic index of an inline UNIQUE to PostgreSQL's unique index on the same columns", () => {
    const s = copy()
    const pg = copy()
    s.body!.indexes.sqlite_autoindex_body_1 = s.body!.indexes.body_slug_unique!
    delete s.body!.indexes.body_slug_unique
    expect(compareCatalogues(s, pg)).toEqual([])
    pg.body!.indexes.body_slug_unique!.columns = ['name']
    expect(compareCatalogues(s, pg)).toEqual([
      'table body: index sqlite_autoindex_body_1 UNIQUE (slug): only in SQLite',
      'table body: index body_slug_unique UNIQUE (name): only in PostgreSQL',
    ])
  })

  it("maps PostgreSQL's types by src/db/schema-pg.ts's rule and leaves any other type to differ", () => {
    expect(['bigint', 'smallint', 'text', 'double precision', 'integer', 'jsonb'].map(pgTypeAsSqlite)).toEqual(['INTEGER', 'INTEGER', 'TEXT', 'REAL', 'integer', 'jsonb'])
  })
})
