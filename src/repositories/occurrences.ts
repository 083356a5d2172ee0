import { and, eq, inArray } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { bodies, collaborations, constitutions, municipalities, occurrenceStates, participations } from '../db/schema.js'
import type { Clock } from '../shared/clock.js'
import type { Catalogue } from '../catalogue/load.js'
import type { EventType } from '../catalogue/schema.js'
import { addDays } from '../domain/calendar-date.js'
import {
  buildOccurrences, calendarFlags, compareOccurrences, daysLate, lateness, occurrenceId, treatingMeeting,
  type ExpandableRule, type ExpandedOccurrence, type MeetingRef, type StoredState,
} from '../domain/occurrences.js'
import type { ConstitutionDates, ValgperiodeAnchor } from '../domain/valgperiode.js'
import type { BodyKind, OccurrenceStatus } from '../domain/vocabulary.js'
import { recordAudit, type AuditActor } from './audit.js'
import type { RuleRow, RulesRepository } from './rules.js'

export type StateRow = typeof occurrenceStates.$inferSelect
export type StateInsert = typeof occurrenceStates.$inferInsert
export type ConstitutionRow = typeof constitutions.$inferSelect
/** Every municipality, collaboration and body by id (tombstones included): what the read model names. */
export interface LookupRows {
  municipalities: Map<number, typeof municipalities.$inferSelect>
  collaborations: Map<number, typeof collaborations.$inferSelect>
  bodies: Map<number, typeof bodies.$inferSelect>
}
export interface OccurrenceQuery {
  from: string; to: string; asOf: string
  municipality?: number; body?: number; collaboration?: number
  eventTypes?: string[]; statuses?: Array<OccurrenceStatus | 'overdue'>
}
export interface StatePatch {
  status?: OccurrenceStatus; movedTo?: string | null; caseNumber?: string | null; caseUrl?: string | null
  note?: string | null; deliveredOn?: string | null; approvedOn?: string | null
}

const toExpandable = (r: RuleRow): ExpandableRule => ({
  id: r.id, scheduleType: r.scheduleType, allDay: r.allDay, dtstart: r.dtstart, rrule: r.rrule,
  rdates: r.rdates, exdates: r.exdates, anchor: r.anchor as ValgperiodeAnchor | null, timeZone: r.timeZone, durationMinutes: r.durationMinutes,
})

