import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp() })
afterEach(async () => { await t.close() })

interface RuleReply { id: number; eventType: string; dtstart: string | null; rrule: string | null; anchor: string | null; responsibleBody: string | null; origin: string; overridden: boolean; enabled: boolean }
const rulesOf = async (q: string): Promise<RuleReply[]> => (await t.app.inject(`/api/v1/rules?${q}`)).json().data
const firstDue = async (q: string, eventType: string) =>
  (await t.app.inject(`/api/v1/occurrences?${q}&from=2027-01-01&to=2030-12-31&eventType=${eventType}`)).json().data[0]?.date

describe('governance packages applied to the seeded region', () => {
  it('give a municipality its statutory events with the right first due dates', async () => {
    const types = new Set((await rulesOf('municipality=oyer')).map(r => r.eventType))
    for (const k of ['okonomiplan_arsbudsjett', 'arsregnskap_avlagt', 'arsberetning', 'revisjonsberetning', 'arsregnskap_vedtak', 'eierskapsmelding', 'plan_forvaltningsrevisjon', 'plan_eierskapskontroll', 'ku_budsjettforslag', 'mote']) {
      expect(types, k).toContain(k)
    }
    expect(await firstDue('municipality=oyer', 'arsregnskap_vedtak')).toBe('2027-06-30')
    expect(await firstDue('municipality=oyer', 'plan_forvaltningsrevisjon')).toBe('2028-12-31')
    expect(await firstDue('municipality=oyer', 'plan_eierskapskontroll')).toBe('2028-12-31')
  })

  it('give an IKS its representantskap deadlines', async () => {
    const rules = await rulesOf('collaboration=felles-renovasjonsselskap-glor')
    expect(rules.filter(r => r.eventType !== 'mote').map(r => r.eventType).sort()).toEqual([
      'iks_arsregnskap_avlagt', 'iks_arsregnskap_fastsatt', 'iks_arsregnskap_utarbeidet', 'iks_budsjett_okonomiplan', 'iks_kostra', 'iks_regnskapsregisteret', 'iks_revisjonsberetning',
    ])
    expect(rules.find(r => r.eventType === 'iks_arsregnskap_fastsatt')?.responsibleBody).toBe('felles-renovasjonsselskap-glor-representantskap')
    expect(await firstDue('collaboration=felles-renovasjonsselskap-glor', 'iks_revisjonsberetning')).toBe('2027-05-15')
  })

  it('give an AS its ordinary generalforsamling by 30 June', async () => {
    const rules = await rulesOf('collaboration=ikomm-as')
    expect(rules.filter(r => r.eventType !== 'mote').map(r => r.eventType).sort()).toEqual(['as_generalforsamling', 'as_regnskapsregisteret'])
    expect(await firstDue('collaboration=ikomm-as', 'as_generalforsamling')).toBe('2027-06-30')
  })

  it('give a vertskommune collaboration the host’s annual report', async () => {
    const rules = await rulesOf('collaboration=borgerlig-vigsel')
    expect(rules.map(r => [r.eventType, r.responsibleBody])).toEqual([['vertskommune_rapport', 'lillehammer-kommunedirektor']])
    expect(await firstDue('collaboration=borgerlig-vigsel', 'vertskommune_rapport')).toBe('2027-03-31')
  })

  it('are idempotent', async () => {
    const before = await t.snapshot()
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/packages/apply', headers: t.auth(t.tokens.admin), payload: {} })
    expect(res.json()).toMatchObject({ created: 0 })
    expect(res.json().existing).toBeGreaterThan(100)
    expect(await t.snapshot()).toBe(before)
  })

  it('leave an overridden or switched-off rule alone when applied again', async () => {
    const rule = (await rulesOf('municipality=oyer&eventType=arsberetning'))[0]!
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/rules/${rule.id}`, headers: t.auth(t.tokens.editorOyer), payload: { dtstart: 'DTSTART;VALUE=DATE:20190325', rrule: 'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25' } })
    expect(patched.json()).toMatchObject({ overridden: true, rrule: 'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25' })
    await t.app.inject({ method: 'PATCH', url: `/api/v1/rules/${(await rulesOf('municipality=oyer&eventType=ku_arsmelding'))[0]!.id}`, headers: t.auth(t.tokens.editorOyer), payload: { enabled: false } })
    await t.app.inject({ method: 'POST', url: '/api/v1/packages/apply', headers: t.auth(t.tokens.editorOyer), payload: { municipality: 'oyer' } })
    expect((await rulesOf('municipality=oyer&eventType=arsberetning')).map(r => r.rrule)).toEqual(['FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25'])
    expect(await firstDue('municipality=oyer', 'arsberetning')).toBe('2027-03-25')
    expect(await firstDue('municipality=oyer', 'ku_arsmelding')).toBeUndefined()
  })
})

describe('POST /api/v1/rules', () => {
  const base = { eventType: 'mote', municipality: 'oyer', responsibleBody: 'oyer-formannskap', durationMinutes: 120 }

  it('stores a weekly 18:00 Europe/Oslo meeting that keeps 18:00 across the DST switch', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/rules', headers: t.auth(t.tokens.admin), payload: { ...base, title: 'Budsjettseminar', dtstart: 'DTSTART;TZID=Europe/Oslo:20270318T180000', rrule: 'FREQ=WEEKLY;COUNT=3' } })
    expect(res.statusCode).toBe(201)
    const occ = (await t.app.inject('/api/v1/occurrences?body=oyer-formannskap&from=2027-03-01&to=2027-04-30')).json().data
      .filter((o: { ruleId: number }) => o.ruleId === res.json().id)
    expect(occ.map((o: { localStart: string; start: string }) => [o.localStart, o.start])).toEqual([
      ['2027-03-18T18:00', '2027-03-18T17:00:00.000Z'],
      ['2027-03-25T18:00', '2027-03-25T17:00:00.000Z'],
      ['2027-04-01T18:00', '2027-04-01T16:00:00.000Z'],
    ])
  })

  // Two whole-database snapshots per case: slow on a busy machine, slower on PostgreSQL.
  it('refuses every invalid recurrence with a 400 naming the problem, storing nothing', { timeout: 90_000 }, async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ dtstart: 'DTSTART;TZID=Europe/Oslo:20270318T180000', rrule: 'FREQ=FORTNIGHTLY' }, 'rules.invalid_rrule', 'body/rrule'],
      [{ dtstart: 'DTSTART:20270318T180000', rrule: 'FREQ=WEEKLY' }, 'rules.dtstart_without_zone', 'body/dtstart'],
      [{ dtstart: 'DTSTART:20270318T170000Z', rrule: 'FREQ=WEEKLY' }, 'rules.dtstart_without_zone', 'body/dtstart'],
      [{ dtstart: 'DTSTART;TZID=Europe/Oslo:20270318T180000', rrule: 'FREQ=WEEKLY;UNTIL=20270101T000000Z' }, 'rules.until_before_dtstart', 'body/rrule'],
      [{ dtstart: 'DTSTART;TZID=Europe/Oslo:20270318T180000', rrule: 'FREQ=WEEKLY;COUNT=0' }, 'rules.count_zero', 'body/rrule'],
      [{ dtstart: 'DTSTART;TZID=Europe/Oslo:20270318T180000', rrule: 'FREQ=SECONDLY' }, 'rules.unbounded_high_frequency', 'body/rrule'],
      [{ dtstart: 'DTSTART;TZID=Europe/Oslo:20270318T180000', rrule: 'FREQ=MINUTELY' }, 'rules.unbounded_high_frequency', 'body/rrule'],
      [{ dtstart: 'DTSTART;TZID=Europe/Oslo:20270318T180000', rrule: 'FREQ=HOURLY;INTERVAL=2' }, 'rules.unbounded_high_frequency', 'body/rrule'],
      [{ dtstart: 'DTSTART;TZID=Europe/Oslo:20271031T023000' }, 'rules.dtstart_ambiguous_time', 'body/dtstart'],
      [{ dtstart: 'DTSTART;TZID=Mars/Olympus:20270318T180000' }, 'rules.invalid_time_zone', 'body/dtstart'],
      [{ rrule: 'FREQ=WEEKLY' }, 'rules.schedule', 'body/dtstart'],
      [{ dtstart: 'DTSTART;TZID=Europe/Oslo:20270318T180000', eventType: 'no_such_type' }, 'rules.unknown_event_type', 'body/eventType'],
      [{ dtstart: 'DTSTART;TZID=Europe/Oslo:20270318T180000', responsibleBody: 'nope' }, 'rules.unknown_body', 'body/responsibleBody'],
      [{ dtstart: 'DTSTART;TZID=Europe/Oslo:20270318T180000', collaboration: 'ikomm-as' }, 'rules.subject', 'body/municipality'],
    ]
    for (const [extra, code, path] of cases) {
      const before = await t.snapshot()
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/rules', headers: t.auth(t.tokens.admin), payload: { ...base, ...extra } })
      expect(res.statusCode, JSON.stringify(extra)).toBe(400)
      expect(res.json().code, JSON.stringify(extra)).toBe(code)
      expect(res.json().details[0].path).toBe(path)
      expect(await t.snapshot()).toBe(before)
    }
  })

  it('accepts a valgperiode anchor and an explicit date list', async () => {
    const anchored = await t.app.inject({ method: 'POST', url: '/api/v1/rules', headers: t.auth(t.tokens.admin), payload: { eventType: 'eierskapsmelding', municipality: 'gausdal', anchor: 'end_of_year_after_constitution' } })
    expect(anchored.json()).toMatchObject({ scheduleType: 'valgperiode', anchor: 'end_of_year_after_constitution' })
    const list = await t.app.inject({ method: 'POST', url: '/api/v1/rules', headers: t.auth(t.tokens.admin), payload: { eventType: 'okonomirapport', municipality: 'gausdal', dtstart: 'DTSTART;VALUE=DATE:20270510', rdates: ['2027-09-20'], exdates: [] } })
    expect(list.statusCode).toBe(201)
    expect(list.json()).toMatchObject({ scheduleType: 'dates', allDay: true, rdates: ['2027-09-20'] })
  })

  it('deletes a rule (gone from occurrences), needing a token in scope', async () => {
    const rule = (await rulesOf('municipality=gausdal&eventType=arsberetning'))[0]!
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/rules/${rule.id}`, headers: t.auth(t.tokens.editorOyer) })).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/rules/${rule.id}`, headers: t.auth(t.tokens.admin) })).statusCode).toBe(204)
    expect(await firstDue('municipality=gausdal', 'arsberetning')).toBeUndefined()
  })
})

describe('the rules API contract', () => {
  it('refuses (403) an Øyer editor creating an Øyer rule with Gausdal’s formannskap as responsible body, storing nothing', async () => {
    const before = await t.snapshot()
    const payload = { eventType: 'mote', municipality: 'oyer', responsibleBody: 'gausdal-formannskap', dtstart: 'DTSTART;TZID=Europe/Oslo:20270114T180000', rrule: 'FREQ=WEEKLY;COUNT=3' }
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/rules', headers: t.auth(t.tokens.editorOyer), payload })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('auth.forbidden')
    expect(await t.snapshot()).toBe(before)
    const own = await t.app.inject({ method: 'POST', url: '/api/v1/rules', headers: t.auth(t.tokens.editorOyer), payload: { ...payload, responsibleBody: 'oyer-formannskap' } })
    expect(own.statusCode).toBe(201)
  })

  it('pages with limit/offset and lists a deleted rule as a tombstone only under modified_since', async () => {
    const first = (await t.app.inject('/api/v1/rules?municipality=oyer&limit=5')).json()
    expect(first.data).toHaveLength(5)
    expect(first.pagination.totalElements).toBeGreaterThan(5)
    expect(first.links.next).toBe('https://arshjul.test/api/v1/rules?municipality=oyer&limit=5&offset=5')
    const rule = (await rulesOf('municipality=oyer&eventType=arsberetning'))[0]!
    t.clock.advance(60_000)
    const since = t.clock.now().toISOString()
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/rules/${rule.id}`, headers: t.auth(t.tokens.editorOyer) })).statusCode).toBe(204)
    expect((await rulesOf('municipality=oyer')).map(r => r.id)).not.toContain(rule.id)
    const changed = (await t.app.inject(`/api/v1/rules?municipality=oyer&modified_since=${since}`)).json()
    expect(changed.data).toEqual([{ id: rule.id, created: expect.any(String), modified: since, deleted: true }])
  })

  it('hides a private body’s rules from anonymous readers, shows them to the municipality’s editor', async () => {
    const ku = (await rulesOf('municipality=oyer')).filter(r => r.responsibleBody === 'oyer-kontrollutvalg')
    expect(ku.length).toBeGreaterThan(0)
    await t.sql.run("update body set feed_visibility = 'private' where slug = 'oyer-kontrollutvalg'")
    expect((await rulesOf('municipality=oyer')).filter(r => r.responsibleBody === 'oyer-kontrollutvalg')).toEqual([])
    expect((await t.app.inject(`/api/v1/rules/${ku[0]!.id}`)).statusCode).toBe(404)
    const asEditor = (await t.app.inject({ url: '/api/v1/rules?municipality=oyer', headers: t.auth(t.tokens.editorOyer) })).json().data
    expect(asEditor.filter((r: RuleReply) => r.responsibleBody === 'oyer-kontrollutvalg')).toHaveLength(ku.length)
  })
})
