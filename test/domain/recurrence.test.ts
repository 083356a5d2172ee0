import { afterEach, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TZDate } from '@date-fns/tz'
import {
  type Occurrence, type RecurrenceErrorCode, type RecurrenceSpec, RecurrenceError, expand, formatDtstart,
  parseDtstart, validateRecurrence, validateRrule,
} from '../../src/domain/recurrence.js'
import { addDays, weekday } from '../../src/domain/calendar-date.js'
import { instantToLocal } from '../../src/domain/local-time.js'

const OSLO = 'Europe/Oslo'
const HOST_ZONES = ['UTC', 'America/New_York', 'Europe/Oslo', 'Pacific/Auckland']
const ORIGINAL_TZ = process.env.TZ
afterEach(() => { process.env.TZ = ORIGINAL_TZ })

const timed = (local: string, zone = OSLO) => `DTSTART;TZID=${zone}:${local.replace(/[-:]/g, '')}00`
const allDay = (date: string) => `DTSTART;VALUE=DATE:${date.replace(/-/g, '')}`
const utc = (o: Occurrence) => (o.allDay ? null : new Date(+o.start).toISOString())
const keys = (os: Occurrence[]) => os.map(o => o.key)

function expectRecurrenceError (fn: () => unknown, code: RecurrenceErrorCode, field?: string): RecurrenceError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(RecurrenceError)
    expect(e).toBeInstanceOf(Error)
    const err = e as RecurrenceError
    expect(err.code).toBe(code)
    if (field !== undefined) expect(err.field).toBe(field)
    expect(err.message.length).toBeGreaterThan(10)
    return err
  }
  throw new Error(`expected RecurrenceError ${code}`)
}

/** Runs `fn` under each host zone, checks the zone really changed, and returns the results. */
function underEveryHostZone<T> (fn: () => T): T[] {
  const offsets = new Set<number>()
  const results = HOST_ZONES.map(zone => {
    process.env.TZ = zone
    offsets.add(new Date(0).getTimezoneOffset())
    return fn()
  })
  process.env.TZ = ORIGINAL_TZ
  expect(offsets.size).toBe(HOST_ZONES.length)
  return results
}

