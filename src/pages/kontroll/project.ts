// One project of a kontrollutvalg's plan as a page (issue 15, item 4): /kontroll/plan/<plan>/prosjekt/<id>
// shows what the project controls, when it is planned and its milestones (bestilling, revisjonsrapport,
// behandling i kontrollutvalget og kommunestyret, oppfølging) with their calendar occurrences; those who may
// steer the plan get forms that go through services.kontroll.projects (the service behind
// PATCH /api/v1/kontroll/plans/:id/projects/:projectId). /kontroll/plan/<plan>/prosjekt/ny adds a project.
// This module gathers, shapes and parses; the route checks access, calls the service and renders.

import type { Services } from '../../services/index.js'
import type { Actor, Viewer } from '../../services/access.js'
import type { ProjectInput, ProjectPatch, SubjectInput } from '../../services/kontroll/projects.js'
import type { PlanView, ProjectView } from '../../services/kontroll/shared.js'
import { compareDates, daysBetween, isSupportedDate, type CalendarDate } from '../../domain/calendar-date.js'
import { planYears } from '../../domain/kontroll.js'
import type { CaseRefs, ProjectMilestone, ProjectStatus } from '../../domain/kontroll-vocabulary.js'
import { occurrencePageUrl } from '../../presenters/urls.js'
import { days, formatDate, legalFormLabel, STATUS_LABELS, type DisplayStatus } from '../../presenters/vocabulary.js'
import { ServiceError } from '../../shared/errors.js'
import { markShapes } from '../wheel-view.js'
import { TYPE_LABELS } from './plan.js'

// ── words and addresses ──────────────────────────────────────────────────────────────────────────

export const PROJECT_STATUS_LABELS: Record<ProjectStatus, string> = {
  planned: 'Planlagt',
  ordered: 'Bestilt',
  in_progress: 'Under arbeid',
  reported: 'Rapport levert',
  treated: 'Behandlet',
  followed_up: 'Fulgt opp',
  dropped: 'Avlyst',
}

/** The milestones as the follow-up list and the start page may name them. */
export const MILESTONE_LABELS: Record<ProjectMilestone, string> = {
  report: 'Revisjonsrapport', ku: 'Behandling i kontrollutvalget', ks: 'Behandling i kommunestyret', follow_up: 'Oppfølging',
}

export const planPageUrl = (planId: number): string => `/kontroll/plan/${planId}`
export const projectPageUrl = (planId: number, projectId: number): string => `/kontroll/plan/${planId}/prosjekt/${projectId}`
export const newProjectUrl = (planId: number): string => `/kontroll/plan/${planId}/prosjekt/ny`

/** '1. kvartal 2026', or '2026' when no quarter is planned. */
export const plannedPeriod = (year: number, quarter: number | null): string => quarter ? `${quarter}. kvartal ${year}` : String(year)

// ── the steps ────────────────────────────────────────────────────────────────────────────────────

type PlannedField = 'kuPlannedOn' | 'ksPlannedOn' | 'followUpDue'
type DoneField = 'orderedOn' | 'reportDeliveredOn' | 'kuTreatedOn' | 'ksTreatedOn' | 'followedUpOn'

export interface StepDef {
  /** The step in the form's address: /steg/<key>. */
  key: 'bestilling' | 'rapport' | 'kontrollutvalg' | 'kommunestyre' | 'oppfolging'
  label: string
  /** The calendar occurrences' milestone (bestilling has none). */
  milestone: ProjectMilestone | null
  /** The stored planned date; the report's is the planned quarter's end (plannedBy), bestilling has none. */
  planned: PlannedField | null
  done: DoneField
  caseRef: keyof CaseRefs
  /** The done date's label ('Dato levert') and the status word once done ('Levert'). */
  doneLabel: string
  doneWord: string
  /** The occurrence status a done step shows (its icon). */
  doneStatus: 'delivered' | 'approved'
}

