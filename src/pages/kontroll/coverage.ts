// The coverage page (issue 15, item 5): for one kontrollutvalg's municipality, or for every municipality
// the person's workspace serves, each company and collaboration it owns, takes part in or hosts, and
// whether the valgperiode's eierskapskontroll and forvaltningsrevisjon cover it — the same numbers as
// GET /api/v1/kontroll/coverage and its CSV (src/kontroll/coverage-csv.ts), which the page links to.
import type { Services } from '../../services/index.js'
import type { Actor, Viewer } from '../../services/access.js'
import type { MunicipalityCoverage } from '../../services/kontroll/coverage.js'
import type { ControlState } from '../../domain/kontroll.js'
import type { CalendarDate } from '../../domain/calendar-date.js'
import { isElectionYear } from '../../domain/valgperiode.js'
import { AppError } from '../../shared/errors.js'
import { capitalize, formatDate, legalFormLabel } from '../../presenters/vocabulary.js'
import { currentElectionYear, workspaceKontrollutvalg } from './workspace.js'

/** What the kontroll pages need of a request. */
export interface KontrollPageContext {
  services: Services
  viewer: Viewer
  actor: Actor | null | undefined
  today: CalendarDate
}

/** A field the page could not read, named as the form names it. */
export interface FieldProblem { field: string; label: string; message: string }

/** Whether a control covers a subject: a word and a symbol (never colour alone). */
export interface ControlCell { state: ControlState; label: string; symbol: string }

export const CONTROL_STATES: Record<ControlState, { label: string; symbol: string }> = {
  done: { label: 'Gjennomført', symbol: '✓' },
  planned: { label: 'Planlagt', symbol: '○' },
  none: { label: 'Ingen', symbol: '–' },
}

const ROLE_LABELS: Record<string, string> = { eier: 'Eier', deltaker: 'Deltaker', vertskommune: 'Vertskommune' }
const TYPE_LABELS: Record<string, string> = { eierskapskontroll: 'eierskapskontroll', forvaltningsrevisjon: 'forvaltningsrevisjon' }

/** The marker and words a flagged row carries. */
export const FLAG = { symbol: '⚠', label: 'Ingen kontroll' } as const

export const controlCell = (state: ControlState): ControlCell => ({ state, ...CONTROL_STATES[state] })

export const roleLabel = (role: string): string => ROLE_LABELS[role] ?? capitalize(role)

export const valgperiodeLabel = (electionYear: number): string => `${electionYear}–${electionYear + 4}`

export interface CoverageRowView {
  slug: string
  name: string
  legalForm: string
  role: string
  terminated: boolean
  statusLabel: string
  eierskapskontroll: ControlCell
  forvaltningsrevisjon: ControlCell
  projects: Array<{ title: string; typeLabel: string; stateLabel: string }>
  risk: number | null
  materiality: number | null
  score: number | null
  lastControlled: string | null
  flagged: boolean
}

export interface ServiceAreaRowView {
  name: string
  forvaltningsrevisjon: ControlCell
  projects: Array<{ title: string; stateLabel: string }>
  risk: number | null
  materiality: number | null
  score: number | null
}

export interface CoverageSection {
  municipality: { slug: string; name: string }
  /** The kontrollutvalg of the municipality the page shows (by name), with their own coverage pages. */
  kontrollutvalg: Array<{ slug: string; name: string; url: string }>
  /** An HTML id for the section. */
  anchor: string
  csvUrl: string
  rows: CoverageRowView[]
  serviceAreas: ServiceAreaRowView[]
  counts: { subjects: number; flagged: number; covered: number }
}

/** The API's CSV for one municipality and period (GET /api/v1/kontroll/coverage?…&format=csv). */
export function coverageCsvUrl (electionYear: number, municipality: string): string {
  return `/api/v1/kontroll/coverage?${new URLSearchParams({ valgperiode: String(electionYear), municipality, format: 'csv' }).toString()}`
}

