// Builds the synthetic nation for `npm run bench:national` (run by national.ts as a child process; not on
// its own). Everything goes through the product's own services, as an admin token made by the token
// service, the way a new user loads a nation (issue 12): onboarding puts every kommune and fylkeskommune of
// the official list (seeds/kommuner-2026.tsv) in the region (`onboard({ all: true })`, or the kommuner of
// a smaller nation); then one register per region (each county's kommuner in runs of about 4.5, about 80
// regions) is written in the municipalities' raw layout — the region's kommuner as columns, its
// collaborations as rows under area headings, participants from neighbouring regions and hosts in the
// comments — and the ~80 files are imported as ONE batch with register.importMany (packages and default
// meeting plans applied once, at the end). About 3,000 collaborations of every legal form, one
// interkommunalt politisk råd per region; then each municipality's reminder subscriptions (kommunedirektør
// digest, post box) plus one nation-wide meeting subscriber. BENCH_NATIONAL_SCALE (0..1) shrinks the nation.
// Env: BENCH_BUILD_DB (the SQLite file to create, or a postgres:// URL of an empty database: issue 16), BENCH_NATIONAL_SCALE,
// BENCH_CLOCK. Replies { stats }.
import { createDependencies } from '../../src/composition.js'
import type { DatabaseHandle } from '../../src/db/client.js'
import type { LegalForm } from '../../src/domain/vocabulary.js'
import { loadKommuneDirectory, type OfficialUnit } from '../../src/domain/kommuner.js'
import { legalFormLabel } from '../../src/register/legal-form.js'
import { slugify } from '../../src/register/slug.js'
import { fixedClock } from '../../src/shared/clock.js'
import { random } from './support/load.js'

/** Stored with a built database: a database built by another version of this file is built again. */
export const BUILD_VERSION = 3
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
  /** The register batch: files, rows, bytes, warnings by code, and what the import reported. */
  registers: { files: number; rows: number; bytes: number; created: number; warnings: Record<string, number> }
  loadMs: number
  phasesMs: Record<string, number>
  /** CPU time (user + system) of each phase: on a shared machine the fairer figure. */
  phasesCpuMs: Record<string, number>
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
const HOST_FORMS = new Set<LegalForm>(['vertskommune_administrativ', 'vertskommune_felles_nemnd', 'kjop_av_tjenester'])

type Kommune = OfficialUnit

function groupBy<T> (items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) out.set(key(item), [...out.get(key(item)) ?? [], item])
  return out
}

/** The nation's kommuner from the official list; a smaller nation keeps the first share of each county, and always Øyer. */
export function nationKommuner (scale: number): Kommune[] {
  const all = loadKommuneDirectory().units.filter(u => u.kind === 'kommune')
  if (scale >= 1) return [...all]
  const byCounty = groupBy(all, k => k.county)
  return [...byCounty.values()].flatMap(ks => ks.filter((k, i) => i < Math.max(1, Math.round(ks.length * scale)) || k.slug === 'oyer'))
}

/** The legal-form cell a register writes: the 2018 act's abbreviations for some, the canonical label otherwise. */
function formCell (form: LegalForm, i: number): string {
  if (form === 'interkommunalt_politisk_rad') return i % 2 ? 'IPR' : '§ 18-1'
  if (form === 'kommunalt_oppgavefellesskap') return i % 2 ? 'KO' : '§ 19-1'
  if (form === 'vertskommune_administrativ' && i % 2) return '§ 20-2'
  if (form === 'vertskommune_felles_nemnd' && i % 2) return '§ 20-4'
  return legalFormLabel(form) || 'Annet'
}

interface Row { name: string; form: LegalForm; area: string; members: Kommune[]; host: Kommune | null; terminated: boolean }

/** One region's register in the raw layout (tab-separated, area headings, x marks, facts in the comments). */
function registerText (region: { name: string; members: Kommune[] }, rows: Row[]): string {
  const columns = region.members
  const lines = [
    `Interkommunale samarbeid i ${region.name}`,
    '',
    ['Pr. 01.01.2026', 'Type samarbeid §i kommuneloven', ...columns.map(k => k.name), 'Kommentarer'].join('\t'),
  ]
  const inRegion = new Set(columns.map(k => k.kommunenummer))
  for (const [area, inArea] of groupBy(rows, r => r.area)) {
    lines.push([area, ...Array<string>(columns.length + 2).fill('')].join('\t'))
    for (const [i, r] of inArea.entries()) {
      const member = new Set(r.members.map(m => m.kommunenummer))
      const outside = r.members.filter(m => !inRegion.has(m.kommunenummer) && m !== r.host).map(m => m.name)
      const comment = [
        r.host ? `${r.host.name} vertskommune.` : '',
        outside.length ? `Med ${outside.length > 1 ? `${outside.slice(0, -1).join(', ')} og ${outside.at(-1)!}` : outside[0]}.` : '',
        r.terminated ? 'Avtalen er sagt opp.' : '',
      ].filter(Boolean).join(' ')
      lines.push([r.name, formCell(r.form, i), ...columns.map(k => member.has(k.kommunenummer) ? 'x' : ''), comment].join('\t'))
    }
  }
  return lines.join('\r\n') + '\r\n'
}

