// The recurrence engine: RFC 5545 DTSTART + RRULE + RDATE/EXDATE, expanded into occurrences.
//
// rrule is only used to iterate, and only in the "floating" frame: wall-clock fields encoded as UTC
// fields, never with `tzid`, whose results depend on the host zone (STYLE trap 1). Each result is
// turned into an instant by localToInstant, which is host-independent. rrule is CommonJS, so it is
// imported by default (STYLE trap 3). Its parser is lax (it accepts FREQ=FOO, INTERVAL=0, BYDAY=XX),
// so the RRULE text is also checked part by part against RFC 5545 § 3.3.10 here.

import rrule from 'rrule'
import type { Options, Weekday } from 'rrule'
import type { TZDate } from '@date-fns/tz'
import {
  type CalendarDate, addDays, addYears, compareDates, fromBasicDate, isValidDate, toBasicDate,
} from './calendar-date.js'
import {
  type LocalDateTime, classifyLocal, floatingToLocal, isTransitionDay, isValidLocalDateTime,
  isValidTimeZone, localToFloating, localToInstant, observesDst, offsetAt, parseLocalDateTime,
} from './local-time.js'

const { RRule } = rrule
type RRuleInstance = InstanceType<typeof RRule>

export type RecurrenceErrorCode =
  | 'invalid_dtstart'
  | 'dtstart_without_zone'
  | 'invalid_time_zone'
  | 'dtstart_ambiguous_time'
  | 'invalid_rrule'
  | 'count_zero'
  | 'until_before_dtstart'
  | 'unbounded_high_frequency'
  | 'too_many_occurrences'
  | 'invalid_rdate'
  | 'invalid_exdate'
  | 'invalid_window'
  | 'window_too_large'

export type RecurrenceField = 'dtstart' | 'rrule' | 'rdates' | 'exdates' | 'window' | 'spec'

export class RecurrenceError extends Error {
  override readonly name = 'RecurrenceError'
  constructor (readonly code: RecurrenceErrorCode, readonly field: RecurrenceField, message: string) {
    super(message)
  }
}

/** A parsed DTSTART: an all-day date, or a wall-clock time in an IANA zone. */
export type Dtstart =
  | { allDay: true, date: CalendarDate }
  | { allDay: false, local: LocalDateTime, timeZone: string }

export interface RecurrenceSpec {
  /** RFC 5545 property text, e.g. 'DTSTART;TZID=Europe/Oslo:20270114T180000'. */
  dtstart: string
  /** The RRULE value, with or without the 'RRULE:' prefix; no DTSTART or TZID inside. */
  rrule?: string | null
  /** Extra occurrences: local dates (all-day) or local date-times in DTSTART's zone (timed). */
  rdates?: readonly string[]
  /** Removed occurrences, in the same shape as their keys. */
  exdates?: readonly string[]
}

export interface ParsedRrule {
  /** Normalised RRULE value without the prefix, e.g. 'FREQ=WEEKLY;BYDAY=TH'. */
  text: string
  /** An rrule iterator in the floating frame. */
  rule: RRuleInstance
}

export interface ParsedRecurrence {
  dtstart: Dtstart
  rrule: ParsedRrule | null
  rdates: readonly string[]
  exdates: readonly string[]
}

export interface ExpansionWindow {
  /** First local date, inclusive. */
  from: CalendarDate
  /** Last local date, inclusive. */
  to: CalendarDate
}

export type Occurrence =
  | { key: CalendarDate, date: CalendarDate, allDay: true }
  | {
    /** The RECURRENCE-ID: the original local start. */
    key: LocalDateTime
    date: CalendarDate
    allDay: false
    localStart: LocalDateTime
    start: TZDate
  }

/** Bounded HOURLY/MINUTELY rules may not produce more than this many occurrences in total. */
export const MAX_HIGH_FREQUENCY_OCCURRENCES = 5000
/** One expansion may not produce more than this (guards e.g. DAILY with BYHOUR × BYMINUTE). */
export const MAX_EXPANSION_OCCURRENCES = 20_000
/** The longest window expand() accepts. */
export const MAX_WINDOW_YEARS = 10

// ── DTSTART ──────────────────────────────────────────────────────────────────────────────────────