export function createOccurrencesRepository (db: Db, clock: Clock, rulesRepo: RulesRepository, catalogue: Catalogue) {
  function statesFor (ruleIds: number[]): Map<string, StateRow> {
    const map = new Map<string, StateRow>()
    for (let i = 0; i < ruleIds.length; i += 500) {
      for (const s of db.select().from(occurrenceStates).where(inArray(occurrenceStates.ruleId, ruleIds.slice(i, i + 500))).all()) {
        map.set(occurrenceId(s.ruleId, s.originalKey), s)
      }
    }
    return map
  }

  function constitutionDatesBy (): Map<number, ConstitutionDates> {
    const map = new Map<number, Record<number, string>>()
    for (const c of db.select().from(constitutions).all()) {
      const m = map.get(c.municipalityId) ?? {}
      m[c.electionYear] = c.date
      map.set(c.municipalityId, m)
    }
    return map
  }

  function lookups () {
    const ms = new Map(db.select().from(municipalities).all().map(m => [m.id, m]))
    const cs = new Map(db.select().from(collaborations).all().map(c => [c.id, c]))
    const bs = new Map(db.select().from(bodies).all().map(b => [b.id, b]))
    return { ms, cs, bs }
  }

  /** The rules whose occurrences belong to a municipality's, a body's or a collaboration's calendar. */
  function selectRules (q: Pick<OccurrenceQuery, 'municipality' | 'body' | 'collaboration' | 'eventTypes'>, bs: Map<number, typeof bodies.$inferSelect>): RuleRow[] {
    const all = rulesRepo.list({ eventTypes: q.eventTypes })
    const calendarKinds = (r: RuleRow): readonly BodyKind[] => r.calendarBodyKinds ?? catalogue.eventTypes.get(r.eventType)?.calendarBodyKinds ?? []
    if (q.body !== undefined) {
      const body = bs.get(q.body)
      if (!body) return []
      return all.filter(r => r.responsibleBodyId === body.id || r.treatedByBodyId === body.id || (
        r.eventType !== 'mote' && !r.subjectKey.includes(':m:') &&
        (body.municipalityId !== null ? r.municipalityId === body.municipalityId : r.collaborationId === body.collaborationId) &&
        calendarKinds(r).includes(body.kind)))
    }
    if (q.collaboration !== undefined) return all.filter(r => r.collaborationId === q.collaboration)
    if (q.municipality !== undefined) {
      const m = q.municipality
      const involved = new Set(db.select({ id: participations.collaborationId }).from(participations).where(eq(participations.municipalityId, m)).all().map(p => p.id))
      for (const c of db.select({ id: collaborations.id }).from(collaborations).where(eq(collaborations.hostMunicipalityId, m)).all()) involved.add(c.id)
      return all.filter(r => r.municipalityId === m || (r.responsibleBodyId !== null && bs.get(r.responsibleBodyId)?.municipalityId === m) ||
        (r.collaborationId !== null && involved.has(r.collaborationId) && !r.subjectKey.includes(':m:')))
    }
    return all
  }

  function describeBody (id: number | null, bs: Map<number, typeof bodies.$inferSelect>) {
    const b = id === null ? undefined : bs.get(id)
    return b && !b.deleted ? { id: b.id, slug: b.slug, name: b.name, kind: b.kind } : null
  }

  const repo = {
    async states (ruleIds: number[], ex: Executor = db): Promise<StateRow[]> {
      const out: StateRow[] = []
      for (let i = 0; i < ruleIds.length; i += 500) {
        out.push(...ex.select().from(occurrenceStates).where(inArray(occurrenceStates.ruleId, ruleIds.slice(i, i + 500))).all())
      }
      return out
    },
    async findState (ruleId: number, originalKey: string, ex: Executor = db): Promise<StateRow | undefined> {
      return ex.select().from(occurrenceStates).where(and(eq(occurrenceStates.ruleId, ruleId), eq(occurrenceStates.originalKey, originalKey))).get()
    },
    async insertState (values: StateInsert, ex: Executor = db): Promise<StateRow> {
      return ex.insert(occurrenceStates).values(values).returning().get()
    },
    async updateState (ruleId: number, originalKey: string, values: Partial<StateInsert>, ex: Executor = db): Promise<StateRow> {
      return ex.update(occurrenceStates).set(values).where(and(eq(occurrenceStates.ruleId, ruleId), eq(occurrenceStates.originalKey, originalKey))).returning().get()!
    },
    /** Copies stored states to another rule for the keys given (existing states of the target are kept). */
    async copyStates (fromRuleIds: number[], toRuleId: number, keys: ReadonlySet<string>, ex: Executor = db): Promise<number> {
      if (fromRuleIds.length === 0) return 0
      let copied = 0
      for (const s of ex.select().from(occurrenceStates).where(inArray(occurrenceStates.ruleId, fromRuleIds)).all()) {
        if (!keys.has(s.originalKey)) continue
        ex.insert(occurrenceStates).values({ ...s, ruleId: toRuleId }).onConflictDoNothing().run()
        copied++
      }
      return copied
    },
    async constitutions (ex: Executor = db): Promise<ConstitutionRow[]> {
      return ex.select().from(constitutions).all()
    },
    async lookups (ex: Executor = db): Promise<LookupRows> {
      return {
        municipalities: new Map(ex.select().from(municipalities).all().map(m => [m.id, m])),
        collaborations: new Map(ex.select().from(collaborations).all().map(c => [c.id, c])),
        bodies: new Map(ex.select().from(bodies).all().map(b => [b.id, b])),
      }
    },
    /** The collaborations a municipality takes part in or hosts. */
    async collaborationIdsOf (municipalityId: number, ex: Executor = db): Promise<number[]> {
      const ids = new Set(ex.select({ id: participations.collaborationId }).from(participations).where(eq(participations.municipalityId, municipalityId)).all().map(p => p.id))
      for (const c of ex.select({ id: collaborations.id }).from(collaborations).where(eq(collaborations.hostMunicipalityId, municipalityId)).all()) ids.add(c.id)
      return [...ids]
    },

    /** @deprecated use services.occurrences.list */
    query (q: OccurrenceQuery) {
      const { ms, cs, bs } = lookups()
      const selected = selectRules(q, bs)
      const constitutionBy = constitutionDatesBy()
      const expandFor = (rs: RuleRow[], window: { from: string; to: string }, states: Map<string, StoredState>) => {
        const out: Array<{ occ: ExpandedOccurrence; rule: RuleRow }> = []
        for (const r of rs) {
          const dates = r.municipalityId !== null ? constitutionBy.get(r.municipalityId) ?? {} : {}
          for (const occ of buildOccurrences([toExpandable(r)], states, window, dates)) out.push({ occ, rule: r })
        }
        return out
      }
      const states = statesFor(selected.map(r => r.id))
      const expanded = expandFor(selected, q, states).sort((a, b) => compareOccurrences(a.occ, b.occ))

      // Where each deadline is treated: the treating body's last meeting on or before the due date.
      const treatingBodies = [...new Set(selected.map(r => r.treatedByBodyId).filter((id): id is number => id !== null))]
      const meetingRules = rulesRepo.meetingRules(treatingBodies)
      const meetingStates = statesFor(meetingRules.map(r => r.id))
      const meetingsByBody = new Map<number, MeetingRef[]>()
      for (const { occ, rule } of expandFor(meetingRules, { from: addDays(q.from, -366), to: q.to }, meetingStates)) {
        if (occ.status === 'cancelled') continue
        const list = meetingsByBody.get(rule.responsibleBodyId!) ?? []
        list.push({ id: occ.id, date: occ.date, localStart: occ.localStart })
        meetingsByBody.set(rule.responsibleBodyId!, list)
      }

      const items = expanded.map(({ occ, rule }) => {
        const type = catalogue.eventTypes.get(rule.eventType) as EventType | undefined
        const kind = type?.kind ?? 'deadline'
        const state = states.get(occ.id)
        const late = lateness(occ, kind, q.asOf)
        const warnings: Array<{ code: string; message: string }> = []
        let meeting: MeetingRef | null = null
        if (rule.treatedByBodyId !== null && kind !== 'meeting') {
          meeting = treatingMeeting(occ.date, meetingsByBody.get(rule.treatedByBodyId) ?? [])
          if (!meeting) warnings.push({ code: 'no_treating_meeting', message: `${bs.get(rule.treatedByBodyId)?.name ?? 'Organet'} har ikke noe møte innen fristen ${occ.date}` })
        }
        const flags = calendarFlags(occ.date)
        if (flags.nonWorkingDay) warnings.push({ code: 'non_working_day', message: `${occ.date} er ${flags.holiday ?? 'helg'}; fristen står som lovens dato` })
        if (rule.responsibleBodyId === null && kind !== 'meeting') warnings.push({ code: 'no_responsible_body', message: 'Ingen ansvarlig organ er knyttet til regelen' })
        const municipality = rule.municipalityId !== null ? ms.get(rule.municipalityId) : undefined
        const collaboration = rule.collaborationId !== null ? cs.get(rule.collaborationId) : undefined
        const subject = municipality
          ? { type: 'municipality' as const, slug: municipality.slug, name: municipality.name }
          : { type: 'collaboration' as const, slug: collaboration!.slug, name: collaboration!.name }
        const effectiveStatus = late.overdue ? 'overdue' : occ.status
        return {
          ...occ, eventType: rule.eventType, kind, category: type?.category ?? 'political',
          title: rule.title ?? type?.name.nb ?? rule.eventType, subject,
          responsibleBody: describeBody(rule.responsibleBodyId, bs), treatedBy: describeBody(rule.treatedByBodyId, bs),
          treatingMeeting: meeting, flags, warnings, overdue: late.overdue, daysOverdue: late.daysOverdue, effectiveStatus,
          legalBasis: type?.legalBasis ?? [], basis: type?.basis ?? null, unverified: type?.unverified ?? null,
          requiresDocument: type?.requiresDocument ?? false, requiresApproval: type?.requiresApproval ?? false,
          reminderOffsetsDays: rule.reminderOffsetsDays ?? type?.reminderOffsetsDays ?? [],
          caseNumber: state?.caseNumber ?? null, caseUrl: state?.caseUrl ?? null, note: state?.note ?? null,
          deliveredOn: state?.deliveredOn ?? null, approvedOn: state?.approvedOn ?? null, cancelledAt: state?.cancelledAt ?? null,
          daysLate: daysLate(occ.date, state?.deliveredOn ?? state?.approvedOn ?? null),
          modified: state?.modified ?? rule.modified, origin: rule.origin,
        }
      })
      return q.statuses?.length ? items.filter(o => q.statuses!.includes(o.effectiveStatus as OccurrenceStatus | 'overdue') || q.statuses!.includes(o.status)) : items
    },

    /** The rules whose occurrences are in a municipality's, a body's or a collaboration's calendar: what query() would select. */
    ruleIdsInScope (scope: Pick<OccurrenceQuery, 'municipality' | 'body' | 'collaboration'>): Set<number> {
      return new Set(selectRules(scope, lookups().bs).map(r => r.id))
    },

    getState (ruleId: number, originalKey: string): StateRow | undefined {
      return db.select().from(occurrenceStates).where(and(eq(occurrenceStates.ruleId, ruleId), eq(occurrenceStates.originalKey, originalKey))).get()
    },

    /** SEQUENCE semantics: the revision goes up whenever the date, time or status changes. */
    patch (ruleId: number, originalKey: string, patch: StatePatch, actor: AuditActor): StateRow {
      const now = clock.now().getTime()
      return db.transaction(tx => {
        const before = tx.select().from(occurrenceStates).where(and(eq(occurrenceStates.ruleId, ruleId), eq(occurrenceStates.originalKey, originalKey))).get()
        const current = before ?? { status: 'planned' as OccurrenceStatus, movedTo: null, revision: 0 }
        const material = (patch.status !== undefined && patch.status !== current.status) ||
          (patch.movedTo !== undefined && (patch.movedTo ?? null) !== (current.movedTo ?? null))
        const values = {
          ...patch,
          ...(patch.movedTo === originalKey ? { movedTo: null } : {}),
          ...(patch.status === 'cancelled' && current.status !== 'cancelled' ? { cancelledAt: now } : {}),
          ...(patch.status !== undefined && patch.status !== 'cancelled' ? { cancelledAt: null } : {}),
          revision: current.revision + (material ? 1 : 0), modified: now,
        }
        const after = before
          ? tx.update(occurrenceStates).set(values).where(and(eq(occurrenceStates.ruleId, ruleId), eq(occurrenceStates.originalKey, originalKey))).returning().get()
          : tx.insert(occurrenceStates).values({ ruleId, originalKey, ...values, created: now }).returning().get()
        recordAudit(tx, now, actor, { action: 'update', entityType: 'occurrence', entityId: occurrenceId(ruleId, originalKey), before: before ?? null, after })
        return after
      })
    },

    /** Copies stored state to a new rule for the keys that still exist (an adopted møteplan replacing the default). */
    carryOverStates (fromRuleIds: number[], toRuleId: number, keys: ReadonlySet<string>): number {
      if (fromRuleIds.length === 0) return 0
      let copied = 0
      for (const s of db.select().from(occurrenceStates).where(inArray(occurrenceStates.ruleId, fromRuleIds)).all()) {
        if (!keys.has(s.originalKey)) continue
        db.insert(occurrenceStates).values({ ...s, ruleId: toRuleId }).onConflictDoNothing().run()
        copied++
      }
      return copied
    },
  }
  return repo
}
export type OccurrencesRepository = ReturnType<typeof createOccurrencesRepository>
