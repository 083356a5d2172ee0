// The plans in the browser (issue 15, item 3): the plan page, an earlier version's page, the printable plan
// document, the adoption, reorder and revision forms, and «planlegg» from the ranked overordnet analyse. This
// module shapes what the templates show and reads the forms; the route (src/routes/kontroll-pages/plans.ts)
// calls the services and renders. No I/O here.
import { isSupportedDate, compareDates, type CalendarDate } from '../../domain/calendar-date.js'
import { planYears } from '../../domain/kontroll.js'
import { KONTROLL_TYPES, type KontrollType, type PlanStatus, type ProjectStatus } from '../../domain/kontroll-vocabulary.js'
import { formatDate } from '../../presenters/vocabulary.js'
import { ServiceError } from '../../shared/errors.js'

// ── words ──

export const TYPE_LABELS: Record<KontrollType, string> = { forvaltningsrevisjon: 'Forvaltningsrevisjon', eierskapskontroll: 'Eierskapskontroll' }
/** «Plan for forvaltningsrevisjon», as a document's heading names it. */
export const PLAN_NAMES: Record<KontrollType, string> = { forvaltningsrevisjon: 'Plan for forvaltningsrevisjon', eierskapskontroll: 'Plan for eierskapskontroll' }
/** Kommuneloven's section for each plan (koml. § 23-3 forvaltningsrevisjon, § 23-4 eierskapskontroll). */
export const LEGAL_BASIS: Record<KontrollType, string> = {
  forvaltningsrevisjon: 'Kommuneloven § 23-3: kontrollutvalget skal minst én gang i valgperioden og senest innen utgangen av året etter at kommunestyret er konstituert, utarbeide en plan for forvaltningsrevisjon. Planen vedtas av kommunestyret.',
  eierskapskontroll: 'Kommuneloven § 23-4: kontrollutvalget skal minst én gang i valgperioden og senest innen utgangen av året etter at kommunestyret er konstituert, utarbeide en plan for eierskapskontroll. Planen vedtas av kommunestyret.',
}
export const PLAN_STATUS_LABELS: Record<PlanStatus, string> = {
  draft: 'Utkast',
  adopted_ku: 'Vedtatt av kontrollutvalget',
  adopted_ks: 'Vedtatt av kommunestyret',
}
export const PROJECT_STATUS_LABELS: Record<ProjectStatus, string> = {
  planned: 'Planlagt',
  ordered: 'Bestilt',
  in_progress: 'Under arbeid',
  reported: 'Rapport levert',
  treated: 'Behandlet',
  followed_up: 'Fulgt opp',
  dropped: 'Utgått',
}

const label = <K extends string>(labels: Record<K, string>, key: string): string => (labels as Record<string, string>)[key] ?? key

/** «2. kvartal 2025», or the year alone when no quarter is planned. */
export function plannedPeriod (year: number, quarter: number | null | undefined): string {
  return quarter ? `${quarter}. kvartal ${year}` : String(year)
}

// ── what the services give (the lead's contract, issue 15; optional fields fall back while it lands) ──

export interface PlanBody { slug: string; name: string; municipality: { slug: string; name: string } }
/** A member's adoption; the municipality given beside the body (current version) or inside it (versions). */
export interface AdoptionLike {
  body: { slug: string; name: string; municipality?: { slug: string; name: string } }
  municipality?: { slug: string; name: string }
  kuAdoptedOn: string | null
  kuCaseRef: string | null
  ksAdoptedOn: string | null
  ksCaseRef: string | null
}
export interface VersionLike { version: number; status: string; reason: string | null; created: string; adoptions?: AdoptionLike[] }
export interface PlanLike {
  id: number
  type: KontrollType
  electionYear: number
  valgperiode: string
  title: string
  status: string
  bodies: PlanBody[]
  kuAdoptedOn: string | null
  kuCaseRef: string | null
  ksAdoptedOn: string | null
  ksCaseRef: string | null
  adoptionDue: string
  note?: string | null
  version?: number
  adoptions?: AdoptionLike[]
  versions?: VersionLike[]
  inForce?: number | null
}
/** A project's subject: a collaboration (slug, name) or a municipality's service area (as an earlier version's snapshot keeps it, loosely). */
export interface SubjectLike { type: string; slug?: string; name?: string; municipality?: string; serviceArea?: string }
export interface ProjectLike {
  /** Missing in an earlier version's snapshot. */
  id?: number
  title: string
  subjects: SubjectLike[]
  plannedYear: number
  plannedQuarter: number | null
  status: string
  position?: number
}

