// Municipalities: listing, the statutory bodies a new one gets, and who may change or delete one.
import type { Executor, Transactor } from '../db/executor.js'
import type { MunicipalitiesRepository, MunicipalityFilter, MunicipalityInput, MunicipalityRow } from '../repositories/municipalities.js'
import type { BodiesRepository } from '../repositories/bodies.js'
import type { AuditRepository } from '../repositories/audit.js'
import type { Clock } from '../shared/clock.js'
import { conflicting, invalid, missing, requireSupportedDate } from '../shared/errors.js'
import { defaultMunicipalityBodies } from '../domain/default-bodies.js'
import { isValidOrganisasjonsnummer } from '../domain/organisasjonsnummer.js'
import { auditActor, type AccessService, type Actor } from './access.js'

export type { MunicipalityRow, MunicipalityInput, MunicipalityFilter } from '../repositories/municipalities.js'

export interface MunicipalitiesServiceDeps {
  municipalities: MunicipalitiesRepository
  bodies: BodiesRepository
  audit: AuditRepository
  access: AccessService
  transactor: Transactor
  clock: Clock
}

function checkOrganisasjonsnummer (value: string | null | undefined) {
  if (value != null && !isValidOrganisasjonsnummer(value)) {
    throw invalid('municipality.invalid_organisasjonsnummer', 'organisasjonsnummer', 'not a valid organisasjonsnummer (mod-11 check digit fails)')
  }
}

/**
 * Access: municipalities are public to read. Creating and deleting one is for admins (it changes the
 * region); an editor may change its own municipality's fields.
 */
export function createMunicipalitiesService (deps: MunicipalitiesServiceDeps) {
  const { municipalities, bodies, audit, access, transactor, clock } = deps

  async function live (ref: string | number, ex?: Executor): Promise<MunicipalityRow> {
    const row = await municipalities.find(ref, ex)
    if (!row || row.deleted) throw missing('municipality', ref)
    return row
  }

  return {
    async list (filter: MunicipalityFilter) {
      return municipalities.list(filter)
    },
    async listInRegion (): Promise<MunicipalityRow[]> {
      return municipalities.listInRegion()
    },
    /** By id or slug; a deleted municipality comes back as its tombstone. */
    async get (ref: string | number): Promise<MunicipalityRow> {
      const row = await municipalities.find(ref)
      if (!row) throw missing('municipality', ref)
      return row
    },
    /** undefined when unknown (tombstones included, for callers that show them). */
    async find (ref: string | number): Promise<MunicipalityRow | undefined> {
      return municipalities.find(ref)
    },

    /** Admins only. Creates the municipality with its statutory bodies (koml. § 5-1). */
    async create (actor: Actor | null | undefined, input: MunicipalityInput): Promise<MunicipalityRow> {
      const a = access.requireAdmin(actor)
      checkOrganisasjonsnummer(input.organisasjonsnummer)
      return transactor.transaction(async tx => {
        const row = await municipalities.insert(input, tx)
        for (const b of defaultMunicipalityBodies(row.name, row.kind)) {
          await bodies.insert({ slug: `${row.slug}-${b.slugSuffix}`, name: b.name, kind: b.kind, municipalityId: row.id, collaborationId: null }, tx)
        }
        await audit.record(clock.now().getTime(), auditActor(a), { action: 'create', entityType: 'municipality', entityId: row.id, after: row }, tx)
        return row
      })
    },

    /** Admins and the municipality's own editors; `trackingFrom` (YYYY-MM-DD or null) is the go-live date. */
    async update (actor: Actor | null | undefined, ref: string | number, patch: Partial<MunicipalityInput>): Promise<MunicipalityRow> {
      access.requireActor(actor)
      return transactor.transaction(async tx => {
        const before = await live(ref, tx)
        const a = await access.assertMayChange(actor, { municipalityIds: [before.id] }, tx)
        checkOrganisasjonsnummer(patch.organisasjonsnummer)
        if (patch.trackingFrom != null) requireSupportedDate(patch.trackingFrom, 'municipality.invalid_tracking_from', 'trackingFrom')
        const after = (await municipalities.update(before.id, patch, tx))!
        await audit.record(clock.now().getTime(), auditActor(a), { action: 'update', entityType: 'municipality', entityId: before.id, before, after }, tx)
        return after
      })
    },

    /** Admins only: brings a deleted municipality back with its bodies (an import that names it again). */
    async restore (actor: Actor | null | undefined, ref: string | number): Promise<MunicipalityRow> {
      const a = access.requireAdmin(actor)
      return transactor.transaction(async tx => {
        const current = await municipalities.find(ref, tx)
        if (!current) throw missing('municipality', ref)
        const row = (await municipalities.restore(current.id, tx))!
        await audit.record(clock.now().getTime(), auditActor(a), { action: 'restore', entityType: 'municipality', entityId: current.id }, tx)
        return row
      })
    },

    /** Admins only. Soft delete (a tombstone), refused while collaborations still name it. */
    async remove (actor: Actor | null | undefined, ref: string | number): Promise<void> {
      const a = access.requireAdmin(actor)
      await transactor.transaction(async tx => {
        const before = await live(ref, tx)
        const uses = await municipalities.countCollaborations(before.id, tx)
        if (uses > 0) throw conflicting('municipality.in_use', `Kommunen deltar fortsatt i ${uses} samarbeid; fjern deltakelsene først`)
        await municipalities.softDelete(before.id, tx)
        await audit.record(clock.now().getTime(), auditActor(a), { action: 'delete', entityType: 'municipality', entityId: before.id, before }, tx)
      })
    },
  }
}
export type MunicipalitiesService = ReturnType<typeof createMunicipalitiesService>
