// Builds an iCalendar feed from expanded occurrences. Deterministic: the same data gives the same bytes.
import ical, { ICalEvent, ICalEventStatus, ICalAlarmType } from 'ical-generator'
import { getVtimezoneComponent } from '@touch4it/ical-timezones'
import { TZDate } from '@date-fns/tz'
import { addDays } from '../domain/calendar-date.js'
import { KIND_LABELS, daysLeft, numericDate, statusWord, withTentative } from '../presenters/vocabulary.js'

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
  /** A placeholder from a default (not adopted) møteplan: STATUS:TENTATIVE and "(foreløpig)" (issue 12). */
  tentative: boolean
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
  // A meeting is "Møte: <body>" and never worded as a deadline; a placeholder says so in words.
  const what = withTentative(e.kind === 'meeting' ? `${KIND_LABELS.meeting}: ${e.responsibleBody ?? e.title}` : `${KIND_LABELS[e.kind]}: ${e.title} – ${e.subjectName}`, e.tentative)
  return e.status === 'cancelled' ? `${statusWord('cancelled').toUpperCase()}: ${what}` : what
}

/** Clients do not show URL, so the link is the description's first line (calendar-feed pitfall 15). */
export function descriptionOf (e: FeedEvent): string {
  const lines = [e.url]
  if (e.responsibleBody) lines.push(`Ansvarlig: ${e.responsibleBody}`)
  if (e.treatedBy) lines.push(`Behandles i: ${e.treatedBy}${e.treatingMeetingDate ? `, møte ${numericDate(e.treatingMeetingDate)}` : ''}`)
  if (e.legalBasis.length) lines.push(`Lovgrunnlag: ${e.legalBasis.map(l => `${l.act} ${l.section}`).join('; ')}`)
  if (e.tentative) lines.push('Foreløpig: standard møteplan, ikke vedtatt. Tidspunktet kan endres når møteplanen er vedtatt.')
  lines.push(`Status: ${statusWord(e.status)}`)
  if (e.caseNumber || e.caseUrl) lines.push(`Sak: ${[e.caseNumber, e.caseUrl].filter(Boolean).join(' ')}`)
  return lines.join('\n')
}

/**
 * A display alarm's DESCRIPTION (required by RFC 5545 §3.6.6): short, "Frist om 14 dager", since
 * clients show the event's own SUMMARY with it. Repeating the summary in every alarm made the largest
 * seeded feed pass Google's 1 MB with alarms=1 (README "Feed size"). `daysBefore` as in
 * `reminderOffsetsDays`: days before the start (0 on the day; negative after it).
 */
export function alarmTextOf (e: Pick<FeedEvent, 'kind'>, daysBefore: number): string {
  return `${KIND_LABELS[e.kind]} ${daysBefore >= 0 ? daysLeft(daysBefore) : `for ${-daysBefore} dager siden`}`
}

/**
 * RFC 5545 §3.1 line folding: content lines of at most 75 octets of UTF-8, continued on lines that
 * start with one space, never splitting a character. ical-generator 10 (the last release for Node 20)
 * folds by encoding every character on its own, which took ~1 ms per event; this is the same rule in
 * one pass (ical-generator#765, fixed only in its Node 22+ releases).
 */
export function foldLines (text: string): string {
  let out = ''
  for (const line of text.split('\r\n')) {
    if (out) out += '\r\n'
    let octets = 0
    let start = 0
    for (let i = 0; i < line.length; i++) {
      const code = line.codePointAt(i)!
      const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4
      if (octets + size > 75) {
        out += line.slice(start, i) + '\r\n '
        start = i
        octets = 1
      }
      octets += size
      if (code >= 0x10000) i++
    }
    out += line.slice(start)
  }
  return out
}

/**
 * Builds feeds for the server: each event's text is kept (bounded) and reused while the event is
 * unchanged, and a large feed gives way to other requests every `sliceEvents` events, so building
 * one never holds up the rest (a conditional request or /health answers in between).
 */
