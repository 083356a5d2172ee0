// The planning review as a page (issue 15, item 6): a plan's progress as of a day — the adoption against
// its due date, projects per year and status, what is behind schedule and why, follow-ups past due and the
// deadlines ahead. The numbers are services.kontroll.coverage.review's (GET /api/v1/kontroll/plans/:id/review).
import { compareDates, daysBetween, isSupportedDate, MAX_SUPPORTED_YEAR, MIN_SUPPORTED_YEAR, type CalendarDate } from '../../domain/calendar-date.js'
import { PROJECT_STATUSES, type ProjectStatus } from '../../domain/kontroll-vocabulary.js'
import { days, daysLeft, formatDate } from '../../presenters/vocabulary.js'
import type { KontrollCoverageService } from '../../services/kontroll/coverage.js'
import type { PlanView } from '../../services/kontroll/shared.js'
import { AppError } from '../../shared/errors.js'
import type { FieldProblem, KontrollPageContext } from './coverage.js'
// The words and addresses of the plan and project pages, so a status reads the same everywhere.
import { PLAN_STATUS_LABELS, PROJECT_STATUS_LABELS, TYPE_LABELS, plannedPeriod, planUrl } from './plan.js'
import { projectPageUrl } from './project.js'

const MILESTONE_WORDS: Record<string, string> = {
  plan_adoption: 'Planen vedtas',
  report: 'Revisjonsrapport',
  ku: 'Kontrollutvalget behandler rapporten',
  ks: 'Kommunestyret behandler rapporten',
  follow_up: 'Oppfølging av vedtak',
}

const label = (labels: Record<string, string>, key: string): string => labels[key] ?? key

export const reviewPageUrl = (planId: number, asOf?: CalendarDate): string => `${planUrl(planId)}/gjennomgang${asOf ? `?dato=${asOf}` : ''}`

/** The day from the address (`dato`): today when missing or empty; anything but a real date is a problem naming the field. */
export function parseAsOf (raw: string | undefined, today: CalendarDate): { asOf: CalendarDate } | { problem: FieldProblem } {
  if (raw === undefined || raw.trim() === '') return { asOf: today }
  const value = raw.trim()
  if (isSupportedDate(value)) return { asOf: value }
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw
  return {
    problem: {
      field: 'dato',
      label: 'Per dato',
      message: `Per dato: «${shown}» er ikke en gyldig dato. Skriv datoen som ÅÅÅÅ-MM-DD (årene ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}), for eksempel ${today}.`,
    },
  }
}

type Review = Awaited<ReturnType<KontrollCoverageService['review']>>
type ProjectRef = Review['byYear'][number]['projects'][number]

export interface ProjectLink { id: number; title: string; url: string; status: string; planned: string }

const linkOf = (planId: number, p: ProjectRef): ProjectLink => ({
  id: p.id,
  title: p.title,
  url: projectPageUrl(planId, p.id),
  status: label(PROJECT_STATUS_LABELS, p.status),
  planned: plannedPeriod(p.plannedYear, p.plannedQuarter),
})

/** The adoption against the due date, in words, with a symbol (never colour alone). */
export function adoptionSummary (a: Review['adoption'], asOf: CalendarDate): { state: 'adopted' | 'adopted_ku' | 'overdue' | 'pending'; symbol: string; text: string } {
  const due = formatDate(a.due)
  if (a.adopted) {
    const late = a.ksAdoptedOn && compareDates(a.ksAdoptedOn, a.due) > 0 ? `, ${days(daysBetween(a.due, a.ksAdoptedOn))} etter fristen ${due}` : ` (fristen var ${due})`
    return { state: 'adopted', symbol: '✓', text: `Vedtatt av kommunestyret ${formatDate(a.ksAdoptedOn!)}${late}.` }
  }
  const ku = a.kuAdoptedOn ? `Vedtatt av kontrollutvalget ${formatDate(a.kuAdoptedOn)}, ikke av kommunestyret` : 'Ikke vedtatt'
  if (a.overdue) return { state: 'overdue', symbol: '⚠', text: `${ku}. Fristen ${due} er passert: ${days(a.daysOverdue)} på overtid.` }
  return { state: a.kuAdoptedOn ? 'adopted_ku' : 'pending', symbol: '○', text: `${ku}. Frist ${due} (${daysLeft(daysBetween(asOf, a.due))}).` }
}

export interface ReviewPage {
  pageTitle: string
  kontrollStyles: true
  plan: { id: number; title: string; typeLabel: string; valgperiode: string; statusLabel: string; bodies: string; url: string }
  asOf: CalendarDate
  asOfLabel: string
  /** The value the date field shows (the reader's own on a 400). */
  dateValue: string
  today: boolean
  todayUrl: string
  formAction: string
  problem: FieldProblem | null
  review: null | {
    period: string
    adoption: ReturnType<typeof adoptionSummary> & { due: string }
    /** The current version's adoption by each member kontrollutvalg and its kommunestyre. */
    version: number
    members: Array<{ name: string; municipality: string; ku: string; ks: string }>
    byStatus: Array<{ status: ProjectStatus; label: string; count: number }>
    total: number
    byYear: Array<{ year: number; projects: ProjectLink[]; counts: string }>
    behindSchedule: Array<{ project: ProjectLink; plannedBy: string; plannedByIso: string; daysBehind: string; why: string }>
    followUpsOverdue: Array<{ project: ProjectLink; due: string; dueIso: string; daysOverdue: string }>
    deadlinesAhead: Array<{ date: string; iso: string; when: string; what: string; project: ProjectLink | null }>
  }
}