const DTSTART_RE = /^DTSTART((?:;[A-Za-z-]+=(?:"[^"]*"|[^;:"]*))*):([^:;]*)$/i
const PARAM_RE = /;([A-Za-z-]+)=(?:"([^"]*)"|([^;:"]*))/g
const DATE_TIME_RE = /^(\d{8})T(\d{2})(\d{2})(\d{2})(Z?)$/

export function parseDtstart (line: string): Dtstart {
  const fail = (code: RecurrenceErrorCode, message: string): never => {
    throw new RecurrenceError(code, 'dtstart', message)
  }
  const example = 'expected e.g. DTSTART;TZID=Europe/Oslo:20270114T180000 or DTSTART;VALUE=DATE:20270222'
  if (typeof line !== 'string') return fail('invalid_dtstart', `DTSTART must be a string; ${example}`)
  const m = DTSTART_RE.exec(line.trim())
  if (!m) return fail('invalid_dtstart', `Cannot read DTSTART ${JSON.stringify(line)}; ${example}`)
  const params = new Map<string, string>()
  for (const p of (m[1] ?? '').matchAll(PARAM_RE)) {
    const name = (p[1] ?? '').toUpperCase()
    if (params.has(name)) fail('invalid_dtstart', `DTSTART repeats the ${name} parameter`)
    if (name !== 'VALUE' && name !== 'TZID') fail('invalid_dtstart', `DTSTART parameter ${name} is not supported`)
    params.set(name, p[2] ?? p[3] ?? '')
  }
  const valueType = params.get('VALUE')?.toUpperCase()
  const tzid = params.get('TZID')
  const value = (m[2] ?? '').toUpperCase()

  if (valueType !== undefined && valueType !== 'DATE' && valueType !== 'DATE-TIME') {
    fail('invalid_dtstart', `DTSTART VALUE must be DATE or DATE-TIME, got ${valueType}`)
  }
  if (valueType === 'DATE') {
    if (tzid !== undefined) fail('invalid_dtstart', 'An all-day DTSTART (VALUE=DATE) takes no TZID')
    return { allDay: true, date: parseBasicDate(value, 'dtstart', 'invalid_dtstart') }
  }
  if (/^\d{8}$/.test(value)) {
    return fail('invalid_dtstart', `A date without a time needs VALUE=DATE: DTSTART;VALUE=DATE:${value}`)
  }
  const t = DATE_TIME_RE.exec(value)
  if (!t) return fail('invalid_dtstart', `Cannot read the DTSTART value ${JSON.stringify(m[2])}; ${example}`)
  if (t[5] === 'Z') {
    if (tzid !== undefined) fail('invalid_dtstart', 'A DTSTART with TZID cannot also be UTC (trailing Z)')
    fail('dtstart_without_zone',
      'DTSTART is in UTC; give the wall-clock time with its zone, e.g. DTSTART;TZID=Europe/Oslo:20270114T180000')
  }
  if (tzid === undefined) {
    fail('dtstart_without_zone',
      'DTSTART is a floating time; add the zone, e.g. DTSTART;TZID=Europe/Oslo:20270114T180000')
  }
  const zone = tzid as string
  if (!isValidTimeZone(zone)) fail('invalid_time_zone', `Unknown time zone ${JSON.stringify(zone)}`)
  const date = parseBasicDate(t[1] ?? '', 'dtstart', 'invalid_dtstart')
  const local = `${date}T${t[2]}:${t[3]}`
  if (!isValidLocalDateTime(local)) fail('invalid_dtstart', `Invalid time in DTSTART ${JSON.stringify(value)}`)
  if (t[4] !== '00') fail('invalid_dtstart', 'DTSTART seconds must be 00: times have minute precision')
  const kind = classifyLocal(local, zone)
  if (kind !== 'ok') {
    fail('dtstart_ambiguous_time', `${local} is ${kind} in ${zone} (daylight saving change); choose another time`)
  }
  // Wall times between 02:00 and 03:00 on a transition day resolve differently across tools and
  // hosts (STYLE trap 8, date-fns/tz#40); refuse them even where the zone's rules would allow them.
  if (parseLocalDateTime(local).hour === 2 && isTransitionDay(date, zone)) {
    fail('dtstart_ambiguous_time', `${local} falls in the 02:00–03:00 window of a daylight saving change in ${zone}`)
  }
  return { allDay: false, local, timeZone: zone }
}

