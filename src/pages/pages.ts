// What each page shows, gathered from the repositories and shaped for its template. The routes only
// parse the request and render; the templates only lay out and escape.

import type { Repositories } from '../repositories/index.js'
import { createReports, type OverdueRow, type UpcomingRow } from '../reports/reports.js'
import { csvDate, excelCsv } from '../reports/csv.js'
import { presentBody, presentCollaboration, presentMunicipality } from '../presenters/register.js'
import { type CalendarDate, dateFromParts, monthOf, yearOf } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import { valgperioderOverlapping } from '../domain/valgperiode.js'
import { BODY_KINDS, type BodyKind, type EventKind } from '../domain/vocabulary.js'
import {
  CATEGORY_LABELS, MONTHS, STATUS_LABELS, STATUS_ORDER, capitalize, days, displayTitle, formatDate, formatDateMedium, kindLabel,
  legalFormLabel, statusLabel,
} from '../presenters/vocabulary.js'
import { escapeHtml, safeUrl } from './format.js'
import { bodyFeeds, occurrenceView, type FeedLink } from './occurrence-view.js'
import type { Subject } from './subject.js'
import { buildWheel, markShapes } from './wheel-view.js'

export interface PageContext {
  repos: Repositories
  baseUrl: string
  today: CalendarDate
}

/** The years a wheel may show. */
export const FIRST_YEAR = 2000
export const LAST_YEAR = 2100
const ZONE = 'Europe/Oslo'

const kindRank = (k: string) => {
  const i = BODY_KINDS.indexOf(k as BodyKind)
  return i < 0 ? BODY_KINDS.length : i
}

function bodyEntry (b: Parameters<typeof presentBody>[0], baseUrl: string, year: number) {
  const p = presentBody(b, baseUrl)
  return {
    slug: b.slug, name: b.name, kind: b.kind,
    wheelUrl: `/arshjul?body=${encodeURIComponent(b.slug)}&year=${year}`,
    feed: 'feed' in p && p.feed ? { name: b.name, ...p.feed } : null,
  }
}

export function startPage ({ repos, baseUrl, today }: PageContext) {
  const year = yearOf(today)
  const reports = createReports(repos, baseUrl)
  const municipalities = repos.municipalities.listInRegion().map(m => {
    const p = presentMunicipality(m, baseUrl)
    const bodies = repos.bodies.list({ municipality: m.slug, limit: 1000, offset: 0 }).items
      .sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || a.name.localeCompare(b.name, 'nb'))
    return {
      slug: m.slug, name: m.name,
      overdue: reports.overdue({ municipality: m.id }, today).length,
      upcoming: reports.upcoming({ municipality: m.id }, today, FOLLOW_UP_DAYS).length,
      wheelUrl: `/arshjul?municipality=${encodeURIComponent(m.slug)}&year=${year}`,
      followUpUrl: `/oppfolging?municipality=${encodeURIComponent(m.slug)}`,
      feed: 'feed' in p ? { name: m.name, ...p.feed } : null,
      bodies: bodies.map(b => bodyEntry(b, baseUrl, year)),
    }
  })
  const collaborations = repos.collaborations.list({ limit: 100_000, offset: 0, sort: 'name' }).items.map(c => {
    const p = presentCollaboration(c, baseUrl)
    return {
      slug: c.slug, name: c.name, legalForm: legalFormLabel(c.legalForm), area: c.area,
      active: c.status === 'active',
      status: c.status === 'active' ? 'Aktivt' : `Avsluttet${c.terminatedOn ? ` ${formatDate(c.terminatedOn)}` : ''}`,
      host: c.host?.name ?? null,
      participants: c.participants.map(x => x.name).join(', '),
      wheelUrl: `/arshjul?collaboration=${encodeURIComponent(c.slug)}&year=${year}`,
      feed: 'feed' in p ? { name: c.name, ...p.feed } : null,
      bodies: c.bodies.map(b => bodyEntry(repos.bodies.get(b.id), baseUrl, year)),
    }
  })
  return {
    pageTitle: 'Forside', year, todayLabel: formatDate(today), municipalities,
    collaborations: collaborations.filter(c => c.active), terminated: collaborations.filter(c => !c.active),
  }
}

export function wheelData ({ repos, today }: PageContext, subject: Subject, year: number) {
  const from = dateFromParts(year, 1, 1)
  const to = dateFromParts(year, 12, 31)
  const items = repos.occurrences.query({ ...subject.filter, from, to, asOf: today })
  const wheel = buildWheel({ year, subjectName: subject.name, occurrences: items.map(o => ({ ...o, title: displayTitle(o) })), today, valgperioder: valgperioderOverlapping(from, to) })
  return { items, wheel }
}

