// From rules to dated occurrences: expansion, stored per-occurrence state, lateness and where a case is treated.
// Pure: the caller supplies rules, state and "as of" dates; nothing here reads the clock or the database.
import { type CalendarDate, addDays, addMonths, addYears, compareDates, daysBetween, isValidDate } from './calendar-date.js'
import { type LocalDateTime, isValidLocalDateTime, localToEpochMs } from './local-time.js'
import { expandKeys, type ExpansionWindow } from './recurrence.js'
import { type ConstitutionDates, type ValgperiodeAnchor, valgperiode, valgperiodeAnchorApplies, valgperiodeDueDate, isElectionYear } from './valgperiode.js'
import { dayFlags, meetingDayAvoidingHoliday } from './holidays.js'
import type { EventKind, OccurrenceStatus } from './vocabulary.js'
import { ownerPreparationKey, parseOwnerPreparationKey } from './owner-preparation.js'

export interface ExpandableRule {
  id: number
  scheduleType: 'rrule' | 'valgperiode' | 'dates'
  allDay: boolean
  dtstart: string | null
  rrule: string | null
  rdates: readonly string[]
  exdates: readonly string[]
  anchor: ValgperiodeAnchor | null
  timeZone: string
  durationMinutes: number | null
  /** How the rule came about: a default møteplan's ('moteplan_default') meetings avoid public holidays. */
  origin?: string
}

/** The origin of a default (not adopted) møteplan's rules: their meetings are placeholders ("foreløpig"). */
export const TENTATIVE_ORIGIN = 'moteplan_default'

/** Whether occurrences of a rule with this origin are placeholders (issue 12: "foreløpig", STATUS:TENTATIVE). */
export const isTentativeOrigin = (origin: string): boolean => origin === TENTATIVE_ORIGIN

/**
 * The key a default plan's occurrence lands on before any user move: a meeting on a public holiday
 * moves to the previous working day at the same local time (the key, and so the id and UID, stay the
 * nominal date). Other rules' keys are their dates.
 */
export function scheduledKey (rule: Pick<ExpandableRule, 'origin' | 'allDay'>, key: string): string {
  if (rule.origin === undefined || !isTentativeOrigin(rule.origin)) return key
  const day = meetingDayAvoidingHoliday(key.slice(0, 10))
  return day === key.slice(0, 10) ? key : day + key.slice(10)
}

export interface StoredState {
  originalKey: string
  status: OccurrenceStatus
  movedTo: string | null
  revision: number
}

export interface ExpandedOccurrence {
  id: string
  ruleId: number
  /** The RECURRENCE-ID: the original local date (all-day) or local start. */
  originalKey: string
  allDay: boolean
  /** The effective local date (after a move). */
  date: CalendarDate
  localStart: LocalDateTime | null
  start: Date | null
  end: Date | null
  moved: boolean
  status: OccurrenceStatus
  revision: number
}

/** A move may shift an occurrence at most this far, so that expanding a padded window finds it. */
export const MAX_MOVE_DAYS = 366

/** Stable across edits: the rule and the original date, never an index (calendar-feed pitfall 1). */
export function occurrenceId (ruleId: number, originalKey: string): string {
  const prep = parseOwnerPreparationKey(originalKey)
  if (prep) return `${occurrenceId(ruleId, prep.meetingKey)}-eier-${prep.ownerSlug}`
  return `${ruleId}-${originalKey.replace(/[-:]/g, '')}`
}

/** The pattern of an occurrence id: '12-20270630', '12-20270114T1800', or an owner's preparation '12-20270114T1800-eier-lillehammer'. */
export const OCCURRENCE_ID_PATTERN = '^\\d+-\\d{8}(T\\d{4})?(-eier-[a-z0-9]+(-[a-z0-9]+)*)?$'