/** Raw SQL on either database (`?` placeholders are not needed here: the queries take no parameters). */
async function query<T> (database: DatabaseHandle, text: string): Promise<T[]> {
  if (database.dialect === 'sqlite') return database.sqlite.prepare(text).all() as T[]
  return (await database.pool.query(text)).rows as T[]
}

async function build (file: string, scale: number, clockAt: string): Promise<NationStats> {
  const t0 = performance.now()
  const phasesMs: Record<string, number> = {}
  const phasesCpuMs: Record<string, number> = {}
  let mark = t0
  let cpuMark = process.cpuUsage()
  const phase = (name: string) => {
    const now = performance.now()
    const cpu = process.cpuUsage(cpuMark)
    phasesMs[name] = now - mark
    phasesCpuMs[name] = (cpu.user + cpu.system) / 1000
    mark = now
    cpuMark = process.cpuUsage()
  }
  const rng = random(2026)
  const onPg = /^postgres(ql)?:\/\//.test(file)
  const deps = await createDependencies({
    config: onPg ? { BASE_URL: 'http://127.0.0.1', DATABASE_PATH: ':memory:', DATABASE_URL: file } : { BASE_URL: 'http://127.0.0.1', DATABASE_PATH: file },
    clock: fixedClock(clockAt),
  })
  const { services } = deps
  const { token } = await services.tokens.create({ label: 'bench:national build', role: 'admin', municipality: null })
  const actor = (await services.tokens.authenticate(token))!

  // Onboarding: the whole official list (kommuner and fylkeskommuner), or a smaller nation's kommuner.
  const kommuner = nationKommuner(scale)
  const onboarded = await services.onboarding.onboard(actor, scale >= 1 ? { all: true } : { municipalities: kommuner.map(k => k.kommunenummer) })
  phase('onboarding')

  // Regions: each county's municipalities in number order, in runs of about 4.5.
  const regions: Array<{ name: string; members: Kommune[] }> = []
  for (const [county, ks] of groupBy(kommuner, k => k.county)) {
    const n = Math.max(1, Math.round(ks.length / REGION_SIZE))
    for (let r = 0; r < n; r++) {
      regions.push({ name: n === 1 ? county : `${county} ${r + 1}`, members: ks.slice(Math.floor(r * ks.length / n), Math.floor((r + 1) * ks.length / n)) })
    }
  }
  const regionOf = new Map(regions.flatMap((r, i) => r.members.map(k => [k.kommunenummer, i] as const)))
  /** k distinct participants around a municipality: its region first, then the neighbouring regions. */
  function neighbourhood (anchor: Kommune, k: number): Kommune[] {
    const r = regionOf.get(anchor.kommunenummer)!
    const pool: Kommune[] = []
    for (let d = 0; pool.length < k + 3 && d < regions.length; d++) {
      for (const i of d === 0 ? [r] : [r - d, r + d]) if (regions[i]) pool.push(...regions[i].members)
    }
    const others = rng.shuffle(pool.filter(p => p !== anchor))
    // Mostly the own region: sort the shuffled pool by distance, keep the nearest k-1.
    others.sort((a, b) => Math.abs(regionOf.get(a.kommunenummer)! - r) - Math.abs(regionOf.get(b.kommunenummer)! - r))
    return [anchor, ...others.slice(0, k - 1)]
  }

  // Each region's rows; a name is unique in the nation, as the slug it gives.
  const rowsOf = regions.map((): Row[] => [])
  const slugs = new Set<string>()
  function row (regionIndex: number, name: string, form: LegalForm, members: Kommune[], area: string, terminated: boolean) {
    let unique = name
    for (let i = 2; slugs.has(slugify(unique)); i++) unique = `${name} ${i}`
    slugs.add(slugify(unique))
    rowsOf[regionIndex]!.push({ name: unique, form, area, members, host: HOST_FORMS.has(form) ? members[0]! : null, terminated })
  }
  // One regional council per region (3 members at least: a small region borrows from its neighbours).
  for (const [i, r] of regions.entries()) {
    const members = r.members.length >= 3 ? r.members : neighbourhood(r.members[0]!, 3)
    row(i, `Regionrådet ${r.name}`, 'interkommunalt_politisk_rad', members, 'Regionråd og annet politisk samarbeid', false)
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
    const r = regionOf.get(anchor.kommunenummer)!
    const suffix = form === 'iks' ? ' IKS' : form === 'as' ? ' AS' : form === 'sa' ? ' SA' : ''
    row(r, `${topic} ${regions[r]!.name}${suffix}`, form, members, topic, rng.next() < 0.02)
  }
  const files = regions.map((r, i) => ({ name: `${slugify(r.name)}.tsv`, bytes: new TextEncoder().encode(registerText(r, rowsOf[i]!)) }))
  phase('registers written')

  // One batch: every region's register in one transaction, governance applied once at the end.
  const imported = await services.register.importMany(actor, files, { dryRun: false })
  phase('register import')

  // Reminder subscribers, as test/bench/reminders.ts has them for the seeded region.
  const { database } = deps
  const directorOf = new Map((await query<{ n: string; slug: string }>(database, "SELECT m.kommunenummer AS n, b.slug AS slug FROM body b JOIN municipality m ON m.id = b.municipality_id WHERE b.kind = 'kommunedirektor' AND b.deleted = 0")).map(r => [r.n, r.slug]))
  let subscriptions = 0
  for (const [i, k] of kommuner.entries()) {
    await services.subscriptions.create(actor, { name: `KD ${k.name}`, email: `kd${i}@bench.test`, body: directorOf.get(k.kommunenummer)!, digest: true })
    await services.subscriptions.create(actor, { name: `Post ${k.name}`, email: `post${i}@bench.test`, municipality: k.slug })
    subscriptions += 2
  }
  await services.subscriptions.create(actor, { name: 'Møter', email: 'moter@bench.test', eventTypes: ['mote'] })
  subscriptions++
  phase('subscriptions')

  const rulesByOrigin = Object.fromEntries((await query<{ origin: string; n: number }>(database, 'SELECT origin, count(*) AS n FROM rule WHERE deleted = 0 GROUP BY origin ORDER BY origin')).map(r => [r.origin, Number(r.n)]))
  const byLegalForm = Object.fromEntries((await query<{ form: string; n: number }>(database, 'SELECT legal_form AS form, count(*) AS n FROM collaboration WHERE deleted = 0 GROUP BY legal_form ORDER BY legal_form')).map(r => [r.form, Number(r.n)]))
  const participations = Number((await query<{ n: number }>(database, 'SELECT count(*) AS n FROM participation'))[0]!.n)
  const busiest = (await query<{ slug: string; n: number }>(database, 'SELECT m.slug AS slug, count(*) AS n FROM participation p JOIN municipality m ON m.id = p.municipality_id GROUP BY m.id, m.slug ORDER BY n DESC, m.id LIMIT 1'))[0]!
  const warnings: Record<string, number> = {}
  for (const w of imported.warnings) warnings[w.code] = (warnings[w.code] ?? 0) + 1
  if (database.dialect === 'sqlite') database.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  await deps.close()
  phase('close')
  return {
    version: BUILD_VERSION,
    scale,
    municipalities: onboarded.onboarded.length,
    regions: regions.length,
    collaborations: Object.values(byLegalForm).reduce((a, b) => a + b, 0),
    byLegalForm,
    participations,
    rules: Object.values(rulesByOrigin).reduce((a, b) => a + b, 0),
    rulesByOrigin,
    subscriptions,
    busiest: { slug: busiest.slug, collaborations: Number(busiest.n) },
    registers: { files: files.length, rows: imported.entries, bytes: files.reduce((n, f) => n + f.bytes.length, 0), created: imported.created, warnings },
    loadMs: performance.now() - t0,
    phasesMs,
    phasesCpuMs,
  }
}

if (process.env.BENCH_BUILD_DB) {
  build(process.env.BENCH_BUILD_DB, Number(process.env.BENCH_NATIONAL_SCALE ?? 1), process.env.BENCH_CLOCK ?? '2027-03-15T07:00:00Z')
    .then(stats => process.send!({ type: 'built', stats }, () => process.exit(0)))
    .catch((err: Error) => process.send!({ type: 'built', error: err.stack ?? String(err) }, () => process.exit(1)))
}
