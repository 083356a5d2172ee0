// The overordnet analyse pages (issue 15, /kontroll/<kontrollutvalg>/analyse): every subject of the
// kontrollutvalg's municipality — its assessed service areas, and each company or collaboration it owns,
// takes part in or hosts (the coverage service's set) — with its risk and vesentlighet, a ranked list and
// a 5 × 5 matrix; and the scoring form. This module gathers through the services and shapes; the route
// parses, saves (services.kontroll.assessments) and renders.
import type { Services } from '../../services/index.js'
import type { Actor, Viewer } from '../../services/access.js'
import type { AssessmentView } from '../../services/kontroll/shared.js'
import type { MunicipalityCoverage } from '../../services/kontroll/coverage.js'
import { compareDates, isSupportedDate, type CalendarDate } from '../../domain/calendar-date.js'
import { isElectionYear } from '../../domain/valgperiode.js'
import { normaliseServiceArea } from '../../domain/kontroll.js'
import { formatDate, legalFormLabel } from '../../presenters/vocabulary.js'
import { AppError, ServiceError } from '../../shared/errors.js'
import { currentElectionYear, workspaceKontrollutvalg, type WorkspaceKontrollutvalg } from './workspace.js'
import { matrixGeometry, scoreLevel, SCORE_LEVELS } from './risk-matrix.js'

/** The words of the five steps of both scales. */
export const SCALE = [
  { value: 1, label: '1 – lav' },
  { value: 2, label: '2 – ganske lav' },
  { value: 3, label: '3 – middels' },
  { value: 4, label: '4 – ganske høy' },
  { value: 5, label: '5 – høy' },
] as const

const ROLE_WORDS: Record<string, string> = { eier: 'eier', deltaker: 'deltaker', vertskommune: 'vertskommune' }

export interface AnalyseAssessment {
  id: number
  risk: number
  materiality: number
  score: number
  justification: string | null
  assessedOn: CalendarDate
  assessedOnText: string
}

/** One thing the kontrollutvalg assesses: a company or collaboration, or one of the municipality's service areas. */
export interface AnalyseSubject {
  kind: 'collaboration' | 'service_area'
  /** The id of its row on the page (links and the redirect after saving land there). */
  anchor: string
  name: string
  /** «AS · eier», «Tjenesteområde». */
  detail: string
  collaboration: string | null
  serviceArea: string | null
  assessment: AnalyseAssessment | null
}
export interface RankedSubject extends AnalyseSubject { rank: number | null }

/** An anchor-safe name: 'Helse og omsorg' → 'helse-og-omsorg'. */
export function anchorOf (s: string): string {
  return s.toLocaleLowerCase('nb').replace(/æ/g, 'ae').replace(/ø/g, 'o').replace(/å/g, 'a').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x'
}
const areaKey = (s: string) => normaliseServiceArea(s).toLocaleLowerCase('nb')

const assessmentOf = (a: AssessmentView): AnalyseAssessment => ({
  id: a.id, risk: a.risk, materiality: a.materiality, score: a.score, justification: a.justification, assessedOn: a.assessedOn, assessedOnText: formatDate(a.assessedOn),
})

/**
 * The subjects of one municipality: every collaboration of its coverage (what it owns, takes part in or
 * hosts), any other collaboration assessed for it, and every service area assessed or controlled in the period.
 */
