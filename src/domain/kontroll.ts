// The kontrollutvalg's planning (issue 6): which owned companies and collaborations a period's controls
// cover, how the risk and materiality assessment ranks the projects, and how a plan is progressing.
// Pure: callers pass in the data and the date ("asOf"); nothing here reads a clock or a database.

import { type CalendarDate, compareDates, dateFromParts, daysBetween, endOfMonth, maxDate } from './calendar-date.js'
import type { CollaborationStatus, LegalForm, ParticipationRole } from './vocabulary.js'
import { PROJECT_STATUSES, type KontrollType, type PlanAdoption, type PlanStatus, type ProjectMilestone, type ProjectStatus } from './kontroll-vocabulary.js'

/** The forms the coverage review lists (issue 6: IKS, AS, § 27 / oppgavefellesskap, vertskommune). */
export const COVERAGE_FORMS: readonly LegalForm[] = [
  'iks', 'as', 'sa', 'paragraf_27', 'kommunalt_oppgavefellesskap', 'vertskommune_administrativ', 'vertskommune_felles_nemnd',
]

/**
 * Separate entities the municipality owns or runs jointly: an eierskapskontroll (koml. § 23-4) or a
 * forvaltningsrevisjon in the company (§ 23-2 c) is expected for them, so they are flagged when the
 * period has none. A vertskommune agreement is the host's own administration and is not flagged.
 */
export const OWNED_FORMS: readonly LegalForm[] = ['iks', 'as', 'sa', 'paragraf_27', 'kommunalt_oppgavefellesskap']

export type ControlState = 'planned' | 'done' | 'none'

export interface ProjectSubject { collaborationId: number | null; municipalityId: number | null; serviceArea: string | null }

export interface ProjectFacts {
  status: ProjectStatus
  plannedYear: number
  plannedQuarter: number | null
  orderedOn: CalendarDate | null
  reportDeliveredOn: CalendarDate | null
  kuPlannedOn: CalendarDate | null
  kuTreatedOn: CalendarDate | null
  ksPlannedOn: CalendarDate | null
  ksTreatedOn: CalendarDate | null
  followUpDue: CalendarDate | null
  followedUpOn: CalendarDate | null
}

export interface AssessmentScore extends ProjectSubject { risk: number; materiality: number; assessedOn: CalendarDate }

// ── Plans ────────────────────────────────────────────────────────────────────────────────────────

/** The years a plan of the period after the election in E may place projects in: E..E+4. */
export function planYears (electionYear: number): number[] {
  return [0, 1, 2, 3, 4].map(i => electionYear + i)
}

/** A plan's status follows its adoption: by the kontrollutvalg (draft → adopted_ku), then the council. */
export function planStatus (plan: { kuAdoptedOn: CalendarDate | null; ksAdoptedOn: CalendarDate | null }): PlanStatus {
  return plan.ksAdoptedOn ? 'adopted_ks' : plan.kuAdoptedOn ? 'adopted_ku' : 'draft'
}

const PLAN_STATUS_RANK: Record<PlanStatus, number> = { draft: 0, adopted_ku: 1, adopted_ks: 2 }

/**
 * A plan version's status over its member kontrollutvalg (issue 15): adopted_ks when every member's
 * kommunestyre has adopted it, adopted_ku when every member's kontrollutvalg has (or its council), else
 * draft. A joint plan is adopted only when every member has adopted it.
 */
export function versionStatus (adoptions: ReadonlyArray<Pick<PlanAdoption, 'kuAdoptedOn' | 'ksAdoptedOn'>>): PlanStatus {
  if (adoptions.length === 0) return 'draft'
  return adoptions.map(a => planStatus(a)).reduce((least, s) => PLAN_STATUS_RANK[s] < PLAN_STATUS_RANK[least] ? s : least)
}

/**
 * What one member's statutory plan occurrence records (koml. §§ 23-3, 23-4: a plan once per valgperiode):
 * the first version its kommunestyre adopted, else the first version its kontrollutvalg adopted, else
 * nothing. A later revision does not reopen the occurrence. `versions` is the member's adoption of each
 * version, oldest first (undefined where it was not a member).
 */
export function statutoryAdoption (versions: ReadonlyArray<PlanAdoption | undefined>): PlanAdoption | null {
  return versions.find(a => a?.ksAdoptedOn) ?? versions.find(a => a?.kuAdoptedOn) ?? null
}

/**
 * The plan-wide adoption the API has always shown (issue 6), from the members' adoptions: a date when
 * every member has one (the latest), a saksnummer when every member has the same one; otherwise null.
 */