export function wheelPage (ctx: PageContext, subject: Subject, year: number) {
  const { items, wheel } = wheelData(ctx, subject, year)
  const feeds = bodyFeeds(ctx.repos, ctx.baseUrl)
  const subjectFeed: FeedLink | null = subject.feed ? { name: subject.name, ...subject.feed } : null
  const views = items.map(o => occurrenceView(o, feeds, subjectFeed))
  const months = MONTHS.map((name, i) => ({
    id: `maned-${i + 1}`, name: capitalize(name),
    items: views.filter(v => monthOf(v.date) === i + 1),
  }))
  const counts = (['overdue', 'planned', 'in_progress', 'delivered', 'approved', 'cancelled'] as const)
    .map(s => ({ status: s, label: STATUS_LABELS[s], n: views.filter(v => v.status === s).length })).filter(c => c.n > 0)
  const link = (y: number) => `/arshjul?${subject.param}&year=${y}`
  const svgPath = `/arshjul.svg?${subject.param}`
  return {
    pageTitle: `Årshjul ${year} – ${subject.name}`,
    subject, year, wheel, months, total: views.length, counts,
    categories: Object.values(CATEGORY_LABELS),
    nav: {
      prev: year > FIRST_YEAR ? { year: year - 1, url: link(year - 1) } : null,
      next: year < LAST_YEAR ? { year: year + 1, url: link(year + 1) } : null,
      current: yearOf(ctx.today) !== year ? { year: yearOf(ctx.today), url: link(yearOf(ctx.today)) } : null,
    },
    svgUrl: `${svgPath}&year=${year}`,
    // The snippet is HTML for the reader to paste; the template escapes it once more to show it as text.
    embedSnippet: `<img src="${escapeHtml(`${ctx.baseUrl}${svgPath}`)}" alt="${escapeHtml(`Årshjul for ${subject.name}`)}" width="1400" height="1000" style="max-width:100%;height:auto">`,
    followUpUrl: `/oppfolging?${subject.param}`,
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
export function followUpRows (ctx: PageContext, subject: Subject) {
  const reports = createReports(ctx.repos, ctx.baseUrl)
  const overdue = reports.overdue(subject.filter, ctx.today)
  const upcoming = reports.upcoming(subject.filter, ctx.today, FOLLOW_UP_DAYS)
  const common = (r: OverdueRow | UpcomingRow) => ({
    id: r.id, date: r.dueDate, dateLabel: formatDateMedium(r.dueDate), title: r.title,
    kind: kindLabel(r.kind), subject: r.subject.name, responsible: r.responsibleBody?.name ?? '',
    status: statusLabel(r.status), caseNumber: r.caseNumber ?? '', caseUrl: safeUrl(r.caseUrl),
    wheelUrl: `/arshjul?${subject.param}&year=${yearOf(r.dueDate)}#occ-${r.id}`,
  })
  const rows: FollowUpRow[] = [
    ...overdue.map(r => ({
      ...common(r), situation: 'overdue' as const, situationLabel: STATUS_LABELS.overdue, dayOffset: r.daysOverdue, daysLabel: `${days(r.daysOverdue)} over`,
      meetingDate: null, meetingLabel: '', lastReminder: r.lastReminderSentAt ? formatDateMedium(localDateOf(Date.parse(r.lastReminderSentAt), ZONE)) : '',
    })),
    ...upcoming.map(r => ({
      ...common(r), situation: 'upcoming' as const, situationLabel: 'Kommer', dayOffset: -r.daysLeft || 0, daysLabel: r.daysLeft === 0 ? 'i dag' : `om ${days(r.daysLeft)}`,
      meetingDate: r.treatingMeeting?.date ?? null, meetingLabel: r.treatingMeeting ? formatDateMedium(r.treatingMeeting.date) : '', lastReminder: '',
    })),
  ].sort((a, b) => a.date.localeCompare(b.date) || a.title.localeCompare(b.title, 'nb') || a.id.localeCompare(b.id))
  return { asOf: ctx.today, days: FOLLOW_UP_DAYS, overdue: overdue.length, upcoming: upcoming.length, rows }
}

export function followUpPage (ctx: PageContext, subject: Subject) {
  const data = followUpRows(ctx, subject)
  return {
    pageTitle: `Oppfølging – ${subject.name}`, subject, ...data, asOfLabel: formatDate(data.asOf),
    csvUrl: `/oppfolging.csv?${subject.param}`, wheelUrl: `/arshjul?${subject.param}&year=${yearOf(ctx.today)}`,
  }
}

/** The follow-up table for Norwegian Excel, with the reports' CSV conventions (src/reports/csv.ts). */
export function followUpCsv (rows: readonly FollowUpRow[]): string {
  return excelCsv(
    ['Situasjon', 'Frist', 'Dager', 'Hva', 'Type', 'Gjelder', 'Ansvarlig', 'Behandles i møte', 'Status', 'Saksnummer', 'Siste påminnelse', 'Id'],
    rows.map(r => [r.situationLabel, csvDate(r.date), r.dayOffset, r.title, r.kind, r.subject, r.responsible, csvDate(r.meetingDate), r.status, r.caseNumber, r.lastReminder, r.id]),
  )
}
