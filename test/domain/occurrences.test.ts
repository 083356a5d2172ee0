import { afterEach, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  MAX_MOVE_DAYS, buildOccurrences, calendarFlags, compareOccurrences, daysLate, expandRule, isTentativeOrigin, lateness, notRecorded, occurrenceId,
  parseOccurrenceId, treatingMeeting, validMoveTarget,
  type ExpandableRule, type ExpandedOccurrence, type MeetingRef, type StoredState,
} from '../../src/domain/occurrences.js'
import { addDays, daysBetween, fromDayNumber, toDayNumber, weekday } from '../../src/domain/calendar-date.js'
import { VALGPERIODE_ANCHORS } from '../../src/domain/valgperiode.js'
import { EVENT_KINDS, OCCURRENCE_STATUSES, type OccurrenceStatus } from '../../src/domain/vocabulary.js'
import type { ExpansionWindow } from '../../src/domain/recurrence.js'
import { dayFlags, holidayName } from '../../src/domain/holidays.js'
import { catalogue } from '../helpers/app.js'

const OSLO = 'Europe/Oslo'
const HOST_ZONES = ['UTC', 'America/New_York', 'Europe/Oslo', 'Pacific/Auckland']
const ORIGINAL_TZ = process.env.TZ
afterEach(() => { process.env.TZ = ORIGINAL_TZ })

const rule = (over: Partial<ExpandableRule> & Pick<ExpandableRule, 'id'>): ExpandableRule => ({
  scheduleType: 'rrule',
  allDay: true,
  dtstart: null,
  rrule: null,
  rdates: [],
  exdates: [],
  anchor: null,
  timeZone: OSLO,
  durationMinutes: null,
  ...over,
})
/** arsregnskap_vedtak: 30 June every year (koml. § 14-3). */
const june30 = rule({ id: 12, dtstart: 'DTSTART;VALUE=DATE:20190630', rrule: 'FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30' })
/** A weekly Thursday meeting at 18:00 Oslo time, 2 h 30 min. */
const weekly = rule({ id: 7, allDay: false, dtstart: 'DTSTART;TZID=Europe/Oslo:20270114T180000', rrule: 'FREQ=WEEKLY', durationMinutes: 150 })
const valgperiodeRule = (id: number, anchor: ExpandableRule['anchor']) => rule({ id, scheduleType: 'valgperiode', anchor })

const state = (originalKey: string, over: Partial<StoredState> = {}): StoredState =>
  ({ originalKey, status: 'planned', movedTo: null, revision: 1, ...over })
const statesOf = (...entries: Array<[number, StoredState]>): Map<string, StoredState> =>
  new Map(entries.map(([ruleId, s]) => [occurrenceId(ruleId, s.originalKey), s]))
const YEAR_2027: ExpansionWindow = { from: '2027-01-01', to: '2027-12-31' }
const iso = (d: Date | null) => (d === null ? null : new Date(+d).toISOString())

describe('occurrenceId and parseOccurrenceId', () => {
  it.each([
    [12, '2027-06-30', '12-20270630'],
    [7, '2027-01-14T18:00', '7-20270114T1800'],
    [1, '2028-02-29', '1-20280229'],
    [123456, '2027-10-31T03:00', '123456-20271031T0300'],
  ])('rule %i, %s ↔ %s', (ruleId, originalKey, id) => {
    expect(occurrenceId(ruleId, originalKey)).toBe(id)
    expect(parseOccurrenceId(id)).toEqual({ ruleId, originalKey })
  })

  it.each([
    [''], ['12'], ['12-'], ['-20270630'], ['x-20270630'], ['12_20270630'], ['12-2027063'], ['12-202706300'],
    ['12-2027-06-30'], ['12-20270630T18'], ['12-20270630T180000'], ['12-20270630T1800Z'], ['12-20270630t1800'],
    [' 12-20270630'], ['12-20270630 '], ['1.5-20270630'], ['-1-20270630'],
    // The right shape, but no such day or time.
    ['12-20271340'], ['12-20270230'], ['12-20270631'], ['7-20270114T2400'], ['7-20270114T1860'],
  ])('%j is not an occurrence id', id => {
    expect(parseOccurrenceId(id)).toBeNull()
  })
})

