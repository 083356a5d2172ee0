// Background work one instance at a time, and other instances' commits heard (issue 16): two composition
// roots on one PostgreSQL database stand for two server instances.
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BASE_URL, catalogue } from '../helpers/app.js'
import { createPgTestDatabase, openPgTestDatabase } from '../helpers/database.js'
import { createDependencies, type Dependencies } from '../../src/composition.js'
import { notifyChange } from '../../src/db/changes.js'

let database: { url: string; drop: () => Promise<void> }
let a: Dependencies
let b: Dependencies
beforeEach(async () => {
  database = await createPgTestDatabase('empty')
  const open = (listen: boolean) => createDependencies({ config: { BASE_URL, DATABASE_PATH: ':memory:' }, catalogue, database: openPgTestDatabase(database.url), listen })
  a = await open(false)
  b = await open(true)
  await b.changes!.ready
})
afterEach(async () => {
  await a.close()
  await b.close()
  await database.drop()
})

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
async function eventually (check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await sleep(10)
  }
}
/** Ends every other connection to the test database that runs `LISTEN` (a dropped network, a restarted server). */
async function dropListeners (): Promise<number> {
  const admin = new pg.Client({ connectionString: database.url })
  await admin.connect()
  try {
    const { rows } = await admin.query("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'")
    return rows.length
  } finally {
    await admin.end()
  }
}

describe('exclusive(name, work) on PostgreSQL', () => {
  it('skips (undefined, at once) while another instance runs the same name; runs other names; runs again once the first is done', async () => {
    let finish!: () => void
    const held = new Promise<void>(resolve => { finish = resolve })
    const first = a.exclusive('job', async () => { await held; return 'a' })
    await sleep(100) // the lock is taken
    expect(await b.exclusive('job', async () => 'b')).toBeUndefined()
    expect(await a.exclusive('job', async () => 'a again')).toBeUndefined() // in the same process too
    expect(await b.exclusive('other', async () => 'other')).toBe('other')
    finish()
    expect(await first).toBe('a')
    expect(await b.exclusive('job', async () => 'b')).toBe('b')
  })

  it('an instance that dies frees its lock: the connection holding it is gone', async () => {
    let finish!: () => void
    const held = new Promise<void>(resolve => { finish = resolve })
    const first = a.exclusive('job', async () => { await held; return 'a' })
    await sleep(100)
    expect(await b.exclusive('job', async () => 'b')).toBeUndefined()
    const admin = new pg.Client({ connectionString: database.url })
    await admin.connect()
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
    await admin.end()
    expect(await b.exclusive('job', async () => 'b')).toBe('b')
    finish()
    // A's work itself goes on; releasing its lost lock fails quietly and the client is discarded.
    expect(await first).toBe('a')
    expect(await a.exclusive('job', async () => 'a')).toBe('a')
  })

  it('a failing work releases the lock and rethrows', async () => {
    await expect(a.exclusive('job', async () => { throw new Error('boom') })).rejects.toThrow('boom')
    expect(await b.exclusive('job', async () => 'b')).toBe('b')
  })
})

describe('other instances\' commits (LISTEN/NOTIFY)', () => {
  const revisionOf = (d: Dependencies, key: string) => d.services.occurrenceIndex.revisions.get(key)

  it('a commit on A bumps B\'s revisions at once; a rolled-back one tells nobody', async () => {
    await expect(a.transactor.transaction(async tx => {
      await notifyChange(tx, { kind: 'revisions', seq: 7, keys: ['m:1'] })
      throw new Error('rolled back')
    })).rejects.toThrow('rolled back')
    await a.transactor.transaction(tx => notifyChange(tx, { kind: 'revisions', seq: 5, keys: ['m:2', 'b:3'] }))
    await eventually(() => revisionOf(b, 'b:3') === 5)
    expect(revisionOf(b, 'm:2')).toBe(5)
    expect(revisionOf(b, 'm:1')).toBe(0)
  })

  it('listens again after its connection is lost, and re-reads what it may have missed', async () => {
    expect(await dropListeners()).toBe(1)
    // Written while B was not listening: the revisions table is what B re-reads on reconnecting.
    await a.transactor.transaction(async tx => {
      await a.repos.occurrenceIndex.bumpRevisions(['c:9'], 3, tx)
    })
    await eventually(() => revisionOf(b, 'c:9') === 3, 10_000)
    await a.transactor.transaction(tx => notifyChange(tx, { kind: 'revisions', seq: 4, keys: ['c:9'] }))
    await eventually(() => revisionOf(b, 'c:9') === 4)
  }, 20_000)
})