export function combinedAdoption (adoptions: readonly PlanAdoption[]): PlanAdoption {
  const date = (k: 'kuAdoptedOn' | 'ksAdoptedOn') => adoptions.length > 0 && adoptions.every(a => a[k])
    ? adoptions.map(a => a[k]!).reduce((a, b) => compareDates(a, b) >= 0 ? a : b)
    : null
  const ref = (k: 'kuCaseRef' | 'ksCaseRef') => adoptions.length > 0 && adoptions.every(a => a[k] && a[k] === adoptions[0]![k]) ? adoptions[0]![k] : null
  return { kuAdoptedOn: date('kuAdoptedOn'), kuCaseRef: ref('kuCaseRef'), ksAdoptedOn: date('ksAdoptedOn'), ksCaseRef: ref('ksCaseRef') }
}

/**
 * The plan's order (issue 15): projects put in place by hand first, by position; then the rest by their
 * risk × materiality rank. Returns the projects with `position` 1, 2, … in that order.
 */
export function planOrder<P extends { position: number | null; rank: number }> (projects: readonly P[]): Array<P & { position: number }> {
  return [...projects]
    .sort((a, b) => (a.position ?? Infinity) - (b.position ?? Infinity) || a.rank - b.rank)
    .map((p, i) => ({ ...p, position: i + 1 }))
}

// ── Projects ─────────────────────────────────────────────────────────────────────────────────────

const STATUS_RANK = new Map<ProjectStatus, number>(PROJECT_STATUSES.map((s, i) => [s, i]))

/** The last day of the planned quarter, or of the planned year when no quarter is given. */
export function plannedBy (plannedYear: number, plannedQuarter: number | null): CalendarDate {
  if (plannedQuarter === null) return dateFromParts(plannedYear, 12, 31)
  return endOfMonth(dateFromParts(plannedYear, plannedQuarter * 3, 1))
}

/** The status the recorded dates show (a report delivered means at least "reported"). */
export function statusFromDates (p: Pick<ProjectFacts, 'orderedOn' | 'reportDeliveredOn' | 'ksTreatedOn' | 'followedUpOn'>): ProjectStatus {
  if (p.followedUpOn) return 'followed_up'
  if (p.ksTreatedOn) return 'treated'
  if (p.reportDeliveredOn) return 'reported'
  if (p.orderedOn) return 'ordered'
  return 'planned'
}

/** The requested status, moved forward to what the dates show; a dropped project stays dropped. */
export function effectiveStatus (requested: ProjectStatus, p: Pick<ProjectFacts, 'orderedOn' | 'reportDeliveredOn' | 'ksTreatedOn' | 'followedUpOn'>): ProjectStatus {
  if (requested === 'dropped') return 'dropped'
  const fromDates = statusFromDates(p)
  return STATUS_RANK.get(fromDates)! > STATUS_RANK.get(requested)! ? fromDates : requested
}

export function isReported (p: Pick<ProjectFacts, 'status' | 'reportDeliveredOn'>): boolean {
  return p.reportDeliveredOn !== null || (p.status !== 'dropped' && STATUS_RANK.get(p.status)! >= STATUS_RANK.get('reported')!)
}

/** Planned, done (reported or later) or none (dropped). */
export function controlState (p: Pick<ProjectFacts, 'status' | 'reportDeliveredOn'>): ControlState {
  if (p.status === 'dropped') return 'none'
  return isReported(p) ? 'done' : 'planned'
}

/** When a control was done: the report, or failing that its treatment. */
export function controlledOn (p: Pick<ProjectFacts, 'status' | 'reportDeliveredOn' | 'kuTreatedOn' | 'ksTreatedOn'>): CalendarDate | null {
  if (p.status === 'dropped') return null
  return p.reportDeliveredOn ?? p.kuTreatedOn ?? p.ksTreatedOn ?? null
}

export interface MilestoneSchedule {
  milestone: ProjectMilestone
  /** The occurrence's due date. */
  date: CalendarDate
  /** The date the step was done, if it was. */
  doneOn: CalendarDate | null
}

/**
 * The project's steps that are calendar occurrences. The report is due at the end of the planned quarter
 * (or year); treatment by the kontrollutvalg and the council when planned (or done); the follow-up when
 * its due date is set. A step with neither a planned nor an actual date is not in the calendar yet.
 */
