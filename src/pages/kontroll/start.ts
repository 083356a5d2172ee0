// The kontrollutvalg secretariat's start page (issue 15, /kontroll): one section per kontrollutvalg the
// person works with (workspace.ts), each showing the valgperiode's two plans and their adoption, the
// owned companies and service areas with no control in the period, projects behind schedule, what is
// overdue (of any year, until done) and the next meetings. Read only: every link leads to the page that
// changes it. Pure apart from calling the services with the viewer's eyes.
import type { Services } from '../../services/index.js'
import type { Actor, Viewer } from '../../services/access.js'
import type { PlanView } from '../../services/kontroll/shared.js'
import type { MunicipalityCoverage } from '../../services/kontroll/coverage.js'
import { MAX_OVERDUE_YEARS } from '../../services/reports.js'
import { type CalendarDate, addDays, addYears, yearOf } from '../../domain/calendar-date.js'
import { isElectionYear } from '../../domain/valgperiode.js'
import { KONTROLL_TYPES, type KontrollType } from '../../domain/kontroll-vocabulary.js'
import { capitalize, days, formatDate, formatDateLong, formatTime, legalFormLabel, withTentative } from '../../presenters/vocabulary.js'
import { occurrencePageUrl } from '../../presenters/urls.js'
import { AppError } from '../../shared/errors.js'
import { currentElectionYear, workspaceKontrollutvalg, type WorkspaceKontrollutvalg } from './workspace.js'
import { analyseUrl, assessUrl } from './analyse.js'
import { PLAN_NAMES } from './plan.js'

export interface KontrollStartContext {
  services: Services
  actor: Actor | null | undefined
  viewer: Viewer
  today: CalendarDate
}

/** The earliest valgperiode the page offers (the register starts in 2019). */
export const FIRST_VALGPERIODE = 2019
/** How many meetings ahead each section lists. */
export const NEXT_MEETINGS = 5
/** How far ahead the next meetings are looked for. */
const MEETINGS_AHEAD_DAYS = 400

/** What counts as the kontrollutvalg's own matter in its municipality's calendar (besides what it is responsible for). */
export const KONTROLL_EVENT_TYPES: ReadonlySet<string> = new Set([
  'plan_forvaltningsrevisjon', 'plan_eierskapskontroll', 'rapport_forvaltningsrevisjon', 'rapport_eierskapskontroll', 'oppfolging_vedtak',
])

export type PlanState = 'none' | 'draft' | 'adopted_ku' | 'adopted_ks'
export const PLAN_STATE_LABELS: Record<PlanState, string> = {
  none: 'Ikke påbegynt',
  draft: 'Utkast',
  adopted_ku: 'Vedtatt i kontrollutvalget',
  adopted_ks: 'Vedtatt i kommunestyret',
}

/** The valgperiode from `?valgperiode=`: the current one when absent; 400 naming the field otherwise. */
export function parseValgperiode (raw: string | undefined, today: CalendarDate): number {
  const current = currentElectionYear(today)
  if (raw === undefined || raw.trim() === '') return current
  const year = /^\d{4}$/.test(raw.trim()) ? Number(raw.trim()) : NaN
  const last = current + 4
  if (!(isElectionYear(year) && year >= FIRST_VALGPERIODE && year <= last)) {
    throw new AppError(400, 'pages.valgperiode', `Valgperiode: «${raw.slice(0, 40)}» er ikke et valgår. Velg et valgår fra ${FIRST_VALGPERIODE} til ${last} (${FIRST_VALGPERIODE}, ${FIRST_VALGPERIODE + 4}, …).`)
  }
  return year
}

interface Adoption { kuAdoptedOn: string | null; kuCaseRef: string | null; ksAdoptedOn: string | null; ksCaseRef: string | null }