/** The current version's adoption, one per member kontrollutvalg (the plan-wide dates until the service gives them). */
export function adoptionsOf (plan: PlanLike): AdoptionLike[] {
  return plan.adoptions ?? plan.bodies.map(b => ({
    body: { slug: b.slug, name: b.name },
    municipality: b.municipality,
    kuAdoptedOn: plan.kuAdoptedOn,
    kuCaseRef: plan.kuCaseRef,
    ksAdoptedOn: plan.ksAdoptedOn,
    ksCaseRef: plan.ksCaseRef,
  }))
}

/** «GLØR IKS» or «Barnevern (Lillehammer)»: a service area names its municipality. */
export function subjectLabel (s: SubjectLike, municipalityNames: ReadonlyMap<string, string>): string {
  return s.type === 'collaboration' ? s.name ?? s.slug ?? '' : `${s.serviceArea ?? ''} (${municipalityNames.get(s.municipality ?? '') ?? s.municipality ?? ''})`
}

/** Projects in plan order: `position` when the service gives it, else as listed. */
export function inPlanOrder<P extends ProjectLike> (projects: readonly P[]): P[] {
  return projects.map((p, i) => ({ p, i })).sort((a, b) => (a.p.position ?? a.i + 1) - (b.p.position ?? b.i + 1) || a.i - b.i).map(x => x.p)
}

export const planUrl = (id: number) => `/kontroll/plan/${id}`

// ── views ──

export const municipalityOf = (a: AdoptionLike): { slug: string; name: string } =>
  a.municipality ?? a.body.municipality ?? { slug: '', name: a.body.name }

function adoptionRows (adoptions: readonly AdoptionLike[], mayRecord: (bodySlug: string) => boolean) {
  return adoptions.map(a => ({
    body: { slug: a.body.slug, name: a.body.name },
    municipality: municipalityOf(a),
    ku: a.kuAdoptedOn ? { date: formatDate(a.kuAdoptedOn), iso: a.kuAdoptedOn, caseRef: a.kuCaseRef } : null,
    ks: a.ksAdoptedOn ? { date: formatDate(a.ksAdoptedOn), iso: a.ksAdoptedOn, caseRef: a.ksCaseRef } : null,
    mayRecord: mayRecord(a.body.slug),
  }))
}

/** One line per member for the printed document: «Gausdal kontrollutvalg: vedtatt 10. september 2024 (KU-sak 24/31)». */
export function adoptionLines (adoptions: readonly AdoptionLike[]) {
  return adoptions.map(a => ({
    ku: `${a.body.name}: ${a.kuAdoptedOn ? `vedtatt ${formatDate(a.kuAdoptedOn)}${a.kuCaseRef ? ` (${a.kuCaseRef})` : ''}` : 'ikke vedtatt'}`,
    ks: `Kommunestyret i ${municipalityOf(a).name}: ${a.ksAdoptedOn ? `vedtatt ${formatDate(a.ksAdoptedOn)}${a.ksCaseRef ? ` (${a.ksCaseRef})` : ''}` : 'ikke vedtatt'}`,
  }))
}

function projectRows (plan: PlanHeadLike, projects: readonly ProjectLike[]) {
  const names = new Map(plan.bodies.map(b => [b.municipality.slug, b.municipality.name]))
  const ordered = inPlanOrder(projects)
  return ordered.map((p, i) => ({
    id: p.id,
    number: i + 1,
    title: p.title,
    subjects: p.subjects.map(s => subjectLabel(s, names)),
    planned: plannedPeriod(p.plannedYear, p.plannedQuarter),
    status: label(PROJECT_STATUS_LABELS, p.status),
    url: p.id !== undefined ? `${planUrl(plan.id)}/prosjekt/${p.id}` : null,
    first: i === 0,
    last: i === ordered.length - 1,
  }))
}

/** What a plan's heading needs (an earlier version's plan has its own title). */
export type PlanHeadLike = Pick<PlanLike, 'id' | 'type' | 'valgperiode' | 'bodies' | 'adoptionDue' | 'title'>

function planHead (plan: PlanHeadLike) {
  return {
    id: plan.id,
    title: plan.title,
    type: plan.type,
    typeLabel: TYPE_LABELS[plan.type],
    planName: PLAN_NAMES[plan.type],
    valgperiode: plan.valgperiode,
    bodies: plan.bodies,
    joint: plan.bodies.length > 1,
    bodyNames: plan.bodies.map(b => b.name).join(', '),
    due: formatDate(plan.adoptionDue),
    legalBasis: LEGAL_BASIS[plan.type],
    url: planUrl(plan.id),
  }
}