export const STEPS: readonly StepDef[] = [
  { key: 'bestilling', label: 'Bestilling', milestone: null, planned: null, done: 'orderedOn', caseRef: 'order', doneLabel: 'Dato bestilt', doneWord: 'Bestilt', doneStatus: 'delivered' },
  { key: 'rapport', label: 'Revisjonsrapport', milestone: 'report', planned: null, done: 'reportDeliveredOn', caseRef: 'report', doneLabel: 'Dato levert', doneWord: 'Levert', doneStatus: 'delivered' },
  { key: 'kontrollutvalg', label: 'Behandling i kontrollutvalget', milestone: 'ku', planned: 'kuPlannedOn', done: 'kuTreatedOn', caseRef: 'ku', doneLabel: 'Dato behandlet', doneWord: 'Behandlet', doneStatus: 'approved' },
  { key: 'kommunestyre', label: 'Behandling i kommunestyret', milestone: 'ks', planned: 'ksPlannedOn', done: 'ksTreatedOn', caseRef: 'ks', doneLabel: 'Dato behandlet', doneWord: 'Behandlet', doneStatus: 'approved' },
  { key: 'oppfolging', label: 'Oppfølging', milestone: 'follow_up', planned: 'followUpDue', done: 'followedUpOn', caseRef: 'followUp', doneLabel: 'Dato fulgt opp', doneWord: 'Fulgt opp', doneStatus: 'delivered' },
]
export const stepOf = (key: string): StepDef | undefined => STEPS.find(s => s.key === key)

/** A step's planned date: its own field, or for the report the end of the planned quarter or year. */
export const plannedDateOf = (p: ProjectView, step: StepDef): CalendarDate | null =>
  step.key === 'rapport' ? p.plannedBy : step.planned ? p[step.planned] : null

/** Late: a planned date that has passed with the step not done, in a project that is not dropped. */
export function isLate (p: ProjectView, step: StepDef, today: CalendarDate): boolean {
  const planned = plannedDateOf(p, step)
  return p.status !== 'dropped' && planned !== null && p[step.done] === null && compareDates(planned, today) < 0
}

/** One step's row: dates, status in words (and the icon that goes with it), saksnummer, calendar links. */
export function milestoneRow (p: ProjectView, step: StepDef, today: CalendarDate, bodyNames: ReadonlyMap<string, string>) {
  const planned = plannedDateOf(p, step)
  const doneOn = p[step.done]
  const late = isLate(p, step, today)
  const [status, statusText]: [DisplayStatus, string] = doneOn
    ? [step.doneStatus, step.doneWord]
    : p.status === 'dropped'
      ? ['cancelled', 'Avlyst']
      : late
        ? ['overdue', `Forsinket: ${days(daysBetween(planned!, today))} over planlagt dato`]
        : step.key === 'rapport' && (p.status === 'ordered' || p.status === 'in_progress')
          ? ['in_progress', 'Under arbeid']
          : planned ? ['planned', 'Planlagt'] : ['not_recorded', 'Ikke planlagt ennå']
  const occurrences = step.milestone === null
    ? []
    : p.milestones.filter(m => m.milestone === step.milestone).map(m => ({
      url: occurrencePageUrl('', m.occurrenceId),
      label: bodyNames.get(m.body) ?? m.body,
      date: formatDate(m.date),
    }))
  return {
    key: step.key,
    label: step.label,
    planned,
    plannedText: planned ? formatDate(planned) : '–',
    doneOn,
    doneText: doneOn ? formatDate(doneOn) : '–',
    caseRef: p.caseRefs[step.caseRef] ?? null,
    status,
    statusText,
    late,
    occurrences,
  }
}
export type MilestoneRow = ReturnType<typeof milestoneRow>

// ── forms: fields, values, problems ──────────────────────────────────────────────────────────────

