import { and, asc, desc, eq, gte, inArray, like, or, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { bodies, collaborations, municipalities, participations, rules } from '../db/schema.js'
import type { Clock } from '../shared/clock.js'
import { badRequest, conflict, notFound } from '../shared/errors.js'
import { defaultCollaborationBodies } from '../domain/default-bodies.js'
import type { CollaborationStatus, LegalForm, ParticipationRole } from '../domain/vocabulary.js'
import { recordAudit, type AuditActor } from './audit.js'
import { likePattern, refCondition, type Paging } from './shared.js'

export type CollaborationRow = typeof collaborations.$inferSelect
export interface ParticipantInput { municipality: string; role?: ParticipationRole; ownershipShare?: number | null }
export interface CollaborationInput {
  slug: string; name: string; legalForm: LegalForm; legalFormRaw?: string | null; area?: string | null
  hostMunicipality?: string | null; parent?: string | null; status?: CollaborationStatus
  terminatedOn?: string | null; statusNote?: string | null; otherParticipants?: string | null
  comment?: string | null; validFrom?: string | null; validTo?: string | null
  participants?: ParticipantInput[]
}
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

const SORTS = {
  name: asc(collaborations.name), '-name': desc(collaborations.name), area: asc(collaborations.area),
  modified: asc(collaborations.modified), '-modified': desc(collaborations.modified), id: asc(collaborations.id),
} as const
export const COLLABORATION_SORTS = Object.keys(SORTS)

export function createCollaborationsRepository (db: Db, clock: Clock) {
  function find (ref: string | number): CollaborationRow | undefined {
    return db.select().from(collaborations).where(refCondition(ref, collaborations.id, collaborations.slug)).get()
  }

  function view (row: CollaborationRow): CollaborationView {
    const host = row.hostMunicipalityId === null ? null
      : db.select({ slug: municipalities.slug, name: municipalities.name }).from(municipalities).where(eq(municipalities.id, row.hostMunicipalityId)).get() ?? null
    const parentSlug = row.parentId === null ? null
      : db.select({ slug: collaborations.slug }).from(collaborations).where(eq(collaborations.id, row.parentId)).get()?.slug ?? null
    const participants = db.select({
      municipalityId: participations.municipalityId, slug: municipalities.slug, name: municipalities.name,
      role: participations.role, ownershipShare: participations.ownershipShare,
    }).from(participations).innerJoin(municipalities, eq(participations.municipalityId, municipalities.id))
      .where(eq(participations.collaborationId, row.id)).orderBy(asc(municipalities.name)).all()
    const own = db.select({ id: bodies.id, slug: bodies.slug, name: bodies.name, kind: bodies.kind }).from(bodies)
      .where(and(eq(bodies.collaborationId, row.id), eq(bodies.deleted, false))).orderBy(asc(bodies.id)).all()
    return { ...row, host, parentSlug, participants, bodies: own }
  }

  function municipalityId (slug: string, path: string): number {
    const m = db.select({ id: municipalities.id, deleted: municipalities.deleted }).from(municipalities).where(refCondition(slug, municipalities.id, municipalities.slug)).get()
    if (!m || m.deleted) throw badRequest('collaboration.unknown_municipality', path, `unknown municipality "${slug}"`)
    return m.id
  }

  function resolve (input: Partial<CollaborationInput>) {
    const values: Partial<typeof collaborations.$inferInsert> = {}
    for (const k of ['name', 'legalForm', 'legalFormRaw', 'area', 'status', 'terminatedOn', 'statusNote', 'otherParticipants', 'comment', 'validFrom', 'validTo'] as const) {
      if (input[k] !== undefined) (values as Record<string, unknown>)[k] = input[k]
    }
    if (input.slug !== undefined) values.slug = input.slug
    if (input.hostMunicipality !== undefined) values.hostMunicipalityId = input.hostMunicipality === null ? null : municipalityId(input.hostMunicipality, 'body/hostMunicipality')
    if (input.parent !== undefined) {
      if (input.parent === null) values.parentId = null
      else {
        const parent = find(input.parent)
        if (!parent || parent.deleted) throw badRequest('collaboration.unknown_parent', 'body/parent', `unknown collaboration "${input.parent}"`)
        if (input.slug !== undefined && parent.slug === input.slug) throw badRequest('collaboration.parent_cycle', 'body/parent', 'a collaboration cannot be its own parent')
        values.parentId = parent.id
      }
    }
    const participants = input.participants?.map((p, i) => {
      const id = municipalityId(p.municipality, `body/participants/${i}/municipality`)
      return { municipalityId: id, role: p.role ?? 'deltaker' as ParticipationRole, ownershipShare: p.ownershipShare ?? null }
    })
    if (participants) {
      const seen = new Set<number>()
      participants.forEach((p, i) => {
        if (seen.has(p.municipalityId)) throw badRequest('collaboration.duplicate_participant', `body/participants/${i}/municipality`, 'municipality listed twice')
        seen.add(p.municipalityId)
      })
    }
    return { values, participants }
  }

  function replaceParticipants (tx: Db, collaborationId: number, list: Array<{ municipalityId: number; role: ParticipationRole; ownershipShare: number | null }>) {
    tx.delete(participations).where(eq(participations.collaborationId, collaborationId)).run()
    for (const p of list) tx.insert(participations).values({ collaborationId, ...p }).run()
  }

  function participantSnapshot (collaborationId: number) {
    return db.select({ municipalityId: participations.municipalityId, role: participations.role, ownershipShare: participations.ownershipShare })
      .from(participations).where(eq(participations.collaborationId, collaborationId)).orderBy(asc(participations.municipalityId)).all()
  }

  function ensureBodies (tx: Db, row: CollaborationRow, now: number) {
    for (const b of defaultCollaborationBodies(row.legalForm as LegalForm, row.name, row.slug === 'regionrad')) {
      const slug = `${row.slug}-${b.slugSuffix}`.slice(0, 80)
      const existing = tx.select({ id: bodies.id }).from(bodies).where(eq(bodies.slug, slug)).get()
      if (!existing) tx.insert(bodies).values({ slug, name: b.name, kind: b.kind, collaborationId: row.id, created: now, modified: now }).run()
    }
  }

  const repo = {
    find,
    view,
    get (ref: string | number): CollaborationView {
      const row = find(ref)
      if (!row) throw notFound('collaboration', ref)
      return view(row)
    },
    list (f: CollaborationFilter) {
      const municipality = f.municipality
        ? db.select({ id: municipalities.id }).from(municipalities).where(eq(municipalities.slug, f.municipality)).get()?.id ?? -1
        : undefined
      const where = and(
        f.modifiedSince === undefined ? eq(collaborations.deleted, false) : gte(collaborations.modified, f.modifiedSince),
        f.q ? or(like(collaborations.name, likePattern(f.q)), like(collaborations.comment, likePattern(f.q))) : undefined,
        f.area ? eq(collaborations.area, f.area) : undefined,
        f.form ? eq(collaborations.legalForm, f.form as LegalForm) : undefined,
        f.status ? eq(collaborations.status, f.status as CollaborationStatus) : undefined,
        municipality === undefined ? undefined : or(
          eq(collaborations.hostMunicipalityId, municipality),
          inArray(collaborations.id, db.select({ id: participations.collaborationId }).from(participations).where(eq(participations.municipalityId, municipality))),
        ),
      )
      const total = db.select({ n: sql<number>`count(*)` }).from(collaborations).where(where).get()?.n ?? 0
      const rows = db.select().from(collaborations).where(where)
        .orderBy(SORTS[(f.sort ?? 'name') as keyof typeof SORTS] ?? SORTS.name, asc(collaborations.id))
        .limit(f.limit).offset(f.offset).all()
      return { items: rows.map(view), total }
    },
    /** Every collaboration in register order (area, then id) for the export. */
    listAllActiveAndTerminated (): CollaborationView[] {
      return db.select().from(collaborations).where(eq(collaborations.deleted, false)).orderBy(asc(collaborations.id)).all().map(view)
    },
    /** Municipality ids a collaboration involves (participants and host): used for editor scope. */
    involvedMunicipalityIds (collaborationId: number): number[] {
      const row = db.select().from(collaborations).where(eq(collaborations.id, collaborationId)).get()
      const ids = participantSnapshot(collaborationId).map(p => p.municipalityId)
      if (row?.hostMunicipalityId != null) ids.push(row.hostMunicipalityId)
      return ids
    },
    resolveMunicipalityIds (input: Pick<CollaborationInput, 'participants' | 'hostMunicipality'>): number[] {
      const { values, participants } = resolve({ participants: input.participants, hostMunicipality: input.hostMunicipality })
      return [...(participants ?? []).map(p => p.municipalityId), ...(values.hostMunicipalityId ? [values.hostMunicipalityId] : [])]
    },

    /** Creates the collaboration, its participants and the organs its legal form requires. */
    create (input: CollaborationInput, actor: AuditActor): CollaborationView {
      const now = clock.now().getTime()
      const { values, participants } = resolve(input)
      return db.transaction(tx => {
        const row = tx.insert(collaborations).values({ ...values, slug: input.slug, name: input.name, legalForm: input.legalForm, created: now, modified: now } as typeof collaborations.$inferInsert).returning().get()
        replaceParticipants(tx as unknown as Db, row.id, participants ?? [])
        ensureBodies(tx as unknown as Db, row, now)
        const after = view(row)
        recordAudit(tx, now, actor, { action: 'create', entityType: 'collaboration', entityId: row.id, after })
        return after
      })
    },

    /** Returns whether anything changed, so an import run twice writes nothing the second time. */
    update (id: number, patch: Partial<CollaborationInput>, actor: AuditActor): { view: CollaborationView; changed: boolean } {
      const now = clock.now().getTime()
      const { values, participants } = resolve(patch)
      return db.transaction(tx => {
        const before = tx.select().from(collaborations).where(eq(collaborations.id, id)).get()
        if (!before || before.deleted) throw notFound('collaboration', id)
        if (values.parentId === id) throw badRequest('collaboration.parent_cycle', 'body/parent', 'a collaboration cannot be its own parent')
        const fieldsChanged = Object.entries(values).some(([k, v]) => (before as Record<string, unknown>)[k] !== v)
        const oldParticipants = participantSnapshot(id)
        const newParticipants = participants?.slice().sort((a, b) => a.municipalityId - b.municipalityId)
        const participantsChanged = newParticipants !== undefined && JSON.stringify(newParticipants) !== JSON.stringify(oldParticipants)
        if (!fieldsChanged && !participantsChanged) return { view: view(before), changed: false }
        const beforeView = view(before)
        const row = tx.update(collaborations).set({ ...values, modified: now }).where(eq(collaborations.id, id)).returning().get()
        if (participantsChanged) replaceParticipants(tx as unknown as Db, id, newParticipants!)
        ensureBodies(tx as unknown as Db, row, now)
        const after = view(row)
        recordAudit(tx, now, actor, { action: 'update', entityType: 'collaboration', entityId: id, before: beforeView, after })
        return { view: after, changed: true }
      })
    },

    /** Brings a tombstoned collaboration back (an import that names it again). */
    restore (id: number, actor: AuditActor): void {
      const now = clock.now().getTime()
      db.transaction(tx => {
        tx.update(collaborations).set({ deleted: false, modified: now }).where(eq(collaborations.id, id)).run()
        tx.update(bodies).set({ deleted: false, modified: now }).where(eq(bodies.collaborationId, id)).run()
        recordAudit(tx, now, actor, { action: 'restore', entityType: 'collaboration', entityId: id })
      })
    },

    /** Soft delete; refused while parts still point at it as their umbrella. */
    remove (id: number, actor: AuditActor): void {
      const now = clock.now().getTime()
      db.transaction(tx => {
        const before = tx.select().from(collaborations).where(eq(collaborations.id, id)).get()
        if (!before || before.deleted) throw notFound('collaboration', id)
        const parts = tx.select({ n: sql<number>`count(*)` }).from(collaborations).where(and(eq(collaborations.parentId, id), eq(collaborations.deleted, false))).get()?.n ?? 0
        if (parts > 0) throw conflict('collaboration.has_parts', `Samarbeidet er overbygning for ${parts} delavtaler; flytt eller slett dem først`)
        const beforeView = view(before)
        tx.update(bodies).set({ deleted: true, modified: now }).where(eq(bodies.collaborationId, id)).run()
        tx.update(rules).set({ deleted: true, modified: now }).where(eq(rules.collaborationId, id)).run()
        tx.update(collaborations).set({ deleted: true, modified: now }).where(eq(collaborations.id, id)).run()
        recordAudit(tx, now, actor, { action: 'delete', entityType: 'collaboration', entityId: id, before: beforeView })
      })
    },
  }
  return repo
}
export type CollaborationsRepository = ReturnType<typeof createCollaborationsRepository>
