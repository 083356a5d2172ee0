// The expansion engine: from rules, stored states and the register's facts to occurrence rows — the
// dated occurrences with everything about them that does not depend on "today" or on names. The
// occurrence index (services/occurrence-index.ts) stores exactly these rows over its horizon; a
// window outside the horizon is answered by running this engine directly, and the index is tested
// against it (test/services/occurrence-index.test.ts). Pure: the caller supplies every fact.
import { addDays, type CalendarDate } from './calendar-date.js'
import type { LocalDateTime } from './local-time.js'
import { buildOccurrences, compareText, occurrenceId, treatingMeeting, type ExpandableRule, type MeetingRef } from './occurrences.js'
import { OWNER_PREPARATION_TYPE, ownerPreparationKey, OWNER_MEETING_KINDS } from './owner-preparation.js'
import type { ConstitutionDates, ValgperiodeAnchor } from './valgperiode.js'
import type { BodyKind, EventKind, OccurrenceStatus } from './vocabulary.js'

/** A rule as the engine reads it (a stored rule row satisfies this): its schedule, subject and bodies. */
export interface EngineRule extends Omit<ExpandableRule, 'anchor'> {
  eventType: string
  title: string | null
  municipalityId: number | null
  collaborationId: number | null
  subjectKey: string
  responsibleBodyId: number | null
  treatedByBodyId: number | null
  /** A valgperiode anchor as stored (checked when the rule was written). */
  anchor: string | null
  reminderOffsetsDays: number[] | null
  calendarBodyKinds: readonly BodyKind[] | null
  origin: string
  /** Epoch ms. */
  modified: number
}

/** One stored occurrence state (the user's changes to one occurrence). */
export interface EngineState {
  originalKey: string
  status: OccurrenceStatus
  movedTo: string | null
  revision: number
  /** Epoch ms. */
  modified: number
  cancelledAt: number | null
  caseNumber: string | null
  caseUrl: string | null
  note: string | null
  deliveredOn: string | null
  approvedOn: string | null
}

export interface EngineBody { id: number; kind: BodyKind; municipalityId: number | null; collaborationId: number | null; deleted: boolean }
/** A municipality that prepares a jointly owned company's owner meetings: a participant or the host. */
export interface EngineOwner { municipalityId: number; slug: string; formannskapId: number | null }

/** Every fact the engine reads besides the rule itself. */
export interface EngineFacts {
  /** The event type's kind and default calendar body kinds (the catalogue); undefined: unknown type. */
  eventType (key: string): { kind: EventKind; calendarBodyKinds: readonly BodyKind[] } | undefined
  /** Stored states by occurrence id. */
  state (id: string): EngineState | undefined
  constitutionDates (municipalityId: number): ConstitutionDates
  body (id: number): EngineBody | undefined
  /** The owners of a collaboration (participants and host, not deleted), sorted by slug. */
  owners (collaborationId: number): readonly EngineOwner[]
  /** A treating body's meetings that are not cancelled, sorted, over at least [window.from − 366 days, window.to]. */
  meetings (bodyId: number): readonly MeetingRef[]
  /** A municipality's tracking start (go-live, YYYY-MM-DD); null: tracked from the start. */
  municipalityTrackingFrom (municipalityId: number): CalendarDate | null
  /**
   * A collaboration's tracking start: its own, else the earliest of its owners' in the region
   * (participants and host), null when it has none of its own and such an owner is tracked from the
   * start (or it has no owner in the region).
   */
  collaborationTrackingFrom (collaborationId: number): CalendarDate | null
}

/**
 * A row's tracking start is its subject's: the collaboration's for a collaboration's item, else the
 * municipality's whose calendar it is in (an owner's preparation: the owner's). A function of the
 * row's (municipalityId, collaborationId) alone, so the index can set it in place when a tracking
 * start changes (services/occurrence-index.ts).
 */
