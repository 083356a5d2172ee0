import { Type, type Static } from 'typebox'
import { VALGPERIODE_ANCHORS } from '../domain/valgperiode.js'
import { BODY_KINDS, EVENT_CATEGORIES, EVENT_KINDS, LEGAL_FORMS, MUNICIPALITY_KINDS } from '../domain/vocabulary.js'

export { VALGPERIODE_ANCHORS, type ValgperiodeAnchor } from '../domain/valgperiode.js'

export const BASES = ['law', 'law_original_text', 'practice', 'interpretation'] as const
export type Basis = typeof BASES[number]

/** Where a package entry finds its bodies: the subject itself, the host municipality, or every participant. */
export const BODY_OWNERS = ['self', 'host', 'participants'] as const
export type BodyOwner = typeof BODY_OWNERS[number]

export const DTSTART_DATE_PATTERN = '^DTSTART;VALUE=DATE:\\d{8}$'
export const DTSTART_TIMED_PATTERN = '^DTSTART;TZID=Europe/Oslo:\\d{8}T\\d{4}00$'

const Key = Type.String({ pattern: '^[a-z][a-z0-9_]*$' })
const NonEmpty = Type.String({ minLength: 1 })
const BodyKindSchema = Type.Enum(BODY_KINDS)

export const LocalizedName = Type.Object({
  nb: NonEmpty,
  en: NonEmpty,
}, { additionalProperties: false })
export type LocalizedName = Static<typeof LocalizedName>

export const LegalReference = Type.Object({
  act: NonEmpty,
  section: NonEmpty,
  url: Type.String({ pattern: '^https://lovdata\\.no/(lov|forskrift)/\\d{4}-\\d{2}-\\d{2}-\\d+(/\\S*)?$' }),
}, { additionalProperties: false })
export type LegalReference = Static<typeof LegalReference>

export const RruleSchedule = Type.Object({
  type: Type.Literal('rrule'),
  dtstart: Type.String({ pattern: `${DTSTART_DATE_PATTERN}|${DTSTART_TIMED_PATTERN}` }),
  rrule: NonEmpty,
}, { additionalProperties: false })
export type RruleSchedule = Static<typeof RruleSchedule>

export const ValgperiodeSchedule = Type.Object({
  type: Type.Literal('valgperiode'),
  anchor: Type.Enum(VALGPERIODE_ANCHORS),
}, { additionalProperties: false })
export type ValgperiodeSchedule = Static<typeof ValgperiodeSchedule>

export const OnceSchedule = Type.Object({
  type: Type.Literal('once'),
  date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
}, { additionalProperties: false })
export type OnceSchedule = Static<typeof OnceSchedule>

export const MoteplanSchedule = Type.Object({
  type: Type.Literal('moteplan'),
}, { additionalProperties: false })
export type MoteplanSchedule = Static<typeof MoteplanSchedule>

export const ManualSchedule = Type.Object({
  type: Type.Literal('manual'),
}, { additionalProperties: false })
export type ManualSchedule = Static<typeof ManualSchedule>

export const Schedule = Type.Union([RruleSchedule, ValgperiodeSchedule, OnceSchedule, MoteplanSchedule, ManualSchedule])
export type Schedule = Static<typeof Schedule>

export const Timing = Type.Union([
  Type.Object({ allDay: Type.Literal(true) }, { additionalProperties: false }),
  Type.Object({
    allDay: Type.Literal(false),
    durationMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  }, { additionalProperties: false }),
])
export type Timing = Static<typeof Timing>

const ReminderOffsets = Type.Array(Type.Integer({ minimum: 0, maximum: 1461 }))

export const EventType = Type.Object({
  key: Key,
  name: LocalizedName,
  description: NonEmpty,
  legalBasis: Type.Array(LegalReference),
  basis: Type.Enum(BASES),
  unverified: Type.Union([NonEmpty, Type.Null()]),
  kind: Type.Enum(EVENT_KINDS),
  category: Type.Enum(EVENT_CATEGORIES),
  responsibleBodyKind: BodyKindSchema,
  treatedByBodyKind: Type.Union([BodyKindSchema, Type.Null()]),
  calendarBodyKinds: Type.Array(BodyKindSchema, { minItems: 1 }),
  schedule: Schedule,
  timing: Timing,
  reminderOffsetsDays: ReminderOffsets,
  requiresDocument: Type.Boolean(),
  requiresApproval: Type.Boolean(),
  // S1–S16 are the source ids of the domain file; other ids name the seed documents.
  sources: Type.Array(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }), { minItems: 1 }),
}, { additionalProperties: false })
export type EventType = Static<typeof EventType>

export const PackageEntry = Type.Object({
  eventType: Key,
  responsibleBodyKind: Type.Optional(BodyKindSchema),
  treatedByBodyKind: Type.Optional(Type.Union([BodyKindSchema, Type.Null()])),
  calendarBodyKinds: Type.Optional(Type.Array(BodyKindSchema, { minItems: 1 })),
  reminderOffsetsDays: Type.Optional(ReminderOffsets),
  bodyOwner: Type.Optional(Type.Enum(BODY_OWNERS)),
  /**
   * Municipality packages only: the kinds of unit the entry is for (absent: every kind). KOSTRA's
   * forms on health and care, social assistance and child welfare concern kommuner, not fylkeskommuner.
   */
  municipalityKinds: Type.Optional(Type.Array(Type.Enum(MUNICIPALITY_KINDS), { minItems: 1 })),
}, { additionalProperties: false })
export type PackageEntry = Static<typeof PackageEntry>

export const MunicipalityAppliesTo = Type.Object({
  subject: Type.Literal('municipality'),
  inRegionOnly: Type.Boolean(),
}, { additionalProperties: false })
export type MunicipalityAppliesTo = Static<typeof MunicipalityAppliesTo>

/** A collaboration matches when its legal form is listed or its slug is listed. */
export const CollaborationAppliesTo = Type.Object({
  subject: Type.Literal('collaboration'),
  legalForms: Type.Array(Type.Enum(LEGAL_FORMS)),
  slugs: Type.Array(Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' })),
  onlyActive: Type.Boolean(),
}, { additionalProperties: false })
export type CollaborationAppliesTo = Static<typeof CollaborationAppliesTo>

export const Package = Type.Object({
  key: Key,
  name: NonEmpty,
  description: NonEmpty,
  appliesTo: Type.Union([MunicipalityAppliesTo, CollaborationAppliesTo]),
  eventTypes: Type.Array(PackageEntry, { minItems: 1 }),
}, { additionalProperties: false })
export type Package = Static<typeof Package>

export const Moteplan = Type.Object({
  bodyKind: BodyKindSchema,
  label: NonEmpty,
  dtstart: Type.String({ pattern: DTSTART_TIMED_PATTERN }),
  rrule: NonEmpty,
  durationMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  note: NonEmpty,
}, { additionalProperties: false })
export type Moteplan = Static<typeof Moteplan>
