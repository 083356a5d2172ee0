// Onboarding: kommuner and fylkeskommuner from the official list (seeds/kommuner-2026.tsv) become municipalities
// with their statutory bodies (koml. § 5-1), and a region is whatever has been onboarded into it — data, not code.
import { rolledBack, type Executor, type Transactor } from '../db/executor.js'
import type { MunicipalitiesRepository, MunicipalBodyRow, MunicipalityRow } from '../repositories/municipalities.js'
import type { BodiesRepository, BodyValues } from '../repositories/bodies.js'
import type { AuditRepository } from '../repositories/audit.js'
import type { Clock } from '../shared/clock.js'
import { invalid, requireSupportedDate } from '../shared/errors.js'
import { defaultMunicipalityBodies } from '../domain/default-bodies.js'
import { localDateOf } from '../domain/local-time.js'
import { loadKommuneDirectory, type KommuneDirectory, type OfficialUnit } from '../domain/kommuner.js'
import { auditActor, type AccessService, type Actor } from './access.js'
import type { PackagesService } from './packages.js'

/** What happened to each unit: made now, brought back from a tombstone, put into the region, or nothing to do. */
export type OnboardingStatus = 'created' | 'restored' | 'joined' | 'already'

export interface OnboardedUnit {
  kommunenummer: string
  slug: string
  name: string
  kind: OfficialUnit['kind']
  status: OnboardingStatus
  /** Bokmål: what was assumed from the spelling given, or that an existing row was renamed; null when nothing was. */
  note: string | null
}

export interface Governance { created: number; existing: number; perPackage: Record<string, number>; moteplaner: number }

export interface OnboardingReport {
  dryRun: boolean
  /** The tracking start given to units that had none (YYYY-MM-DD). */
  trackingFrom: string
  onboarded: OnboardedUnit[]
  /** Rules created by the packages and default møteplaner applied afterwards (also in a dry run: what would be). */
  governance: Governance
}

export interface OnboardingInput {
  /** Kommunenummer or names as registers write them ('3405', 'Gausdal', 'Herøy (Nordland)', 'Tana'). */
  municipalities?: string[]
  /** A fylkesnummer ('34') or county name ('Innlandet'): its kommuner and its fylkeskommune. */
  county?: string
  /** Every unit of the official list. */
  all?: boolean
  /** YYYY-MM-DD; default: today in Europe/Oslo. */
  trackingFrom?: string
}

export interface OnboardingServiceDeps {
  municipalities: MunicipalitiesRepository
  bodies: BodiesRepository
  audit: AuditRepository
  packages: PackagesService
  access: AccessService
  transactor: Transactor
  clock: Clock
  /** Default: the shipped list (loadKommuneDirectory). */
  directory?: KommuneDirectory
}

const ZONE = 'Europe/Oslo'
const sameName = (a: string, b: string) => a.normalize('NFC').toLocaleLowerCase('nb') === b.normalize('NFC').toLocaleLowerCase('nb')

/**
 * Access: onboarding changes the region and is for admins only (checked before the input is read).
 * Tracking start: a unit created gets `trackingFrom`; one entering the region gets it unless its own is later;
 * one already in the region keeps its own (set only where it has none).
 * A unit is matched to an existing municipality by kommunenummer, else (a row without one) by slug, by
 * name, or by what its stored name resolves to in the list ("Oppland fylkeskommune" is today's Innlandet
 * fylkeskommune). A matched row takes the official name, kind and county and keeps its slug (links stay
 * valid); its bodies that still carry the generated name of the old name are renamed with it.
 */