export const coveragePageUrl = (organ: string | null, electionYear?: number): string =>
  `/kontroll/${organ ? `${encodeURIComponent(organ)}/` : ''}dekning${electionYear !== undefined ? `?valgperiode=${electionYear}` : ''}`

/** One municipality's coverage as the page shows it (pure). */
export function coverageSection (m: MunicipalityCoverage, kontrollutvalg: ReadonlyArray<{ slug: string; name: string }>, electionYear: number): CoverageSection {
  const rows: CoverageRowView[] = m.collaborations.map(r => {
    const c = r.collaboration
    const terminated = c.status === 'terminated'
    return {
      slug: c.slug,
      name: c.name,
      legalForm: legalFormLabel(c.legalForm),
      role: roleLabel(c.role),
      terminated,
      statusLabel: terminated ? `avsluttet${c.terminatedOn ? ` ${formatDate(c.terminatedOn)}` : ''}` : 'aktiv',
      eierskapskontroll: controlCell(r.eierskapskontroll),
      forvaltningsrevisjon: controlCell(r.forvaltningsrevisjon),
      projects: r.projects.map(p => ({ title: p.title, typeLabel: TYPE_LABELS[p.type] ?? p.type, stateLabel: CONTROL_STATES[p.state].label.toLowerCase() })),
      risk: r.risk,
      materiality: r.materiality,
      score: r.score,
      lastControlled: r.lastControlled ? `${formatDate(r.lastControlled.date)} (${TYPE_LABELS[r.lastControlled.type] ?? r.lastControlled.type})` : null,
      flagged: r.flagged,
    }
  })
  const serviceAreas: ServiceAreaRowView[] = m.serviceAreas.map(a => ({
    name: a.serviceArea,
    forvaltningsrevisjon: controlCell(a.forvaltningsrevisjon),
    projects: a.projects.map(p => ({ title: p.title, stateLabel: CONTROL_STATES[p.state].label.toLowerCase() })),
    risk: a.risk,
    materiality: a.materiality,
    score: a.score,
  }))
  return {
    municipality: m.municipality,
    kontrollutvalg: kontrollutvalg.map(k => ({ slug: k.slug, name: k.name, url: coveragePageUrl(k.slug, electionYear) })),
    anchor: `kommune-${m.municipality.slug}`,
    csvUrl: coverageCsvUrl(electionYear, m.municipality.slug),
    rows,
    serviceAreas,
    counts: {
      subjects: rows.length,
      flagged: rows.filter(r => r.flagged).length,
      covered: rows.filter(r => r.eierskapskontroll.state !== 'none' || r.forvaltningsrevisjon.state !== 'none').length,
    },
  }
}

/**
 * The valgperiode from the address: its election year (2019, 2023, 2027 …), the current one when
 * missing or empty; anything else is a problem naming the field.
 */
export function parseValgperiode (raw: string | undefined, today: CalendarDate): { electionYear: number } | { problem: FieldProblem } {
  if (raw === undefined || raw.trim() === '') return { electionYear: currentElectionYear(today) }
  const year = /^\d{4}$/.test(raw.trim()) ? Number(raw.trim()) : NaN
  if (!isElectionYear(year)) {
    const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw
    return {
      problem: {
        field: 'valgperiode',
        label: 'Valgperiode',
        message: `Valgperiode: «${shown}» er ikke et valgår. Oppgi året for kommunevalget som startet perioden, for eksempel ${currentElectionYear(today)}.`,
      },
    }
  }
  return { electionYear: year }
}

/** The choices of the valgperiode form: the previous, the current and the next period, and the one shown. */
export function valgperiodeOptions (today: CalendarDate, shown: number): Array<{ value: number; label: string; selected: boolean }> {
  const current = currentElectionYear(today)
  const years = [...new Set([current - 4, current, current + 4, shown])].sort((a, b) => a - b)
  return years.map(y => ({ value: y, label: valgperiodeLabel(y), selected: y === shown }))
}