export function parseOccurrenceId (id: string): { ruleId: number; originalKey: string } | null {
  const m = /^(\d+)-(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2}))?(?:-eier-([a-z0-9]+(?:-[a-z0-9]+)*))?$/.exec(id)
  if (!m) return null
  const date = `${m[2]}-${m[3]}-${m[4]}`
  const key = m[5] ? `${date}T${m[5]}:${m[6]}` : date
  // '12-20271340' has the shape of an id but names no day; expanding over it would throw.
  if (!(m[5] ? isValidLocalDateTime(key) : isValidDate(key))) return null
  return { ruleId: Number(m[1]), originalKey: m[7] ? ownerPreparationKey(key, m[7]) : key }
}

/** The original occurrences of a rule whose local date falls in the window (inclusive, any length), in date order. */
export function expandRule (rule: ExpandableRule, window: ExpansionWindow, constitutionDates: ConstitutionDates = {}): Array<{ key: string; date: CalendarDate }> {
  if (rule.scheduleType === 'valgperiode') {
    if (!rule.anchor) return []
    const out: Array<{ key: string; date: CalendarDate }> = []
    const firstYear = Number(window.from.slice(0, 4)) - 5
    const lastYear = Number(window.to.slice(0, 4)) + 1
    for (let e = firstYear; e <= lastYear; e++) {
      if (!isElectionYear(e) || !valgperiodeAnchorApplies(rule.anchor, e)) continue
      const due = valgperiodeDueDate(rule.anchor, valgperiode(e, constitutionDates))
      if (due >= window.from && due <= window.to) out.push({ key: due, date: due })
    }
    return out.sort((a, b) => compareDates(a.date, b.date))
  }
  if (!rule.dtstart) return []
  // The recurrence engine takes at most ten years at once: a longer (padded) window goes in parts of five.
  const out: Array<{ key: string; date: CalendarDate }> = []
  for (let from = window.from; compareDates(from, window.to) <= 0; from = addYears(from, PART_YEARS)) {
    const end = addDays(addYears(from, PART_YEARS), -1)
    const part = { from, to: compareDates(end, window.to) < 0 ? end : window.to }
    for (const key of expandKeys({ dtstart: rule.dtstart, rrule: rule.rrule, rdates: rule.rdates, exdates: rule.exdates }, part)) out.push({ key, date: key.slice(0, 10) })
  }
  return out
}

const PART_YEARS = 5

/** Checks a move target against the occurrence's shape: a date for all-day, a local time for timed. */
export function validMoveTarget (allDay: boolean, originalKey: string, target: string): string | null {
  if (allDay ? !isValidDate(target) : !isValidLocalDateTime(target)) {
    return allDay ? 'must be a date YYYY-MM-DD (the occurrence is all-day)' : 'must be a local date-time YYYY-MM-DDTHH:mm (the occurrence is a meeting)'
  }
  if (Math.abs(daysBetween(originalKey.slice(0, 10), target.slice(0, 10))) > MAX_MOVE_DAYS) {
    return `may move an occurrence at most ${MAX_MOVE_DAYS} days`
  }
  return null
}

/** Expands rules over a window and merges stored state; moved occurrences land where they were moved to. */
export function buildOccurrences (
  rules: readonly ExpandableRule[],
  /** Stored states by occurrence id (a Map, or any lookup). */
  states: { get (id: string): StoredState | undefined },
  window: ExpansionWindow,
  constitutionDates: ConstitutionDates = {}
): ExpandedOccurrence[] {
  // Pad the window so occurrences moved into it from outside are found too.
  const padded = { from: addDays(window.from, -MAX_MOVE_DAYS), to: addDays(window.to, MAX_MOVE_DAYS) }
  const out: ExpandedOccurrence[] = []
  for (const rule of rules) {
    for (const base of expandRule(rule, padded, constitutionDates)) {
      const id = occurrenceId(rule.id, base.key)
      const state = states.get(id)
      const effectiveKey = state?.movedTo ?? scheduledKey(rule, base.key)
      const date = effectiveKey.slice(0, 10)
      if (date < window.from || date > window.to) continue
      const localStart = rule.allDay ? null : effectiveKey
      const start = localStart ? new Date(localToEpochMs(localStart, rule.timeZone)) : null
      const end = start ? new Date(start.getTime() + (rule.durationMinutes ?? 120) * 60_000) : null
      out.push({
        id,
        ruleId: rule.id,
        originalKey: base.key,
        allDay: rule.allDay,
        date,
        localStart,
        start,
        end,
        // Moved by a user, or (a default plan) off a public holiday: the date is not the key's.
        moved: effectiveKey !== base.key,
        status: state?.status ?? 'planned',
        revision: state?.revision ?? 0,
      })
    }
  }
  return out.sort(compareOccurrences)
}

