// What each page shows, gathered from the services with the viewer's eyes (a private body's items only
// for those allowed to see them) and shaped for its template. The routes only parse the request and
// render; the templates only lay out and escape.

import type { Services } from '../services/index.js'
import type { Actor, Viewer } from '../services/access.js'
import type { OverdueRow, UpcomingRow } from '../reports/reports.js'
import { csvDate, excelCsv } from '../reports/csv.js'
import { followUpCsvUrl, followUpUrl, occurrencePageUrl, wheelSvgUrl, wheelUrl } from '../presenters/urls.js'
import { type CalendarDate, compareDates, dateFromParts, isValidDate, monthOf, yearOf } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import { valgperioderOverlapping } from '../domain/valgperiode.js'
import {
  CATEGORY_LABELS, MONTHS, STATUS_LABELS, STATUS_ORDER, capitalize, days, displayTitle, formatDate, formatDateMedium, kindLabel,
  STATUS_SHAPES, statusLabel, withTentative,
} from '../presenters/vocabulary.js'
import { escapeHtml, safeUrl } from './format.js'
import { MILESTONE_LABELS, projectPageUrl } from './kontroll/project.js'
import { KONTROLL_EVENT_TYPES } from './kontroll/start.js'
import { parseOccurrenceId } from '../domain/occurrences.js'
import { overdueReachFrom } from '../services/reports.js'
import type { MilestoneLink } from '../services/kontroll/projects.js'
import { bodyFeeds, occurrenceView, type FeedLink } from './occurrence-view.js'
import type { Subject } from './subject.js'
import { buildPhoneWheel, buildWheel, markShapes, type Shape } from './wheel-view.js'

