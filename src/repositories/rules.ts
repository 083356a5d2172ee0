import { and, asc, eq, gte, inArray, isNotNull, or, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { first } from '../db/query.js'
import { bodies, collaborations, municipalities, participations, rules } from '../db/schema.js'
import type { Clock } from '../shared/clock.js'
import type { BodyKind } from '../domain/vocabulary.js'
import type { SubjectForPackages } from '../domain/packages.js'

export type RuleRow = typeof rules.$inferSelect
export type RuleInsert = Omit<typeof rules.$inferInsert, 'id' | 'created' | 'modified' | 'deleted'>
type BodyRow = typeof bodies.$inferSelect

export interface RuleFilter {
  municipalityIds?: number[]
  collaborationIds?: number[]
  bodyId?: number
  eventTypes?: string[]
  includeDisabled?: boolean
  /** Epoch ms: rules changed since, tombstones and switched-off rules included. */
  modifiedSince?: number
}

/** Rules (the schedules occurrences are expanded from): SQL only. The rules of the work live in services/rules.ts. */
export function createRulesRepository (db: Db, clock: Clock) {
  const now = () => clock.now().getTime()

  async function insertMany (values: readonly RuleInsert[], ex: Executor = db): Promise<void> {
    const at = now()
    for (let i = 0; i < values.length; i += 100) await ex.insert(rules).values(values.slice(i, i + 100).map(v => ({ ...v, created: at, modified: at })))
  }

  return {
    /** By id, tombstones included. */
    async find (id: number, ex: Executor = db): Promise<RuleRow | undefined> {
      return first(ex.select().from(rules).where(eq(rules.id, id)))
    },

    /**
     * Active rules of the given subjects (or all); a body matches as responsible or treating body.
     * With `modifiedSince`: every rule changed since, deleted and switched-off ones included.
     */
    async list (f: RuleFilter = {}, ex: Executor = db): Promise<RuleRow[]> {
      const subject = (f.municipalityIds || f.collaborationIds)
        ? or(
          f.municipalityIds?.length ? inArray(rules.municipalityId, f.municipalityIds) : undefined,
          f.collaborationIds?.length ? inArray(rules.collaborationId, f.collaborationIds) : undefined,
          f.municipalityIds?.length || f.collaborationIds?.length ? undefined : sql`1 = 0`
        )
        : undefined
      const since = f.modifiedSince
      return await ex.select().from(rules).where(and(
        since === undefined ? eq(rules.deleted, false) : gte(rules.modified, since),
        f.includeDisabled || since !== undefined ? undefined : eq(rules.enabled, true),
        subject,
        f.bodyId !== undefined ? or(eq(rules.responsibleBodyId, f.bodyId), eq(rules.treatedByBodyId, f.bodyId)) : undefined,
        f.eventTypes?.length ? inArray(rules.eventType, f.eventTypes) : undefined
      )).orderBy(asc(rules.id))
    },

    /** Rules changed since (epoch ms), tombstones and switched-off rules included: for modified_since. */
    async changedSince (since: number, ex: Executor = db): Promise<RuleRow[]> {
      return await ex.select().from(rules).where(gte(rules.modified, since)).orderBy(asc(rules.id))
    },

    /** Meeting rules of the given bodies, for linking deadlines to the meeting that treats them. */
    async meetingRules (bodyIds: number[], ex: Executor = db): Promise<RuleRow[]> {
      if (bodyIds.length === 0) return []
      return await ex.select().from(rules).where(and(eq(rules.deleted, false), eq(rules.enabled, true), eq(rules.eventType, 'mote'), inArray(rules.responsibleBodyId, bodyIds)))
        .orderBy(asc(rules.responsibleBodyId), asc(rules.id))
    },

    /** A body's meeting plans (the default, or a previously adopted plan). Meetings added as rules of their own (origin manual, or from a package) are not part of the plan and are kept. */
    async moteplanRules (bodyId: number, ex: Executor = db): Promise<RuleRow[]> {
      return await ex.select().from(rules).where(and(eq(rules.deleted, false), eq(rules.eventType, 'mote'), eq(rules.responsibleBodyId, bodyId), inArray(rules.origin, ['moteplan_default', 'moteplan_adopted'])))
        .orderBy(asc(rules.id))
    },

    /** The bodies that have a meeting plan. */
    async bodyIdsWithMoteplan (ex: Executor = db): Promise<Set<number>> {
      return new Set((await ex.select({ id: rules.responsibleBodyId }).from(rules)
        .where(and(eq(rules.eventType, 'mote'), eq(rules.deleted, false)))).map(r => r.id).filter((id): id is number => id !== null))
    },

    /** Several rules in multi-row inserts (nothing returned). */
    insertMany,

    async insert (values: RuleInsert, ex: Executor = db): Promise<RuleRow> {
      const at = now()
      return (await first(ex.insert(rules).values({ ...values, created: at, modified: at }).returning()))!
    },

    /**
     * Inserts each draft unless its (package, event type, subject) already has a rule, in one read of
     * the package rules' keys and multi-row inserts. Returns, per draft, whether it was inserted.
     */
    async insertManyIfAbsent (values: readonly RuleInsert[], ex: Executor = db): Promise<boolean[]> {
      const keyOf = (p: string | null | undefined, e: string, s: string) => `${p ?? ''}\u0000${e}\u0000${s}`
      const taken = new Set((await ex.select({ p: rules.packageKey, e: rules.eventType, s: rules.subjectKey }).from(rules)
        .where(isNotNull(rules.packageKey))).map(r => keyOf(r.p, r.e, r.s)))
      const inserted = values.map(v => {
        // The unique key holds only where a package is named; other rules are always new.
        if (v.packageKey == null) return true
        const key = keyOf(v.packageKey, v.eventType, v.subjectKey)
        if (taken.has(key)) return false
        taken.add(key)
        return true
      })
      await insertMany(values.filter((_, i) => inserted[i]), ex)
      return inserted
    },

    async update (id: number, patch: Partial<RuleInsert>, ex: Executor = db): Promise<RuleRow | undefined> {
      return first(ex.update(rules).set({ ...patch, modified: now() }).where(eq(rules.id, id)).returning())
    },

    async softDelete (id: number, ex: Executor = db): Promise<void> {
      await ex.update(rules).set({ deleted: true, modified: now() }).where(eq(rules.id, id))
    },

    /** Every live body (for default meeting plans). */
    async liveBodies (ex: Executor = db): Promise<BodyRow[]> {
      return await ex.select().from(bodies).where(eq(bodies.deleted, false)).orderBy(asc(bodies.id))
    },

    /**
     * Municipalities and collaborations with the bodies packages assign rules to (one of them, or all):
     * four reads whatever the number of subjects (subjects, in-region members, live bodies), grouped here.
     */
    async subjectsForPackages (filter: { municipality?: number; collaboration?: number }, ex: Executor = db): Promise<SubjectForPackages[]> {
      const ms = filter.collaboration === undefined
        ? await ex.select().from(municipalities).where(and(eq(municipalities.deleted, false), filter.municipality ? eq(municipalities.id, filter.municipality) : undefined)).orderBy(asc(municipalities.id))
        : []
      const cs = filter.municipality === undefined
        ? await ex.select().from(collaborations).where(and(eq(collaborations.deleted, false), filter.collaboration ? eq(collaborations.id, filter.collaboration) : undefined)).orderBy(asc(collaborations.id))
        : []
      const membersOf = new Map<number, number[]>()
      if (cs.length) {
        const members = await ex.select({ c: participations.collaborationId, m: municipalities.id }).from(participations).innerJoin(municipalities, eq(participations.municipalityId, municipalities.id))
          .where(and(eq(municipalities.inRegion, true), filter.collaboration ? eq(participations.collaborationId, filter.collaboration) : undefined))
          .orderBy(asc(participations.collaborationId), asc(participations.municipalityId))
        for (const { c, m } of members) membersOf.set(c, [...membersOf.get(c) ?? [], m])
      }
      // Each owner's first live body of each kind (by id), as the packages address them.
      const byOwner = new Map<string, Partial<Record<BodyKind, number>>>()
      if (ms.length || cs.length) {
        for (const b of await ex.select({ id: bodies.id, kind: bodies.kind, m: bodies.municipalityId, c: bodies.collaborationId }).from(bodies).where(eq(bodies.deleted, false)).orderBy(asc(bodies.id))) {
          const key = b.m !== null ? `m${b.m}` : `c${b.c}`
          let kinds = byOwner.get(key)
          if (!kinds) byOwner.set(key, kinds = {})
          kinds[b.kind] ??= b.id
        }
      }
      const kindsOf = (key: string): Partial<Record<BodyKind, number>> => ({ ...byOwner.get(key) })
      const out: SubjectForPackages[] = ms.map(m => ({ type: 'municipality', id: m.id, slug: m.slug, inRegion: m.inRegion, kind: m.kind, bodies: kindsOf(`m${m.id}`) }))
      for (const c of cs) {
        out.push({
          type: 'collaboration',
          id: c.id,
          slug: c.slug,
          legalForm: c.legalForm,
          status: c.status,
          bodies: kindsOf(`c${c.id}`),
          hostBodies: c.hostMunicipalityId ? kindsOf(`m${c.hostMunicipalityId}`) : undefined,
          participants: (membersOf.get(c.id) ?? []).map(m => ({ municipalityId: m, bodies: kindsOf(`m${m}`) })),
        })
      }
      return out
    },
  }
}
export type RulesRepository = ReturnType<typeof createRulesRepository>
