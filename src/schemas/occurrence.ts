// The occurrence read model: "an occurrence as a user sees it" (issue 10). The service hands out
// `OccurrenceItem` (src/services/occurrences.ts: instants as Date/epoch ms); this schema is its JSON
// presentation, and `presentOccurrence` is the one JSON presenter.
import { Type, type Static } from 'typebox'
import { OCCURRENCE_STATUSES } from '../domain/vocabulary.js'
import { Nullable, Timestamp } from './common.js'
import type { OccurrenceItem } from '../services/occurrences.js'
import { occurrenceUrl } from '../presenters/urls.js'

const DateText = Type.String({ description: 'Kalenderdato YYYY-MM-DD (Europe/Oslo)' })
const LocalText = Type.String({ description: 'Lokal tid YYYY-MM-DDTHH:mm (Europe/Oslo)' })

export const OccurrenceBody = Type.Object({
  id: Type.Integer(), slug: Type.String(), name: Type.String(), kind: Type.String(),
})

export const Occurrence = Type.Object({
  id: Type.String({ description: 'Regel-id + opprinnelig dato (RECURRENCE-ID): 12-20270630 eller 12-20270114T1800' }),
  ruleId: Type.Integer(),
  originalKey: Type.String({ description: 'Opprinnelig dato (heldags) eller lokal start' }),
  allDay: Type.Boolean(),
  date: DateText,
  localStart: Nullable(LocalText),
  start: Nullable(Timestamp),
  end: Nullable(Timestamp),
  moved: Type.Boolean(),
  status: Type.Enum([...OCCURRENCE_STATUSES]),
  revision: Type.Integer({ description: 'iCal SEQUENCE: øker når dato, tid eller status endres' }),
  eventType: Type.String(),
  kind: Type.String({ description: 'deadline, meeting, …' }),
  category: Type.String(),
  title: Type.String(),
  subject: Type.Object({ type: Type.Union([Type.Literal('municipality'), Type.Literal('collaboration')]), slug: Type.String(), name: Type.String() }),
  responsibleBody: Nullable(OccurrenceBody),
  treatedBy: Nullable(OccurrenceBody),
  treatingMeeting: Nullable(Type.Object({ id: Type.String(), date: DateText, localStart: Nullable(LocalText) })),
  flags: Type.Object({ weekend: Type.Boolean(), holiday: Nullable(Type.String()), nonWorkingDay: Type.Boolean() }),
  warnings: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
  overdue: Type.Boolean(),
  daysOverdue: Type.Integer(),
  effectiveStatus: Type.String({ description: 'status; overdue når fristen er passert uten levering/godkjenning; not_recorded («ikke registrert») når den falt før registreringsstart og aldri er registrert' }),
  notRecorded: Type.Boolean({ description: '«Ikke registrert»: forfalt før kommunens (samarbeidets) registreringsstart og aldri registrert — historikk, aldri forfalt, aldri påminnet' }),
  trackingFrom: Nullable(Type.String({ description: 'Registreringsstart (YYYY-MM-DD) for kommunen eller samarbeidet; null: registrert fra starten' })),
  tentative: Type.Boolean({ description: '«Foreløpig»: møte fra en standard møteplan som ikke er vedtatt (STATUS:TENTATIVE i kalenderen)' }),
  legalBasis: Type.Array(Type.Object({ act: Type.String(), section: Type.String(), url: Type.String() })),
  basis: Nullable(Type.String()),
  unverified: Nullable(Type.String()),
  requiresDocument: Type.Boolean(),
  requiresApproval: Type.Boolean(),
  reminderOffsetsDays: Type.Array(Type.Integer()),
  caseNumber: Nullable(Type.String()),
  caseUrl: Nullable(Type.String()),
  note: Nullable(Type.String()),
  deliveredOn: Nullable(DateText),
  approvedOn: Nullable(DateText),
  cancelledAt: Nullable(Timestamp),
  daysLate: Nullable(Type.Integer()),
  modified: Timestamp,
  origin: Type.String(),
  url: Type.String(),
  deleted: Type.Literal(false),
}, { $id: 'Occurrence' })
export type Occurrence = Static<typeof Occurrence>

/** An occurrence of a rule deleted since `modified_since`: what a syncing client needs to drop its copy. */
export const OccurrenceTombstone = Type.Object({
  id: Type.String(), modified: Timestamp, deleted: Type.Literal(true),
}, { $id: 'OccurrenceTombstone' })
export type OccurrenceTombstone = Static<typeof OccurrenceTombstone>

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * The one JSON presenter of the read model: exactly the schema's fields, in its order (the list route
 * serialises these with JSON.stringify, so nothing else may slip through).
 */
export function presentOccurrence (o: OccurrenceItem, baseUrl: string): Occurrence {
  return {
    id: o.id,
    ruleId: o.ruleId,
    originalKey: o.originalKey,
    allDay: o.allDay,
    date: o.date,
    localStart: o.localStart,
    // start/end may be TZDate, whose toISOString keeps the zone offset: the API gives UTC.
    start: o.start ? iso(o.start.getTime()) : null,
    end: o.end ? iso(o.end.getTime()) : null,
    moved: o.moved,
    status: o.status,
    revision: o.revision,
    eventType: o.eventType,
    kind: o.kind,
    category: o.category,
    title: o.title,
    subject: o.subject,
    responsibleBody: o.responsibleBody,
    treatedBy: o.treatedBy,
    treatingMeeting: o.treatingMeeting,
    flags: o.flags,
    warnings: o.warnings,
    overdue: o.overdue,
    daysOverdue: o.daysOverdue,
    effectiveStatus: o.effectiveStatus,
    notRecorded: o.notRecorded,
    trackingFrom: o.trackingFrom,
    tentative: o.tentative,
    legalBasis: o.legalBasis.map(l => ({ act: l.act, section: l.section, url: l.url })),
    basis: o.basis,
    unverified: o.unverified,
    requiresDocument: o.requiresDocument,
    requiresApproval: o.requiresApproval,
    reminderOffsetsDays: o.reminderOffsetsDays,
    caseNumber: o.caseNumber,
    caseUrl: o.caseUrl,
    note: o.note,
    deliveredOn: o.deliveredOn,
    approvedOn: o.approvedOn,
    cancelledAt: o.cancelledAt === null ? null : iso(o.cancelledAt),
    daysLate: o.daysLate,
    modified: iso(o.modified),
    origin: o.origin,
    url: occurrenceUrl(baseUrl, o.id),
    deleted: false,
  }
}

export function presentOccurrenceTombstone (t: { id: string; modified: number }): OccurrenceTombstone {
  return { id: t.id, modified: iso(t.modified), deleted: true }
}
