// One occurrence as an iCalendar file for an e-mail attachment. Same UID and SEQUENCE as in the
// feeds (`<occurrence id>@<host>`), so importing it updates the event a feed subscriber already has.
// Like the feeds, it has no METHOD (and so its Content-Type no `method=`): it is a copy of an event to
// save, not an iTIP invitation (README "Feeds and METHOD").
import ical, { ICalEventStatus } from 'ical-generator'
import { getVtimezoneComponent } from '@touch4it/ical-timezones'
import { TZDate } from '@date-fns/tz'
import { addDays } from '../domain/calendar-date.js'
import { withFinalCrlf } from '../calendar/ical.js'
import type { OccurrenceSnapshot } from './payload.js'

const ZONE = 'Europe/Oslo'

function zoned (local: string): TZDate {
  const [y, mo, d, h = 0, mi = 0] = local.split(/[-T:]/).map(Number)
  return new TZDate(y!, mo! - 1, d!, h, mi, ZONE)
}

/** The attachment's Content-Type: no `method=`, since the object has no METHOD (RFC 5545 §3.7.2, RFC 6047 §2.4). */
export const ICS_CONTENT_TYPE = 'text/calendar; charset=utf-8'

/** One VCALENDAR with one VEVENT, CRLF after every line, the last too (RFC 5545 §3.1). */
export function occurrenceIcs (o: OccurrenceSnapshot, uidHost: string, summary: string): string {
  const cal = ical({ prodId: { company: 'Årshjul', product: 'arshjul', language: 'NB' } })
  // A deadline is a date: DTSTART;VALUE=DATE, never an instant (STYLE trap 2). A meeting is Oslo wall time with VTIMEZONE.
  if (!o.allDay) cal.timezone({ name: ZONE, generator: getVtimezoneComponent })
  const start = o.allDay ? zoned(o.date) : new TZDate(Date.parse(o.start!), ZONE)
  const end = o.allDay ? zoned(addDays(o.date, 1)) : new TZDate(Date.parse(o.end!), ZONE)
  const stamp = new Date(o.modified)
  cal.createEvent({
    id: `${o.id}@${uidHost}`,
    sequence: o.revision,
    start,
    end,
    allDay: o.allDay,
    timezone: ZONE,
    summary,
    description: [o.url, o.legalBasis.length ? `Lovgrunnlag: ${o.legalBasis.map(l => `${l.act} ${l.section}`).join('; ')}` : ''].filter(Boolean).join('\n'),
    url: o.url,
    categories: [{ name: o.eventType }],
    stamp,
    lastModified: stamp,
    status: o.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  })
  return withFinalCrlf(cal.toString())
}
