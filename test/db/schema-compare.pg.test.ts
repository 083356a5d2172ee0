// Issue 16: the two dialects' migrations must build the same schema. Each database is migrated from
// scratch (SQLite from migrations/, PostgreSQL from migrations-pg/) and its catalogue read back from the
// database itself; tables, columns (by name: type under src/db/schema-pg.ts's mapping, NOT NULL, default,
// primary key), indexes, foreign keys, CHECK names and the tables' trigger events must agree.
// PostgreSQL only (npm run test:pg); the comparison itself is tested in schema-compare.test.ts.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type SqliteHandle } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'
import { createPgTestDatabase, TEST_DATABASE_URL } from '../helpers/database.js'
import { compareCatalogues, pgCatalogue, sqliteCatalogue, type Catalogue } from './schema-catalogue.js'

describe.skipIf(!TEST_DATABASE_URL)('the SQLite and PostgreSQL schemas', () => {
  let sqlite: SqliteHandle
  let client: pg.Client
  let drop = async () => {}
  let fromSqlite: Catalogue
  let fromPg: Catalogue

  beforeAll(async () => {
    sqlite = openDatabase(':memory:')
    runMigrations(sqlite.sqlite, sqlite.db)
    fromSqlite = sqliteCatalogue(sqlite.sqlite)
    const created = await createPgTestDatabase('empty')
    drop = created.drop
    client = new pg.Client({ connectionString: created.url })
    await client.connect()
    fromPg = await pgCatalogue(client)
  })
  afterAll(async () => {
    await client?.end()
    await drop()
    await sqlite?.close()
  })

  it('were read: both have tables, columns, indexes, foreign keys and checks', () => {
    for (const c of [fromSqlite, fromPg]) {
      const tables = Object.values(c)
      expect(tables.length).toBeGreaterThan(20)
      expect(tables.flatMap(t => Object.keys(t.indexes)).length).toBeGreaterThan(20)
      expect(tables.flatMap(t => t.foreignKeys).length).toBeGreaterThan(20)
      expect(tables.flatMap(t => t.checks).length).toBeGreaterThan(0)
    }
  })

  it('have the same tables, columns, indexes, foreign keys, checks and trigger events', () => {
    expect(compareCatalogues(fromSqlite, fromPg)).toEqual([])
  })
})