export function formatDtstart (spec: Dtstart): string {
  if (spec.allDay) return `DTSTART;VALUE=DATE:${toBasicDate(spec.date)}`
  const p = parseLocalDateTime(spec.local)
  return `DTSTART;TZID=${spec.timeZone}:${toBasicDate(p.date)}T${spec.local.slice(11, 13)}${spec.local.slice(14, 16)}00`
}

// ── RRULE ────────────────────────────────────────────────────────────────────────────────────────

const FREQS = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY', 'MINUTELY', 'SECONDLY'] as const
type Freq = typeof FREQS[number]
const HIGH_FREQS: readonly Freq[] = ['HOURLY', 'MINUTELY', 'SECONDLY']
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const
type WeekdayCode = typeof WEEKDAYS[number]

interface RruleParts {
  FREQ: Freq
  UNTIL?: string
  COUNT?: number
  INTERVAL?: number
  BYSECOND?: number[]
  BYMINUTE?: number[]
  BYHOUR?: number[]
  BYDAY?: Array<{ n: number | null, day: WeekdayCode }>
  BYMONTHDAY?: number[]
  BYYEARDAY?: number[]
  BYWEEKNO?: number[]
  BYMONTH?: number[]
  BYSETPOS?: number[]
  WKST?: WeekdayCode
}

/**
 * Checks an RRULE against its DTSTART and returns it with a floating-frame iterator.
 * Refuses: anything unparsable or outside RFC 5545 § 3.3.10 (invalid_rrule), COUNT=0 (count_zero),
 * UNTIL before DTSTART (until_before_dtstart), HOURLY/MINUTELY/SECONDLY without COUNT or UNTIL
 * (unbounded_high_frequency), bounded HOURLY/MINUTELY rules with more than
 * MAX_HIGH_FREQUENCY_OCCURRENCES occurrences (too_many_occurrences), and SECONDLY or BYSECOND other
 * than 0 (local times have minute precision, so such occurrences would collide). For a timed DTSTART
 * in a zone with daylight saving time, a rule whose time of day can be 02:xx is refused
 * (dtstart_ambiguous_time, STYLE trap 8).
 */
export function validateRrule (text: string, dtstart: Dtstart | string): ParsedRrule {
  const start = typeof dtstart === 'string' ? parseDtstart(dtstart) : dtstart
  const fail = (code: RecurrenceErrorCode, message: string): never => {
    throw new RecurrenceError(code, 'rrule', message)
  }
  if (typeof text !== 'string') return fail('invalid_rrule', 'RRULE must be a string')
  const body = text.trim().replace(/^RRULE:/i, '')
  if (/DTSTART|TZID/i.test(body)) {
    fail('invalid_rrule', 'RRULE must not contain DTSTART or TZID; give them as the DTSTART property')
  }
  if (/[\r\n:]/.test(body)) fail('invalid_rrule', 'RRULE must be a single rule value, e.g. FREQ=WEEKLY;BYDAY=TH')
  try {
    RRule.parseString(body)
  } catch (e) {
    fail('invalid_rrule', `RRULE could not be parsed: ${(e as Error).message}`)
  }
  const parts = parseRruleParts(body, fail)
  if (HIGH_FREQS.includes(parts.FREQ) && parts.COUNT === undefined && parts.UNTIL === undefined) {
    fail('unbounded_high_frequency', `FREQ=${parts.FREQ} needs COUNT or UNTIL`)
  }
  checkRfcConstraints(parts, start, fail)
  if (parts.FREQ === 'SECONDLY' || parts.BYSECOND?.some(s => s !== 0)) {
    fail('invalid_rrule', 'Sub-minute recurrence is not supported: local times have minute precision')
  }
  const dtstartMs = floatingStart(start)
  const until = parts.UNTIL === undefined ? null : untilToFloating(parts.UNTIL, start, fail)
  if (until !== null && until < dtstartMs) {
    fail('until_before_dtstart', `UNTIL ${parts.UNTIL} is before DTSTART (${start.allDay ? start.date : start.local})`)
  }
  if (!start.allDay && observesDst(start.timeZone, yearOfDtstart(start))) {
    const hours = [parseLocalDateTime(start.local).hour, ...(parts.BYHOUR ?? [])]
    if (hours.includes(2)) {
      throw new RecurrenceError('dtstart_ambiguous_time', 'dtstart',
        `A recurring time between 02:00 and 03:00 hits a daylight saving change in ${start.timeZone}; choose another time`)
    }
  }

  const rule = new RRule(toOptions(parts, dtstartMs, until))
  if (parts.FREQ === 'HOURLY' || parts.FREQ === 'MINUTELY') {
    const n = rule.all((_d, i) => i < MAX_HIGH_FREQUENCY_OCCURRENCES + 1).length
    if (n > MAX_HIGH_FREQUENCY_OCCURRENCES) {
      fail('too_many_occurrences', `The rule produces more than ${MAX_HIGH_FREQUENCY_OCCURRENCES} occurrences`)
    }
  }
  return { text: formatRruleParts(body), rule }
}