describe('expandRule', () => {
  it('places end_of_year_after_constitution on 31 December after each election year', () => {
    expect(expandRule(valgperiodeRule(3, 'end_of_year_after_constitution'), { from: '2019-01-01', to: '2029-12-31' }))
      .toEqual([
        { key: '2020-12-31', date: '2020-12-31' },
        { key: '2024-12-31', date: '2024-12-31' },
        { key: '2028-12-31', date: '2028-12-31' },
      ])
  })

  it('places constitution_deadline on 31 October of the election year', () => {
    expect(expandRule(valgperiodeRule(3, 'constitution_deadline'), YEAR_2027)).toEqual([{ key: '2027-10-31', date: '2027-10-31' }])
    expect(expandRule(valgperiodeRule(3, 'constitution_deadline'), { from: '2028-01-01', to: '2030-12-31' })).toEqual([])
  })

  it('ends the period the day before the next constitution, known or not', () => {
    const r = valgperiodeRule(3, 'end_of_period')
    expect(expandRule(r, { from: '2019-01-01', to: '2031-12-31' }).map(o => o.date))
      .toEqual(['2019-10-30', '2023-10-30', '2027-10-30', '2031-10-30'])
    expect(expandRule(r, YEAR_2027, { 2027: '2027-10-14' })).toEqual([{ key: '2027-10-13', date: '2027-10-13' }])
  })

  it('finds an end_of_period date at the very start of a window', () => {
    expect(expandRule(valgperiodeRule(3, 'end_of_period'), { from: '2027-10-30', to: '2027-10-30' }).map(o => o.date)).toEqual(['2027-10-30'])
  })

  it('gives nothing for a valgperiode rule without an anchor', () => {
    expect(expandRule(valgperiodeRule(3, null), YEAR_2027)).toEqual([])
  })

  it('expands an all-day yearly rule to 30 June', () => {
    expect(expandRule(june30, { from: '2026-01-01', to: '2028-12-31' })).toEqual([
      { key: '2026-06-30', date: '2026-06-30' },
      { key: '2027-06-30', date: '2027-06-30' },
      { key: '2028-06-30', date: '2028-06-30' },
    ])
  })

  it('expands a timed weekly rule with local-time keys', () => {
    expect(expandRule(weekly, { from: '2027-01-01', to: '2027-01-31' })).toEqual([
      { key: '2027-01-14T18:00', date: '2027-01-14' },
      { key: '2027-01-21T18:00', date: '2027-01-21' },
      { key: '2027-01-28T18:00', date: '2027-01-28' },
    ])
  })

  it('honours EXDATE and RDATE', () => {
    const r = { ...weekly, exdates: ['2027-01-21T18:00'], rdates: ['2027-01-22T09:00'] }
    expect(expandRule(r, { from: '2027-01-15', to: '2027-01-31' }).map(o => o.key)).toEqual(['2027-01-22T09:00', '2027-01-28T18:00'])
  })

  it('gives nothing for an rrule rule without DTSTART', () => {
    expect(expandRule(rule({ id: 1, rrule: 'FREQ=YEARLY' }), YEAR_2027)).toEqual([])
  })
})

