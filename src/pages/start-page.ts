// The register's pages: the start page, one municipality's page and the paged list of collaborations.
// Each reads a fixed number of queries whatever the size of the deployment (issue 11): the municipalities,
// their counts in one aggregate, the collaborations of the page with their participants in two, and the
// bodies of what is shown in one. A private body is listed only to those who may see it.

import type { Services } from '../services/index.js'
import type { BodySummary } from '../services/bodies.js'
import type { CollaborationSummary } from '../services/collaborations.js'
import type { MunicipalityRow } from '../services/municipalities.js'
import { feedLinks, followUpUrl, wheelUrl, type FeedLinks } from '../presenters/urls.js'
import { yearOf } from '../domain/calendar-date.js'
import { BODY_KINDS, type BodyKind } from '../domain/vocabulary.js'
import { formatDate, legalFormLabel } from '../presenters/vocabulary.js'
import { AppError } from '../shared/errors.js'
import { FOLLOW_UP_DAYS, type PageContext } from './pages.js'

/**
 * Up to this many municipalities and collaborations the start page shows every municipality's bodies and
 * every collaboration, as for one region; beyond, it shows a table of municipalities and links to their
 * own pages and to the paged list of collaborations.
 */
export const FULL_START_PAGE = { municipalities: 12, collaborations: 150 }
/** Collaborations per page of /samarbeid. */
export const COLLABORATIONS_PER_PAGE = 50
/** The most pages /samarbeid counts to (a page number is at most five digits). */
const MAX_PAGE = 99_999

export type StartPageLimits = typeof FULL_START_PAGE

export function municipalityPageUrl (slug: string): string {
  return `/kommune?municipality=${encodeURIComponent(slug)}`
}

export function collaborationsPageUrl (opts: { q?: string; page?: number } = {}): string {
  const params = [
    opts.q ? `q=${encodeURIComponent(opts.q)}` : '',
    opts.page && opts.page > 1 ? `page=${opts.page}` : '',
  ].filter(Boolean)
  return `/samarbeid${params.length ? `?${params.join('&')}` : ''}`
}

type Feed = FeedLinks & { name: string }

const kindRank = (k: string) => {
  const i = BODY_KINDS.indexOf(k as BodyKind)
  return i < 0 ? BODY_KINDS.length : i
}
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'nb')

/**
 * What the start page calls the region, from the municipalities in it: 'Gausdal, Lillehammer og Øyer' for up
 * to four, '12 kommuner' beyond; null for none. The region is data (issue 12), so its name is too.
 */
