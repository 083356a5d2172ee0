import { and, asc, desc, eq, gte, like, or, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { bodies, collaborations, municipalities, rules } from '../db/schema.js'
import type { Clock } from '../shared/clock.js'
import { badRequest, conflict, notFound } from '../shared/errors.js'
import type { BodyKind, FeedVisibility } from '../domain/vocabulary.js'
import { recordAudit, type AuditActor } from './audit.js'
import { likePattern, refCondition, type Paging } from './shared.js'
import { hashSecret, newSecret, secretMatches } from '../shared/secrets.js'

export type BodyRow = typeof bodies.$inferSelect
export interface BodyInput {
  slug: string; name: string; kind: BodyKind
  municipality?: string | null; collaboration?: string | null; feedVisibility?: FeedVisibility
}
export interface BodyFilter extends Paging {
  q?: string; kind?: string; municipality?: string; collaboration?: string; modifiedSince?: number; sort?: string
}
export interface BodyView extends BodyRow {
  owner: { type: 'municipality' | 'collaboration'; slug: string; name: string }
}

const SORTS = {
  name: asc(bodies.name), '-name': desc(bodies.name), modified: asc(bodies.modified), '-modified': desc(bodies.modified), id: asc(bodies.id),
} as const
export const BODY_SORTS = Object.keys(SORTS)

export function createBodiesRepository (db: Db, clock: Clock) {
  function find (ref: string | number): BodyRow | undefined {
    return db.select().from(bodies).where(refCondition(ref, bodies.id, bodies.slug)).get()
  }
  function view (row: BodyRow): BodyView {
    const owner = row.municipalityId !== null
      ? { type: 'municipality' as const, ...db.select({ slug: municipalities.slug, name: municipalities.name }).from(municipalities).where(eq(municipalities.id, row.municipalityId)).get()! }
      : { type: 'collaboration' as const, ...db.select({ slug: collaborations.slug, name: collaborations.name }).from(collaborations).where(eq(collaborations.id, row.collaborationId!)).get()! }
    return { ...row, owner }
  }
  function resolveOwner (input: { municipality?: string | null; collaboration?: string | null }) {
    const hasM = input.municipality != null
    const hasC = input.collaboration != null
    if (hasM === hasC) {
      throw badRequest('body.owner', 'body/municipality', 'a body is owned by exactly one municipality or one collaboration: give one of municipality, collaboration')
    }
    if (hasM) {
      const m = db.select().from(municipalities).where(refCondition(input.municipality!, municipalities.id, municipalities.slug)).get()
      if (!m || m.deleted) throw badRequest('body.unknown_municipality', 'body/municipality', `unknown municipality "${input.municipality}"`)
      return { municipalityId: m.id, collaborationId: null }
    }
    const c = db.select().from(collaborations).where(refCondition(input.collaboration!, collaborations.id, collaborations.slug)).get()
    if (!c || c.deleted) throw badRequest('body.unknown_collaboration', 'body/collaboration', `unknown collaboration "${input.collaboration}"`)
    return { municipalityId: null, collaborationId: c.id }
  }

  return {
    find,
    view,
    get (ref: string | number): BodyView {
      const row = find(ref)
      if (!row) throw notFound('body', ref)
      return view(row)
    },
    list (f: BodyFilter) {
      const mId = f.municipality ? db.select({ id: municipalities.id }).from(municipalities).where(eq(municipalities.slug, f.municipality)).get()?.id ?? -1 : undefined
      const cId = f.collaboration ? db.select({ id: collaborations.id }).from(collaborations).where(eq(collaborations.slug, f.collaboration)).get()?.id ?? -1 : undefined
      const where = and(
        f.modifiedSince === undefined ? eq(bodies.deleted, false) : gte(bodies.modified, f.modifiedSince),
        f.q ? or(like(bodies.name, likePattern(f.q)), like(bodies.slug, likePattern(f.q))) : undefined,
        f.kind ? eq(bodies.kind, f.kind as BodyKind) : undefined,
        mId === undefined ? undefined : eq(bodies.municipalityId, mId),
        cId === undefined ? undefined : eq(bodies.collaborationId, cId),
      )
      const total = db.select({ n: sql<number>`count(*)` }).from(bodies).where(where).get()?.n ?? 0
      const rows = db.select().from(bodies).where(where)
        .orderBy(SORTS[(f.sort ?? 'name') as keyof typeof SORTS] ?? SORTS.name, asc(bodies.id)).limit(f.limit).offset(f.offset).all()
      return { items: rows.map(view), total }
    },
    /** The municipality ids whose editors may change this body (its municipality, or the collaboration's members). */
    ownerOf (input: { municipality?: string | null; collaboration?: string | null }) {
      return resolveOwner(input)
    },
    create (input: BodyInput, actor: AuditActor): BodyView {
      const now = clock.now().getTime()
      const owner = resolveOwner(input)
      return db.transaction(tx => {
        const row = tx.insert(bodies).values({
          slug: input.slug, name: input.name, kind: input.kind, ...owner,
          feedVisibility: input.feedVisibility ?? 'public', created: now, modified: now,
        }).returning().get()
        const after = view(row)
        recordAudit(tx, now, actor, { action: 'create', entityType: 'body', entityId: row.id, after })
        return after
      })
    },
    update (id: number, patch: Partial<Omit<BodyInput, 'municipality' | 'collaboration'>>, actor: AuditActor): BodyView {
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const before = tx.select().from(bodies).where(eq(bodies.id, id)).get()
        if (!before || before.deleted) throw notFound('body', id)
        const row = tx.update(bodies).set({ ...patch, modified: now }).where(eq(bodies.id, id)).returning().get()
        const after = view(row)
        recordAudit(tx, now, actor, { action: 'update', entityType: 'body', entityId: id, before, after })
        return after
      })
    },
    privateIds (): Set<number> {
      return new Set(db.select({ id: bodies.id }).from(bodies).where(eq(bodies.feedVisibility, 'private')).all().map(b => b.id))
    },
    /** A new feed secret; the old one stops working at once. Only its hash is stored. */
    rotateFeedSecret (id: number, actor: AuditActor): string {
      const now = clock.now().getTime()
      const secret = newSecret('feed')
      db.transaction(tx => {
        tx.update(bodies).set({ feedSecretHash: hashSecret(secret), modified: now }).where(eq(bodies.id, id)).run()
        recordAudit(tx, now, actor, { action: 'rotate_feed_secret', entityType: 'body', entityId: id })
      })
      return secret
    },
    feedSecretMatches (row: BodyRow, secret: string | undefined): boolean {
      return secret !== undefined && row.feedSecretHash !== null && secretMatches(secret, row.feedSecretHash)
    },
    remove (id: number, actor: AuditActor): void {
      const now = clock.now().getTime()
      db.transaction(tx => {
        const before = tx.select().from(bodies).where(eq(bodies.id, id)).get()
        if (!before || before.deleted) throw notFound('body', id)
        const used = tx.select({ n: sql<number>`count(*)` }).from(rules)
          .where(and(eq(rules.deleted, false), or(eq(rules.responsibleBodyId, id), eq(rules.treatedByBodyId, id)))).get()?.n ?? 0
        if (used > 0) throw conflict('body.in_use', `Organet brukes av ${used} regler; endre eller slett dem først`)
        tx.update(bodies).set({ deleted: true, modified: now }).where(eq(bodies.id, id)).run()
        recordAudit(tx, now, actor, { action: 'delete', entityType: 'body', entityId: id, before })
      })
    },
  }
}
export type BodiesRepository = ReturnType<typeof createBodiesRepository>