/** This kontrollutvalg's own adoption of the plan's current version (a joint plan: one per member), else the plan's own fields. */
export function ownAdoption (plan: PlanView, bodySlug: string): Adoption {
  const a = plan.adoptions.find(x => x.body.slug === bodySlug) ?? plan
  return { kuAdoptedOn: a.kuAdoptedOn, kuCaseRef: a.kuCaseRef, ksAdoptedOn: a.ksAdoptedOn, ksCaseRef: a.ksCaseRef }
}

const stateOf = (a: Adoption): PlanState => a.ksAdoptedOn ? 'adopted_ks' : a.kuAdoptedOn ? 'adopted_ku' : 'draft'

export interface PlanCard {
  type: KontrollType
  typeLabel: string
  state: PlanState
  stateLabel: string
  plan: { id: number; title: string; url: string } | null
  due: CalendarDate | null
  dueLabel: string
  /** Past due and not adopted by the kommunestyre. */
  overdue: boolean
  adoption: Array<{ label: string; date: string; caseRef: string | null }>
  /** A joint plan: the other kontrollutvalg in it. */
  jointWith: string[]
  /** A revised plan: which version this is, and which one is in force meanwhile. */
  versionNote: string | null
  /** «Lag plan» for those who may change, when there is none. */
  createUrl: string | null
}

/** The due date of a plan not yet made: 31 December of the year after the election (the plan view's adoptionDue when there is one). */
const dueOfPeriod = (electionYear: number): CalendarDate => `${electionYear + 1}-12-31`

function planCard (type: KontrollType, plan: PlanView | undefined, ku: WorkspaceKontrollutvalg, electionYear: number, today: CalendarDate, period: string): PlanCard {
  const due = plan?.adoptionDue ?? dueOfPeriod(electionYear)
  if (!plan) {
    return {
      type,
      typeLabel: PLAN_NAMES[type],
      state: 'none',
      stateLabel: PLAN_STATE_LABELS.none,
      plan: null,
      due,
      dueLabel: formatDate(due),
      overdue: due < today,
      adoption: [],
      jointWith: [],
      versionNote: null,
      createUrl: ku.mayChange ? `/kontroll/${encodeURIComponent(ku.slug)}/planlegg${period}` : null,
    }
  }
  const own = ownAdoption(plan, ku.slug)
  const state = stateOf(own)
  const adoption = []
  if (own.kuAdoptedOn) adoption.push({ label: 'Kontrollutvalget', date: formatDate(own.kuAdoptedOn), caseRef: own.kuCaseRef })
  if (own.ksAdoptedOn) adoption.push({ label: 'Kommunestyret', date: formatDate(own.ksAdoptedOn), caseRef: own.ksCaseRef })
  return {
    type,
    typeLabel: PLAN_NAMES[type],
    state,
    stateLabel: PLAN_STATE_LABELS[state],
    plan: { id: plan.id, title: plan.title, url: `/kontroll/plan/${plan.id}` },
    due,
    dueLabel: formatDate(due),
    // The law asks for one adopted plan in the period: an earlier version adopted by the council meets it while a revision is drafted.
    overdue: due < today && !plan.versions.some(v => v.adoptions.some(a => a.body.slug === ku.slug && a.ksAdoptedOn !== null)),
    adoption,
    jointWith: plan.bodies.filter(b => b.slug !== ku.slug).map(b => b.name),
    versionNote: plan.version > 1
      ? `Revidert plan, versjon ${plan.version}${plan.inForce !== null && plan.inForce !== plan.version ? `; versjon ${plan.inForce} gjelder til revisjonen er vedtatt` : ''}`
      : null,
    createUrl: null,
  }
}

/** A company or area without control; `assessUrl` scores it (for those who may). */
export interface UncoveredItem { name: string; detail: string; assessUrl: string | null }

