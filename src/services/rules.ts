// Rules: the schedules occurrences are expanded from. Schedule handling (RRULE/DTSTART, date lists,
// valgperiode anchors), lookups by slug, who may see and change a rule, and the audit trail.
import type { Catalogue } from '../catalogue/load.js'
import type { Executor, Transactor } from '../db/executor.js'
import { RecurrenceError, validateRecurrence } from '../domain/recurrence.js'
import type { ValgperiodeAnchor } from '../domain/valgperiode.js'
import type { AuditActor, AuditRepository } from '../repositories/audit.js'
import type { LookupRows, OccurrencesRepository } from '../repositories/occurrences.js'
import type { RuleInsert, RuleRow, RulesRepository } from '../repositories/rules.js'
import type { Clock } from '../shared/clock.js'
import { invalid, missing } from '../shared/errors.js'
import { auditActor, type AccessService, type Actor, type Viewer, type Visibility } from './access.js'

/** What a client sends to create a rule (slugs for the subject and bodies). */
export interface RuleInput {
  eventType: string
  municipality?: string
  collaboration?: string
  responsibleBody?: string | null
  treatedByBody?: string | null
  title?: string | null
  dtstart?: string
  rrule?: string | null
  rdates?: string[]
  exdates?: string[]
  anchor?: ValgperiodeAnchor
  durationMinutes?: number
  reminderOffsetsDays?: number[] | null
  enabled?: boolean
  note?: string | null
}
export type RuleChange = Partial<Omit<RuleInput, 'eventType' | 'municipality' | 'collaboration'>>

export interface RuleListFilter {
  municipality?: string
  collaboration?: string
  body?: string
  eventTypes?: string[]
  includeDisabled?: boolean
  /** Epoch ms: rules changed since, deleted ones as tombstones. */
  modifiedSince?: number
  limit: number
  offset: number
}

/** A rule with the names it refers to resolved (what the API presents). */
export interface RuleView {
  rule: RuleRow
  subject: { type: 'municipality' | 'collaboration'; slug: string; name: string }
  responsibleBody: string | null
  treatedByBody: string | null
}

export interface RulesServiceDeps {
  rules: RulesRepository
  occurrences: OccurrencesRepository
  audit: AuditRepository
  access: AccessService
  clock: Clock
  catalogue: Catalogue
  transactor: Transactor
}

const SCHEDULE_FIELDS = ['dtstart', 'rrule', 'rdates', 'exdates', 'anchor'] as const

/** Checks the schedule as a whole: a valgperiode anchor, or a DTSTART with optional RRULE/RDATE/EXDATE. */
export function scheduleOf (input: RuleChange, current?: RuleRow): Partial<RuleInsert> {
  const touched = SCHEDULE_FIELDS.some(k => k in input)
  if (current && !touched) return {}
  if (input.anchor !== undefined) {
    if (input.dtstart !== undefined || input.rrule != null) throw invalid('rules.schedule', 'anchor', 'give either anchor (valgperiode) or dtstart/rrule, not both')
    return { scheduleType: 'valgperiode', anchor: input.anchor, dtstart: null, rrule: null, rdates: [], exdates: [], allDay: true }
  }
  const dtstart = input.dtstart ?? (current?.scheduleType === 'valgperiode' ? undefined : current?.dtstart ?? undefined)
  if (!dtstart) throw invalid('rules.schedule', 'dtstart', 'is required (or give a valgperiode anchor)')
  try {
    const parsed = validateRecurrence({
      dtstart,
      rrule: input.rrule === undefined ? current?.rrule ?? null : input.rrule,
      rdates: input.rdates ?? current?.rdates ?? [],
      exdates: input.exdates ?? current?.exdates ?? [],
    })
    return {
      scheduleType: parsed.rrule ? 'rrule' : 'dates',
      anchor: null,
      dtstart,
      rrule: parsed.rrule?.text ?? null,
      rdates: [...parsed.rdates],
      exdates: [...parsed.exdates],
      allDay: parsed.dtstart.allDay,
      ...(parsed.dtstart.allDay ? {} : { timeZone: parsed.dtstart.timeZone }),
    }
  } catch (err) {
    if (err instanceof RecurrenceError) throw invalid(`rules.${err.code}`, err.field === 'window' || err.field === 'spec' ? 'dtstart' : err.field, err.message)
    throw err
  }
}

