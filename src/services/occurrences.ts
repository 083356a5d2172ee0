// Occurrences: the read model "an occurrence as a user sees it" (the engine's rows with names, lateness,
// flags and warnings) and the changes a user makes to one occurrence. Every page, feed, report,
// reminder and the API read occurrences here. Reads come from the occurrence index when the window
// lies within its horizon, and from the engine directly otherwise (services/occurrence-index.ts).
import type { Catalogue } from '../catalogue/load.js'
import type { EventType } from '../catalogue/schema.js'
import type { Transactor, Executor } from '../db/executor.js'
import { addDays, addYears, compareDates } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import { compareRows, inCalendar, rowVisible, type CalendarScope, type OccurrenceRow } from '../domain/occurrence-engine.js'
import {
  calendarFlags, daysLate, isTentativeOrigin, lateness, notRecorded, occurrenceId, parseOccurrenceId, validMoveTarget,
  type CalendarFlags, type ExpandedOccurrence, type MeetingRef,
} from '../domain/occurrences.js'
import { OWNER_PREPARATION_EVENT, OWNER_PREPARATION_TYPE, ownerPreparationTitle, parseOwnerPreparationKey } from '../domain/owner-preparation.js'
import { MAX_WINDOW_YEARS } from '../domain/recurrence.js'
import { OCCURRENCE_STATUSES, type BodyKind, type OccurrenceStatus } from '../domain/vocabulary.js'
import type { AuditActor, AuditRepository } from '../repositories/audit.js'
import type { IndexQuery, NameRows, OccurrenceIndexRepository } from '../repositories/occurrence-index.js'
import type { OccurrencesRepository, StatePatch, StateRow } from '../repositories/occurrences.js'
import type { RulesRepository } from '../repositories/rules.js'
import type { KontrollProjectsRepository } from '../repositories/kontroll-projects.js'
import type { Clock } from '../shared/clock.js'
import { ServiceError, conflicting, invalid, missing } from '../shared/errors.js'
import { auditActor, viewerOf, type AccessService, type Actor, type Viewer } from './access.js'
import type { OccurrenceIndexService } from './occurrence-index.js'

const ZONE = 'Europe/Oslo'
/** The widest window one query may ask for: what the recurrence engine expands in one go. */
export { MAX_WINDOW_YEARS }
/** The most occurrences one `changeMany` call changes (a follow-up page's rows, with room to spare). */
export const MAX_BULK_CHANGE = 500
/** Stored statuses, and the derived 'overdue' and 'not_recorded' ("ikke registrert"). */
export const STATUS_FILTERS = [...OCCURRENCE_STATUSES, 'overdue', 'not_recorded'] as const
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
  /** The stored status, or what the date makes of it: 'overdue', or 'not_recorded' before the tracking start. */
  effectiveStatus: OccurrenceStatus | 'overdue' | 'not_recorded'
  /**
   * "Ikke registrert" (issue 12): due before its subject's tracking start (go-live) and never
   * recorded. History, not an alarm: never overdue, never reminded (domain `notRecorded`).
   */
  notRecorded: boolean
  /** The subject's tracking start (YYYY-MM-DD); null: tracked from the start. */
  trackingFrom: string | null
  /** "Foreløpig" (issue 12): a meeting of a default, not adopted, møteplan — a placeholder, not a decision. */
  tentative: boolean
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
  /** How the rule came about (package, moteplan_default, …); 'derived' for an owner's preparation. */
  origin: string
  /** Every body the item names (responsible, treating, and an owner preparation's meeting body): what visibility is judged on. */
  bodyIds: number[]
}

/** An occurrence of a rule deleted or switched off since `modifiedSince`. */
export interface OccurrenceTombstoneItem { id: string; deleted: true; modified: number }

export type OccurrenceChange = StatePatch

/** The ids of the calendar a query or scope names (resolved from slugs). */
export interface ResolvedScope { municipality?: number; body?: number; collaboration?: number }

