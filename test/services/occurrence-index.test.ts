// src/services/occurrence-index.ts: the occurrence index equals the engine, whatever was changed and how.
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { serviceFixture, type ServiceFixture } from '../helpers/services.js'
import { anonymousViewer, systemViewer, type Viewer } from '../../src/services/access.js'
import { compareRows, type OccurrenceRow } from '../../src/domain/occurrence-engine.js'
import { addDays } from '../../src/domain/calendar-date.js'
import { horizonFor } from '../../src/services/occurrence-index.js'
import { createDependencies, type Dependencies } from '../../src/composition.js'
import { openDatabase } from '../../src/db/client.js'
import { BASE_URL, catalogue } from '../helpers/app.js'
import { openPgTestDatabase, testSql, type TestSql } from '../helpers/database.js'
import { fixedClock } from '../../src/shared/clock.js'
import { ServiceError } from '../../src/shared/errors.js'

let t: ServiceFixture
beforeEach(async () => { t = await serviceFixture() })
afterEach(async () => { await t.close() })

const TODAY = '2027-01-15'
const horizon = horizonFor(TODAY)

/** Every row the index holds, and every row the engine computes from scratch, over the whole horizon. */
async function indexAndEngine (f: ServiceFixture): Promise<{ index: OccurrenceRow[]; engine: OccurrenceRow[] }> {
  await f.services.occurrenceIndex.ready()
  const index = await f.repos.occurrenceIndex.select({ ...horizon, scope: { type: 'all' }, hiddenBodyIds: new Set(), asOf: TODAY })
  const rules = await f.repos.occurrenceIndex.rules(((await f.sql.all('select id from rule')) as Array<{ id: number }>).map(r => r.id))
  const engine = (await f.services.occurrenceIndex.computeRows(rules, horizon)).sort(compareRows)
  return { index, engine }
}

/** The same calendar read from the index (a window inside the horizon) and from the engine (a window reaching one day outside it). */
async function listBothWays (f: ServiceFixture, scope: object, viewer: Viewer, from: string, to: string) {
  const q = { ...scope, from, to, asOf: TODAY }
  const fromIndex = await f.services.occurrences.list(q, viewer)
  const fromEngine = (await f.services.occurrences.list({ ...q, from: addDays(horizon.from, -1) }, viewer)).filter(o => o.date >= from)
  return { fromIndex, fromEngine }
}

/**
 * The same database opened again, as by a server starting on it: SQLite reopens the file by name,
 * PostgreSQL gets a new pool on the same URL.
 */
async function reopen (f: ServiceFixture, now: string): Promise<{ deps: Dependencies; services: Dependencies['services']; repos: Dependencies['repos']; sql: TestSql }> {
  const current = f.deps.database
  const database = current.dialect === 'sqlite' ? openDatabase(current.sqlite.name) : openPgTestDatabase(current.pool.options.connectionString!)
  const deps = await createDependencies({ config: { BASE_URL, DATABASE_PATH: current.dialect === 'sqlite' ? current.sqlite.name : ':memory:' }, clock: fixedClock(now), catalogue, database })
  return { deps, services: deps.services, repos: deps.repos, sql: testSql(database) }
}

/** How many occurrence rows, and the newest row version: SQLite's last rowid, PostgreSQL's newest inserting transaction. */
const rowVersions = (r: { deps: Dependencies }) => r.deps.database.dialect === 'sqlite'
  ? 'select count(*) as n, max(rowid) as last from occurrence'
  : 'select count(*) as n, max(xmin::text::bigint) as last from occurrence'

const dateIn = (year: number) => fc.record({ m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) })
  .map(({ m, d }) => `${year}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`)

