// src/services/moteplan.ts: previewing and adopting a body's møteplan for a period, without HTTP (issue 12).
import fs from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { refusal, serviceFixture, type ServiceFixture } from '../helpers/services.js'
import { systemViewer } from '../../src/services/access.js'
import { createMoteplanService, type MoteplanSource } from '../../src/services/moteplan.js'
import { compareRows } from '../../src/domain/occurrence-engine.js'
import { horizonFor } from '../../src/services/occurrence-index.js'

let t: ServiceFixture
beforeEach(async () => { t = await serviceFixture() })
afterEach(async () => { await t.close() })

const BODY = 'gausdal-kommunestyre'
const fixture = (name: string) => fs.readFileSync(new URL(`../domain/fixtures/moteplan/${name}`, import.meta.url), 'utf8')
const json = (...starts: string[]): MoteplanSource => ({ format: 'json', meetings: starts.map(start => ({ start })) })

/** The body's meetings in a window, cancelled ones included, as the index answers. */
const meetings = async (from = '2027-01-01', to = '2027-12-31', body = BODY) =>
  (await t.services.occurrences.list({ body, from, to, eventTypes: ['mote'] }, systemViewer)).filter(o => o.responsibleBody?.slug === body)
const live = async (from?: string, to?: string) => (await meetings(from, to)).filter(m => m.status !== 'cancelled')
const brief = (list: Array<{ id: string; localStart: string | null; status: string }>) => list.map(m => ({ id: m.id, localStart: m.localStart, status: m.status }))
const plans = async (body = BODY) => (await t.sql.all("select id, origin, deleted, exdates from rule where event_type = 'mote' and responsible_body_id = ? and package_key is null order by id", await t.idOf('body', body))) as Array<{ id: number; origin: string; deleted: number; exdates: string }>
const lastAuditId = async () => ((await t.sql.get('select max(id) as id from audit_log')) as { id: number }).id

// The seed gives Gausdal's kommunestyre the default plan: the third Thursday of Feb–Jun and Sep–Dec at 18:00.
const DEFAULT_2027 = ['2027-02-18T18:00', '2027-03-18T18:00', '2027-04-15T18:00', '2027-05-20T18:00', '2027-06-17T18:00', '2027-09-16T18:00', '2027-10-21T18:00', '2027-11-18T18:00', '2027-12-16T18:00']