describe('parseDtstart', () => {
  it.each([
    ['DTSTART;VALUE=DATE:20270222', { allDay: true, date: '2027-02-22' }],
    ['DTSTART;TZID=Europe/Oslo:20270114T180000', { allDay: false, local: '2027-01-14T18:00', timeZone: OSLO }],
    ['dtstart;tzid=Europe/Oslo:20270114t180000', { allDay: false, local: '2027-01-14T18:00', timeZone: OSLO }],
    ['DTSTART;TZID="Europe/Oslo":20270114T180000', { allDay: false, local: '2027-01-14T18:00', timeZone: OSLO }],
    ['DTSTART;VALUE=DATE-TIME;TZID=Europe/Oslo:20270114T180000', { allDay: false, local: '2027-01-14T18:00', timeZone: OSLO }],
    ['  DTSTART;VALUE=DATE:20280229\r\n', { allDay: true, date: '2028-02-29' }],
    ['DTSTART;TZID=Europe/Oslo:20270328T013000', { allDay: false, local: '2027-03-28T01:30', timeZone: OSLO }],
    ['DTSTART;TZID=Europe/Oslo:20270328T030000', { allDay: false, local: '2027-03-28T03:00', timeZone: OSLO }],
    ['DTSTART;TZID=Europe/Oslo:20271031T030000', { allDay: false, local: '2027-10-31T03:00', timeZone: OSLO }],
    ['DTSTART;TZID=UTC:20270328T023000', { allDay: false, local: '2027-03-28T02:30', timeZone: 'UTC' }],
  ])('%j', (line, expected) => {
    expect(parseDtstart(line)).toEqual(expected)
  })

  it.each<[string, RecurrenceErrorCode]>([
    ['DTSTART:20270114T180000', 'dtstart_without_zone'],
    ['DTSTART:20270114T170000Z', 'dtstart_without_zone'],
    ['DTSTART;VALUE=DATE-TIME:20270114T180000', 'dtstart_without_zone'],
    ['DTSTART;TZID=Europe/Olso:20270114T180000', 'invalid_time_zone'],
    ['DTSTART;TZID=+01:00:20270114T180000', 'invalid_dtstart'],
    ['DTSTART;TZID=Mars/Olympus:20270114T180000', 'invalid_time_zone'],
    ['DTSTART;VALUE=DATE:20270230', 'invalid_dtstart'],
    ['DTSTART;TZID=Europe/Oslo:20270230T180000', 'invalid_dtstart'],
    ['DTSTART;TZID=Europe/Oslo:20270114T250000', 'invalid_dtstart'],
    ['DTSTART;TZID=Europe/Oslo:20270114T186000', 'invalid_dtstart'],
    ['DTSTART;TZID=Europe/Oslo:20270114T180030', 'invalid_dtstart'],
    ['DTSTART;TZID=Europe/Oslo:20270114T170000Z', 'invalid_dtstart'],
    ['DTSTART;TZID=Europe/Oslo:20270114', 'invalid_dtstart'],
    ['DTSTART:20270222', 'invalid_dtstart'],
    ['DTSTART;VALUE=DATE;TZID=Europe/Oslo:20270222', 'invalid_dtstart'],
    ['DTSTART;VALUE=PERIOD:20270222', 'invalid_dtstart'],
    ['DTSTART;X-FOO=1;TZID=Europe/Oslo:20270114T180000', 'invalid_dtstart'],
    ['DTSTART;TZID=Europe/Oslo;TZID=UTC:20270114T180000', 'invalid_dtstart'],
    ['DTEND;TZID=Europe/Oslo:20270114T180000', 'invalid_dtstart'],
    ['RRULE:FREQ=WEEKLY', 'invalid_dtstart'],
    ['', 'invalid_dtstart'],
    // Spring forward: 02:00–02:59 does not exist; autumn: it happens twice (STYLE trap 8).
    ['DTSTART;TZID=Europe/Oslo:20270328T020000', 'dtstart_ambiguous_time'],
    ['DTSTART;TZID=Europe/Oslo:20270328T023000', 'dtstart_ambiguous_time'],
    ['DTSTART;TZID=Europe/Oslo:20271031T020000', 'dtstart_ambiguous_time'],
    ['DTSTART;TZID=Europe/Oslo:20271031T025900', 'dtstart_ambiguous_time'],
    ['DTSTART;TZID=America/New_York:20271107T013000', 'dtstart_ambiguous_time'],
  ])('%j → %s', (line, code) => {
    expectRecurrenceError(() => parseDtstart(line), code, 'dtstart')
  })

  it('refuses a non-string', () => {
    expectRecurrenceError(() => parseDtstart(undefined as unknown as string), 'invalid_dtstart', 'dtstart')
  })

  it('formats the inverse', () => {
    expect(formatDtstart({ allDay: true, date: '2027-02-22' })).toBe('DTSTART;VALUE=DATE:20270222')
    expect(formatDtstart({ allDay: false, local: '2027-01-14T18:00', timeZone: OSLO }))
      .toBe('DTSTART;TZID=Europe/Oslo:20270114T180000')
  })

  it('round-trips through formatDtstart (property)', () => {
    const arbDate = fc.date({ min: new Date(Date.UTC(1990, 0, 1)), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true })
      .map(d => d.toISOString().slice(0, 10))
    const arbHour = fc.integer({ min: 0, max: 23 }).filter(h => h !== 2)
    fc.assert(fc.property(arbDate, arbHour, fc.integer({ min: 0, max: 59 }), fc.boolean(), (date, h, m, isAllDay) => {
      const spec = isAllDay
        ? { allDay: true as const, date }
        : { allDay: false as const, local: `${date}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`, timeZone: OSLO }
      expect(parseDtstart(formatDtstart(spec))).toEqual(spec)
    }))
  })
})