// Form fields (the names the HTML gives them) and how the error summary names them.
export type PlanFormField = 'kontrollutvalg' | 'organ' | 'dato' | 'saksnummer' | 'grunn' | 'tittel' | 'prosjekt' | 'retning'
export const FIELD_LABELS: Record<PlanFormField, string> = {
  kontrollutvalg: 'Kontrollutvalg',
  organ: 'Vedtatt av',
  dato: 'Vedtaksdato',
  saksnummer: 'Saksnummer',
  grunn: 'Grunn til revisjonen',
  tittel: 'Ny tittel',
  prosjekt: 'Prosjekt',
  retning: 'Flytt',
}
export interface FormError { field: string; message: string }
export type PlanForm = 'vedtak' | 'revider'
export interface PlanFormProblem { form: PlanForm; errors: FormError[]; values: Record<string, string> }

export interface PlanPageInput {
  plan: PlanLike
  projects: readonly ProjectLike[]
  /** Whether the person may change the plan as a whole (reorder, revise): admin or the sekretariat of every member. */
  mayChange: boolean
  /** Whether the person may record the adoption of this member kontrollutvalg. */
  mayRecord: (bodySlug: string) => boolean
  signedIn: boolean
  today: CalendarDate
  problem?: PlanFormProblem
}

/** Everything the plan page shows. */
export function planPage (input: PlanPageInput) {
  const { plan } = input
  const version = plan.version ?? 1
  const adoptions = adoptionRows(adoptionsOf(plan), input.mayRecord)
  const recordable = adoptions.filter(a => a.mayRecord)
  const everyKu = adoptions.length > 0 && adoptions.every(a => a.ku)
  const versions = (plan.versions ?? []).filter(v => v.version !== version).sort((a, b) => b.version - a.version).map(v => ({
    version: v.version,
    status: label(PLAN_STATUS_LABELS, v.status),
    reason: v.reason,
    url: `${planUrl(plan.id)}/versjon/${v.version}`,
    inForce: plan.inForce === v.version,
  }))
  const problem = input.problem
  return {
    pageTitle: plan.title,
    kontrollStyles: true,
    plan: planHead(plan),
    version,
    status: label(PLAN_STATUS_LABELS, plan.status),
    statusKey: plan.status,
    inForce: plan.inForce ?? null,
    // The statutory deadline is met once a version is adopted by every kommunestyre; a later revision does not reopen it.
    dueMetBy: (plan.versions ?? []).find(v => v.status === 'adopted_ks')?.version ?? null,
    inForceOther: plan.inForce != null && plan.inForce !== version ? { version: plan.inForce, url: `${planUrl(plan.id)}/versjon/${plan.inForce}` } : null,
    adoptions,
    projects: projectRows(plan, input.projects),
    versions,
    mayChange: input.mayChange,
    // An adopted version's project list is changed in a revision (a new version with its own adoption), not in place.
    mayEditProjects: input.mayChange && plan.status === 'draft',
    mayRecord: recordable.length > 0,
    recordable: recordable.map(a => a.body),
    mayRevise: input.mayChange && everyKu,
    signedIn: input.signedIn,
    today: input.today,
    problem: problem ?? null,
    values: problem?.values ?? {},
    errorsOf: (form: PlanForm) => problem && problem.form === form ? problem.errors : [],
    fieldLabels: FIELD_LABELS,
    links: {
      review: `${planUrl(plan.id)}/gjennomgang`,
      print: `${planUrl(plan.id)}/utskrift`,
      newProject: `${planUrl(plan.id)}/prosjekt/ny`,
    },
  }
}

export interface VersionInput {
  plan: Omit<PlanHeadLike, 'title'>
  title: string
  version: number
  reason: string | null
  status: string
  adoptions: AdoptionLike[]
  projects: readonly ProjectLike[]
  current: boolean
}

/** An earlier (or the current) version as it was: its adoption and its projects. */
export function versionPage (v: VersionInput) {
  return {
    pageTitle: `${v.title}, versjon ${v.version}`,
    kontrollStyles: true,
    plan: planHead({ ...v.plan, title: v.title }),
    version: v.version,
    current: v.current,
    reason: v.reason,
    status: label(PLAN_STATUS_LABELS, v.status),
    adoptions: adoptionRows(v.adoptions, () => false),
    projects: projectRows({ ...v.plan, title: v.title }, v.projects),
  }
}

