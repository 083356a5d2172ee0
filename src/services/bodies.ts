// Bodies (organer): who owns one, who may change it, feed visibility and private feed secrets.
import type { Executor, Transactor } from '../db/executor.js'
import type { BodiesRepository, BodyFilter, BodyOwners, BodyPatch, BodyRow, BodySummary, BodyView } from '../repositories/bodies.js'
import type { MunicipalitiesRepository } from '../repositories/municipalities.js'
import type { CollaborationsRepository } from '../repositories/collaborations.js'
import type { AuditRepository } from '../repositories/audit.js'
import type { Clock } from '../shared/clock.js'
import { conflicting, invalid, missing } from '../shared/errors.js'
import { hashSecret, newSecret, secretMatches } from '../shared/secrets.js'
import type { BodyKind, FeedVisibility } from '../domain/vocabulary.js'
import { auditActor, type AccessService, type Actor } from './access.js'

export type { BodyRow, BodyView, BodyFilter, BodySummary, BodyOwners } from '../repositories/bodies.js'

export interface BodyCreateInput {
  slug: string;
  name: string;
  kind: BodyKind
  municipality?: string | null;
  collaboration?: string | null;
  feedVisibility?: FeedVisibility
}

export interface BodiesServiceDeps {
  bodies: BodiesRepository
  municipalities: MunicipalitiesRepository
  collaborations: CollaborationsRepository
  audit: AuditRepository
  access: AccessService
  transactor: Transactor
  clock: Clock
}

/**
 * Access: every body is listed publicly (a private body's existence is public; its items, feed link
 * and secret are not). A write needs scope over the body's owner: its municipality, or a municipality
 * taking part in or hosting its collaboration (services/access.ts).
 */
export function createBodiesService (deps: BodiesServiceDeps) {
  const { bodies, municipalities, collaborations, audit, access, transactor, clock } = deps
  const now = () => clock.now().getTime()

  async function live (ref: string | number, ex?: Executor): Promise<BodyRow> {
    const row = await bodies.find(ref, ex)
    if (!row || row.deleted) throw missing('body', ref)
    return row
  }

  /** A body belongs to exactly one municipality or one collaboration, which must exist. */
  async function resolveOwner (input: { municipality?: string | null; collaboration?: string | null }) {
    const hasM = input.municipality != null
    const hasC = input.collaboration != null
    if (hasM === hasC) {
      throw invalid('body.owner', 'municipality', 'a body is owned by exactly one municipality or one collaboration: give one of municipality, collaboration')
    }
    if (hasM) {
      const m = await municipalities.find(input.municipality!)
      if (!m || m.deleted) throw invalid('body.unknown_municipality', 'municipality', `unknown municipality "${input.municipality}"`)
      return { municipalityId: m.id, collaborationId: null }
    }
    const c = await collaborations.find(input.collaboration!)
    if (!c || c.deleted) throw invalid('body.unknown_collaboration', 'collaboration', `unknown collaboration "${input.collaboration}"`)
    return { municipalityId: null, collaborationId: c.id }
  }

  const service = {
    async list (filter: BodyFilter) {
      return bodies.list(filter)
    },
    /** By id or slug with its owner; a deleted body comes back as its tombstone. */
    async get (ref: string | number): Promise<BodyView> {
      const row = await bodies.find(ref)
      if (!row) throw missing('body', ref)
      return bodies.view(row)
    },
    /** undefined when unknown (tombstones included). */
    async find (ref: string | number): Promise<BodyRow | undefined> {
      return bodies.find(ref)
    },
    async view (row: BodyRow): Promise<BodyView> {
      return bodies.view(row)
    },
    /** Every live body (or those of the owners given) in one query, for pages that list many calendars. */
    async listLiveSummaries (owners?: BodyOwners): Promise<BodySummary[]> {
      return bodies.listLiveSummaries(owners)
    },
    async privateIds (): Promise<Set<number>> {
      return bodies.privateIds()
    },

    /** Needs scope over the owner named (municipality or collaboration). */
    async create (actor: Actor | null | undefined, input: BodyCreateInput): Promise<BodyView> {
      access.requireActor(actor)
      const owner = await resolveOwner(input)
      const a = await access.assertMayChange(actor, { municipalityIds: [owner.municipalityId], collaborationIds: [owner.collaborationId] })
      return transactor.transaction(async tx => {
        const row = await bodies.insert({ slug: input.slug, name: input.name, kind: input.kind, ...owner, feedVisibility: input.feedVisibility }, tx)
        const after = await bodies.view(row, tx)
        await audit.record(now(), auditActor(a), { action: 'create', entityType: 'body', entityId: row.id, after }, tx)
        return after
      })
    },

    async update (actor: Actor | null | undefined, ref: string | number, patch: BodyPatch): Promise<BodyView> {
      access.requireActor(actor)
      return transactor.transaction(async tx => {
        const before = await live(ref, tx)
        const a = await access.assertMayChange(actor, { bodyIds: [before.id] }, tx)
        const row = (await bodies.update(before.id, patch, tx))!
        const after = await bodies.view(row, tx)
        await audit.record(now(), auditActor(a), { action: 'update', entityType: 'body', entityId: before.id, before, after }, tx)
        return after
      })
    },

    /** Soft delete, refused while rules name the body. */
    async remove (actor: Actor | null | undefined, ref: string | number): Promise<void> {
      access.requireActor(actor)
      await transactor.transaction(async tx => {
        const before = await live(ref, tx)
        const a = await access.assertMayChange(actor, { bodyIds: [before.id] }, tx)
        const used = await bodies.countRuleUses(before.id, tx)
        if (used > 0) throw conflicting('body.in_use', `Organet brukes av ${used} regler; endre eller slett dem først`)
        await bodies.softDelete(before.id, tx)
        await audit.record(now(), auditActor(a), { action: 'delete', entityType: 'body', entityId: before.id, before }, tx)
      })
    },

    /**
     * A new secret feed address; the old one stops working at once. Only the hash is stored, so the
     * secret is returned this once.
     */
    async rotateFeedSecret (actor: Actor | null | undefined, ref: string | number): Promise<{ body: BodyRow; secret: string }> {
      access.requireActor(actor)
      const body = await live(ref)
      const a = await access.assertMayChange(actor, { bodyIds: [body.id] })
      const secret = newSecret('feed')
      await transactor.transaction(async tx => {
        await bodies.setFeedSecretHash(body.id, hashSecret(secret), tx)
        await audit.record(now(), auditActor(a), { action: 'rotate_feed_secret', entityType: 'body', entityId: body.id }, tx)
      })
      return { body, secret }
    },

    /** Whether a feed request's secret opens this body's private feed. */
    feedSecretMatches (body: Pick<BodyRow, 'feedSecretHash'>, secret: string | undefined): boolean {
      return secret !== undefined && body.feedSecretHash !== null && secretMatches(secret, body.feedSecretHash)
    },
  }
  return service
}
export type BodiesService = ReturnType<typeof createBodiesService>