describe('buildOccurrences', () => {
  it('gives planned occurrences at revision 0 when nothing is stored', () => {
    expect(buildOccurrences([june30], new Map(), YEAR_2027)).toEqual([{
      id: '12-20270630',
      ruleId: 12,
      originalKey: '2027-06-30',
      allDay: true,
      date: '2027-06-30',
      localStart: null,
      start: null,
      end: null,
      moved: false,
      status: 'planned',
      revision: 0,
    }])
  })

  it('merges the stored status and revision', () => {
    const [o] = buildOccurrences([june30], statesOf([12, state('2027-06-30', { status: 'delivered', revision: 3 })]), YEAR_2027)
    expect(o).toMatchObject({ id: '12-20270630', status: 'delivered', revision: 3, moved: false, date: '2027-06-30' })
  })

  it('ignores state stored for another rule\'s occurrence or for a date that is not an occurrence', () => {
    const states = new Map([
      [occurrenceId(13, '2027-06-30'), state('2027-06-30', { status: 'approved' })],
      [occurrenceId(12, '2027-06-29'), state('2027-06-29', { movedTo: '2027-07-15' })],
    ])
    expect(buildOccurrences([june30], states, YEAR_2027).map(o => [o.id, o.date, o.status]))
      .toEqual([['12-20270630', '2027-06-30', 'planned']])
  })

  it('shows a moved occurrence at its new date, keeping its id and original key', () => {
    const [o] = buildOccurrences([june30], statesOf([12, state('2027-06-30', { movedTo: '2027-07-02', revision: 2 })]), YEAR_2027)
    expect(o).toMatchObject({ id: '12-20270630', originalKey: '2027-06-30', date: '2027-07-02', moved: true, revision: 2 })
  })

  it('does not call an occurrence moved to its own date moved', () => {
    const [o] = buildOccurrences([june30], statesOf([12, state('2027-06-30', { movedTo: '2027-06-30' })]), YEAR_2027)
    expect(o).toMatchObject({ date: '2027-06-30', moved: false })
  })

  it('finds an occurrence moved into the window from outside it', () => {
    const states = statesOf([12, state('2026-06-30', { movedTo: '2027-01-05' })])
    expect(buildOccurrences([june30], states, YEAR_2027).map(o => [o.id, o.originalKey, o.date, o.moved])).toEqual([
      ['12-20260630', '2026-06-30', '2027-01-05', true],
      ['12-20270630', '2027-06-30', '2027-06-30', false],
    ])
  })

  it('finds an occurrence moved in from the full move distance away', () => {
    const original = addDays('2027-01-01', -MAX_MOVE_DAYS)
    const r = rule({ id: 4, dtstart: `DTSTART;VALUE=DATE:${original.replace(/-/g, '')}` })
    expect(buildOccurrences([r], statesOf([4, state(original, { movedTo: '2027-01-01' })]), YEAR_2027).map(o => o.date))
      .toEqual(['2027-01-01'])
  })

  it('drops an occurrence moved out of the window', () => {
    expect(buildOccurrences([june30], statesOf([12, state('2027-06-30', { movedTo: '2028-01-03' })]), YEAR_2027)).toEqual([])
  })

  it('orders occurrences on the same date and time by id', () => {
    const twin = { ...june30, id: 3 }
    expect(buildOccurrences([twin, june30], new Map(), YEAR_2027).map(o => o.id)).toEqual(['12-20270630', '3-20270630'])
    const meetings = buildOccurrences([{ ...weekly, id: 9 }, weekly, { ...weekly, id: 8, dtstart: 'DTSTART;TZID=Europe/Oslo:20270114T090000' }], new Map(), { from: '2027-01-14', to: '2027-01-14' })
    expect(meetings.map(o => o.id)).toEqual(['8-20270114T0900', '7-20270114T1800', '9-20270114T1800'])
  })

  it('sorts a moved occurrence among the others by its new date', () => {
    const vedtak2 = { ...june30, id: 13, dtstart: 'DTSTART;VALUE=DATE:20190615', rrule: 'FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=15' }
    const states = statesOf([13, state('2027-06-15', { movedTo: '2027-07-01' })])
    expect(buildOccurrences([vedtak2, june30], states, { from: '2027-06-01', to: '2027-07-31' }).map(o => o.id))
      .toEqual(['12-20270630', '13-20270615'])
  })

  it('gives a timed meeting its instants: 18:00 Oslo is 17:00Z in winter and 16:00Z in summer', () => {
    const os = buildOccurrences([weekly], new Map(), { from: '2027-01-14', to: '2027-06-17' })
    const first = os[0]!
    const last = os[os.length - 1]!
    expect(first).toMatchObject({ id: '7-20270114T1800', originalKey: '2027-01-14T18:00', localStart: '2027-01-14T18:00', allDay: false })
    expect([iso(first.start), iso(first.end)]).toEqual(['2027-01-14T17:00:00.000Z', '2027-01-14T19:30:00.000Z'])
    expect(last).toMatchObject({ id: '7-20270617T1800', localStart: '2027-06-17T18:00' })
    expect([iso(last.start), iso(last.end)]).toEqual(['2027-06-17T16:00:00.000Z', '2027-06-17T18:30:00.000Z'])
    expect(os).toHaveLength(23)
  })

  it('straddles the spring change: the meetings either side are 7 days minus one hour apart', () => {
    const [before, after] = buildOccurrences([weekly], new Map(), { from: '2027-03-25', to: '2027-04-01' })
    expect(iso(before!.start)).toBe('2027-03-25T17:00:00.000Z')
    expect(iso(after!.start)).toBe('2027-04-01T16:00:00.000Z')
  })

  it('gives a meeting without a duration two hours', () => {
    const [o] = buildOccurrences([{ ...weekly, durationMinutes: null }], new Map(), { from: '2027-01-14', to: '2027-01-14' })
    expect(+o!.end! - +o!.start!).toBe(120 * 60_000)
  })

  it('recomputes the instants of a moved meeting from its new local time', () => {
    const states = statesOf([7, state('2027-01-14T18:00', { movedTo: '2027-04-01T17:00' })])
    const moved = buildOccurrences([weekly], states, { from: '2027-01-01', to: '2027-04-01' }).find(o => o.id === '7-20270114T1800')!
    expect(moved).toMatchObject({ date: '2027-04-01', localStart: '2027-04-01T17:00', moved: true, originalKey: '2027-01-14T18:00' })
    expect([iso(moved.start), iso(moved.end)]).toEqual(['2027-04-01T15:00:00.000Z', '2027-04-01T17:30:00.000Z'])
  })

  it('gives the same instants whatever the host zone', () => {
    const results = HOST_ZONES.map(zone => {
      process.env.TZ = zone
      return buildOccurrences([weekly], new Map(), { from: '2027-03-20', to: '2027-11-05' }).map(o => [iso(o.start), iso(o.end)])
    })
    for (const r of results) expect(r).toEqual(results[0])
    expect(results[0]![0]).toEqual(['2027-03-25T17:00:00.000Z', '2027-03-25T19:30:00.000Z'])
    expect(results[0]!.at(-1)).toEqual(['2027-11-04T17:00:00.000Z', '2027-11-04T19:30:00.000Z'])
  })

  it('places valgperiode occurrences with the municipality\'s constitution dates', () => {
    const os = buildOccurrences([valgperiodeRule(20, 'end_of_period')], new Map(), YEAR_2027, { 2027: '2027-10-14' })
    expect(os.map(o => [o.id, o.date, o.allDay])).toEqual([['20-20271013', '2027-10-13', true]])
  })
})

