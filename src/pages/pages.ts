// What each page shows, gathered from the services with the viewer's eyes (a private body's items only
// for those allowed to see them) and shaped for its template. The routes only parse the request and
// render; the templates only lay out and escape.

import type { Services } from '../services/index.js'
import type { Viewer } from '../services/access.js'
import type { OverdueRow, UpcomingRow } from '../reports/reports.js'
import { csvDate, excelCsv } from '../reports/csv.js'
import { followUpCsvUrl, followUpUrl, wheelSvgUrl, wheelUrl } from '../presenters/urls.js'
import { type CalendarDate, dateFromParts, monthOf, yearOf } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import { valgperioderOverlapping } from '../domain/valgperiode.js'
import {
  CATEGORY_LABELS, MONTHS, STATUS_LABELS, STATUS_ORDER, capitalize, days, displayTitle, formatDate, formatDateMedium, kindLabel,
  statusLabel, withTentative,
} from '../presenters/vocabulary.js'
import { escapeHtml, safeUrl } from './format.js'
import { bodyFeeds, occurrenceView, type FeedLink } from './occurrence-view.js'
import type { Subject } from './subject.js'
import { buildWheel, markShapes } from './wheel-view.js'

export interface PageContext {
  services: Pick<Services, 'municipalities' | 'bodies' | 'collaborations' | 'occurrences' | 'reports' | 'access'>
  viewer: Viewer
  baseUrl: string
  today: CalendarDate
}

/** The years a wheel may show. */
export const FIRST_YEAR = 2000
export const LAST_YEAR = 2100
const ZONE = 'Europe/Oslo'

export async function wheelData ({ services, viewer, today }: PageContext, subject: Subject, year: number) {
  const from = dateFromParts(year, 1, 1)
  const to = dateFromParts(year, 12, 31)
  const items = await services.occurrences.list({ ...subject.filter, from, to, asOf: today }, viewer)
  const wheel = buildWheel({ year, subjectName: subject.name, occurrences: items.map(o => ({ ...o, title: withTentative(displayTitle(o), o.tentative) })), today, valgperioder: valgperioderOverlapping(from, to) })
  return { items, wheel }
}

export async function wheelPage (ctx: PageContext, subject: Subject, year: number) {
  const { items, wheel } = await wheelData(ctx, subject, year)
  const feeds = await bodyFeeds(ctx.services.bodies, ctx.baseUrl)
  const subjectFeed: FeedLink | null = subject.feed ? { name: subject.name, ...subject.feed } : null
  const views = items.map(o => occurrenceView(o, feeds, subjectFeed))
  const months = MONTHS.map((name, i) => ({
    id: `maned-${i + 1}`,
    name: capitalize(name),
    items: views.filter(v => monthOf(v.date) === i + 1),
  }))
  const counts = (['overdue', 'planned', 'in_progress', 'delivered', 'approved', 'not_recorded', 'cancelled'] as const)
    .map(s => ({ status: s, label: STATUS_LABELS[s], n: views.filter(v => v.status === s).length })).filter(c => c.n > 0)
  const link = (y: number) => wheelUrl(subject, y)
  const svgPath = wheelSvgUrl(subject)
  return {
    pageTitle: `Årshjul ${year} – ${subject.name}`,
    subject,
    year,
    wheel,
    months,
    total: views.length,
    counts,
    categories: Object.values(CATEGORY_LABELS),
    nav: {
      prev: year > FIRST_YEAR ? { year: year - 1, url: link(year - 1) } : null,
      next: year < LAST_YEAR ? { year: year + 1, url: link(year + 1) } : null,
      current: yearOf(ctx.today) !== year ? { year: yearOf(ctx.today), url: link(yearOf(ctx.today)) } : null,
    },
    svgUrl: wheelSvgUrl(subject, year),
    // The snippet is HTML for the reader to paste; the template escapes it once more to show it as text.
    embedSnippet: `<img src="${escapeHtml(`${ctx.baseUrl}${svgPath}`)}" alt="${escapeHtml(`Årshjul for ${subject.name}`)}" width="1400" height="1000" style="max-width:100%;height:auto">`,
    followUpUrl: followUpUrl(subject),
    subjectFeed,
    todayLabel: formatDate(ctx.today),
    icons: Object.fromEntries(STATUS_ORDER.map(s => [s, markShapes(s, 9, 9, 6.5)])),
  }
}

