import { and, asc, count, desc, eq, gte, inArray, or, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { bodies, collaborations, municipalities, participations, rules } from '../db/schema.js'
import { first, rows as rawRows } from '../db/query.js'
import type { Clock } from '../shared/clock.js'
import type { CollaborationStatus, LegalForm, ParticipationRole } from '../domain/vocabulary.js'
import { byRefs, containsText, refCondition, refsCondition, type Paging } from './shared.js'

export type CollaborationRow = typeof collaborations.$inferSelect
/** The columns a service may set; ids already resolved from slugs. */
export type CollaborationValues = Partial<Omit<typeof collaborations.$inferInsert, 'id' | 'created' | 'modified' | 'deleted'>>
export interface ParticipationValues { municipalityId: number; role: ParticipationRole; ownershipShare: number | null }
export interface CollaborationFilter extends Paging {
  q?: string; area?: string; form?: string; municipality?: string; status?: string; modifiedSince?: number; sort?: string
}
export interface Participant { municipalityId: number; slug: string; name: string; role: ParticipationRole; ownershipShare: number | null }
export interface CollaborationView extends CollaborationRow {
  host: { slug: string; name: string } | null
  parentSlug: string | null
  participants: Participant[]
  bodies: Array<{ id: number; slug: string; name: string; kind: string }>
}

/** A collaboration as a list of many shows it: host and participants by name, nothing fetched per row. */
export interface CollaborationSummary {
  id: number
  slug: string
  name: string
  legalForm: LegalForm
  area: string | null
  status: CollaborationStatus
  terminatedOn: string | null
  host: { slug: string; name: string } | null
  participants: Array<{ municipalityId: number; slug: string; name: string; role: ParticipationRole }>
}
/** Live collaborations, active before terminated, then by name; `municipalityId`: those it takes part in or hosts. */
export interface CollaborationSummaryFilter extends Paging { municipalityId?: number; q?: string }

const SORTS = {
  name: asc(collaborations.name),
  '-name': desc(collaborations.name),
  area: asc(collaborations.area),
  modified: asc(collaborations.modified),
  '-modified': desc(collaborations.modified),
  id: asc(collaborations.id),
} as const
export const COLLABORATION_SORTS = Object.keys(SORTS)

/** Collaborations and their participations: SQL only. The rules live in services/collaborations.ts. */
export function createCollaborationsRepository (db: Db, clock: Clock) {
  const now = () => clock.now().getTime()

  /**
   * Views of many rows in four reads per 500 rows (hosts, umbrellas, participants by name, live bodies by id),
   * in the rows' order.
   */
  async function viewsOn (ex: Executor, rows: readonly CollaborationRow[]): Promise<CollaborationView[]> {
    const views: CollaborationView[] = []
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500)
      const ids = part.map(r => r.id)
      const hostIds = [...new Set(part.map(r => r.hostMunicipalityId).filter((id): id is number => id !== null))]
      const parentIds = [...new Set(part.map(r => r.parentId).filter((id): id is number => id !== null))]
      const hosts = new Map(hostIds.length
        ? (await ex.select({ id: municipalities.id, slug: municipalities.slug, name: municipalities.name }).from(municipalities).where(inArray(municipalities.id, hostIds))).map(m => [m.id, { slug: m.slug, name: m.name }])
        : [])
      const parents = new Map(parentIds.length
        ? (await ex.select({ id: collaborations.id, slug: collaborations.slug }).from(collaborations).where(inArray(collaborations.id, parentIds))).map(c => [c.id, c.slug])
        : [])
      const participantsOf = new Map<number, Participant[]>()
      for (const { collaborationId, ...p } of await ex.select({
        collaborationId: participations.collaborationId,
        municipalityId: participations.municipalityId,
        slug: municipalities.slug,
        name: municipalities.name,
        role: participations.role,
        ownershipShare: participations.ownershipShare,
      }).from(participations).innerJoin(municipalities, eq(participations.municipalityId, municipalities.id))
        .where(inArray(participations.collaborationId, ids)).orderBy(asc(participations.collaborationId), asc(municipalities.name), asc(municipalities.id))) {
        participantsOf.set(collaborationId, [...participantsOf.get(collaborationId) ?? [], p])
      }
      const bodiesOf = new Map<number, CollaborationView['bodies']>()
      for (const { collaborationId, ...b } of await ex.select({ collaborationId: bodies.collaborationId, id: bodies.id, slug: bodies.slug, name: bodies.name, kind: bodies.kind }).from(bodies)
        .where(and(inArray(bodies.collaborationId, ids), eq(bodies.deleted, false))).orderBy(asc(bodies.id))) {
        bodiesOf.set(collaborationId!, [...bodiesOf.get(collaborationId!) ?? [], b])
      }
      for (const row of part) {
        views.push({
          ...row,
          host: row.hostMunicipalityId === null ? null : hosts.get(row.hostMunicipalityId) ?? null,
          parentSlug: row.parentId === null ? null : parents.get(row.parentId) ?? null,
          participants: participantsOf.get(row.id) ?? [],
          bodies: bodiesOf.get(row.id) ?? [],
        })
      }
    }
    return views
  }
  const viewOn = async (ex: Executor, row: CollaborationRow): Promise<CollaborationView> => (await viewsOn(ex, [row]))[0]!

  const repo = {
    /** By id or slug, tombstones included. */
    async find (ref: string | number, ex: Executor = db): Promise<CollaborationRow | undefined> {
      return first(ex.select().from(collaborations).where(refCondition(ref, collaborations.id, collaborations.slug)))
    },
    /** By ids or slugs in one read, tombstones included: reference (as given) → row; unknown ones are absent. */
    async findMany (refs: readonly string[], ex: Executor = db): Promise<Map<string, CollaborationRow>> {
      if (!refs.length) return new Map()
      return byRefs(refs, await ex.select().from(collaborations).where(refsCondition(refs, collaborations.id, collaborations.slug)))
    },
    /** Every collaboration, tombstones included, by id (what an import compares a register with). */
    async listAllRows (ex: Executor = db): Promise<CollaborationRow[]> {
      return ex.select().from(collaborations).orderBy(asc(collaborations.id))
    },
    /** The collaboration with host, parent, participants and its live bodies. */
    async view (row: CollaborationRow, ex: Executor = db): Promise<CollaborationView> {
      return viewOn(ex, row)
    },
    /** Views of several rows, in their order, in a few reads (see viewsOn). */
    async views (rows: readonly CollaborationRow[], ex: Executor = db): Promise<CollaborationView[]> {
      return viewsOn(ex, rows)
    },
    async list (f: CollaborationFilter, ex: Executor = db): Promise<{ items: CollaborationView[]; total: number }> {
      const municipality = f.municipality
        ? (await first(ex.select({ id: municipalities.id }).from(municipalities).where(eq(municipalities.slug, f.municipality))))?.id ?? -1
        : undefined
      const where = and(
        f.modifiedSince === undefined ? eq(collaborations.deleted, false) : gte(collaborations.modified, f.modifiedSince),
        f.q ? or(containsText(collaborations.name, f.q), containsText(collaborations.comment, f.q)) : undefined,
        f.area ? eq(collaborations.area, f.area) : undefined,
        f.form ? eq(collaborations.legalForm, f.form as LegalForm) : undefined,
        f.status ? eq(collaborations.status, f.status as CollaborationStatus) : undefined,
        municipality === undefined
          ? undefined
          : or(
            eq(collaborations.hostMunicipalityId, municipality),
            inArray(collaborations.id, ex.select({ id: participations.collaborationId }).from(participations).where(eq(participations.municipalityId, municipality)))
          )
      )
      const total = (await first(ex.select({ n: count() }).from(collaborations).where(where)))?.n ?? 0
      const rows = await ex.select().from(collaborations).where(where)
        .orderBy(SORTS[(f.sort ?? 'name') as keyof typeof SORTS] ?? SORTS.name, asc(collaborations.id))
        .limit(f.limit).offset(f.offset)
      return { items: await viewsOn(ex, rows), total }
    },
    /** One query for the page of collaborations and one for all their participants. */
    async listSummaries (f: CollaborationSummaryFilter, ex: Executor = db): Promise<{ items: CollaborationSummary[]; total: number }> {
      const where = and(
        eq(collaborations.deleted, false),
        f.q ? or(containsText(collaborations.name, f.q), containsText(collaborations.area, f.q)) : undefined,
        f.municipalityId === undefined
          ? undefined
          : or(
            eq(collaborations.hostMunicipalityId, f.municipalityId),
            inArray(collaborations.id, ex.select({ id: participations.collaborationId }).from(participations).where(eq(participations.municipalityId, f.municipalityId)))
          )
      )
      const total = (await first(ex.select({ n: count() }).from(collaborations).where(where)))?.n ?? 0
      if (f.limit <= 0 || total === 0) return { items: [], total }
      // The host by a plain join: municipalities appears once in this query, so it needs no alias.
      const rows = await ex.select({
        id: collaborations.id,
        slug: collaborations.slug,
        name: collaborations.name,
        legalForm: collaborations.legalForm,
        area: collaborations.area,
        status: collaborations.status,
        terminatedOn: collaborations.terminatedOn,
        hostSlug: municipalities.slug,
        hostName: municipalities.name,
      }).from(collaborations).leftJoin(municipalities, eq(municipalities.id, collaborations.hostMunicipalityId)).where(where)
        .orderBy(asc(collaborations.status), asc(collaborations.name), asc(collaborations.id)).limit(f.limit).offset(f.offset)
      const byCollaboration = new Map<number, CollaborationSummary['participants']>(rows.map(r => [r.id, []]))
      // Every live collaboration (the start page of a small region): read every participation rather than name each id.
      const participants = await ex.select({
        collaborationId: participations.collaborationId,
        municipalityId: participations.municipalityId,
        slug: municipalities.slug,
        name: municipalities.name,
        role: participations.role,
      }).from(participations).innerJoin(municipalities, eq(participations.municipalityId, municipalities.id))
        .where(rows.length === total && f.municipalityId === undefined && !f.q ? undefined : inArray(participations.collaborationId, rows.map(r => r.id)))
        .orderBy(asc(municipalities.name), asc(municipalities.id))
      for (const { collaborationId, ...p } of participants) byCollaboration.get(collaborationId)?.push(p)
      return {
        items: rows.map(({ hostSlug, hostName, ...r }) => ({
          ...r,
          host: hostSlug === null || hostName === null ? null : { slug: hostSlug, name: hostName },
          participants: byCollaboration.get(r.id)!,
        })),
        total,
      }
    },
    /** How many live, active collaborations each municipality takes part in or hosts, in one pass. */
    async activeCountsByMunicipality (ex: Executor = db): Promise<Map<number, number>> {
      const rows = await rawRows<{ m: number; n: number }>(ex, sql`
        select x.m as m, count(*) as n from (
          select ${participations.municipalityId} as m, ${participations.collaborationId} as c from ${participations}
          union
          select ${collaborations.hostMunicipalityId}, ${collaborations.id} from ${collaborations} where ${collaborations.hostMunicipalityId} is not null
        ) x join ${collaborations} on ${collaborations.id} = x.c
        where ${collaborations.deleted} = 0 and ${collaborations.status} = 'active'
        group by x.m`)
      return new Map(rows.map(r => [Number(r.m), Number(r.n)]))
    },
    /** Every live collaboration (active and terminated) by id, for the register export. */
    async listAllActiveAndTerminated (ex: Executor = db): Promise<CollaborationView[]> {
      return viewsOn(ex, await ex.select().from(collaborations).where(eq(collaborations.deleted, false)).orderBy(asc(collaborations.id)))
    },
    /** Municipality ids a collaboration involves (participants by id, then the host): used for editor scope. */
    async involvedMunicipalityIds (collaborationId: number, ex: Executor = db): Promise<number[]> {
      return (await repo.involvedMunicipalityIdsOf([collaborationId], ex)).get(collaborationId)!
    },
    /** The municipalities taking part in or hosting each of these collaborations, in two reads per 500. */
    async involvedMunicipalityIdsOf (ids: readonly number[], ex: Executor = db): Promise<Map<number, number[]>> {
      const out = new Map<number, number[]>(ids.map(id => [id, []]))
      for (let i = 0; i < ids.length; i += 500) {
        const part = ids.slice(i, i + 500)
        for (const p of await ex.select({ c: participations.collaborationId, m: participations.municipalityId }).from(participations).where(inArray(participations.collaborationId, part))
          .orderBy(asc(participations.collaborationId), asc(participations.municipalityId))) out.get(p.c)!.push(p.m)
        for (const c of await ex.select({ id: collaborations.id, host: collaborations.hostMunicipalityId }).from(collaborations).where(inArray(collaborations.id, part))) {
          const list = out.get(c.id)!
          if (c.host !== null && !list.includes(c.host)) list.push(c.host)
        }
      }
      return out
    },
    /** The participations, ordered by municipality id (comparable between two reads). */
    async participations (collaborationId: number, ex: Executor = db): Promise<ParticipationValues[]> {
      return ex.select({ municipalityId: participations.municipalityId, role: participations.role, ownershipShare: participations.ownershipShare })
        .from(participations).where(eq(participations.collaborationId, collaborationId)).orderBy(asc(participations.municipalityId))
    },

    /** Inserts the rows (multi-row statements) and returns them in the order given. Slugs are unique (409 otherwise). */
    async insertMany (values: ReadonlyArray<CollaborationValues & { slug: string; name: string; legalForm: LegalForm }>, ex: Executor = db): Promise<CollaborationRow[]> {
      const at = now()
      const bySlug = new Map<string, CollaborationRow>()
      for (let i = 0; i < values.length; i += 100) {
        for (const row of await ex.insert(collaborations).values(values.slice(i, i + 100).map(v => ({ ...v, created: at, modified: at }))).returning()) bySlug.set(row.slug, row)
      }
      return values.map(v => bySlug.get(v.slug)!)
    },
    async update (id: number, values: CollaborationValues, ex: Executor = db): Promise<CollaborationRow | undefined> {
      return first(ex.update(collaborations).set({ ...values, modified: now() }).where(eq(collaborations.id, id)).returning())
    },
    async replaceParticipations (collaborationId: number, list: ParticipationValues[], ex: Executor = db): Promise<void> {
      await ex.delete(participations).where(eq(participations.collaborationId, collaborationId))
      await repo.insertParticipations(list.map(p => ({ collaborationId, ...p })), ex)
    },
    /** Participations of new collaborations, in multi-row inserts. */
    async insertParticipations (list: ReadonlyArray<ParticipationValues & { collaborationId: number }>, ex: Executor = db): Promise<void> {
      for (let i = 0; i < list.length; i += 200) await ex.insert(participations).values(list.slice(i, i + 200))
    },
    /** Brings a tombstoned collaboration back with its bodies. */
    async restore (id: number, ex: Executor = db): Promise<void> {
      const at = now()
      await ex.update(collaborations).set({ deleted: false, modified: at }).where(eq(collaborations.id, id))
      await ex.update(bodies).set({ deleted: false, modified: at }).where(eq(bodies.collaborationId, id))
    },
    /** Live collaborations that have this one as their umbrella. */
    async countParts (id: number, ex: Executor = db): Promise<number> {
      return (await first(ex.select({ n: count() }).from(collaborations).where(and(eq(collaborations.parentId, id), eq(collaborations.deleted, false)))))?.n ?? 0
    },
    /** Soft delete of the collaboration, its bodies and its rules. */
    async softDelete (id: number, ex: Executor = db): Promise<void> {
      const at = now()
      await ex.update(bodies).set({ deleted: true, modified: at }).where(eq(bodies.collaborationId, id))
      await ex.update(rules).set({ deleted: true, modified: at }).where(eq(rules.collaborationId, id))
      await ex.update(collaborations).set({ deleted: true, modified: at }).where(eq(collaborations.id, id))
    },
  }
  return repo
}
export type CollaborationsRepository = ReturnType<typeof createCollaborationsRepository>