export function rowTrackingFrom (row: { municipalityId: number | null; collaborationId: number | null }, facts: Pick<EngineFacts, 'municipalityTrackingFrom' | 'collaborationTrackingFrom'>): CalendarDate | null {
  if (row.collaborationId !== null) return facts.collaborationTrackingFrom(row.collaborationId)
  return row.municipalityId !== null ? facts.municipalityTrackingFrom(row.municipalityId) : null
}

/** One occurrence as the index stores it: nothing here depends on today's date or on anyone's name. */
export interface OccurrenceRow {
  id: string
  ruleId: number
  originalKey: string
  eventType: string
  kind: EventKind
  /** The municipality whose calendar it is in: the rule's, its responsible body's, or (owner preparation) the owner. */
  municipalityId: number | null
  /** The rule's collaboration (null for an owner's preparation, which is the owner's own task). */
  collaborationId: number | null
  responsibleBodyId: number | null
  treatedByBodyId: number | null
  /** Another body the item reveals (an owner preparation's meeting body): hidden with it. */
  relatedBodyId: number | null
  /** One participant's own item in a collaboration: only in that participant's calendar. */
  memberSpecific: boolean
  /** The kinds of the owner's bodies whose calendars show it (besides the responsible and treating body's). */
  calendarKinds: readonly string[]
  allDay: boolean
  /** The effective local date (after a move). */
  date: CalendarDate
  localStart: LocalDateTime | null
  /** Epoch ms. */
  startMs: number | null
  endMs: number | null
  moved: boolean
  status: OccurrenceStatus
  /** The iCal SEQUENCE: goes up when the date, time or status changes. */
  revision: number
  /** Epoch ms: the latest change to the rule or the stored state. */
  modified: number
  cancelledAt: number | null
  caseNumber: string | null
  caseUrl: string | null
  note: string | null
  deliveredOn: string | null
  approvedOn: string | null
  /** The rule's own title (null: the event type's name, or for an owner preparation, derived from its meeting body). */
  title: string | null
  reminderOffsetsDays: number[] | null
  origin: string
  treatingMeetingId: string | null
  treatingMeetingDate: CalendarDate | null
  treatingMeetingLocalStart: LocalDateTime | null
  /** The subject's go-live date (issue 12): items due before it are "ikke registrert", never overdue. */
  trackingFrom: CalendarDate | null
}

export interface EngineWindow { from: CalendarDate; to: CalendarDate }

/** The engine's rule as the expansion reads it (its valgperiode anchor was checked when it was written). */
const expandable = (rule: EngineRule): ExpandableRule => ({ ...rule, anchor: rule.anchor as ValgperiodeAnchor | null })
const inWindow = (date: CalendarDate, w: EngineWindow) => date >= w.from && date <= w.to

/** What a user recorded on one occurrence: its case, note and when it was delivered or approved. */
const caseOf = (s: EngineState | undefined) => ({
  caseNumber: s?.caseNumber ?? null,
  caseUrl: s?.caseUrl ?? null,
  note: s?.note ?? null,
  deliveredOn: s?.deliveredOn ?? null,
  approvedOn: s?.approvedOn ?? null,
})

/**
 * The meetings of a body's meeting rules that are not cancelled, over [window.from − 366 days,
 * window.to]: what `treatingMeeting` chooses from. Sorted by date and time.
 */
export function meetingRefs (meetingRules: readonly EngineRule[], state: (id: string) => EngineState | undefined, window: EngineWindow): MeetingRef[] {
  return buildOccurrences(meetingRules.map(expandable), { get: state }, { from: addDays(window.from, -366), to: window.to })
    .filter(o => o.status !== 'cancelled')
    .map(o => ({ id: o.id, date: o.date, localStart: o.localStart }))
}

/** The one order of occurrences everywhere: date, then local start (all-day first), then id. */
export function compareRows (a: { date: string; localStart: string | null; id: string }, b: { date: string; localStart: string | null; id: string }): number {
  return compareText(a.date, b.date) || compareText(a.localStart ?? '', b.localStart ?? '') || compareText(a.id, b.id)
}