function uncovered (c: MunicipalityCoverage | undefined, ku: WorkspaceKontrollutvalg, electionYear: number): UncoveredItem[] {
  if (!c) return []
  const flagged = new Set(c.flagged)
  const assess = (subject: { collaboration: string | null; serviceArea: string | null }) => ku.mayChange ? assessUrl(ku.slug, electionYear, subject) : null
  const companies = c.collaborations.filter(r => flagged.has(r.collaboration.slug)).map(r => ({
    name: r.collaboration.name,
    detail: [legalFormLabel(r.collaboration.legalForm), r.collaboration.role, r.score !== null ? `risiko × vesentlighet ${r.score}` : 'ikke vurdert'].filter(Boolean).join(', '),
    assessUrl: assess({ collaboration: r.collaboration.slug, serviceArea: null }),
  }))
  const areas = c.serviceAreas.filter(a => a.forvaltningsrevisjon === 'none').map(a => ({
    name: a.serviceArea,
    detail: ['tjenesteområde', a.score !== null ? `risiko × vesentlighet ${a.score}` : 'ikke vurdert'].join(', '),
    assessUrl: assess({ collaboration: null, serviceArea: a.serviceArea }),
  }))
  return [...companies, ...areas]
}

export interface BehindItem { title: string; planTitle: string; url: string; plannedByLabel: string; daysBehind: number; daysLabel: string }
export interface OverdueItem { id: string; title: string; url: string; date: CalendarDate; dateLabel: string; daysOverdue: number; daysLabel: string; subject: string; earlierYear: boolean }
export interface MeetingItem { id: string; url: string; date: CalendarDate; whenLabel: string; timeLabel: string }

export interface KontrollSection {
  slug: string
  name: string
  municipality: string
  mayChange: boolean
  plans: PlanCard[]
  uncovered: UncoveredItem[]
  coverageUrl: string
  /** The overordnet analyse (risk and materiality) of its municipality's subjects. */
  analyseUrl: string
  /** Projects from the ranked list, for those who may change. */
  planleggUrl: string | null
  behind: BehindItem[]
  overdue: OverdueItem[]
  meetings: MeetingItem[]
  moteplanUrl: string
}

/**
 * Everything overdue in the kontrollutvalg's municipality that is a kontroll matter: the plan, report and
 * follow-up event types, or anything the kontrollutvalg is responsible for. Reaches back as far as the
 * overdue report may (MAX_OVERDUE_YEARS), so a plan due in an earlier year stays until it is done.
 */
async function overdueOf (ctx: KontrollStartContext, ku: WorkspaceKontrollutvalg): Promise<OverdueItem[]> {
  const from = addDays(addYears(ctx.today, -MAX_OVERDUE_YEARS), 1)
  const rows = await ctx.services.reports.overdue(ctx.viewer, { municipality: ku.municipality.id }, ctx.today, from)
  return rows
    .filter(r => KONTROLL_EVENT_TYPES.has(r.eventType) || r.responsibleBody?.slug === ku.slug)
    .map(r => ({
      id: r.id,
      title: r.title,
      url: occurrencePageUrl('', r.id),
      date: r.dueDate,
      dateLabel: formatDate(r.dueDate),
      daysOverdue: r.daysOverdue,
      daysLabel: days(r.daysOverdue),
      subject: r.subject.name,
      earlierYear: yearOf(r.dueDate) < yearOf(ctx.today),
    }))
}

/** The next meetings of the kontrollutvalg (its møteplan), from today, in Oslo wall time; cancelled ones left out. */
async function meetingsOf (ctx: KontrollStartContext, ku: WorkspaceKontrollutvalg): Promise<MeetingItem[]> {
  const items = await ctx.services.occurrences.list({ body: ku.slug, from: ctx.today, to: addDays(ctx.today, MEETINGS_AHEAD_DAYS), asOf: ctx.today }, ctx.viewer)
  return items
    .filter(o => o.kind === 'meeting' && o.responsibleBody?.id === ku.id && o.status !== 'cancelled')
    .slice(0, NEXT_MEETINGS)
    .map(o => ({
      id: o.id,
      url: occurrencePageUrl('', o.id),
      date: o.date,
      whenLabel: withTentative(capitalize(formatDateLong(o.date)), o.tentative),
      timeLabel: o.localStart ? formatTime(o.localStart) : 'hele dagen',
    }))
}