describe('validateRrule', () => {
  const weeklyStart = timed('2027-01-14T18:00')

  it('accepts a rule with or without the RRULE: prefix and normalises it', () => {
    expect(validateRrule('FREQ=WEEKLY;BYDAY=TH', weeklyStart).text).toBe('FREQ=WEEKLY;BYDAY=TH')
    expect(validateRrule('RRULE:FREQ=WEEKLY;BYDAY=TH', weeklyStart).text).toBe('FREQ=WEEKLY;BYDAY=TH')
    expect(validateRrule('rrule:freq=weekly;byday=th', parseDtstart(weeklyStart)).text).toBe('FREQ=WEEKLY;BYDAY=TH')
    expect(validateRrule('FREQ=HOURLY;COUNT=24', weeklyStart).text).toBe('FREQ=HOURLY;COUNT=24')
    expect(validateRrule('FREQ=MINUTELY;INTERVAL=15;UNTIL=20270115T000000Z', weeklyStart).text).toContain('MINUTELY')
    expect(validateRrule('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=22', allDay('2027-02-22')).text).toBe('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=22')
  })

  it('includes rrule\'s own reason for an unparsable rule', () => {
    const err = expectRecurrenceError(() => validateRrule('FOO=BAR', weeklyStart), 'invalid_rrule', 'rrule')
    expect(err.message).toContain("Unknown RRULE property 'FOO'")
  })

  it.each<[string, RecurrenceErrorCode]>([
    ['FREQ=FOO', 'invalid_rrule'],
    ['COUNT=3', 'invalid_rrule'],
    ['', 'invalid_rrule'],
    ['FREQ=WEEKLY;;', 'invalid_rrule'],
    ['FREQ=WEEKLY;FREQ=DAILY', 'invalid_rrule'],
    ['FREQ=WEEKLY;BYDAY=XX', 'invalid_rrule'],
    ['FREQ=WEEKLY;INTERVAL=0', 'invalid_rrule'],
    ['FREQ=WEEKLY;INTERVAL=abc', 'invalid_rrule'],
    ['FREQ=WEEKLY;COUNT=-2', 'invalid_rrule'],
    ['FREQ=WEEKLY;COUNT=1.5', 'invalid_rrule'],
    ['FREQ=MONTHLY;BYMONTHDAY=40', 'invalid_rrule'],
    ['FREQ=MONTHLY;BYMONTHDAY=0', 'invalid_rrule'],
    ['FREQ=YEARLY;BYMONTH=13', 'invalid_rrule'],
    ['FREQ=WEEKLY;BYHOUR=25', 'invalid_rrule'],
    ['FREQ=YEARLY;BYWEEKNO=60', 'invalid_rrule'],
    ['FREQ=WEEKLY;WKST=XX', 'invalid_rrule'],
    ['FREQ=WEEKLY;X-FOO=1', 'invalid_rrule'],
    ['FREQ=WEEKLY;UNTIL=garbage', 'invalid_rrule'],
    ['FREQ=WEEKLY;UNTIL=20270230', 'invalid_rrule'],
    ['FREQ=WEEKLY;COUNT=2;UNTIL=20280101', 'invalid_rrule'],
    ['FREQ=WEEKLY;BYDAY=3TH', 'invalid_rrule'],
    ['FREQ=MONTHLY;BYDAY=0TH', 'invalid_rrule'],
    ['FREQ=WEEKLY;BYMONTHDAY=1', 'invalid_rrule'],
    ['FREQ=MONTHLY;BYYEARDAY=100', 'invalid_rrule'],
    ['FREQ=MONTHLY;BYWEEKNO=10', 'invalid_rrule'],
    ['FREQ=MONTHLY;BYSETPOS=3', 'invalid_rrule'],
    ['FREQ=MINUTELY;COUNT=10;BYSECOND=30', 'invalid_rrule'],
    ['FREQ=SECONDLY;COUNT=10', 'invalid_rrule'],
    ['FREQ=WEEKLY;TZID=Europe/Oslo', 'invalid_rrule'],
    ['DTSTART;TZID=Europe/Oslo:20270114T180000\nRRULE:FREQ=WEEKLY', 'invalid_rrule'],
    ['FREQ=WEEKLY\nRRULE:FREQ=DAILY', 'invalid_rrule'],
    ['EXRULE:FREQ=WEEKLY', 'invalid_rrule'],
    ['FREQ=YEARLY;COUNT=0', 'count_zero'],
    ['FREQ=WEEKLY;UNTIL=20270101T000000Z', 'until_before_dtstart'],
    ['FREQ=WEEKLY;UNTIL=20270114T165959Z', 'until_before_dtstart'], // 17:59:59 local, a second early
    ['FREQ=WEEKLY;UNTIL=20270113', 'until_before_dtstart'],
    ['FREQ=HOURLY', 'unbounded_high_frequency'],
    ['FREQ=MINUTELY;INTERVAL=15', 'unbounded_high_frequency'],
    ['FREQ=SECONDLY', 'unbounded_high_frequency'],
    ['FREQ=MINUTELY;COUNT=6000', 'too_many_occurrences'],
    ['FREQ=HOURLY;UNTIL=20300101T000000Z', 'too_many_occurrences'],
  ])('%j → %s', (rule, code) => {
    expectRecurrenceError(() => validateRrule(rule, weeklyStart), code, 'rrule')
  })

  it('refuses time parts and sub-daily frequencies with an all-day DTSTART', () => {
    expectRecurrenceError(() => validateRrule('FREQ=DAILY;BYHOUR=10', allDay('2027-01-01')), 'invalid_rrule', 'rrule')
    expectRecurrenceError(() => validateRrule('FREQ=HOURLY;COUNT=3', allDay('2027-01-01')), 'invalid_rrule', 'rrule')
    expectRecurrenceError(() => validateRrule('FREQ=YEARLY;UNTIL=20261231', allDay('2027-01-01')), 'until_before_dtstart', 'rrule')
  })

  it('accepts UNTIL equal to DTSTART', () => {
    expect(() => validateRrule('FREQ=WEEKLY;UNTIL=20270114T170000Z', weeklyStart)).not.toThrow()
    expect(() => validateRrule('FREQ=YEARLY;UNTIL=20270101', allDay('2027-01-01'))).not.toThrow()
  })

  it('refuses recurring times between 02:00 and 03:00 in a DST zone (STYLE trap 8)', () => {
    expectRecurrenceError(() => validateRrule('FREQ=WEEKLY', timed('2027-01-14T02:30')), 'dtstart_ambiguous_time', 'dtstart')
    expectRecurrenceError(() => validateRrule('FREQ=DAILY;BYHOUR=2,18', weeklyStart), 'dtstart_ambiguous_time', 'dtstart')
    expect(() => validateRrule('FREQ=WEEKLY', timed('2027-01-14T02:30', 'UTC'))).not.toThrow()
    expect(() => validateRrule('FREQ=WEEKLY', timed('2027-01-14T02:30', 'Asia/Tokyo'))).not.toThrow()
    // A single 02:30 meeting on an ordinary day is fine.
    expect(() => validateRecurrence({ dtstart: timed('2027-01-14T02:30') })).not.toThrow()
  })
})