/** A problem at a field: `field` is the input's id without 'felt-' ('tittel', 'rapport-utfort'). */
export interface FieldError { field: string; label: string; message: string }
/** What the reader typed, by the same keys, kept when the form is shown again. */
export type FormValues = Record<string, string>
export interface FormProblem { form: string; errors: FieldError[]; values: FormValues }
type Form = Record<string, string | undefined>

const text = (v: string | undefined): string => (v ?? '').replace(/\r\n/g, '\n').trim()
const DATE_HINT = 'Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2027-03-01.'

export const PLAN_FIELD_LABELS: Record<string, string> = {
  tittel: 'Tittel',
  problemstilling: 'Problemstilling',
  planlagtAr: 'Planlagt år',
  kvartal: 'Kvartal',
  revisor: 'Revisor',
  emne: 'Hva kontrolleres',
  tjenesteomrade: 'Annet tjenesteområde',
  kommune: 'Kommune',
  begrunnelse: 'Begrunnelse',
}
const stepFieldLabel = (step: StepDef, part: 'planlagt' | 'utfort' | 'saksnummer'): string =>
  `${step.label}: ${part === 'planlagt' ? 'planlagt dato' : part === 'utfort' ? step.doneLabel.toLowerCase() : 'saksnummer'}`

/** The label of a field key, for the error summary. */
export function fieldLabel (field: string): string {
  const [key, part] = field.split('-') as [string, 'planlagt' | 'utfort' | 'saksnummer' | undefined]
  const step = part ? stepOf(key) : undefined
  return step && part ? stepFieldLabel(step, part) : PLAN_FIELD_LABELS[field] ?? field
}
const problem = (field: string, message: string): FieldError => ({ field, label: fieldLabel(field), message })

/** Title, problem statement, planned year and quarter, auditor: the checks both the edit and the new form make. */
function parsePlanFields (form: Form, electionYear: number, opts: { titleOptional?: boolean } = {}) {
  const values: FormValues = {
    tittel: text(form.tittel), problemstilling: text(form.problemstilling), planlagtAr: text(form.planlagtAr), kvartal: text(form.kvartal), revisor: text(form.revisor),
  }
  const errors: FieldError[] = []
  if (!values.tittel && !opts.titleOptional) errors.push(problem('tittel', 'Skriv en tittel.'))
  if (values.tittel!.length > 200) errors.push(problem('tittel', 'Tittelen kan ha høyst 200 tegn.'))
  if (values.problemstilling!.length > 4000) errors.push(problem('problemstilling', 'Problemstillingen kan ha høyst 4000 tegn.'))
  const years = planYears(electionYear)
  if (!years.map(String).includes(values.planlagtAr!)) errors.push(problem('planlagtAr', `Velg et år i valgperioden, ${years[0]}–${years[years.length - 1]}.`))
  if (!['', '1', '2', '3', '4'].includes(values.kvartal!)) errors.push(problem('kvartal', 'Velg et kvartal (1–4) eller «Hele året».'))
  if (values.revisor!.length > 200) errors.push(problem('revisor', 'Revisor kan ha høyst 200 tegn.'))
  return { values, errors }
}

/** The edit form (the project's plan fields) as a patch of what changed, or the problems. */
export function parseEditForm (form: Form, project: ProjectView, electionYear: number): { patch: ProjectPatch } | { errors: FieldError[]; values: FormValues } {
  const { values, errors } = parsePlanFields(form, electionYear)
  if (errors.length) return { errors, values }
  const next = {
    title: values.tittel!,
    problemStatement: values.problemstilling || null,
    plannedYear: Number(values.planlagtAr),
    plannedQuarter: values.kvartal ? Number(values.kvartal) : null,
    auditor: values.revisor || null,
  }
  const patch: ProjectPatch = {}
  for (const k of Object.keys(next) as Array<keyof typeof next>) if (next[k] !== project[k]) (patch as Record<string, unknown>)[k] = next[k]
  return { patch }
}

