// What the kommunedirektør's staff follows up: deliverables that are late, and those falling due soon.
// Meetings are never followed up (they cannot be late); delivered, approved and cancelled work is done.

import { type CalendarDate, addDays, addYears, compareDates } from './calendar-date.js'
import type { EventKind, OccurrenceStatus } from './vocabulary.js'

/** "Upcoming" means due today or within this many days. */
export const FOLLOW_UP_DAYS = 30
/** How far back an undelivered deadline still counts as overdue in the report: one year (as the overdue report of issue 5). */
export const OVERDUE_LOOKBACK_YEARS = 1

const DONE: readonly OccurrenceStatus[] = ['delivered', 'approved', 'cancelled']

export interface FollowUpCandidate {
  date: CalendarDate
  kind: EventKind
  status: OccurrenceStatus
  overdue: boolean
}

/** The occurrence window a report as of `asOf` needs. */
export function followUpWindow (asOf: CalendarDate, days: number = FOLLOW_UP_DAYS): { from: CalendarDate; to: CalendarDate } {
  return { from: addYears(asOf, -OVERDUE_LOOKBACK_YEARS), to: addDays(asOf, days) }
}

/** Splits occurrences into overdue and upcoming deliverables, each sorted by due date (stable). */
export function classifyFollowUp<T extends FollowUpCandidate> (items: readonly T[], asOf: CalendarDate, days: number = FOLLOW_UP_DAYS): { overdue: T[]; upcoming: T[] } {
  const last = addDays(asOf, days)
  const deliverables = items.filter(o => o.kind !== 'meeting')
  const byDate = (a: T, b: T) => compareDates(a.date, b.date)
  return {
    overdue: deliverables.filter(o => o.overdue).sort(byDate),
    upcoming: deliverables.filter(o => !o.overdue && !DONE.includes(o.status) &&
      compareDates(o.date, asOf) >= 0 && compareDates(o.date, last) <= 0).sort(byDate),
  }
}