describe('validateRecurrence', () => {
  it('returns the parsed spec', () => {
    const p = validateRecurrence({
      dtstart: timed('2027-01-14T18:00'), rrule: 'RRULE:FREQ=WEEKLY', rdates: ['2027-01-16T12:00'], exdates: ['2027-01-21T18:00'],
    })
    expect(p.dtstart).toEqual({ allDay: false, local: '2027-01-14T18:00', timeZone: OSLO })
    expect(p.rrule?.text).toBe('FREQ=WEEKLY')
    expect(p.rdates).toEqual(['2027-01-16T12:00'])
    expect(p.exdates).toEqual(['2027-01-21T18:00'])
  })

  it('treats a missing, null or blank rule as a single event', () => {
    for (const rrule of [undefined, null, '', '  ']) {
      expect(validateRecurrence({ dtstart: allDay('2027-02-22'), rrule }).rrule).toBeNull()
    }
  })

  it.each<[RecurrenceSpec, RecurrenceErrorCode, string]>([
    [{ dtstart: allDay('2027-02-22'), rdates: ['2027-03-01T10:00'] }, 'invalid_rdate', 'rdates'],
    [{ dtstart: allDay('2027-02-22'), rdates: ['20270301'] }, 'invalid_rdate', 'rdates'],
    [{ dtstart: allDay('2027-02-22'), rdates: ['2027-02-30'] }, 'invalid_rdate', 'rdates'],
    [{ dtstart: timed('2027-01-14T18:00'), rdates: ['2027-03-01'] }, 'invalid_rdate', 'rdates'],
    [{ dtstart: timed('2027-01-14T18:00'), rdates: ['2027-03-28T02:30'] }, 'invalid_rdate', 'rdates'],
    [{ dtstart: timed('2027-01-14T18:00'), rdates: ['2027-10-31T02:30'] }, 'invalid_rdate', 'rdates'],
    [{ dtstart: timed('2027-01-14T18:00'), rdates: '2027-03-01T10:00' as unknown as string[] }, 'invalid_rdate', 'rdates'],
    [{ dtstart: allDay('2027-02-22'), exdates: ['2027-03-01T10:00'] }, 'invalid_exdate', 'exdates'],
    [{ dtstart: timed('2027-01-14T18:00'), exdates: ['2027-01-21'] }, 'invalid_exdate', 'exdates'],
    [{ dtstart: timed('2027-01-14T18:00'), exdates: ['2027-01-21T18:00:00'] }, 'invalid_exdate', 'exdates'],
    [{ dtstart: 'DTSTART:20270114T180000' }, 'dtstart_without_zone', 'dtstart'],
    [{ dtstart: timed('2027-01-14T18:00'), rrule: 'FREQ=WEEKLY;COUNT=0' }, 'count_zero', 'rrule'],
    [null as unknown as RecurrenceSpec, 'invalid_dtstart', 'spec'],
  ])('%j → %s', (spec, code, field) => {
    expectRecurrenceError(() => validateRecurrence(spec), code, field)
  })
})

describe('expand: weekly 18:00 Europe/Oslo across daylight saving changes', () => {
  // Sunday meetings, so the transition Sundays themselves are occurrences.
  const sundays: RecurrenceSpec = { dtstart: timed('2027-03-14T18:00'), rrule: 'FREQ=WEEKLY' }
  const thursdays: RecurrenceSpec = { dtstart: timed('2027-01-14T18:00'), rrule: 'FREQ=WEEKLY;BYDAY=TH' }

  const springAndAutumn = () => ({
    spring: expand(sundays, { from: '2027-03-14', to: '2027-04-04' }).map(o => [o.key, utc(o)]),
    autumn: expand(sundays, { from: '2027-10-17', to: '2027-11-07' }).map(o => [o.key, utc(o)]),
  })

  const expected = {
    spring: [
      ['2027-03-14T18:00', '2027-03-14T17:00:00.000Z'],
      ['2027-03-21T18:00', '2027-03-21T17:00:00.000Z'],
      ['2027-03-28T18:00', '2027-03-28T16:00:00.000Z'], // last Sunday of March: CEST from 02:00
      ['2027-04-04T18:00', '2027-04-04T16:00:00.000Z'],
    ],
    autumn: [
      ['2027-10-17T18:00', '2027-10-17T16:00:00.000Z'],
      ['2027-10-24T18:00', '2027-10-24T16:00:00.000Z'],
      ['2027-10-31T18:00', '2027-10-31T17:00:00.000Z'], // last Sunday of October: CET from 03:00
      ['2027-11-07T18:00', '2027-11-07T17:00:00.000Z'],
    ],
  }

  it('keeps 18:00 local while UTC moves between 17:00Z and 16:00Z', () => {
    expect(springAndAutumn()).toEqual(expected)
  })

  it('gives identical results under every host zone', () => {
    for (const r of underEveryHostZone(springAndAutumn)) expect(r).toEqual(expected)
  })

  it('keeps 18:00 local all year for a Thursday meeting', () => {
    const all = expand(thursdays, { from: '2027-01-01', to: '2027-12-31' })
    expect(all).toHaveLength(51)
    for (const o of all) {
      if (o.allDay) throw new Error('expected a timed occurrence')
      expect(o.localStart.slice(11)).toBe('18:00')
      expect(weekday(o.date)).toBe(4)
      expect(o.start).toBeInstanceOf(TZDate)
      expect(o.start.timeZone).toBe(OSLO)
      expect(o.start.getHours()).toBe(18)
      expect(instantToLocal(o.start, OSLO)).toBe(o.key)
      const summer = o.date > '2027-03-28' && o.date < '2027-10-31'
      expect(new Date(+o.start).getUTCHours()).toBe(summer ? 16 : 17)
    }
  })
})

