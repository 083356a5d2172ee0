// Overdue tracking for the kommunedirektør's staff (issue 5): what is late now, what is coming, and
// what was late in a year — lateness is history, kept after the fact through deliveredOn/approvedOn.
import { type CalendarDate, addDays, addYears, daysBetween } from '../domain/calendar-date.js'
import { instantToLocal } from '../domain/local-time.js'
import type { Repositories } from '../plugins/db.js'
import { csvDate, excelCsv } from './csv.js'

export interface ReportScope { municipality?: number; body?: number; collaboration?: number; eventTypes?: string[] }
type Item = ReturnType<Repositories['occurrences']['query']>[number]

const STATUS_NB: Record<string, string> = {
  planned: 'planlagt', in_progress: 'under arbeid', delivered: 'levert', approved: 'behandlet', cancelled: 'avlyst', overdue: 'over fristen',
}
const ZONE = 'Europe/Oslo'

function base (o: Item, baseUrl: string) {
  return {
    id: o.id, eventType: o.eventType, kind: o.kind, title: o.title, subject: o.subject,
    responsibleBody: o.responsibleBody && { slug: o.responsibleBody.slug, name: o.responsibleBody.name },
    dueDate: o.date, localStart: o.localStart, status: o.overdue ? 'overdue' : o.status,
    caseNumber: o.caseNumber, caseUrl: o.caseUrl, url: `${baseUrl}/api/v1/occurrences/${o.id}`,
  }
}
export type OverdueRow = ReturnType<typeof base> & { daysOverdue: number; lastReminderSentAt: string | null }
export type UpcomingRow = ReturnType<typeof base> & { daysLeft: number; treatingMeeting: { date: string; localStart: string | null } | null }
export type LateRow = ReturnType<typeof base> & { done: boolean; doneOn: string | null; daysLate: number }

const localStamp = (iso: string | null) => {
  if (!iso) return ''
  const l = instantToLocal(Date.parse(iso), ZONE)
  return `${csvDate(l.slice(0, 10))} ${l.slice(11)}`
}
const who = (r: ReturnType<typeof base>) => [r.title, r.subject.name, r.responsibleBody?.name ?? ''] as const

export function createReports (repos: Repositories, baseUrl: string) {
  return {
    /** Everything overdue as of `asOf` (due from `from` on), most overdue first, with the last reminder sent. */
    overdue (scope: ReportScope, asOf: CalendarDate, from: CalendarDate = addYears(asOf, -1)): OverdueRow[] {
      const items = repos.occurrences.query({ ...scope, from, to: asOf, asOf }).filter(o => o.overdue)
      const last = repos.outbox.lastSentByOccurrence(items.map(o => o.id))
      return items
        .map(o => ({ ...base(o, baseUrl), daysOverdue: o.daysOverdue, lastReminderSentAt: last.has(o.id) ? new Date(last.get(o.id)!).toISOString() : null }))
        .sort((a, b) => b.daysOverdue - a.daysOverdue || a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id))
    },

    /** What falls due in the next `days` days (from `asOf`, inclusive) and is not done. */
    upcoming (scope: ReportScope, asOf: CalendarDate, days: number, meetings = false): UpcomingRow[] {
      return repos.occurrences.query({ ...scope, from: asOf, to: addDays(asOf, days), asOf })
        .filter(o => !['delivered', 'approved', 'cancelled'].includes(o.status) && (meetings || o.kind !== 'meeting'))
        .map(o => ({
          ...base(o, baseUrl), daysLeft: daysBetween(asOf, o.date),
          treatingMeeting: o.treatingMeeting && { date: o.treatingMeeting.date, localStart: o.treatingMeeting.localStart },
        }))
    },

    /** Due in `year` and late: delivered or approved after the due date, or still not done as of `asOf`. */
    late (scope: ReportScope, year: number, asOf: CalendarDate): LateRow[] {
      return repos.occurrences.query({ ...scope, from: `${year}-01-01`, to: `${year}-12-31`, asOf })
        .filter(o => o.kind !== 'meeting' && o.status !== 'cancelled')
        .map(o => {
          const done = o.status === 'delivered' || o.status === 'approved'
          const doneOn = done ? o.deliveredOn ?? o.approvedOn ?? null : null
          return { ...base(o, baseUrl), done, doneOn, daysLate: done ? o.daysLate ?? 0 : o.daysOverdue }
        })
        .filter(r => r.daysLate > 0)
        .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id))
    },

    overdueCsv (rows: OverdueRow[]): string {
      return excelCsv(
        ['Frist', 'Dager over fristen', 'Hva', 'Gjelder', 'Ansvarlig organ', 'Status', 'Saksnummer', 'Siste påminnelse', 'Lenke'],
        rows.map(r => [csvDate(r.dueDate), r.daysOverdue, ...who(r), STATUS_NB[r.status] ?? r.status, r.caseNumber, localStamp(r.lastReminderSentAt), r.url]),
      )
    },
    upcomingCsv (rows: UpcomingRow[]): string {
      return excelCsv(
        ['Frist', 'Dager igjen', 'Hva', 'Gjelder', 'Ansvarlig organ', 'Behandles i møte', 'Status', 'Saksnummer', 'Lenke'],
        rows.map(r => [csvDate(r.dueDate), r.daysLeft, ...who(r), csvDate(r.treatingMeeting?.date), STATUS_NB[r.status] ?? r.status, r.caseNumber, r.url]),
      )
    },
    lateCsv (rows: LateRow[]): string {
      return excelCsv(
        ['Frist', 'Levert/behandlet', 'Dager for sent', 'Hva', 'Gjelder', 'Ansvarlig organ', 'Status', 'Saksnummer', 'Lenke'],
        rows.map(r => [csvDate(r.dueDate), csvDate(r.doneOn), r.daysLate, ...who(r), STATUS_NB[r.status] ?? r.status, r.caseNumber, r.url]),
      )
    },
  }
}
export type Reports = ReturnType<typeof createReports>