export function milestoneSchedule (p: ProjectFacts): MilestoneSchedule[] {
  const out: MilestoneSchedule[] = [{ milestone: 'report', date: plannedBy(p.plannedYear, p.plannedQuarter), doneOn: p.reportDeliveredOn }]
  const ku = p.kuPlannedOn ?? p.kuTreatedOn
  if (ku) out.push({ milestone: 'ku', date: ku, doneOn: p.kuTreatedOn })
  const ks = p.ksPlannedOn ?? p.ksTreatedOn
  if (ks) out.push({ milestone: 'ks', date: ks, doneOn: p.ksTreatedOn })
  if (p.followUpDue) out.push({ milestone: 'follow_up', date: p.followUpDue, doneOn: p.followedUpOn })
  return out
}

// ── Risk and materiality ─────────────────────────────────────────────────────────────────────────

export const normaliseServiceArea = (s: string): string => s.trim().replace(/\s+/g, ' ')

/** One key per subject: 'c:<collaboration>' or 'm:<municipality>:<service area, lower case>'. */
export function subjectKey (s: ProjectSubject): string {
  if (s.collaborationId !== null) return `c:${s.collaborationId}`
  return `m:${s.municipalityId}:${normaliseServiceArea(s.serviceArea ?? '').toLocaleLowerCase('nb')}`
}

export const score = (a: { risk: number; materiality: number }): number => a.risk * a.materiality

/** Scores by subject key (the latest assessment wins if a subject has several). */
export function scoresBySubject (assessments: readonly AssessmentScore[]): Map<string, AssessmentScore> {
  const map = new Map<string, AssessmentScore>()
  for (const a of assessments) {
    const key = subjectKey(a)
    const prev = map.get(key)
    if (!prev || compareDates(a.assessedOn, prev.assessedOn) >= 0) map.set(key, a)
  }
  return map
}

/**
 * Ranks projects by the highest risk × materiality among their subjects (unassessed last), then by
 * planned year and title: the order the overordnet analyse argues for.
 */
export function rankProjects<P extends { id: number; title: string; plannedYear: number; subjects: readonly ProjectSubject[] }> (
  projects: readonly P[], assessments: readonly AssessmentScore[]
): Array<P & { score: number | null; rank: number }> {
  const scores = scoresBySubject(assessments)
  return projects
    .map(p => {
      const found = p.subjects.map(s => scores.get(subjectKey(s))).filter((a): a is AssessmentScore => a !== undefined).map(score)
      return { ...p, score: found.length ? Math.max(...found) : null }
    })
    .sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.plannedYear - b.plannedYear || a.title.localeCompare(b.title, 'nb') || a.id - b.id)
    .map((p, i) => ({ ...p, rank: i + 1 }))
}

/** Assessed subjects, highest risk × materiality first. */
export function rankAssessments<A extends AssessmentScore> (assessments: readonly A[]): Array<A & { score: number }> {
  return assessments.map(a => ({ ...a, score: score(a) }))
    .sort((a, b) => b.score - a.score || b.risk - a.risk || subjectKey(a).localeCompare(subjectKey(b)))
}

// ── Coverage ─────────────────────────────────────────────────────────────────────────────────────

export interface CoverageCollaboration {
  id: number
  name: string
  legalForm: LegalForm
  status: CollaborationStatus
  /** The municipality's part: owner, participant or host. */
  role: ParticipationRole
}

export interface CoverageProject extends Pick<ProjectFacts, 'status' | 'reportDeliveredOn' | 'kuTreatedOn' | 'ksTreatedOn'> {
  id: number
  title: string
  type: KontrollType
  /** The election year of the plan the project belongs to. */
  electionYear: number
  /** The municipalities whose kontrollutvalg owns the plan. */
  municipalityIds: readonly number[]
  subjects: readonly ProjectSubject[]
}

export interface CoverageInput<C extends CoverageCollaboration> {
  municipalityId: number
  electionYear: number
  /** What the municipality owns, takes part in or hosts. */
  collaborations: readonly C[]
  /** Projects of any period (for "last controlled"). */
  projects: readonly CoverageProject[]
  /** The period's assessments. */
  assessments: readonly AssessmentScore[]
}

export interface CoverageRow<C> {
  collaboration: C
  owned: boolean
  eierskapskontroll: ControlState
  forvaltningsrevisjon: ControlState
  projects: Array<{ id: number; title: string; type: KontrollType; state: ControlState }>
  risk: number | null
  materiality: number | null
  score: number | null
  lastControlled: { date: CalendarDate; type: KontrollType; projectId: number } | null
  flagged: boolean
}

const better = (a: ControlState, b: ControlState): ControlState => (a === 'done' || b === 'done' ? 'done' : a === 'planned' || b === 'planned' ? 'planned' : 'none')

