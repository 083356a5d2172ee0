// A representantskap or generalforsamling of a jointly owned company is prepared by each owner:
// its formannskap (or kommunestyre) treats the case before the meeting (KS-organisasjonen's
// recommendations 6 and 8; governance-obligations §3a). Pure: derives one deadline per owner meeting.
import { addDays, type CalendarDate } from './calendar-date.js'
import type { OccurrenceStatus } from './vocabulary.js'

export interface OwnerMeeting { id: string; date: CalendarDate; status: OccurrenceStatus; bodyName: string; subjectName: string; modified: number }

export interface OwnerPreparation {
  id: string
  meetingId: string
  date: CalendarDate
  title: string
  status: OccurrenceStatus
  modified: number
}

/** The owner's preparation deadline is the day before the meeting; a cancelled meeting cancels it. */
export function ownerPreparations (meetings: readonly OwnerMeeting[], ownerSlug: string): OwnerPreparation[] {
  return meetings.map(m => ({
    id: `${m.id}-eier-${ownerSlug}`,
    meetingId: m.id,
    date: addDays(m.date, -1),
    title: `Eierbehandling før møte i ${m.bodyName}`,
    status: m.status === 'cancelled' ? 'cancelled' : 'planned',
    modified: m.modified,
  }))
}
