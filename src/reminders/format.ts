// Dates and counts in Norwegian bokmål, for e-mails and reports.
import { type CalendarDate, parseDate, weekday } from '../domain/calendar-date.js'
import { dayFlags } from '../domain/holidays.js'

const WEEKDAYS = ['mandag', 'tirsdag', 'onsdag', 'torsdag', 'fredag', 'lørdag', 'søndag']
const MONTHS = ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'desember']

/** 22.02.2027 */
export function shortDate (date: CalendarDate): string {
  return `${date.slice(8, 10)}.${date.slice(5, 7)}.${date.slice(0, 4)}`
}

/** mandag 22. februar 2027 */
export function longDate (date: CalendarDate): string {
  const { year, month, day } = parseDate(date)
  return `${WEEKDAYS[weekday(date) - 1]} ${day}. ${MONTHS[month - 1]} ${year}`
}

/** mandag 22. februar 2027 kl. 18.00 (Norwegian writes the time with a full stop). */
export function longDateTime (local: string): string {
  return `${longDate(local.slice(0, 10))} kl. ${local.slice(11, 13)}.${local.slice(14, 16)}`
}

export function days (n: number): string {
  return n === 1 ? '1 dag' : `${n} dager`
}

/** "i dag", "i morgen", "om 14 dager" */
export function daysLeft (n: number): string {
  return n === 0 ? 'i dag' : n === 1 ? 'i morgen' : `om ${n} dager`
}

/** The note for a due date on a weekend or public holiday (governance-obligations §12), or ''. */
export function nonWorkingDayNote (date: CalendarDate): string {
  const f = dayFlags(date)
  if (f.workingDay) return ''
  const what = f.holiday ?? WEEKDAYS[weekday(date) - 1]
  return `Fristen ${shortDate(date)} er ${what}. Lovens dato står uendret; påminnelsen er sendt siste virkedag før.`
}

/** ISO week number, for the digest's subject ("uke 22"). */
export function isoWeek (date: CalendarDate): number {
  const { year, month, day } = parseDate(date)
  const d = new Date(Date.UTC(year, month - 1, day))
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7))
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1)
  return Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7)
}
