// Occurrences: the read model "an occurrence as a user sees it" (expanded from the rules, with stored
// state, lateness, the treating meeting and warnings) and the changes a user makes to one occurrence.
// Every page, feed, report, reminder and the API read occurrences here.
import type { Catalogue } from '../catalogue/load.js'
import type { EventType } from '../catalogue/schema.js'
import type { Transactor, Executor } from '../db/executor.js'
import { addDays, addYears, compareDates } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import {
  buildOccurrences, calendarFlags, compareOccurrences, daysLate, expandRule, lateness, occurrenceId, parseOccurrenceId, treatingMeeting, validMoveTarget,
  type CalendarFlags, type ExpandableRule, type ExpandedOccurrence, type MeetingRef, type StoredState,
} from '../domain/occurrences.js'
import { MAX_WINDOW_YEARS } from '../domain/recurrence.js'
import type { ConstitutionDates, ValgperiodeAnchor } from '../domain/valgperiode.js'
import { OCCURRENCE_STATUSES, type BodyKind, type OccurrenceStatus } from '../domain/vocabulary.js'
import type { AuditRepository } from '../repositories/audit.js'
import type { LookupRows, OccurrencesRepository, StatePatch, StateRow } from '../repositories/occurrences.js'
import type { RuleRow, RulesRepository } from '../repositories/rules.js'
import type { Clock } from '../shared/clock.js'
import { invalid, missing } from '../shared/errors.js'
import { auditActor, viewerOf, type AccessService, type Actor, type Viewer, type Visibility } from './access.js'

const ZONE = 'Europe/Oslo'
/** The widest window one query may ask for: what the recurrence engine expands in one go. */
export { MAX_WINDOW_YEARS }
export const STATUS_FILTERS = [...OCCURRENCE_STATUSES, 'overdue'] as const
export type StatusFilter = typeof STATUS_FILTERS[number]

/** A municipality, collaboration or body: its id, or its slug. */
export type SubjectRef = number | string

export interface OccurrenceListQuery {
  from: string
  to: string
  /** The day lateness is judged on; today (Europe/Oslo) when not given. */
  asOf?: string
  municipality?: SubjectRef
  body?: SubjectRef
  collaboration?: SubjectRef
  eventTypes?: string[]
  statuses?: StatusFilter[]
}

export interface OccurrencePageQuery extends OccurrenceListQuery {
  limit: number
  offset: number
  /** Epoch ms: only items whose state or rule changed since, plus tombstones of rules deleted or switched off since. */
  modifiedSince?: number
}

export interface OccurrenceBodyRef { id: number; slug: string; name: string; kind: BodyKind }

/** An occurrence as a user sees it (the internal read model; `presentOccurrence` in schemas/occurrence.ts is its JSON). */
export interface OccurrenceItem extends ExpandedOccurrence {
  eventType: string
  kind: EventType['kind']
  category: EventType['category']
  title: string
  subject: { type: 'municipality' | 'collaboration'; slug: string; name: string }
  responsibleBody: OccurrenceBodyRef | null
  treatedBy: OccurrenceBodyRef | null
  treatingMeeting: MeetingRef | null
  flags: CalendarFlags
  warnings: Array<{ code: string; message: string }>
  overdue: boolean
  daysOverdue: number
  effectiveStatus: OccurrenceStatus | 'overdue'
  legalBasis: EventType['legalBasis']
  basis: EventType['basis'] | null
  unverified: string | null
  requiresDocument: boolean
  requiresApproval: boolean
  reminderOffsetsDays: number[]
  caseNumber: string | null
  caseUrl: string | null
  note: string | null
  deliveredOn: string | null
  approvedOn: string | null
  /** Epoch ms. */
  cancelledAt: number | null
  daysLate: number | null
  /** Epoch ms: the later of the rule's and the stored state's last change. */
  modified: number
  origin: RuleRow['origin']
}

/** An occurrence of a rule deleted or switched off since `modifiedSince`. */
export interface OccurrenceTombstoneItem { id: string; deleted: true; modified: number }

export type OccurrenceChange = StatePatch

/** The ids of the calendar a query or scope names (resolved from slugs). */
export interface ResolvedScope { municipality?: number; body?: number; collaboration?: number }