export function compareOccurrences (a: ExpandedOccurrence, b: ExpandedOccurrence): number {
  return compareDates(a.date, b.date) || compareText(a.localStart ?? '', b.localStart ?? '') || compareText(a.id, b.id)
}

/** Code-unit order, as SQL's BINARY collation sorts: the index and the engine sort alike (localeCompare would not). */
export function compareText (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

const DONE: readonly OccurrenceStatus[] = ['delivered', 'approved', 'cancelled']

/**
 * "Ikke registrert" (issue 12): due before its subject's tracking start (go-live) and never recorded
 * (still 'planned'). Nobody kept this calendar then, so it is history to show, not an alarm: never
 * overdue, never reminded. Anything recorded (in progress, delivered, approved, cancelled) shows as recorded.
 */
export function notRecorded (o: { date: CalendarDate; status: OccurrenceStatus; trackingFrom?: CalendarDate | null }): boolean {
  return o.trackingFrom != null && o.status === 'planned' && compareDates(o.date, o.trackingFrom) < 0
}

/**
 * Overdue is derived, never stored: a deadline, report or plan whose due date has passed as of
 * `asOf` (a local date) and that is not delivered, approved or cancelled, nor "ikke registrert"
 * (`notRecorded`). The due date is met if the act happens on that date (governance-obligations
 * §11.1), so lateness starts the day after.
 */
export function lateness (o: { date: CalendarDate; status: OccurrenceStatus; trackingFrom?: CalendarDate | null }, kind: EventKind, asOf: CalendarDate): { overdue: boolean; daysOverdue: number } {
  if (kind === 'meeting' || DONE.includes(o.status) || compareDates(asOf, o.date) <= 0 || notRecorded(o)) return { overdue: false, daysOverdue: 0 }
  return { overdue: true, daysOverdue: daysBetween(o.date, asOf) }
}

/** Days late when delivered or approved after the due date (history, kept after the fact). */
export function daysLate (dueDate: CalendarDate, doneOn: CalendarDate | null): number | null {
  if (!doneOn) return null
  const d = daysBetween(dueDate, doneOn)
  return d > 0 ? d : 0
}

export interface CalendarFlags { weekend: boolean; holiday: string | null; nonWorkingDay: boolean }

/** The legal date is shown unchanged; a weekend or public holiday is flagged (domain file §12). */
export function calendarFlags (date: CalendarDate): CalendarFlags {
  const f = dayFlags(date)
  return { weekend: f.weekend, holiday: f.holiday, nonWorkingDay: !f.workingDay }
}

export interface MeetingRef { id: string; date: CalendarDate; localStart: LocalDateTime | null }

/** The body's last meeting on or before the due date, at most six months earlier; null means a conflict to warn about. */
export function treatingMeeting (dueDate: CalendarDate, meetingsSorted: readonly MeetingRef[]): MeetingRef | null {
  if (!isValidDate(dueDate)) throw new RangeError(`Invalid calendar date: ${JSON.stringify(dueDate)}`)
  // The last meeting on or before the due date, by binary search: a body's meetings are sorted, and
  // building the index asks this for every deadline (valid YYYY-MM-DD dates compare as text).
  let lo = 0
  let hi = meetingsSorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (meetingsSorted[mid]!.date <= dueDate) lo = mid + 1
    else hi = mid
  }
  const found = lo > 0 ? meetingsSorted[lo - 1]! : null
  // A meeting more than six months before the deadline is not where this cycle's case is treated
  // (councils pause in summer, so three to four months is the longest ordinary gap).
  if (found && compareDates(found.date, addMonths(dueDate, -6)) < 0) return null
  return found
}