/** The printable plan document (A4): heading, legal basis, adoption lines, projects in plan order. */
export function printPage (input: { plan: PlanLike; projects: readonly ProjectLike[]; version?: number; adoptions?: AdoptionLike[]; status?: string; title?: string }) {
  const plan = { ...input.plan, title: input.title ?? input.plan.title }
  const version = input.version ?? plan.version ?? 1
  const status = input.status ?? plan.status
  return {
    pageTitle: `${PLAN_NAMES[plan.type]} ${plan.valgperiode} – utskrift`,
    kontrollStyles: true,
    plan: planHead(plan),
    version,
    status: label(PLAN_STATUS_LABELS, status),
    adoptionLines: adoptionLines(input.adoptions ?? adoptionsOf(plan)),
    projects: projectRows(plan, input.projects),
  }
}

// ── forms ──

type Body = Record<string, unknown>
const text = (body: Body, name: string): string => {
  const v = body[name]
  return typeof v === 'string' ? v.trim() : Array.isArray(v) && typeof v[0] === 'string' ? v[0].trim() : ''
}

export interface AdoptionInput { kuAdoptedOn?: string; kuCaseRef?: string; ksAdoptedOn?: string; ksCaseRef?: string }
export type ParsedAdoption = { bodies: string[]; organ: 'ku' | 'ks'; input: AdoptionInput } | { errors: FormError[]; values: Record<string, string> }

/**
 * The adoption form: member (or «alle»), organ, date (not in the future), saksnummer. `members`: the slugs the
 * person may record for; `current`: each member's adoption now, so that a council's date before its
 * kontrollutvalg's (or the reverse) is named here, before anything is saved for any member.
 */
export function parseAdoptionForm (body: Body, members: readonly string[], today: CalendarDate, current: ReadonlyMap<string, AdoptionLike> = new Map()): ParsedAdoption {
  const values = { kontrollutvalg: text(body, 'kontrollutvalg'), organ: text(body, 'organ'), dato: text(body, 'dato'), saksnummer: text(body, 'saksnummer') }
  const errors: FormError[] = []
  const bodies = values.kontrollutvalg === 'alle' ? [...members] : members.includes(values.kontrollutvalg) ? [values.kontrollutvalg] : []
  if (bodies.length === 0) errors.push({ field: 'kontrollutvalg', message: 'Velg kontrollutvalget som vedtok planen.' })
  if (values.organ !== 'ku' && values.organ !== 'ks') errors.push({ field: 'organ', message: 'Velg kontrollutvalget eller kommunestyret.' })
  if (!values.dato) errors.push({ field: 'dato', message: 'Skriv datoen for vedtaket.' })
  else if (!isSupportedDate(values.dato)) errors.push({ field: 'dato', message: 'Datoen må være en gyldig dato (dd.mm.åååå).' })
  else if (compareDates(values.dato, today) > 0) errors.push({ field: 'dato', message: 'Datoen kan ikke være fram i tid.' })
  if (!values.saksnummer) errors.push({ field: 'saksnummer', message: 'Skriv saksnummeret, for eksempel KU-sak 27/04.' })
  else if (values.saksnummer.length > 100) errors.push({ field: 'saksnummer', message: 'Saksnummeret kan ha høyst 100 tegn.' })
  if (!errors.length) {
    for (const slug of bodies) {
      const a = current.get(slug)
      if (!a) continue
      if (values.organ === 'ks' && (!a.kuAdoptedOn || compareDates(values.dato, a.kuAdoptedOn) < 0)) {
        errors.push({
          field: 'dato',
          message: a.kuAdoptedOn
            ? `Kommunestyret vedtar planen etter kontrollutvalget: ${a.body.name} vedtok den ${formatDate(a.kuAdoptedOn)}.`
            : `Registrer først kontrollutvalgets vedtak (${a.body.name}); kommunestyret vedtar planen etter kontrollutvalget.`,
        })
        break
      }
      if (values.organ === 'ku' && a.ksAdoptedOn && compareDates(values.dato, a.ksAdoptedOn) > 0) {
        errors.push({ field: 'dato', message: `Kommunestyret i ${municipalityOf(a).name} vedtok planen ${formatDate(a.ksAdoptedOn)}; kontrollutvalgets vedtak kommer før det.` })
        break
      }
    }
  }
  if (errors.length) return { errors, values }
  const organ = values.organ as 'ku' | 'ks'
  const input: AdoptionInput = organ === 'ku' ? { kuAdoptedOn: values.dato, kuCaseRef: values.saksnummer } : { ksAdoptedOn: values.dato, ksCaseRef: values.saksnummer }
  return { bodies, organ, input }
}