describe('lateness', () => {
  const due = '2027-06-30'

  it.each([
    ['2027-06-29', false, 0],
    ['2027-06-30', false, 0],
    ['2027-07-01', true, 1],
    ['2027-07-03', true, 3],
    ['2028-06-30', true, 366],
  ])('a planned deadline due 30 June, as of %s → overdue %s, %i days', (asOf, overdue, days) => {
    expect(lateness({ date: due, status: 'planned' }, 'deadline', asOf)).toEqual({ overdue, daysOverdue: days })
  })

  it.each([['deadline'], ['report'], ['plan']] as const)('a %s in progress past its date is overdue', kind => {
    expect(lateness({ date: due, status: 'in_progress' }, kind, '2027-07-10')).toEqual({ overdue: true, daysOverdue: 10 })
  })

  it.each([['delivered'], ['approved'], ['cancelled']] as const)('a %s deadline is never overdue', status => {
    expect(lateness({ date: due, status }, 'deadline', '2030-01-01')).toEqual({ overdue: false, daysOverdue: 0 })
  })

  it('a meeting is never overdue', () => {
    for (const status of OCCURRENCE_STATUSES) {
      expect(lateness({ date: due, status }, 'meeting', '2030-01-01')).toEqual({ overdue: false, daysOverdue: 0 })
    }
  })

  it('is overdue exactly when the kind, status and dates say so (property)', () => {
    const arbDate = fc.integer({ min: toDayNumber('2020-01-01'), max: toDayNumber('2035-12-31') }).map(fromDayNumber)
    const arbAsOf = (date: string) => fc.oneof(arbDate, fc.integer({ min: -2, max: 2 }).map(n => addDays(date, n)))
    const arbCase = arbDate.chain(date => fc.tuple(fc.constant(date), arbAsOf(date)))
    fc.assert(fc.property(arbCase, fc.constantFrom(...OCCURRENCE_STATUSES), fc.constantFrom(...EVENT_KINDS), ([date, asOf], status, kind) => {
      const open: OccurrenceStatus[] = ['planned', 'in_progress']
      const expected = kind !== 'meeting' && open.includes(status) && asOf > date
      expect(lateness({ date, status }, kind, asOf)).toEqual({ overdue: expected, daysOverdue: expected ? daysBetween(date, asOf) : 0 })
    }))
  })
})

describe('daysLate', () => {
  it.each([
    ['2027-06-30', null, null],
    ['2027-06-30', '2027-06-01', 0],
    ['2027-06-30', '2027-06-30', 0],
    ['2027-06-30', '2027-07-01', 1],
    ['2027-06-30', '2027-08-15', 46],
    ['2027-12-31', '2028-01-02', 2],
  ])('due %s, done %s → %s', (due, done, expected) => {
    expect(daysLate(due, done)).toBe(expected)
  })
})