/** A step's form (planned date, done date, saksnummer) as a patch; an empty field clears what it holds. */
export function parseStepForm (form: Form, project: ProjectView, step: StepDef): { patch: ProjectPatch } | { errors: FieldError[]; values: FormValues } {
  const k = step.key
  const values: FormValues = { [`${k}-utfort`]: text(form.utfort), [`${k}-saksnummer`]: text(form.saksnummer) }
  if (step.planned) values[`${k}-planlagt`] = text(form.planlagt)
  const errors: FieldError[] = []
  for (const part of ['planlagt', 'utfort'] as const) {
    const v = values[`${k}-${part}`]
    if (v && !isSupportedDate(v)) errors.push(problem(`${k}-${part}`, DATE_HINT))
  }
  if (values[`${k}-saksnummer`]!.length > 50) errors.push(problem(`${k}-saksnummer`, 'Saksnummeret kan ha høyst 50 tegn.'))
  if (errors.length) return { errors, values }
  const patch: ProjectPatch = {}
  const done = values[`${k}-utfort`] || null
  if (done !== project[step.done]) patch[step.done] = done
  if (step.planned) {
    const planned = values[`${k}-planlagt`] || null
    if (planned !== project[step.planned]) patch[step.planned] = planned
  }
  const caseRef = values[`${k}-saksnummer`] || undefined
  if (caseRef !== project.caseRefs[step.caseRef]) {
    const refs: CaseRefs = { ...project.caseRefs }
    if (caseRef) refs[step.caseRef] = caseRef
    else delete refs[step.caseRef]
    patch.caseRefs = refs
  }
  return { patch }
}

/** Dropping needs the reason (the service asks for it too). */
export function parseDropForm (form: Form): { patch: ProjectPatch } | { errors: FieldError[]; values: FormValues } {
  const begrunnelse = text(form.begrunnelse)
  const values = { begrunnelse }
  if (!begrunnelse) return { errors: [problem('begrunnelse', 'Skriv hvorfor prosjektet avlyses.')], values }
  if (begrunnelse.length > 2000) return { errors: [problem('begrunnelse', 'Begrunnelsen kan ha høyst 2000 tegn.')], values }
  return { patch: { status: 'dropped', droppedReason: begrunnelse } }
}

// ── subjects for a new project ───────────────────────────────────────────────────────────────────

/** 'Skåppå kunnskapspark (AS)'; a name that already says its form ('Eidsiva Energi AS') is left as it is. */
export function withForm (name: string, legalForm: string): string {
  const form = legalFormLabel(legalForm)
  return name.split(/\s+/).includes(form) ? name : `${name} (${form})`
}

export interface SubjectOption { value: string; label: string; input: SubjectInput; name: string }
export interface SubjectGroup { label: string; options: SubjectOption[] }
/** The value of the «another service area» choice (the text field names it). */
export const OTHER_AREA = 'annet'

/**
 * What a project of the plan may control: the companies and collaborations the plan's municipalities own,
 * take part in or host (coverage's list; those without any control this period say so), and for a
 * forvaltningsrevisjon each municipality's assessed service areas, or another one typed in.
 */
