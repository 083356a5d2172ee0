// Builds the synthetic nation for `npm run bench:national` (run by national.ts as a child process; not on
// its own). Everything goes through the product's own services, as an admin token made by the token
// service: every municipality in ../shared/reference/kommuner-2026.tsv created in scope (inRegion: true,
// which is how a municipality gets the kommune package), grouped by county into about 80 regions; one
// interkommunalt politisk råd per region; about 3,000 collaborations of every legal form with 3–10
// participants from the region and its neighbours; then every governance package and each body's default
// meeting plan applied, and each municipality's reminder subscriptions (kommunedirektør digest, post box)
// plus one nation-wide meeting subscriber. BENCH_NATIONAL_SCALE (0..1) shrinks the nation for development.
// Env: BENCH_BUILD_DB (the SQLite file to create), BENCH_NATIONAL_SCALE, BENCH_CLOCK. Replies { stats }.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createDependencies } from '../../src/composition.js'
import type { LegalForm, ParticipationRole } from '../../src/domain/vocabulary.js'
import { slugify } from '../../src/register/slug.js'
import { auditActor } from '../../src/services/access.js'
import { fixedClock } from '../../src/shared/clock.js'
import { random } from './support/load.js'

export const KOMMUNER = fileURLToPath(new URL('../../../shared/reference/kommuner-2026.tsv', import.meta.url))
/** Stored with a built database: a database built by another version of this file is built again. */
export const BUILD_VERSION = 2
const REGION_SIZE = 357 / 80
const COLLABORATIONS = 3000

export interface NationStats {
  version: number
  scale: number
  municipalities: number
  regions: number
  collaborations: number
  byLegalForm: Record<string, number>
  participations: number
  rules: number
  rulesByOrigin: Record<string, number>
  subscriptions: number
  /** The municipality taking part in the most collaborations. */
  busiest: { slug: string; collaborations: number }
  loadMs: number
  phasesMs: Record<string, number>
}

// Legal forms by share of the collaborations that are not regional councils: all of them, the
// package-bearing ones (IKS, AS, § 27, KO) weighted up toward the 40,000 rules issue 11 names; with
// today's catalogue (an IKS gets 11 rules with its meeting plans, a § 27 company 5 plus one a participant)
// that gives about 31,000.
const FORMS: Array<[LegalForm, number]> = [
  ['iks', 38], ['as', 24], ['sa', 2], ['paragraf_27', 22], ['kommunalt_oppgavefellesskap', 8],
  ['vertskommune_administrativ', 2], ['vertskommune_felles_nemnd', 1], ['kjop_av_tjenester', 0.5], ['avtale', 0.5],
  ['uformelt', 0.3], ['vedtak', 0.3], ['nettverk', 0.3], ['prosjekt', 0.3], ['stiftelse', 0.3], ['annet', 0.3],
  ['interkommunalt_politisk_rad', 0.2],
]
const TOPICS = ['Renovasjon', 'Brann og redning', 'Revisjon', 'Kontrollutvalgssekretariat', 'Barnevern', 'PPT', 'IKT', 'Legevakt',
  'Krisesenter', 'Innkjøp', 'Arkiv', 'Landbruk', 'Regnskap', 'Lønn', 'Skatteoppkreving', 'Havn', 'Vannverk', 'Friluftsråd', 'Museum',
  'Næringsutvikling', 'Kemner', 'Miljørettet helsevern', 'Kulturskole', 'Veterinærvakt', 'Byggesak', 'Geodata', 'Krisesenter og incest', 'Reiseliv']
const OWNER_FORMS = new Set<LegalForm>(['iks', 'as', 'sa'])
const HOST_FORMS = new Set<LegalForm>(['vertskommune_administrativ', 'vertskommune_felles_nemnd', 'kjop_av_tjenester'])

interface Kommune { number: string; name: string; county: string; slug: string }

function groupBy<T> (items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) out.set(key(item), [...out.get(key(item)) ?? [], item])
  return out
}