export function regionName (inRegion: ReadonlyArray<{ name: string }>): string | null {
  if (inRegion.length === 0) return null
  if (inRegion.length > 4) return `${inRegion.length} kommuner`
  const names = [...inRegion].sort(byName).map(m => m.name)
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} og ${names.at(-1)}`
}

/** A private body is shown without a feed link (its address holds its secret), as in presentBody. */
function bodyEntry (b: BodySummary, baseUrl: string, year: number) {
  return {
    slug: b.slug,
    name: b.name,
    kind: b.kind,
    wheelUrl: wheelUrl({ type: 'body', slug: b.slug }, year),
    feed: b.feedVisibility === 'public' ? { name: b.name, ...feedLinks(baseUrl, 'bodies', b.slug) } as Feed : null,
  }
}
export type BodyEntry = ReturnType<typeof bodyEntry>

function municipalityEntry (m: MunicipalityRow, counts: Map<number, { overdue: number; upcoming: number }>, baseUrl: string, year: number) {
  const subject = { type: 'municipality' as const, slug: m.slug }
  return {
    slug: m.slug,
    name: m.name,
    county: m.county ?? '',
    overdue: counts.get(m.id)?.overdue ?? 0,
    upcoming: counts.get(m.id)?.upcoming ?? 0,
    pageUrl: municipalityPageUrl(m.slug),
    wheelUrl: wheelUrl(subject, year),
    followUpUrl: followUpUrl(subject),
    feed: { name: m.name, ...feedLinks(baseUrl, 'municipalities', m.slug) } as Feed,
  }
}

function collaborationEntry (c: CollaborationSummary, bodies: BodyEntry[], baseUrl: string, year: number) {
  return {
    slug: c.slug,
    name: c.name,
    legalForm: legalFormLabel(c.legalForm),
    area: c.area,
    active: c.status === 'active',
    status: c.status === 'active' ? 'Aktivt' : `Avsluttet${c.terminatedOn ? ` ${formatDate(c.terminatedOn)}` : ''}`,
    host: c.host?.name ?? null,
    participants: c.participants.map(x => x.name).join(', '),
    wheelUrl: wheelUrl({ type: 'collaboration', slug: c.slug }, year),
    feed: { name: c.name, ...feedLinks(baseUrl, 'collaborations', c.slug) } as Feed,
    bodies,
  }
}
export type CollaborationEntry = ReturnType<typeof collaborationEntry>

type Ctx = Omit<PageContext, 'services'> & { services: Pick<Services, 'municipalities' | 'bodies' | 'collaborations' | 'occurrences' | 'reports' | 'access'> }

/** The visible bodies of these owners in one query, by owner key ('m12', 'c7'), each list in id order. */
async function visibleBodies ({ services, viewer }: Ctx, owners?: { municipalityIds?: number[]; collaborationIds?: number[] }) {
  const visibility = await services.access.visibility(viewer)
  const byOwner = new Map<string, BodySummary[]>()
  for (const b of await services.bodies.listLiveSummaries(owners)) {
    if (!visibility.canSeeBody(b.id)) continue
    const key = b.municipalityId !== null ? `m${b.municipalityId}` : `c${b.collaborationId}`
    const list = byOwner.get(key)
    if (list) list.push(b)
    else byOwner.set(key, [b])
  }
  return (key: string) => byOwner.get(key) ?? []
}

async function collaborationEntries (ctx: Ctx, items: CollaborationSummary[], year: number) {
  const bodiesOf = await visibleBodies(ctx, { collaborationIds: items.map(c => c.id) })
  return items.map(c => collaborationEntry(c, bodiesOf(`c${c.id}`).map(b => bodyEntry(b, ctx.baseUrl, year)), ctx.baseUrl, year))
}

const municipalityBodies = (list: BodySummary[], baseUrl: string, year: number) =>
  [...list].sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || byName(a, b)).map(b => bodyEntry(b, baseUrl, year))

/**
 * The start page. For one region: every municipality with its bodies and every collaboration with its
 * bodies (template 'index'). For many: one table of municipalities with their counts, wheel, follow-up
 * and feed, and the way to each municipality's page and to the collaborations (template 'index-compact').
 */
export async function startPage (ctx: Ctx, limits: StartPageLimits = FULL_START_PAGE) {
  const { services, viewer, baseUrl, today } = ctx
  const year = yearOf(today)
  const [list, counts, { total }] = await Promise.all([
    services.municipalities.listInRegion(),
    // Every municipality's counts in one pass (the same numbers as its follow-up page).
    services.occurrences.countsByMunicipality(viewer, today, FOLLOW_UP_DAYS),
    services.collaborations.listSummaries({ limit: 0, offset: 0 }),
  ])
  const common = { pageTitle: 'Forside', year, todayLabel: formatDate(today), days: FOLLOW_UP_DAYS }

  if (list.length > limits.municipalities || total > limits.collaborations) {
    const active = await services.collaborations.activeCountsByMunicipality()
    const municipalities = list.map(m => ({ ...municipalityEntry(m, counts, baseUrl, year), collaborations: active.get(m.id) ?? 0 })).sort(byName)
    return {
      ...common,
      template: 'index-compact' as const,
      tagline: 'Styringskalender for kommunene og de interkommunale samarbeidene',
      municipalities,
      collaborationTotal: total,
      collaborationsUrl: collaborationsPageUrl(),
    }
  }

  const bodiesOf = await visibleBodies(ctx)
  const collaborations = await collaborationEntries(ctx, (await services.collaborations.listSummaries({ limit: total, offset: 0 })).items, year)
  return {
    ...common,
    template: 'index' as const,
    regionName: regionName(list),
    tagline: `Styringskalender for kommunene og samarbeidene${list.length ? ` i ${regionName(list)}` : ''}`,
    municipalities: list.map(m => ({ ...municipalityEntry(m, counts, baseUrl, year), bodies: municipalityBodies(bodiesOf(`m${m.id}`), baseUrl, year) })),
    collaborations: collaborations.filter(c => c.active),
    terminated: collaborations.filter(c => !c.active),
  }
}

/** One municipality: its counts, wheel, follow-up and feed, its bodies, and the collaborations it takes part in or hosts. */
export async function municipalityPage (ctx: Ctx, slug: string | undefined) {
  const { services, viewer, baseUrl, today } = ctx
  if (slug === undefined || slug === '') throw new AppError(400, 'pages.municipality', 'Velg en kommune (municipality=).')
  const m = await services.municipalities.find(slug)
  if (!m || m.deleted) throw new AppError(404, 'pages.municipality_not_found', `Fant ingen kommune «${slug}».`)
  const year = yearOf(today)
  // Its own follow-up reports rather than the nation's aggregate: the same numbers (the start page's are the
  // follow-up page's), read for one municipality only.
  const scope = { municipality: m.id }
  const [overdue, upcoming, { items }, bodies] = await Promise.all([
    services.reports.overdue(viewer, scope, today),
    services.reports.upcoming(viewer, scope, today, FOLLOW_UP_DAYS),
    services.collaborations.listSummaries({ municipalityId: m.id, limit: MAX_PAGE * COLLABORATIONS_PER_PAGE, offset: 0 }),
    visibleBodies(ctx, { municipalityIds: [m.id] }),
  ])
  const collaborations = await collaborationEntries(ctx, items, year)
  return {
    pageTitle: m.name,
    year,
    todayLabel: formatDate(today),
    days: FOLLOW_UP_DAYS,
    municipality: { ...municipalityEntry(m, new Map([[m.id, { overdue: overdue.length, upcoming: upcoming.length }]]), baseUrl, year), bodies: municipalityBodies(bodies(`m${m.id}`), baseUrl, year) },
    collaborations: collaborations.filter(c => c.active),
    terminated: collaborations.filter(c => !c.active),
    collaborationsUrl: collaborationsPageUrl(),
  }
}

function parsePage (raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1
  const page = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN
  if (!(page >= 1 && page <= MAX_PAGE)) throw new AppError(400, 'pages.page', `Sidetallet må være et heltall fra 1 til ${MAX_PAGE}.`)
  return page
}

/** Every collaboration, active first, by name, a page at a time; `q` searches names and areas. */
export async function collaborationsPage (ctx: Ctx, query: { q?: string; page?: string }) {
  const year = yearOf(ctx.today)
  const q = query.q?.trim() ?? ''
  const page = parsePage(query.page)
  const { items, total } = await ctx.services.collaborations.listSummaries({ q: q || undefined, limit: COLLABORATIONS_PER_PAGE, offset: (page - 1) * COLLABORATIONS_PER_PAGE })
  const pages = Math.max(1, Math.ceil(total / COLLABORATIONS_PER_PAGE))
  if (page > pages) throw new AppError(404, 'pages.page_not_found', `Side ${page} finnes ikke: listen har ${pages} ${pages === 1 ? 'side' : 'sider'}.`)
  const first = (page - 1) * COLLABORATIONS_PER_PAGE
  return {
    pageTitle: q ? `Samarbeid – søk etter «${q}»` : page > 1 ? `Interkommunale samarbeid, side ${page}` : 'Interkommunale samarbeid',
    q,
    total,
    page,
    pages,
    range: total ? { from: first + 1, to: first + items.length } : null,
    collaborations: await collaborationEntries(ctx, items, year),
    prevUrl: page > 1 ? collaborationsPageUrl({ q, page: page - 1 }) : null,
    nextUrl: page < pages ? collaborationsPageUrl({ q, page: page + 1 }) : null,
    firstUrl: page > 2 ? collaborationsPageUrl({ q }) : null,
    lastUrl: page < pages - 1 ? collaborationsPageUrl({ q, page: pages }) : null,
    allUrl: q ? collaborationsPageUrl() : null,
  }
}
