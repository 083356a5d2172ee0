// Gathers what one feed shows: a body's, a municipality's or a collaboration's occurrences in a window,
// with owners' preparation deadlines and the 30-day grace for cancelled items.
import type { Repositories } from '../repositories/index.js'
import { addMonths } from '../domain/calendar-date.js'
import { ownerPreparations } from '../domain/owner-preparation.js'
import { occurrenceUrl } from '../presenters/urls.js'
import type { FeedEvent } from './ical.js'

export type FeedScope =
  | { type: 'body'; id: number; municipalityId: number | null; kind: string }
  | { type: 'municipality'; id: number; slug: string }
  | { type: 'collaboration'; id: number }

export interface FeedQuery {
  from: string; to: string; today: string; now: number
  eventTypes?: string[]
  hideCancelled: boolean
  baseUrl: string
}

const CANCELLED_GRACE_MS = 30 * 86_400_000
const OWNER_MEETING_KINDS = new Set(['representantskap', 'generalforsamling'])

type Occurrence = ReturnType<Repositories['occurrences']['query']>[number]

export function feedEvents (repos: Repositories, scope: FeedScope, q: FeedQuery): FeedEvent[] {
  const base = { from: q.from, to: q.to, asOf: q.today, eventTypes: q.eventTypes }
  const occurrences = repos.occurrences.query({
    ...base,
    ...(scope.type === 'body' ? { body: scope.id } : scope.type === 'municipality' ? { municipality: scope.id } : { collaboration: scope.id }),
  })
  // Private bodies' items appear only in their own (secret) feed.
  const privateIds = scope.type === 'body' ? new Set<number>() : repos.bodies.privateIds()
  const visible = occurrences.filter(o => o.responsibleBody === null || !privateIds.has(o.responsibleBody.id))
  const events = visible.map(o => toFeedEvent(o, q.baseUrl))

  // Each owner prepares the meetings of its jointly owned companies: in its municipality feed and its formannskap's.
  const ownerId = scope.type === 'municipality' ? scope.id : scope.type === 'body' && scope.kind === 'formannskap' ? scope.municipalityId : null
  if (ownerId !== null && (!q.eventTypes || q.eventTypes.includes('mote'))) {
    const owner = repos.municipalities.get(ownerId)
    const meetings = (scope.type === 'municipality' ? occurrences : repos.occurrences.query({ ...base, municipality: ownerId, eventTypes: ['mote'] }))
      .filter(o => o.eventType === 'mote' && o.subject.type === 'collaboration' && o.responsibleBody && OWNER_MEETING_KINDS.has(o.responsibleBody.kind) && !privateIds.has(o.responsibleBody.id))
    const formannskap = repos.bodies.list({ municipality: owner.slug, kind: 'formannskap', limit: 1, offset: 0 }).items[0]
    for (const p of ownerPreparations(meetings.map(m => ({ id: m.id, date: m.date, status: m.status, bodyName: m.responsibleBody!.name, subjectName: m.subject.name, modified: m.modified })), owner.slug)) {
      if (p.date < q.from || p.date > q.to) continue
      const meeting = meetings.find(m => m.id === p.meetingId)!
      events.push({
        id: p.id, title: p.title, kind: 'deadline', eventType: 'eierbehandling', allDay: true, date: p.date, localStart: null,
        durationMinutes: 0, status: p.status, revision: meeting.revision, modified: p.modified, subjectName: meeting.subject.name,
        responsibleBody: formannskap?.name ?? null, treatedBy: formannskap?.name ?? null, treatingMeetingDate: null,
        legalBasis: [{ act: 'KS-organisasjonens anbefalinger om eierstyring', section: 'nr. 6 og 8' }],
        caseNumber: null, caseUrl: null, url: occurrenceUrl(q.baseUrl, meeting.id), reminderOffsetsDays: [14, 3],
        cancelledAt: meeting.cancelledAt,
      })
    }
  }

  return events
    .filter(e => {
      if (e.status !== 'cancelled') return true
      if (q.hideCancelled) return false
      return e.cancelledAt === null || q.now - e.cancelledAt <= CANCELLED_GRACE_MS
    })
    .sort((a, b) => (a.date + (a.localStart ?? '')).localeCompare(b.date + (b.localStart ?? '')) || a.id.localeCompare(b.id))
}

function toFeedEvent (o: Occurrence, baseUrl: string): FeedEvent {
  return {
    id: o.id, title: o.title, kind: o.kind, eventType: o.eventType, allDay: o.allDay, date: o.date, localStart: o.localStart,
    durationMinutes: o.start && o.end ? Math.round((o.end.getTime() - o.start.getTime()) / 60_000) : 0,
    status: o.status, revision: o.revision, modified: o.modified, subjectName: o.subject.name,
    responsibleBody: o.responsibleBody?.name ?? null, treatedBy: o.treatedBy?.name ?? null,
    treatingMeetingDate: o.treatingMeeting?.date ?? null, legalBasis: o.legalBasis, caseNumber: o.caseNumber, caseUrl: o.caseUrl,
    url: occurrenceUrl(baseUrl, o.id), reminderOffsetsDays: o.reminderOffsetsDays, cancelledAt: o.cancelledAt,
  }
}

/** The default: 12 months back to 36 months ahead. */
export function defaultWindow (today: string): { from: string; to: string } {
  return { from: addMonths(today, -12), to: addMonths(today, 36) }
}
