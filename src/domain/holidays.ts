// Norwegian public holidays and working days.
// Helligdagsloven (LOV-1995-02-24-12) § 2 lists the helligdager; 1 and 17 May are offentlige
// høytidsdager under LOV-1947-04-26-1 § 1 and are treated as Sundays, so neither is a working day.

import { type CalendarDate, addDays, dateFromParts, weekday, yearOf } from './calendar-date.js'

export type HolidayKind = 'helligdag' | 'hoytidsdag'

export interface PublicHoliday {
  date: CalendarDate
  /** Norwegian (bokmål) name. */
  name: string
  kind: HolidayKind
}

export interface DayFlags {
  /** Saturday or Sunday. */
  weekend: boolean
  /** The named public holiday(s) on this date, joined with ' / ' when two coincide; null otherwise. */
  holiday: string | null
  workingDay: boolean
}

/** Gregorian Easter Sunday (the anonymous Gregorian computus of Meeus/Jones/Butcher). */
export function easterSunday (year: number): CalendarDate {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) {
    throw new RangeError(`Easter is computed for Gregorian years 1583–9999, got ${year}`)
  }
  const a = year % 19
  const b = Math.floor(year / 100)
  const c = year % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  const day = ((h + l - 7 * m + 114) % 31) + 1
  return dateFromParts(year, month, day)
}

const cache = new Map<number, readonly PublicHoliday[]>()

/** The named public holidays of a year, in date order (two entries share a date when they coincide). */
export function publicHolidays (year: number): readonly PublicHoliday[] {
  const cached = cache.get(year)
  if (cached) return cached
  const easter = easterSunday(year)
  const fromEaster = (days: number, name: string): PublicHoliday =>
    ({ date: addDays(easter, days), name, kind: 'helligdag' })
  const holidays: PublicHoliday[] = [
    { date: dateFromParts(year, 1, 1), name: '1. nyttårsdag', kind: 'helligdag' },
    fromEaster(-3, 'Skjærtorsdag'),
    fromEaster(-2, 'Langfredag'),
    fromEaster(0, '1. påskedag'),
    fromEaster(1, '2. påskedag'),
    { date: dateFromParts(year, 5, 1), name: '1. mai', kind: 'hoytidsdag' },
    { date: dateFromParts(year, 5, 17), name: '17. mai', kind: 'hoytidsdag' },
    fromEaster(39, 'Kristi himmelfartsdag'),
    fromEaster(49, '1. pinsedag'),
    fromEaster(50, '2. pinsedag'),
    { date: dateFromParts(year, 12, 25), name: '1. juledag', kind: 'helligdag' },
    { date: dateFromParts(year, 12, 26), name: '2. juledag', kind: 'helligdag' },
  ]
  // ISO dates sort lexically; the sort is stable, so coinciding days keep the order above.
  const sorted = Object.freeze(holidays.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0))
    .map(h => Object.freeze(h)))
  cache.set(year, sorted)
  return sorted
}

export function holidayName (date: CalendarDate): string | null {
  const names = publicHolidays(yearOf(date)).filter(h => h.date === date).map(h => h.name)
  return names.length > 0 ? names.join(' / ') : null
}

export function dayFlags (date: CalendarDate): DayFlags {
  const weekend = weekday(date) >= 6
  const holiday = holidayName(date)
  return { weekend, holiday, workingDay: !weekend && holiday === null }
}

export function isWorkingDay (date: CalendarDate): boolean {
  return dayFlags(date).workingDay
}

/** The last working day strictly before `date`. */
export function previousWorkingDay (date: CalendarDate): CalendarDate {
  return workingDayOnOrBefore(addDays(date, -1))
}

/** The first working day strictly after `date`. */
export function nextWorkingDay (date: CalendarDate): CalendarDate {
  return workingDayOnOrAfter(addDays(date, 1))
}

/**
 * `date` itself if it is a working day, else the previous one. The conservative "act by" day for a
 * statutory date that may fall on a weekend or holiday (governance-obligations §12).
 */
export function workingDayOnOrBefore (date: CalendarDate): CalendarDate {
  let d = date
  while (!isWorkingDay(d)) d = addDays(d, -1)
  return d
}

/**
 * `date` itself if it is a working day, else the next one: how domstolloven § 149 moves a
 * procedural deadline that ends on a Saturday, Sunday or holiday.
 */
export function workingDayOnOrAfter (date: CalendarDate): CalendarDate {
  let d = date
  while (!isWorkingDay(d)) d = addDays(d, 1)
  return d
}

/**
 * Where a placeholder meeting goes when its date is a public holiday: the previous working day
 * (issue 12: a default møteplan never drops a meeting, and never holds one on a helligdag). A date
 * that is no holiday stays, weekends included (a plan that meets on a Saturday means it).
 */
export function meetingDayAvoidingHoliday (date: CalendarDate): CalendarDate {
  return holidayName(date) === null ? date : previousWorkingDay(date)
}
