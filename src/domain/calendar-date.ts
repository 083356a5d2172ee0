// Calendar dates as 'YYYY-MM-DD' strings. All arithmetic goes through a day number computed with
// UTC fields, so no result depends on the host's time zone and no Date ever stands for a date.

/** A calendar date, 'YYYY-MM-DD' (years 0001–9999). */
export type CalendarDate = string

export interface DateParts {
  year: number
  month: number // 1–12
  day: number // 1–31
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const MS_PER_DAY = 86_400_000
const MIN_DAY_NUMBER = dayNumberOf(1, 1, 1)
const MAX_DAY_NUMBER = dayNumberOf(9999, 12, 31)

export function isLeapYear (year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

export function daysInMonth (year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

export function isValidDate (s: unknown): s is CalendarDate {
  if (typeof s !== 'string') return false
  const m = DATE_RE.exec(s)
  if (!m) return false
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
}

export function parseDate (date: CalendarDate): DateParts {
  if (!isValidDate(date)) throw new RangeError(`Invalid calendar date: ${JSON.stringify(date)}`)
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) }
}

/** The years the service takes from its users (issue 13): wide enough for any real plan, narrow enough
 * that no expansion, SQL bound or Date overflows. */
export const MIN_SUPPORTED_YEAR = 1900
export const MAX_SUPPORTED_YEAR = 2200

/** A real calendar date 'YYYY-MM-DD' in 1900–2200: what every route, page and CLI accepts as a date. */
export function isSupportedDate (s: unknown): s is CalendarDate {
  if (!isValidDate(s)) return false
  const year = Number(s.slice(0, 4))
  return year >= MIN_SUPPORTED_YEAR && year <= MAX_SUPPORTED_YEAR
}

/** Builds a date from parts; throws RangeError if the parts do not name a real date. */
export function dateFromParts (year: number, month: number, day: number): CalendarDate {
  const s = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day) || !isValidDate(s)) {
    throw new RangeError(`Invalid calendar date: ${year}-${month}-${day}`)
  }
  return s
}

/** Days since 1970-01-01 (negative before). */
export function toDayNumber (date: CalendarDate): number {
  const { year, month, day } = parseDate(date)
  return dayNumberOf(year, month, day)
}

export function fromDayNumber (n: number): CalendarDate {
  if (!Number.isInteger(n) || n < MIN_DAY_NUMBER || n > MAX_DAY_NUMBER) {
    throw new RangeError(`Day number out of range: ${n}`)
  }
  const d = new Date(n * MS_PER_DAY)
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`
}

export function addDays (date: CalendarDate, n: number): CalendarDate {
  assertInteger(n)
  return fromDayNumber(toDayNumber(date) + n)
}

/**
 * Adds calendar months the way domstolloven § 148 counts a deadline given in months: the same day
 * number in the target month, or that month's last day when it is shorter (31 Jan + 1 → 28/29 Feb).
 */
export function addMonths (date: CalendarDate, n: number): CalendarDate {
  assertInteger(n)
  const { year, month, day } = parseDate(date)
  const total = year * 12 + (month - 1) + n
  const y = Math.floor(total / 12)
  const m = total - y * 12 + 1
  return dateFromParts(y, m, Math.min(day, daysInMonth(y, m)))
}

/** addMonths(date, 12 n): 29 Feb + 1 year is 28 Feb. */
export function addYears (date: CalendarDate, n: number): CalendarDate {
  assertInteger(n)
  return addMonths(date, 12 * n)
}

/** Negative, zero or positive, like a sort comparator. */
export function compareDates (a: CalendarDate, b: CalendarDate): number {
  for (const date of [a, b]) if (!isValidDate(date)) throw new RangeError(`Invalid calendar date: ${JSON.stringify(date)}`)
  // Valid dates are zero-padded YYYY-MM-DD, so their text sorts as they do (and needs no Date).
  return a < b ? -1 : a > b ? 1 : 0
}

export function isBefore (a: CalendarDate, b: CalendarDate): boolean {
  return compareDates(a, b) < 0
}

export function isAfter (a: CalendarDate, b: CalendarDate): boolean {
  return compareDates(a, b) > 0
}

export function minDate (a: CalendarDate, b: CalendarDate): CalendarDate {
  return compareDates(a, b) <= 0 ? a : b
}

export function maxDate (a: CalendarDate, b: CalendarDate): CalendarDate {
  return compareDates(a, b) >= 0 ? a : b
}

/** b − a in whole days. */
export function daysBetween (a: CalendarDate, b: CalendarDate): number {
  return toDayNumber(b) - toDayNumber(a)
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function weekday (date: CalendarDate): number {
  // 1970-01-01 was a Thursday (4).
  return ((((toDayNumber(date) + 3) % 7) + 7) % 7) + 1
}

/** Every date from `from` to `to`, both inclusive; empty when to < from. */
export function eachDate (from: CalendarDate, to: CalendarDate): CalendarDate[] {
  const start = toDayNumber(from)
  const end = toDayNumber(to)
  const out: CalendarDate[] = []
  for (let n = start; n <= end; n++) out.push(fromDayNumber(n))
  return out
}

export function startOfMonth (date: CalendarDate): CalendarDate {
  const { year, month } = parseDate(date)
  return dateFromParts(year, month, 1)
}

export function endOfMonth (date: CalendarDate): CalendarDate {
  const { year, month } = parseDate(date)
  return dateFromParts(year, month, daysInMonth(year, month))
}

export function startOfYear (year: number): CalendarDate {
  return dateFromParts(year, 1, 1)
}

export function endOfYear (year: number): CalendarDate {
  return dateFromParts(year, 12, 31)
}

export function yearOf (date: CalendarDate): number {
  return parseDate(date).year
}

/** 1–12. */
export function monthOf (date: CalendarDate): number {
  return parseDate(date).month
}

export function dayOf (date: CalendarDate): number {
  return parseDate(date).day
}

/** 'YYYY-MM-DD' ↔ 'YYYYMMDD' (RFC 5545 DATE). */
export function toBasicDate (date: CalendarDate): string {
  parseDate(date)
  return date.replaceAll('-', '')
}

export function fromBasicDate (s: string): CalendarDate {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s)
  const date = m ? `${m[1]}-${m[2]}-${m[3]}` : s
  if (!m || !isValidDate(date)) throw new RangeError(`Invalid basic-format date: ${JSON.stringify(s)}`)
  return date
}

function dayNumberOf (year: number, month: number, day: number): number {
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  return Math.round(d.getTime() / MS_PER_DAY)
}

function pad (n: number, width: number): string {
  return String(n).padStart(width, '0')
}

function assertInteger (n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`Expected an integer, got ${n}`)
}