describe('calendarFlags', () => {
  it.each([
    ['2027-05-15', { weekend: true, holiday: null, nonWorkingDay: true }], // Saturday
    ['2027-05-16', { weekend: true, holiday: '1. pinsedag', nonWorkingDay: true }], // Sunday
    ['2027-05-17', { weekend: false, holiday: '17. mai / 2. pinsedag', nonWorkingDay: true }], // Monday
    ['2027-05-19', { weekend: false, holiday: null, nonWorkingDay: false }], // an ordinary Wednesday
    ['2027-12-25', { weekend: true, holiday: '1. juledag', nonWorkingDay: true }], // Saturday
    ['2027-03-25', { weekend: false, holiday: 'Skjærtorsdag', nonWorkingDay: true }],
  ])('%s', (date, flags) => {
    expect(calendarFlags(date)).toEqual(flags)
  })
})

describe('treatingMeeting', () => {
  const m = (date: string, hour = '18:00'): MeetingRef => ({ id: `1-${date.replace(/-/g, '')}T${hour.replace(':', '')}`, date, localStart: `${date}T${hour}` })
  const plan = [m('2027-02-18'), m('2027-05-20'), m('2027-06-17'), m('2027-09-16')]

  it('takes the last meeting on or before the due date', () => {
    expect(treatingMeeting('2027-06-30', plan)).toEqual(m('2027-06-17'))
    expect(treatingMeeting('2027-06-16', plan)).toEqual(m('2027-05-20'))
  })

  it('counts a meeting on the due date itself', () => {
    expect(treatingMeeting('2027-06-17', plan)).toEqual(m('2027-06-17'))
  })

  it('gives null when there is no meeting before the due date', () => {
    expect(treatingMeeting('2027-02-17', plan)).toBeNull()
    expect(treatingMeeting('2027-06-30', [])).toBeNull()
  })

  it('gives null when the last earlier meeting is more than a year before', () => {
    expect(treatingMeeting('2027-06-30', [m('2026-06-17'), m('2027-09-16')])).toBeNull()
    expect(treatingMeeting('2027-06-30', [m('2025-06-30')])).toBeNull()
  })

  it('looks back at most six months', () => {
    expect(treatingMeeting('2027-06-30', [m('2026-12-30')])).toEqual(m('2026-12-30'))
    expect(treatingMeeting('2027-06-30', [m('2026-12-29')])).toBeNull()
    expect(treatingMeeting('2027-02-22', [m('2026-12-10')])).toEqual(m('2026-12-10'))
  })
})

describe('validMoveTarget', () => {
  it('accepts a date for an all-day occurrence and a local time for a meeting', () => {
    expect(validMoveTarget(true, '2027-06-30', '2027-07-02')).toBeNull()
    expect(validMoveTarget(false, '2027-01-14T18:00', '2027-01-15T17:00')).toBeNull()
  })

  it('refuses the other shape', () => {
    expect(validMoveTarget(true, '2027-06-30', '2027-07-02T10:00')).toMatch(/YYYY-MM-DD/)
    expect(validMoveTarget(false, '2027-01-14T18:00', '2027-01-15')).toMatch(/YYYY-MM-DDTHH:mm/)
  })

  it.each([['2027-02-30'], ['2027-7-2'], ['02.07.2027'], ['']])('refuses the date %j', target => {
    expect(validMoveTarget(true, '2027-06-30', target)).not.toBeNull()
  })

  it.each([['2027-01-15T24:00'], ['2027-01-15T17:60'], ['2027-01-15 17:00'], ['2027-01-15T17:00:00']])('refuses the time %j', target => {
    expect(validMoveTarget(false, '2027-01-14T18:00', target)).not.toBeNull()
  })

  it('allows a move of at most MAX_MOVE_DAYS either way', () => {
    expect(MAX_MOVE_DAYS).toBe(366)
    expect(validMoveTarget(true, '2027-06-30', addDays('2027-06-30', 366))).toBeNull()
    expect(validMoveTarget(true, '2027-06-30', addDays('2027-06-30', -366))).toBeNull()
    expect(validMoveTarget(true, '2027-06-30', addDays('2027-06-30', 367))).toMatch(/at most 366 days/)
    expect(validMoveTarget(false, '2027-01-14T18:00', '2026-01-12T18:00')).toMatch(/at most 366 days/)
  })
})

// ── Properties ───────────────────────────────────────────────────────────────────────────────────