export interface CoveragePage {
  pageTitle: string
  kontrollStyles: true
  /** The kontrollutvalg whose page this is, or null for the page across the workspace. */
  organ: { slug: string; name: string } | null
  heading: string
  electionYear: number
  valgperiode: string
  options: Array<{ value: number; label: string; selected: boolean }>
  formAction: string
  problem: FieldProblem | null
  sections: CoverageSection[]
  allUrl: string
  flag: typeof FLAG
  states: typeof CONTROL_STATES
}

const notFound = () => new AppError(404, 'kontroll.unknown_organ', 'Fant ikke noe kontrollutvalg med denne adressen.')

/** The visible, live kontrollutvalg with this slug and its municipality; 404 otherwise. */
async function organOf (ctx: KontrollPageContext, slug: string) {
  const body = await ctx.services.bodies.find(slug)
  if (!body || body.deleted || body.kind !== 'kontrollutvalg' || body.municipalityId === null || String(body.slug) !== slug) throw notFound()
  if (!(await ctx.services.access.visibility(ctx.viewer)).canSeeBody(body.id)) throw notFound()
  const m = await ctx.services.municipalities.find(body.municipalityId)
  if (!m || m.deleted) throw notFound()
  return { body: { slug: body.slug, name: body.name }, municipality: { slug: m.slug, name: m.name } }
}

/**
 * The coverage page of one kontrollutvalg (`organ`), or across the workspace (`organ` null: one section
 * per municipality the person's kontrollutvalg serve). A bad valgperiode gives the page with the problem
 * and no tables (the route answers 400).
 */
export async function coveragePage (ctx: KontrollPageContext, organ: string | null, rawValgperiode: string | undefined): Promise<CoveragePage> {
  const parsed = parseValgperiode(rawValgperiode, ctx.today)
  const electionYear = 'electionYear' in parsed ? parsed.electionYear : currentElectionYear(ctx.today)
  const problem = 'problem' in parsed ? parsed.problem : null
  let targets: Array<{ municipality: { slug: string; name: string }; kontrollutvalg: Array<{ slug: string; name: string }> }>
  let page: { slug: string; name: string } | null = null
  if (organ !== null) {
    const o = await organOf(ctx, organ)
    page = o.body
    targets = [{ municipality: o.municipality, kontrollutvalg: [o.body] }]
  } else {
    const byMunicipality = new Map<string, { municipality: { slug: string; name: string }; kontrollutvalg: Array<{ slug: string; name: string }> }>()
    for (const k of await workspaceKontrollutvalg(ctx.services, ctx.actor, ctx.viewer)) {
      let t = byMunicipality.get(k.municipality.slug)
      if (!t) byMunicipality.set(k.municipality.slug, t = { municipality: { slug: k.municipality.slug, name: k.municipality.name }, kontrollutvalg: [] })
      t.kontrollutvalg.push({ slug: k.slug, name: k.name })
    }
    targets = [...byMunicipality.values()]
  }
  const sections: CoverageSection[] = []
  if (!problem) {
    for (const t of targets) {
      const result = await ctx.services.kontroll.coverage.coverage(ctx.viewer, { electionYear, municipality: t.municipality.slug })
      for (const m of result.municipalities) sections.push(coverageSection(m, t.kontrollutvalg, electionYear))
    }
  }
  const heading = page ? `Dekning: ${targets[0]!.municipality.name}` : 'Dekning i kontrollutvalgene'
  return {
    pageTitle: `${heading} ${valgperiodeLabel(electionYear)}`,
    kontrollStyles: true,
    organ: page,
    heading,
    electionYear,
    valgperiode: valgperiodeLabel(electionYear),
    options: valgperiodeOptions(ctx.today, electionYear),
    formAction: coveragePageUrl(page?.slug ?? null),
    problem,
    sections,
    allUrl: coveragePageUrl(null, electionYear),
    flag: FLAG,
    states: CONTROL_STATES,
  }
}