/**
 * The rows of one rule whose effective date lies in the window: its own occurrences with stored
 * state and treating meeting; for an owner meeting of a jointly owned company (representantskap,
 * generalforsamling), each owner's preparation deadline the day before (KS recommendations 6 and 8).
 */
export function ruleRows (rule: EngineRule, facts: EngineFacts, window: EngineWindow): OccurrenceRow[] {
  const type = facts.eventType(rule.eventType)
  const kind: EventKind = type?.kind ?? 'deadline'
  const responsible = rule.responsibleBodyId !== null ? facts.body(rule.responsibleBodyId) : undefined
  const municipalityId = rule.municipalityId ?? responsible?.municipalityId ?? null
  // A collaboration's rule for one participant (the § 27 conversion) counts from that participant's K_E.
  const constitutionDates = municipalityId !== null ? facts.constitutionDates(municipalityId) : {}
  const owners = rule.eventType === 'mote' && rule.collaborationId !== null && responsible && !responsible.deleted && OWNER_MEETING_KINDS.has(responsible.kind)
    ? facts.owners(rule.collaborationId)
    : []
  const meetings = rule.treatedByBodyId !== null && kind !== 'meeting' ? facts.meetings(rule.treatedByBodyId) : []
  const trackingFrom = rowTrackingFrom({ municipalityId, collaborationId: rule.collaborationId }, facts)
  const out: OccurrenceRow[] = []
  // Owner preparations fall the day before their meeting, so meetings one day past the window count.
  const wider = owners.length ? { from: window.from, to: addDays(window.to, 1) } : window
  for (const o of buildOccurrences([expandable(rule)], { get: facts.state }, wider, constitutionDates)) {
    const s = facts.state(o.id)
    const startMs = o.start?.getTime() ?? null
    const row: OccurrenceRow = {
      id: o.id,
      ruleId: rule.id,
      originalKey: o.originalKey,
      eventType: rule.eventType,
      kind,
      municipalityId,
      collaborationId: rule.collaborationId,
      responsibleBodyId: rule.responsibleBodyId,
      treatedByBodyId: rule.treatedByBodyId,
      relatedBodyId: null,
      memberSpecific: rule.subjectKey.includes(':m:'),
      calendarKinds: kind === 'meeting' ? [] : rule.calendarBodyKinds ?? type?.calendarBodyKinds ?? [],
      allDay: rule.allDay,
      date: o.date,
      localStart: o.localStart,
      startMs,
      endMs: o.end?.getTime() ?? null,
      moved: o.moved,
      status: o.status,
      revision: o.revision,
      modified: Math.max(s?.modified ?? 0, rule.modified),
      cancelledAt: s?.cancelledAt ?? null,
      ...caseOf(s),
      title: rule.title,
      reminderOffsetsDays: rule.reminderOffsetsDays,
      origin: rule.origin,
      treatingMeetingId: null,
      treatingMeetingDate: null,
      treatingMeetingLocalStart: null,
      trackingFrom,
    }
    if (rule.treatedByBodyId !== null && kind !== 'meeting') {
      const m = treatingMeeting(o.date, meetings)
      if (m) Object.assign(row, { treatingMeetingId: m.id, treatingMeetingDate: m.date, treatingMeetingLocalStart: m.localStart })
    }
    if (inWindow(o.date, window)) out.push(row)
    for (const owner of owners) {
      const prep = preparationRow(row, owner, facts)
      if (inWindow(prep.date, window)) out.push(prep)
    }
  }
  return out
}

/**
 * An owner's preparation of one owner meeting: due the day before the meeting, treated by the owner's
 * formannskap (at its last meeting before). It follows the meeting (a moved meeting moves it; a cancelled one cancels it unless
 * the owner has already delivered), and has its own state for status, case reference and note.
 */