/** "Upcoming" on the start page and the follow-up page: due today or within this many days. */
export const FOLLOW_UP_DAYS = 30

export interface FollowUpRow {
  id: string
  situation: 'overdue' | 'upcoming'
  situationLabel: string
  date: CalendarDate
  dateLabel: string
  /** Days past the due date (positive) or left until it (negative or 0): one sortable number. */
  dayOffset: number
  daysLabel: string
  title: string
  kind: string
  subject: string
  responsible: string
  meetingDate: CalendarDate | null
  meetingLabel: string
  status: string
  caseNumber: string
  caseUrl: string | null
  lastReminder: string
  wheelUrl: string
}

/** The overdue and upcoming reports (src/reports, issue 5) for one subject, as one table sorted by due date. */
export async function followUpRows (ctx: PageContext, subject: Subject) {
  const overdue = await ctx.services.reports.overdue(ctx.viewer, subject.filter, ctx.today)
  const upcoming = await ctx.services.reports.upcoming(ctx.viewer, subject.filter, ctx.today, FOLLOW_UP_DAYS)
  const common = (r: OverdueRow | UpcomingRow) => ({
    id: r.id,
    date: r.dueDate,
    dateLabel: formatDateMedium(r.dueDate),
    title: r.title,
    kind: kindLabel(r.kind),
    subject: r.subject.name,
    responsible: r.responsibleBody?.name ?? '',
    status: statusLabel(r.status),
    caseNumber: r.caseNumber ?? '',
    caseUrl: safeUrl(r.caseUrl),
    wheelUrl: wheelUrl(subject, yearOf(r.dueDate), r.id),
  })
  const rows: FollowUpRow[] = [
    ...overdue.map(r => ({
      ...common(r),
      situation: 'overdue' as const,
      situationLabel: STATUS_LABELS.overdue,
      dayOffset: r.daysOverdue,
      daysLabel: `${days(r.daysOverdue)} over`,
      meetingDate: null,
      meetingLabel: '',
      lastReminder: r.lastReminderSentAt ? formatDateMedium(localDateOf(Date.parse(r.lastReminderSentAt), ZONE)) : '',
    })),
    ...upcoming.map(r => ({
      ...common(r),
      situation: 'upcoming' as const,
      situationLabel: 'Kommer',
      dayOffset: -r.daysLeft || 0,
      daysLabel: r.daysLeft === 0 ? 'i dag' : `om ${days(r.daysLeft)}`,
      meetingDate: r.treatingMeeting?.date ?? null,
      meetingLabel: r.treatingMeeting ? formatDateMedium(r.treatingMeeting.date) : '',
      lastReminder: '',
    })),
  ].sort((a, b) => a.date.localeCompare(b.date) || a.title.localeCompare(b.title, 'nb') || a.id.localeCompare(b.id))
  return { asOf: ctx.today, days: FOLLOW_UP_DAYS, overdue: overdue.length, upcoming: upcoming.length, rows }
}

export async function followUpPage (ctx: PageContext, subject: Subject) {
  const data = await followUpRows(ctx, subject)
  return {
    pageTitle: `Oppfølging – ${subject.name}`,
    subject,
    ...data,
    asOfLabel: formatDate(data.asOf),
    csvUrl: followUpCsvUrl(subject),
    wheelUrl: wheelUrl(subject, yearOf(ctx.today)),
  }
}

/** The follow-up table for Norwegian Excel, with the reports' CSV conventions (src/reports/csv.ts). */
export function followUpCsv (rows: readonly FollowUpRow[]): string {
  return excelCsv(
    ['Situasjon', 'Frist', 'Dager', 'Hva', 'Type', 'Gjelder', 'Ansvarlig', 'Behandles i møte', 'Status', 'Saksnummer', 'Siste påminnelse', 'Id'],
    rows.map(r => [r.situationLabel, csvDate(r.date), r.dayOffset, r.title, r.kind, r.subject, r.responsible, csvDate(r.meetingDate), r.status, r.caseNumber, r.lastReminder, r.id])
  )
}
