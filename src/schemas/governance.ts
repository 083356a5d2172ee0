import { Type } from 'typebox'
import { OCCURRENCE_STATUSES } from '../domain/vocabulary.js'
import { VALGPERIODE_ANCHORS } from '../domain/valgperiode.js'
import { DateString, Int, Line, ListQueryBase, Nullable, Offset, Slug, Strict, Text, Timestamp } from './common.js'
import type { RuleView } from '../services/rules.js'

const LocalOrDate = Type.String({ format: 'date-or-local-date-time', description: 'YYYY-MM-DD (heldags) eller YYYY-MM-DDTHH:mm (lokal tid Europe/Oslo)' })

const RuleFields = {
  eventType: Line(80, { minLength: 1 }),
  municipality: Type.Optional(Slug),
  collaboration: Type.Optional(Slug),
  responsibleBody: Type.Optional(Nullable(Slug)),
  treatedByBody: Type.Optional(Nullable(Slug)),
  title: Type.Optional(Nullable(Line(200))),
  dtstart: Type.Optional(Line(100, { description: 'RFC 5545: DTSTART;VALUE=DATE:20270630 eller DTSTART;TZID=Europe/Oslo:20270114T180000' })),
  rrule: Type.Optional(Nullable(Line(500))),
  rdates: Type.Optional(Type.Array(LocalOrDate, { maxItems: 400 })),
  exdates: Type.Optional(Type.Array(LocalOrDate, { maxItems: 400 })),
  anchor: Type.Optional(Type.Enum([...VALGPERIODE_ANCHORS])),
  durationMinutes: Type.Optional(Int(1, 1440)),
  reminderOffsetsDays: Type.Optional(Nullable(Type.Array(Int(0, 365), { maxItems: 20 }))),
  enabled: Type.Optional(Type.Boolean()),
  note: Type.Optional(Nullable(Text(2000))),
}
export const RuleCreate = Strict(RuleFields)
const { eventType: _e, municipality: _m, collaboration: _c, ...updatable } = RuleFields
export const RuleUpdate = Strict(updatable, { minProperties: 1 })

export const Rule = Type.Object({
  id: Type.Integer(),
  eventType: Type.String(),
  title: Nullable(Type.String()),
  subject: Type.Object({ type: Type.String(), slug: Type.String(), name: Type.String() }),
  responsibleBody: Nullable(Type.String()),
  treatedByBody: Nullable(Type.String()),
  scheduleType: Type.String(),
  allDay: Type.Boolean(),
  dtstart: Nullable(Type.String()),
  rrule: Nullable(Type.String()),
  rdates: Type.Array(Type.String()),
  exdates: Type.Array(Type.String()),
  anchor: Nullable(Type.String()),
  timeZone: Type.String(),
  durationMinutes: Nullable(Type.Integer()),
  reminderOffsetsDays: Nullable(Type.Array(Type.Integer())),
  origin: Type.String(),
  packageKey: Nullable(Type.String()),
  overridden: Type.Boolean(),
  enabled: Type.Boolean(),
  note: Nullable(Type.String()),
  created: Type.String(),
  modified: Type.String(),
  deleted: Type.Literal(false),
}, { $id: 'Rule' })

/** A rule deleted since `modified_since`: what a syncing client needs to drop its copy. */
export const RuleTombstone = Type.Object({
  id: Type.Integer(), created: Timestamp, modified: Timestamp, deleted: Type.Literal(true),
}, { $id: 'RuleTombstone' })

const { q: _q, ...listQuery } = ListQueryBase
export const RuleQuery = Strict({
  municipality: Type.Optional(Slug),
  collaboration: Type.Optional(Slug),
  body: Type.Optional(Slug),
  eventType: Type.Optional(Line(500, { description: 'Én eller flere nøkler, kommaseparert' })),
  includeDisabled: Type.Optional(Type.Boolean()),
  ...listQuery,
})

/** The most occurrences one page carries; a page has 500 unless `limit` says otherwise. */
export const OCCURRENCES_PAGE_MAX = 5000
export const OCCURRENCES_PAGE_DEFAULT = 500

export const OccurrenceQuery = Strict({
  from: DateString,
  to: DateString,
  municipality: Type.Optional(Slug),
  body: Type.Optional(Slug),
  collaboration: Type.Optional(Slug),
  eventType: Type.Optional(Line(500, { description: 'Én eller flere nøkler, kommaseparert' })),
  status: Type.Optional(Line(200, { description: 'planned, in_progress, delivered, approved, cancelled, overdue (kommaseparert)' })),
  asOf: Type.Optional(DateString),
  limit: Type.Optional(Int(1, OCCURRENCES_PAGE_MAX, { default: OCCURRENCES_PAGE_DEFAULT, description: `Forekomster per side: standard ${OCCURRENCES_PAGE_DEFAULT}, høyst ${OCCURRENCES_PAGE_MAX}` })),
  offset: Type.Optional(Offset),
  modified_since: Type.Optional(Type.String({ format: 'date-time', description: 'Bare forekomster der status eller regel er endret siden; forekomster av regler som er slettet eller slått av siden, kommer som tombstones (deleted: true)' })),
})

