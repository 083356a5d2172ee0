// Overdue tracking for the kommunedirektør's staff (issue 5): what is late now, what is coming, and
// what was late in a year — lateness is history, kept after the fact through deliveredOn/approvedOn.
// Pure: the rows and their CSV from occurrences the reports service has read (and filtered by the
// viewer); src/services/reports.ts does the reading.
import { type CalendarDate, daysBetween } from '../domain/calendar-date.js'
import { instantToLocal } from '../domain/local-time.js'
import { statusLabel } from '../presenters/vocabulary.js'
import { occurrencePageUrl } from '../presenters/urls.js'
import type { OccurrenceItem } from '../services/occurrences.js'
import { csvDate, excelCsv } from './csv.js'

/** What a report needs of an occurrence (the occurrence read model). */
export type ReportItem = Pick<OccurrenceItem,
  'id' | 'eventType' | 'kind' | 'title' | 'subject' | 'responsibleBody' | 'date' | 'localStart' | 'status' | 'overdue' | 'daysOverdue' | 'notRecorded' |
  'caseNumber' | 'caseUrl' | 'treatingMeeting' | 'deliveredOn' | 'approvedOn' | 'daysLate' | 'modified'>

const ZONE = 'Europe/Oslo'
const DONE = new Set(['delivered', 'approved', 'cancelled'])

function base (o: ReportItem, baseUrl: string) {
  return {
    id: o.id,
    eventType: o.eventType,
    kind: o.kind,
    title: o.title,
    subject: o.subject,
    responsibleBody: o.responsibleBody && { slug: o.responsibleBody.slug, name: o.responsibleBody.name },
    dueDate: o.date,
    localStart: o.localStart,
    status: o.overdue ? 'overdue' : o.notRecorded ? 'not_recorded' : o.status,
    caseNumber: o.caseNumber,
    caseUrl: o.caseUrl,
    url: occurrencePageUrl(baseUrl, o.id),
  }
}
export type ReportRow = ReturnType<typeof base>
export type OverdueRow = ReportRow & { daysOverdue: number; lastReminderSentAt: string | null }
export type UpcomingRow = ReportRow & { daysLeft: number; treatingMeeting: { date: string; localStart: string | null } | null }
export type LateRow = ReportRow & { done: boolean; doneOn: string | null; daysLate: number }

/**
 * Overdue as of the query's asOf, most overdue first, with when a reminder was last sent. With
 * `notRecordedAsOf` (issue 12, on request), also what fell due before that day and before its
 * subject's tracking start and was never recorded ("ikke registrert", status 'not_recorded'), with
 * the days since its due date.
 */
export function overdueRows (items: readonly ReportItem[], lastSent: ReadonlyMap<string, number>, baseUrl: string, notRecordedAsOf?: CalendarDate): OverdueRow[] {
  const unrecorded = (o: ReportItem) => notRecordedAsOf !== undefined && o.notRecorded && o.kind !== 'meeting' && o.date < notRecordedAsOf
  return items.filter(o => o.overdue || unrecorded(o))
    .map(o => ({ ...base(o, baseUrl), daysOverdue: o.overdue ? o.daysOverdue : daysBetween(o.date, notRecordedAsOf!), lastReminderSentAt: last(lastSent, o.id) }))
    .sort((a, b) => b.daysOverdue - a.daysOverdue || a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id))
}
const last = (m: ReadonlyMap<string, number>, id: string) => m.has(id) ? new Date(m.get(id)!).toISOString() : null

/** Not done yet (nor "ikke registrert", before a tracking start still ahead); meetings only when asked for. */
export function upcomingRows (items: readonly ReportItem[], asOf: CalendarDate, meetings: boolean, baseUrl: string): UpcomingRow[] {
  return items.filter(o => !DONE.has(o.status) && !o.notRecorded && (meetings || o.kind !== 'meeting'))
    .map(o => ({
      ...base(o, baseUrl),
      daysLeft: daysBetween(asOf, o.date),
      treatingMeeting: o.treatingMeeting && { date: o.treatingMeeting.date, localStart: o.treatingMeeting.localStart },
    }))
}

/** Late: delivered or approved after the due date, or still not done. */
export function lateRows (items: readonly ReportItem[], baseUrl: string): LateRow[] {
  return items.filter(o => o.kind !== 'meeting' && o.status !== 'cancelled')
    .map(o => {
      const done = o.status === 'delivered' || o.status === 'approved'
      const doneOn = done ? o.deliveredOn ?? o.approvedOn ?? null : null
      return { ...base(o, baseUrl), done, doneOn, daysLate: done ? o.daysLate ?? 0 : o.daysOverdue }
    })
    .filter(r => r.daysLate > 0)
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id))
}

const localStamp = (iso: string | null) => {
  if (!iso) return ''
  const l = instantToLocal(Date.parse(iso), ZONE)
  return `${csvDate(l.slice(0, 10))} ${l.slice(11)}`
}
const who = (r: ReportRow) => [r.title, r.subject.name, r.responsibleBody?.name ?? ''] as const

export function overdueCsv (rows: readonly OverdueRow[]): string {
  return excelCsv(
    ['Frist', 'Dager over fristen', 'Hva', 'Gjelder', 'Ansvarlig organ', 'Status', 'Saksnummer', 'Siste påminnelse', 'Lenke'],
    rows.map(r => [csvDate(r.dueDate), r.daysOverdue, ...who(r), statusLabel(r.status), r.caseNumber, localStamp(r.lastReminderSentAt), r.url])
  )
}
export function upcomingCsv (rows: readonly UpcomingRow[]): string {
  return excelCsv(
    ['Frist', 'Dager igjen', 'Hva', 'Gjelder', 'Ansvarlig organ', 'Behandles i møte', 'Status', 'Saksnummer', 'Lenke'],
    rows.map(r => [csvDate(r.dueDate), r.daysLeft, ...who(r), csvDate(r.treatingMeeting?.date), statusLabel(r.status), r.caseNumber, r.url])
  )
}
export function lateCsv (rows: readonly LateRow[]): string {
  return excelCsv(
    ['Frist', 'Levert/godkjent', 'Dager for sent', 'Hva', 'Gjelder', 'Ansvarlig organ', 'Status', 'Saksnummer', 'Lenke'],
    rows.map(r => [csvDate(r.dueDate), csvDate(r.doneOn), r.daysLate, ...who(r), statusLabel(r.status), r.caseNumber, r.url])
  )
}
