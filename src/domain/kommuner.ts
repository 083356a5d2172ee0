// The official list of Norway's kommuner and fylkeskommuner, and the spellings registers use for them.
// Source: seeds/kommuner-2026.tsv (SSB KLASS 131 kommuneinndeling and 104 fylkesinndeling, valid 1 January 2026).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { slugify } from '../register/slug.js'

export interface OfficialUnit {
  /** SSB's four-digit kommunenummer ('3405'); for a fylkeskommune its two-digit fylkesnummer ('34'). */
  kommunenummer: string
  /** SSB's name: 'Herøy (Nordland)', 'Deatnu - Tana', 'Innlandet fylkeskommune'. */
  name: string
  kind: 'kommune' | 'fylkeskommune'
  countyNumber: string
  county: string
  /** slugify(name); names are unique in SSB's list (it adds the county to shared names), so slugs are too. */
  slug: string
}

export type Resolution =
  | { status: 'found'; unit: OfficialUnit; note: string | null }
  | { status: 'ambiguous'; candidates: OfficialUnit[] }
  | { status: 'unknown' }

export interface KommuneDirectory {
  units: readonly OfficialUnit[]
  /** What a register writes for a kommune or fylkeskommune → the official unit; `note` (bokmål) says what was assumed. */
  resolve (spelling: string): Resolution
  byNumber (n: string): OfficialUnit | undefined
}

export const KOMMUNE_LIST_FILE = fileURLToPath(new URL('../../seeds/kommuner-2026.tsv', import.meta.url))

// Oslo is one kommune that also has the county's tasks (a county of its own, with no fylkeskommune beside it:
// its bystyre is also the county council). So one unit, the kommune 0301, stands for both and its tasks are
// never tracked twice; "Oslo fylkeskommune" and fylkesnummer 03 resolve to Oslo kommune with a note.
const OSLO_COUNTY = '03'

/**
 * Parses the TSV (kommunenummer, navn, fylkesnummer, fylke; '#' lines are the source header) into the
 * 357 kommuner in file order followed by one fylkeskommune per county except Oslo (14), by fylkesnummer.
 * Throws on a malformed row (the file is shipped data, so that is a bug, not user input).
 */
export function parseKommuneList (text: string): OfficialUnit[] {
  const kommuner: OfficialUnit[] = []
  const counties = new Map<string, string>()
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith('kommunenummer\t')) continue
    const [kommunenummer, name, countyNumber, county] = line.split('\t').map(s => s.trim())
    if (!/^\d{4}$/.test(kommunenummer ?? '') || !name || !/^\d{2}$/.test(countyNumber ?? '') || !county) {
      throw new Error(`kommune list line ${i + 1}: expected kommunenummer, navn, fylkesnummer, fylke`)
    }
    kommuner.push({ kommunenummer: kommunenummer!, name, kind: 'kommune', countyNumber: countyNumber!, county, slug: slugify(name) })
    counties.set(countyNumber!, county)
  }
  const fylkeskommuner = [...counties].filter(([n]) => n !== OSLO_COUNTY).sort(([a], [b]) => a.localeCompare(b))
    .map(([countyNumber, county]): OfficialUnit => {
      const name = `${county} fylkeskommune`
      return { kommunenummer: countyNumber, name, kind: 'fylkeskommune', countyNumber, county, slug: slugify(name) }
    })
  return [...kommuner, ...fylkeskommuner]
}

/** Case, whitespace, dash and parenthesis spacing do not matter: 'Deatnu-Tana' = 'deatnu - tana'. */
function norm (s: string): string {
  return s.normalize('NFC').toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/\s*-\s*/g, '-')
    .replace(/\s*\(\s*/g, ' (').replace(/\s*\)/g, ')')
    .replace(/[.,;:]+$/, '')
    .trim()
}

/** A county a register may name, today's or a former one, and the counties it means now. */
interface CountyAlias { numbers: string[]; former: string | null }