/**
 * For each covered collaboration of one municipality: whether an eierskapskontroll and a
 * forvaltningsrevisjon in the period's plans of the municipality's own kontrollutvalg (alone or jointly)
 * cover it, its risk and materiality, and when it was last controlled. An owned, active entity with
 * neither planned nor done is flagged. Flagged first, then the highest score, then by name.
 */
export function coverage<C extends CoverageCollaboration> (input: CoverageInput<C>): Array<CoverageRow<C>> {
  const scores = scoresBySubject(input.assessments)
  const mine = input.projects.filter(p => p.municipalityIds.includes(input.municipalityId))
  const rows = input.collaborations.filter(c => COVERAGE_FORMS.includes(c.legalForm)).map(c => {
    const about = mine.filter(p => p.subjects.some(s => s.collaborationId === c.id))
    const inPeriod = about.filter(p => p.electionYear === input.electionYear)
    const state = (type: KontrollType) => inPeriod.filter(p => p.type === type).map(controlState).reduce(better, 'none' as ControlState)
    let lastControlled: CoverageRow<C>['lastControlled'] = null
    for (const p of about) {
      const on = controlledOn(p)
      if (on && (!lastControlled || compareDates(on, lastControlled.date) > 0)) lastControlled = { date: on, type: p.type, projectId: p.id }
    }
    const a = scores.get(`c:${c.id}`)
    const eierskapskontroll = state('eierskapskontroll')
    const forvaltningsrevisjon = state('forvaltningsrevisjon')
    const owned = OWNED_FORMS.includes(c.legalForm)
    return {
      collaboration: c,
      owned,
      eierskapskontroll,
      forvaltningsrevisjon,
      projects: inPeriod.map(p => ({ id: p.id, title: p.title, type: p.type, state: controlState(p) })),
      risk: a?.risk ?? null,
      materiality: a?.materiality ?? null,
      score: a ? score(a) : null,
      lastControlled,
      flagged: owned && c.status !== 'terminated' && eierskapskontroll === 'none' && forvaltningsrevisjon === 'none',
    }
  })
  return rows.sort((a, b) => Number(b.flagged) - Number(a.flagged) || (b.score ?? -1) - (a.score ?? -1) ||
    a.collaboration.name.localeCompare(b.collaboration.name, 'nb'))
}

export interface ServiceAreaRow {
  serviceArea: string
  risk: number | null
  materiality: number | null
  score: number | null
  forvaltningsrevisjon: ControlState
  projects: Array<{ id: number; title: string; state: ControlState }>
}

/** The municipality's own service areas that were assessed or are the subject of a forvaltningsrevisjon in the period. */
export function serviceAreaCoverage (input: Omit<CoverageInput<CoverageCollaboration>, 'collaborations'>): ServiceAreaRow[] {
  const m = input.municipalityId
  const rows = new Map<string, ServiceAreaRow>()
  const row = (area: string): ServiceAreaRow => {
    const key = subjectKey({ collaborationId: null, municipalityId: m, serviceArea: area })
    let r = rows.get(key)
    if (!r) rows.set(key, r = { serviceArea: normaliseServiceArea(area), risk: null, materiality: null, score: null, forvaltningsrevisjon: 'none', projects: [] })
    return r
  }
  for (const a of scoresBySubject(input.assessments).values()) {
    if (a.municipalityId !== m || a.serviceArea === null) continue
    Object.assign(row(a.serviceArea), { risk: a.risk, materiality: a.materiality, score: score(a) })
  }
  for (const p of input.projects) {
    if (p.electionYear !== input.electionYear || !p.municipalityIds.includes(m)) continue
    for (const s of p.subjects) {
      if (s.municipalityId !== m || s.serviceArea === null) continue
      const r = row(s.serviceArea)
      r.projects.push({ id: p.id, title: p.title, state: controlState(p) })
      if (p.type === 'forvaltningsrevisjon') r.forvaltningsrevisjon = better(r.forvaltningsrevisjon, controlState(p))
    }
  }
  return [...rows.values()].sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.serviceArea.localeCompare(b.serviceArea, 'nb'))
}

// ── Planning review ──────────────────────────────────────────────────────────────────────────────

export interface ReviewProject extends ProjectFacts { id: number; title: string }

export interface ReviewInput<P extends ReviewProject> {
  electionYear: number
  /** The last day of the valgperiode. */
  periodEnd: CalendarDate
  adoption: { due: CalendarDate; kuAdoptedOn: CalendarDate | null; ksAdoptedOn: CalendarDate | null }
  projects: readonly P[]
  asOf: CalendarDate
}

export type DeadlineKind = 'plan_adoption' | ProjectMilestone