type Review = Awaited<ReturnType<Services['kontroll']['coverage']['review']>>

export async function kontrollStartPage (ctx: KontrollStartContext, electionYear: number) {
  const { services, viewer, today } = ctx
  const kus = await workspaceKontrollutvalg(services, ctx.actor, viewer)
  const reviews = new Map<number, Promise<Review>>()
  const reviewOf = (planId: number) => {
    let r = reviews.get(planId)
    if (!r) reviews.set(planId, r = services.kontroll.coverage.review(viewer, planId, today))
    return r
  }
  const coverages = new Map<string, Promise<MunicipalityCoverage | undefined>>()
  const coverageOf = (municipality: string) => {
    let c = coverages.get(municipality)
    if (!c) coverages.set(municipality, c = services.kontroll.coverage.coverage(viewer, { electionYear, municipality }).then(r => r.municipalities[0]))
    return c
  }

  const current = currentElectionYear(today)
  // Links to the pages of a period keep the period chosen here.
  const period = electionYear === current ? '' : `?valgperiode=${electionYear}`
  const sections: KontrollSection[] = []
  for (const ku of kus) {
    const plans = (await services.kontroll.plans.list(viewer, { electionYear, body: ku.slug, limit: 100 })).items
      .filter((p): p is PlanView => 'title' in p)
    const behind: BehindItem[] = []
    for (const plan of plans) {
      const review = await reviewOf(plan.id)
      for (const b of review.behindSchedule) {
        behind.push({
          title: b.project.title,
          planTitle: plan.title,
          url: `/kontroll/plan/${plan.id}/prosjekt/${b.project.id}`,
          plannedByLabel: formatDate(b.plannedBy),
          daysBehind: b.daysBehind,
          daysLabel: days(b.daysBehind),
        })
      }
    }
    behind.sort((a, b) => b.daysBehind - a.daysBehind || a.title.localeCompare(b.title, 'nb'))
    sections.push({
      slug: ku.slug,
      name: ku.name,
      municipality: ku.municipality.name,
      mayChange: ku.mayChange,
      plans: KONTROLL_TYPES.map(type => planCard(type, plans.find(p => p.type === type), ku, electionYear, today, period)),
      uncovered: uncovered(await coverageOf(ku.municipality.slug), ku, electionYear),
      analyseUrl: analyseUrl(ku.slug, electionYear),
      planleggUrl: ku.mayChange ? `/kontroll/${encodeURIComponent(ku.slug)}/planlegg${period}` : null,
      coverageUrl: `/kontroll/${encodeURIComponent(ku.slug)}/dekning${period}`,
      behind,
      overdue: await overdueOf(ctx, ku),
      meetings: await meetingsOf(ctx, ku),
      moteplanUrl: `/moteplan/${encodeURIComponent(ku.slug)}`,
    })
  }

  const choices = [...new Set([current - 4, current, current + 4, electionYear])].filter(y => y >= FIRST_VALGPERIODE).sort((a, b) => a - b)
  return {
    pageTitle: `Kontrollutvalg – valgperioden ${electionYear}–${electionYear + 4}`,
    kontrollStyles: true,
    electionYear,
    valgperiode: `${electionYear}–${electionYear + 4}`,
    current: electionYear === current,
    choices: choices.map(y => ({ value: y, label: `${y}–${y + 4}${y === current ? ' (nåværende)' : ''}`, selected: y === electionYear })),
    todayLabel: formatDate(today),
    anyChange: sections.some(s => s.mayChange),
    sections,
  }
}
export type KontrollStartPage = Awaited<ReturnType<typeof kontrollStartPage>>