// Former counties (regionreformen 2020, Trøndelag 2018, the 2024 split) → today's counties.
const FORMER_COUNTIES: ReadonlyArray<[string, string[], string]> = [
  ['Oppland', ['34'], 'Oppland og Hedmark ble Innlandet i 2020'],
  ['Hedmark', ['34'], 'Oppland og Hedmark ble Innlandet i 2020'],
  ['Sør-Trøndelag', ['50'], 'Sør- og Nord-Trøndelag ble Trøndelag i 2018'],
  ['Nord-Trøndelag', ['50'], 'Sør- og Nord-Trøndelag ble Trøndelag i 2018'],
  ['Hordaland', ['46'], 'Hordaland og Sogn og Fjordane ble Vestland i 2020'],
  ['Sogn og Fjordane', ['46'], 'Hordaland og Sogn og Fjordane ble Vestland i 2020'],
  ['Aust-Agder', ['42'], 'Aust- og Vest-Agder ble Agder i 2020'],
  ['Vest-Agder', ['42'], 'Aust- og Vest-Agder ble Agder i 2020'],
  ['Viken', ['31', '32', '33'], 'Viken ble delt i Østfold, Akershus og Buskerud i 2024'],
  ['Vestfold og Telemark', ['39', '40'], 'Vestfold og Telemark ble delt i 2024'],
  ['Troms og Finnmark', ['55', '56'], 'Troms og Finnmark ble delt i 2024'],
  // Parallel Sami and Kven county names (not in the list's county column).
  ['Trööndelage', ['50'], ''],
  ['Romsa', ['55'], ''],
  ['Tromssa', ['55'], ''],
  ['Finnmárku', ['56'], ''],
  ['Finmarkku', ['56'], ''],
]

// Abbreviations registers use for fylkeskommuner. Only unambiguous ones: HFK (Hedmark or Hordaland),
// TFK and VFK (several counties) are left unresolved rather than guessed.
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  ofk: 'Oppland fylkeskommune',
  hfk: 'Hedmark fylkeskommune',
  ifk: 'Innlandet fylkeskommune',
  vlfk: 'Vestland fylkeskommune',
  mrfk: 'Møre og Romsdal fylkeskommune',
  nfk: 'Nordland fylkeskommune',
  rfk: 'Rogaland fylkeskommune',
  tffk: 'Troms og Finnmark fylkeskommune',
  vtfk: 'Vestfold og Telemark fylkeskommune',
  strfk: 'Sør-Trøndelag fylkeskommune',
  ntfk: 'Nord-Trøndelag fylkeskommune',
  sffk: 'Sogn og Fjordane fylkeskommune',
}
// HFK was Hedmark's and Hordaland's: a guess either way.
const AMBIGUOUS_ABBREVIATIONS: Readonly<Record<string, string[]>> = { hfk: ['34', '46'] }

const SEPARATORS = [' (', ' i ', ', ', ' - ', '-', ' ']