export async function subjectGroups (services: Pick<Services, 'kontroll'>, viewer: Viewer, plan: PlanView): Promise<SubjectGroup[]> {
  const municipalities = [...new Map(plan.bodies.map(b => [b.municipality.slug, b.municipality])).values()]
  const companies = new Map<string, { option: SubjectOption; owners: string[]; flagged: boolean }>()
  const areaGroups: SubjectGroup[] = []
  for (const m of municipalities) {
    const cov = (await services.kontroll.coverage.coverage(viewer, { electionYear: plan.electionYear, municipality: m.slug })).municipalities[0]!
    for (const row of cov.collaborations) {
      const c = row.collaboration
      // An eierskapskontroll concerns what the municipalities own (not a vertskommune agreement).
      if (c.status === 'terminated' || (plan.type === 'eierskapskontroll' && !row.owned)) continue
      const entry = companies.get(c.slug) ?? { option: { value: `c:${c.slug}`, label: '', input: { collaboration: c.slug }, name: c.name }, owners: [], flagged: false }
      entry.owners.push(m.name)
      entry.flagged ||= row.flagged
      entry.option.label = withForm(c.name, c.legalForm)
      companies.set(c.slug, entry)
    }
    if (plan.type === 'forvaltningsrevisjon') {
      const options = cov.serviceAreas.map(a => ({ value: `m:${m.slug}:${a.serviceArea}`, label: `${a.serviceArea}${a.score !== null ? ` – risiko × vesentlighet ${a.score}` : ''}`, input: { municipality: m.slug, serviceArea: a.serviceArea }, name: a.serviceArea }))
      if (options.length) areaGroups.push({ label: `Tjenesteområder i ${m.name}`, options })
    }
  }
  const several = municipalities.length > 1
  const companyOptions = [...companies.values()]
    .sort((a, b) => Number(b.flagged) - Number(a.flagged) || a.option.name.localeCompare(b.option.name, 'nb'))
    .map(({ option, owners, flagged }) => ({ ...option, label: `${option.label}${several ? ` – ${owners.join(', ')}` : ''}${flagged ? ' – ingen kontroll i perioden' : ''}` }))
  return [{ label: 'Selskaper og samarbeid', options: companyOptions }, ...areaGroups]
}

/** The new-project form as the service's input, or the problems. An empty title becomes «<Type> <subject>». */
export function parseNewForm (form: Form, plan: PlanView, groups: readonly SubjectGroup[]): { input: ProjectInput } | { errors: FieldError[]; values: FormValues } {
  const { values, errors } = parsePlanFields(form, plan.electionYear, { titleOptional: true })
  Object.assign(values, { emne: text(form.emne), tjenesteomrade: text(form.tjenesteomrade), kommune: text(form.kommune) })
  let subject: SubjectInput | undefined
  let name = ''
  if (values.emne === OTHER_AREA && plan.type === 'forvaltningsrevisjon') {
    const municipalities = plan.bodies.map(b => b.municipality.slug)
    const kommune = municipalities.length === 1 ? municipalities[0]! : values.kommune!
    if (!values.tjenesteomrade) errors.push(problem('tjenesteomrade', 'Skriv navnet på tjenesteområdet.'))
    else if (values.tjenesteomrade.length > 120) errors.push(problem('tjenesteomrade', 'Navnet kan ha høyst 120 tegn.'))
    if (!municipalities.includes(kommune)) errors.push(problem('kommune', 'Velg kommunen tjenesteområdet hører til.'))
    subject = { municipality: kommune, serviceArea: values.tjenesteomrade }
    name = values.tjenesteomrade!
  } else {
    const option = groups.flatMap(g => g.options).find(o => o.value === values.emne)
    if (!option) errors.push(problem('emne', 'Velg hva prosjektet skal kontrollere.'))
    else { subject = option.input; name = option.name }
  }
  if (errors.length) return { errors, values }
  const input: ProjectInput = {
    title: values.tittel || `${TYPE_LABELS[plan.type]} ${name}`.slice(0, 200),
    plannedYear: Number(values.planlagtAr),
    plannedQuarter: values.kvartal ? Number(values.kvartal) : null,
    subjects: [subject!],
  }
  if (values.problemstilling) input.problemStatement = values.problemstilling
  if (values.revisor) input.auditor = values.revisor
  return { input }
}

// ── the service's refusals, at the form's fields ─────────────────────────────────────────────────

/**
 * The service's refusal (an `invalid` error naming its field) as a problem at the form's field, in Norwegian;
 * other errors are not the form's (null). `stepKey`: the step form that was sent.
 */