describe('expand: yearly statutory deadlines (all-day)', () => {
  const deadline = (date: string, rrule: string): RecurrenceSpec => ({ dtstart: allDay(date), rrule })
  const years = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
  const table = (): Record<string, string[]> => {
    const window = { from: '2026-01-01', to: '2035-12-31' }
    return {
      dec31: keys(expand(deadline('2026-12-31', 'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31'), window)),
      dec31Implicit: keys(expand(deadline('2026-12-31', 'FREQ=YEARLY'), window)),
      feb22: keys(expand(deadline('2026-02-22', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=22'), window)),
      jun30: keys(expand(deadline('2026-06-30', 'RRULE:FREQ=YEARLY'), window)),
      feb29: keys(expand(deadline('2028-02-29', 'FREQ=YEARLY'), window)),
      feb29Explicit: keys(expand(deadline('2028-02-29', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29'), window)),
      // "By end of the year after constitution" every valgperiode (governance-obligations §11.2).
      planEveryFourYears: keys(expand(deadline('2024-12-31', 'FREQ=YEARLY;INTERVAL=4'), window)),
      yearBoundary: keys(expand(deadline('2026-12-31', 'FREQ=YEARLY'), { from: '2027-12-15', to: '2028-01-15' })),
    }
  }
  const expected = {
    dec31: years(2026, 2035).map(y => `${y}-12-31`),
    dec31Implicit: years(2026, 2035).map(y => `${y}-12-31`),
    feb22: years(2026, 2035).map(y => `${y}-02-22`),
    jun30: years(2026, 2035).map(y => `${y}-06-30`),
    feb29: ['2028-02-29', '2032-02-29'],
    feb29Explicit: ['2028-02-29', '2032-02-29'],
    planEveryFourYears: ['2028-12-31', '2032-12-31'],
    yearBoundary: ['2027-12-31'],
  }

  it('lands on the same date every year, and 29 Feb only in leap years', () => {
    expect(table()).toEqual(expected)
  })

  it('gives identical results under every host zone', () => {
    for (const r of underEveryHostZone(table)) expect(r).toEqual(expected)
  })

  it('returns all-day occurrences without instants', () => {
    const [o] = expand(deadline('2027-02-22', 'FREQ=YEARLY'), { from: '2027-01-01', to: '2027-12-31' })
    expect(o).toEqual({ key: '2027-02-22', date: '2027-02-22', allDay: true })
  })

  it('ends the last day of each month with BYMONTHDAY=-1', () => {
    expect(keys(expand(deadline('2027-12-31', 'FREQ=MONTHLY;BYMONTHDAY=-1'), { from: '2028-01-01', to: '2028-04-30' })))
      .toEqual(['2028-01-31', '2028-02-29', '2028-03-31', '2028-04-30'])
  })

  it('skips months without the day rather than moving it (RFC 5545)', () => {
    expect(keys(expand(deadline('2027-01-31', 'FREQ=MONTHLY'), { from: '2027-01-01', to: '2027-06-30' })))
      .toEqual(['2027-01-31', '2027-03-31', '2027-05-31'])
  })
})

describe('expand: BYSETPOS "third Thursday, not July"', () => {
  const spec: RecurrenceSpec = {
    dtstart: timed('2025-01-16T18:00'),
    rrule: 'FREQ=MONTHLY;BYDAY=TH;BYSETPOS=3;BYMONTH=1,2,3,4,5,6,8,9,10,11,12',
  }
  const expected = [
    ['2025-01-16T18:00', '2025-01-16T17:00:00.000Z'],
    ['2025-02-20T18:00', '2025-02-20T17:00:00.000Z'],
    ['2025-03-20T18:00', '2025-03-20T17:00:00.000Z'],
    ['2025-04-17T18:00', '2025-04-17T16:00:00.000Z'],
    ['2025-05-15T18:00', '2025-05-15T16:00:00.000Z'],
    ['2025-06-19T18:00', '2025-06-19T16:00:00.000Z'],
    ['2025-08-21T18:00', '2025-08-21T16:00:00.000Z'],
    ['2025-09-18T18:00', '2025-09-18T16:00:00.000Z'],
    ['2025-10-16T18:00', '2025-10-16T16:00:00.000Z'],
    ['2025-11-20T18:00', '2025-11-20T17:00:00.000Z'],
    ['2025-12-18T18:00', '2025-12-18T17:00:00.000Z'],
  ]
  const run = () => expand(spec, { from: '2025-01-01', to: '2025-12-31' }).map(o => [o.key, utc(o)])

  it('matches the verified table in stack-notes §4.2', () => {
    expect(run()).toEqual(expected)
  })

  it('gives identical results under every host zone', () => {
    for (const r of underEveryHostZone(run)) expect(r).toEqual(expected)
  })

  it('equals the ordinal form 3TH', () => {
    const ordinal = { ...spec, rrule: 'FREQ=MONTHLY;BYDAY=3TH;BYMONTH=1,2,3,4,5,6,8,9,10,11,12' }
    expect(keys(expand(ordinal, { from: '2025-01-01', to: '2027-12-31' }))).toEqual(keys(expand(spec, { from: '2025-01-01', to: '2027-12-31' })))
  })
})

describe('expand: UNTIL on a transition day', () => {
  // A UTC UNTIL is an instant; on the transition Sunday it must be read with that day's offset,
  // not DTSTART's. Naively using DTSTART's offset would get each of these wrong.
  const autumn = (until: string) => keys(expand(
    { dtstart: timed('2027-10-03T18:00'), rrule: `FREQ=WEEKLY;UNTIL=${until}` },
    { from: '2027-10-01', to: '2027-12-31' }
  ))
  const spring = (until: string) => keys(expand(
    { dtstart: timed('2027-03-07T18:00'), rrule: `FREQ=WEEKLY;UNTIL=${until}` },
    { from: '2027-03-01', to: '2027-05-31' }
  ))
  const run = () => ({
    autumnExact: autumn('20271031T170000Z'), // 18:00 CET
    autumnEarly: autumn('20271031T163000Z'), // 17:30 CET (18:30 at DTSTART's CEST offset)
    springLate: spring('20270328T163000Z'), // 18:30 CEST (17:30 at DTSTART's CET offset)
    springEarly: spring('20270328T155959Z'), // 17:59:59 CEST
    dateOnly: autumn('20271031'), // a DATE UNTIL covers the whole local day
    floatingLocal: autumn('20271031T180000'), // no Z: wall-clock in DTSTART's zone
  })
  const expected = {
    autumnExact: ['2027-10-03T18:00', '2027-10-10T18:00', '2027-10-17T18:00', '2027-10-24T18:00', '2027-10-31T18:00'],
    autumnEarly: ['2027-10-03T18:00', '2027-10-10T18:00', '2027-10-17T18:00', '2027-10-24T18:00'],
    springLate: ['2027-03-07T18:00', '2027-03-14T18:00', '2027-03-21T18:00', '2027-03-28T18:00'],
    springEarly: ['2027-03-07T18:00', '2027-03-14T18:00', '2027-03-21T18:00'],
    dateOnly: ['2027-10-03T18:00', '2027-10-10T18:00', '2027-10-17T18:00', '2027-10-24T18:00', '2027-10-31T18:00'],
    floatingLocal: ['2027-10-03T18:00', '2027-10-10T18:00', '2027-10-17T18:00', '2027-10-24T18:00', '2027-10-31T18:00'],
  }

  it('includes or excludes the transition Sunday exactly', () => {
    expect(run()).toEqual(expected)
  })

  it('gives identical results under every host zone', () => {
    for (const r of underEveryHostZone(run)) expect(r).toEqual(expected)
  })

  it('handles an all-day UNTIL', () => {
    expect(keys(expand({ dtstart: allDay('2027-01-31'), rrule: 'FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20270430' },
      { from: '2027-01-01', to: '2027-12-31' }))).toEqual(['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30'])
  })
})

describe('expand: DTSTART, RDATE, EXDATE, COUNT', () => {
  it('counts DTSTART as the first occurrence even when the rule does not match it (RFC 5545)', () => {
    const spec = { dtstart: timed('2027-01-13T18:00'), rrule: 'FREQ=WEEKLY;BYDAY=TH' } // a Wednesday
    expect(keys(expand(spec, { from: '2027-01-01', to: '2027-01-21' })))
      .toEqual(['2027-01-13T18:00', '2027-01-14T18:00', '2027-01-21T18:00'])
  })

  it('gives a single occurrence without a rule', () => {
    const spec = { dtstart: allDay('2027-02-22') }
    expect(keys(expand(spec, { from: '2027-01-01', to: '2027-12-31' }))).toEqual(['2027-02-22'])
    expect(expand(spec, { from: '2027-02-23', to: '2027-12-31' })).toEqual([])
  })

  it('adds RDATEs and removes EXDATEs, keyed by the original local time', () => {
    const spec: RecurrenceSpec = {
      dtstart: timed('2027-01-14T18:00'),
      rrule: 'FREQ=WEEKLY;COUNT=4',
      rdates: ['2027-01-16T10:00', '2027-01-21T18:00', '2027-06-01T09:00'],
      exdates: ['2027-01-14T18:00', '2027-01-28T18:00', '2027-01-28T19:00'],
    }
    const os = expand(spec, { from: '2027-01-01', to: '2027-01-31' })
    expect(keys(os)).toEqual(['2027-01-16T10:00', '2027-01-21T18:00'])
    expect(os.map(utc)).toEqual(['2027-01-16T09:00:00.000Z', '2027-01-21T17:00:00.000Z'])
    expect(keys(expand(spec, { from: '2027-01-01', to: '2027-12-31' })))
      .toEqual(['2027-01-16T10:00', '2027-01-21T18:00', '2027-02-04T18:00', '2027-06-01T09:00'])
  })

  it('all-day RDATE and EXDATE', () => {
    const spec: RecurrenceSpec = {
      dtstart: allDay('2026-12-31'), rrule: 'FREQ=YEARLY', rdates: ['2027-06-30'], exdates: ['2028-12-31'],
    }
    expect(keys(expand(spec, { from: '2026-01-01', to: '2029-12-31' })))
      .toEqual(['2026-12-31', '2027-06-30', '2027-12-31', '2029-12-31'])
  })

  it('honours COUNT across windows', () => {
    const spec = { dtstart: timed('2027-01-14T18:00'), rrule: 'FREQ=WEEKLY;COUNT=3' }
    expect(keys(expand(spec, { from: '2027-01-01', to: '2035-12-31' })))
      .toEqual(['2027-01-14T18:00', '2027-01-21T18:00', '2027-01-28T18:00'])
    expect(keys(expand(spec, { from: '2027-01-20', to: '2027-12-31' }))).toEqual(['2027-01-21T18:00', '2027-01-28T18:00'])
  })

  it('accepts an already validated spec', () => {
    const parsed = validateRecurrence({ dtstart: allDay('2027-02-22'), rrule: 'FREQ=YEARLY' })
    expect(keys(expand(parsed, { from: '2027-01-01', to: '2028-12-31' }))).toEqual(['2027-02-22', '2028-02-22'])
  })

  it('expands a long-running rule far from its DTSTART', () => {
    const spec = { dtstart: timed('2000-01-03T09:00'), rrule: 'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR' }
    const os = expand(spec, { from: '2060-01-01', to: '2060-01-07' }) // Thursday to Wednesday
    expect(keys(os)).toEqual(['2060-01-01T09:00', '2060-01-02T09:00', '2060-01-05T09:00', '2060-01-06T09:00', '2060-01-07T09:00'])
  })

  it('resolves times that a DST change makes nonexistent or ambiguous like localToInstant', () => {
    // A bounded HOURLY rule passes 02:00 on both transition days: the wall-clock keys stay, the
    // spring 02:00 is read with the winter offset and the autumn 02:00 is its first occurrence.
    const spring = expand({ dtstart: timed('2027-03-28T00:00'), rrule: 'FREQ=HOURLY;COUNT=5' }, { from: '2027-03-28', to: '2027-03-28' })
    expect(spring.map(o => [o.key, utc(o)])).toEqual([
      ['2027-03-28T00:00', '2027-03-27T23:00:00.000Z'],
      ['2027-03-28T01:00', '2027-03-28T00:00:00.000Z'],
      ['2027-03-28T02:00', '2027-03-28T01:00:00.000Z'],
      ['2027-03-28T03:00', '2027-03-28T01:00:00.000Z'],
      ['2027-03-28T04:00', '2027-03-28T02:00:00.000Z'],
    ])
    const autumn = expand({ dtstart: timed('2027-10-31T00:00'), rrule: 'FREQ=HOURLY;COUNT=4' }, { from: '2027-10-31', to: '2027-10-31' })
    expect(autumn.map(utc)).toEqual([
      '2027-10-30T22:00:00.000Z', '2027-10-30T23:00:00.000Z', '2027-10-31T00:00:00.000Z', '2027-10-31T02:00:00.000Z',
    ])
  })
})

describe('expand: windows and limits', () => {
  const spec = { dtstart: allDay('2026-01-01'), rrule: 'FREQ=DAILY' }

  it('accepts a window of exactly ten years', () => {
    expect(expand(spec, { from: '2026-01-01', to: '2035-12-31' })).toHaveLength(3652)
    expect(expand(spec, { from: '2026-03-01', to: '2026-03-01' })).toHaveLength(1)
  })

  it.each<[{ from: string, to: string }, RecurrenceErrorCode]>([
    [{ from: '2026-01-01', to: '2036-01-01' }, 'window_too_large'],
    [{ from: '2028-02-29', to: '2038-02-28' }, 'window_too_large'],
    [{ from: '2027-01-02', to: '2027-01-01' }, 'invalid_window'],
    [{ from: '2027-02-30', to: '2027-03-01' }, 'invalid_window'],
    [{ from: '2027-01-01', to: '' }, 'invalid_window'],
  ])('%j → %s', (window, code) => {
    expectRecurrenceError(() => expand(spec, window), code, 'window')
  })

  it('refuses an expansion with too many occurrences', () => {
    const dense = {
      dtstart: timed('2027-01-01T08:00'),
      rrule: 'FREQ=DAILY;BYHOUR=8,9,10,11,12,13,14,15,16,17;BYMINUTE=0,5,10,15,20,25,30,35,40,45,50,55',
    }
    expect(expand(dense, { from: '2027-01-01', to: '2027-01-01' })).toHaveLength(120)
    expectRecurrenceError(() => expand(dense, { from: '2027-01-01', to: '2027-12-31' }), 'too_many_occurrences')
  })

  it('validates the spec it is given', () => {
    expectRecurrenceError(() => expand({ dtstart: 'DTSTART:20270114T180000Z' }, { from: '2027-01-01', to: '2027-12-31' }), 'dtstart_without_zone')
  })
})

describe('expand: properties', () => {
  const arbDate = (fromYear: number, toYear: number) =>
    fc.integer({ min: Date.UTC(fromYear, 0, 1) / 86_400_000, max: Date.UTC(toYear, 11, 31) / 86_400_000 })
      .map(n => new Date(n * 86_400_000).toISOString().slice(0, 10))
  const arbTime = fc.tuple(fc.integer({ min: 0, max: 23 }).filter(h => h !== 2), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`)
  const arbRule = fc.constantFrom(
    null, 'FREQ=DAILY;INTERVAL=3', 'FREQ=WEEKLY;BYDAY=MO,TH', 'FREQ=WEEKLY;INTERVAL=2;COUNT=20',
    'FREQ=MONTHLY;BYDAY=TH;BYSETPOS=3;BYMONTH=1,2,3,4,5,6,8,9,10,11,12', 'FREQ=MONTHLY;BYMONTHDAY=31',
    'FREQ=MONTHLY;BYMONTHDAY=-1', 'FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR', 'FREQ=YEARLY', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
    'FREQ=YEARLY;INTERVAL=4', 'FREQ=DAILY;UNTIL=20290630', 'FREQ=WEEKLY;BYDAY=SU;UNTIL=20281029T170000Z'
  )
  const arbSpec = fc.record({
    isAllDay: fc.boolean(),
    start: arbDate(2020, 2030),
    time: arbTime,
    rule: arbRule,
    extra: fc.array(fc.tuple(arbDate(2020, 2032), arbTime), { maxLength: 4 }),
    excluded: fc.array(fc.tuple(arbDate(2020, 2032), arbTime), { maxLength: 4 }),
  }).map(({ isAllDay, start, time, rule, extra, excluded }): RecurrenceSpec => ({
    dtstart: isAllDay ? allDay(start) : timed(`${start}T${time}`),
    rrule: rule,
    rdates: extra.map(([d, t]) => (isAllDay ? d : `${d}T${t}`)),
    exdates: excluded.map(([d, t]) => (isAllDay ? d : `${d}T${t}`)),
  })).filter(spec => {
    try {
      validateRecurrence(spec)
      return true
    } catch (e) {
      if (e instanceof RecurrenceError && e.code === 'until_before_dtstart') return false
      throw e
    }
  })
  const arbWindow = fc.tuple(arbDate(2019, 2031), fc.integer({ min: 0, max: 3 * 366 }), fc.nat())
    .map(([from, length, split]) => ({ from, to: addDays(from, length), split: length === 0 ? 0 : split % length }))

  it('is sorted, unique, inside the window, and keyed by the local start', () => {
    fc.assert(fc.property(arbSpec, arbWindow, (spec, { from, to }) => {
      const os = expand(spec, { from, to })
      for (let i = 1; i < os.length; i++) expect((os[i - 1] as Occurrence).key < (os[i] as Occurrence).key).toBe(true)
      for (const o of os) {
        expect(o.date >= from && o.date <= to).toBe(true)
        expect(o.key.slice(0, 10)).toBe(o.date)
        if (!o.allDay) {
          expect(o.localStart).toBe(o.key)
          expect(instantToLocal(o.start, OSLO)).toBe(o.key)
        }
      }
      const excluded = new Set(spec.exdates)
      for (const o of os) expect(excluded.has(o.key)).toBe(false)
    }))
  })

  it('expanding [a, b] equals [a, m] ++ [m + 1, b] for any split', () => {
    fc.assert(fc.property(arbSpec, arbWindow, (spec, { from, to, split }) => {
      const m = addDays(from, split)
      const whole = expand(spec, { from, to })
      const rest = m < to ? expand(spec, { from: addDays(m, 1), to }) : [] // an empty window is refused
      const parts = [...expand(spec, { from, to: m }), ...rest]
      expect(parts.map(o => [o.key, utc(o)])).toEqual(whole.map(o => [o.key, utc(o)]))
    }))
  })
})
