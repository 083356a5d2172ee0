// The municipal election cycle. A valgperiode runs from the new kommunestyre's konstituerende møte
// (K_E) to the day before K_{E+4} (governance-obligations §2).

import {
  type CalendarDate, addDays, compareDates, dateFromParts, isValidDate, weekday, yearOf,
} from './calendar-date.js'
import { PARAGRAF27_ELECTION_YEAR, paragraf27ConversionDue } from './paragraf27.js'

export interface ElectionDay {
  date: CalendarDate
  /** True when the date was set by royal decree; false for the heuristic estimate. */
  decreed: boolean
}

export interface Valgperiode {
  electionYear: number
  electionDay: CalendarDate
  decreed: boolean
  /** Koml. § 7-1: the konstituerende møte must be held by the end of October in the election year. */
  constitutionDeadline: CalendarDate
  /** K_E: the actual constitution date when known, else the deadline. */
  start: CalendarDate
  /** Whether `start` is a known constitution date rather than the deadline. */
  startIsActual: boolean
  /** The day before the next period's start. */
  end: CalendarDate
  /** '2023–2027' (en dash). */
  label: string
}

/** Actual constitution dates (K_E), keyed by election year. */
export type ConstitutionDates = Readonly<Record<number, CalendarDate>>

export const VALGPERIODE_ANCHORS = [
  'election_day',
  'constitution_deadline',
  'end_of_election_year',
  'end_of_year_after_constitution',
  'end_of_period',
  // One-off: the § 27 conversion deadline, K_2019 + 4 years (koml. § 31-2; see paragraf27.ts).
  'paragraf27_conversion',
] as const
export type ValgperiodeAnchor = typeof VALGPERIODE_ANCHORS[number]

/**
 * Whether an anchor has a due date in the valgperiode after `electionYear`. Every anchor recurs each
 * period except 'paragraf27_conversion', which belongs to the 2019 period only.
 */
export function valgperiodeAnchorApplies (anchor: ValgperiodeAnchor, electionYear: number): boolean {
  return anchor !== 'paragraf27_conversion' || electionYear === PARAGRAF27_ELECTION_YEAR
}

/** The first election year modelled; municipal elections are held every fourth year from here. */
export const FIRST_ELECTION_YEAR = 1991

// Valgloven § 9-2: the Crown decrees the date (a Monday). Sources: governance-obligations S10.
const DECREED_ELECTION_DAYS: Readonly<Record<number, CalendarDate>> = {
  2015: '2015-09-14',
  2019: '2019-09-09',
  2023: '2023-09-11',
}

export function isElectionYear (year: number): boolean {
  return Number.isInteger(year) && year >= FIRST_ELECTION_YEAR && year <= 9991 && year % 4 === 3
}

/**
 * The decreed election day when we have it; otherwise the Monday in 8–14 September (the Monday of
 * the second full week), a placeholder that matches 2015, 2019 and 2023.
 */
export function electionDay (year: number): ElectionDay {
  assertElectionYear(year)
  const decreed = DECREED_ELECTION_DAYS[year]
  if (decreed !== undefined) return { date: decreed, decreed: true }
  const eighth = dateFromParts(year, 9, 8)
  return { date: addDays(eighth, (8 - weekday(eighth)) % 7), decreed: false }
}

export function constitutionDeadline (electionYear: number): CalendarDate {
  assertElectionYear(electionYear)
  return dateFromParts(electionYear, 10, 31)
}

/**
 * The valgperiode after the election in `electionYear`. `constitution` is either this period's
 * actual K_E or a map of K_E by election year (which also fixes where the period ends).
 */
export function valgperiode (
  electionYear: number,
  constitution: CalendarDate | ConstitutionDates = {}
): Valgperiode {
  const dates: ConstitutionDates = typeof constitution === 'string'
    ? { [electionYear]: constitution }
    : constitution
  const { date: day, decreed } = electionDay(electionYear)
  const start = periodStart(electionYear, dates)
  const next = periodStart(electionYear + 4, dates)
  return {
    electionYear,
    electionDay: day,
    decreed,
    constitutionDeadline: constitutionDeadline(electionYear),
    start,
    startIsActual: dates[electionYear] !== undefined,
    end: addDays(next, -1),
    label: `${electionYear}–${electionYear + 4}`,
  }
}