export interface OccurrencesServiceDeps {
  occurrences: OccurrencesRepository
  index: OccurrenceIndexRepository
  indexService: OccurrenceIndexService
  rules: RulesRepository
  audit: AuditRepository
  access: AccessService
  clock: Clock
  catalogue: Catalogue
  transactor: Transactor
  /** Which rules are a kontroll project's steps (issue 15): those are changed on their project, not here. */
  kontrollProjects: Pick<KontrollProjectsRepository, 'milestonesByRules' | 'find'>
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

const DONE: readonly OccurrenceStatus[] = ['delivered', 'approved', 'cancelled']

/** The status filter on rows, as the index's SQL applies it: a stored status, 'overdue' on `asOf`, or 'not_recorded'. */
function matchesStatus (r: OccurrenceRow, statuses: readonly string[] | undefined, asOf: string): boolean {
  if (!statuses?.length) return true
  if (statuses.includes(r.status)) return true
  if (statuses.includes('not_recorded') && notRecorded(r)) return true
  return statuses.includes('overdue') && lateness(r, r.kind, asOf).overdue
}

/** The subject and the body that must act: a participant's own deadline in a collaboration is that participant's. */
function changeTargets (row: OccurrenceRow) {
  return {
    municipalityIds: [row.collaborationId === null ? row.municipalityId : null],
    collaborationIds: [row.collaborationId],
    bodyIds: [row.responsibleBodyId],
  }
}

/** The fields of an occurrence's stored state a person changes, as the history shows them. */
export const HISTORY_FIELDS = ['status', 'deliveredOn', 'approvedOn', 'caseNumber', 'caseUrl', 'note', 'movedTo'] as const
export type HistoryField = typeof HISTORY_FIELDS[number]

/** One change in an occurrence's history: values as stored (status keys, YYYY-MM-DD dates, text); null: empty. */
export interface OccurrenceHistoryEntry {
  /** Epoch ms. */
  at: number
  actor: string
  changes: Array<{ field: HistoryField; from: string | null; to: string | null }>
}

/** The audit log's actor without an e-mail address: 'Kari Nordmann <kari@…>' → 'Kari Nordmann'. */
export function actorName (label: string): string {
  return label.replace(/\s*<[^>]*>\s*$/, '').trim() || label
}

/**
 * Which of the readable fields differ between two stored states (audit before/after); the rest
 * (revision, timestamps, keys) is internal. A missing state is a planned one with nothing filled in.
 */
export function stateChanges (before: unknown, after: unknown): OccurrenceHistoryEntry['changes'] {
  const field = (state: unknown, f: HistoryField): string | null => {
    const v = state && typeof state === 'object' ? (state as Record<string, unknown>)[f] : undefined
    if (f === 'status' && (v === undefined || v === null)) return 'planned'
    return typeof v === 'string' && v !== '' ? v : null
  }
  return HISTORY_FIELDS.flatMap(f => {
    const from = field(before, f)
    const to = field(after, f)
    return from === to ? [] : [{ field: f, from, to }]
  })
}

/**
 * What a change to one occurrence stores, checked as `change` and `changeMany` both require: an owner's
 * preparation follows its meeting and cannot be moved alone; a move must fit the occurrence (all-day: a date,
 * else a local date-time); delivered and approved get `day` (today in Oslo) unless given; neither date may be
 * after tomorrow (one day of slack for a council meeting late in the evening elsewhere). Throws `invalid`
 * naming the field. Pure.
 */
function checkedChange (row: Pick<OccurrenceRow, 'eventType' | 'allDay' | 'originalKey'>, patch: OccurrenceChange, day: string): StatePatch {
  const values: StatePatch = { ...patch }
  if (values.movedTo != null) {
    if (row.eventType === OWNER_PREPARATION_TYPE) throw invalid('occurrences.invalid_move', 'movedTo', 'an owner\'s preparation follows its meeting; move the meeting instead')
    const problem = validMoveTarget(row.allDay, row.originalKey, values.movedTo)
    if (problem) throw invalid('occurrences.invalid_move', 'movedTo', problem)
  }
  if (values.status === 'delivered' && values.deliveredOn === undefined) values.deliveredOn = day
  if (values.status === 'approved' && values.approvedOn === undefined) values.approvedOn = day
  if (values.deliveredOn && compareDates(values.deliveredOn, addDays(day, 1)) > 0) throw invalid('occurrences.future_delivery', 'deliveredOn', 'cannot be in the future')
  if (values.approvedOn && compareDates(values.approvedOn, addDays(day, 1)) > 0) throw invalid('occurrences.future_approval', 'approvedOn', 'cannot be in the future')
  return values
}

export function createOccurrencesService (deps: OccurrencesServiceDeps) {
  const { occurrences: repo, index, indexService, rules: rulesRepo, audit, access, clock, catalogue, transactor, kontrollProjects } = deps
  const today = () => localDateOf(clock.now(), ZONE)

  function validate (q: OccurrenceListQuery): void {
    assertWindow(q.from, q.to, 'occurrences')
    const bad = q.statuses?.find(s => !(STATUS_FILTERS as readonly string[]).includes(s))
    if (bad) throw invalid('occurrences.status', 'status', `unknown status "${bad}"; use ${STATUS_FILTERS.join(', ')}`)
    const unknownType = q.eventTypes?.find(t => t !== OWNER_PREPARATION_TYPE && !catalogue.eventTypes.has(t))
    if (unknownType) throw invalid('occurrences.event_type', 'eventType', `unknown event type "${unknownType}"`)
  }

  /** The calendar a query names: a body's before a collaboration's before a municipality's; every calendar without any. 404 naming the field when unknown. */
  async function calendarOf (q: { municipality?: SubjectRef; body?: SubjectRef; collaboration?: SubjectRef }, ex?: Executor): Promise<{ scope: CalendarScope; resolved: ResolvedScope }> {
    const resolved: ResolvedScope = {}
    let scope: CalendarScope = { type: 'all' }
    if (q.municipality !== undefined) {
      const m = await index.findSubject('municipality', q.municipality, ex) ?? fail('municipality', q.municipality)
      resolved.municipality = m.id
      scope = { type: 'municipality', id: m.id, involvedCollaborationIds: await index.involvedCollaborationIds(m.id, ex) }
    }
    if (q.collaboration !== undefined) {
      const c = await index.findSubject('collaboration', q.collaboration, ex) ?? fail('collaboration', q.collaboration)
      resolved.collaboration = c.id
      scope = { type: 'collaboration', id: c.id }
    }
    if (q.body !== undefined) {
      const b = await index.findBody(q.body, ex) ?? fail('body', q.body)
      resolved.body = b.id
      scope = { type: 'body', body: b }
    }
    return { scope, resolved }
  }
  const fail = (what: string, ref: SubjectRef): never => { throw missing(what, ref, what) }

  /** The engine's answer for a window outside the index's horizon: the same rows, computed now. */
  async function engineRows (q: IndexQuery, ex?: Executor): Promise<OccurrenceRow[]> {
    const rules = await index.candidateRules(q.scope, ex)
    const rows: OccurrenceRow[] = []
    // In batches, giving way to other requests between them: a long window never stalls the server.
    for (let i = 0; i < rules.length; i += 200) {
      for (const r of await indexService.computeRows(rules.slice(i, i + 200), q, ex)) {
        if (inCalendar(r, q.scope) && rowVisible(r, q.hiddenBodyIds) && (!q.eventTypes?.length || q.eventTypes.includes(r.eventType)) &&
          matchesStatus(r, q.statuses, q.asOf) && (q.modifiedSince === undefined || r.modified >= q.modifiedSince)) rows.push(r)
      }
      if (i + 200 < rules.length) await new Promise(resolve => setImmediate(resolve))
    }
    return rows.sort(compareRows)
  }

  /** Turns rows into the read model: names, the event type's facts, lateness on `asOf`, flags and warnings. */
  async function present (rows: readonly OccurrenceRow[], asOf: string, ex?: Executor): Promise<OccurrenceItem[]> {
    const names = await index.names(rows, ex)
    const out: OccurrenceItem[] = []
    for (let i = 0; i < rows.length; i++) {
      out.push(toItem(rows[i]!, names, asOf))
      // Thousands of items: give way to other requests now and then.
      if (i % 1000 === 999) await new Promise(resolve => setImmediate(resolve))
    }
    return out
  }

  function describeBody (id: number | null, names: NameRows): OccurrenceBodyRef | null {
    const b = id === null ? undefined : names.bodies.get(id)
    return b && !b.deleted ? { id: b.id, slug: b.slug, name: b.name, kind: b.kind } : null
  }

  // Weekend and holiday flags by date: a year of deadlines shares a few hundred dates.
  const flagCache = new Map<string, CalendarFlags>()
  const flagsOf = (date: string): CalendarFlags => {
    let f = flagCache.get(date)
    if (!f) {
      if (flagCache.size > 20_000) flagCache.clear()
      flagCache.set(date, f = calendarFlags(date))
    }
    return f
  }

  function toItem (r: OccurrenceRow, names: NameRows, asOf: string): OccurrenceItem {
    const prep = r.eventType === OWNER_PREPARATION_TYPE
    const type = prep ? undefined : catalogue.eventTypes.get(r.eventType)
    const facts = prep ? OWNER_PREPARATION_EVENT : type
    const late = lateness(r, r.kind, asOf)
    const unrecorded = notRecorded(r)
    const warnings: Array<{ code: string; message: string }> = []
    const treatingMeeting = r.treatingMeetingId !== null ? { id: r.treatingMeetingId, date: r.treatingMeetingDate!, localStart: r.treatingMeetingLocalStart } : null
    if (r.treatedByBodyId !== null && r.kind !== 'meeting' && !treatingMeeting) {
      warnings.push({ code: 'no_treating_meeting', message: `${names.bodies.get(r.treatedByBodyId)?.name ?? 'Organet'} har ikke noe møte innen fristen ${r.date}` })
    }
    const flags = flagsOf(r.date)
    // A meeting is never worded as a deadline (issue 12).
    if (flags.nonWorkingDay) warnings.push({ code: 'non_working_day', message: `${r.date} er ${flags.holiday ?? 'helg'}${r.kind === 'meeting' ? '' : '; fristen står som lovens dato'}` })
    if (r.responsibleBodyId === null && r.kind !== 'meeting') warnings.push({ code: 'no_responsible_body', message: 'Ingen ansvarlig organ er knyttet til regelen' })
    const collaboration = r.collaborationId !== null ? names.collaborations.get(r.collaborationId) : undefined
    const municipality = r.municipalityId !== null ? names.municipalities.get(r.municipalityId) : undefined
    const subject = collaboration
      ? { type: 'collaboration' as const, slug: collaboration.slug, name: collaboration.name }
      : { type: 'municipality' as const, slug: municipality?.slug ?? '', name: municipality?.name ?? '' }
    const meetingBody = r.relatedBodyId !== null ? names.bodies.get(r.relatedBodyId) : undefined
    return {
      id: r.id,
      ruleId: r.ruleId,
      originalKey: r.originalKey,
      allDay: r.allDay,
      date: r.date,
      localStart: r.localStart,
      start: r.startMs === null ? null : new Date(r.startMs),
      end: r.endMs === null ? null : new Date(r.endMs),
      moved: r.moved,
      status: r.status,
      revision: r.revision,
      eventType: r.eventType,
      kind: r.kind,
      category: facts?.category ?? 'political',
      title: r.title ?? (prep ? ownerPreparationTitle(meetingBody?.name ?? 'eiermøtet') : type?.name.nb ?? r.eventType),
      subject,
      responsibleBody: describeBody(r.responsibleBodyId, names),
      treatedBy: describeBody(r.treatedByBodyId, names),
      treatingMeeting,
      flags,
      warnings,
      overdue: late.overdue,
      daysOverdue: late.daysOverdue,
      effectiveStatus: late.overdue ? 'overdue' : unrecorded ? 'not_recorded' : r.status,
      notRecorded: unrecorded,
      trackingFrom: r.trackingFrom,
      tentative: isTentativeOrigin(r.origin),
      legalBasis: facts ? facts.legalBasis as EventType['legalBasis'] : [],
      basis: facts?.basis ?? null,
      unverified: facts?.unverified ?? null,
      requiresDocument: facts?.requiresDocument ?? false,
      requiresApproval: facts?.requiresApproval ?? false,
      reminderOffsetsDays: r.reminderOffsetsDays ?? (facts ? facts.reminderOffsetsDays as number[] : []),
      caseNumber: r.caseNumber,
      caseUrl: r.caseUrl,
      note: r.note,
      deliveredOn: r.deliveredOn,
      approvedOn: r.approvedOn,
      cancelledAt: r.cancelledAt,
      daysLate: daysLate(r.date, r.deliveredOn ?? r.approvedOn ?? null),
      modified: r.modified,
      origin: r.origin,
      bodyIds: [r.responsibleBodyId, r.treatedByBodyId, r.relatedBodyId].filter((id): id is number => id !== null),
    }
  }

  /** The query on rows: the calendar, the window, what the viewer may see and the filters. Empty (null) for a private body's calendar the viewer may not see. */
  async function indexQuery (q: OccurrenceListQuery & { modifiedSince?: number }, viewer: Viewer, ex?: Executor): Promise<IndexQuery | null> {
    validate(q)
    await indexService.ready()
    const { scope } = await calendarOf(q, ex)
    const visibility = await access.visibility(viewer, ex)
    // A private body's calendar is private as a whole, like its feed.
    if (scope.type === 'body' && !visibility.canSeeBody(scope.body.id)) return null
    return { from: q.from, to: q.to, scope, hiddenBodyIds: visibility.hiddenBodyIds, eventTypes: q.eventTypes, statuses: q.statuses, asOf: q.asOf ?? today(), modifiedSince: q.modifiedSince }
  }

  /** Rows for a query: from the index within its horizon, from the engine outside it. */
  async function rowsFor (iq: IndexQuery, page?: { limit: number; offset: number }, ex?: Executor): Promise<{ rows: OccurrenceRow[]; total: number }> {
    if (indexService.covers(iq)) {
      const rows = await index.select(iq, page, ex)
      const total = page ? (rows.length < page.limit && (rows.length > 0 || page.offset === 0) ? page.offset + rows.length : await index.count(iq, ex)) : rows.length
      return { rows, total }
    }
    const all = await engineRows(iq, ex)
    return { rows: page ? all.slice(page.offset, page.offset + page.limit) : all, total: all.length }
  }

  /** Finds an occurrence's row, from the index or (outside its horizon) the engine; undefined when the id names no occurrence. */
  /**
   * The kontroll project this occurrence is a step of (its report, treatment or follow-up), or null. Such
   * an occurrence is written by the project (services/kontroll/calendar-sync.ts): changed on its own it
   * would disagree with the project, so `change` refuses it with 409 `occurrence.kontroll_project_step`.
   */
  async function projectOf (row: Pick<OccurrenceRow, 'ruleId'>): Promise<{ planId: number; projectId: number; title: string } | null> {
    const [step] = await kontrollProjects.milestonesByRules([row.ruleId])
    const project = step ? await kontrollProjects.find(step.projectId) : undefined
    return project && !project.deleted ? { planId: project.planId, projectId: project.id, title: project.title } : null
  }

  async function assertNotProjectStep (row: Pick<OccurrenceRow, 'ruleId'>, field: string): Promise<void> {
    const project = await projectOf(row)
    if (project) {
      throw conflicting('occurrence.kontroll_project_step',
        `Dette er et steg i prosjektet «${project.title}» i kontrollutvalgets plan; det endres på prosjektsiden /kontroll/plan/${project.planId}/prosjekt/${project.projectId}`, field)
    }
  }

  async function findRow (id: string, ex?: Executor): Promise<OccurrenceRow | undefined> {
    const ref = parseOccurrenceId(id)
    if (!ref) return undefined
    await indexService.ready()
    const indexed = await index.find(id, ex)
    if (indexed && indexService.covers({ from: indexed.date, to: indexed.date })) return indexed
    const rule = await rulesRepo.find(ref.ruleId, ex)
    if (!rule || rule.deleted) return undefined
    // The id must name a real occurrence of the rule, not any date: compute it around its original date.
    const date = (parseOwnerPreparationKey(ref.originalKey)?.meetingKey ?? ref.originalKey).slice(0, 10)
    return (await indexService.computeRows([rule], { from: addDays(date, -368), to: addDays(date, 368) }, ex)).find(r => r.id === id)
  }

  const service = {
    /** The occurrences in a calendar and window, sorted by date, without the private items the viewer may not see. */
    async list (q: OccurrenceListQuery, viewer: Viewer, ex?: Executor): Promise<OccurrenceItem[]> {
      const iq = await indexQuery(q, viewer, ex)
      if (!iq) return []
      return present((await rowsFor(iq, undefined, ex)).rows, iq.asOf, ex)
    },

    /**
     * One page of a calendar's occurrences (OParl list). With `modifiedSince`: only items changed since,
     * followed by tombstones for the occurrences of rules deleted or switched off since.
     */
    async page (q: OccurrencePageQuery, viewer: Viewer): Promise<{ items: Array<OccurrenceItem | OccurrenceTombstoneItem>; total: number; asOf: string }> {
      const asOf = q.asOf ?? today()
      const iq = await indexQuery({ ...q, asOf }, viewer)
      if (!iq) return { items: [], total: 0, asOf }
      if (q.modifiedSince === undefined) {
        const { rows, total } = await rowsFor(iq, { limit: q.limit, offset: q.offset })
        return { items: await present(rows, asOf), total, asOf }
      }
      const changed: Array<OccurrenceItem | OccurrenceTombstoneItem> = await present((await rowsFor(iq)).rows, asOf)
      const since = q.modifiedSince
      const gone = (await rulesRepo.changedSince(since)).filter(r => r.deleted || !r.enabled)
      // A deleted rule's occurrences, as they were: the engine computes them as if the rule were live.
      const tombstones: OccurrenceTombstoneItem[] = []
      if (gone.length) {
        const rows = await indexService.computeRows(gone.map(r => ({ ...r, deleted: false, enabled: true })), q)
        for (const r of rows) {
          if (inCalendar(r, iq.scope) && rowVisible(r, iq.hiddenBodyIds) && (!q.eventTypes?.length || q.eventTypes.includes(r.eventType))) {
            tombstones.push({ id: r.id, deleted: true, modified: gone.find(g => g.id === r.ruleId)!.modified })
          }
        }
      }
      const items = [...changed, ...tombstones]
      return { items: items.slice(q.offset, q.offset + q.limit), total: items.length, asOf }
    },

    /** One occurrence; a private body's occurrence is missing for a viewer who may not see it. */
    async get (id: string, viewer: Viewer, ex?: Executor): Promise<OccurrenceItem> {
      const row = await findRow(id, ex)
      const visibility = await access.visibility(viewer, ex)
      if (!row || !rowVisible(row, visibility.hiddenBodyIds)) throw missing('occurrence', id, 'id')
      return (await present([row], today(), ex))[0]!
    },

    /**
     * Changes one occurrence's status, case reference, note, date (a move) or cancels it. Delivered and
     * approved get today's date unless given; those dates may not lie in the future. SEQUENCE semantics:
     * the revision goes up whenever the date, time or status changes. An owner's preparation follows
     * its meeting: it cannot be moved on its own.
     */
    async change (id: string, patch: OccurrenceChange, actor: Actor | null): Promise<OccurrenceItem> {
      const row = await findRow(id)
      if (!row) throw missing('occurrence', id, 'id')
      const a = await access.assertMayChange(actor, changeTargets(row))
      const visibility = await access.visibility(viewerOf(a))
      if (!rowVisible(row, visibility.hiddenBodyIds)) throw missing('occurrence', id, 'id')
      await assertNotProjectStep(row, 'id')
      const values = checkedChange(row, patch, today())
      await service.saveState(row.ruleId, row.originalKey, values, a)
      return service.get(id, viewerOf(a))
    },

    /**
     * Whether `actor` may change this occurrence (what `change` checks), without throwing: for showing
     * a page's forms. False for an id that names no occurrence.
     */
    async mayChange (id: string, actor: Actor | null | undefined): Promise<boolean> {
      const row = await findRow(id)
      if (!row || !(await access.mayChange(actor, changeTargets(row)))) return false
      return (await projectOf(row)) === null
    },

    /** The kontroll project whose step this occurrence is (where it is changed), or null (issue 15). */
    async projectStepOf (id: string): Promise<{ planId: number; projectId: number; title: string } | null> {
      const row = await findRow(id)
      return row ? projectOf(row) : null
    },

    /** What `change` checks before it judges any input: 404 for an unknown id, 401 without an actor, 403 outside the actor's scope. */
    async assertMayChange (id: string, actor: Actor | null | undefined): Promise<Actor> {
      const row = await findRow(id)
      if (!row) throw missing('occurrence', id, 'id')
      return access.assertMayChange(actor, changeTargets(row))
    },

    /**
     * The changes made to one occurrence, newest first, from the audit log: who (the name the log
     * shows, without an e-mail address), when (epoch ms) and which fields changed from what to what.
     * Anyone who may see the occurrence may read it (404 otherwise, as `get`). At most `limit` entries.
     */
    async history (id: string, viewer: Viewer, limit = 100): Promise<OccurrenceHistoryEntry[]> {
      await service.get(id, viewer)
      const { items } = await audit.list({ entityType: 'occurrence', entityId: id, limit, offset: 0 })
      return items.map(e => ({ at: e.at, actor: actorName(e.actor), changes: stateChanges(e.before, e.after) }))
    },

    // ── Several at once (issue 14: the follow-up page marks several rows delivered or treated) ──────────

    /**
     * Applies one change to several occurrences in ONE transaction: all or nothing. Each id gets the
     * checks `change` makes — it names an occurrence the actor can see (404), the actor may change it
     * (403), a move is valid, a delivered or approved date is not in the future (400); delivered and
     * approved get today's date (Europe/Oslo) unless given. The first id that fails throws that error,
     * its message starting with the item («title», subject, YYYY-MM-DD), and nothing is written.
     * Duplicate ids count once; at most MAX_BULK_CHANGE ids (400 naming `ids` otherwise, or when empty).
     * Every write has its own audit row naming the actor. Returns the changed items in the order given.
     */
    async changeMany (ids: readonly string[], patch: OccurrenceChange, actor: Actor | null): Promise<OccurrenceItem[]> {
      const unique = [...new Set(ids)]
      if (!unique.length) throw invalid('occurrences.bulk_empty', 'ids', 'choose at least one occurrence')
      if (unique.length > MAX_BULK_CHANGE) throw invalid('occurrences.bulk_too_many', 'ids', `at most ${MAX_BULK_CHANGE} at a time`)
      const a = access.requireActor(actor)
      const visibility = await access.visibility(viewerOf(a))
      const day = today()
      const rows: OccurrenceRow[] = []
      for (const id of unique) {
        const row = await findRow(id)
        if (!row) throw missing('occurrence', id, 'ids')
        rows.push(row)
      }
      const items = await present(rows, day)
      const planned: Array<{ row: OccurrenceRow; values: StatePatch }> = []
      for (const [i, row] of rows.entries()) {
        const item = items[i]!
        const named = (err: unknown): never => {
          if (err instanceof ServiceError) throw new ServiceError(err.kind, err.code, `«${item.title}» (${item.subject.name}, ${item.date}): ${err.message}`, err.field)
          throw err
        }
        await access.assertMayChange(a, changeTargets(row)).catch(named)
        if (!rowVisible(row, visibility.hiddenBodyIds)) throw missing('occurrence', row.id, 'ids')
        await assertNotProjectStep(row, 'ids').catch(named)
        try {
          planned.push({ row, values: checkedChange(row, patch, day) })
        } catch (err) {
          named(err)
        }
      }
      await transactor.transaction(async tx => {
        for (const p of planned) await service.saveState(p.row.ruleId, p.row.originalKey, p.values, a, tx)
      })
      const viewer = viewerOf(a)
      const out: OccurrenceItem[] = []
      for (const row of rows) out.push(await service.get(row.id, viewer))
      return out
    },

    /**
     * Which of these occurrences `actor` may change (what `changeMany` and `change` check), in one
     * read: for showing a list's checkboxes. Ids that name no occurrence are left out.
     */
    async changeable (ids: readonly string[], actor: Actor | null | undefined): Promise<Set<string>> {
      const out = new Set<string>()
      if (!actor || !ids.length) return out
      await indexService.ready()
      const rows = new Map<string, OccurrenceRow>()
      for (const r of await index.findMany(ids)) if (indexService.covers({ from: r.date, to: r.date })) rows.set(r.id, r)
      for (const id of ids) {
        const row = rows.get(id) ?? await findRow(id)
        if (row && await access.mayChange(actor, changeTargets(row))) out.add(id)
      }
      return out
    },

    /**
     * Writes an occurrence's state and its audit row (in the caller's transaction, or its own). For
     * services that set states as a consequence of their own work (kontroll); checks nothing.
     */
    async saveState (ruleId: number, originalKey: string, patch: StatePatch, actor: Actor | AuditActor, ex?: Executor): Promise<StateRow> {
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
      return (await calendarOf(q, ex)).resolved
    },

    /**
     * For every municipality at once (the start page): how many items in its calendar the viewer may
     * see are overdue on `asOf` (due within the year before) and how many fall due in the next `days`
     * days and are not done — the same counts as the overdue and upcoming reports.
     */
    async countsByMunicipality (viewer: Viewer, asOf: string, days: number): Promise<Map<number, { overdue: number; upcoming: number }>> {
      const q = { overdueFrom: addYears(asOf, -1), asOf, upcomingTo: addDays(asOf, days) }
      const visibility = await access.visibility(viewer)
      await indexService.ready()
      if (indexService.covers({ from: q.overdueFrom, to: q.upcomingTo })) return index.countsByMunicipality({ ...q, hiddenBodyIds: visibility.hiddenBodyIds })
      // Outside the horizon (during a first build): the engine, municipality by municipality.
      const out = new Map<number, { overdue: number; upcoming: number }>()
      for (const m of await index.liveMunicipalityIds()) {
        const items = await service.list({ municipality: m, from: q.overdueFrom, to: q.upcomingTo, asOf }, viewer)
        out.set(m, {
          overdue: items.filter(o => o.overdue).length,
          upcoming: items.filter(o => o.date >= asOf && o.kind !== 'meeting' && !DONE.includes(o.status) && !o.notRecorded).length,
        })
      }
      return out
    },

    /**
     * Which of these calendars hold each of these occurrences (whoever looks: jobs check visibility per
     * recipient). Decided in memory with `inCalendar` on the occurrences' rows: one read for all
     * calendars, where a query per calendar would read each calendar's whole window. An id that names
     * no occurrence is in no calendar. Returns, per occurrence id, the indexes of the calendars.
     */
    async calendarsHolding (ids: readonly string[], calendars: ReadonlyArray<{ municipality?: SubjectRef; body?: SubjectRef; collaboration?: SubjectRef }>): Promise<Map<string, Set<number>>> {
      await indexService.ready()
      const scopes = await Promise.all(calendars.map(async q => (await calendarOf(q)).scope))
      const rows = new Map<string, OccurrenceRow>()
      for (const r of await index.findMany(ids)) if (indexService.covers({ from: r.date, to: r.date })) rows.set(r.id, r)
      for (const id of ids) {
        if (rows.has(id)) continue
        const r = await findRow(id)
        if (r) rows.set(id, r)
      }
      const out = new Map<string, Set<number>>()
      for (const id of ids) {
        const row = rows.get(id)
        out.set(id, new Set(row ? scopes.flatMap((scope, i) => (inCalendar(row, scope) ? [i] : [])) : []))
      }
      return out
    },

    /** The ids of the occurrences in a calendar and window, whoever looks (jobs check visibility per recipient). */
    async idsInCalendar (q: { municipality?: SubjectRef; body?: SubjectRef; collaboration?: SubjectRef }, window: { from: string; to: string }): Promise<Set<string>> {
      await indexService.ready()
      const { scope } = await calendarOf(q)
      const { rows } = await rowsFor({ ...window, scope, hiddenBodyIds: new Set(), asOf: today() })
      return new Set(rows.map(r => r.id))
    },

    /** The calendar a scope names, for checking rows against it (`inCalendar`). */
    async calendar (q: { municipality?: SubjectRef; body?: SubjectRef; collaboration?: SubjectRef }, ex?: Executor): Promise<CalendarScope> {
      return (await calendarOf(q, ex)).scope
    },
  }
  return service
}
export type OccurrencesService = ReturnType<typeof createOccurrencesService>
