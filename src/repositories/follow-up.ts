import { classifyFollowUp, FOLLOW_UP_DAYS, followUpWindow } from '../domain/follow-up.js'
import type { CalendarDate } from '../domain/calendar-date.js'
import type { OccurrencesRepository } from './occurrences.js'

export interface FollowUpSubject { municipality?: number; body?: number; collaboration?: number }

/** The follow-up report (overdue and upcoming deliverables) for a municipality's, body's or collaboration's calendar. */
export function createFollowUpRepository (occurrences: OccurrencesRepository) {
  return {
    report (subject: FollowUpSubject, asOf: CalendarDate, days: number = FOLLOW_UP_DAYS) {
      const items = occurrences.query({ ...subject, ...followUpWindow(asOf, days), asOf })
      return { asOf, days, ...classifyFollowUp(items, asOf, days) }
    },
  }
}
export type FollowUpRepository = ReturnType<typeof createFollowUpRepository>
export type FollowUpItem = ReturnType<FollowUpRepository['report']>['overdue'][number]