const arbDay = (from: string, to: string) => fc.integer({ min: toDayNumber(from), max: toDayNumber(to) }).map(fromDayNumber)
const pad = (n: number) => String(n).padStart(2, '0')
const arbHour = fc.integer({ min: 0, max: 23 }).filter(h => h !== 2) // 02:xx repeating times are refused (STYLE trap 8)

const arbRruleRule = fc.record({
  allDay: fc.boolean(),
  // A few fixed starts make rules share dates, so ties in the sort order are exercised.
  start: fc.oneof(arbDay('2021-01-01', '2030-12-31'), fc.constantFrom('2027-01-14', '2027-06-30', '2027-10-31')),
  hour: fc.oneof(arbHour, fc.constant(18)),
  minute: fc.constantFrom(0, 0, 15, 30, 45),
  freq: fc.constantFrom('YEARLY', 'MONTHLY', 'WEEKLY'),
  interval: fc.integer({ min: 1, max: 3 }),
  count: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
  duration: fc.option(fc.integer({ min: 1, max: 600 }), { nil: null }),
}).map(g => rule({
  id: 0,
  allDay: g.allDay,
  dtstart: g.allDay
    ? `DTSTART;VALUE=DATE:${g.start.replace(/-/g, '')}`
    : `DTSTART;TZID=Europe/Oslo:${g.start.replace(/-/g, '')}T${pad(g.hour)}${pad(g.minute)}00`,
  rrule: `FREQ=${g.freq}${g.interval > 1 ? `;INTERVAL=${g.interval}` : ''}${g.count ? `;COUNT=${g.count}` : ''}`,
  durationMinutes: g.allDay ? null : g.duration,
}))
const arbValgperiodeRule = fc.constantFrom(...VALGPERIODE_ANCHORS).map(anchor => valgperiodeRule(0, anchor))
const arbRules = fc.array(fc.oneof({ weight: 3, arbitrary: arbRruleRule }, { weight: 1, arbitrary: arbValgperiodeRule }), { minLength: 1, maxLength: 3 })
  .map(rs => rs.map((r, i) => ({ ...r, id: i + 1 })))
const arbWindow = fc.record({ from: arbDay('2020-01-01', '2032-12-31'), days: fc.integer({ min: 0, max: 1100 }) })
  .map(({ from, days }): ExpansionWindow => ({ from, to: addDays(from, days) }))