export function subjectsOf (coverage: Pick<MunicipalityCoverage, 'municipality' | 'collaborations' | 'serviceAreas'>, assessments: readonly AssessmentView[]): AnalyseSubject[] {
  const municipality = coverage.municipality.slug
  const byCollaboration = new Map<string, AssessmentView>()
  const byArea = new Map<string, AssessmentView>()
  for (const a of assessments) {
    if (a.subject.type === 'collaboration') byCollaboration.set(a.subject.slug, a)
    else if (a.subject.municipality === municipality) byArea.set(areaKey(a.subject.serviceArea), a)
  }
  const out: AnalyseSubject[] = []
  const seen = new Set<string>()
  for (const row of coverage.collaborations) {
    const c = row.collaboration
    seen.add(c.slug)
    const a = byCollaboration.get(c.slug)
    out.push({
      kind: 'collaboration',
      anchor: `emne-${c.slug}`,
      name: c.name,
      detail: `${legalFormLabel(c.legalForm)} · ${ROLE_WORDS[c.role] ?? c.role}${c.status === 'terminated' ? ' · avviklet' : ''}`,
      collaboration: c.slug,
      serviceArea: null,
      assessment: a ? assessmentOf(a) : null,
    })
  }
  for (const [slug, a] of byCollaboration) {
    if (seen.has(slug) || a.subject.type !== 'collaboration') continue
    out.push({ kind: 'collaboration', anchor: `emne-${slug}`, name: a.subject.name, detail: 'Samarbeid', collaboration: slug, serviceArea: null, assessment: assessmentOf(a) })
  }
  const areas = new Map<string, string>()
  for (const r of coverage.serviceAreas) areas.set(areaKey(r.serviceArea), r.serviceArea)
  for (const [key, a] of byArea) if (!areas.has(key) && a.subject.type === 'service_area') areas.set(key, a.subject.serviceArea)
  for (const [key, name] of areas) {
    const a = byArea.get(key)
    out.push({
      kind: 'service_area',
      anchor: `emne-omrade-${anchorOf(name)}`,
      name: a?.subject.type === 'service_area' ? a.subject.serviceArea : name,
      detail: 'Tjenesteområde',
      collaboration: null,
      serviceArea: a?.subject.type === 'service_area' ? a.subject.serviceArea : name,
      assessment: a ? assessmentOf(a) : null,
    })
  }
  return out
}

/**
 * The ranked list: assessed subjects first, highest risk × vesentlighet first, ties by name (Norwegian
 * order), numbered 1, 2, …; then those not assessed, by name, without a number.
 */
export function rankSubjects (subjects: readonly AnalyseSubject[]): RankedSubject[] {
  const byName = (a: AnalyseSubject, b: AnalyseSubject) => a.name.localeCompare(b.name, 'nb')
  const assessed = subjects.filter(s => s.assessment).sort((a, b) => b.assessment!.score - a.assessment!.score || byName(a, b))
  const rest = subjects.filter(s => !s.assessment).sort(byName)
  return [...assessed.map((s, i) => ({ ...s, rank: i + 1 })), ...rest.map(s => ({ ...s, rank: null }))]
}

export interface MatrixCell {
  risk: number
  materiality: number
  score: number
  levelLabel: string
  subjects: Array<{ rank: number; name: string; anchor: string }>
}

/** The 5 × 5 matrix as rows: risk 5 first (the top row), vesentlighet 1 to 5 in each; subjects by rank. */
export function matrixRows (ranked: readonly RankedSubject[]): MatrixCell[][] {
  const rows: MatrixCell[][] = []
  for (let risk = 5; risk >= 1; risk--) {
    const row: MatrixCell[] = []
    for (let materiality = 1; materiality <= 5; materiality++) {
      const score = risk * materiality
      row.push({
        risk,
        materiality,
        score,
        levelLabel: scoreLevel(score).label,
        subjects: ranked.filter(s => s.assessment?.risk === risk && s.assessment.materiality === materiality)
          .map(s => ({ rank: s.rank!, name: s.name, anchor: s.anchor })),
      })
    }
    rows.push(row)
  }
  return rows
}

/** The address of the scoring form for a subject (none: a new service area). */
export function assessUrl (organ: string, electionYear: number, subject?: Pick<AnalyseSubject, 'collaboration' | 'serviceArea'>): string {
  const q = new URLSearchParams({ valgperiode: String(electionYear) })
  if (subject?.collaboration) q.set('selskap', subject.collaboration)
  else if (subject?.serviceArea) q.set('tjenesteomrade', subject.serviceArea)
  return `/kontroll/${organ}/analyse/vurder?${q.toString()}`
}
export const analyseUrl = (organ: string, electionYear: number) => `/kontroll/${organ}/analyse?valgperiode=${electionYear}`

export interface AnalyseContext {
  services: Pick<Services, 'kontroll' | 'municipalities' | 'bodies' | 'access'>
  actor: Actor | null | undefined
  viewer: Viewer
  today: CalendarDate
}

/** The valgperiode a page asks for (default: the current one), or a 400 page. */
export function electionYearOf (raw: string | undefined, today: CalendarDate): number {
  if (raw === undefined || raw === '') return currentElectionYear(today)
  const year = /^\d{4}$/.test(raw) ? Number(raw) : NaN
  if (!isElectionYear(year)) throw new AppError(400, 'kontroll.not_election_year', 'Valgperioden angis med valgåret, for eksempel 2023 for 2023–2027.')
  return year
}