function parseRruleParts (body: string, fail: (c: RecurrenceErrorCode, m: string) => never): RruleParts {
  const seen = new Map<string, string>()
  for (const part of body.split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) fail('invalid_rrule', `RRULE part ${JSON.stringify(part)} is not NAME=VALUE`)
    const name = part.slice(0, eq).toUpperCase()
    if (seen.has(name)) fail('invalid_rrule', `RRULE repeats ${name}`)
    seen.set(name, part.slice(eq + 1).toUpperCase())
  }
  const freq = seen.get('FREQ')
  if (freq === undefined) fail('invalid_rrule', 'RRULE needs FREQ')
  if (!FREQS.includes(freq as Freq)) fail('invalid_rrule', `FREQ=${freq} is not a frequency (${FREQS.join(', ')})`)

  const ints = (name: string, min: number, max: number, signed: boolean): number[] | undefined => {
    const v = seen.get(name)
    if (v === undefined) return undefined
    return v.split(',').map(s => {
      const ok = (signed ? /^[+-]?\d{1,3}$/ : /^\d{1,3}$/).test(s)
      const n = Number(s)
      if (!ok || Math.abs(n) < min || Math.abs(n) > max) {
        fail('invalid_rrule', `${name}=${v}: each value must be ${signed ? '±' : ''}${min}–${max}`)
      }
      return n
    })
  }
  const positive = (name: string): number | undefined => {
    const v = seen.get(name)
    if (v === undefined) return undefined
    if (!/^\d{1,9}$/.test(v)) fail('invalid_rrule', `${name}=${v} must be a whole number`)
    return Number(v)
  }
  const weekdayCode = (s: string): WeekdayCode => {
    if (!WEEKDAYS.includes(s as WeekdayCode)) fail('invalid_rrule', `${s} is not a weekday (${WEEKDAYS.join(', ')})`)
    return s as WeekdayCode
  }

  const parts: RruleParts = { FREQ: freq as Freq }
  for (const name of seen.keys()) {
    const v = seen.get(name) as string
    switch (name) {
      case 'FREQ': break
      case 'UNTIL': parts.UNTIL = v; break
      case 'COUNT': {
        const n = positive('COUNT') as number
        if (n === 0) fail('count_zero', 'COUNT=0 gives no occurrences; use COUNT ≥ 1 or leave the rule out')
        parts.COUNT = n
        break
      }
      case 'INTERVAL': {
        const n = positive('INTERVAL') as number
        if (n === 0) fail('invalid_rrule', 'INTERVAL must be at least 1')
        parts.INTERVAL = n
        break
      }
      case 'BYSECOND': parts.BYSECOND = ints(name, 0, 60, false); break
      case 'BYMINUTE': parts.BYMINUTE = ints(name, 0, 59, false); break
      case 'BYHOUR': parts.BYHOUR = ints(name, 0, 23, false); break
      case 'BYMONTHDAY': parts.BYMONTHDAY = ints(name, 1, 31, true); break
      case 'BYYEARDAY': parts.BYYEARDAY = ints(name, 1, 366, true); break
      case 'BYWEEKNO': parts.BYWEEKNO = ints(name, 1, 53, true); break
      case 'BYMONTH': parts.BYMONTH = ints(name, 1, 12, false); break
      case 'BYSETPOS': parts.BYSETPOS = ints(name, 1, 366, true); break
      case 'WKST': parts.WKST = weekdayCode(v); break
      case 'BYDAY':
        parts.BYDAY = v.split(',').map(s => {
          const d = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(s)
          if (!d) return fail('invalid_rrule', `BYDAY value ${JSON.stringify(s)} is not e.g. TH, 3TH or -1FR`)
          const n = d[1] === undefined ? null : Number(d[1])
          if (n !== null && (n === 0 || Math.abs(n) > 53)) fail('invalid_rrule', `BYDAY ordinal in ${s} must be ±1–53`)
          return { n, day: weekdayCode(d[2] as string) }
        })
        break
      default: fail('invalid_rrule', `Unknown RRULE part ${name}`)
    }
  }
  return parts
}