export type ParsedRevision = { reason: string; title?: string } | { errors: FormError[]; values: Record<string, string> }

/** «Revider planen»: a reason (required) and an optional new title. */
export function parseReviseForm (body: Body): ParsedRevision {
  const values = { grunn: text(body, 'grunn'), tittel: text(body, 'tittel') }
  const errors: FormError[] = []
  if (!values.grunn) errors.push({ field: 'grunn', message: 'Skriv hvorfor planen revideres.' })
  else if (values.grunn.length > 2000) errors.push({ field: 'grunn', message: 'Grunnen kan ha høyst 2000 tegn.' })
  if (values.tittel.length > 300) errors.push({ field: 'tittel', message: 'Tittelen kan ha høyst 300 tegn.' })
  if (errors.length) return { errors, values }
  return values.tittel ? { reason: values.grunn, title: values.tittel } : { reason: values.grunn }
}

/**
 * «Flytt opp» / «Flytt ned» on one project: the plan's new order (every live project once), or null when the
 * project is not in the plan or already first/last (nothing to do). `order`: the project ids in plan order.
 */
export function movedOrder (order: readonly number[], projectId: number, direction: string): number[] | null {
  const i = order.indexOf(projectId)
  const j = direction === 'opp' ? i - 1 : direction === 'ned' ? i + 1 : -1
  if (i < 0 || j < 0 || j >= order.length) return null
  const out = [...order]
  out[i] = order[j]!
  out[j] = projectId
  return out
}

/** A service's `invalid` error as a problem at one of the form's fields; null for any other error. */
export function serviceProblem (err: unknown, form: PlanForm, values: Record<string, string>): PlanFormProblem | null {
  if (!(err instanceof ServiceError) || (err.kind !== 'invalid' && err.kind !== 'conflict')) return null
  const f = err.field ?? ''
  const field = form === 'revider'
    ? (/title/.test(f) ? 'tittel' : 'grunn')
    : /CaseRef/.test(f) ? 'saksnummer' : /AdoptedOn|date/i.test(f) ? 'dato' : /body|bodies/.test(f) ? 'kontrollutvalg' : 'dato'
  const message = err.code === 'kontroll.future_date'
    ? 'Datoen kan ikke være fram i tid.'
    : err.code === 'kontroll.adoption_order'
      ? 'Kommunestyret vedtar planen etter kontrollutvalget: registrer kontrollutvalgets vedtak først, med en tidligere eller samme dato.'
      : err.code === 'kontroll.plan_not_adopted'
        ? 'Planen kan revideres når alle kontrollutvalgene har vedtatt gjeldende versjon.'
        : err.message
  return { form, errors: [{ field, message }], values }
}

// ── planlegg: the plan from the ranked overordnet analyse ──

export interface AssessmentLike {
  id: number
  subject: { type: 'collaboration'; slug: string; name: string } | { type: 'service_area'; municipality: string; serviceArea: string }
  risk: number
  materiality: number
  score: number
  rank?: number
}

export type SubjectRef = { collaboration: string } | { municipality: string; serviceArea: string }
/** A hidden field's value naming a subject: «c:glor» or «m:oyer:Barnevern». */
export const subjectKeyOf = (s: AssessmentLike['subject']): string => s.type === 'collaboration' ? `c:${s.slug}` : `m:${s.municipality}:${s.serviceArea}`

export interface PlanleggRow {
  index: number
  key: string
  rank: number
  subject: string
  risk: number
  materiality: number
  score: number
  collaboration: boolean
  /** Already a project in the kontrollutvalg's plan of this period. */
  planned: boolean
  values: { ta: boolean; tittel: string; ar: string; kvartal: string; type: KontrollType }
}

const defaultKind = (s: AssessmentLike['subject']): KontrollType => s.type === 'collaboration' ? 'eierskapskontroll' : 'forvaltningsrevisjon'
const defaultTitle = (s: AssessmentLike['subject']): string => s.type === 'collaboration' ? `Eierskapskontroll ${s.name}` : s.serviceArea

