// Which reminders are due for an occurrence on a given day (issue 5). Pure: no clock, no database.
//
// A deadline gets reminders a number of days before its due date (per event type, overridable per
// rule), then one every `overdueEveryDays` after it while it stays undone (at most `overdueMax`),
// and an escalation to the responsible municipality's kommunedirektør recipients once it is
// `escalateAfterDays` overdue; from then on the overdue reminders go to them too. A meeting gets
// the reminders before it and nothing after. Delivered, approved and cancelled occurrences get
// nothing. A reminder whose day is not a working day is sent on the previous working day
// (governance-obligations §12: "act-by" reminders on the previous working day; it cannot make
// anyone late), but never on or before the due date when it is about lateness.
import { type CalendarDate, addDays, compareDates, daysBetween, weekday } from './calendar-date.js'
import { workingDayOnOrAfter, workingDayOnOrBefore } from './holidays.js'
import { localDateOf, instantToLocal } from './local-time.js'
import type { EventKind, OccurrenceStatus } from './vocabulary.js'

export interface ReminderPolicy {
  /** Days between overdue reminders (7: weekly). */
  overdueEveryDays: number
  /** How many overdue reminders at most; 0 = none. */
  overdueMax: number
  /** Days overdue after which the kommunedirektør recipients are added; 0 = never. */
  escalateAfterDays: number
  /**
   * How many days late a reminder may still go out (a dispatcher that was down over a weekend
   * catches up). Older ones are superseded, so switching reminders on never sends the past.
   */
  catchUpDays: number
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = { overdueEveryDays: 7, overdueMax: 6, escalateAfterDays: 14, catchUpDays: 7 }

export interface RemindableOccurrence {
  /** The effective due date (after a move), or the meeting's local date. */
  date: CalendarDate
  /** A meeting's effective local start ('YYYY-MM-DDTHH:mm'): moving it to another hour re-arms its reminders. */
  localStart?: string | null
  status: OccurrenceStatus
  kind: EventKind
  /** Days before the due date (the event type's, or the rule's override). */
  offsetsDays: readonly number[]
}

export type ReminderKind = 'before' | 'overdue' | 'escalation'

export interface PlannedReminder {
  /**
   * Unique per occurrence and stable: the kind, its number, and the due date (or meeting start) it
   * was computed from, so that a moved occurrence is reminded again from its new date.
   */
  key: string
  kind: ReminderKind
  /** The day it goes out (a working day, see above). */
  sendOn: CalendarDate
  /** The day it would go out without the working-day rule. */
  nominalOn: CalendarDate
  dueDate: CalendarDate
  /** Before: days before the due date (the offset); overdue and escalation: days after it (nominal). */
  days: number
  /** Who gets it: the occurrence's subscribers, the kommunedirektør recipients, or both. */
  audience: { subscribers: boolean; kommunedirektor: boolean }
}

const DONE: readonly OccurrenceStatus[] = ['delivered', 'approved', 'cancelled']

/** Every reminder an occurrence would ever get under the policy, in sending order. */
export function reminderPlan (o: RemindableOccurrence, policy: ReminderPolicy): PlannedReminder[] {
  if (DONE.includes(o.status)) return []
  const due = o.date
  const anchor = o.localStart ?? due
  const out: PlannedReminder[] = []
  const offsets = [...new Set(o.offsetsDays)].filter(d => Number.isInteger(d) && d >= 0).sort((a, b) => b - a)
  for (const d of offsets) {
    const nominalOn = addDays(due, -d)
    out.push({ key: `before-${d}@${anchor}`, kind: 'before', sendOn: workingDayOnOrBefore(nominalOn), nominalOn, dueDate: due, days: d, audience: { subscribers: true, kommunedirektor: false } })
  }
  if (o.kind === 'meeting') return out

  // About lateness: shifted back to a working day, but still after the due date.
  const afterDue = (nominalOn: CalendarDate) => {
    const shifted = workingDayOnOrBefore(nominalOn)
    return compareDates(shifted, due) > 0 ? shifted : addDays(due, 1)
  }
  const escalateAt = policy.escalateAfterDays > 0 ? policy.escalateAfterDays : null
  for (let n = 1; n <= policy.overdueMax; n++) {
    const days = n * policy.overdueEveryDays
    const nominalOn = addDays(due, days)
    // The kommunedirektør hears first through the escalation itself, then with every later reminder.
    out.push({ key: `overdue-${n}@${anchor}`, kind: 'overdue', sendOn: afterDue(nominalOn), nominalOn, dueDate: due, days, audience: { subscribers: true, kommunedirektor: escalateAt !== null && days > escalateAt } })
  }
  if (escalateAt !== null) {
    const nominalOn = addDays(due, escalateAt)
    out.push({ key: `escalation@${anchor}`, kind: 'escalation', sendOn: afterDue(nominalOn), nominalOn, dueDate: due, days: escalateAt, audience: { subscribers: false, kommunedirektor: true } })
  }
  return out.sort((a, b) => compareDates(a.sendOn, b.sendOn) || a.days - b.days)
}

/**
 * The reminders due on `today`: of the reminders before the due date, the latest whose day has
 * come (an earlier one is superseded); of the overdue ones, likewise; and the escalation once its
 * day has come. Only within the catch-up window, and nothing before the due date once it has passed.
 * Enqueueing is idempotent, so the same answer on consecutive days sends each reminder once.
 */
export function dueReminders (o: RemindableOccurrence, today: CalendarDate, policy: ReminderPolicy): PlannedReminder[] {
  const plan = reminderPlan(o, policy)
  const inWindow = (r: PlannedReminder) => compareDates(r.sendOn, today) <= 0 && daysBetween(r.sendOn, today) <= policy.catchUpDays
  const latest = (kind: ReminderKind) => {
    let found: PlannedReminder | undefined
    for (const r of plan) {
      if (r.kind !== kind || !inWindow(r)) continue
      // Later send day wins; on the same day (shifted onto it), the one closest to the due date, or the latest overdue.
      const order = found ? compareDates(r.sendOn, found.sendOn) : 1
      if (order > 0 || (order === 0 && found && (kind === 'before' ? r.days < found.days : r.days > found.days))) found = r
    }
    return found
  }
  const out: PlannedReminder[] = []
  const before = latest('before')
  if (before && compareDates(today, o.date) <= 0) out.push(before)
  const overdue = latest('overdue')
  if (overdue) out.push(overdue)
  const escalation = latest('escalation')
  if (escalation) out.push(escalation)
  return out
}

export interface DigestSlot { key: string; weekOf: CalendarDate; sendOn: CalendarDate }

/** A digest missed on its day (the dispatcher was down) still goes out this many days later, not at the end of the week. */
export const DIGEST_CATCH_UP_DAYS = 2

/**
 * The weekly digest of the week containing `today`: it goes out on the first working day on or
 * after the chosen weekday (1 = Monday … 7 = Sunday), or up to two days later if missed.
 */
export function weeklyDigestDue (today: CalendarDate, digestWeekday: number): DigestSlot | null {
  const weekOf = addDays(today, -((weekday(today) - digestWeekday + 7) % 7))
  const sendOn = workingDayOnOrAfter(weekOf)
  if (compareDates(today, sendOn) < 0 || daysBetween(sendOn, today) > DIGEST_CATCH_UP_DAYS) return null
  return { key: `digest@${weekOf}`, weekOf, sendOn }
}

/**
 * The reminder day an instant belongs to: the local date from `sendHour` on, the previous day
 * before it, so that nobody gets reminders at midnight.
 */
export function reminderDay (now: Date | number, zone: string, sendHour: number): CalendarDate {
  const hour = Number(instantToLocal(now, zone).slice(11, 13))
  const date = localDateOf(now, zone)
  return hour >= sendHour ? date : addDays(date, -1)
}