export function createOnboardingService (deps: OnboardingServiceDeps) {
  const { municipalities, bodies, audit, packages, access, transactor, clock } = deps
  const directory = deps.directory ?? loadKommuneDirectory()

  /** ensureUnits with each unit's status (see ensureUnits). */
  async function ensure (actor: Actor, units: readonly OfficialUnit[], opts: { inRegion: boolean; trackingFrom: string }, tx: Executor) {
    const at = clock.now().getTime()
    const who = auditActor(actor)
    const all = await municipalities.listAll(tx)
    const byNumber = new Map(all.filter(r => r.kommunenummer !== null).map(r => [r.kommunenummer!, r]))
    // Rows from before the official list (a register import, a hand-made one): the unit each stands for, first by id wins.
    const adoptable = new Map<string, MunicipalityRow>()
    const bySlug = new Map(directory.units.map(u => [u.slug, u]))
    for (const r of all) {
      if (r.kommunenummer !== null) continue
      let unit = bySlug.get(r.slug)
      if (!unit) {
        const resolved = directory.resolve(r.name)
        if (resolved.status === 'found' && resolved.unit.kind === r.kind) unit = resolved.unit
      }
      if (unit && !byNumber.has(unit.kommunenummer) && !adoptable.has(unit.kommunenummer)) adoptable.set(unit.kommunenummer, r)
    }
    const bodiesOf = new Map<number, MunicipalBodyRow[]>()
    for (const b of await municipalities.listMunicipalBodies(tx)) bodiesOf.set(b.municipalityId, [...bodiesOf.get(b.municipalityId) ?? [], b])
    const takenBodySlugs = new Set(await municipalities.listBodySlugs(tx))
    const takenSlugs = new Set(all.map(r => r.slug))

    const rows = new Map<string, MunicipalityRow>()
    const statuses = new Map<string, { status: OnboardingStatus; note: string | null }>()
    const newBodies: BodyValues[] = []
    for (const unit of units) {
      if (rows.has(unit.kommunenummer)) continue
      let row = byNumber.get(unit.kommunenummer) ?? adoptable.get(unit.kommunenummer)
      let status: OnboardingStatus = 'already'
      let note: string | null = null
      let oldName: string | null = null
      if (!row) {
        // The official slug, unless a row outside the list holds it already.
        let slug = unit.slug
        for (let i = 2; takenSlugs.has(slug); i++) slug = `${unit.slug}-${i}`
        takenSlugs.add(slug)
        row = await municipalities.insert({
          slug,
          name: unit.name,
          kind: unit.kind,
          county: unit.county,
          kommunenummer: unit.kommunenummer,
          inRegion: opts.inRegion,
          trackingFrom: opts.trackingFrom,
        }, tx)
        await audit.record(at, who, { action: 'create', entityType: 'municipality', entityId: row.id, after: row }, tx)
        status = 'created'
      } else {
        const before = row
        if (row.deleted) {
          row = (await municipalities.restore(row.id, tx))!
          status = 'restored'
        }
        const patch: Parameters<MunicipalitiesRepository['update']>[1] = {}
        if (row.kommunenummer !== unit.kommunenummer) patch.kommunenummer = unit.kommunenummer
        if (row.name !== unit.name) {
          patch.name = unit.name
          oldName = row.name
          // A change of case or a bilingual name completed is no news; another name is.
          if (!sameName(row.name, unit.name) && !unit.name.split(' - ').some(part => sameName(part, row!.name))) {
            note = `Het «${row.name}»; navnet er nå ${unit.name} etter SSBs liste`
          }
        }
        if (row.kind !== unit.kind) patch.kind = unit.kind
        if (row.county !== unit.county) patch.county = unit.county
        // Tracking starts when a unit enters the region: an outsider had no package rules, so an earlier start
        // (its creation) would turn the new rules' past deadlines into false alarms. A later start stays.
        const joining = opts.inRegion && !row.inRegion
        if (opts.inRegion && (row.trackingFrom === null || (joining && row.trackingFrom < opts.trackingFrom))) patch.trackingFrom = opts.trackingFrom
        if (joining) {
          patch.inRegion = true
          if (status === 'already') status = 'joined'
        }
        if (Object.keys(patch).length > 0) {
          row = (await municipalities.update(row.id, patch, tx))!
          await audit.record(at, who, { action: status === 'restored' ? 'restore' : 'update', entityType: 'municipality', entityId: row.id, before, after: row }, tx)
        } else if (status === 'restored') {
          await audit.record(at, who, { action: 'restore', entityType: 'municipality', entityId: row.id }, tx)
        }
      }
      await ensureBodies(row, oldName, bodiesOf.get(row.id) ?? [], takenBodySlugs, newBodies, tx)
      rows.set(unit.kommunenummer, row)
      statuses.set(unit.kommunenummer, { status, note })
    }
    // The new bodies of every unit together: the whole nation's are some two thousand.
    await bodies.insertMany(newBodies, tx)
    return { rows, statuses }
  }

  /**
   * Every statutory body of the unit's kind exists and is live; generated names follow a renamed municipality.
   * Bodies to create are added to `created` (the caller inserts them), the rest is written here.
   */
  async function ensureBodies (row: MunicipalityRow, oldName: string | null, existing: MunicipalBodyRow[], takenBodySlugs: Set<string>, created: BodyValues[], tx: Executor) {
    // Generated names to bring up to date: the old name's, and a kommune's names on a fylkeskommune (imports before
    // issue 12 gave "Oppland fylkeskommune" a "Kommunestyret i Oppland fylkeskommune"). A name someone chose stays.
    const previous = [...new Set([oldName ?? row.name, row.name])].flatMap(n => [...defaultMunicipalityBodies(n, row.kind), ...defaultMunicipalityBodies(n, 'kommune')])
    for (const wanted of defaultMunicipalityBodies(row.name, row.kind)) {
      const ofKind = existing.filter(b => b.kind === wanted.kind)
      const live = ofKind.find(b => !b.deleted)
      if (live) {
        if (live.name !== wanted.name && previous.some(p => p.name === live.name)) await municipalities.renameBody(live.id, wanted.name, tx)
        continue
      }
      // The law requires the body: bring back a deleted one rather than making a second.
      const tombstone = ofKind[0]
      if (tombstone) {
        await municipalities.restoreBody(tombstone.id, tx)
        if (tombstone.name !== wanted.name && previous.some(p => p.name === tombstone.name)) await municipalities.renameBody(tombstone.id, wanted.name, tx)
        continue
      }
      let slug = `${row.slug}-${wanted.slugSuffix}`
      for (let i = 2; takenBodySlugs.has(slug); i++) slug = `${row.slug}-${wanted.slugSuffix}-${i}`
      takenBodySlugs.add(slug)
      created.push({ slug, name: wanted.name, kind: wanted.kind, municipalityId: row.id, collaborationId: null })
    }
  }

  async function applyGovernance (actor: Actor): Promise<Governance> {
    return transactor.transaction(async () => {
      const applied = await packages.applyEverywhere(auditActor(actor))
      return { ...applied, moteplaner: await packages.applyDefaultMoteplaner(auditActor(actor)) }
    })
  }

  /** The units an onboarding request names, or a 400 naming the field; nothing is written. */
  function unitsOf (input: OnboardingInput): Array<{ unit: OfficialUnit; note: string | null }> {
    if (input.all) return directory.units.map(unit => ({ unit, note: null }))
    const out: Array<{ unit: OfficialUnit; note: string | null }> = []
    if (input.county !== undefined) {
      const county = input.county.trim()
      const current = /^\d{1,2}$/.test(county) ? county.padStart(2, '0') : directory.units.find(u => sameName(u.county, county))?.countyNumber
      const number = current ?? countyOf(county)
      const inCounty = directory.units.filter(u => u.countyNumber === number)
      if (!inCounty.length) throw invalid('onboarding.unknown_county', 'county', `«${input.county}» er ikke et fylkesnummer eller fylke i SSBs liste`)
      // A former county's name takes in the whole of today's county: say so on every unit.
      const note = current === undefined ? `«${county}» er i dag ${inCounty[0]!.county} (${number}); hele ${inCounty[0]!.county} er tatt med` : null
      for (const unit of inCounty) out.push({ unit, note })
    }
    for (const [i, spelling] of (input.municipalities ?? []).entries()) {
      const field = `municipalities/${i}`
      const r = directory.resolve(spelling)
      if (r.status === 'unknown') throw invalid('onboarding.unknown_municipality', field, `«${spelling}» er ikke en kommune eller fylkeskommune i SSBs liste (navn eller kommunenummer)`)
      if (r.status === 'ambiguous') {
        const names = r.candidates.map(u => `${u.name} (${u.kommunenummer})`).join(', ')
        throw invalid('onboarding.ambiguous_municipality', field, `«${spelling}» kan være ${names}; skriv navnet med fylket eller kommunenummeret`)
      }
      out.push({ unit: r.unit, note: r.note })
    }
    if (!out.length) throw invalid('onboarding.nothing', 'municipalities', 'oppgi minst én kommune, et fylke (county) eller all')
    return out
  }

  /** A former county's name ('Oppland') → today's county number, through its fylkeskommune; a split one ('Viken') is a 400. */
  function countyOf (name: string): string | undefined {
    const r = directory.resolve(`${name} fylkeskommune`)
    if (r.status === 'ambiguous') {
      throw invalid('onboarding.ambiguous_county', 'county', `«${name}» er i dag flere fylker: ${r.candidates.map(u => `${u.county} (${u.countyNumber})`).join(', ')}; velg ett`)
    }
    return r.status === 'found' ? r.unit.countyNumber : undefined
  }

  return {
    directory,

    /**
     * Admins only. Puts the named units in the region (creating, restoring or joining each), gives those without
     * one the tracking start, then applies packages and default møteplaner once — all in one transaction. A dry run
     * does the same and rolls it back. 400 (`municipalities/<i>`, `county`, `trackingFrom`) before anything is written.
     */
    async onboard (actor: Actor | null | undefined, input: OnboardingInput, opts: { dryRun?: boolean } = {}): Promise<OnboardingReport> {
      const a = access.requireAdmin(actor)
      const trackingFrom = input.trackingFrom ?? localDateOf(clock.now(), ZONE)
      requireSupportedDate(trackingFrom, 'onboarding.invalid_tracking_from', 'trackingFrom')
      const wanted = unitsOf(input)
      const notes = new Map<string, string>()
      for (const w of wanted) if (w.note && !notes.has(w.unit.kommunenummer)) notes.set(w.unit.kommunenummer, w.note)
      const work = async (tx: Executor): Promise<OnboardingReport> => {
        const { rows, statuses } = await ensure(a, wanted.map(w => w.unit), { inRegion: true, trackingFrom }, tx)
        const onboarded = [...rows].map(([kommunenummer, row]): OnboardedUnit => {
          const s = statuses.get(kommunenummer)!
          const note = [notes.get(kommunenummer), s.note].filter(Boolean).join('. ') || null
          return { kommunenummer, slug: row.slug, name: row.name, kind: row.kind, status: s.status, note }
        })
        return { dryRun: opts.dryRun ?? false, trackingFrom, onboarded, governance: await applyGovernance(a) }
      }
      return opts.dryRun ? rolledBack(transactor, work) : transactor.transaction(work)
    },

    /**
     * Inside a caller's transaction (the register import): makes each unit exist with its kommunenummer, official
     * name, county, kind and statutory bodies; `inRegion: true` also puts it in the region and sets its tracking
     * start if it has none, or if it enters the region now with an earlier one (a unit created now gets `trackingFrom`
     * either way). Does NOT apply packages (the caller
     * applies them once per batch, see applyGovernance). Returns the rows by kommunenummer.
     */
    async ensureUnits (actor: Actor, units: readonly OfficialUnit[], opts: { inRegion: boolean; trackingFrom: string }, tx: Executor): Promise<Map<string, MunicipalityRow>> {
      return (await ensure(actor, units, opts, tx)).rows
    },

    /** Packages and default møteplaner for everything, once (what import and onboard call at the end). */
    async applyGovernance (actor: Actor, _tx?: Executor): Promise<Governance> {
      // The transactor joins the caller's open transaction (same async context), so `_tx` needs no passing on.
      return applyGovernance(actor)
    },
  }
}
export type OnboardingService = ReturnType<typeof createOnboardingService>
