import { and, asc, count, desc, eq, gte, isNotNull, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { bodies, collaborations, municipalities, participations, rules } from '../db/schema.js'
import { first } from '../db/query.js'
import type { Clock } from '../shared/clock.js'
import type { MunicipalityKind } from '../domain/vocabulary.js'
import { byRefs, containsText, refCondition, refsCondition, type Paging } from './shared.js'

export type MunicipalityRow = typeof municipalities.$inferSelect
export interface MunicipalityInput {
  slug: string;
  name: string;
  kind: MunicipalityKind;
  county?: string | null
  organisasjonsnummer?: string | null;
  inRegion?: boolean
  /** SSB's kommunenummer (fylkeskommune: fylkesnummer); unique. */
  kommunenummer?: string | null
  /** The go-live date, YYYY-MM-DD: items due before it are "ikke registrert". */
  trackingFrom?: string | null
}
/** A body owned by a municipality, tombstones included: what onboarding needs to add the missing statutory ones. */
export interface MunicipalBodyRow { id: number; municipalityId: number; slug: string; name: string; kind: string; deleted: boolean }
export interface MunicipalityFilter extends Paging {
  q?: string; kind?: string; inRegion?: boolean; modifiedSince?: number; sort?: string
}

const SORTS = {
  name: asc(municipalities.name),
  '-name': desc(municipalities.name),
  modified: asc(municipalities.modified),
  '-modified': desc(municipalities.modified),
  id: asc(municipalities.id),
} as const
export const MUNICIPALITY_SORTS = Object.keys(SORTS)

/** Municipalities: SQL only. The rules (statutory bodies, who may delete) live in services/municipalities.ts. */
export function createMunicipalitiesRepository (db: Db, clock: Clock) {
  const now = () => clock.now().getTime()
  return {
    /** By id or slug, tombstones included. */
    async find (ref: string | number, ex: Executor = db): Promise<MunicipalityRow | undefined> {
      return first(ex.select().from(municipalities).where(refCondition(ref, municipalities.id, municipalities.slug)))
    },
    /** By ids or slugs in one read, tombstones included: reference (as given) → row; unknown ones are absent. */
    async findMany (refs: readonly string[], ex: Executor = db): Promise<Map<string, MunicipalityRow>> {
      if (!refs.length) return new Map()
      return byRefs(refs, await ex.select().from(municipalities).where(refsCondition(refs, municipalities.id, municipalities.slug)))
    },
    async list (f: MunicipalityFilter, ex: Executor = db): Promise<{ items: MunicipalityRow[]; total: number }> {
      const where = and(
        f.modifiedSince === undefined ? eq(municipalities.deleted, false) : gte(municipalities.modified, f.modifiedSince),
        f.q ? containsText(municipalities.name, f.q) : undefined,
        f.kind ? eq(municipalities.kind, f.kind as MunicipalityKind) : undefined,
        f.inRegion === undefined ? undefined : eq(municipalities.inRegion, f.inRegion)
      )
      const total = (await first(ex.select({ n: count() }).from(municipalities).where(where)))?.n ?? 0
      const items = await ex.select().from(municipalities).where(where)
        .orderBy(SORTS[(f.sort ?? 'name') as keyof typeof SORTS] ?? SORTS.name, asc(municipalities.id))
        .limit(f.limit).offset(f.offset)
      return { items, total }
    },
    /** Every municipality, tombstones included, by id. */
    async listAll (ex: Executor = db): Promise<MunicipalityRow[]> {
      return ex.select().from(municipalities).orderBy(asc(municipalities.id))
    },
    /** Every body owned by a municipality, tombstones included (one query for a whole onboarding). */
    async listMunicipalBodies (ex: Executor = db): Promise<MunicipalBodyRow[]> {
      return ex.select({ id: bodies.id, municipalityId: sql<number>`${bodies.municipalityId}`, slug: bodies.slug, name: bodies.name, kind: bodies.kind, deleted: bodies.deleted })
        .from(bodies).where(isNotNull(bodies.municipalityId)).orderBy(asc(bodies.id))
    },
    /** Every body slug (they are unique across owners): a new body's slug must not take one. */
    async listBodySlugs (ex: Executor = db): Promise<string[]> {
      return (await ex.select({ slug: bodies.slug }).from(bodies)).map(b => b.slug)
    },
    /** Brings back one tombstoned body of a municipality (a statutory body must exist). */
    async restoreBody (id: number, ex: Executor = db): Promise<void> {
      await ex.update(bodies).set({ deleted: false, modified: now() }).where(eq(bodies.id, id))
    },
    /** Renames one of the municipality's bodies (its generated name follows the municipality's official name). */
    async renameBody (id: number, name: string, ex: Executor = db): Promise<void> {
      await ex.update(bodies).set({ name, modified: now() }).where(eq(bodies.id, id))
    },
    async listInRegion (ex: Executor = db): Promise<MunicipalityRow[]> {
      return ex.select().from(municipalities).where(and(eq(municipalities.inRegion, true), eq(municipalities.deleted, false))).orderBy(asc(municipalities.name))
    },

    async insert (input: MunicipalityInput, ex: Executor = db): Promise<MunicipalityRow> {
      const at = now()
      return (await first(ex.insert(municipalities).values({
        slug: input.slug,
        name: input.name,
        kind: input.kind,
        county: input.county ?? null,
        organisasjonsnummer: input.organisasjonsnummer ?? null,
        inRegion: input.inRegion ?? false,
        kommunenummer: input.kommunenummer ?? null,
        trackingFrom: input.trackingFrom ?? null,
        created: at,
        modified: at,
      }).returning()))!
    },
    async update (id: number, patch: Partial<MunicipalityInput>, ex: Executor = db): Promise<MunicipalityRow | undefined> {
      return first(ex.update(municipalities).set({ ...patch, modified: now() }).where(eq(municipalities.id, id)).returning())
    },
    /** Brings a tombstoned municipality back with its bodies. */
    async restore (id: number, ex: Executor = db): Promise<MunicipalityRow | undefined> {
      const at = now()
      const row = await first(ex.update(municipalities).set({ deleted: false, modified: at }).where(eq(municipalities.id, id)).returning())
      if (row) await ex.update(bodies).set({ deleted: false, modified: at }).where(eq(bodies.municipalityId, id))
      return row
    },
    /** Live collaborations the municipality takes part in or hosts. */
    async countCollaborations (id: number, ex: Executor = db): Promise<number> {
      const participating = (await first(ex.select({ n: count() }).from(participations)
        .innerJoin(collaborations, eq(participations.collaborationId, collaborations.id))
        .where(and(eq(participations.municipalityId, id), eq(collaborations.deleted, false)))))?.n ?? 0
      const hosting = (await first(ex.select({ n: count() }).from(collaborations)
        .where(and(eq(collaborations.hostMunicipalityId, id), eq(collaborations.deleted, false)))))?.n ?? 0
      return participating + hosting
    },
    /** Soft delete of the municipality, its bodies and its rules. */
    async softDelete (id: number, ex: Executor = db): Promise<void> {
      const at = now()
      await ex.update(bodies).set({ deleted: true, modified: at }).where(eq(bodies.municipalityId, id))
      await ex.update(rules).set({ deleted: true, modified: at }).where(eq(rules.municipalityId, id))
      await ex.update(municipalities).set({ deleted: true, modified: at }).where(eq(municipalities.id, id))
    },
  }
}
export type MunicipalitiesRepository = ReturnType<typeof createMunicipalitiesRepository>