/**
 * buildOccurrences pads its window by a year on each side (to find moved occurrences), so a ten-year
 * window would exceed what the engine expands at once. Expanding in parts of five years keeps every
 * window the API promises expandable (STYLE.md trap 11); each occurrence lands in exactly one part.
 */
const CHUNK_YEARS = 5
function chunks (w: { from: string; to: string }): Array<{ from: string; to: string }> {
  const out: Array<{ from: string; to: string }> = []
  for (let from = w.from; compareDates(from, w.to) <= 0; from = addYears(from, CHUNK_YEARS)) {
    const end = addDays(addYears(from, CHUNK_YEARS), -1)
    out.push({ from, to: compareDates(end, w.to) < 0 ? end : w.to })
  }
  return out
}

const toExpandable = (r: RuleRow): ExpandableRule => ({
  id: r.id,
  scheduleType: r.scheduleType,
  allDay: r.allDay,
  dtstart: r.dtstart,
  rrule: r.rrule,
  rdates: r.rdates,
  exdates: r.exdates,
  anchor: r.anchor as ValgperiodeAnchor | null,
  timeZone: r.timeZone,
  durationMinutes: r.durationMinutes,
})

export interface OccurrencesServiceDeps {
  occurrences: OccurrencesRepository
  rules: RulesRepository
  audit: AuditRepository
  access: AccessService
  clock: Clock
  catalogue: Catalogue
  transactor: Transactor
}

/**
 * A listing window: local calendar dates, both ends inclusive, at most MAX_WINDOW_YEARS long (the one
 * home of the limit that the occurrence API and the feeds promise). Throws `invalid` naming `to`,
 * with codes `<prefix>.window` and `<prefix>.window_too_large`.
 */
export function assertWindow (from: string, to: string, prefix: string): void {
  if (compareDates(from, to) > 0) throw invalid(`${prefix}.window`, 'to', 'must be on or after from')
  if (compareDates(to, addDays(addYears(from, MAX_WINDOW_YEARS), -1)) > 0) {
    throw invalid(`${prefix}.window_too_large`, 'to', `the window may span at most ${MAX_WINDOW_YEARS} years`)
  }
}

