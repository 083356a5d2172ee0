// The governance catalogue (event types, packages, valgperioder) and applying packages: which rules
// each municipality and collaboration gets, and a default meeting plan for every body without one.
import type { Catalogue } from '../catalogue/load.js'
import type { EventType, Package } from '../catalogue/schema.js'
import type { Transactor } from '../db/executor.js'
import { addYears } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import { planDefaultMoteplan, planPackageRules } from '../domain/packages.js'
import { FIRST_ELECTION_YEAR, valgperiode, valgperioderOverlapping } from '../domain/valgperiode.js'
import type { AuditActor, AuditRepository } from '../repositories/audit.js'
import type { OccurrencesRepository } from '../repositories/occurrences.js'
import type { RulesRepository } from '../repositories/rules.js'
import type { Clock } from '../shared/clock.js'
import { invalid, missing } from '../shared/errors.js'
import { auditActor, type AccessService, type Actor } from './access.js'

export interface PackageApplication { created: number; existing: number; perPackage: Record<string, number> }
export interface PackagesFilter { package?: string; municipality?: string; collaboration?: string }

export interface PackagesServiceDeps {
  rules: RulesRepository
  occurrences: OccurrencesRepository
  audit: AuditRepository
  access: AccessService
  clock: Clock
  catalogue: Catalogue
  transactor: Transactor
  /** When the catalogue was loaded: the `modified` time of every catalogue item (it changes only with a deploy). */
  catalogueLoadedAt?: number
}

/** The first valgperiode listed by default. */
export const VALGPERIODER_FROM = '2019-01-01'

export function createPackagesService (deps: PackagesServiceDeps) {
  const { rules, occurrences, audit, access, clock, catalogue, transactor } = deps
  const loadedAt = deps.catalogueLoadedAt ?? clock.now().getTime()

  /** Idempotent: a (package, event type, subject) that already has a rule — even overridden or off — is left alone. */
  async function applyAll (filter: { packageKey?: string; municipality?: number; collaboration?: number }, actor: AuditActor): Promise<PackageApplication> {
    return transactor.transaction(async tx => {
      let created = 0
      let existing = 0
      const perPackage: Record<string, number> = {}
      const drafts: Array<ReturnType<typeof planPackageRules>[number] & { origin: 'package' }> = []
      for (const subject of await rules.subjectsForPackages(filter, tx)) {
        for (const pkg of catalogue.packages.values()) {
          if (filter.packageKey && pkg.key !== filter.packageKey) continue
          for (const draft of planPackageRules(pkg, catalogue.eventTypes, subject)) drafts.push({ ...draft, origin: 'package' })
        }
      }
      const inserted = await rules.insertManyIfAbsent(drafts, tx)
      drafts.forEach((draft, i) => {
        if (!inserted[i]) {
          existing++
          return
        }
        created++
        perPackage[draft.packageKey] = (perPackage[draft.packageKey] ?? 0) + 1
      })
      if (created > 0) await audit.record(clock.now().getTime(), actor, { action: 'apply_packages', entityType: 'rule', entityId: filter.packageKey ?? '*', after: { created, perPackage } }, tx)
      return { created, existing, perPackage }
    })
  }

  const service = {
    /** The catalogue's modification time (see `catalogueLoadedAt`). */
    catalogueModified: loadedAt,
    eventTypes (): EventType[] { return [...catalogue.eventTypes.values()] },
    packages (): Package[] { return [...catalogue.packages.values()] },

    /** Valgperioder overlapping the window; by default from 2019 to eight years ahead. */
    valgperioder (window: { from?: string; to?: string }) {
      const from = window.from ?? VALGPERIODER_FROM
      const to = window.to ?? addYears(localDateOf(clock.now(), 'Europe/Oslo'), 8)
      if (from > to) throw invalid('valgperioder.window', 'from', 'must be on or before to')
      // Earlier periods are not modelled: a window reaching before the first one would list it as the first.
      const first = valgperiode(FIRST_ELECTION_YEAR).start
      if (from < first) throw invalid('valgperioder.window', 'from', `must be on or after ${first}: valgperioder are modelled from the ${FIRST_ELECTION_YEAR} election`)
      return valgperioderOverlapping(from, to)
    },

    /**
     * Applies packages to one municipality or collaboration (its editors may), or without a subject to
     * every subject (admins only).
     */
    async apply (filter: PackagesFilter, actor: Actor | null): Promise<PackageApplication> {
      access.requireActor(actor)
      if (filter.package && !catalogue.packages.has(filter.package)) throw invalid('packages.unknown', 'package', `unknown package "${filter.package}"`)
      const l = await occurrences.lookups()
      const bySlug = <T extends { slug: string; deleted: boolean; id: number }>(rows: Map<number, T>, slug: string, what: string) => {
        const row = [...rows.values()].find(r => r.slug === slug && !r.deleted)
        if (!row) throw missing(what, slug, what)
        return row.id
      }
      const municipality = filter.municipality !== undefined ? bySlug(l.municipalities, filter.municipality, 'municipality') : undefined
      const collaboration = filter.collaboration !== undefined ? bySlug(l.collaborations, filter.collaboration, 'collaboration') : undefined
      const a = municipality !== undefined || collaboration !== undefined
        ? await access.assertMayChange(actor, { municipalityIds: [municipality], collaborationIds: [collaboration] })
        : access.requireAdmin(actor)
      return applyAll({ packageKey: filter.package, municipality, collaboration }, auditActor(a))
    },

    /** Every package on every subject: for the seed and the register import (system actor, no checks). */
    applyEverywhere: (actor: AuditActor) => applyAll({}, actor),

    /** Gives every body without a meeting plan its kind's default plan. */
    async applyDefaultMoteplaner (actor: AuditActor): Promise<number> {
      return transactor.transaction(async tx => {
        const planned = await rules.bodyIdsWithMoteplan(tx)
        const drafts = []
        for (const body of await rules.liveBodies(tx)) {
          const moteplan = catalogue.moteplaner.get(body.kind)
          if (!moteplan || planned.has(body.id)) continue
          drafts.push(planDefaultMoteplan(moteplan, body))
        }
        await rules.insertMany(drafts, tx)
        const created = drafts.length
        if (created > 0) await audit.record(clock.now().getTime(), actor, { action: 'apply_moteplaner', entityType: 'rule', entityId: '*', after: { created } }, tx)
        return created
      })
    },
  }
  return service
}
export type PackagesService = ReturnType<typeof createPackagesService>