export interface PageContext {
  /** `kontroll`, when given, names the kontrollutvalg's project a follow-up row is a step of. */
  services: Pick<Services, 'municipalities' | 'bodies' | 'collaborations' | 'occurrences' | 'reports' | 'access'> & { kontroll?: { projects: Pick<Services['kontroll']['projects'], 'milestoneLinks'> } }
  viewer: Viewer
  baseUrl: string
  today: CalendarDate
  /** Who is signed in (a session or a token): decides which rows get a checkbox on the follow-up page. */
  actor?: Actor | null
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
    phoneWheel: buildPhoneWheel({ year, subjectName: subject.name, occurrences: items, today: ctx.today }),
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

/**
 * "Snart frist" (issue 14): an upcoming deadline due today or within this many days is due soon —
 * between planned and overdue. Two weeks: the usual time between a council's case list going out
 * and its meeting, so a report due sooner needs work now.
 */
export const DUE_SOON_DAYS = 14

/** Where a follow-up row stands on the page's day: past due, due within DUE_SOON_DAYS, or later. */
export type FollowUpSituation = 'overdue' | 'due_soon' | 'upcoming'

/** The follow-up page's status filter: a situation, or the stored status "under arbeid". */
export const FOLLOW_UP_STATUS_FILTERS = ['overdue', 'due_soon', 'upcoming', 'in_progress'] as const
export type FollowUpStatusFilter = typeof FOLLOW_UP_STATUS_FILTERS[number]

export const SITUATION_LABELS: Record<FollowUpSituation, string> = { overdue: 'Forfalt', due_soon: 'Snart frist', upcoming: 'Kommer' }
const STATUS_FILTER_LABELS: Record<FollowUpStatusFilter, string> = { ...SITUATION_LABELS, in_progress: STATUS_LABELS.in_progress }

/** The shape of each situation, so colour is never the only cue (WCAG 1.4.1): named in the legend. */
export const SITUATION_SHAPES: Record<FollowUpSituation, string> = {
  overdue: STATUS_SHAPES.overdue,
  due_soon: 'ruter med klokke',
  upcoming: STATUS_SHAPES.planned,
}

/** A situation's icon in an 18×18 box: the wheel's overdue triangle and planned circle, and an amber diamond with a clock hand for "snart frist". */
export function situationIcon (s: FollowUpSituation): Shape[] {
  if (s === 'overdue') return markShapes('overdue', 9, 9, 6.5)
  if (s === 'upcoming') return markShapes('planned', 9, 9, 6.5)
  return [
    { tag: 'polygon', attrs: { points: '9,1 17,9 9,17 1,9', fill: '#ffe08a', stroke: '#8a5a00', 'stroke-width': 1.5, 'stroke-linejoin': 'round' } },
    { tag: 'path', attrs: { d: 'M9 4.5V9.5L12 11', fill: 'none', stroke: '#5c3c00', 'stroke-width': 1.6, 'stroke-linecap': 'round' } },
  ]
}

/** The follow-up list's filters (query parameters responsible=, type=, status=); empty: all. */
export interface FollowUpFilter {
  /** The responsible body's slug. */
  responsible?: string
  /** The event type's key. */
  type?: string
  status?: FollowUpStatusFilter
}

export interface FollowUpRow {
  id: string
  situation: FollowUpSituation
  situationLabel: string
  date: CalendarDate
  dateLabel: string
  /** Days past the due date (positive) or left until it (negative or 0): one sortable number. */
  dayOffset: number
  daysLabel: string
  title: string
  eventType: string
  kind: string
  subject: string
  responsible: string
  responsibleSlug: string | null
  meetingDate: CalendarDate | null
  meetingLabel: string
  /** The stored status key, or 'overdue'. */
  statusKey: string
  status: string
  caseNumber: string
  caseUrl: string | null
  lastReminder: string
  wheelUrl: string
  /** The occurrence's own page (issue 14). */
  url: string
  /** A step of a project in a kontrollutvalg's plan (issue 15): the project's page, its title and the step's name. */
  project: { url: string; title: string; step: string } | null
}

const matches = (r: FollowUpRow, f: FollowUpFilter) =>
  (!f.responsible || r.responsibleSlug === f.responsible) &&
  (!f.type || r.eventType === f.type) &&
  (!f.status || (f.status === 'in_progress' ? r.statusKey === 'in_progress' : r.situation === f.status))

/**
 * The overdue and upcoming reports (src/reports, issue 5) for one subject, as one table sorted by due
 * date, each row overdue, due soon (within DUE_SOON_DAYS) or upcoming; then the filter. `all` is the
 * unfiltered list (the filter's choices come from it).
 */
export async function followUpRows (ctx: PageContext, subject: Subject, filter: FollowUpFilter = {}) {
  // The last year's overdue items, and the kontrollutvalg's matters (plans, reports, follow-up) from as far back as
  // the report allows: an earlier year's plan or report stays until it is done (issue 15).
  const lastYear = await ctx.services.reports.overdue(ctx.viewer, subject.filter, ctx.today)
  // Only those event types are read so far back: the rest of the calendar's ten years would cost ~100 ms (bench:national).
  const earlier = (await ctx.services.reports.overdue(ctx.viewer, { ...subject.filter, eventTypes: [...KONTROLL_EVENT_TYPES] }, ctx.today, overdueReachFrom(ctx.today)))
    .filter(r => KONTROLL_EVENT_TYPES.has(r.eventType) && !lastYear.some(l => l.id === r.id))
  const overdue = [...earlier, ...lastYear]
  const upcoming = await ctx.services.reports.upcoming(ctx.viewer, subject.filter, ctx.today, FOLLOW_UP_DAYS)
  const ruleIds = [...new Set([...overdue, ...upcoming].map(r => parseOccurrenceId(r.id)?.ruleId).filter((id): id is number => id !== undefined))]
  const links = ctx.services.kontroll ? await ctx.services.kontroll.projects.milestoneLinks(ruleIds) : new Map<number, MilestoneLink>()
  const projectOf = (id: string): FollowUpRow['project'] => {
    const link = links.get(parseOccurrenceId(id)?.ruleId ?? -1)
    return link ? { url: projectPageUrl(link.planId, link.projectId), title: link.projectTitle, step: MILESTONE_LABELS[link.milestone] } : null
  }
  const common = (r: OverdueRow | UpcomingRow) => ({
    id: r.id,
    date: r.dueDate,
    dateLabel: formatDateMedium(r.dueDate),
    title: r.title,
    eventType: r.eventType,
    kind: kindLabel(r.kind),
    subject: r.subject.name,
    responsible: r.responsibleBody?.name ?? '',
    responsibleSlug: r.responsibleBody?.slug ?? null,
    statusKey: r.status,
    status: statusLabel(r.status),
    caseNumber: r.caseNumber ?? '',
    caseUrl: safeUrl(r.caseUrl),
    wheelUrl: wheelUrl(subject, yearOf(r.dueDate), r.id),
    url: occurrencePageUrl('', r.id),
    project: projectOf(r.id),
  })
  const all: FollowUpRow[] = [
    ...overdue.map(r => ({
      ...common(r),
      situation: 'overdue' as const,
      situationLabel: SITUATION_LABELS.overdue,
      dayOffset: r.daysOverdue,
      daysLabel: `${days(r.daysOverdue)} over`,
      meetingDate: null,
      meetingLabel: '',
      lastReminder: r.lastReminderSentAt ? formatDateMedium(localDateOf(Date.parse(r.lastReminderSentAt), ZONE)) : '',
    })),
    ...upcoming.map(r => {
      const situation: FollowUpSituation = r.daysLeft <= DUE_SOON_DAYS ? 'due_soon' : 'upcoming'
      return {
        ...common(r),
        situation,
        situationLabel: SITUATION_LABELS[situation],
        dayOffset: -r.daysLeft || 0,
        daysLabel: r.daysLeft === 0 ? 'i dag' : `om ${days(r.daysLeft)}`,
        meetingDate: r.treatingMeeting?.date ?? null,
        meetingLabel: r.treatingMeeting ? formatDateMedium(r.treatingMeeting.date) : '',
        lastReminder: '',
      }
    }),
  ].sort((a, b) => a.date.localeCompare(b.date) || a.title.localeCompare(b.title, 'nb') || a.id.localeCompare(b.id))
  const rows = all.filter(r => matches(r, filter))
  const count = (s: FollowUpSituation) => rows.filter(r => r.situation === s).length
  return {
    asOf: ctx.today,
    days: FOLLOW_UP_DAYS,
    dueSoonDays: DUE_SOON_DAYS,
    overdue: count('overdue'),
    dueSoon: count('due_soon'),
    /** Due within FOLLOW_UP_DAYS (due soon included), as the upcoming report counts. */
    upcoming: count('due_soon') + count('upcoming'),
    all,
    rows,
  }
}

/** The filter as query parameters ('' when empty; else starting with '&'), for links that keep it. */
export function filterParams (f: FollowUpFilter): string {
  return (['responsible', 'type', 'status'] as const).filter(k => f[k]).map(k => `&${k}=${encodeURIComponent(f[k]!)}`).join('')
}

/** The bulk form's fields (named as on the occurrence page's form). */
export type BulkField = 'id' | 'merk' | 'dato' | 'saksnummer'

/** What the bulk form keeps after a refused submit: the values the person gave, and the problems by field. */
export interface BulkForm {
  ids: string[]
  /** 'delivered' (Levert) or 'approved' (Behandlet). */
  merk: string
  dato: string
  saksnummer: string
  errors: Array<{ field: BulkField; message: string }>
}

/**
 * The follow-up page: the rows, the filter form's choices, the legend, and — for a signed-in person —
 * which rows they may change (a checkbox each) and the bulk form ("marker som levert/behandlet").
 */
export async function followUpPage (ctx: PageContext, subject: Subject, filter: FollowUpFilter = {}, form?: BulkForm) {
  const data = await followUpRows(ctx, subject, filter)
  const changeable = ctx.actor ? await ctx.services.occurrences.changeable(data.rows.map(r => r.id), ctx.actor) : new Set<string>()
  const unique = <T extends { value: string }>(xs: T[]) => [...new Map(xs.map(x => [x.value, x])).values()]
  const byLabel = (a: { label: string }, b: { label: string }) => a.label.localeCompare(b.label, 'nb')
  const options = {
    responsible: unique(data.all.filter(r => r.responsibleSlug).map(r => ({ value: r.responsibleSlug!, label: r.responsible }))).sort(byLabel),
    type: unique(data.all.map(r => ({ value: r.eventType, label: r.title }))).sort(byLabel),
    status: FOLLOW_UP_STATUS_FILTERS.map(s => ({ value: s, label: STATUS_FILTER_LABELS[s] })),
  }
  const filtered = Boolean(filter.responsible || filter.type || filter.status)
  return {
    pageTitle: `Oppfølging – ${subject.name}`,
    subject,
    ...data,
    asOfLabel: formatDate(data.asOf),
    csvUrl: `${followUpCsvUrl(subject)}${filterParams(filter)}`,
    wheelUrl: wheelUrl(subject, yearOf(ctx.today)),
    filter,
    filtered,
    clearUrl: followUpUrl(subject),
    options,
    legend: (['overdue', 'due_soon', 'upcoming'] as const).map(s => ({
      situation: s,
      label: SITUATION_LABELS[s],
      shape: SITUATION_SHAPES[s],
      text: s === 'overdue' ? 'fristen er passert, og det er ikke levert' : s === 'due_soon' ? `forfaller i dag eller innen ${days(DUE_SOON_DAYS)}` : `forfaller om mer enn ${days(DUE_SOON_DAYS)}`,
    })),
    icons: Object.fromEntries((['overdue', 'due_soon', 'upcoming'] as const).map(s => [s, situationIcon(s)])),
    changeable: [...changeable],
    bulk: changeable.size > 0
      ? {
          today: ctx.today,
          form: form ?? { ids: [], merk: 'delivered', dato: ctx.today, saksnummer: '', errors: [] },
          subjectField: subject.type,
        }
      : null,
  }
}

/** The follow-up table for Norwegian Excel, with the reports' CSV conventions (src/reports/csv.ts). 'Situasjon' is the page's state: Forfalt, Snart frist or Kommer. */
export function followUpCsv (rows: readonly FollowUpRow[]): string {
  return excelCsv(
    ['Situasjon', 'Frist', 'Dager', 'Hva', 'Type', 'Gjelder', 'Ansvarlig', 'Behandles i møte', 'Status', 'Saksnummer', 'Siste påminnelse', 'Id'],
    rows.map(r => [r.situationLabel, csvDate(r.date), r.dayOffset, r.title, r.kind, r.subject, r.responsible, csvDate(r.meetingDate), r.status, r.caseNumber, r.lastReminder, r.id])
  )
}

/** What "Levert" and "Behandlet" set, and the words for the message after. */
export const BULK_MARKS = { delivered: { label: 'Levert', word: 'levert' }, approved: { label: 'Behandlet', word: 'behandlet' } } as const

/**
 * The bulk form's fields as one change for `changeMany`, or the problems by field (Norwegian, for the
 * error summary). The date is a calendar date not after `today` (Europe/Oslo); the saksnummer is kept
 * as given when non-empty, and left as it is on each item when empty.
 */
export function parseBulkForm (body: { id?: string | string[]; merk?: string; dato?: string; saksnummer?: string }, today: CalendarDate):
  { ids: string[]; status: 'delivered' | 'approved'; change: { status: 'delivered' | 'approved'; deliveredOn?: string; approvedOn?: string; caseNumber?: string } } | BulkForm {
  const ids = [...new Set((Array.isArray(body.id) ? body.id : body.id === undefined ? [] : [body.id]).map(s => s.trim()).filter(Boolean))]
  const merk = (body.merk ?? '').trim()
  const dato = (body.dato ?? '').trim()
  const saksnummer = (body.saksnummer ?? '').trim()
  const errors: BulkForm['errors'] = []
  if (!ids.length) errors.push({ field: 'id', message: 'Velg minst én frist i tabellen.' })
  if (merk !== 'delivered' && merk !== 'approved') errors.push({ field: 'merk', message: 'Velg Levert eller Behandlet.' })
  if (!isValidDate(dato)) errors.push({ field: 'dato', message: 'Dato må være en gyldig dato (dd.mm.åååå).' })
  else if (compareDates(dato, today) > 0) errors.push({ field: 'dato', message: `Dato kan ikke være frem i tid (senest ${formatDate(today)}).` })
  if (saksnummer.length > 100) errors.push({ field: 'saksnummer', message: 'Saksnummer kan ha høyst 100 tegn.' })
  if (errors.length) return { ids, merk, dato, saksnummer, errors }
  const status = merk as 'delivered' | 'approved'
  return {
    ids,
    status,
    change: { status, ...(status === 'delivered' ? { deliveredOn: dato } : { approvedOn: dato }), ...(saksnummer ? { caseNumber: saksnummer } : {}) },
  }
}
