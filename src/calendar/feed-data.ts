// Turns what a feed holds (services/feeds.ts) into the iCal presenter's events: the occurrences, without
// cancelled items older than 30 days, in the occurrence API's order.
import { occurrencePageUrl } from '../presenters/urls.js'
import type { FeedContent } from '../services/feeds.js'
import type { OccurrenceItem } from '../services/occurrences.js'
import type { FeedEvent } from './ical.js'

export interface FeedPresentation {
  baseUrl: string
  /** Epoch ms, for the 30-day grace of cancelled items. */
  now: number
  hideCancelled: boolean
}

const CANCELLED_GRACE_MS = 30 * 86_400_000

export function feedEvents (content: FeedContent, p: FeedPresentation): FeedEvent[] {
  return content.occurrences.map(o => occurrenceEvent(o, p.baseUrl))
    .filter(e => {
      if (e.status !== 'cancelled') return true
      if (p.hideCancelled) return false
      return e.cancelledAt === null || p.now - e.cancelledAt <= CANCELLED_GRACE_MS
    })
}

export function occurrenceEvent (o: OccurrenceItem, baseUrl: string): FeedEvent {
  return {
    id: o.id,
    title: o.title,
    kind: o.kind,
    eventType: o.eventType,
    allDay: o.allDay,
    date: o.date,
    localStart: o.localStart,
    durationMinutes: o.start && o.end ? Math.round((o.end.getTime() - o.start.getTime()) / 60_000) : 0,
    status: o.status,
    revision: o.revision,
    modified: o.modified,
    subjectName: o.subject.name,
    responsibleBody: o.responsibleBody?.name ?? null,
    treatedBy: o.treatedBy?.name ?? null,
    treatingMeetingDate: o.treatingMeeting?.date ?? null,
    legalBasis: o.legalBasis,
    caseNumber: o.caseNumber,
    caseUrl: o.caseUrl,
    url: occurrencePageUrl(baseUrl, o.id),
    reminderOffsetsDays: o.reminderOffsetsDays,
    cancelledAt: o.cancelledAt,
    tentative: o.tentative,
  }
}