export function createFeedBuilder (opts: { maxEvents?: number; sliceEvents?: number } = {}) {
  const maxEvents = opts.maxEvents ?? 50_000
  const slice = opts.sliceEvents ?? 100
  // The key is everything the text is made of, so an entry can never be stale, only unused.
  const texts = new Map<string, string>()
  return async function build (input: FeedInput): Promise<string> {
    const cal = calendarOf(input)
    const events: string[] = []
    for (let i = 0; i < input.events.length; i++) {
      const e = input.events[i]!
      const key = `${input.uidHost}|${input.alarms ? 1 : 0}|${JSON.stringify(e)}`
      let text = texts.get(key)
      if (text === undefined) {
        // Folded on its own: every event ends its last line, so folding the parts equals folding the whole.
        text = foldLines(veventText(e, input, cal))
        texts.set(key, text)
        if (texts.size > maxEvents) texts.delete(texts.keys().next().value!)
      }
      events.push(text)
      if (i % slice === slice - 1) await new Promise(resolve => setImmediate(resolve))
    }
    return assemble(cal, input, events)
  }
}

let vtimezone: string | undefined
/** The VTIMEZONE of Europe/Oslo, folded, ending with CRLF (computed once). */
function zoneComponent (): string {
  vtimezone ??= foldLines(withFinalCrlf((getVtimezoneComponent(FEED_ZONE) ?? '').replace(/\r?\n/g, '\r\n')))
  return vtimezone
}

/** One feed, every event built afresh. Deterministic: the same data gives the same bytes. */
export function buildFeed (input: FeedInput): string {
  const cal = calendarOf(input)
  return assemble(cal, input, input.events.map(e => foldLines(veventText(e, input, cal))))
}

/**
 * No METHOD: a feed is a snapshot, not an iTIP message (RFC 5545 §3.7.2: without METHOD "a scheduling
 * transaction MUST NOT be assumed"). METHOD:PUBLISH would require an ORGANIZER on every event (RFC 5546
 * §3.2.1), and we have no organizer's mailbox to name. Outlook imports a calendar without METHOD like a
 * PUBLISH ([MS-STANOICAL]); Google and Apple subscriptions ignore it. README "Feeds and METHOD".
 */
function calendarOf (input: FeedInput) {
  const cal = ical({
    name: input.name,
    description: input.description,
    prodId: { company: 'Årshjul', product: 'arshjul', language: 'NB' },
    ttl: input.refreshSeconds,
  })
  cal.x([['X-WR-TIMEZONE', FEED_ZONE]])
  return cal
}

/**
 * The calendar's own properties come from ical-generator (folded, small); the zone and the events,
 * each already folded, are placed before END:VCALENDAR. Every content line ends with CRLF, the last
 * one too (RFC 5545 §3.1); ical-generator leaves the final line bare.
 */
function assemble (cal: ReturnType<typeof ical>, input: FeedInput, events: readonly string[]): string {
  const frame = cal.toString()
  const end = frame.lastIndexOf('END:VCALENDAR')
  return frame.slice(0, end) + (events.length ? zoneComponent() : '') + events.join('') + withFinalCrlf(frame.slice(end))
}

/** The text with exactly one CRLF after its last line (RFC 5545 §3.1: every content line ends with CRLF). */
export function withFinalCrlf (text: string): string {
  return text.replace(/(\r\n)?$/, '\r\n')
}

/** One VEVENT, unfolded. */
function veventText (e: FeedEvent, input: FeedInput, cal: ReturnType<typeof ical>): string {
  const stamp = new Date(e.modified)
  // Always TZDate in the Oslo zone, for all-day dates too, so the host's own zone never leaks in (STYLE trap 2).
  const start = e.allDay ? zoned(e.date) : zoned(e.localStart!)
  const end = e.allDay ? zoned(addDays(e.date, 1)) : new TZDate(start.getTime() + e.durationMinutes * 60_000, FEED_ZONE)
  // No calendar-level zone name: ical-generator would then print DTSTAMP/LAST-MODIFIED as local time
  // without 'Z', which RFC 5545 forbids. The events carry TZID; the VTIMEZONE is added once below.
  const event = new ICalEvent({
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
    // RFC 5545 §3.8.1.11: TENTATIVE for a placeholder meeting, CONFIRMED for everything decided.
    status: e.status === 'cancelled' ? ICalEventStatus.CANCELLED : e.tentative ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
  }, cal)
  if (input.alarms && e.status !== 'cancelled') {
    for (const days of e.reminderOffsetsDays) {
      event.createAlarm({ type: ICalAlarmType.display, trigger: days * 86_400, description: alarmTextOf(e, days) })
    }
  }
  return event.toString()
}