const notFound = () => new AppError(404, 'kontroll.plan_not_found', 'Fant ingen plan med dette nummeret.')

/** A plan id from the address: a positive whole number, or 404 (no such page). */
export function planIdOf (raw: string): number {
  if (!/^[1-9]\d{0,9}$/.test(raw)) throw notFound()
  return Number(raw)
}

/** The plan (by what the viewer may see: a private kontrollutvalg's plan is 404 to others). */
async function visiblePlan (ctx: KontrollPageContext, planId: number): Promise<PlanView> {
  try {
    return await ctx.services.kontroll.plans.get(ctx.viewer, planId)
  } catch (err) {
    if ((err as { kind?: string }).kind === 'not_found') throw notFound()
    throw err
  }
}

/** Builds the page (pure, given the review): see reviewPage. */
export function reviewView (plan: PlanView, asOf: CalendarDate, today: CalendarDate, review: Review | null, problem: FieldProblem | null, rawDate?: string): ReviewPage {
  const head = {
    id: plan.id,
    title: plan.title,
    typeLabel: label(TYPE_LABELS, plan.type),
    valgperiode: plan.valgperiode,
    statusLabel: label(PLAN_STATUS_LABELS, plan.status),
    bodies: plan.bodies.map(b => b.name).join(', '),
    url: planUrl(plan.id),
  }
  const link = (p: ProjectRef) => linkOf(plan.id, p)
  const counted = (counts: Record<ProjectStatus, number>) =>
    PROJECT_STATUSES.filter(s => counts[s] > 0).map(s => `${counts[s]} ${label(PROJECT_STATUS_LABELS, s).toLowerCase()}`).join(', ')
  const reviewOut: ReviewPage['review'] = review && {
    period: `${formatDate(review.period.start)} – ${formatDate(review.period.end)}`,
    adoption: { ...adoptionSummary(review.adoption, review.asOf), due: formatDate(review.adoption.due) },
    version: plan.version,
    members: plan.adoptions.map(a => ({
      name: a.body.name,
      municipality: a.municipality.name,
      ku: a.kuAdoptedOn ? `${formatDate(a.kuAdoptedOn)}${a.kuCaseRef ? ` (${a.kuCaseRef})` : ''}` : 'ikke vedtatt',
      ks: a.ksAdoptedOn ? `${formatDate(a.ksAdoptedOn)}${a.ksCaseRef ? ` (${a.ksCaseRef})` : ''}` : 'ikke vedtatt',
    })),
    byStatus: PROJECT_STATUSES.map(s => ({ status: s, label: PROJECT_STATUS_LABELS[s], count: review.byStatus[s] })),
    total: PROJECT_STATUSES.reduce((n, s) => n + review.byStatus[s], 0),
    byYear: review.byYear.map(y => ({ year: y.year, projects: y.projects.map(link), counts: counted(y.counts) })),
    behindSchedule: review.behindSchedule.map(b => {
      const p = link(b.project)
      return {
        project: p,
        plannedBy: formatDate(b.plannedBy),
        plannedByIso: b.plannedBy,
        daysBehind: days(b.daysBehind),
        why: `Planlagt til ${p.planned}: rapporten skulle vært levert innen ${formatDate(b.plannedBy)} og er ikke levert (status: ${p.status.toLowerCase()}).`,
      }
    }),
    followUpsOverdue: review.followUpsOverdue.map(f => ({ project: link(f.project), due: formatDate(f.followUpDue), dueIso: f.followUpDue, daysOverdue: days(f.daysOverdue) })),
    deadlinesAhead: review.deadlinesAhead.map(d => ({
      date: formatDate(d.date),
      iso: d.date,
      when: daysLeft(daysBetween(review.asOf, d.date)),
      what: label(MILESTONE_WORDS, d.kind),
      project: d.project ? link(d.project) : null,
    })),
  }
  return {
    pageTitle: `Gjennomgang: ${plan.title}`,
    kontrollStyles: true,
    plan: head,
    asOf,
    asOfLabel: formatDate(asOf),
    dateValue: rawDate ?? asOf,
    today: asOf === today,
    todayUrl: reviewPageUrl(plan.id),
    formAction: reviewPageUrl(plan.id),
    problem,
    review: reviewOut,
  }
}

/**
 * The review page of a plan as of `dato` (default today). An unknown or hidden plan is 404 (before the
 * date is judged); a bad date gives the page with the problem and the reader's value, no review (the route
 * answers 400).
 */
export async function reviewPage (ctx: KontrollPageContext, rawPlanId: string, rawDate: string | undefined): Promise<ReviewPage> {
  const plan = await visiblePlan(ctx, planIdOf(rawPlanId))
  const parsed = parseAsOf(rawDate, ctx.today)
  if ('problem' in parsed) return reviewView(plan, ctx.today, ctx.today, null, parsed.problem, rawDate)
  const review = await ctx.services.kontroll.coverage.review(ctx.viewer, plan.id, parsed.asOf)
  return reviewView(plan, parsed.asOf, ctx.today, review, null)
}
