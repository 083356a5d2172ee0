// The one-off deadline for converting an interkommunalt styre under the 1992 act's § 27.
//
// Koml. 2018 § 31-2 (1): a § 27 styre "må være omdannet til et interkommunalt politisk råd etter § 18-1
// eller et kommunalt oppgavefellesskap etter § 19-1 senest fire år etter at henholdsvis kapittel 18 og 19
// … trer i kraft". FOR-2018-12-20-2062 put chapters 18 and 19 in force for each municipality at its
// konstituerende møte after the 2019 election, so the deadline is that municipality's K_2019 + 4 years;
// K_2019 was due by 31 October 2019 (koml. § 7-1), so 31 October 2023 is the latest, and the default
// when the municipality's constitution date is not recorded (governance-obligations §8, S2, S15).

import { type CalendarDate, addYears } from './calendar-date.js'
import type { ConstitutionDates } from './valgperiode.js'

/** The election after which chapters 18 and 19 came into force (at each konstituerende møte). */
export const PARAGRAF27_ELECTION_YEAR = 2019

/** Years allowed for the conversion (koml. § 31-2 (1)). */
export const PARAGRAF27_CONVERSION_YEARS = 4

/** The deadline when K_2019 is unknown: the latest lawful K_2019 (31 Oct 2019) + 4 years. */
export const PARAGRAF27_DEFAULT_DUE: CalendarDate = '2023-10-31'

export interface Paragraf27Due {
  /** YYYY-MM-DD: the last day the conversion may be decided. */
  date: CalendarDate
  /** True when computed from the municipality's recorded K_2019; false for the 31 Oct 2023 default. */
  fromConstitutionDate: boolean
}

/**
 * The § 27 conversion deadline for one municipality: its recorded 2019 constitution date + 4 years
 * (same day and month; 29 February cannot occur, K_2019 lies in the autumn), else 31 Oct 2023.
 * `constitutionDates` are the municipality's actual K_E by election year (the `constitution` table);
 * only 2019 is read. Throws RangeError (from the date arithmetic) on a malformed date.
 */
export function paragraf27ConversionDue (constitutionDates: ConstitutionDates = {}): Paragraf27Due {
  const k2019 = constitutionDates[PARAGRAF27_ELECTION_YEAR]
  if (k2019 === undefined) return { date: PARAGRAF27_DEFAULT_DUE, fromConstitutionDate: false }
  return { date: addYears(k2019, PARAGRAF27_CONVERSION_YEARS), fromConstitutionDate: true }
}