/** The ranked list as form rows (values kept from a form shown again). */
export function planleggRows (assessments: readonly AssessmentLike[], municipalityNames: ReadonlyMap<string, string>, plannedKeys: ReadonlySet<string>, electionYear: number, values?: Body): PlanleggRow[] {
  const years = planYears(electionYear)
  return assessments.map((a, i) => {
    const subject = a.subject.type === 'collaboration' ? a.subject.name : `${a.subject.serviceArea} (${municipalityNames.get(a.subject.municipality) ?? a.subject.municipality})`
    const key = subjectKeyOf(a.subject)
    const kept = values !== undefined
    const chosen = kept ? ([] as unknown[]).concat(values.ta_med ?? []).map(String).includes(String(i)) : false
    const kind = kept ? text(values, `type_${i}`) : ''
    return {
      index: i,
      key,
      rank: a.rank ?? i + 1,
      subject,
      risk: a.risk,
      materiality: a.materiality,
      score: a.score,
      collaboration: a.subject.type === 'collaboration',
      planned: plannedKeys.has(key),
      values: {
        ta: chosen,
        tittel: kept ? text(values, `tittel_${i}`) : defaultTitle(a.subject),
        ar: kept ? text(values, `ar_${i}`) : String(years[1]),
        kvartal: kept ? text(values, `kvartal_${i}`) : '',
        type: (KONTROLL_TYPES as readonly string[]).includes(kind) ? kind as KontrollType : defaultKind(a.subject),
      },
    }
  })
}

export interface RankingItem { subject: SubjectRef; title: string; plannedYear: number; plannedQuarter: number | null; kind: KontrollType }
export type ParsedPlanlegg = { items: RankingItem[] } | { errors: FormError[] }

/** The planlegg form: the rows ticked «Ta med», each with a title, a year of the period, an optional quarter and a kind. */
export function parsePlanleggForm (body: Body, assessments: readonly AssessmentLike[], electionYear: number): ParsedPlanlegg {
  const years = planYears(electionYear)
  const chosen = [...new Set(([] as unknown[]).concat(body.ta_med ?? []).map(String))]
  const errors: FormError[] = []
  const items: RankingItem[] = []
  if (chosen.length === 0) return { errors: [{ field: 'ta_med', message: 'Kryss av for minst ett emne under «Ta med».' }] }
  for (const c of chosen) {
    const i = /^\d{1,4}$/.test(c) ? Number(c) : -1
    const a = assessments[i]
    if (!a) { errors.push({ field: 'ta_med', message: 'Listen er endret siden siden ble åpnet; last den inn igjen.' }); continue }
    const name = a.subject.type === 'collaboration' ? a.subject.name : a.subject.serviceArea
    const title = text(body, `tittel_${i}`)
    const year = Number(text(body, `ar_${i}`))
    const q = text(body, `kvartal_${i}`)
    const kind = text(body, `type_${i}`) || defaultKind(a.subject)
    if (!title) errors.push({ field: `tittel_${i}`, message: `Skriv en tittel for ${name}.` })
    else if (title.length > 300) errors.push({ field: `tittel_${i}`, message: `Tittelen for ${name} kan ha høyst 300 tegn.` })
    if (!years.includes(year)) errors.push({ field: `ar_${i}`, message: `Velg et år i valgperioden (${years[0]}–${years[years.length - 1]}) for ${name}.` })
    if (q !== '' && !['1', '2', '3', '4'].includes(q)) errors.push({ field: `kvartal_${i}`, message: `Velg kvartal 1–4 for ${name}, eller «Hele året».` })
    if (!(KONTROLL_TYPES as readonly string[]).includes(kind) || (kind === 'eierskapskontroll' && a.subject.type !== 'collaboration')) {
      errors.push({ field: `type_${i}`, message: `En eierskapskontroll gjelder et selskap eller samarbeid, ikke et tjenesteområde (${name}).` })
    }
    const subject: SubjectRef = a.subject.type === 'collaboration' ? { collaboration: a.subject.slug } : { municipality: a.subject.municipality, serviceArea: a.subject.serviceArea }
    items.push({ subject, title, plannedYear: year, plannedQuarter: q ? Number(q) : null, kind: kind as KontrollType })
  }
  return errors.length ? { errors } : { items }
}

/** The planlegg form's field labels (the summary links to `felt-<name>`). */
export function planleggFieldLabel (field: string): string {
  const m = /^(tittel|ar|kvartal|type)_\d+$/.exec(field)
  return m ? ({ tittel: 'Tittel', ar: 'År', kvartal: 'Kvartal', type: 'Type' } as Record<string, string>)[m[1]!]! : 'Ta med'
}