export interface PlanReview<P> {
  asOf: CalendarDate
  adoption: { due: CalendarDate; kuAdoptedOn: CalendarDate | null; ksAdoptedOn: CalendarDate | null; adopted: boolean; overdue: boolean; daysOverdue: number }
  byStatus: Record<ProjectStatus, number>
  byYear: Array<{ year: number; counts: Record<ProjectStatus, number>; projects: P[] }>
  behindSchedule: Array<{ project: P; plannedBy: CalendarDate; daysBehind: number }>
  followUpsOverdue: Array<{ project: P; followUpDue: CalendarDate; daysOverdue: number }>
  deadlinesAhead: Array<{ date: CalendarDate; kind: DeadlineKind; project: P | null }>
}

const emptyCounts = (): Record<ProjectStatus, number> => Object.fromEntries(PROJECT_STATUSES.map(s => [s, 0])) as Record<ProjectStatus, number>

/**
 * A plan's progress on a given day: projects by year and status; behind schedule = the planned quarter
 * (or year) has ended with no report and the project is not dropped; follow-ups past due; and the
 * deadlines from asOf to the end of the period (or of year E+4, the plan's last year), soonest first.
 */
export function planReview<P extends ReviewProject> (input: ReviewInput<P>): PlanReview<P> {
  const { asOf } = input
  const byStatus = emptyCounts()
  const years = new Map(planYears(input.electionYear).map(y => [y, { year: y, counts: emptyCounts(), projects: [] as P[] }]))
  const behindSchedule: PlanReview<P>['behindSchedule'] = []
  const followUpsOverdue: PlanReview<P>['followUpsOverdue'] = []
  const deadlinesAhead: PlanReview<P>['deadlinesAhead'] = []
  // The plan places projects up to the end of year E+4, a little past the period's last day.
  const until = maxDate(input.periodEnd, dateFromParts(input.electionYear + 4, 12, 31))
  const ahead = (date: CalendarDate | null, kind: DeadlineKind, project: P | null) => {
    if (date && compareDates(date, asOf) >= 0 && compareDates(date, until) <= 0) deadlinesAhead.push({ date, kind, project })
  }

  const sorted = [...input.projects].sort((a, b) => a.plannedYear - b.plannedYear || (a.plannedQuarter ?? 5) - (b.plannedQuarter ?? 5) || a.id - b.id)
  for (const p of sorted) {
    byStatus[p.status]++
    let y = years.get(p.plannedYear)
    if (!y) years.set(p.plannedYear, y = { year: p.plannedYear, counts: emptyCounts(), projects: [] })
    y.counts[p.status]++
    y.projects.push(p)
    if (p.status === 'dropped') continue

    const by = plannedBy(p.plannedYear, p.plannedQuarter)
    if (!isReported(p)) {
      if (compareDates(asOf, by) > 0) behindSchedule.push({ project: p, plannedBy: by, daysBehind: daysBetween(by, asOf) })
      else ahead(by, 'report', p)
    }
    if (!p.kuTreatedOn) ahead(p.kuPlannedOn, 'ku', p)
    if (!p.ksTreatedOn) ahead(p.ksPlannedOn, 'ks', p)
    if (p.followUpDue && !p.followedUpOn && p.status !== 'followed_up') {
      if (compareDates(asOf, p.followUpDue) > 0) followUpsOverdue.push({ project: p, followUpDue: p.followUpDue, daysOverdue: daysBetween(p.followUpDue, asOf) })
      else ahead(p.followUpDue, 'follow_up', p)
    }
  }

  // As of an earlier day, an adoption made after it had not happened yet.
  const byThen = (d: CalendarDate | null) => d !== null && compareDates(d, asOf) <= 0 ? d : null
  const adoptionThen = { ...input.adoption, kuAdoptedOn: byThen(input.adoption.kuAdoptedOn), ksAdoptedOn: byThen(input.adoption.ksAdoptedOn) }
  const adopted = adoptionThen.ksAdoptedOn !== null
  const adoptionOverdue = !adopted && compareDates(asOf, input.adoption.due) > 0
  if (!adopted) ahead(input.adoption.due, 'plan_adoption', null)
  deadlinesAhead.sort((a, b) => compareDates(a.date, b.date) || (a.project?.id ?? 0) - (b.project?.id ?? 0))

  return {
    asOf,
    adoption: { ...adoptionThen, adopted, overdue: adoptionOverdue, daysOverdue: adoptionOverdue ? daysBetween(input.adoption.due, asOf) : 0 },
    byStatus,
    byYear: [...years.values()].sort((a, b) => a.year - b.year),
    behindSchedule,
    followUpsOverdue,
    deadlinesAhead,
  }
}