export function serviceProblem (err: unknown, form: string, values: FormValues, plan: Pick<PlanView, 'electionYear'>): FormProblem | null {
  if (!(err instanceof ServiceError) || err.kind !== 'invalid') return null
  const f = err.field ?? ''
  const step = STEPS.find(s => s.done === f || s.planned === f)
  const byField: Record<string, string> = {
    title: 'tittel', problemStatement: 'problemstilling', plannedYear: 'planlagtAr', plannedQuarter: 'kvartal', auditor: 'revisor', droppedReason: 'begrunnelse', status: 'begrunnelse',
  }
  let field = step ? `${step.key}-${step.done === f ? 'utfort' : 'planlagt'}` : f.startsWith('subjects') ? (f.endsWith('serviceArea') && values.emne === OTHER_AREA ? 'tjenesteomrade' : 'emne') : f.startsWith('caseRefs') ? `${form}-saksnummer` : byField[f]
  if (!field) field = form === 'endre' || form === 'ny' ? 'tittel' : form === 'avlys' ? 'begrunnelse' : `${form}-utfort`
  const messages: Record<string, string> = {
    'kontroll.future_date': 'Datoen kan ikke være fram i tid; registrer den når det har skjedd.',
    'kontroll.invalid_date': DATE_HINT,
    'kontroll.year_outside_period': `Året må være i planens valgperiode, ${plan.electionYear}–${plan.electionYear + 4}.`,
    'kontroll.dropped_reason': 'Skriv hvorfor prosjektet avlyses.',
    'kontroll.subject_not_involved': 'Ingen av planens kommuner eier eller deltar i dette.',
    'kontroll.subject_outside_plan': 'Kommunen har ikke kontrollutvalg i denne planen.',
    'kontroll.unknown_subject': 'Finner ikke dette i registeret.',
    'kontroll.duplicate_subject': 'Valgt to ganger.',
  }
  const message = messages[err.code] ?? (err.code === 'kontroll.subject' && /eierskapskontroll/.test(err.message)
    ? 'En eierskapskontroll gjelder et selskap eller samarbeid, ikke et tjenesteområde.'
    : err.message)
  return { form, errors: [problem(field, message)], values }
}

// ── the pages ────────────────────────────────────────────────────────────────────────────────────

export interface ProjectPageContext {
  services: Pick<Services, 'kontroll' | 'access' | 'bodies'>
  viewer: Viewer
  actor: Actor | null | undefined
  today: CalendarDate
}

/** The plan (404 when the viewer may not see it), its kontrollutvalg's ids, and whether this person may change it (signed in). */
export async function planAccess (ctx: ProjectPageContext, planId: number) {
  const plan = await ctx.services.kontroll.plans.get(ctx.viewer, planId)
  const bodyIds: number[] = []
  for (const b of plan.bodies) {
    const row = await ctx.services.bodies.find(b.slug)
    if (row) bodyIds.push(row.id)
  }
  const mayChange = ctx.actor?.via === 'session' && ctx.services.access.maySteerKontroll(ctx.actor, bodyIds)
  return { plan, bodyIds, mayChange }
}

const STATUS_ICONS: readonly DisplayStatus[] = ['planned', 'in_progress', 'delivered', 'approved', 'overdue', 'not_recorded', 'cancelled']
const icons = () => Object.fromEntries(STATUS_ICONS.map(s => [s, markShapes(s, 9, 9, 6.5)]))

const planHead = (plan: PlanView) => ({
  id: plan.id,
  title: plan.title,
  type: TYPE_LABELS[plan.type],
  valgperiode: plan.valgperiode,
  bodies: plan.bodies.map(b => b.name).join(', '),
  url: planPageUrl(plan.id),
})