/**
 * The kontrollutvalg of the address, with whether this person may assess its subjects (its sekretariat, an
 * admin); 404 for a slug that is no kontrollutvalg the viewer may see.
 */
export async function kontrollutvalgOf (ctx: AnalyseContext, slug: string): Promise<WorkspaceKontrollutvalg> {
  const own = (await workspaceKontrollutvalg(ctx.services as Services, ctx.actor, ctx.viewer)).find(k => k.slug === slug)
  if (own) return own
  const visible = (await workspaceKontrollutvalg(ctx.services as Services, null, ctx.viewer)).find(k => k.slug === slug)
  if (!visible) throw new AppError(404, 'body.not_found', 'Fant ikke kontrollutvalget.')
  return { ...visible, mayChange: false }
}

/** The subjects of a kontrollutvalg's municipality in a valgperiode, ranked. */
export async function rankedSubjectsOf (ctx: AnalyseContext, ku: WorkspaceKontrollutvalg, electionYear: number): Promise<RankedSubject[]> {
  const municipality = ku.municipality.slug
  const { municipalities: [coverage] } = await ctx.services.kontroll.coverage.coverage(ctx.viewer, { electionYear, municipality })
  const { items } = await ctx.services.kontroll.assessments.list(ctx.viewer, { electionYear, municipality, limit: 100_000 })
  return rankSubjects(subjectsOf(coverage!, items.filter((a): a is AssessmentView => !('deleted' in a && a.deleted === true))))
}

/** Everything the analyse page shows. */
export async function analysePage (ctx: AnalyseContext, slug: string, electionYear: number) {
  const ku = await kontrollutvalgOf(ctx, slug)
  const ranked = await rankedSubjectsOf(ctx, ku, electionYear)
  const rows = matrixRows(ranked)
  const assessed = ranked.filter(s => s.assessment)
  return {
    pageTitle: `Overordnet analyse – ${ku.municipality.name}`,
    kontrollStyles: true,
    ku,
    electionYear,
    valgperiode: `${electionYear}–${electionYear + 4}`,
    current: electionYear === currentElectionYear(ctx.today),
    previousUrl: electionYear - 4 >= 2019 ? analyseUrl(ku.slug, electionYear - 4) : null,
    nextUrl: analyseUrl(ku.slug, electionYear + 4),
    ranked: ranked.map(s => ({ ...s, assessUrl: assessUrl(ku.slug, electionYear, s) })),
    counts: { assessed: assessed.length, notAssessed: ranked.length - assessed.length },
    newAreaUrl: assessUrl(ku.slug, electionYear),
    matrix: rows,
    geometry: matrixGeometry(rows.flat().map(c => ({ risk: c.risk, materiality: c.materiality, ranks: c.subjects.map(s => s.rank) }))),
    levels: SCORE_LEVELS,
    mayChange: ku.mayChange,
  }
}

// ── the scoring form ──

export type AssessField = 'tjenesteomrade' | 'risiko' | 'vesentlighet' | 'begrunnelse' | 'dato'
export interface AssessError { field: AssessField; message: string }
export type AssessValues = Partial<Record<AssessField, string>>

export const ASSESS_FIELD_LABELS: Record<AssessField, string> = {
  tjenesteomrade: 'Tjenesteområde',
  risiko: 'Risiko',
  vesentlighet: 'Vesentlighet',
  begrunnelse: 'Begrunnelse',
  dato: 'Vurdert dato',
}

export interface AssessInput { serviceArea?: string; risk: number; materiality: number; justification: string; assessedOn: CalendarDate }

type Form = Record<string, string | undefined>
const text = (v: string | undefined) => (v ?? '').trim()
const scale = (v: string) => /^[1-5]$/.test(v) ? Number(v) : null

/**
 * The scoring form, checked: risk and vesentlighet 1–5, a written rationale (up to 4,000 characters: the
 * analyse is the basis of the plan, and a score without a reason cannot be reviewed), the date assessed
 * (not after today), and for a new service area its name (up to 120 characters).
 */
