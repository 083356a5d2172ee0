// What only reminders say: the non-working-day note and the digest's week number. Dates and counts
// come from the one vocabulary (src/presenters/vocabulary.ts).
import { type CalendarDate, parseDate, weekday } from '../domain/calendar-date.js'
import { WEEKDAYS, numericDate } from '../presenters/vocabulary.js'
import { dayFlags } from '../domain/holidays.js'

/** The note for a due date on a weekend or public holiday (governance-obligations §12), or ''. */
export function nonWorkingDayNote (date: CalendarDate): string {
  const f = dayFlags(date)
  if (f.workingDay) return ''
  const what = f.holiday ?? WEEKDAYS[weekday(date) - 1]
  return `Fristen ${numericDate(date)} er ${what}. Lovens dato står uendret; påminnelsen er sendt siste virkedag før.`
}

/** ISO week number, for the digest's subject ("uke 22"). */
export function isoWeek (date: CalendarDate): number {
  const { year, month, day } = parseDate(date)
  const d = new Date(Date.UTC(year, month - 1, day))
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7))
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1)
  return Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7)
}
