// Collaborations (interkommunale samarbeid): participants, host, umbrella, the organs the legal form
// requires, and who may change what.
import type { Executor, Transactor } from '../db/executor.js'
import type {
  CollaborationFilter, CollaborationRow, CollaborationSummary, CollaborationSummaryFilter, CollaborationsRepository, CollaborationValues, CollaborationView, ParticipationValues,
} from '../repositories/collaborations.js'
import type { MunicipalitiesRepository } from '../repositories/municipalities.js'
import type { BodiesRepository } from '../repositories/bodies.js'
import type { AuditRepository } from '../repositories/audit.js'
import type { Clock } from '../shared/clock.js'
import { conflicting, denied, invalid, missing } from '../shared/errors.js'
import { defaultCollaborationBodies } from '../domain/default-bodies.js'
import type { CollaborationStatus, LegalForm, ParticipationRole } from '../domain/vocabulary.js'
import { auditActor, type AccessService, type Actor } from './access.js'

export type {
  CollaborationRow, CollaborationView, CollaborationFilter, Participant, CollaborationSummary, CollaborationSummaryFilter,
} from '../repositories/collaborations.js'

export interface ParticipantInput { municipality: string; role?: ParticipationRole; ownershipShare?: number | null }
export interface CollaborationInput {
  slug: string;
  name: string;
  legalForm: LegalForm;
  legalFormRaw?: string | null;
  area?: string | null
  hostMunicipality?: string | null;
  parent?: string | null;
  status?: CollaborationStatus
  terminatedOn?: string | null;
  statusNote?: string | null;
  otherParticipants?: string | null
  comment?: string | null;
  validFrom?: string | null;
  validTo?: string | null
  participants?: ParticipantInput[]
}

export interface CollaborationsServiceDeps {
  collaborations: CollaborationsRepository
  municipalities: MunicipalitiesRepository
  bodies: BodiesRepository
  audit: AuditRepository
  access: AccessService
  transactor: Transactor
  clock: Clock
}

const PLAIN_FIELDS = ['name', 'legalForm', 'legalFormRaw', 'area', 'status', 'terminatedOn', 'statusNote', 'otherParticipants', 'comment', 'validFrom', 'validTo', 'slug'] as const

const sameParticipation = (a: ParticipationValues, b: ParticipationValues) => a.role === b.role && a.ownershipShare === b.ownershipShare

/**
 * Access (issue 10): changing a collaboration needs scope over it — the actor's municipality takes
 * part in or hosts it — and over every municipality whose relation to it the change touches: a
 * participant added, removed or given another role or share, the host before and after, the umbrella
 * before and after. So an Øyer editor may edit a collaboration Øyer takes part in, but adding or
 * removing Gausdal is for Gausdal's editors or an admin. After the change the actor's municipality must
 * still be involved (an editor cannot give a collaboration away). Creating one names every participant
 * and the host, so an editor creates only collaborations within its own scope; admins create shared ones.
 */