export function parseAssessForm (form: Form, opts: { today: CalendarDate; newArea: boolean }): { input: AssessInput } | { errors: AssessError[]; values: AssessValues } {
  const values: AssessValues = {
    risiko: text(form.risiko), vesentlighet: text(form.vesentlighet), begrunnelse: (form.begrunnelse ?? '').replace(/\r\n/g, '\n').trim(), dato: text(form.dato),
  }
  if (opts.newArea) values.tjenesteomrade = normaliseServiceArea(form.tjenesteomrade ?? '')
  const errors: AssessError[] = []
  if (opts.newArea) {
    if (!values.tjenesteomrade) errors.push({ field: 'tjenesteomrade', message: 'Skriv navnet på tjenesteområdet, for eksempel Barnevern.' })
    else if (values.tjenesteomrade.length > 120) errors.push({ field: 'tjenesteomrade', message: 'Navnet kan ha høyst 120 tegn.' })
  }
  const risk = scale(values.risiko!)
  const materiality = scale(values.vesentlighet!)
  if (risk === null) errors.push({ field: 'risiko', message: 'Velg risiko fra 1 (lav) til 5 (høy).' })
  if (materiality === null) errors.push({ field: 'vesentlighet', message: 'Velg vesentlighet fra 1 (lav) til 5 (høy).' })
  if (!values.begrunnelse) errors.push({ field: 'begrunnelse', message: 'Skriv en begrunnelse for vurderingen.' })
  else if (values.begrunnelse.length > 4000) errors.push({ field: 'begrunnelse', message: 'Begrunnelsen kan ha høyst 4000 tegn.' })
  if (!isSupportedDate(values.dato)) errors.push({ field: 'dato', message: 'Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2026-12-01.' })
  else if (compareDates(values.dato, opts.today) > 0) errors.push({ field: 'dato', message: 'Datoen kan ikke være fram i tid.' })
  if (errors.length) return { errors, values }
  return {
    input: {
      ...(opts.newArea ? { serviceArea: values.tjenesteomrade! } : {}), risk: risk!, materiality: materiality!, justification: values.begrunnelse!, assessedOn: values.dato as CalendarDate,
    },
  }
}

/** The service's refusal of the form's input as a problem naming a field; other errors are not the form's. */
export function assessServiceProblem (err: unknown, values: AssessValues): { errors: AssessError[]; values: AssessValues } | null {
  if (!(err instanceof ServiceError) || err.kind !== 'invalid') return null
  const fields: Record<string, AssessField> = { assessedOn: 'dato', risk: 'risiko', materiality: 'vesentlighet', justification: 'begrunnelse', serviceArea: 'tjenesteomrade' }
  const field = fields[err.field ?? ''] ?? 'risiko'
  const message = err.code === 'kontroll.future_date' ? 'Datoen kan ikke være fram i tid.' : err.message
  return { errors: [{ field, message }], values }
}

/** What the scoring page shows: the subject, its current assessment, the form's values and problems. */
export function assessPage (args: {
  ku: WorkspaceKontrollutvalg
  electionYear: number
  subject: RankedSubject | null
  today: CalendarDate
  problem?: { errors: AssessError[]; values: AssessValues }
}) {
  const { ku, electionYear, subject, today, problem } = args
  const a = subject?.assessment ?? null
  const values: AssessValues = {
    tjenesteomrade: '',
    risiko: a ? String(a.risk) : '',
    vesentlighet: a ? String(a.materiality) : '',
    begrunnelse: a?.justification ?? '',
    dato: today,
    ...(problem?.values ?? {}),
  }
  const title = subject ? `Vurder ${subject.name}` : 'Nytt tjenesteområde'
  return {
    pageTitle: problem ? `Feil i skjemaet – ${title}` : title,
    kontrollStyles: true,
    ku,
    electionYear,
    valgperiode: `${electionYear}–${electionYear + 4}`,
    subject,
    title,
    newArea: subject === null,
    analyseUrl: analyseUrl(ku.slug, electionYear),
    action: `/kontroll/${ku.slug}/analyse/vurder`,
    scale: SCALE,
    today,
    values,
    problem: problem ?? null,
    fieldLabels: ASSESS_FIELD_LABELS,
    errorOf: (field: AssessField) => problem?.errors.find(e => e.field === field) ?? null,
  }
}

/** The flash message after saving. */
export function savedMessage (name: string, input: Pick<AssessInput, 'risk' | 'materiality'>): string {
  return `Vurderingen av ${name} er lagret: risiko ${input.risk}, vesentlighet ${input.materiality} (${input.risk * input.materiality}).`
}