export function createOccurrencesService (deps: OccurrencesServiceDeps) {
  const { occurrences: repo, rules: rulesRepo, audit, access, clock, catalogue, transactor } = deps
  const today = () => localDateOf(clock.now(), ZONE)

  function byRef<T extends { id: number; slug: string; deleted: boolean }> (rows: Map<number, T>, ref: SubjectRef): T | undefined {
    const id = typeof ref === 'number' ? ref : /^\d+$/.test(ref) ? Number(ref) : undefined
    for (const row of rows.values()) {
      if (id !== undefined ? row.id === id : row.slug === ref) return row.deleted ? undefined : row
    }
    return undefined
  }

  function resolve (q: { municipality?: SubjectRef; body?: SubjectRef; collaboration?: SubjectRef }, l: LookupRows): ResolvedScope {
    const out: ResolvedScope = {}
    if (q.municipality !== undefined) out.municipality = (byRef(l.municipalities, q.municipality) ?? fail('municipality', q.municipality)).id
    if (q.body !== undefined) out.body = (byRef(l.bodies, q.body) ?? fail('body', q.body)).id
    if (q.collaboration !== undefined) out.collaboration = (byRef(l.collaborations, q.collaboration) ?? fail('collaboration', q.collaboration)).id
    return out
  }
  const fail = (what: string, ref: SubjectRef): never => { throw missing(what, ref, what) }

  function validate (q: OccurrenceListQuery): void {
    assertWindow(q.from, q.to, 'occurrences')
    const bad = q.statuses?.find(s => !(STATUS_FILTERS as readonly string[]).includes(s))
    if (bad) throw invalid('occurrences.status', 'status', `unknown status "${bad}"; use ${STATUS_FILTERS.join(', ')}`)
    const unknownType = q.eventTypes?.find(t => !catalogue.eventTypes.has(t))
    if (unknownType) throw invalid('occurrences.event_type', 'eventType', `unknown event type "${unknownType}"`)
  }

  const calendarKinds = (r: RuleRow): readonly BodyKind[] => r.calendarBodyKinds ?? catalogue.eventTypes.get(r.eventType)?.calendarBodyKinds ?? []

  /** The rules whose occurrences belong to a municipality's, a body's or a collaboration's calendar. */
  async function selectRules (scope: ResolvedScope, all: RuleRow[], l: LookupRows, ex?: Executor): Promise<RuleRow[]> {
    if (scope.body !== undefined) {
      const body = l.bodies.get(scope.body)
      if (!body) return []
      return all.filter(r => r.responsibleBodyId === body.id || r.treatedByBodyId === body.id || (
        r.eventType !== 'mote' && !r.subjectKey.includes(':m:') &&
        (body.municipalityId !== null ? r.municipalityId === body.municipalityId : r.collaborationId === body.collaborationId) &&
        calendarKinds(r).includes(body.kind)))
    }
    if (scope.collaboration !== undefined) return all.filter(r => r.collaborationId === scope.collaboration)
    if (scope.municipality !== undefined) {
      const m = scope.municipality
      const involved = new Set(await repo.collaborationIdsOf(m, ex))
      return all.filter(r => r.municipalityId === m || (r.responsibleBodyId !== null && l.bodies.get(r.responsibleBodyId)?.municipalityId === m) ||
        (r.collaborationId !== null && involved.has(r.collaborationId) && !r.subjectKey.includes(':m:')))
    }
    return all
  }

  async function statesOf (ruleIds: number[], ex?: Executor): Promise<Map<string, StateRow>> {
    const map = new Map<string, StateRow>()
    for (const s of await repo.states(ruleIds, ex)) map.set(occurrenceId(s.ruleId, s.originalKey), s)
    return map
  }

  async function constitutionDatesBy (ex?: Executor): Promise<Map<number, ConstitutionDates>> {
    const map = new Map<number, Record<number, string>>()
    for (const c of await repo.constitutions(ex)) {
      const m = map.get(c.municipalityId) ?? {}
      m[c.electionYear] = c.date
      map.set(c.municipalityId, m)
    }
    return map
  }

  function describeBody (id: number | null, l: LookupRows): OccurrenceBodyRef | null {
    const b = id === null ? undefined : l.bodies.get(id)
    return b && !b.deleted ? { id: b.id, slug: b.slug, name: b.name, kind: b.kind } : null
  }

  /** Expands the rules over the window and builds the read model (sorted by date). */
  async function assemble (selected: RuleRow[], window: { from: string; to: string }, asOf: string, l: LookupRows, ex?: Executor): Promise<OccurrenceItem[]> {
    const constitutionBy = await constitutionDatesBy(ex)
    const expandFor = (rs: RuleRow[], w: { from: string; to: string }, states: Map<string, StoredState>) => {
      const out: Array<{ occ: ExpandedOccurrence; rule: RuleRow }> = []
      for (const r of rs) {
        const dates = r.municipalityId !== null ? constitutionBy.get(r.municipalityId) ?? {} : {}
        for (const part of chunks(w)) {
          for (const occ of buildOccurrences([toExpandable(r)], states, part, dates)) out.push({ occ, rule: r })
        }
      }
      return out
    }
    const states = await statesOf(selected.map(r => r.id), ex)
    const expanded = expandFor(selected, window, states).sort((a, b) => compareOccurrences(a.occ, b.occ))

    // Where each deadline is treated: the treating body's last meeting on or before the due date.
    const treatingBodies = [...new Set(selected.map(r => r.treatedByBodyId).filter((id): id is number => id !== null))]
    const meetingRules = await rulesRepo.meetingRules(treatingBodies, ex)
    const meetingStates = await statesOf(meetingRules.map(r => r.id), ex)
    const meetingsByBody = new Map<number, MeetingRef[]>()
    // The lookback year is expanded on its own: the window plus a year would exceed what the engine expands at once.
    const meetings = [
      ...expandFor(meetingRules, { from: addDays(window.from, -366), to: addDays(window.from, -1) }, meetingStates),
      ...expandFor(meetingRules, window, meetingStates),
    ].sort((a, b) => compareOccurrences(a.occ, b.occ))
    const seen = new Set<string>()
    for (const { occ, rule } of meetings) {
      if (seen.has(occ.id)) continue
      seen.add(occ.id)
      if (occ.status === 'cancelled') continue
      const list = meetingsByBody.get(rule.responsibleBodyId!) ?? []
      list.push({ id: occ.id, date: occ.date, localStart: occ.localStart })
      meetingsByBody.set(rule.responsibleBodyId!, list)
    }

    return expanded.map(({ occ, rule }): OccurrenceItem => {
      const type = catalogue.eventTypes.get(rule.eventType)
      const kind = type?.kind ?? 'deadline'
      const state = states.get(occ.id)
      const late = lateness(occ, kind, asOf)
      const warnings: Array<{ code: string; message: string }> = []
      let meeting: MeetingRef | null = null
      if (rule.treatedByBodyId !== null && kind !== 'meeting') {
        meeting = treatingMeeting(occ.date, meetingsByBody.get(rule.treatedByBodyId) ?? [])
        if (!meeting) warnings.push({ code: 'no_treating_meeting', message: `${l.bodies.get(rule.treatedByBodyId)?.name ?? 'Organet'} har ikke noe møte innen fristen ${occ.date}` })
      }
      const flags = calendarFlags(occ.date)
      if (flags.nonWorkingDay) warnings.push({ code: 'non_working_day', message: `${occ.date} er ${flags.holiday ?? 'helg'}; fristen står som lovens dato` })
      if (rule.responsibleBodyId === null && kind !== 'meeting') warnings.push({ code: 'no_responsible_body', message: 'Ingen ansvarlig organ er knyttet til regelen' })
      const municipality = rule.municipalityId !== null ? l.municipalities.get(rule.municipalityId) : undefined
      const collaboration = rule.collaborationId !== null ? l.collaborations.get(rule.collaborationId) : undefined
      const subject = municipality
        ? { type: 'municipality' as const, slug: municipality.slug, name: municipality.name }
        : { type: 'collaboration' as const, slug: collaboration!.slug, name: collaboration!.name }
      return {
        ...occ,
        eventType: rule.eventType,
        kind,
        category: type?.category ?? 'political',
        title: rule.title ?? type?.name.nb ?? rule.eventType,
        subject,
        responsibleBody: describeBody(rule.responsibleBodyId, l),
        treatedBy: describeBody(rule.treatedByBodyId, l),
        treatingMeeting: meeting,
        flags,
        warnings,
        overdue: late.overdue,
        daysOverdue: late.daysOverdue,
        effectiveStatus: late.overdue ? 'overdue' : occ.status,
        legalBasis: type?.legalBasis ?? [],
        basis: type?.basis ?? null,
        unverified: type?.unverified ?? null,
        requiresDocument: type?.requiresDocument ?? false,
        requiresApproval: type?.requiresApproval ?? false,
        reminderOffsetsDays: rule.reminderOffsetsDays ?? type?.reminderOffsetsDays ?? [],
        caseNumber: state?.caseNumber ?? null,
        caseUrl: state?.caseUrl ?? null,
        note: state?.note ?? null,
        deliveredOn: state?.deliveredOn ?? null,
        approvedOn: state?.approvedOn ?? null,
        cancelledAt: state?.cancelledAt ?? null,
        daysLate: daysLate(occ.date, state?.deliveredOn ?? state?.approvedOn ?? null),
        modified: Math.max(state?.modified ?? 0, rule.modified),
        origin: rule.origin,
      }
    })
  }

  /** A rule is hidden when a body it names is a private body the viewer may not see. */
  const ruleVisible = (r: RuleRow, v: Visibility) => v.canSee({ responsibleBodyId: r.responsibleBodyId, treatedByBodyId: r.treatedByBodyId })

  function byStatus (items: OccurrenceItem[], statuses: StatusFilter[] | undefined): OccurrenceItem[] {
    if (!statuses?.length) return items
    return items.filter(o => statuses.includes(o.effectiveStatus) || statuses.includes(o.status))
  }

  /** Finds the rule and checks the id names a real occurrence of it, not any date. */
  async function findOccurrence (id: string, ex?: Executor): Promise<{ rule: RuleRow; originalKey: string }> {
    const ref = parseOccurrenceId(id)
    const rule = ref ? await rulesRepo.find(ref.ruleId, ex) : undefined
    if (!ref || !rule || rule.deleted) throw missing('occurrence', id, 'id')
    // The id must name a real occurrence of the rule, not any date (a valgperiode date depends on the constitution date).
    const date = ref.originalKey.slice(0, 10)
    const dates = rule.municipalityId !== null ? (await constitutionDatesBy(ex)).get(rule.municipalityId) ?? {} : {}
    if (!expandRule(toExpandable(rule), { from: date, to: date }, dates).some(o => o.key === ref.originalKey)) throw missing('occurrence', id, 'id')
    return { rule, originalKey: ref.originalKey }
  }

  const service = {
    /** The occurrences in a calendar and window, sorted by date, without the private items the viewer may not see. */
    async list (q: OccurrenceListQuery, viewer: Viewer, ex?: Executor): Promise<OccurrenceItem[]> {
      validate(q)
      const l = await repo.lookups(ex)
      const scope = resolve(q, l)
      const visibility = await access.visibility(viewer, ex)
      // A private body's calendar is private as a whole, like its feed.
      if (!visibility.canSeeBody(scope.body)) return []
      const all = (await rulesRepo.list({ eventTypes: q.eventTypes }, ex)).filter(r => ruleVisible(r, visibility))
      const selected = await selectRules(scope, all, l, ex)
      return byStatus(await assemble(selected, q, q.asOf ?? today(), l, ex), q.statuses)
    },

    /**
     * One page of a calendar's occurrences (OParl list). With `modifiedSince`: only items changed since,
     * followed by tombstones for the occurrences of rules deleted or switched off since.
     */
    async page (q: OccurrencePageQuery, viewer: Viewer): Promise<{ items: Array<OccurrenceItem | OccurrenceTombstoneItem>; total: number; asOf: string }> {
      const asOf = q.asOf ?? today()
      let items: Array<OccurrenceItem | OccurrenceTombstoneItem> = await service.list({ ...q, asOf }, viewer)
      if (q.modifiedSince !== undefined) {
        const since = q.modifiedSince
        items = items.filter(o => o.modified >= since)
        const l = await repo.lookups()
        const scope = resolve(q, l)
        const visibility = await access.visibility(viewer)
        const gone = !visibility.canSeeBody(scope.body)
          ? []
          : (await rulesRepo.changedSince(since)).filter(r => (r.deleted || !r.enabled) && ruleVisible(r, visibility) &&
          (!q.eventTypes?.length || q.eventTypes.includes(r.eventType)))
        const inScope = await selectRules(scope, gone, l)
        const constitutionBy = await constitutionDatesBy()
        const tombstones: OccurrenceTombstoneItem[] = []
        for (const r of inScope) {
          const dates = r.municipalityId !== null ? constitutionBy.get(r.municipalityId) ?? {} : {}
          for (const o of expandRule(toExpandable(r), q, dates)) tombstones.push({ id: occurrenceId(r.id, o.key), deleted: true, modified: r.modified })
        }
        items = [...items, ...tombstones]
      }
      return { items: items.slice(q.offset, q.offset + q.limit), total: items.length, asOf }
    },

    /** One occurrence; a private body's occurrence is missing for a viewer who may not see it. */
    async get (id: string, viewer: Viewer, ex?: Executor): Promise<OccurrenceItem> {
      const { rule, originalKey } = await findOccurrence(id, ex)
      const visibility = await access.visibility(viewer, ex)
      if (!ruleVisible(rule, visibility)) throw missing('occurrence', id, 'id')
      const state = await repo.findState(rule.id, originalKey, ex)
      const date = (state?.movedTo ?? originalKey).slice(0, 10)
      const l = await repo.lookups(ex)
      const found = (await assemble([rule], { from: date, to: date }, today(), l, ex)).find(o => o.id === id)
      if (!found) throw missing('occurrence', id, 'id')
      return found
    },

    /**
     * Changes one occurrence's status, case reference, note, date (a move) or cancels it. Delivered and
     * approved get today's date unless given; those dates may not lie in the future. SEQUENCE semantics:
     * the revision goes up whenever the date, time or status changes.
     */
    async change (id: string, patch: OccurrenceChange, actor: Actor | null): Promise<OccurrenceItem> {
      const { rule, originalKey } = await findOccurrence(id)
      // The rule's subject and the body that must act: a participant's own deadline in a collaboration is that participant's.
      const a = await access.assertMayChange(actor, { municipalityIds: [rule.municipalityId], collaborationIds: [rule.collaborationId], bodyIds: [rule.responsibleBodyId] })
      const visibility = await access.visibility(viewerOf(a))
      if (!ruleVisible(rule, visibility)) throw missing('occurrence', id, 'id')
      const values: StatePatch = { ...patch }
      if (values.movedTo != null) {
        const problem = validMoveTarget(rule.allDay, originalKey, values.movedTo)
        if (problem) throw invalid('occurrences.invalid_move', 'movedTo', problem)
      }
      const day = today()
      if (values.status === 'delivered' && values.deliveredOn === undefined) values.deliveredOn = day
      if (values.status === 'approved' && values.approvedOn === undefined) values.approvedOn = day
      if (values.deliveredOn && compareDates(values.deliveredOn, addDays(day, 1)) > 0) throw invalid('occurrences.future_delivery', 'deliveredOn', 'cannot be in the future')
      if (values.approvedOn && compareDates(values.approvedOn, addDays(day, 1)) > 0) throw invalid('occurrences.future_approval', 'approvedOn', 'cannot be in the future')
      await service.saveState(rule.id, originalKey, values, a)
      return service.get(id, viewerOf(a))
    },

    /**
     * Writes an occurrence's state and its audit row (in the caller's transaction, or its own). For
     * services that set states as a consequence of their own work (kontroll); checks nothing.
     */
    async saveState (ruleId: number, originalKey: string, patch: StatePatch, actor: Actor | { tokenId: number | null; label: string }, ex?: Executor): Promise<StateRow> {
      const who = 'role' in actor ? auditActor(actor) : actor
      const work = async (tx: Executor) => {
        const now = clock.now().getTime()
        const before = await repo.findState(ruleId, originalKey, tx)
        const current = before ?? { status: 'planned' as OccurrenceStatus, movedTo: null, revision: 0 }
        const material = (patch.status !== undefined && patch.status !== current.status) ||
          (patch.movedTo !== undefined && (patch.movedTo ?? null) !== (current.movedTo ?? null))
        const values = {
          ...patch,
          ...(patch.movedTo === originalKey ? { movedTo: null } : {}),
          ...(patch.status === 'cancelled' && current.status !== 'cancelled' ? { cancelledAt: now } : {}),
          ...(patch.status !== undefined && patch.status !== 'cancelled' ? { cancelledAt: null } : {}),
          revision: current.revision + (material ? 1 : 0),
          modified: now,
        }
        const after = before
          ? await repo.updateState(ruleId, originalKey, values, tx)
          : await repo.insertState({ ruleId, originalKey, ...values, created: now }, tx)
        await audit.record(now, who, { action: 'update', entityType: 'occurrence', entityId: occurrenceId(ruleId, originalKey), before: before ?? null, after }, tx)
        return after
      }
      return ex ? work(ex) : transactor.transaction(work)
    },

    /** The stored state of one occurrence (undefined: never changed). */
    async state (ruleId: number, originalKey: string, ex?: Executor): Promise<StateRow | undefined> {
      return repo.findState(ruleId, originalKey, ex)
    },

    /** Resolves a calendar named by slugs or ids (404 naming the field when unknown). */
    async resolveScope (q: { municipality?: SubjectRef; body?: SubjectRef; collaboration?: SubjectRef }, ex?: Executor): Promise<ResolvedScope> {
      return resolve(q, await repo.lookups(ex))
    },

    /** The rules whose occurrences are in a municipality's, a body's or a collaboration's calendar: what list() would select. */
    async ruleIdsInScope (scope: { municipality?: SubjectRef; body?: SubjectRef; collaboration?: SubjectRef }, ex?: Executor): Promise<Set<number>> {
      const l = await repo.lookups(ex)
      return new Set((await selectRules(resolve(scope, l), await rulesRepo.list({}, ex), l, ex)).map(r => r.id))
    },
  }
  return service
}
export type OccurrencesService = ReturnType<typeof createOccurrencesService>
