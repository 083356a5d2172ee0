// Builds an iCalendar feed from expanded occurrences. Deterministic: the same data gives the same bytes.
import ical, { ICalCalendarMethod, ICalEventStatus, ICalAlarmType } from 'ical-generator'
import { getVtimezoneComponent } from '@touch4it/ical-timezones'
import { TZDate } from '@date-fns/tz'
import { addDays } from '../domain/calendar-date.js'
import { KIND_LABELS, numericDate, statusWord } from '../presenters/vocabulary.js'

export const FEED_ZONE = 'Europe/Oslo'

export interface FeedEvent {
  id: string
  title: string
  kind: 'deadline' | 'meeting' | 'report' | 'plan'
  eventType: string
  allDay: boolean
  date: string
  localStart: string | null
  durationMinutes: number
  status: string
  revision: number
  modified: number
  subjectName: string
  responsibleBody: string | null
  treatedBy: string | null
  treatingMeetingDate: string | null
  legalBasis: Array<{ act: string; section: string; url?: string }>
  caseNumber: string | null
  caseUrl: string | null
  url: string
  reminderOffsetsDays: number[]
  /** When it was cancelled: cancelled items stay 30 days, then leave the feed. */
  cancelledAt: number | null
}

export interface FeedInput {
  name: string
  description: string
  uidHost: string
  events: readonly FeedEvent[]
  alarms: boolean
  refreshSeconds: number
}

function zoned (local: string): TZDate {
  const [y, mo, d, h = 0, mi = 0] = local.split(/[-T:]/).map(Number)
  return new TZDate(y!, mo! - 1, d!, h, mi, FEED_ZONE)
}

export function summaryOf (e: FeedEvent): string {
  const what = e.kind === 'meeting' ? `${KIND_LABELS.meeting}: ${e.responsibleBody ?? e.title}` : `${KIND_LABELS[e.kind]}: ${e.title} – ${e.subjectName}`
  return e.status === 'cancelled' ? `${statusWord('cancelled').toUpperCase()}: ${what}` : what
}

/** Clients do not show URL, so the link is the description's first line (calendar-feed pitfall 15). */
export function descriptionOf (e: FeedEvent): string {
  const lines = [e.url]
  if (e.responsibleBody) lines.push(`Ansvarlig: ${e.responsibleBody}`)
  if (e.treatedBy) lines.push(`Behandles i: ${e.treatedBy}${e.treatingMeetingDate ? `, møte ${numericDate(e.treatingMeetingDate)}` : ''}`)
  if (e.legalBasis.length) lines.push(`Lovgrunnlag: ${e.legalBasis.map(l => `${l.act} ${l.section}`).join('; ')}`)
  lines.push(`Status: ${statusWord(e.status)}`)
  if (e.caseNumber || e.caseUrl) lines.push(`Sak: ${[e.caseNumber, e.caseUrl].filter(Boolean).join(' ')}`)
  return lines.join('\n')
}

export function buildFeed (input: FeedInput): string {
  const cal = ical({
    name: input.name,
    description: input.description,
    prodId: { company: 'Årshjul', product: 'arshjul', language: 'NB' },
    method: ICalCalendarMethod.PUBLISH,
    ttl: input.refreshSeconds,
  })
  // No calendar-level zone name: ical-generator would then print DTSTAMP/LAST-MODIFIED as local time
  // without 'Z', which RFC 5545 forbids. The VTIMEZONE comes from the events' own TZID.
  cal.timezone({ name: null, generator: getVtimezoneComponent })
  cal.x([['X-WR-TIMEZONE', FEED_ZONE]])
  for (const e of input.events) {
    const stamp = new Date(e.modified)
    // Always TZDate in the Oslo zone, for all-day dates too, so the host's own zone never leaks in (STYLE trap 2).
    const start = e.allDay ? zoned(e.date) : zoned(e.localStart!)
    const end = e.allDay ? zoned(addDays(e.date, 1)) : new TZDate(start.getTime() + e.durationMinutes * 60_000, FEED_ZONE)
    const event = cal.createEvent({
      id: `${e.id}@${input.uidHost}`,
      sequence: e.revision,
      start,
      end,
      allDay: e.allDay,
      timezone: FEED_ZONE,
      summary: summaryOf(e),
      description: descriptionOf(e),
      url: e.url,
      categories: [{ name: e.eventType }],
      lastModified: stamp,
      stamp,
      status: e.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    })
    if (input.alarms && e.status !== 'cancelled') {
      for (const days of e.reminderOffsetsDays) {
        event.createAlarm({ type: ICalAlarmType.display, trigger: days * 86_400, description: summaryOf(e) })
      }
    }
  }
  return cal.toString()
}
