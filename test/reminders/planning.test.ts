// Planning at scale reads narrowly (issue 11): only the days a reminder can be due on, calendars
// decided in memory, the outbox written one JSON parameter per chunk. These tests hold the fast
// paths to the slow, obvious ones on the seeded region.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_URL, buildTestDependencies, type TestSql } from '../helpers/app.js'
import { addDays } from '../../src/domain/calendar-date.js'
import { DEFAULT_REMINDER_POLICY, dueReminders } from '../../src/domain/reminder-policy.js'
import { localToInstant } from '../../src/domain/local-time.js'
import { calendarMembership, scopeKeyOf, type ScopeQuery } from '../../src/reminders/calendars.js'
import { createPlanner } from '../../src/reminders/planner.js'
import { systemViewer } from '../../src/services/access.js'
import type { Dependencies } from '../../src/composition.js'

let deps: Dependencies
let sql: TestSql
let dispose: () => Promise<void>
beforeAll(async () => {
  ({ deps, sql, dispose } = await buildTestDependencies({ now: '2027-01-04T07:00:00Z' }))
})
afterAll(async () => {
  await dispose()
})

const morning = (day: string) => new Date(+localToInstant(`${day}T08:00`, 'Europe/Oslo'))
const planner = () => createPlanner(deps.services.reminders.jobDeps(), {
  policy: DEFAULT_REMINDER_POLICY, sendHour: 7, digestWeekday: 1, baseUrl: BASE_URL, mailDomain: 'arshjul.test',
})

describe('calendars in memory', () => {
  it("hold exactly what idsInCalendar returns, for every municipality's, body's and collaboration's calendar", async () => {
    const window = { from: '2027-01-01', to: '2027-06-30' }
    const items = await deps.services.occurrences.list({ ...window, asOf: '2027-01-04' }, systemViewer)
    const scopes: ScopeQuery[] = [
      ...(await deps.repos.municipalities.list({ limit: 1000, offset: 0 })).items.map(m => ({ municipality: m.id })),
      ...(await deps.repos.collaborations.list({ limit: 1000, offset: 0 })).items.map(c => ({ collaboration: c.id })),
      ...(await deps.repos.bodies.list({ limit: 1000, offset: 0 })).items.map(b => ({ body: b.id })),
    ]
    expect(items.length).toBeGreaterThan(100)
    expect(scopes.length).toBeGreaterThan(20)
    const calendars = await calendarMembership(deps.services.reminders.jobDeps(), [...scopes, null], items)
    let held = 0
    for (const q of scopes) {
      const ids = await deps.services.occurrences.idsInCalendar(q, window)
      const mine = new Set(items.filter(o => calendars.holds(scopeKeyOf(q), o)).map(o => o.id))
      expect([...mine].sort(), JSON.stringify(q)).toEqual([...ids].sort())
      held += mine.size
    }
    expect(held).toBeGreaterThan(items.length)
    expect(items.every(o => calendars.holds('*', o))).toBe(true)
  })

  it('outside the index horizon, asks idsInCalendar for the occurrences there', async () => {
    const window = { from: '2041-01-01', to: '2041-03-31' }
    const items = await deps.services.occurrences.list({ ...window, asOf: '2041-01-01' }, systemViewer)
    expect(items.length).toBeGreaterThan(0)
    const q = { municipality: (await deps.repos.municipalities.find('oyer'))!.id }
    const calendars = await calendarMembership(deps.services.reminders.jobDeps(), [q], items)
    const ids = await deps.services.occurrences.idsInCalendar(q, window)
    expect(items.filter(o => calendars.holds(scopeKeyOf(q), o)).map(o => o.id).sort()).toEqual([...ids].sort())
  })
})