describe('moteplan.adopt', () => {
  it('replaces the default plan for the plan\'s year: kept meetings carry their state, the others are cancelled, and the adoption is audited', async () => {
    expect((await meetings()).map(m => m.localStart)).toEqual(DEFAULT_2027)
    const kept = (await meetings()).find(m => m.localStart === '2027-03-18T18:00')!
    await t.services.occurrences.change(kept.id, { status: 'in_progress', note: 'Budsjettsak', caseNumber: '27/12' }, t.admin)
    const before = await lastAuditId()
    const result = await t.services.moteplan.adopt(BODY, { format: 'json', meetings: [{ start: '2027-03-18T18:00' }, { start: '2027-02-11T18:00' }, { start: '2027-06-24T18:00', durationMinutes: 240 }] }, await t.editorOf('gausdal'))
    expect(result).toMatchObject({
      changed: true,
      period: { from: '2027-01-01', to: '2027-12-31' },
      meetings: 3,
      added: [{ local: '2027-02-11T18:00', durationMinutes: 240, occurrenceId: null }, { local: '2027-06-24T18:00', durationMinutes: 240, occurrenceId: null }],
      kept: [{ local: '2027-03-18T18:00', occurrenceId: `${result.ruleId}-20270318T1800`, previousOccurrenceId: kept.id }],
      warnings: [],
    })
    expect(result.removed.map(m => m.local)).toEqual(DEFAULT_2027.filter(l => l !== '2027-03-18T18:00'))

    const after = await meetings()
    expect((await live()).map(m => [m.localStart, m.origin])).toEqual([
      ['2027-02-11T18:00', 'moteplan_adopted'], ['2027-03-18T18:00', 'moteplan_adopted'], ['2027-06-24T18:00', 'moteplan_adopted'],
    ])
    expect(after.find(m => m.localStart === '2027-03-18T18:00' && m.status !== 'cancelled')).toMatchObject({ status: 'in_progress', note: 'Budsjettsak', caseNumber: '27/12', ruleId: result.ruleId })
    const cancelled = after.filter(m => m.status === 'cancelled')
    expect(cancelled.map(m => m.id)).toEqual(result.removed.map(m => m.occurrenceId))
    for (const c of cancelled) expect(c).toMatchObject({ origin: 'moteplan_default', cancelledAt: t.clock.now().getTime(), note: expect.stringContaining('Tatt ut av møteplanen 2027-01-15') })
    // The default rule stays (it gives the other years) and no longer gives the meeting the adopted rule took over.
    expect(await plans()).toEqual([
      { id: expect.any(Number), origin: 'moteplan_default', deleted: 0, exdates: '["2027-03-18T18:00"]' },
      { id: result.ruleId, origin: 'moteplan_adopted', deleted: 0, exdates: '[]' },
    ])
    const audit = (await t.sql.all('select action, entity_type as type, actor from audit_log where id > ? order by id', before)) as Array<{ action: string; type: string; actor: string }>
    expect(new Set(audit.map(a => a.actor))).toEqual(new Set(['editor:editor-gausdal']))
    expect(audit.at(-1)).toMatchObject({ action: 'adopt_moteplan', type: 'body' })
    expect(audit.filter(a => a.type === 'occurrence')).toHaveLength(9) // one state carried over, eight cancelled
  })

  it('(a) keeps a meeting added by hand as a rule of its own (POST /rules gives it origin manual)', async () => {
    const extra = await t.services.rules.create({
      eventType: 'mote', municipality: 'gausdal', responsibleBody: BODY, title: 'Ekstraordinært møte', dtstart: 'DTSTART;TZID=Europe/Oslo:20270505T180000',
    }, await t.editorOf('gausdal'))
    expect(extra.rule.origin).toBe('manual')
    const before = brief((await meetings()).filter(m => m.ruleId === extra.rule.id))
    const result = await t.services.moteplan.adopt(BODY, json('2027-03-18T18:00'), await t.editorOf('gausdal'))
    expect(result.removed.map(m => m.local)).not.toContain('2027-05-05T18:00')
    expect(brief((await meetings()).filter(m => m.ruleId === extra.rule.id))).toEqual(before)
    expect(before).toEqual([{ id: expect.any(String), localStart: '2027-05-05T18:00', status: 'planned' }])
    expect((await live()).map(m => m.localStart)).toEqual(['2027-03-18T18:00', '2027-05-05T18:00'])
    expect(await plans()).toContainEqual({ id: extra.rule.id, origin: 'manual', deleted: 0, exdates: '[]' })
  })

  it('(c) leaves the meetings of other years alone: the default plan keeps giving 2026 and 2028, a previous adoption\'s 2027 stays', async () => {
    const other = async () => brief([...await meetings('2026-01-01', '2026-12-31'), ...await meetings('2028-01-01', '2028-12-31')])
    const before = await other()
    expect(before).toHaveLength(18)
    await t.services.moteplan.adopt(BODY, { format: 'ical', text: fixture('series-rrule-exdate.ics') }, t.admin)
    expect(await other()).toEqual(before)
    const adopted2027 = brief(await meetings())
    // A plan for 2028 replaces 2028 only.
    const r2028 = await t.services.moteplan.adopt(BODY, json('2028-02-17T18:00', '2028-06-15T18:00'), t.admin)
    expect(r2028.period).toEqual({ from: '2028-01-01', to: '2028-12-31' })
    expect(brief(await meetings())).toEqual(adopted2027)
    expect(brief(await meetings('2026-01-01', '2026-12-31'))).toEqual(before.filter(m => m.localStart!.startsWith('2026')))
    expect((await live('2028-01-01', '2028-12-31')).map(m => m.localStart)).toEqual(['2028-02-17T18:00', '2028-06-15T18:00'])
    expect((await plans()).filter(p => p.origin === 'moteplan_adopted' && !p.deleted)).toHaveLength(1)
  })

  it('(d) adopting the same file again changes nothing', async () => {
    const source: MoteplanSource = { format: 'ical', text: fixture('outlook-w-europe-standard-time.ics') }
    const first = await t.services.moteplan.adopt(BODY, source, t.admin)
    const snapshot = await t.snapshot()
    const again = await t.services.moteplan.adopt(BODY, source, t.admin)
    expect(again).toMatchObject({ changed: false, ruleId: first.ruleId, added: [], removed: [] })
    expect(again.kept.map(m => m.local)).toEqual(['2027-02-18T18:00', '2027-06-17T18:00'])
    expect(await t.snapshot()).toBe(snapshot)
  })

  it('a new plan over an adopted one keeps the kept meetings\' identity, cancels the dropped ones and restores one cancelled before', async () => {
    const first = await t.services.moteplan.adopt(BODY, json('2027-02-11T18:00', '2027-03-11T18:00'), t.admin)
    const ids = Object.fromEntries((await live()).map(m => [m.localStart, m.id]))
    await t.services.occurrences.change(ids['2027-02-11T18:00']!, { note: 'Sak 1' }, t.admin)
    const second = await t.services.moteplan.adopt(BODY, json('2027-02-11T18:00', '2027-04-08T18:00'), t.admin)
    expect(second).toMatchObject({ ruleId: first.ruleId, kept: [{ local: '2027-02-11T18:00', occurrenceId: ids['2027-02-11T18:00'], previousOccurrenceId: null }], removed: [{ local: '2027-03-11T18:00', occurrenceId: ids['2027-03-11T18:00'] }] })
    expect((await live()).map(m => [m.localStart, m.id === ids[m.localStart!], m.note])).toEqual([
      ['2027-02-11T18:00', true, 'Sak 1'], ['2027-04-08T18:00', false, null],
    ])
    const third = await t.services.moteplan.adopt(BODY, json('2027-02-11T18:00', '2027-03-11T18:00', '2027-04-08T18:00'), t.admin)
    expect(third.added).toEqual([{ local: '2027-03-11T18:00', durationMinutes: 180, occurrenceId: ids['2027-03-11T18:00'] }])
    expect((await live()).find(m => m.localStart === '2027-03-11T18:00')).toMatchObject({ id: ids['2027-03-11T18:00'], status: 'planned' })
  })

  it('starts an adopted rule of its own for a plan with another duration, leaving the earlier plan\'s meetings and end times alone', async () => {
    const first = await t.services.moteplan.adopt(BODY, { format: 'ical', text: fixture('outlook-w-europe-standard-time.ics') }, t.admin)
    const before = (await live()).map(m => ({ id: m.id, start: m.start, end: m.end }))
    const second = await t.services.moteplan.adopt(BODY, { format: 'json', meetings: [{ start: '2028-02-17T18:00', durationMinutes: 120 }] }, t.admin)
    expect(second.ruleId).not.toBe(first.ruleId)
    expect((await live()).map(m => ({ id: m.id, start: m.start, end: m.end }))).toEqual(before)
    expect((await live('2028-01-01', '2028-12-31')).map(m => [m.localStart, (m.end!.getTime() - m.start!.getTime()) / 60_000])).toEqual([['2028-02-17T18:00', 120]])
  })

  it('gives one meeting per time when the default plan and a cancelled adopted meeting meet again', async () => {
    await t.services.moteplan.adopt(BODY, json('2027-09-16T18:00'), t.admin)
    const adoptedId = (await live()).find(m => m.localStart === '2027-09-16T18:00')!.id
    await t.services.moteplan.adopt(BODY, json('2027-03-11T18:00'), t.admin)
    // Someone clears the default rule's EXDATEs: its 16 September is live again beside the adopted one, cancelled.
    const defaultRule = (await plans()).find(p => p.origin === 'moteplan_default')!
    await t.services.rules.update(defaultRule.id, { exdates: [] }, t.admin)
    await t.services.moteplan.adopt(BODY, json('2027-03-11T18:00', '2027-09-16T18:00'), t.admin)
    const at = (await meetings()).filter(m => m.localStart === '2027-09-16T18:00')
    expect(at.filter(m => m.status !== 'cancelled').map(m => m.id)).toEqual([adoptedId])
  })

  it('restores a cancelled meeting that had been moved, at its new time, without a second one there', async () => {
    await t.services.moteplan.adopt(BODY, json('2027-03-11T18:00'), t.admin)
    const id = (await live())[0]!.id
    await t.services.occurrences.change(id, { movedTo: '2027-03-12T18:00' }, t.admin)
    await t.services.moteplan.adopt(BODY, json('2027-04-08T18:00'), t.admin)
    expect((await meetings()).find(m => m.id === id)).toMatchObject({ status: 'cancelled', localStart: '2027-03-12T18:00' })
    const back = await t.services.moteplan.adopt(BODY, json('2027-03-12T18:00', '2027-04-08T18:00'), t.admin)
    expect(back.added).toEqual([{ local: '2027-03-12T18:00', durationMinutes: 180, occurrenceId: id }])
    expect((await live()).map(m => [m.localStart, m.id === id])).toEqual([['2027-03-12T18:00', true], ['2027-04-08T18:00', false]])
  })

  it('adopts for a collaboration\'s representantskap: the owners\' preparations follow the adopted meetings', async () => {
    const body = 'felles-renovasjonsselskap-glor-representantskap'
    const before = await t.services.occurrences.list({ collaboration: 'felles-renovasjonsselskap-glor', from: '2027-01-01', to: '2027-12-31' }, systemViewer)
    expect(before.some(o => o.responsibleBody?.slug === body && o.eventType === 'mote')).toBe(true)
    const result = await t.services.moteplan.adopt(body, json('2027-04-22T10:00', '2027-11-25T10:00'), t.admin)
    const items = await t.services.occurrences.list({ collaboration: 'felles-renovasjonsselskap-glor', from: '2027-01-01', to: '2027-12-31' }, systemViewer)
    const ownMeetings = items.filter(o => o.responsibleBody?.slug === body && o.eventType === 'mote' && o.status !== 'cancelled')
    expect(ownMeetings.map(o => o.localStart)).toEqual(['2027-04-22T10:00', '2027-11-25T10:00'])
    expect(result.removed.length).toBeGreaterThan(0)
    // The preparations are in the owners' own calendars.
    const everything = await t.services.occurrences.list({ from: '2027-01-01', to: '2027-12-31' }, systemViewer)
    const preparations = everything.filter(o => o.id.includes('-eier-') && o.status !== 'cancelled' && o.ruleId === result.ruleId)
    expect(preparations.length).toBeGreaterThan(0)
    expect(new Set(preparations.map(o => o.id.split('-eier-')[0]))).toEqual(new Set([`${result.ruleId}-20270422T1000`, `${result.ruleId}-20271125T1000`]))
  })

  it('matches a default meeting held the day before a public holiday by the time it is held, and EXDATEs its nominal date', async () => {
    // Øyer's formannskap: the default plan's first Thursday of May 2027 is Kristi himmelfartsdag (6 May), held on 5 May.
    const may = await meetings('2027-05-01', '2027-05-31', 'oyer-formannskap')
    expect(may.map(m => [m.localStart, m.originalKey])).toEqual([['2027-05-05T09:00', '2027-05-06T09:00']])
    const result = await t.services.moteplan.adopt('oyer-formannskap', json('2027-05-05T09:00'), t.admin)
    expect(result.kept).toEqual([{ local: '2027-05-05T09:00', occurrenceId: `${result.ruleId}-20270505T0900`, previousOccurrenceId: may[0]!.id }])
    expect((await meetings('2027-05-01', '2027-05-31', 'oyer-formannskap')).map(m => [m.localStart, m.status, m.origin])).toEqual([['2027-05-05T09:00', 'planned', 'moteplan_adopted']])
    expect(JSON.parse((await plans('oyer-formannskap')).find(p => p.origin === 'moteplan_default')!.exdates)).toEqual(['2027-05-06T09:00'])
  })

  it('replaces only the period asked for (from/to): the default plan\'s autumn meetings stay', async () => {
    const result = await t.services.moteplan.adopt(BODY, json('2027-02-11T18:00', '2027-06-10T18:00'), t.admin, { from: '2027-01-01', to: '2027-06-30' })
    expect(result.removed.map(m => m.local)).toEqual(DEFAULT_2027.slice(0, 5))
    expect((await live()).map(m => [m.localStart, m.origin])).toEqual([
      ['2027-02-11T18:00', 'moteplan_adopted'], ['2027-06-10T18:00', 'moteplan_adopted'],
      ...DEFAULT_2027.slice(5).map(l => [l, 'moteplan_default']),
    ])
  })

  it('(e) keeps the occurrence index equal to the engine', async () => {
    await t.services.moteplan.adopt(BODY, { format: 'ical', text: fixture('series-rrule-exdate.ics') }, t.admin)
    await t.services.moteplan.adopt(BODY, json('2027-01-13T18:00', '2027-05-19T18:00'), t.admin, { from: '2027-01-01', to: '2027-06-30' })
    const horizon = horizonFor('2027-01-15')
    await t.services.occurrenceIndex.ready()
    const index = await t.repos.occurrenceIndex.select({ ...horizon, scope: { type: 'all' }, hiddenBodyIds: new Set(), asOf: '2027-01-15' })
    const rules = await t.repos.occurrenceIndex.rules(((await t.sql.all('select id from rule')) as Array<{ id: number }>).map(r => r.id))
    const engine = (await t.services.occurrenceIndex.computeRows(rules, horizon)).sort(compareRows)
    expect(index).toEqual(engine)
    expect((await live('2027-01-01', '2027-06-30')).map(m => m.localStart)).toEqual(['2027-01-13T18:00', '2027-05-19T18:00'])
  })

  it('refuses a meeting outside the period given, a period the wrong way round and one over ten years, storing nothing', async () => {
    const before = await t.snapshot()
    expect(await refusal(t.services.moteplan.adopt(BODY, json('2027-08-12T18:00'), t.admin, { from: '2027-01-01', to: '2027-06-30' }))).toMatchObject({ code: 'moteplan.outside_period', field: 'to' })
    expect(await refusal(t.services.moteplan.adopt(BODY, json('2027-08-12T18:00'), t.admin, { from: '2027-09-01' }))).toMatchObject({ code: 'moteplan.outside_period', field: 'from' })
    expect(await refusal(t.services.moteplan.adopt(BODY, json('2027-08-12T18:00'), t.admin, { from: '2027-12-31', to: '2027-01-01' }))).toMatchObject({ code: 'moteplan.period', field: 'to' })
    expect(await refusal(t.services.moteplan.adopt(BODY, json('2027-08-12T18:00'), t.admin, { from: '2027-01-01', to: '2037-01-01' }))).toMatchObject({ code: 'moteplan.period', field: 'to' })
    expect(await t.snapshot()).toBe(before)
  })

  it('reads CSV and iCal, and refuses a malformed or empty plan naming the line, storing nothing', async () => {
    expect(await t.services.moteplan.adopt('oyer-formannskap', { format: 'csv', text: 'dato;tid\n04.02.2027;09:00\n2027-03-04;09:30\n' }, await t.editorOf('oyer'))).toMatchObject({ meetings: 2 })
    const before = await t.snapshot()
    expect(await refusal(t.services.moteplan.adopt('oyer-kommunestyre', { format: 'csv', text: 'dato;tid\n2027-03-04;09:30\n31.02.2027;09:00\n' }, t.admin))).toMatchObject({ code: 'moteplan.invalid', field: 'body/line/3' })
    expect(await refusal(t.services.moteplan.adopt('oyer-kommunestyre', { format: 'ical', text: fixture('zone-without-summer-time.ics') }, t.admin))).toMatchObject({ code: 'moteplan.invalid', field: 'body/line/18' })
    expect(await refusal(t.services.moteplan.adopt('oyer-kommunestyre', { format: 'ical', text: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR' }, t.admin))).toMatchObject({ kind: 'invalid' })
    expect(await refusal(t.services.moteplan.adopt('oyer-kommunestyre', { format: 'csv', text: 'Dato;Tid;Utvalg\n04.02.2027;09:00;Formannskapet\n' }, t.admin))).toMatchObject({ code: 'moteplan.empty' })
    expect(await refusal(t.services.moteplan.adopt('nobody', json('2027-03-04T09:30'), t.admin))).toMatchObject({ kind: 'not_found', field: 'ref' })
    expect(await t.snapshot()).toBe(before)
  })

  it('refuses another municipality\'s editor (403) and no actor (401) before reading the file, storing nothing', async () => {
    const before = await t.snapshot()
    const bad: MoteplanSource = { format: 'csv', text: 'dato;tid\n31.02.2027;09:00\n' }
    expect(await refusal(t.services.moteplan.adopt(BODY, bad, await t.editorOf('oyer')))).toMatchObject({ kind: 'forbidden' })
    expect(await refusal(t.services.moteplan.adopt(BODY, bad, null))).toMatchObject({ kind: 'unauthorized' })
    expect(await refusal(t.services.moteplan.preview(BODY, bad, await t.editorOf('oyer')))).toMatchObject({ kind: 'forbidden' })
    expect(await refusal(t.services.moteplan.preview(BODY, bad, null))).toMatchObject({ kind: 'unauthorized' })
    expect(await t.snapshot()).toBe(before)
  })

  it('is atomic: when a write fails halfway, nothing has changed', async () => {
    const real = t.services.rules
    let created = 0
    const failing = createMoteplanService({
      ...t.repos,
      access: t.services.access,
      clock: t.clock,
      transactor: t.deps.transactor,
      engine: t.services.occurrenceIndex,
      occurrenceStates: { saveState: async () => { throw new Error('disk full') } },
      rulesService: {
        createRow: async (...args: Parameters<typeof real.createRow>) => { created++; return real.createRow(...args) },
        updateRow: real.updateRow,
        removeRow: real.removeRow,
      },
    })
    const before = await t.snapshot()
    await expect(failing.adopt(BODY, json('2027-03-18T18:00'), t.admin)).rejects.toThrow('disk full')
    expect(created).toBe(1)
    expect(await t.snapshot()).toBe(before)
  })
})

describe('moteplan.preview', () => {
  it('lists what adopting would add, remove and keep, writes nothing, and gives the reader\'s warnings', async () => {
    const before = await t.snapshot()
    const source: MoteplanSource = { format: 'ical', text: fixture('series-exdate-utc-lines.ics') }
    const preview = await t.services.moteplan.preview(BODY, source, await t.editorOf('gausdal'))
    expect(await t.snapshot()).toBe(before)
    const defaults = await meetings()
    expect(preview).toEqual({
      ruleId: expect.any(Number),
      changed: true,
      period: { from: '2027-01-01', to: '2027-12-31' },
      meetings: 7,
      added: ['2027-01-07T18:00', '2027-02-04T18:00', '2027-04-01T18:00', '2027-04-29T18:00', '2027-05-13T18:00'].map(local => ({ local, durationMinutes: 120, occurrenceId: null })),
      // The default plan's meetings move to the adopted rule: their ids after, and before.
      kept: ['2027-02-18T18:00', '2027-03-18T18:00'].map(local => ({ local, occurrenceId: `${preview.ruleId}-${local.replace(/[-:]/g, '')}`, previousOccurrenceId: defaults.find(m => m.localStart === local)!.id })),
      removed: DEFAULT_2027.filter(l => l !== '2027-02-18T18:00' && l !== '2027-03-18T18:00').map(local => ({ local, occurrenceId: defaults.find(m => m.localStart === local)!.id })),
      warnings: [{ line: 27, message: 'EXDATE 2027-04-22T18:00 treffer ikke noe møte i serien' }],
    })
    const adopted = await t.services.moteplan.adopt(BODY, source, await t.editorOf('gausdal'))
    // The adoption does exactly what the preview said, ids included.
    expect(adopted).toEqual(preview)
    expect((await live()).filter(m => preview.kept.some(k => k.local === m.localStart)).map(m => m.id)).toEqual(adopted.kept.map(k => k.occurrenceId))
  })
})