function preparationRow (meeting: OccurrenceRow, owner: EngineOwner, facts: EngineFacts): OccurrenceRow {
  const originalKey = ownerPreparationKey(meeting.originalKey, owner.slug)
  const id = occurrenceId(meeting.ruleId, originalKey)
  const s = facts.state(id)
  const done = s?.status === 'delivered' || s?.status === 'approved'
  const cancelledByMeeting = meeting.status === 'cancelled' && !done && s?.status !== 'cancelled'
  const date = addDays(meeting.date, -1)
  const treating = owner.formannskapId !== null ? treatingMeeting(date, facts.meetings(owner.formannskapId)) : null
  return {
    ...meeting,
    id,
    originalKey,
    eventType: OWNER_PREPARATION_TYPE,
    kind: 'deadline',
    municipalityId: owner.municipalityId,
    collaborationId: null,
    responsibleBodyId: owner.formannskapId,
    treatedByBodyId: owner.formannskapId,
    relatedBodyId: meeting.responsibleBodyId,
    memberSpecific: false,
    calendarKinds: [],
    allDay: true,
    date,
    localStart: null,
    startMs: null,
    endMs: null,
    moved: meeting.moved,
    status: cancelledByMeeting ? 'cancelled' : s?.status ?? 'planned',
    revision: meeting.revision + (s?.revision ?? 0),
    modified: Math.max(meeting.modified, s?.modified ?? 0),
    cancelledAt: cancelledByMeeting ? meeting.cancelledAt : s?.cancelledAt ?? null,
    ...caseOf(s),
    title: null,
    reminderOffsetsDays: null,
    origin: 'derived',
    treatingMeetingId: treating?.id ?? null,
    treatingMeetingDate: treating?.date ?? null,
    treatingMeetingLocalStart: treating?.localStart ?? null,
    trackingFrom: facts.municipalityTrackingFrom(owner.municipalityId),
  }
}

/** Which calendar a query reads: a municipality's (with the collaborations it takes part in or hosts), a body's or a collaboration's. */
export type CalendarScope =
  | { type: 'municipality'; id: number; involvedCollaborationIds: ReadonlySet<number> }
  | { type: 'body'; body: { id: number; kind: BodyKind; municipalityId: number | null; collaborationId: number | null } }
  | { type: 'collaboration'; id: number }
  | { type: 'all' }

/**
 * Whether a row is in a calendar. A municipality's calendar: its own items and those of the
 * collaborations it takes part in or hosts (except other participants' own items). A body's: what it
 * is responsible for or treats, and its owner's items of the kinds shown in its calendar.
 */
export function inCalendar (row: OccurrenceRow, scope: CalendarScope): boolean {
  switch (scope.type) {
    case 'all': return true
    case 'collaboration': return row.collaborationId === scope.id
    case 'municipality':
      return row.municipalityId === scope.id || (row.collaborationId !== null && !row.memberSpecific && scope.involvedCollaborationIds.has(row.collaborationId))
    case 'body': {
      const b = scope.body
      if (row.responsibleBodyId === b.id || row.treatedByBodyId === b.id) return true
      if (row.eventType === 'mote' || row.memberSpecific || !row.calendarKinds.includes(b.kind)) return false
      return b.municipalityId !== null ? row.collaborationId === null && row.municipalityId === b.municipalityId : row.collaborationId === b.collaborationId
    }
  }
}

/** A row is hidden from a viewer when any body it names is a private body the viewer may not see. */
export function rowVisible (row: OccurrenceRow, hiddenBodyIds: ReadonlySet<number>): boolean {
  if (hiddenBodyIds.size === 0) return true
  return !(row.responsibleBodyId !== null && hiddenBodyIds.has(row.responsibleBodyId)) &&
    !(row.treatedByBodyId !== null && hiddenBodyIds.has(row.treatedByBodyId)) &&
    !(row.relatedBodyId !== null && hiddenBodyIds.has(row.relatedBodyId))
}