/** A change to one occurrence: cancel it, or move it by up to MAX_MOVE_DAYS (and to another time of day). */
const arbChange = fc.record({
  pick: fc.nat(),
  cancel: fc.boolean(),
  days: fc.integer({ min: -MAX_MOVE_DAYS, max: MAX_MOVE_DAYS }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.constantFrom(0, 5, 30, 59),
})
type Change = { pick: number; cancel: boolean; days: number; hour: number; minute: number }

/** The window widened by the move distance: every occurrence that a move could bring into `window`. */
const reach = (w: ExpansionWindow): ExpansionWindow => ({ from: addDays(w.from, -MAX_MOVE_DAYS), to: addDays(w.to, MAX_MOVE_DAYS) })

function applyChange (o: ExpandedOccurrence, c: Change): StoredState {
  if (c.cancel) return state(o.originalKey, { status: 'cancelled', revision: 2 })
  const date = addDays(o.originalKey.slice(0, 10), c.days)
  const movedTo = o.allDay ? date : `${date}T${pad(c.hour)}:${pad(c.minute)}`
  expect(validMoveTarget(o.allDay, o.originalKey, movedTo)).toBeNull()
  return state(o.originalKey, { movedTo, revision: 2 })
}

function statesFor (rules: ExpandableRule[], window: ExpansionWindow, changes: Change[]): Map<string, StoredState> {
  const candidates = buildOccurrences(rules, new Map(), reach(window))
  const states = new Map<string, StoredState>()
  if (candidates.length === 0) return states
  for (const c of changes) {
    const o = candidates[c.pick % candidates.length]!
    states.set(o.id, applyChange(o, c))
  }
  return states
}

describe('buildOccurrences (properties)', () => {
  it('is sorted, unique by id and inside the window, with consistent fields', () => {
    fc.assert(fc.property(arbRules, arbWindow, fc.array(arbChange, { maxLength: 4 }), (rules, window, changes) => {
      const states = statesFor(rules, window, changes)
      const os = buildOccurrences(rules, states, window)
      for (let i = 1; i < os.length; i++) expect(compareOccurrences(os[i - 1]!, os[i]!)).toBeLessThan(0)
      expect(new Set(os.map(o => o.id)).size).toBe(os.length)
      for (const o of os) {
        expect(o.date >= window.from && o.date <= window.to).toBe(true)
        expect(o.id).toBe(occurrenceId(o.ruleId, o.originalKey))
        expect(parseOccurrenceId(o.id)).toEqual({ ruleId: o.ruleId, originalKey: o.originalKey })
        const r = rules.find(x => x.id === o.ruleId)!
        const s = states.get(o.id)
        expect(o.date).toBe((s?.movedTo ?? o.originalKey).slice(0, 10))
        expect(o.status).toBe(s?.status ?? 'planned')
        expect(o.moved).toBe(s?.movedTo != null && s.movedTo !== o.originalKey)
        if (o.allDay) {
          expect([o.localStart, o.start, o.end]).toEqual([null, null, null])
        } else {
          expect(o.localStart!.slice(0, 10)).toBe(o.date)
          expect(+o.end! - +o.start!).toBe((r.durationMinutes ?? 120) * 60_000)
        }
      }
    }))
  })

  it('expanding [a, b] equals [a, m] followed by [m+1, b]', () => {
    fc.assert(fc.property(arbRules, arbWindow, fc.nat(), fc.array(arbChange, { maxLength: 4 }), (rules, window, split, changes) => {
      const span = daysBetween(window.from, window.to)
      fc.pre(span >= 1)
      const m = addDays(window.from, split % span)
      const states = statesFor(rules, window, changes)
      const whole = buildOccurrences(rules, states, window)
      const left = buildOccurrences(rules, states, { from: window.from, to: m })
      const right = buildOccurrences(rules, states, { from: addDays(m, 1), to: window.to })
      expect(whole).toEqual([...left, ...right])
    }))
  })

  it('moving or cancelling one occurrence changes that occurrence only', () => {
    fc.assert(fc.property(arbRules, arbWindow, arbChange, (rules, window, change) => {
      const candidates = buildOccurrences(rules, new Map(), reach(window))
      fc.pre(candidates.length > 0)
      const target = candidates[change.pick % candidates.length]!
      const s = applyChange(target, change)
      const before = buildOccurrences(rules, new Map(), window)
      const after = buildOccurrences(rules, new Map([[target.id, s]]), window)
      const others = (os: ExpandedOccurrence[]) => os.filter(o => o.id !== target.id)
      expect(others(after)).toEqual(others(before))

      const changed = after.find(o => o.id === target.id)
      const date = (s.movedTo ?? target.originalKey).slice(0, 10)
      if (date < window.from || date > window.to) {
        expect(changed).toBeUndefined()
      } else {
        expect(changed).toMatchObject({
          originalKey: target.originalKey,
          date,
          status: s.status,
          revision: 2,
          moved: s.movedTo !== null && s.movedTo !== target.originalKey,
          localStart: target.allDay ? null : s.movedTo ?? target.originalKey,
        })
      }
    }))
  })
})

describe('tracking start: "ikke registrert" (issue 12)', () => {
  const due = { date: '2027-01-10', status: 'planned' as OccurrenceStatus }

  it('is an unrecorded item due before its subject’s tracking start: never overdue', () => {
    const before = { ...due, trackingFrom: '2027-01-15' }
    expect(notRecorded(before)).toBe(true)
    expect(lateness(before, 'deadline', '2027-03-01')).toEqual({ overdue: false, daysOverdue: 0 })
  })

  it('is not what falls due on or after the tracking start, nor anything without one', () => {
    expect(notRecorded({ ...due, trackingFrom: '2027-01-10' })).toBe(false)
    expect(lateness({ ...due, trackingFrom: '2027-01-10' }, 'deadline', '2027-01-11')).toEqual({ overdue: true, daysOverdue: 1 })
    expect(notRecorded({ ...due, trackingFrom: null })).toBe(false)
    expect(lateness({ ...due, trackingFrom: null }, 'report', '2027-01-12').overdue).toBe(true)
  })

  it('ends when someone records it: in progress before the start is late like any other, delivered shows as delivered', () => {
    for (const status of ['in_progress', 'delivered', 'approved', 'cancelled'] as const) {
      expect(notRecorded({ ...due, status, trackingFrom: '2027-01-15' }), status).toBe(false)
    }
    expect(lateness({ ...due, status: 'in_progress', trackingFrom: '2027-01-15' }, 'deadline', '2027-01-20')).toEqual({ overdue: true, daysOverdue: 10 })
    expect(lateness({ ...due, status: 'delivered', trackingFrom: '2027-01-15' }, 'deadline', '2027-01-20').overdue).toBe(false)
  })
})

describe('default møteplaner: placeholders that avoid public holidays (issue 12)', () => {
  const plan = (id: number, kind: string, origin = 'moteplan_default'): ExpandableRule => {
    const m = catalogue.moteplaner.get(kind as never)!
    return rule({ id, allDay: false, dtstart: m.dtstart, rrule: m.rrule, durationMinutes: m.durationMinutes, origin })
  }
  const formannskap = plan(30, 'formannskap')
  const none = new Map<string, StoredState>()

  it('are tentative; an adopted plan, a package and a hand-made rule are not', () => {
    expect(isTentativeOrigin('moteplan_default')).toBe(true)
    for (const origin of ['moteplan_adopted', 'package', 'manual', 'derived']) expect(isTentativeOrigin(origin), origin).toBe(false)
  })

  it('move the formannskap’s first Thursday of May 2027, Kristi himmelfartsdag, to Wednesday 5 May at the same time, keeping its key and id', () => {
    expect(holidayName('2027-05-06')).toBe('Kristi himmelfartsdag')
    const [o] = buildOccurrences([formannskap], none, { from: '2027-05-01', to: '2027-05-31' })
    expect(o).toMatchObject({ id: '30-20270506T0900', originalKey: '2027-05-06T09:00', date: '2027-05-05', localStart: '2027-05-05T09:00', moved: true, status: 'planned' })
    expect(iso(o!.start)).toBe('2027-05-05T07:00:00.000Z')
  })

  it.each([
    ['formannskap', '2025-05-01T09:00', '2025-04-30T09:00', '1. mai'],
    ['kommunestyre', '2025-04-17T18:00', '2025-04-16T18:00', 'Skjærtorsdag'],
    ['styre', '2030-04-11T12:00', '2030-04-11T12:00', null],
  ])('%s %s → %s (%s)', (kind, key, moved, holiday) => {
    const o = buildOccurrences([plan(31, kind)], none, { from: addDays(key.slice(0, 10), -7), to: key.slice(0, 10) }).find(x => x.originalKey === key)!
    expect(holidayName(key.slice(0, 10))).toBe(holiday)
    expect(o.localStart).toBe(moved)
    expect(o.moved).toBe(moved !== key)
  })

  it('leave an adopted plan’s meeting on the day the council decided, holiday or not', () => {
    const [o] = buildOccurrences([{ ...formannskap, origin: 'moteplan_adopted' }], none, { from: '2027-05-01', to: '2027-05-31' })
    expect(o).toMatchObject({ date: '2027-05-06', localStart: '2027-05-06T09:00', moved: false })
  })

  it('yield to a user’s own move, which is kept as given', () => {
    const states = statesOf([30, state('2027-05-06T09:00', { movedTo: '2027-05-10T12:00' })])
    const [o] = buildOccurrences([formannskap], states, { from: '2027-05-01', to: '2027-05-31' })
    expect(o).toMatchObject({ id: '30-20270506T0900', date: '2027-05-10', localStart: '2027-05-10T12:00', moved: true })
  })

  it('never hold a meeting on a public holiday and never drop one: every default plan, 2025–2034', () => {
    const window = { from: '2025-01-01', to: '2034-12-31' }
    let shifted = 0
    for (const [kind, m] of catalogue.moteplaner) {
      const tentative = plan(40, kind)
      const nominal = expandRule(tentative, window)
      const meetings = buildOccurrences([tentative], none, { from: '2024-12-01', to: window.to }).filter(o => o.originalKey >= window.from)
      expect(meetings.map(o => o.originalKey), kind).toEqual(nominal.map(n => n.key))
      for (const o of meetings) {
        expect(dayFlags(o.date).holiday, `${kind} ${o.date}`).toBeNull()
        expect(o.localStart!.slice(11), kind).toBe(m.dtstart.slice(-6, -4) + ':' + m.dtstart.slice(-4, -2))
        if (o.date !== o.originalKey.slice(0, 10)) {
          shifted++
          expect(holidayName(o.originalKey.slice(0, 10)), `${kind} ${o.originalKey}`).not.toBeNull()
          expect(daysBetween(o.date, o.originalKey.slice(0, 10))).toBeGreaterThan(0)
          expect(daysBetween(o.date, o.originalKey.slice(0, 10))).toBeLessThanOrEqual(7)
          expect(weekday(o.date)).toBeLessThanOrEqual(5)
        }
      }
    }
    expect(shifted).toBeGreaterThan(2)
  })
})