export function createRulesService (deps: RulesServiceDeps) {
  const { rules: repo, occurrences, audit, access, clock, catalogue, transactor } = deps

  const liveBySlug = <T extends { slug: string; deleted: boolean }>(rows: Map<number, T>, slug: string): T | undefined =>
    [...rows.values()].find(r => r.slug === slug && !r.deleted)

  function view (r: RuleRow, l: LookupRows): RuleView {
    const m = r.municipalityId !== null ? l.municipalities.get(r.municipalityId) : undefined
    const c = r.collaborationId !== null ? l.collaborations.get(r.collaborationId) : undefined
    const slugOf = (id: number | null) => (id === null ? null : l.bodies.get(id)?.slug ?? null)
    return {
      rule: r,
      subject: m ? { type: 'municipality', slug: m.slug, name: m.name } : { type: 'collaboration', slug: c?.slug ?? '', name: c?.name ?? '' },
      responsibleBody: slugOf(r.responsibleBodyId),
      treatedByBody: slugOf(r.treatedByBodyId),
    }
  }

  /** A body named by slug in a write: a live body, or 400 naming the field. */
  function bodyId (slug: string | null | undefined, field: string, l: LookupRows): number | null | undefined {
    if (slug === undefined || slug === null) return slug
    const b = liveBySlug(l.bodies, slug)
    if (!b) throw invalid('rules.unknown_body', field, `unknown body "${slug}"`)
    return b.id
  }

  const visible = (r: RuleRow, v: Visibility) => v.canSee({ responsibleBodyId: r.responsibleBodyId, treatedByBodyId: r.treatedByBodyId })

  /** Everything a rule names: the actor must be allowed to change all of it. */
  const targetsOf = (...rs: Array<Pick<RuleRow, 'municipalityId' | 'collaborationId' | 'responsibleBodyId' | 'treatedByBodyId'>>) => ({
    municipalityIds: rs.map(r => r.municipalityId),
    collaborationIds: rs.map(r => r.collaborationId),
    bodyIds: rs.flatMap(r => [r.responsibleBodyId, r.treatedByBodyId]),
  })

  async function live (id: number, ex?: Executor): Promise<RuleRow> {
    const row = await repo.find(id, ex)
    if (!row || row.deleted) throw missing('rule', id, 'id')
    return row
  }

  const service = {
    /** Rules of a subject or body, without a private body's rules the viewer may not see; tombstones only under modifiedSince. */
    async list (f: RuleListFilter, viewer: Viewer): Promise<{ items: RuleView[]; total: number }> {
      const l = await occurrences.lookups()
      const ref = <T extends { slug: string; deleted: boolean; id: number }>(rows: Map<number, T>, slug: string | undefined, what: string) => {
        if (slug === undefined) return undefined
        const row = liveBySlug(rows, slug)
        if (!row) throw missing(what, slug, what)
        return row.id
      }
      const m = ref(l.municipalities, f.municipality, 'municipality')
      const c = ref(l.collaborations, f.collaboration, 'collaboration')
      const b = ref(l.bodies, f.body, 'body')
      const unknownType = f.eventTypes?.find(t => !catalogue.eventTypes.has(t))
      if (unknownType) throw invalid('rules.unknown_event_type', 'eventType', `unknown event type "${unknownType}"`)
      const visibility = await access.visibility(viewer)
      const all = (await repo.list({
        municipalityIds: m !== undefined ? [m] : undefined,
        collaborationIds: c !== undefined ? [c] : undefined,
        bodyId: b,
        eventTypes: f.eventTypes,
        includeDisabled: f.includeDisabled,
        modifiedSince: f.modifiedSince,
      })).filter(r => visible(r, visibility))
      return { items: all.slice(f.offset, f.offset + f.limit).map(r => view(r, l)), total: all.length }
    },

    async get (id: number, viewer: Viewer): Promise<RuleView> {
      const row = await live(id)
      if (!visible(row, await access.visibility(viewer))) throw missing('rule', id, 'id')
      return view(row, await occurrences.lookups())
    },

    /** 403 unless the actor may change the subject and every body the rule names. */
    async create (input: RuleInput, actor: Actor | null): Promise<RuleView> {
      access.requireActor(actor)
      const type = catalogue.eventTypes.get(input.eventType)
      if (!type) throw invalid('rules.unknown_event_type', 'eventType', `unknown event type "${input.eventType}"`)
      if ((input.municipality === undefined) === (input.collaboration === undefined)) {
        throw invalid('rules.subject', 'municipality', 'a rule belongs to exactly one municipality or one collaboration: give one of municipality, collaboration')
      }
      const l = await occurrences.lookups()
      const m = input.municipality !== undefined ? liveBySlug(l.municipalities, input.municipality) : undefined
      const c = input.collaboration !== undefined ? liveBySlug(l.collaborations, input.collaboration) : undefined
      if (input.municipality !== undefined && !m) throw invalid('rules.unknown_municipality', 'municipality', `unknown municipality "${input.municipality}"`)
      if (input.collaboration !== undefined && !c) throw invalid('rules.unknown_collaboration', 'collaboration', `unknown collaboration "${input.collaboration}"`)
      const named = {
        municipalityId: m?.id ?? null,
        collaborationId: c?.id ?? null,
        responsibleBodyId: bodyId(input.responsibleBody, 'responsibleBody', l) ?? null,
        treatedByBodyId: bodyId(input.treatedByBody, 'treatedByBody', l) ?? null,
      }
      const a = await access.assertMayChange(actor, targetsOf(named))
      const sched = scheduleOf(input)
      const row = await service.createRow({
        eventType: type.key,
        ...named,
        subjectKey: m ? `m:${m.id}` : `c:${c!.id}`,
        title: input.title ?? null,
        ...sched,
        scheduleType: sched.scheduleType!,
        allDay: sched.allDay!,
        durationMinutes: sched.allDay ? null : input.durationMinutes ?? (type.timing.allDay ? 120 : type.timing.durationMinutes),
        reminderOffsetsDays: input.reminderOffsetsDays ?? null,
        enabled: input.enabled ?? true,
        note: input.note ?? null,
        origin: 'manual',
      }, auditActor(a))
      return view(row, l)
    },

    /** Any change to a package rule is an override for this subject: re-applying the package leaves it alone. */
    async update (id: number, input: RuleChange, actor: Actor | null): Promise<RuleView> {
      access.requireActor(actor)
      const current = await live(id)
      const l = await occurrences.lookups()
      const responsibleBodyId = input.responsibleBody !== undefined ? bodyId(input.responsibleBody, 'responsibleBody', l) ?? null : current.responsibleBodyId
      const treatedByBodyId = input.treatedByBody !== undefined ? bodyId(input.treatedByBody, 'treatedByBody', l) ?? null : current.treatedByBodyId
      const a = await access.assertMayChange(actor, targetsOf(current, { ...current, responsibleBodyId, treatedByBodyId }))
      const patch: Partial<RuleInsert> = {
        ...scheduleOf(input, current),
        ...(input.responsibleBody !== undefined ? { responsibleBodyId } : {}),
        ...(input.treatedByBody !== undefined ? { treatedByBodyId } : {}),
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.durationMinutes !== undefined ? { durationMinutes: input.durationMinutes } : {}),
        ...(input.reminderOffsetsDays !== undefined ? { reminderOffsetsDays: input.reminderOffsetsDays } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(input.note !== undefined ? { note: input.note } : {}),
      }
      return view(await service.updateRow(id, patch, auditActor(a)), l)
    },

    async remove (id: number, actor: Actor | null): Promise<void> {
      access.requireActor(actor)
      const current = await live(id)
      const a = await access.assertMayChange(actor, targetsOf(current))
      await service.removeRow(id, auditActor(a))
    },

    // ── audited writes without access checks, for services that keep rules as a consequence of their own work
    //    (møteplan adoption, kontroll milestones). In the caller's transaction, or their own. ──

    async createRow (values: RuleInsert, actor: AuditActor, ex?: Executor): Promise<RuleRow> {
      const work = async (tx: Executor) => {
        const row = await repo.insert(values, tx)
        await audit.record(clock.now().getTime(), actor, { action: 'create', entityType: 'rule', entityId: row.id, after: row }, tx)
        return row
      }
      return ex ? work(ex) : transactor.transaction(work)
    },

    /** Marks a package rule overridden. Missing (or deleted) rule: 404. */
    async updateRow (id: number, patch: Partial<RuleInsert>, actor: AuditActor, ex?: Executor): Promise<RuleRow> {
      const work = async (tx: Executor) => {
        const before = await repo.find(id, tx)
        if (!before || before.deleted) throw missing('rule', id, 'id')
        const after = (await repo.update(id, { ...patch, overridden: before.origin === 'package' ? true : before.overridden }, tx))!
        await audit.record(clock.now().getTime(), actor, { action: 'update', entityType: 'rule', entityId: id, before, after }, tx)
        return after
      }
      return ex ? work(ex) : transactor.transaction(work)
    },

    async removeRow (id: number, actor: AuditActor, ex?: Executor): Promise<void> {
      const work = async (tx: Executor) => {
        const before = await repo.find(id, tx)
        if (!before || before.deleted) throw missing('rule', id, 'id')
        await repo.softDelete(id, tx)
        await audit.record(clock.now().getTime(), actor, { action: 'delete', entityType: 'rule', entityId: id, before }, tx)
      }
      return ex ? work(ex) : transactor.transaction(work)
    },
  }
  return service
}
export type RulesService = ReturnType<typeof createRulesService>