type Op =
  | { op: 'createRule'; meeting: boolean; on: 'oyer' | 'collaboration'; date: string; interval: number; treated: boolean }
  | { op: 'editRule'; pick: number; interval: number; enabled: boolean }
  | { op: 'deleteRule'; pick: number }
  | { op: 'moveMeeting'; pick: number; days: number }
  | { op: 'cancelMeeting'; pick: number }
  | { op: 'status'; pick: number; status: 'delivered' | 'in_progress' | 'planned' | 'approved' }
  | { op: 'participation'; pick: number; municipality: 'oyer' | 'gausdal' | 'lillehammer'; add: boolean }
  | { op: 'host'; pick: number; municipality: 'oyer' | 'gausdal' | 'lillehammer' | null }
  | { op: 'constitution'; municipality: 'oyer' | 'gausdal'; day: number }
  | { op: 'visibility'; body: string; isPrivate: boolean }
  | { op: 'tracking'; subject: 'oyer' | 'gausdal' | 'lillehammer' | 'collaboration'; pick: number; from: string | null }

const municipalitySlug = fc.constantFrom('oyer' as const, 'gausdal' as const, 'lillehammer' as const)
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('createRule' as const), meeting: fc.boolean(), on: fc.constantFrom('oyer' as const, 'collaboration' as const), date: dateIn(2026), interval: fc.integer({ min: 1, max: 4 }), treated: fc.boolean() }),
  fc.record({ op: fc.constant('editRule' as const), pick: fc.nat(), interval: fc.integer({ min: 1, max: 3 }), enabled: fc.boolean() }),
  fc.record({ op: fc.constant('deleteRule' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('moveMeeting' as const), pick: fc.nat(), days: fc.integer({ min: -40, max: 40 }) }),
  fc.record({ op: fc.constant('cancelMeeting' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('status' as const), pick: fc.nat(), status: fc.constantFrom('delivered' as const, 'in_progress' as const, 'planned' as const, 'approved' as const) }),
  fc.record({ op: fc.constant('participation' as const), pick: fc.nat(), municipality: municipalitySlug, add: fc.boolean() }),
  fc.record({ op: fc.constant('host' as const), pick: fc.nat(), municipality: fc.option(municipalitySlug, { nil: null }) }),
  fc.record({ op: fc.constant('constitution' as const), municipality: fc.constantFrom('oyer' as const, 'gausdal' as const), day: fc.integer({ min: 1, max: 31 }) }),
  fc.record({ op: fc.constant('visibility' as const), body: fc.constantFrom('oyer-kommunestyre', 'oyer-formannskap', 'gausdal-kontrollutvalg'), isPrivate: fc.boolean() }),
  fc.record({
    op: fc.constant('tracking' as const),
    subject: fc.constantFrom('oyer' as const, 'gausdal' as const, 'lillehammer' as const, 'collaboration' as const),
    pick: fc.nat(),
    from: fc.option(dateIn(2026).map(d => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`), { nil: null }),
  })
)

/** Applies one operation through the services where users have one, and as raw SQL where only data exists (constitution dates). */
async function apply (f: ServiceFixture, o: Op): Promise<void> {
  const { services, admin, sql } = f
  const pickOf = <T>(xs: T[], n: number): T | undefined => (xs.length ? xs[n % xs.length] : undefined)
  // Manual rules, and every seventh rule of the packages and meeting plans.
  const ruleIds = async () => (await sql.all<{ id: number }>("select id from rule where deleted = 0 and (origin = 'manual' or id % 7 = 0) order by id")).map(r => r.id)
  const items = async (meetings: boolean) => (await services.occurrences.list({ from: '2026-06-01', to: '2028-06-30' }, systemViewer))
    .filter(x => (x.kind === 'meeting') === meetings && x.eventType !== 'eierbehandling')
  const owned = (await sql.all<{ slug: string }>("select c.slug from collaboration c join body b on b.collaboration_id = c.id where b.kind in ('representantskap', 'generalforsamling') and c.deleted = 0 order by c.id")).map(r => r.slug)
  switch (o.op) {
    case 'createRule': {
      const collaboration = pickOf(owned, o.interval)!
      const body = o.on === 'oyer' ? (o.meeting ? 'oyer-formannskap' : 'oyer-kommunedirektor') : (await sql.get<{ slug: string }>("select slug from body where collaboration_id = (select id from collaboration where slug = ?) order by kind = 'representantskap' desc, kind = 'generalforsamling' desc, id limit 1", collaboration))!.slug
      await services.rules.create({
        eventType: o.meeting ? 'mote' : 'arsberetning',
        ...(o.on === 'oyer' ? { municipality: 'oyer' } : { collaboration }),
        responsibleBody: body,
        treatedByBody: !o.meeting && o.treated ? (o.on === 'oyer' ? 'oyer-kommunestyre' : body) : null,
        dtstart: o.meeting ? `DTSTART;TZID=Europe/Oslo:${o.date}T180000` : `DTSTART;VALUE=DATE:${o.date}`,
        rrule: `FREQ=MONTHLY;INTERVAL=${o.interval}`,
      }, admin)
      return
    }
    case 'editRule': {
      const id = pickOf(await ruleIds(), o.pick)
      if (id !== undefined) await services.rules.update(id, o.interval > 1 ? { rrule: `FREQ=YEARLY;INTERVAL=${o.interval}` } : { enabled: o.enabled }, admin)
      return
    }
    case 'deleteRule': {
      const id = pickOf(await ruleIds(), o.pick)
      if (id !== undefined) await services.rules.remove(id, admin)
      return
    }
    case 'moveMeeting': {
      const m = pickOf(await items(true), o.pick)
      if (m?.localStart) await services.occurrences.change(m.id, { movedTo: `${addDays(m.originalKey.slice(0, 10), o.days)}T${m.originalKey.slice(11)}` }, admin)
      return
    }
    case 'cancelMeeting': {
      const m = pickOf(await items(true), o.pick)
      if (m) await services.occurrences.change(m.id, { status: 'cancelled' }, admin)
      return
    }
    case 'status': {
      const all = (await services.occurrences.list({ from: '2026-06-01', to: '2027-01-15' }, systemViewer)).filter(x => x.kind !== 'meeting')
      const d = pickOf(all, o.pick)
      if (d) await services.occurrences.change(d.id, { status: o.status }, admin)
      return
    }
    case 'participation': {
      const slug = pickOf(owned, o.pick)!
      const current = await services.collaborations.get(slug)
      const others = current.participants.filter(p => p.slug !== o.municipality).map(p => ({ municipality: p.slug }))
      await services.collaborations.update(admin, slug, { participants: o.add ? [...others, { municipality: o.municipality }] : others })
      return
    }
    case 'host': {
      const slug = pickOf(owned, o.pick)!
      await services.collaborations.update(admin, slug, { hostMunicipality: o.municipality })
      return
    }
    case 'constitution': {
      const id = await f.idOf('municipality', o.municipality)
      await sql.run('insert into constitution (municipality_id, election_year, date) values (?, 2027, ?) on conflict (municipality_id, election_year) do update set date = excluded.date', id, `2027-10-${String(o.day).padStart(2, '0')}`)
      return
    }
    case 'visibility':
      await services.bodies.update(admin, o.body, { feedVisibility: o.isPrivate ? 'private' : 'public' })
      return
    case 'tracking':
      // A tracking start (go-live) set as data: "ikke registrert" before it.
      if (o.subject === 'collaboration') await sql.run('update collaboration set tracking_from = ? where slug = ?', o.from, pickOf(owned, o.pick)!)
      else await sql.run('update municipality set tracking_from = ? where slug = ?', o.from, o.subject)
  }
}

describe('the occurrence index', () => {
  it('holds, after any sequence of changes, exactly the rows the engine computes from scratch; every calendar reads the same from both', async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async ops => {
      const f = await serviceFixture()
      try {
        // A refused change (say, an RRULE for a valgperiode rule) is an outcome too: it changes nothing.
        for (const o of ops) await apply(f, o).catch((err: unknown) => { if (!(err instanceof ServiceError && err.kind === 'invalid')) throw err })
        const { index, engine } = await indexAndEngine(f)
        expect(index.length).toBe(engine.length)
        expect(index).toEqual(engine)
        for (const scope of [{ municipality: 'oyer' }, { body: 'oyer-formannskap' }, { collaboration: 'innlandet-revisjon' }]) {
          for (const viewer of [systemViewer, anonymousViewer]) {
            const { fromIndex, fromEngine } = await listBothWays(f, scope, viewer, horizon.from, '2027-12-31')
            expect(fromIndex).toEqual(fromEngine)
          }
          // The status filters in SQL ('overdue', 'not_recorded') agree with the engine's flags.
          for (const status of ['overdue', 'not_recorded'] as const) {
            const { fromIndex, fromEngine } = await listBothWays(f, { ...scope, statuses: [status] }, systemViewer, horizon.from, '2027-12-31')
            expect(fromIndex).toEqual(fromEngine)
            expect(fromIndex.every(x => (status === 'overdue' ? x.overdue : x.notRecorded))).toBe(true)
          }
        }
        // The start page's counts (one SQL pass) agree with the read model's flags, municipality by municipality.
        const counts = await f.services.occurrences.countsByMunicipality(systemViewer, TODAY, 30)
        for (const slug of ['oyer', 'gausdal', 'lillehammer']) {
          const items = await f.services.occurrences.list({ municipality: slug, from: addDays(TODAY, -365), to: addDays(TODAY, 30), asOf: TODAY }, systemViewer)
          expect(counts.get(await f.idOf('municipality', slug)) ?? { overdue: 0, upcoming: 0 }).toEqual({
            overdue: items.filter(x => x.overdue).length,
            upcoming: items.filter(x => x.date >= TODAY && x.kind !== 'meeting' && !['delivered', 'approved', 'cancelled'].includes(x.status) && !x.notRecorded).length,
          })
        }
      } finally {
        await f.close()
      }
    // The example once failed: an upsert's conflict policy overrode the triggers' INSERT OR IGNORE.
    }), {
      numRuns: 10,
      examples: [
        [[{ op: 'constitution', municipality: 'oyer', day: 1 }, { op: 'constitution', municipality: 'oyer', day: 1 }, { op: 'deleteRule', pick: 0 }]],
        // Go-live for Øyer and a collaboration, a deadline then recorded, and a new participant (whose start a collaboration without its own may take).
        [[{ op: 'tracking', subject: 'oyer', pick: 0, from: '2026-11-01' }, { op: 'tracking', subject: 'collaboration', pick: 1, from: '2026-12-01' },
          { op: 'status', pick: 3, status: 'in_progress' }, { op: 'participation', pick: 2, municipality: 'oyer', add: true }, { op: 'tracking', subject: 'gausdal', pick: 0, from: null }]],
      ],
    })
    // Each run copies the seeded database and compares the whole horizon: slow on a loaded machine.
  }, 300_000)

  it('answers a window outside its horizon the same as the engine, and a ten-year window', async () => {
    const decade = await t.services.occurrences.list({ municipality: 'lillehammer', from: '2023-01-01', to: '2032-12-31' }, systemViewer)
    const inside = await t.services.occurrences.list({ municipality: 'lillehammer', from: horizon.from, to: '2032-12-31' }, systemViewer)
    expect(decade.filter(o => o.date >= horizon.from)).toEqual(inside)
    expect(decade.some(o => o.date < horizon.from)).toBe(true)
  })

  it('survives a restart: a server on an existing database answers its first query without rebuilding', async () => {
    const before = (await t.sql.get('select count(*) as n from occurrence')) as { n: number }
    expect(before.n).toBeGreaterThan(1000)
    const reopened = await reopen(t, '2027-01-15T09:00:00Z')
    try {
      const rowsBefore = await reopened.sql.get(rowVersions(reopened))
      const first = await reopened.services.occurrences.list({ municipality: 'oyer', from: '2027-01-01', to: '2027-12-31' }, systemViewer)
      expect(first.length).toBeGreaterThan(100)
      expect(reopened.services.occurrenceIndex.covers({ from: '2027-01-01', to: '2027-12-31' })).toBe(true)
      // No rebuild ran or is under way: no cursor, and not one row rewritten (a rewrite takes new rowids; on PostgreSQL, a newer xmin).
      expect(await reopened.sql.get('select cursor from occurrence_index_meta')).toEqual({ cursor: null })
      expect(await reopened.sql.get(rowVersions(reopened))).toEqual(rowsBefore)
    } finally {
      await reopened.deps.close()
    }
  })
})

describe('a new year', () => {
  it('rolls the horizon: rebuilt in the background, reads correct meanwhile and after', async () => {
    const before = t.services.occurrenceIndex
    await before.ready()
    expect(before.validWindow()).toEqual({ from: '2025-01-01', to: '2032-12-31' })
    const in2033 = async () => t.services.occurrences.list({ municipality: 'oyer', from: '2033-01-01', to: '2033-12-31' }, systemViewer)
    const expected2033 = await in2033() // outside the horizon: the engine's answer
    t.clock.set('2028-01-02T09:00:00Z')
    await before.ready()
    // While rebuilding, reads trust only what both horizons share.
    expect(before.validWindow()).toEqual({ from: '2026-01-01', to: '2032-12-31' })
    expect(await in2033()).toEqual(expected2033)
    await before.settled()
    expect(before.validWindow()).toEqual({ from: '2026-01-01', to: '2033-12-31' })
    expect(await in2033()).toEqual(expected2033)
    expect(await t.sql.get("select count(*) as n from occurrence where date < '2026-01-01'")).toEqual({ n: 0 })
    const horizon2028 = horizonFor('2028-01-02')
    const index = await t.repos.occurrenceIndex.select({ ...horizon2028, scope: { type: 'all' }, hiddenBodyIds: new Set(), asOf: '2028-01-02' })
    const rules = await t.repos.occurrenceIndex.rules(((await t.sql.all('select id from rule')) as Array<{ id: number }>).map(r => r.id))
    expect(index).toEqual((await t.services.occurrenceIndex.computeRows(rules, horizon2028)).sort(compareRows))
  })
})

describe('a rebuild cut short by a shutdown', () => {
  it('resumes from its cursor on the next start and finishes', async () => {
    t.clock.set('2028-01-02T09:00:00Z')
    await t.services.occurrenceIndex.ready()
    t.services.occurrenceIndex.stop()
    await t.deps.close()
    const reopened = await reopen(t, '2028-01-02T09:00:00Z')
    try {
      const meta = (await reopened.sql.get('select target_from as "targetFrom", cursor from occurrence_index_meta')) as { targetFrom: string; cursor: number | null }
      expect(meta.targetFrom).toBe('2026-01-01')
      expect(meta.cursor).not.toBeNull()
      await reopened.services.occurrenceIndex.settled()
      expect(reopened.services.occurrenceIndex.validWindow()).toEqual({ from: '2026-01-01', to: '2033-12-31' })
      expect(await reopened.sql.get('select cursor from occurrence_index_meta')).toEqual({ cursor: null })
      const f = reopened
      const horizon2028 = horizonFor('2028-01-02')
      const index = await f.repos.occurrenceIndex.select({ ...horizon2028, scope: { type: 'all' }, hiddenBodyIds: new Set(), asOf: '2028-01-02' })
      const rules = await f.repos.occurrenceIndex.rules(((await f.sql.all('select id from rule')) as Array<{ id: number }>).map(r => r.id))
      expect(index).toEqual((await f.services.occurrenceIndex.computeRows(rules, horizon2028)).sort(compareRows))
    } finally {
      await reopened.deps.close()
    }
  })
})
