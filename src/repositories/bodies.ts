import { and, asc, count, desc, eq, gte, inArray, or, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { bodies, collaborations, municipalities, rules } from '../db/schema.js'
import { first } from '../db/query.js'
import type { Clock } from '../shared/clock.js'
import type { BodyKind, FeedVisibility } from '../domain/vocabulary.js'
import { containsText, refCondition, type Paging } from './shared.js'

export type BodyRow = typeof bodies.$inferSelect
export interface BodyValues {
  slug: string;
  name: string;
  kind: BodyKind
  municipalityId: number | null;
  collaborationId: number | null;
  feedVisibility?: FeedVisibility
}
export interface BodyPatch { slug?: string; name?: string; kind?: BodyKind; feedVisibility?: FeedVisibility }
export interface BodyFilter extends Paging {
  q?: string; kind?: string; municipality?: string; collaboration?: string; modifiedSince?: number; sort?: string
}
export interface BodyView extends BodyRow {
  owner: { type: 'municipality' | 'collaboration'; slug: string; name: string }
}
/** What a list of calendars needs of a body: no owner lookup, no secret. */
export type BodySummary = Pick<BodyRow, 'id' | 'slug' | 'name' | 'kind' | 'municipalityId' | 'collaborationId' | 'feedVisibility'>
/** Whose bodies: omit both for every live body. */
export interface BodyOwners { municipalityIds?: number[]; collaborationIds?: number[] }

const SORTS = {
  name: asc(bodies.name), '-name': desc(bodies.name), modified: asc(bodies.modified), '-modified': desc(bodies.modified), id: asc(bodies.id),
} as const
export const BODY_SORTS = Object.keys(SORTS)

/** Bodies (organer): SQL only. Owner rules, access and feed secrets live in services/bodies.ts. */
export function createBodiesRepository (db: Db, clock: Clock) {
  const now = () => clock.now().getTime()

  async function viewOn (ex: Executor, row: BodyRow): Promise<BodyView> {
    const owner = row.municipalityId !== null
      ? { type: 'municipality' as const, ...(await first(ex.select({ slug: municipalities.slug, name: municipalities.name }).from(municipalities).where(eq(municipalities.id, row.municipalityId))))! }
      : { type: 'collaboration' as const, ...(await first(ex.select({ slug: collaborations.slug, name: collaborations.name }).from(collaborations).where(eq(collaborations.id, row.collaborationId!))))! }
    return { ...row, owner }
  }

  return {
    /** By id or slug, tombstones included. */
    async find (ref: string | number, ex: Executor = db): Promise<BodyRow | undefined> {
      return first(ex.select().from(bodies).where(refCondition(ref, bodies.id, bodies.slug)))
    },
    /** The body with its owner's slug and name. */
    async view (row: BodyRow, ex: Executor = db): Promise<BodyView> {
      return viewOn(ex, row)
    },
    async list (f: BodyFilter, ex: Executor = db): Promise<{ items: BodyView[]; total: number }> {
      const mId = f.municipality ? (await first(ex.select({ id: municipalities.id }).from(municipalities).where(eq(municipalities.slug, f.municipality))))?.id ?? -1 : undefined
      const cId = f.collaboration ? (await first(ex.select({ id: collaborations.id }).from(collaborations).where(eq(collaborations.slug, f.collaboration))))?.id ?? -1 : undefined
      const where = and(
        f.modifiedSince === undefined ? eq(bodies.deleted, false) : gte(bodies.modified, f.modifiedSince),
        f.q ? or(containsText(bodies.name, f.q), containsText(bodies.slug, f.q)) : undefined,
        f.kind ? eq(bodies.kind, f.kind as BodyKind) : undefined,
        mId === undefined ? undefined : eq(bodies.municipalityId, mId),
        cId === undefined ? undefined : eq(bodies.collaborationId, cId)
      )
      const total = (await first(ex.select({ n: count() }).from(bodies).where(where)))?.n ?? 0
      const rows = await ex.select().from(bodies).where(where)
        .orderBy(SORTS[(f.sort ?? 'name') as keyof typeof SORTS] ?? SORTS.name, asc(bodies.id)).limit(f.limit).offset(f.offset)
      const items: BodyView[] = []
      for (const r of rows) items.push(await viewOn(ex, r))
      return { items, total }
    },
    async insert (values: BodyValues, ex: Executor = db): Promise<BodyRow> {
      const at = now()
      return (await first(ex.insert(bodies).values({ ...values, feedVisibility: values.feedVisibility ?? 'public', created: at, modified: at }).returning()))!
    },
    /** Several bodies in multi-row inserts (nothing returned). */
    async insertMany (values: readonly BodyValues[], ex: Executor = db): Promise<void> {
      const at = now()
      for (let i = 0; i < values.length; i += 100) {
        await ex.insert(bodies).values(values.slice(i, i + 100).map(v => ({ ...v, feedVisibility: v.feedVisibility ?? 'public', created: at, modified: at })))
      }
    },
    /** Which of these slugs a body has, tombstones included. */
    async takenSlugs (slugs: readonly string[], ex: Executor = db): Promise<Set<string>> {
      const taken = new Set<string>()
      for (let i = 0; i < slugs.length; i += 500) {
        for (const b of await ex.select({ slug: bodies.slug }).from(bodies).where(inArray(bodies.slug, slugs.slice(i, i + 500)))) taken.add(b.slug)
      }
      return taken
    },
    async update (id: number, patch: BodyPatch, ex: Executor = db): Promise<BodyRow | undefined> {
      return first(ex.update(bodies).set({ ...patch, modified: now() }).where(eq(bodies.id, id)).returning())
    },
    async setFeedSecretHash (id: number, hash: string, ex: Executor = db): Promise<void> {
      await ex.update(bodies).set({ feedSecretHash: hash, modified: now() }).where(eq(bodies.id, id))
    },
    /** Live rules that name the body as responsible or treating. */
    async countRuleUses (id: number, ex: Executor = db): Promise<number> {
      return (await first(ex.select({ n: count() }).from(rules)
        .where(and(eq(rules.deleted, false), or(eq(rules.responsibleBodyId, id), eq(rules.treatedByBodyId, id))))))?.n ?? 0
    },
    async softDelete (id: number, ex: Executor = db): Promise<void> {
      await ex.update(bodies).set({ deleted: true, modified: now() }).where(eq(bodies.id, id))
    },
    /** Live bodies in one query (by id), optionally only those owned by the given municipalities or collaborations. */
    async listLiveSummaries (owners: BodyOwners = {}, ex: Executor = db): Promise<BodySummary[]> {
      const { municipalityIds, collaborationIds } = owners
      const byOwner = municipalityIds === undefined && collaborationIds === undefined
        ? undefined
        : or(
          municipalityIds?.length ? inArray(bodies.municipalityId, municipalityIds) : undefined,
          collaborationIds?.length ? inArray(bodies.collaborationId, collaborationIds) : undefined,
          sql`1 = 0`
        )
      return ex.select({
        id: bodies.id,
        slug: bodies.slug,
        name: bodies.name,
        kind: bodies.kind,
        municipalityId: bodies.municipalityId,
        collaborationId: bodies.collaborationId,
        feedVisibility: bodies.feedVisibility,
      }).from(bodies).where(and(eq(bodies.deleted, false), byOwner)).orderBy(asc(bodies.id))
    },
    async privateIds (ex: Executor = db): Promise<Set<number>> {
      return new Set((await ex.select({ id: bodies.id }).from(bodies).where(eq(bodies.feedVisibility, 'private'))).map(b => b.id))
    },
  }
}
export type BodiesRepository = ReturnType<typeof createBodiesRepository>
