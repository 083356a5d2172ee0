// Turns what a feed holds (services/feeds.ts) into the iCal presenter's events: the occurrences and the
// owners' preparation deadlines, without cancelled items older than 30 days, sorted by time.
import { occurrenceUrl } from '../presenters/urls.js'
import type { FeedContent, OwnerPreparationItem } from '../services/feeds.js'
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
  return [...content.occurrences.map(o => occurrenceEvent(o, p.baseUrl)), ...content.preparations.map(x => preparationEvent(x, p.baseUrl))]
    .filter(e => {
      if (e.status !== 'cancelled') return true
      if (p.hideCancelled) return false
      return e.cancelledAt === null || p.now - e.cancelledAt <= CANCELLED_GRACE_MS
    })
    .sort((a, b) => (a.date + (a.localStart ?? '')).localeCompare(b.date + (b.localStart ?? '')) || a.id.localeCompare(b.id))
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
    url: occurrenceUrl(baseUrl, o.id),
    reminderOffsetsDays: o.reminderOffsetsDays,
    cancelledAt: o.cancelledAt,
  }
}

function preparationEvent (p: OwnerPreparationItem, baseUrl: string): FeedEvent {
  const meeting = p.meeting
  return {
    id: p.id,
    title: p.title,
    kind: 'deadline',
    eventType: 'eierbehandling',
    allDay: true,
    date: p.date,
    localStart: null,
    durationMinutes: 0,
    status: p.status,
    revision: meeting.revision,
    modified: p.modified,
    subjectName: meeting.subject.name,
    responsibleBody: p.preparedBy,
    treatedBy: p.preparedBy,
    treatingMeetingDate: null,
    legalBasis: [{ act: 'KS-organisasjonens anbefalinger om eierstyring', section: 'nr. 6 og 8' }],
    caseNumber: null,
    caseUrl: null,
    url: occurrenceUrl(baseUrl, meeting.id),
    reminderOffsetsDays: [14, 3],
    cancelledAt: meeting.cancelledAt,
  }
}