/** The valgperiode that contains `date`. */
export function valgperiodeContaining (date: CalendarDate, constitutionDates: ConstitutionDates = {}): Valgperiode {
  assertDate(date)
  const year = yearOf(date)
  let e = year - ((year - 3) % 4 + 4) % 4 // the last election year ≤ year
  if (e >= FIRST_ELECTION_YEAR && compareDates(date, periodStart(e, constitutionDates)) < 0) e -= 4
  if (e < FIRST_ELECTION_YEAR) {
    throw new RangeError(`${date} is before the first modelled valgperiode (${FIRST_ELECTION_YEAR})`)
  }
  return valgperiode(e, constitutionDates)
}

/** Every valgperiode that shares at least one day with [from, to], in order. */
export function valgperioderOverlapping (
  from: CalendarDate,
  to: CalendarDate,
  constitutionDates: ConstitutionDates = {}
): Valgperiode[] {
  assertDate(from)
  assertDate(to)
  if (compareDates(from, to) > 0) return []
  const first = valgperiodeContaining(from, constitutionDates)
  const out = [first]
  for (let p = first; compareDates(p.end, to) < 0;) {
    p = valgperiode(p.electionYear + 4, constitutionDates)
    out.push(p)
  }
  return out
}

/**
 * The calendar date an anchor denotes within a period. Throws RangeError for an anchor that has no
 * date in this period (see `valgperiodeAnchorApplies`).
 */
export function valgperiodeDueDate (anchor: ValgperiodeAnchor, period: Valgperiode): CalendarDate {
  const e = period.electionYear
  switch (anchor) {
    case 'election_day': return period.electionDay
    // Koml. § 7-1: konstituerende møte by the end of October in the election year.
    case 'constitution_deadline': return period.constitutionDeadline
    // Koml. § 7-1 (5): organs not re-elected at K_E sit until the first new year of the period at most.
    case 'end_of_election_year': return dateFromParts(e, 12, 31)
    // Koml. §§ 23-3, 23-4: plans for forvaltningsrevisjon and eierskapskontroll "senest innen utgangen
    // av året etter at kommunestyret er konstituert". K_E always falls in year E, so 31 Dec E+1.
    case 'end_of_year_after_constitution': return dateFromParts(e + 1, 12, 31)
    // "Minst én gang i valgperioden" (eierskapsmelding, koml. § 26-1): the last day of the period.
    case 'end_of_period': return period.end
    // Koml. § 31-2 (1): § 27 styrer converted within four years of chapters 18/19 coming into force at K_2019.
    case 'paragraf27_conversion':
      if (!valgperiodeAnchorApplies(anchor, e)) throw new RangeError(`${anchor} has a due date only in the ${PARAGRAF27_ELECTION_YEAR} valgperiode, not ${period.label}`)
      return paragraf27ConversionDue(period.startIsActual ? { [e]: period.start } : {}).date
  }
}

function periodStart (electionYear: number, dates: ConstitutionDates): CalendarDate {
  const actual = dates[electionYear]
  if (actual === undefined) return constitutionDeadline(electionYear)
  assertDate(actual)
  const { date: day } = electionDay(electionYear)
  // Koml. § 7-1 requires K_E by 31 October. A later date within the election year is accepted so an
  // irregular real-world constitution can still be recorded; every anchor assumes K_E lies in year E.
  if (compareDates(actual, day) <= 0 || yearOf(actual) !== electionYear) {
    throw new RangeError(
      `Constitution date ${actual} for ${electionYear} must fall after election day ${day} and within ${electionYear}`
    )
  }
  return actual
}

function assertElectionYear (year: number): void {
  if (!isElectionYear(year)) {
    throw new RangeError(`${year} is not a municipal election year (every fourth year from ${FIRST_ELECTION_YEAR})`)
  }
}

function assertDate (date: CalendarDate): void {
  if (!isValidDate(date)) throw new RangeError(`Invalid calendar date: ${JSON.stringify(date)}`)
}
