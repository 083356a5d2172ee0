import { and, asc, desc, eq, gte, like, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { bodies, collaborations, municipalities, participations, rules } from '../db/schema.js'
import type { Clock } from '../shared/clock.js'
import { conflict, notFound } from '../shared/errors.js'
import { defaultMunicipalityBodies } from '../domain/default-bodies.js'
import type { MunicipalityKind } from '../domain/vocabulary.js'
import { recordAudit, type AuditActor } from './audit.js'
import { likePattern, refCondition, type Paging } from './shared.js'

export type MunicipalityRow = typeof municipalities.$inferSelect
export interface MunicipalityInput {
  slug: string; name: string; kind: MunicipalityKind; county?: string | null
  organisasjonsnummer?: string | null; inRegion?: boolean
}
export interface MunicipalityFilter extends Paging {
  q?: string; kind?: string; inRegion?: boolean; modifiedSince?: number; sort?: string
}

const SORTS = {
  name: asc(municipalities.name), '-name': desc(municipalities.name),
  modified: asc(municipalities.modified), '-modified': desc(municipalities.modified), id: asc(municipalities.id),
} as const
export const MUNICIPALITY_SORTS = Object.keys(SORTS)

export function createMunicipalitiesRepository (db: Db, clock: Clock) {
  function find (ref: string | number): MunicipalityRow | undefined {
    return db.select().from(municipalities).where(refCondition(ref, municipalities.id, municipalities.slug)).get()
  }
  function get (ref: string | number): MunicipalityRow {
    const row = find(ref)
    if (!row) throw notFound('municipality', ref)
    return row
  }

  return {
    find,
    get,
    list (f: MunicipalityFilter) {
      const where = and(
        f.modifiedSince === undefined ? eq(municipalities.deleted, false) : gte(municipalities.modified, f.modifiedSince),
        f.q ? like(municipalities.name, likePattern(f.q)) : undefined,
        f.kind ? eq(municipalities.kind, f.kind as MunicipalityKind) : undefined,
        f.inRegion === undefined ? undefined : eq(municipalities.inRegion, f.inRegion),
      )
      const total = db.select({ n: sql<number>`count(*)` }).from(municipalities).where(where).get()?.n ?? 0
      const items = db.select().from(municipalities).where(where)
        .orderBy(SORTS[(f.sort ?? 'name') as keyof typeof SORTS] ?? SORTS.name, asc(municipalities.id))
        .limit(f.limit).offset(f.offset).all()
      return { items, total }
    },
    listInRegion (): MunicipalityRow[] {
      return db.select().from(municipalities).where(and(eq(municipalities.inRegion, true), eq(municipalities.deleted, false))).orderBy(asc(municipalities.name)).all()
    },

    /** Creates the municipality with its statutory bodies (koml. § 5-1). */
    create (input: MunicipalityInput, actor: AuditActor): MunicipalityRow {
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const row = tx.insert(municipalities).values({
          slug: input.slug, name: input.name, kind: input.kind, county: input.county ?? null,
          organisasjonsnummer: input.organisasjonsnummer ?? null, inRegion: input.inRegion ?? false,
          created: now, modified: now,
        }).returning().get()
        for (const b of defaultMunicipalityBodies(row.name)) {
          tx.insert(bodies).values({ slug: `${row.slug}-${b.slugSuffix}`, name: b.name, kind: b.kind, municipalityId: row.id, created: now, modified: now }).run()
        }
        recordAudit(tx, now, actor, { action: 'create', entityType: 'municipality', entityId: row.id, after: row })
        return row
      })
    },

    update (id: number, patch: Partial<MunicipalityInput>, actor: AuditActor): MunicipalityRow {
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const before = tx.select().from(municipalities).where(eq(municipalities.id, id)).get()
        if (!before || before.deleted) throw notFound('municipality', id)
        const after = tx.update(municipalities).set({ ...patch, modified: now }).where(eq(municipalities.id, id)).returning().get()
        recordAudit(tx, now, actor, { action: 'update', entityType: 'municipality', entityId: id, before, after })
        return after
      })
    },

    /** Brings a tombstoned municipality back with its bodies (an import that names it again). */
    restore (id: number, actor: AuditActor): MunicipalityRow {
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const row = tx.update(municipalities).set({ deleted: false, modified: now }).where(eq(municipalities.id, id)).returning().get()
        if (!row) throw notFound('municipality', id)
        tx.update(bodies).set({ deleted: false, modified: now }).where(eq(bodies.municipalityId, id)).run()
        recordAudit(tx, now, actor, { action: 'restore', entityType: 'municipality', entityId: id })
        return row
      })
    },

    /** Soft delete; refused while collaborations or rules still refer to it. */
    remove (id: number, actor: AuditActor): void {
      const now = clock.now().getTime()
      db.transaction(tx => {
        const before = tx.select().from(municipalities).where(eq(municipalities.id, id)).get()
        if (!before || before.deleted) throw notFound('municipality', id)
        const participating = tx.select({ n: sql<number>`count(*)` }).from(participations)
          .innerJoin(collaborations, eq(participations.collaborationId, collaborations.id))
          .where(and(eq(participations.municipalityId, id), eq(collaborations.deleted, false))).get()?.n ?? 0
        const hosting = tx.select({ n: sql<number>`count(*)` }).from(collaborations)
          .where(and(eq(collaborations.hostMunicipalityId, id), eq(collaborations.deleted, false))).get()?.n ?? 0
        if (participating + hosting > 0) {
          throw conflict('municipality.in_use', `Kommunen deltar fortsatt i ${participating + hosting} samarbeid; fjern deltakelsene først`)
        }
        tx.update(bodies).set({ deleted: true, modified: now }).where(eq(bodies.municipalityId, id)).run()
        tx.update(rules).set({ deleted: true, modified: now }).where(eq(rules.municipalityId, id)).run()
        tx.update(municipalities).set({ deleted: true, modified: now }).where(eq(municipalities.id, id)).run()
        recordAudit(tx, now, actor, { action: 'delete', entityType: 'municipality', entityId: id, before })
      })
    },
  }
}
export type MunicipalitiesRepository = ReturnType<typeof createMunicipalitiesRepository>