export function createCollaborationsService (deps: CollaborationsServiceDeps) {
  const { collaborations, municipalities, bodies, audit, access, transactor, clock } = deps
  const now = () => clock.now().getTime()

  async function live (ref: string | number, ex?: Executor): Promise<CollaborationRow> {
    const row = await collaborations.find(ref, ex)
    if (!row || row.deleted) throw missing('collaboration', ref)
    return row
  }

  /** The municipalities and umbrellas some inputs name, each read once. */
  async function lookups (inputs: ReadonlyArray<Partial<CollaborationInput>>, ex?: Executor) {
    const refs = inputs.flatMap(i => [...i.hostMunicipality ? [i.hostMunicipality] : [], ...(i.participants ?? []).map(p => p.municipality)])
    const parents = inputs.flatMap(i => i.parent ? [i.parent] : [])
    return {
      municipalities: await municipalities.findMany([...new Set(refs)], ex),
      parents: await collaborations.findMany([...new Set(parents)], ex),
    }
  }

  /** Slugs to ids, with the errors naming the field (400, nothing written). */
  function resolve (input: Partial<CollaborationInput>, found: Awaited<ReturnType<typeof lookups>>) {
    const values: CollaborationValues = {}
    for (const k of PLAIN_FIELDS) {
      if (input[k] !== undefined) (values as Record<string, unknown>)[k] = input[k]
    }
    const municipalityId = (ref: string, field: string): number => {
      const m = found.municipalities.get(ref)
      if (!m || m.deleted) throw invalid('collaboration.unknown_municipality', field, `unknown municipality "${ref}"`)
      return m.id
    }
    if (input.hostMunicipality !== undefined) {
      values.hostMunicipalityId = input.hostMunicipality === null ? null : municipalityId(input.hostMunicipality, 'hostMunicipality')
    }
    if (input.parent !== undefined) {
      if (input.parent === null) values.parentId = null
      else {
        const parent = found.parents.get(input.parent)
        if (!parent || parent.deleted) throw invalid('collaboration.unknown_parent', 'parent', `unknown collaboration "${input.parent}"`)
        if (input.slug !== undefined && parent.slug === input.slug) throw invalid('collaboration.parent_cycle', 'parent', 'a collaboration cannot be its own parent')
        values.parentId = parent.id
      }
    }
    let participants: ParticipationValues[] | undefined
    if (input.participants) {
      participants = []
      const seen = new Set<number>()
      for (const [i, p] of input.participants.entries()) {
        const id = municipalityId(p.municipality, `participants/${i}/municipality`)
        if (seen.has(id)) throw invalid('collaboration.duplicate_participant', `participants/${i}/municipality`, 'municipality listed twice')
        seen.add(id)
        participants.push({ municipalityId: id, role: p.role ?? 'deltaker', ownershipShare: p.ownershipShare ?? null })
      }
      participants.sort((a, b) => a.municipalityId - b.municipalityId)
    }
    return { values, participants }
  }

  /** An editor's municipality must be involved in the collaboration as it will be. */
  function assertStillInvolved (actor: Actor, involved: Array<number | null>) {
    if (actor.role === 'admin') return
    if (!involved.some(id => id !== null && actor.municipalityIds.includes(id))) {
      throw denied('Samarbeidet må fortsatt omfatte din kommune etter endringen')
    }
  }

  /** The organs each legal form requires, where no body (tombstones included) has the slug yet: one read, one insert per 100. */
  async function ensureBodies (rows: readonly CollaborationRow[], tx: Executor) {
    const wanted = rows.flatMap(row => defaultCollaborationBodies(row.legalForm, row.name, row.slug === 'regionrad')
      .map(b => ({ slug: `${row.slug}-${b.slugSuffix}`.slice(0, 80), name: b.name, kind: b.kind, municipalityId: null, collaborationId: row.id })))
    const taken = await bodies.takenSlugs(wanted.map(b => b.slug), tx)
    // A slug once only, also where two rows would make the same one.
    const fresh = wanted.filter(b => {
      if (taken.has(b.slug)) return false
      taken.add(b.slug)
      return true
    })
    await bodies.insertMany(fresh, tx)
  }

  const service = {
    async list (filter: CollaborationFilter) {
      return collaborations.list(filter)
    },
    /** Live collaborations with host and participants, active first, by name: two queries for any page size. */
    async listSummaries (filter: CollaborationSummaryFilter): Promise<{ items: CollaborationSummary[]; total: number }> {
      return collaborations.listSummaries(filter)
    },
    /** Live, active collaborations per municipality (participant or host), in one pass. */
    async activeCountsByMunicipality (): Promise<Map<number, number>> {
      return collaborations.activeCountsByMunicipality()
    },
    async listAll (): Promise<CollaborationView[]> {
      return collaborations.listAllActiveAndTerminated()
    },
    /** By id or slug; a deleted collaboration comes back as its tombstone. */
    async get (ref: string | number): Promise<CollaborationView> {
      const row = await collaborations.find(ref)
      if (!row) throw missing('collaboration', ref)
      return collaborations.view(row)
    },
    /** undefined when unknown (tombstones included). */
    async find (ref: string | number): Promise<CollaborationRow | undefined> {
      return collaborations.find(ref)
    },
    async view (row: CollaborationRow): Promise<CollaborationView> {
      return collaborations.view(row)
    },
    /** The municipalities taking part in or hosting it. */
    async involvedMunicipalityIds (collaborationId: number): Promise<number[]> {
      return collaborations.involvedMunicipalityIds(collaborationId)
    },

    /** Creates the collaboration, its participants and the organs its legal form requires. */
    async create (actor: Actor | null | undefined, input: CollaborationInput): Promise<CollaborationView> {
      return (await service.createMany(actor, [input]))[0]!
    },

    /**
     * Creates several collaborations as `create` does each, all or nothing, in a few statements whatever
     * their number (the register import). Access is checked over all of them at once; a 400 names the
     * field of the first input that fails; a slug taken (by the database or another input) is a 409.
     */
    async createMany (actor: Actor | null | undefined, inputs: readonly CollaborationInput[]): Promise<CollaborationView[]> {
      access.requireActor(actor)
      if (!inputs.length) return []
      const found = await lookups(inputs)
      const resolved = inputs.map(input => {
        const { values, participants = [] } = resolve(input, found)
        return { input, values, participants }
      })
      const a = await access.assertMayChange(actor, {
        municipalityIds: resolved.flatMap(r => [...r.participants.map(p => p.municipalityId), r.values.hostMunicipalityId]),
        collaborationIds: resolved.map(r => r.values.parentId),
      })
      for (const r of resolved) assertStillInvolved(a, [...r.participants.map(p => p.municipalityId), r.values.hostMunicipalityId ?? null])
      return transactor.transaction(async tx => {
        const rows = await collaborations.insertMany(resolved.map(({ input, values }) => ({ ...values, slug: input.slug, name: input.name, legalForm: input.legalForm })), tx)
        await collaborations.insertParticipations(rows.flatMap((row, i) => resolved[i]!.participants.map(p => ({ collaborationId: row.id, ...p }))), tx)
        await ensureBodies(rows, tx)
        const views = await collaborations.views(rows, tx)
        await audit.recordMany(now(), auditActor(a), views.map(after => ({ action: 'create', entityType: 'collaboration', entityId: after.id, after })), tx)
        return views
      })
    },

    /** Returns whether anything changed, so an import run twice writes nothing the second time. */
    async update (actor: Actor | null | undefined, ref: string | number, patch: Partial<CollaborationInput>): Promise<{ view: CollaborationView; changed: boolean }> {
      access.requireActor(actor)
      return transactor.transaction(async tx => {
        const before = await live(ref, tx)
        await access.assertMayChange(actor, { collaborationIds: [before.id] }, tx)
        const { values, participants } = resolve(patch, await lookups([patch], tx))
        if (values.parentId === before.id) throw invalid('collaboration.parent_cycle', 'parent', 'a collaboration cannot be its own parent')
        const oldParticipants = await collaborations.participations(before.id, tx)

        // Every municipality and umbrella whose relation to this collaboration the change touches.
        const touched: number[] = []
        if (participants) {
          const oldBy = new Map(oldParticipants.map(p => [p.municipalityId, p]))
          const newBy = new Map(participants.map(p => [p.municipalityId, p]))
          for (const [id, p] of newBy) if (!oldBy.has(id) || !sameParticipation(oldBy.get(id)!, p)) touched.push(id)
          for (const id of oldBy.keys()) if (!newBy.has(id)) touched.push(id)
        }
        if (values.hostMunicipalityId !== undefined && values.hostMunicipalityId !== before.hostMunicipalityId) {
          touched.push(...[before.hostMunicipalityId, values.hostMunicipalityId].filter((id): id is number => id !== null))
        }
        const parents = values.parentId !== undefined && values.parentId !== before.parentId ? [before.parentId, values.parentId] : []
        const a = await access.assertMayChange(actor, { municipalityIds: touched, collaborationIds: parents }, tx)
        const finalParticipants = participants ?? oldParticipants
        assertStillInvolved(a, [...finalParticipants.map(p => p.municipalityId), values.hostMunicipalityId !== undefined ? values.hostMunicipalityId : before.hostMunicipalityId])

        const fieldsChanged = Object.entries(values).some(([k, v]) => (before as Record<string, unknown>)[k] !== v)
        const participantsChanged = participants !== undefined && JSON.stringify(participants) !== JSON.stringify(oldParticipants)
        if (!fieldsChanged && !participantsChanged) return { view: await collaborations.view(before, tx), changed: false }
        const beforeView = await collaborations.view(before, tx)
        const row = (await collaborations.update(before.id, values, tx))!
        if (participantsChanged) await collaborations.replaceParticipations(before.id, participants!, tx)
        await ensureBodies([row], tx)
        const after = await collaborations.view(row, tx)
        await audit.record(now(), auditActor(a), { action: 'update', entityType: 'collaboration', entityId: before.id, before: beforeView, after }, tx)
        return { view: after, changed: true }
      })
    },

    /** Admins only: brings a deleted collaboration back with its bodies (an import that names it again). */
    async restore (actor: Actor | null | undefined, ref: string | number): Promise<void> {
      const a = access.requireAdmin(actor)
      await transactor.transaction(async tx => {
        const row = await collaborations.find(ref, tx)
        if (!row) throw missing('collaboration', ref)
        await collaborations.restore(row.id, tx)
        await audit.record(now(), auditActor(a), { action: 'restore', entityType: 'collaboration', entityId: row.id }, tx)
      })
    },

    /** Soft delete with its bodies and rules; refused while parts still point at it as their umbrella. */
    async remove (actor: Actor | null | undefined, ref: string | number): Promise<void> {
      access.requireActor(actor)
      await transactor.transaction(async tx => {
        const before = await live(ref, tx)
        const a = await access.assertMayChange(actor, { collaborationIds: [before.id] }, tx)
        const parts = await collaborations.countParts(before.id, tx)
        if (parts > 0) throw conflicting('collaboration.has_parts', `Samarbeidet er overbygning for ${parts} delavtaler; flytt eller slett dem først`)
        const beforeView = await collaborations.view(before, tx)
        await collaborations.softDelete(before.id, tx)
        await audit.record(now(), auditActor(a), { action: 'delete', entityType: 'collaboration', entityId: before.id, before: beforeView }, tx)
      })
    },
  }
  return service
}
export type CollaborationsService = ReturnType<typeof createCollaborationsService>
