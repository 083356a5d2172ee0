// src/reminders/planner.ts, issue 12: no false alarms by e-mail either. Nothing "ikke registrert"
// (due before its subject's tracking start, never recorded) is reminded, and no placeholder meeting
// of a default møteplan ("foreløpig"); an adopted plan's meetings are reminded as before.
import { afterEach, describe, expect, it } from 'vitest'
import { BASE_URL, buildTestApp, type TestApp } from '../helpers/app.js'
import { localToInstant } from '../../src/domain/local-time.js'
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminder-policy.js'
import { createPlanner } from '../../src/reminders/planner.js'
import { seedIfEmpty } from '../../src/seed.js'

const GO_LIVE = '2027-01-15'
let t: TestApp
afterEach(async () => { await t.close() })

const morning = (day: string) => new Date(+localToInstant(`${day}T08:00`, 'Europe/Oslo'))
const planner = () => createPlanner(t.services.reminders.jobDeps(), {
  policy: DEFAULT_REMINDER_POLICY, sendHour: 7, digestWeekday: 1, baseUrl: BASE_URL, mailDomain: 'arshjul.test',
})

async function freshInstall (): Promise<TestApp> {
  const app = await buildTestApp({ seed: false, now: `${GO_LIVE}T09:00:00Z` })
  await seedIfEmpty(app.deps)
  // The seed onboards the region tracked from the day it runs; set here too whichever way it gets there.
  await app.sql.run('update municipality set tracking_from = ? where in_region = 1 and tracking_from is null', GO_LIVE)
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: app.auth(app.tokens.admin), payload: { name: 'Postmottak Øyer', email: 'post@oyer.kommune.no', municipality: 'oyer' } })
  expect(res.statusCode).toBe(201)
  return app
}

describe('reminders on the first day', () => {
  it('sends no overdue reminder for what is «ikke registrert» — and would have without a tracking start', async () => {
    t = await freshInstall()
    const plan = await planner().plan(morning(GO_LIVE), { includeUnaddressed: true })
    expect(plan.items.filter(i => i.reminder.kind !== 'before')).toEqual([])
    expect(plan.items.every(i => !i.occurrence.notRecorded)).toBe(true)
    // The same morning without a tracking start: the false alarms the issue describes.
    await t.sql.run('update municipality set tracking_from = null')
    const without = await planner().plan(morning(GO_LIVE), { includeUnaddressed: true })
    expect(without.items.filter(i => i.reminder.kind === 'overdue' && i.rows.length > 0).length).toBeGreaterThan(0)
  })

  it('sends none for a default plan’s meetings, and does for an adopted plan’s', async () => {
    t = await freshInstall()
    // Øyer's formannskap meets on 4 February 2027 by the default plan: seven days before is 28 January.
    const day = '2027-01-28'
    const meetingReminders = async () => (await planner().plan(morning(day), { includeUnaddressed: true })).items
      .filter(i => i.occurrence.kind === 'meeting' && i.occurrence.responsibleBody?.slug === 'oyer-formannskap')
    const defaults = await t.services.occurrences.list({ body: 'oyer-formannskap', from: '2027-02-01', to: '2027-02-28', eventTypes: ['mote'] }, { all: true, municipalityIds: new Set(), bodyIds: new Set() })
    expect(defaults.map(o => [o.localStart, o.tentative])).toEqual([['2027-02-04T09:00', true]])
    expect(await meetingReminders()).toEqual([])
    const adopt = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/bodies/oyer-formannskap/moteplan',
      headers: t.auth(t.tokens.admin),
      payload: { meetings: [{ start: '2027-02-04T09:00' }, { start: '2027-03-04T09:00' }] },
    })
    expect(adopt.statusCode).toBe(200)
    const adopted = await meetingReminders()
    expect(adopted.map(i => [i.occurrence.localStart, i.occurrence.tentative, i.reminder.key])).toEqual([['2027-02-04T09:00', false, 'before-7@2027-02-04T09:00']])
    expect(adopted[0]!.rows.map(r => r.recipient)).toEqual(['mailto:post@oyer.kommune.no'])
  })

  it('reminds a subscription of placeholder meetings only when it asks for them (includeTentative)', async () => {
    t = await freshInstall()
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: t.auth(t.tokens.admin), payload: { name: 'Sekretær', email: 'sekr@oyer.kommune.no', body: 'oyer-formannskap', includeTentative: true } })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ includeTentative: true })
    const reminders = async () => (await planner().plan(morning('2027-01-28'))).items
      .filter(i => i.occurrence.kind === 'meeting' && i.occurrence.responsibleBody?.slug === 'oyer-formannskap')
    const asked = await reminders()
    expect(asked.map(i => [i.occurrence.localStart, i.occurrence.tentative, i.rows.map(r => r.recipient)])).toEqual([['2027-02-04T09:00', true, ['mailto:sekr@oyer.kommune.no']]])
    // Switched off again: nobody hears of the placeholder.
    const id = (res.json() as { id: number }).id
    expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/subscriptions/${id}`, headers: t.auth(t.tokens.admin), payload: { includeTentative: false } })).statusCode).toBe(200)
    expect(await reminders()).toEqual([])
  })
})