describe('what is due on a morning', () => {
  // Mondays through the year, and the days around Easter 2027 (28 March), when reminders move back
  // to the Wednesday before: the narrow reads find every reminder the policy makes due.
  const days = [
    ...Array.from({ length: 26 }, (_, i) => addDays('2027-01-04', 14 * i)),
    '2027-03-24', '2027-03-26', '2027-03-29', '2027-03-30', '2027-12-23', '2027-12-27',
  ]
  let found = 0
  afterAll(() => { expect(found).toBeGreaterThan(days.length) })
  it.each(days)('%s: every due reminder of every occurrence, as a wide read finds them', async day => {
    const plan = await planner().plan(morning(day), { includeUnaddressed: true })
    expect(plan.day).toBe(day)
    const wide = await deps.services.occurrences.list({ from: addDays(day, -120), to: addDays(day, 800), asOf: day }, systemViewer)
    // Nothing "ikke registrert" and no placeholder meeting of a default møteplan is reminded (issue 12).
    const want = wide.filter(o => !o.notRecorded && !o.tentative).flatMap(o => dueReminders({ date: o.date, localStart: o.localStart, status: o.status, kind: o.kind, offsetsDays: o.reminderOffsetsDays }, day, DEFAULT_REMINDER_POLICY)
      .map(r => `${o.id} ${r.key}`))
    found += want.length
    expect(plan.items.map(i => `${i.occurrence.id} ${i.reminder.key}`).sort()).toEqual(want.sort())
  })
})

describe('enqueueing in chunks', () => {
  it('stores every planned row as planned, and the same morning twice adds nothing', async () => {
    const at = deps.clock.now().getTime()
    const oyer = (await deps.repos.municipalities.find('oyer'))!
    const kd = (await deps.repos.bodies.list({ municipality: 'oyer', kind: 'kommunedirektor', limit: 1, offset: 0 })).items[0]!
    const base = { channel: 'email' as const, webhookUrl: null, webhookSecret: null, collaborationId: null, eventTypes: null, active: true }
    await deps.repos.subscriptions.insert({ ...base, name: 'KD Øyer', email: 'kd@oyer.test', municipalityId: null, bodyId: kd.id, digest: true }, at)
    await deps.repos.subscriptions.insert({ ...base, name: 'Post Øyer', email: 'post@oyer.test', municipalityId: oyer.id, bodyId: null, digest: false }, at)
    const day = '2027-03-15' // a Monday: reminders and the weekly digest
    const plan = await planner().plan(morning(day))
    const planned = [...plan.items.flatMap(i => i.rows), ...plan.digests]
    expect(plan.digests.length).toBe(1)
    expect(planned.some(r => r.occurrenceId === null && r.dueDate === null)).toBe(true)
    // Ten recipients each, so that the rows fill several chunks.
    const rows = Array.from({ length: 10 }, (_, k) => planned.map(r => ({ ...r, outboxKey: `${r.outboxKey}#${k}`, messageId: `<${k}${r.messageId.slice(1)}`, recipient: `${r.recipient}#${k}` }))).flat()
    expect(rows.length).toBeGreaterThan(400)
    const { outbox } = deps.repos
    const { transactor } = deps
    const enqueue = () => transactor.transaction(tx => outbox.enqueue(rows, at, tx))
    expect(await enqueue()).toBe(rows.length)
    expect(await enqueue()).toBe(0)
    const stored = (await outbox.list({ limit: 10_000, offset: 0 })).items
    expect(stored.length).toBe(rows.length)
    const byKey = new Map(stored.map(r => [r.outboxKey, r]))
    for (const r of rows) {
      const s = byKey.get(r.outboxKey)!
      expect({ ...s, id: 0 }).toEqual({
        ...r,
        id: 0,
        occurrenceId: r.occurrenceId ?? null,
        municipalityId: r.municipalityId ?? null,
        dueDate: r.dueDate ?? null,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: at,
        created: at,
        claimedBy: null,
        claimExpiresAt: null,
        lastAttemptAt: null,
        lastError: null,
        lastResponse: null,
        sentAt: null,
      })
    }
    // A row already there (by key) is skipped, the rest of its chunk still goes in.
    await sql.run('DELETE FROM reminder_outbox WHERE id IN (SELECT id FROM reminder_outbox ORDER BY id DESC LIMIT 3)')
    expect(await enqueue()).toBe(3)
  })
})