export function readKommuner (scale: number): Kommune[] {
  const rows = fs.readFileSync(KOMMUNER, 'utf8').split('\n').filter(l => l.trim() !== '' && !l.startsWith('#')).slice(1)
  const all = rows.map(l => {
    const [number = '', name = '', , county = ''] = l.split('\t')
    return { number, name, county, slug: '' }
  })
  const slugs = new Set<string>()
  for (const k of all) {
    // Two Herøy and two Våler: the second gets its county in the slug.
    let slug = slugify(k.name)
    if (slugs.has(slug)) slug = slugify(`${k.name} ${k.county}`)
    slugs.add(slug)
    k.slug = slug
  }
  if (scale >= 1) return all
  // A smaller nation: the first share of each county, and always Øyer (the seed's municipality the bench compares).
  const byCounty = groupBy(all, k => k.county)
  return [...byCounty.values()].flatMap(ks => ks.filter((k, i) => i < Math.max(1, Math.round(ks.length * scale)) || k.slug === 'oyer'))
}

async function build (file: string, scale: number, clockAt: string): Promise<NationStats> {
  const t0 = performance.now()
  const phasesMs: Record<string, number> = {}
  let mark = t0
  const phase = (name: string) => { const now = performance.now(); phasesMs[name] = now - mark; mark = now }
  const rng = random(2026)
  const deps = createDependencies({ config: { BASE_URL: 'http://127.0.0.1', DATABASE_PATH: file }, clock: fixedClock(clockAt) })
  const { services } = deps
  const { token } = await services.tokens.create({ label: 'bench:national build', role: 'admin', municipality: null })
  const actor = (await services.tokens.authenticate(token))!

  // Municipalities, in scope.
  const kommuner = readKommuner(scale)
  for (const k of kommuner) {
    await services.municipalities.create(actor, { slug: k.slug, name: k.name, kind: 'kommune', county: k.county, inRegion: true })
  }
  phase('municipalities')

  // Regions: each county's municipalities in number order, in runs of about 4.5.
  const regions: Array<{ name: string; members: Kommune[] }> = []
  for (const [county, ks] of groupBy(kommuner, k => k.county)) {
    const n = Math.max(1, Math.round(ks.length / REGION_SIZE))
    for (let r = 0; r < n; r++) {
      regions.push({ name: n === 1 ? county : `${county} ${r + 1}`, members: ks.slice(Math.floor(r * ks.length / n), Math.floor((r + 1) * ks.length / n)) })
    }
  }
  const regionOf = new Map(regions.flatMap((r, i) => r.members.map(k => [k.slug, i] as const)))
  /** k distinct participants around a municipality: its region first, then the neighbouring regions. */
  function neighbourhood (anchor: Kommune, k: number): Kommune[] {
    const r = regionOf.get(anchor.slug)!
    const pool: Kommune[] = []
    for (let d = 0; pool.length < k + 3 && d < regions.length; d++) {
      for (const i of d === 0 ? [r] : [r - d, r + d]) if (regions[i]) pool.push(...regions[i].members)
    }
    const others = rng.shuffle(pool.filter(p => p.slug !== anchor.slug))
    // Mostly the own region: sort the shuffled pool by distance, keep the nearest k-1.
    others.sort((a, b) => Math.abs(regionOf.get(a.slug)! - r) - Math.abs(regionOf.get(b.slug)! - r))
    return [anchor, ...others.slice(0, k - 1)]
  }

  const byLegalForm: Record<string, number> = {}
  const slugs = new Set<string>()
  let participations = 0
  async function collaboration (name: string, legalForm: LegalForm, members: Kommune[], area: string, terminated: boolean) {
    let slug = slugify(name).slice(0, 60)
    for (let i = 2; slugs.has(slug); i++) slug = `${slugify(name).slice(0, 56)}-${i}`
    slugs.add(slug)
    const host = HOST_FORMS.has(legalForm) ? members[0]! : null
    const role: ParticipationRole = OWNER_FORMS.has(legalForm) ? 'eier' : 'deltaker'
    await services.collaborations.create(actor, {
      slug,
      name,
      legalForm,
      area,
      hostMunicipality: host?.slug ?? null,
      status: terminated ? 'terminated' : 'active',
      participants: members.map(m => ({ municipality: m.slug, role: m === host ? 'vertskommune' : role })),
    })
    byLegalForm[legalForm] = (byLegalForm[legalForm] ?? 0) + 1
    participations += members.length
  }

  // One regional council per region (3 members at least: a small region borrows from its neighbours).
  for (const r of regions) {
    const members = r.members.length >= 3 ? r.members : neighbourhood(r.members[0]!, 3)
    await collaboration(`Regionrådet ${r.name}`, 'interkommunalt_politisk_rad', members, 'Regionråd og annet politisk samarbeid', false)
  }
  // The rest: a random form, topic and anchor municipality; 3–10 participants; 2 % terminated.
  const total = Math.round(COLLABORATIONS * scale)
  const weight = FORMS.reduce((a, [, w]) => a + w, 0)
  for (let i = regions.length; i < total; i++) {
    let x = rng.next() * weight
    const form = FORMS.find(([, w]) => (x -= w) < 0)?.[0] ?? 'annet'
    const anchor = rng.pick(kommuner)
    const topic = rng.pick(TOPICS)
    const members = neighbourhood(anchor, Math.min(kommuner.length, rng.int(3, 10)))
    const region = regions[regionOf.get(anchor.slug)!]!.name
    const suffix = form === 'iks' ? ' IKS' : form === 'as' ? ' AS' : form === 'sa' ? ' SA' : ''
    await collaboration(`${topic} ${region}${suffix}`, form, members, topic, rng.next() < 0.02)
  }
  phase('collaborations')

  // Governance: every package on every subject (admin, no subject), then the default meeting plans.
  await services.packages.apply({}, actor)
  await services.packages.applyDefaultMoteplaner(auditActor(actor))
  phase('packages')

  // Reminder subscribers, as test/bench/reminders.ts has them for the seeded region.
  let subscriptions = 0
  for (const [i, k] of kommuner.entries()) {
    await services.subscriptions.create(actor, { name: `KD ${k.name}`, email: `kd${i}@bench.test`, body: `${k.slug}-kommunedirektor`, digest: true })
    await services.subscriptions.create(actor, { name: `Post ${k.name}`, email: `post${i}@bench.test`, municipality: k.slug })
    subscriptions += 2
  }
  await services.subscriptions.create(actor, { name: 'Møter', email: 'moter@bench.test', eventTypes: ['mote'] })
  subscriptions++
  phase('subscriptions')

  const { sqlite } = deps.database
  const rulesByOrigin = Object.fromEntries((sqlite.prepare('SELECT origin, count(*) AS n FROM rule WHERE deleted = 0 GROUP BY origin').all() as Array<{ origin: string; n: number }>).map(r => [r.origin, r.n]))
  const busiest = sqlite.prepare('SELECT m.slug AS slug, count(*) AS n FROM participation p JOIN municipality m ON m.id = p.municipality_id GROUP BY m.id ORDER BY n DESC, m.id LIMIT 1').get() as { slug: string; n: number }
  sqlite.pragma('wal_checkpoint(TRUNCATE)')
  deps.close()
  phase('close')
  return {
    version: BUILD_VERSION,
    scale,
    municipalities: kommuner.length,
    regions: regions.length,
    collaborations: Object.values(byLegalForm).reduce((a, b) => a + b, 0),
    byLegalForm,
    participations,
    rules: Object.values(rulesByOrigin).reduce((a, b) => a + b, 0),
    rulesByOrigin,
    subscriptions,
    busiest: { slug: busiest.slug, collaborations: busiest.n },
    loadMs: performance.now() - t0,
    phasesMs,
  }
}

if (process.env.BENCH_BUILD_DB) {
  build(process.env.BENCH_BUILD_DB, Number(process.env.BENCH_NATIONAL_SCALE ?? 1), process.env.BENCH_CLOCK ?? '2027-03-15T07:00:00Z')
    .then(stats => process.send!({ type: 'built', stats }, () => process.exit(0)))
    .catch((err: Error) => process.send!({ type: 'built', error: err.stack ?? String(err) }, () => process.exit(1)))
}