/** Everything the project page shows. `problem`: a form shown again with its problems. */
export async function projectPage (ctx: ProjectPageContext, planId: number, projectId: number, problem?: FormProblem) {
  const { plan, mayChange } = await planAccess(ctx, planId)
  const p = await ctx.services.kontroll.projects.get(ctx.viewer, planId, projectId)
  const bodyNames = new Map(plan.bodies.map(b => [b.slug, b.municipality.name]))
  const municipalityNames = new Map(plan.bodies.map(b => [b.municipality.slug, b.municipality.name]))
  const rows = STEPS.map(s => milestoneRow(p, s, ctx.today, bodyNames))
  const values: FormValues = {
    tittel: p.title,
    problemstilling: p.problemStatement ?? '',
    planlagtAr: String(p.plannedYear),
    kvartal: p.plannedQuarter ? String(p.plannedQuarter) : '',
    revisor: p.auditor ?? '',
    begrunnelse: '',
  }
  for (const s of STEPS) {
    values[`${s.key}-utfort`] = p[s.done] ?? ''
    values[`${s.key}-saksnummer`] = p.caseRefs[s.caseRef] ?? ''
    if (s.planned) values[`${s.key}-planlagt`] = p[s.planned] ?? ''
  }
  Object.assign(values, problem?.values ?? {})
  const late = rows.filter(r => r.late)
  return {
    pageTitle: `${p.title} – ${plan.title}`,
    kontrollStyles: true,
    plan: planHead(plan),
    project: {
      id: p.id,
      title: p.title,
      problemStatement: p.problemStatement,
      subjects: p.subjects.map(s => s.type === 'collaboration'
        ? withForm(s.name, s.legalForm)
        : `${s.serviceArea} i ${municipalityNames.get(s.municipality) ?? s.municipality}`),
      planned: plannedPeriod(p.plannedYear, p.plannedQuarter),
      plannedBy: formatDate(p.plannedBy),
      auditor: p.auditor,
      status: p.status,
      statusLabel: PROJECT_STATUS_LABELS[p.status],
      dropped: p.status === 'dropped',
      droppedReason: p.droppedReason,
    },
    lateSummary: late.length ? `${late.length === 1 ? 'Ett steg er' : `${late.length} steg er`} forsinket: ${late.map(r => r.label.toLowerCase()).join(', ')}.` : null,
    rows,
    steps: STEPS.map(s => ({ key: s.key, label: s.label, hasPlanned: s.planned !== null, doneLabel: s.doneLabel, plannedByReport: s.key === 'rapport' ? formatDate(p.plannedBy) : null })),
    pageUrl: projectPageUrl(planId, projectId),
    mayChange,
    today: ctx.today,
    years: planYears(plan.electionYear),
    values,
    problem: problem ?? null,
    errorOf: (field: string) => problem?.errors.find(e => e.field === field) ?? null,
    statusLabels: STATUS_LABELS,
    icons: icons(),
  }
}

/** The new-project page: the form with the plan's subjects. `preselect`: a subject value from ?emne=. */
export async function newProjectPage (ctx: ProjectPageContext, planId: number, opts: { problem?: FormProblem; preselect?: string } = {}) {
  const { plan, mayChange } = await planAccess(ctx, planId)
  const groups = await subjectGroups(ctx.services, ctx.viewer, plan)
  const years = planYears(plan.electionYear)
  const thisYear = Number(ctx.today.slice(0, 4))
  const values: FormValues = {
    tittel: '',
    emne: opts.preselect ?? '',
    tjenesteomrade: '',
    kommune: '',
    planlagtAr: String(years.includes(thisYear) ? thisYear : years[1]),
    kvartal: '',
    problemstilling: '',
    revisor: '',
    ...(opts.problem?.values ?? {}),
  }
  return {
    pageTitle: `Nytt prosjekt – ${plan.title}`,
    kontrollStyles: true,
    plan: planHead(plan),
    kind: plan.type,
    kindLabel: TYPE_LABELS[plan.type],
    groups,
    otherArea: plan.type === 'forvaltningsrevisjon' ? OTHER_AREA : null,
    municipalities: [...new Map(plan.bodies.map(b => [b.municipality.slug, b.municipality])).values()],
    formUrl: newProjectUrl(planId),
    mayChange,
    years,
    values,
    problem: opts.problem ?? null,
    errorOf: (field: string) => opts.problem?.errors.find(e => e.field === field) ?? null,
  }
}
