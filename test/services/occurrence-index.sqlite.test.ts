// src/services/occurrence-index.ts on SQLite only: the index's migration (0004) on a database that
// already holds data. It undoes the migration by hand (sqlite_master, drizzle's SQLite migrations
// table) and reopens the file by name; PostgreSQL's schema has had the index from its first migration.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { serviceFixture, type ServiceFixture } from '../helpers/services.js'
import { systemViewer } from '../../src/services/access.js'
import { compareRows, type OccurrenceRow } from '../../src/domain/occurrence-engine.js'
import { horizonFor } from '../../src/services/occurrence-index.js'
import { createDependencies, type Dependencies } from '../../src/composition.js'
import { openDatabase } from '../../src/db/client.js'
import { MIGRATIONS_DIR } from '../../src/db/migrate.js'
import { BASE_URL, catalogue } from '../helpers/app.js'
import { testSql, type TestSql } from '../helpers/database.js'
import { fixedClock } from '../../src/shared/clock.js'

let t: ServiceFixture
beforeEach(async () => { t = await serviceFixture() })
afterEach(async () => { await t.close() })

const TODAY = '2027-01-15'
const horizon = horizonFor(TODAY)

/** The fixture's better-sqlite3 connection. */
function sqliteOf (f: ServiceFixture) {
  const database = f.deps.database
  if (database.dialect !== 'sqlite') throw new Error('a SQLite test on PostgreSQL')
  return database.sqlite
}

/** Every row the index holds, and every row the engine computes from scratch, over the whole horizon. */
async function indexAndEngine (f: { services: Dependencies['services']; repos: Dependencies['repos']; sql: TestSql }): Promise<{ index: OccurrenceRow[]; engine: OccurrenceRow[] }> {
  await f.services.occurrenceIndex.ready()
  const index = await f.repos.occurrenceIndex.select({ ...horizon, scope: { type: 'all' }, hiddenBodyIds: new Set(), asOf: TODAY })
  const rules = await f.repos.occurrenceIndex.rules((await f.sql.all<{ id: number }>('select id from rule')).map(r => r.id))
  const engine = (await f.services.occurrenceIndex.computeRows(rules, horizon)).sort(compareRows)
  return { index, engine }
}

describe('the index’s migration on a database that already holds data', () => {
  it('notes every rule, so the first read builds the index, equal to the engine', async () => {
    const sqlite = sqliteOf(t)
    // Undo migration 0004 (the index tables and triggers), as on a database from before it.
    for (const { type, name } of sqlite.prepare("select type, name from sqlite_master where (type = 'trigger' and name like '%_dirty_%') or (type = 'table' and name in ('occurrence', 'occurrence_index_dirty', 'occurrence_index_meta', 'calendar_revision')) order by type = 'table'").all() as Array<{ type: string; name: string }>) {
      sqlite.exec(`drop ${type} "${name}"`)
    }
    // …and what the later migrations added or dropped (0006, 0007, 0009, 0010: they all run again below).
    for (const table of ['kontroll_plan_adoption', 'kontroll_plan_version']) sqlite.exec(`drop table ${table}`)
    for (const column of ['ku_adopted_on', 'ku_case_ref', 'ks_adopted_on', 'ks_case_ref']) sqlite.exec(`alter table kontroll_plan add column ${column} text`)
    sqlite.exec('alter table kontroll_project drop column position')
    sqlite.exec('drop index municipality_kommunenummer_idx')
    sqlite.exec('drop index subscription_user_idx')
    for (const table of ['app_secret', 'login_link', 'session', 'sign_in_state', 'user_role', 'app_user']) sqlite.exec(`drop table ${table}`)
    for (const [table, column] of [['municipality', 'kommunenummer'], ['municipality', 'tracking_from'], ['collaboration', 'tracking_from'], ['subscription', 'include_tentative'],
      ['api_token', 'user_id'], ['audit_log', 'user_id'], ['subscription', 'user_id'], ['subscription', 'lead_days']]) {
      sqlite.exec(`alter table ${table} drop column ${column}`)
    }
    // …and forget the migrations from 0004 on (drizzle records each by its journal time).
    const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string; when: number }> }
    const since = journal.entries.find(e => e.tag.startsWith('0004_'))!.when
    sqlite.prepare('delete from __drizzle_migrations where created_at >= ?').run(since)
    const file = sqlite.name
    await t.deps.close()
    const database = openDatabase(file)
    const reopened = await createDependencies({ config: { BASE_URL, DATABASE_PATH: file }, clock: fixedClock('2027-01-15T09:00:00Z'), catalogue, database })
    try {
      const rules = (database.sqlite.prepare('select count(*) as n from rule').get() as { n: number }).n
      expect(database.sqlite.prepare("select count(distinct ref_id) as n from occurrence_index_dirty where kind = 'rule'").get()).toEqual({ n: rules })
      const oyer = await reopened.services.occurrences.list({ municipality: 'oyer', from: '2027-01-01', to: '2027-12-31' }, systemViewer)
      expect(oyer.length).toBeGreaterThan(100)
      expect(database.sqlite.prepare('select count(*) as n from occurrence_index_dirty').get()).toEqual({ n: 0 })
      const { index, engine } = await indexAndEngine({ services: reopened.services, repos: reopened.repos, sql: testSql(database) })
      expect(index).toEqual(engine)
    } finally {
      await reopened.close()
    }
  })
})