export const OccurrencePatch = Strict({
  status: Type.Optional(Type.Enum([...OCCURRENCE_STATUSES])),
  movedTo: Type.Optional(Nullable(LocalOrDate)),
  caseNumber: Type.Optional(Nullable(Line(50))),
  caseUrl: Type.Optional(Nullable(Line(500, { pattern: '^https?://' }))),
  note: Type.Optional(Nullable(Text(2000))),
  deliveredOn: Type.Optional(Nullable(DateString)),
  approvedOn: Type.Optional(Nullable(DateString)),
}, { minProperties: 1 })

export const OccurrenceIdParams = Strict({ id: Type.String({ format: 'occurrence-id', maxLength: 120, description: 'Regel-id + opprinnelig dato: 12-20270630 eller 12-20270114T1800' }) })

const iso = (ms: number) => new Date(ms).toISOString()

/** The API shape of a rule; a deleted rule is a tombstone. */
export function presentRule (v: RuleView) {
  const r = v.rule
  if (r.deleted) return { id: r.id, created: iso(r.created), modified: iso(r.modified), deleted: true as const }
  return {
    id: r.id,
    eventType: r.eventType,
    title: r.title,
    subject: v.subject,
    responsibleBody: v.responsibleBody,
    treatedByBody: v.treatedByBody,
    scheduleType: r.scheduleType,
    allDay: r.allDay,
    dtstart: r.dtstart,
    rrule: r.rrule,
    rdates: r.rdates,
    exdates: r.exdates,
    anchor: r.anchor,
    timeZone: r.timeZone,
    durationMinutes: r.durationMinutes,
    reminderOffsetsDays: r.reminderOffsetsDays,
    origin: r.origin,
    packageKey: r.packageKey,
    overridden: r.overridden,
    enabled: r.enabled,
    note: r.note,
    created: iso(r.created),
    modified: iso(r.modified),
    deleted: false as const,
  }
}

// ── Møteplan (PUT /bodies/:ref/moteplan) ──────────────────────────────────────────────────────────

export const MoteplanQuery = Strict({
  dryRun: Type.Optional(Type.Boolean({ description: 'true: bare forhåndsvis (hva som legges til, tas ut og beholdes); ingenting lagres' })),
  from: Type.Optional(DateString),
  to: Type.Optional(DateString),
})

const MoteplanMeeting = Type.Object({ local: Type.String({ description: 'Lokal tid Europe/Oslo, YYYY-MM-DDTHH:mm' }), occurrenceId: Type.String() })
const KeptMeeting = Type.Object({
  local: Type.String({ description: 'Lokal tid Europe/Oslo, YYYY-MM-DDTHH:mm' }),
  occurrenceId: Type.String({ description: 'Forhåndsvisning: id-en nå; innlasting: id-en etter' }),
  previousOccurrenceId: Nullable(Type.String({ description: 'Id-en før, når et møte fra standardplanen flyttes til den vedtatte planen' })),
})
/** What an adoption adds, removes (cancels) and keeps in its period; the same for a dry run. */
export const MoteplanReply = Type.Object({
  dryRun: Type.Boolean(),
  changed: Type.Boolean({ description: 'Om noe ble lagret (false ved forhåndsvisning og når samme plan lastes inn igjen)' }),
  ruleId: Nullable(Type.Integer({ description: 'Regelen med den vedtatte planen (ved forhåndsvisning: den den ville fått)' })),
  period: Type.Object({ from: DateString, to: DateString }),
  meetings: Type.Integer({ description: 'Møter i planen' }),
  added: Type.Array(Type.Object({ local: Type.String(), durationMinutes: Type.Integer(), occurrenceId: Nullable(Type.String({ description: 'Et avlyst møte som tas inn igjen' })) })),
  removed: Type.Array(MoteplanMeeting, { description: 'Møter i perioden som ikke er i planen: de blir avlyst (STATUS:CANCELLED i kalenderne)' }),
  kept: Type.Array(KeptMeeting, { description: 'Møter i perioden på et tidspunkt planen også har: de beholder status, saksnummer og notat' }),
  warnings: Type.Array(Type.Object({ line: Nullable(Type.Integer()), message: Type.String() })),
}, { $id: 'MoteplanReply' })