/** Pure: the directory over a list of units (see parseKommuneList). */
export function createKommuneDirectory (units: readonly OfficialUnit[]): KommuneDirectory {
  const byNumberMap = new Map(units.map(u => [u.kommunenummer, u]))
  const byName = new Map<string, OfficialUnit>()
  // A kommune's name without its county ('Herøy') and each half of a bilingual name ('Tana', 'Deatnu').
  const byBase = new Map<string, OfficialUnit[]>()
  const byPart = new Map<string, OfficialUnit[]>()
  const bySlug = new Map<string, OfficialUnit[]>()
  const fylkeskommuneOf = new Map<string, OfficialUnit>()
  const counties = new Map<string, CountyAlias>()
  const add = (m: Map<string, OfficialUnit[]>, key: string, u: OfficialUnit) => {
    const list = m.get(key) ?? []
    if (!list.includes(u)) list.push(u)
    m.set(key, list)
  }
  for (const u of units) {
    byName.set(norm(u.name), u)
    add(bySlug, u.slug, u)
    if (u.kind === 'fylkeskommune') { fylkeskommuneOf.set(u.countyNumber, u); continue }
    const base = u.name.replace(/\s*\([^)]*\)$/, '')
    add(byBase, norm(base), u)
    add(bySlug, slugify(base), u)
    const parts = base.split(' - ')
    if (parts.length > 1) {
      for (const part of parts) { add(byPart, norm(part), u); add(bySlug, slugify(part), u) }
    }
    counties.set(norm(u.county), { numbers: [u.countyNumber], former: null })
  }
  for (const [name, numbers, history] of FORMER_COUNTIES) {
    if (!counties.has(norm(name))) counties.set(norm(name), { numbers, former: history || null })
  }
  // Longest first, so 'Vestfold og Telemark' wins over 'Telemark' as a qualifier.
  const countyKeys = [...counties.keys()].sort((a, b) => b.length - a.length)
  const oslo = units.find(u => u.kind === 'kommune' && u.countyNumber === OSLO_COUNTY)

  const found = (unit: OfficialUnit, note: string | null = null): Resolution => ({ status: 'found', unit, note })
  const many = (candidates: OfficialUnit[], note: (u: OfficialUnit) => string | null): Resolution =>
    candidates.length === 1 ? found(candidates[0]!, note(candidates[0]!)) : candidates.length ? { status: 'ambiguous', candidates } : { status: 'unknown' }
  const quoted = (s: string) => `«${s.trim()}»`
  const interpreted = (spelling: string, u: OfficialUnit, why?: string | null) =>
    `${quoted(spelling)} er tolket som ${u.name} (${u.kommunenummer})${why ? `: ${why}` : ''}`

  /** The fylkeskommune(r) a county name means; Oslo is the kommune. */
  function countyUnits (countyKey: string): { units: OfficialUnit[]; alias: CountyAlias } | undefined {
    const alias = counties.get(countyKey)
    if (!alias) return undefined
    const list = alias.numbers.map(n => n === OSLO_COUNTY ? oslo : fylkeskommuneOf.get(n)).filter((u): u is OfficialUnit => !!u)
    return { units: list, alias }
  }

  /** A kommune's own name, its name without county, or one half of a bilingual name. */
  function kommuneCandidates (key: string): { units: OfficialUnit[]; exact: boolean } {
    const exact = byName.get(key)
    if (exact && exact.kind === 'kommune') return { units: [exact], exact: true }
    const base = byBase.get(key)
    if (base?.length) return { units: base, exact: base.length === 1 && norm(base[0]!.name) === key }
    return { units: byPart.get(key) ?? [], exact: false }
  }

  function resolveKey (spelling: string, key: string): Resolution {
    if (key === '') return { status: 'unknown' }
    if (/^\d{4}$/.test(key)) {
      const u = byNumberMap.get(key)
      return u?.kind === 'kommune' ? found(u) : { status: 'unknown' }
    }
    // A spreadsheet drops the leading zero of 0301.
    if (/^\d{3}$/.test(key)) {
      const u = byNumberMap.get(`0${key}`)
      return u?.kind === 'kommune' ? found(u, interpreted(spelling, u, 'kommunenummer uten ledende null')) : { status: 'unknown' }
    }
    if (/^\d{2}$/.test(key)) {
      if (key === OSLO_COUNTY && oslo) return found(oslo, interpreted(spelling, oslo, 'Oslo kommune har fylkeskommunens oppgaver'))
      const u = fylkeskommuneOf.get(key)
      return u ? found(u) : { status: 'unknown' }
    }
    const named = byName.get(key)
    if (named) return found(named)

    // 'Oppland fylkeskommune (OFK)', 'Innlandet fylkeskommune (FK)': the abbreviation adds nothing once the name resolves.
    const abbreviated = /^(.*\S) \(([^()]{1,8})\)$/.exec(key)
    if (abbreviated && !counties.has(abbreviated[2]!)) {
      const rest = resolveKey(spelling, abbreviated[1]!)
      if (rest.status !== 'unknown' || !ABBREVIATIONS[abbreviated[2]!]) return rest
      return resolveKey(spelling, abbreviated[2]!)
    }
    const abbreviation = ABBREVIATIONS[key]
    if (abbreviation) {
      const ambiguous = AMBIGUOUS_ABBREVIATIONS[key]
      if (ambiguous) return { status: 'ambiguous', candidates: ambiguous.map(n => fylkeskommuneOf.get(n)).filter((u): u is OfficialUnit => !!u) }
      const r = resolveKey(abbreviation, norm(abbreviation))
      if (r.status !== 'found') return r
      return { ...r, note: r.note ? `${quoted(spelling)} står for ${abbreviation}; ${r.note}` : interpreted(spelling, r.unit, `forkortelse for ${abbreviation}`) }
    }

    const fylke = /^(.+?) (fylkeskommune|fylke|fk)$/.exec(key)
    if (fylke) {
      const c = countyUnits(fylke[1]!)
      if (!c) return { status: 'unknown' }
      return many(c.units, u => u.kind === 'kommune'
        ? interpreted(spelling, u, 'Oslo kommune har fylkeskommunens oppgaver')
        : c.alias.former ? interpreted(spelling, u, c.alias.former) : fylke[2] === 'fylkeskommune' ? null : interpreted(spelling, u))
    }
    const kommune = /^(.+?) kommune$/.exec(key)
    if (kommune) {
      const r = resolveKey(spelling, kommune[1]!)
      // 'Innlandet kommune' is not a fylkeskommune.
      return r.status === 'found' && r.unit.kind !== 'kommune' ? { status: 'unknown' } : r
    }

    const direct = kommuneCandidates(key)
    if (direct.units.length) {
      return many(direct.units, u => direct.exact ? null : interpreted(spelling, u, 'ett av kommunens navn'))
    }

    // 'Herøy (Nordland)', 'Herøy i Nordland', 'Herøy Nordland', 'Våler (Hedmark)'.
    for (const countyKey of countyKeys) {
      for (const sep of SEPARATORS) {
        const suffix = sep === ' (' ? `${sep}${countyKey})` : `${sep}${countyKey}`
        if (!key.endsWith(suffix) || key.length === suffix.length) continue
        const alias = counties.get(countyKey)!
        const candidates = kommuneCandidates(key.slice(0, -suffix.length))
        const inCounty = candidates.units.filter(u => alias.numbers.includes(u.countyNumber))
        if (!inCounty.length) continue
        return many(inCounty, u => alias.former
          ? interpreted(spelling, u, alias.former)
          : (candidates.exact || norm(u.name) === norm(`${key.slice(0, -suffix.length)} (${u.county})`)) ? null : interpreted(spelling, u, 'ett av kommunens navn'))
      }
    }

    // A bare county name means its fylkeskommune: 'Innlandet', 'Viken' (ambiguous since 2024).
    const county = countyUnits(key)
    if (county) return many(county.units, u => interpreted(spelling, u, county.alias.former))

    // Letters lost on the way ('Oyer' for Øyer): compare the slugs.
    const slugged = bySlug.get(slugify(spelling)) ?? []
    return many(slugged, u => interpreted(spelling, u, 'stavet annerledes enn i SSBs liste'))
  }

  return {
    units,
    byNumber: (n: string) => byNumberMap.get(n.trim()),
    resolve: (spelling: string) => resolveKey(spelling, norm(spelling)),
  }
}

let cached: KommuneDirectory | undefined
/** The directory over seeds/kommuner-2026.tsv, read once per process. */
export function loadKommuneDirectory (): KommuneDirectory {
  cached ??= createKommuneDirectory(parseKommuneList(readFileSync(KOMMUNE_LIST_FILE, 'utf8')))
  return cached
}
