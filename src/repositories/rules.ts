import { and, asc, eq, gte, inArray, isNull, or, sql } from 'drizzle-orm'
import type { Executor } from '../db/executor.js'
import type { Db } from '../db/client.js'
import { bodies, collaborations, municipalities, participations, rules } from '../db/schema.js'
import type { Clock } from '../shared/clock.js'
import { notFound } from '../shared/errors.js'
import type { BodyKind } from '../domain/vocabulary.js'
import type { Catalogue } from '../catalogue/load.js'
import { planDefaultMoteplan, planPackageRules, type SubjectForPackages } from '../domain/packages.js'
import { recordAudit, type AuditActor } from './audit.js'

export type RuleRow = typeof rules.$inferSelect
export type RuleInsert = Omit<typeof rules.$inferInsert, 'id' | 'created' | 'modified' | 'deleted'>

export interface RuleFilter {
  municipalityIds?: number[]
  collaborationIds?: number[]
  bodyId?: number
  eventTypes?: string[]
  includeDisabled?: boolean
}

export function createRulesRepository (db: Db, clock: Clock) {
  function bodiesByKind (where: ReturnType<typeof eq>): Partial<Record<BodyKind, number>> {
    const out: Partial<Record<BodyKind, number>> = {}
    for (const b of db.select({ id: bodies.id, kind: bodies.kind }).from(bodies).where(and(where, eq(bodies.deleted, false))).orderBy(asc(bodies.id)).all()) {
      out[b.kind] ??= b.id
    }
    return out
  }

  function subjects (filter: { municipality?: number; collaboration?: number }): SubjectForPackages[] {
    const out: SubjectForPackages[] = []
    if (filter.collaboration === undefined) {
      for (const m of db.select().from(municipalities).where(and(eq(municipalities.deleted, false), filter.municipality ? eq(municipalities.id, filter.municipality) : undefined)).all()) {
        out.push({ type: 'municipality', id: m.id, slug: m.slug, inRegion: m.inRegion, bodies: bodiesByKind(eq(bodies.municipalityId, m.id)) })
      }
    }
    if (filter.municipality === undefined) {
      for (const c of db.select().from(collaborations).where(and(eq(collaborations.deleted, false), filter.collaboration ? eq(collaborations.id, filter.collaboration) : undefined)).all()) {
        const members = db.select({ id: municipalities.id }).from(participations).innerJoin(municipalities, eq(participations.municipalityId, municipalities.id))
          .where(and(eq(participations.collaborationId, c.id), eq(municipalities.inRegion, true))).all()
        out.push({
          type: 'collaboration', id: c.id, slug: c.slug, legalForm: c.legalForm, status: c.status,
          bodies: bodiesByKind(eq(bodies.collaborationId, c.id)),
          hostBodies: c.hostMunicipalityId ? bodiesByKind(eq(bodies.municipalityId, c.hostMunicipalityId)) : undefined,
          participants: members.map(m => ({ municipalityId: m.id, bodies: bodiesByKind(eq(bodies.municipalityId, m.id)) })),
        })
      }
    }
    return out
  }

  const repo = {
    find (id: number): RuleRow | undefined {
      return db.select().from(rules).where(eq(rules.id, id)).get()
    },
    get (id: number): RuleRow {
      const row = repo.find(id)
      if (!row) throw notFound('rule', id)
      return row
    },
    /** Active rules of the given subjects (or all); a body matches as responsible or treating body. */
    list (f: RuleFilter = {}): RuleRow[] {
      const subject = (f.municipalityIds || f.collaborationIds)
        ? or(
          f.municipalityIds?.length ? inArray(rules.municipalityId, f.municipalityIds) : undefined,
          f.collaborationIds?.length ? inArray(rules.collaborationId, f.collaborationIds) : undefined,
          f.municipalityIds?.length || f.collaborationIds?.length ? undefined : sql`0`,
        )
        : undefined
      return db.select().from(rules).where(and(
        eq(rules.deleted, false),
        f.includeDisabled ? undefined : eq(rules.enabled, true),
        subject,
        f.bodyId !== undefined ? or(eq(rules.responsibleBodyId, f.bodyId), eq(rules.treatedByBodyId, f.bodyId)) : undefined,
        f.eventTypes?.length ? inArray(rules.eventType, f.eventTypes) : undefined,
      )).orderBy(asc(rules.id)).all()
    },
    /** Rules changed since (epoch ms), tombstones and switched-off rules included: for modified_since. */
    async changedSince (since: number, ex: Executor = db): Promise<RuleRow[]> {
      return ex.select().from(rules).where(gte(rules.modified, since)).orderBy(asc(rules.id)).all()
    },
    /** Meeting rules of the given bodies, for linking deadlines to the meeting that treats them. */
    meetingRules (bodyIds: number[]): RuleRow[] {
      if (bodyIds.length === 0) return []
      return db.select().from(rules).where(and(eq(rules.deleted, false), eq(rules.enabled, true), eq(rules.eventType, 'mote'), inArray(rules.responsibleBodyId, bodyIds))).all()
    },
    create (values: RuleInsert, actor: AuditActor): RuleRow {
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const row = tx.insert(rules).values({ ...values, created: now, modified: now }).returning().get()
        recordAudit(tx, now, actor, { action: 'create', entityType: 'rule', entityId: row.id, after: row })
        return row
      })
    },
    /** Any change to a package rule is an override for this subject: re-applying the package leaves it alone. */
    update (id: number, patch: Partial<RuleInsert>, actor: AuditActor): RuleRow {
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const before = tx.select().from(rules).where(eq(rules.id, id)).get()
        if (!before || before.deleted) throw notFound('rule', id)
        const after = tx.update(rules).set({ ...patch, overridden: before.origin === 'package' ? true : before.overridden, modified: now }).where(eq(rules.id, id)).returning().get()
        recordAudit(tx, now, actor, { action: 'update', entityType: 'rule', entityId: id, before, after })
        return after
      })
    },
    remove (id: number, actor: AuditActor): void {
      const now = clock.now().getTime()
      db.transaction(tx => {
        const before = tx.select().from(rules).where(eq(rules.id, id)).get()
        if (!before || before.deleted) throw notFound('rule', id)
        tx.update(rules).set({ deleted: true, modified: now }).where(eq(rules.id, id)).run()
        recordAudit(tx, now, actor, { action: 'delete', entityType: 'rule', entityId: id, before })
      })
    },

    /** Idempotent: a (package, event type, subject) that already has a rule — even overridden or off — is left alone. */
    applyPackages (catalogue: Catalogue, filter: { packageKey?: string; municipality?: number; collaboration?: number }, actor: AuditActor) {
      const now = clock.now().getTime()
      return db.transaction(tx => {
        let created = 0
        let existing = 0
        const perPackage: Record<string, number> = {}
        for (const subject of subjects(filter)) {
          for (const pkg of catalogue.packages.values()) {
            if (filter.packageKey && pkg.key !== filter.packageKey) continue
            for (const draft of planPackageRules(pkg, catalogue.eventTypes, subject)) {
              const res = tx.insert(rules).values({ ...draft, origin: 'package', created: now, modified: now }).onConflictDoNothing().returning({ id: rules.id }).all()
              if (res.length > 0) {
                created++
                perPackage[pkg.key] = (perPackage[pkg.key] ?? 0) + 1
              } else existing++
            }
          }
        }
        if (created > 0) recordAudit(tx, now, actor, { action: 'apply_packages', entityType: 'rule', entityId: filter.packageKey ?? '*', after: { created, perPackage } })
        return { created, existing, perPackage }
      })
    },

    /** Gives every body without a meeting plan its kind's default plan. */
    applyDefaultMoteplaner (catalogue: Catalogue, actor: AuditActor): number {
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const planned = new Set(tx.select({ id: rules.responsibleBodyId }).from(rules)
          .where(and(eq(rules.eventType, 'mote'), eq(rules.deleted, false))).all().map(r => r.id))
        let created = 0
        for (const body of tx.select().from(bodies).where(eq(bodies.deleted, false)).all()) {
          const moteplan = catalogue.moteplaner.get(body.kind)
          if (!moteplan || planned.has(body.id)) continue
          tx.insert(rules).values({ ...planDefaultMoteplan(moteplan, body), created: now, modified: now }).run()
          created++
        }
        if (created > 0) recordAudit(tx, now, actor, { action: 'apply_moteplaner', entityType: 'rule', entityId: '*', after: { created } })
        return created
      })
    },

    /** Soft-deletes a body's meeting plans (the default, or a previous adopted plan). */
    moteplanRules (bodyId: number): RuleRow[] {
      return db.select().from(rules).where(and(eq(rules.deleted, false), eq(rules.eventType, 'mote'), eq(rules.responsibleBodyId, bodyId), isNull(rules.packageKey))).all()
    },
  }
  return repo
}
export type RulesRepository = ReturnType<typeof createRulesRepository>