function checkRfcConstraints (parts: RruleParts, start: Dtstart, fail: (c: RecurrenceErrorCode, m: string) => never): void {
  const f = parts.FREQ
  if (parts.COUNT !== undefined && parts.UNTIL !== undefined) fail('invalid_rrule', 'COUNT and UNTIL cannot both be given')
  if (parts.BYDAY?.some(d => d.n !== null) && f !== 'MONTHLY' && f !== 'YEARLY') {
    fail('invalid_rrule', 'BYDAY with an ordinal (e.g. 3TH) needs FREQ=MONTHLY or YEARLY')
  }
  if (parts.BYDAY?.some(d => d.n !== null) && f === 'YEARLY' && parts.BYWEEKNO !== undefined) {
    fail('invalid_rrule', 'BYDAY with an ordinal cannot be combined with BYWEEKNO')
  }
  if (parts.BYMONTHDAY !== undefined && f === 'WEEKLY') fail('invalid_rrule', 'BYMONTHDAY cannot be used with FREQ=WEEKLY')
  if (parts.BYYEARDAY !== undefined && (f === 'DAILY' || f === 'WEEKLY' || f === 'MONTHLY')) {
    fail('invalid_rrule', `BYYEARDAY cannot be used with FREQ=${f}`)
  }
  if (parts.BYWEEKNO !== undefined && f !== 'YEARLY') fail('invalid_rrule', 'BYWEEKNO needs FREQ=YEARLY')
  const byParts = ['BYSECOND', 'BYMINUTE', 'BYHOUR', 'BYDAY', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYMONTH'] as const
  if (parts.BYSETPOS !== undefined && !byParts.some(p => parts[p] !== undefined)) {
    fail('invalid_rrule', 'BYSETPOS needs another BYxxx part to select from')
  }
  // RFC 5545 § 3.3.10: no time parts with a DATE DTSTART.
  if (start.allDay && HIGH_FREQS.includes(f)) fail('invalid_rrule', `FREQ=${f} cannot be used with an all-day DTSTART`)
  if (start.allDay && (parts.BYHOUR !== undefined || parts.BYMINUTE !== undefined || parts.BYSECOND !== undefined)) {
    fail('invalid_rrule', 'BYHOUR, BYMINUTE and BYSECOND cannot be used with an all-day DTSTART')
  }
}

/**
 * UNTIL in the floating frame. RFC 5545 wants a DATE for an all-day DTSTART and a UTC date-time for
 * a zoned one. Also accepted: a DATE for a timed rule (inclusive: the whole local day), and a
 * date-time without Z (read as wall-clock time in DTSTART's zone).
 */
function untilToFloating (value: string, start: Dtstart, fail: (c: RecurrenceErrorCode, m: string) => never): number {
  if (/^\d{8}$/.test(value)) {
    const date = parseBasicDate(value, 'rrule', 'invalid_rrule')
    return start.allDay ? localToFloating(`${date}T00:00`) : localToFloating(`${date}T23:59`) + 59_999
  }
  const t = DATE_TIME_RE.exec(value)
  if (!t) return fail('invalid_rrule', `UNTIL=${value} is not a date (YYYYMMDD) or UTC date-time (YYYYMMDDTHHMMSSZ)`)
  const date = parseBasicDate(t[1] ?? '', 'rrule', 'invalid_rrule')
  const local = `${date}T${t[2]}:${t[3]}`
  if (!isValidLocalDateTime(local) || Number(t[4]) > 59) fail('invalid_rrule', `UNTIL=${value} is not a valid time`)
  const fieldsMs = localToFloating(local) + Number(t[4]) * 1000
  if (start.allDay || t[5] !== 'Z') return fieldsMs
  // A UTC UNTIL names an instant; move it into the floating frame with the offset at that instant,
  // which on a transition day is not the offset of DTSTART.
  return fieldsMs + offsetAt(fieldsMs, start.timeZone) * 60_000
}

function toOptions (parts: RruleParts, dtstartMs: number, until: number | null): Partial<Options> {
  const freqs: Record<Freq, number> = {
    YEARLY: RRule.YEARLY,
    MONTHLY: RRule.MONTHLY,
    WEEKLY: RRule.WEEKLY,
    DAILY: RRule.DAILY,
    HOURLY: RRule.HOURLY,
    MINUTELY: RRule.MINUTELY,
    SECONDLY: RRule.SECONDLY,
  }
  const wd = (day: WeekdayCode): Weekday => RRule[day]
  const options: Partial<Options> = {
    freq: freqs[parts.FREQ],
    dtstart: new Date(dtstartMs),
    interval: parts.INTERVAL ?? 1,
    wkst: wd(parts.WKST ?? 'MO'),
    count: parts.COUNT ?? null,
    until: until === null ? null : new Date(until),
  }
  if (parts.BYSECOND) options.bysecond = parts.BYSECOND
  if (parts.BYMINUTE) options.byminute = parts.BYMINUTE
  if (parts.BYHOUR) options.byhour = parts.BYHOUR
  if (parts.BYMONTHDAY) options.bymonthday = parts.BYMONTHDAY
  if (parts.BYYEARDAY) options.byyearday = parts.BYYEARDAY
  if (parts.BYWEEKNO) options.byweekno = parts.BYWEEKNO
  if (parts.BYMONTH) options.bymonth = parts.BYMONTH
  if (parts.BYSETPOS) options.bysetpos = parts.BYSETPOS
  if (parts.BYDAY) options.byweekday = parts.BYDAY.map(d => (d.n === null ? wd(d.day) : wd(d.day).nth(d.n)))
  return options
}

function formatRruleParts (body: string): string {
  return body.split(';').map(p => {
    const eq = p.indexOf('=')
    return `${p.slice(0, eq).toUpperCase()}=${p.slice(eq + 1).toUpperCase()}`
  }).join(';')
}

// ── The whole spec ───────────────────────────────────────────────────────────────────────────────

export function validateRecurrence (spec: RecurrenceSpec): ParsedRecurrence {
  if (typeof spec !== 'object' || spec === null) {
    throw new RecurrenceError('invalid_dtstart', 'spec', 'A recurrence needs at least a DTSTART')
  }
  const dtstart = parseDtstart(spec.dtstart)
  const text = typeof spec.rrule === 'string' ? spec.rrule.trim() : spec.rrule
  const parsed = text === null || text === undefined || text === '' ? null : validateRrule(text, dtstart)
  return {
    dtstart,
    rrule: parsed,
    rdates: checkExtraDates(spec.rdates, dtstart, 'rdates', 'invalid_rdate'),
    exdates: checkExtraDates(spec.exdates, dtstart, 'exdates', 'invalid_exdate'),
  }
}

function checkExtraDates (
  values: readonly string[] | undefined,
  dtstart: Dtstart,
  field: 'rdates' | 'exdates',
  code: 'invalid_rdate' | 'invalid_exdate'
): string[] {
  if (values === undefined || values === null) return []
  if (!Array.isArray(values)) throw new RecurrenceError(code, field, `${field} must be an array`)
  return values.map((v, i) => {
    const where = `${field}[${i}] ${JSON.stringify(v)}`
    if (dtstart.allDay) {
      if (!isValidDate(v)) throw new RecurrenceError(code, field, `${where} must be a date YYYY-MM-DD (all-day rule)`)
      return v
    }
    if (!isValidLocalDateTime(v)) {
      throw new RecurrenceError(code, field, `${where} must be a local date-time YYYY-MM-DDTHH:mm (timed rule)`)
    }
    // An excluded time only has to match a key; an added one must be a real, unambiguous wall time.
    if (field === 'rdates' && classifyLocal(v, dtstart.timeZone) !== 'ok') {
      throw new RecurrenceError(code, field, `${where} does not exist once in ${dtstart.timeZone} (daylight saving change)`)
    }
    return v
  })
}

// ── Expansion ────────────────────────────────────────────────────────────────────────────────────

/**
 * The occurrences whose local date lies in [window.from, window.to], sorted by key and unique by
 * key. DTSTART always counts as the first occurrence (RFC 5545 § 3.8.5.3), even when it does not
 * match the rule; RDATEs are added and EXDATEs removed. Times that a later daylight saving change
 * makes nonexistent or ambiguous are resolved as in localToInstant.
 */
export function expand (spec: RecurrenceSpec | ParsedRecurrence, window: ExpansionWindow): Occurrence[] {
  const parsed = isParsed(spec) ? spec : validateRecurrence(spec)
  const { dtstart } = parsed
  return keysIn(parsed, window).map((key): Occurrence => {
    if (dtstart.allDay) return { key, date: key, allDay: true }
    return { key, date: key.slice(0, 10), allDay: false, localStart: key, start: localToInstant(key, dtstart.timeZone) }
  })
}

// Many rules share a schedule (every body of a kind has the same default møteplan; every subject of a
// package the same deadlines), so building the occurrence index expands the same rule thousands of times.
const KEY_CACHE_MAX = 4096
const keyCache = new Map<string, readonly string[]>()

/**
 * The occurrence keys of a rule in the window, sorted: local dates (all-day) or local date-times in
 * DTSTART's zone (timed) — what `expand` gives, without computing instants. Memoised on the rule's text
 * (at most 4,096 schedules, then the memo starts over); the array is frozen. Errors as `expand`.
 */
export function expandKeys (spec: RecurrenceSpec, window: ExpansionWindow): readonly string[] {
  const memo = [spec.dtstart, spec.rrule ?? '', (spec.rdates ?? []).join(','), (spec.exdates ?? []).join(','), window?.from, window?.to].join('\n')
  const hit = keyCache.get(memo)
  if (hit) return hit
  const keys = Object.freeze(keysIn(validateRecurrence(spec), window))
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear()
  keyCache.set(memo, keys)
  return keys
}

function keysIn (parsed: ParsedRecurrence, window: ExpansionWindow): string[] {
  checkWindow(window)
  const { dtstart } = parsed
  const inWindow = (key: string): boolean => {
    const date = key.slice(0, 10)
    return date >= window.from && date <= window.to
  }
  const keys = new Set<string>()
  const add = (key: string): void => {
    keys.add(key)
    if (keys.size > MAX_EXPANSION_OCCURRENCES) {
      throw new RecurrenceError('too_many_occurrences', 'rrule',
        `More than ${MAX_EXPANSION_OCCURRENCES} occurrences in the window; narrow the window or the rule`)
    }
  }

  if (parsed.rrule) {
    const after = new Date(localToFloating(`${window.from}T00:00`))
    const before = new Date(localToFloating(`${addDays(window.to, 1)}T00:00`) - 1)
    for (const d of parsed.rrule.rule.between(after, before, true, (_d, i) => i <= MAX_EXPANSION_OCCURRENCES)) {
      const local = floatingToLocal(d.getTime())
      add(dtstart.allDay ? local.slice(0, 10) : local)
    }
  }
  const first = dtstart.allDay ? dtstart.date : dtstart.local
  for (const key of [first, ...parsed.rdates]) if (inWindow(key)) add(key)
  for (const key of parsed.exdates) keys.delete(key)
  return [...keys].sort()
}

function checkWindow (window: ExpansionWindow): void {
  const fail = (code: RecurrenceErrorCode, message: string): never => {
    throw new RecurrenceError(code, 'window', message)
  }
  if (typeof window !== 'object' || window === null || !isValidDate(window.from) || !isValidDate(window.to)) {
    fail('invalid_window', 'The window needs from and to as dates YYYY-MM-DD')
  }
  if (compareDates(window.from, window.to) > 0) fail('invalid_window', `Window from ${window.from} is after to ${window.to}`)
  if (compareDates(window.to, addDays(addYears(window.from, MAX_WINDOW_YEARS), -1)) > 0) {
    fail('window_too_large', `A window may span at most ${MAX_WINDOW_YEARS} years`)
  }
}

function isParsed (spec: RecurrenceSpec | ParsedRecurrence): spec is ParsedRecurrence {
  return typeof spec === 'object' && spec !== null && typeof spec.dtstart === 'object'
}

function floatingStart (start: Dtstart): number {
  return localToFloating(start.allDay ? `${start.date}T00:00` : start.local)
}

function yearOfDtstart (start: Dtstart): number {
  return Number((start.allDay ? start.date : start.local).slice(0, 4))
}

function parseBasicDate (value: string, field: RecurrenceField, code: RecurrenceErrorCode): CalendarDate {
  try {
    return fromBasicDate(value)
  } catch {
    throw new RecurrenceError(code, field, `${JSON.stringify(value)} is not a valid date (YYYYMMDD)`)
  }
}
