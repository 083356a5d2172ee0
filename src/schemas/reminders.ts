import { Type } from 'typebox'
import { DateString, Id, Int, Line, ListOf, ListQueryBase, Name, Nullable, Slug, Strict, Timestamp, Year } from './common.js'

/** OParl paging and sync: limit, offset, modified_since. */
const Paging = { limit: ListQueryBase.limit, offset: ListQueryBase.offset, modified_since: ListQueryBase.modified_since }

const Email = Type.String({ format: 'email', maxLength: 254 })
const WebhookUrl = Line(500, { pattern: '^https?://', description: 'https:// (http:// only for tests and internal receivers)' })
const WebhookSecret = Line(200, { minLength: 16, description: 'HMAC-SHA256-nøkkel; utelat for å få en generert (vises bare én gang)' })
const EventTypes = Type.Array(Line(80, { minLength: 1 }), { minItems: 1, maxItems: 100, uniqueItems: true })

export const SubscriptionCreate = Strict({
  name: Name(),
  email: Type.Optional(Email),
  webhookUrl: Type.Optional(WebhookUrl),
  webhookSecret: Type.Optional(WebhookSecret),
  municipality: Type.Optional(Slug),
  collaboration: Type.Optional(Slug),
  body: Type.Optional(Slug),
  eventTypes: Type.Optional(EventTypes),
  digest: Type.Optional(Type.Boolean({ description: 'Ukeoversikten for kommunen (forfalt + neste 30 dager)' })),
  includeTentative: Type.Optional(Type.Boolean({ description: 'Også påminnelser om foreløpige møter (standard møteplan, ikke vedtatt); standard: nei' })),
  active: Type.Optional(Type.Boolean()),
})

/** Giving any of municipality, collaboration, body replaces the whole scope. */
export const SubscriptionUpdate = Strict({
  name: Type.Optional(Name()),
  email: Type.Optional(Email),
  webhookUrl: Type.Optional(WebhookUrl),
  webhookSecret: Type.Optional(WebhookSecret),
  municipality: Type.Optional(Nullable(Slug)),
  collaboration: Type.Optional(Nullable(Slug)),
  body: Type.Optional(Nullable(Slug)),
  eventTypes: Type.Optional(Nullable(EventTypes)),
  digest: Type.Optional(Type.Boolean()),
  includeTentative: Type.Optional(Type.Boolean()),
  active: Type.Optional(Type.Boolean()),
}, { minProperties: 1 })

export const Subscription = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  channel: Type.Union([Type.Literal('email'), Type.Literal('webhook')]),
  email: Nullable(Type.String()),
  webhookUrl: Nullable(Type.String()),
  webhookSecretSet: Type.Boolean(),
  /** Only in the reply that created or rotated a generated secret. */
  webhookSecret: Type.Optional(Type.String()),
  municipality: Nullable(Type.String()),
  collaboration: Nullable(Type.String()),
  body: Nullable(Type.String()),
  eventTypes: Nullable(Type.Array(Type.String())),
  digest: Type.Boolean(),
  includeTentative: Type.Boolean({ description: 'Får også påminnelser om foreløpige møter' }),
  active: Type.Boolean(),
  receivesEscalations: Type.Boolean({ description: 'Abonnerer på kommunedirektøren: får eskaleringer for kommunens frister' }),
  created: Timestamp,
  modified: Timestamp,
}, { $id: 'Subscription' })

/** A deleted subscription, listed only under modified_since. */
export const SubscriptionTombstone = Type.Object({
  id: Type.Integer(), created: Timestamp, modified: Timestamp, deleted: Type.Literal(true),
}, { $id: 'SubscriptionTombstone' })
export const SubscriptionList = ListOf(Type.Union([Subscription, SubscriptionTombstone]))

export const SubscriptionQuery = Strict({
  municipality: Type.Optional(Slug),
  channel: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('webhook')])),
  active: Type.Optional(Type.Boolean()),
  ...Paging,
})

export const SubscriptionIdParams = Strict({ id: Id })

const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const

export const DeliveryQuery = Strict({
  status: Type.Optional(Type.Enum([...OUTBOX_STATUSES])),
  occurrence: Type.Optional(Type.String({ format: 'occurrence-id', maxLength: 120 })),
  channel: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('webhook')])),
  municipality: Type.Optional(Slug),
  ...Paging,
})

export const Delivery = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  occurrenceId: Nullable(Type.String()),
  reminderKey: Type.String(),
  recipient: Type.String(),
  channel: Type.String(),
  subscriptionId: Type.Integer(),
  municipality: Nullable(Type.String()),
  sendOn: Type.String(),
  dueDate: Nullable(Type.String()),
  status: Type.Enum([...OUTBOX_STATUSES]),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Type.String()),
  lastAttemptAt: Nullable(Type.String()),
  sentAt: Nullable(Type.String()),
  lastError: Nullable(Type.String()),
  lastResponse: Nullable(Type.String()),
  messageId: Type.String(),
  created: Type.String(),
}, { $id: 'Delivery' })
export const DeliveryList = ListOf(Delivery)

/**
 * A report pages like any list, but without a default limit in the schema: the route gives JSON 100
 * rows by default and CSV every row (a schema default would cut a long CSV at 100 rows).
 */
const ReportPaging = { ...Paging, limit: Type.Optional(Int(1, 500, { description: 'JSON: 100 hvis utelatt; CSV: alle rader hvis utelatt' })) }

const Scope = {
  municipality: Type.Optional(Slug),
  body: Type.Optional(Slug),
  collaboration: Type.Optional(Slug),
  eventType: Type.Optional(Line(500, { description: 'Én eller flere nøkler, kommaseparert' })),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'csv: UTF-8 med BOM, semikolon, datoer dd.mm.åååå (norsk Excel); alle rader uten limit/offset' })),
  ...ReportPaging,
}

export const OverdueReportQuery = Strict({
  ...Scope,
  asOf: Type.Optional(DateString),
  from: Type.Optional({ ...DateString, description: 'Frister fra og med denne datoen (standard: ett år før asOf)' }),
  includeNotRecorded: Type.Optional(Type.Boolean({ description: 'Ta med det som er «ikke registrert» (forfalt før registreringsstart, aldri registrert) med status not_recorded' })),
})

export const UpcomingReportQuery = Strict({
  ...Scope,
  asOf: Type.Optional(DateString),
  days: Type.Optional(Int(1, 366, { default: 30 })),
  meetings: Type.Optional(Type.Boolean({ description: 'Ta med møter (standard: bare frister, rapporter og planer)' })),
})

export const LateReportQuery = Strict({
  ...Scope,
  year: Type.Optional(Year()),
  asOf: Type.Optional(DateString),
})

const Ref = Nullable(Type.Object({ slug: Type.String(), name: Type.String() }))
const ReportRowBase = {
  id: Type.String(),
  eventType: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  subject: Type.Object({ type: Type.String(), slug: Type.String(), name: Type.String() }),
  responsibleBody: Ref,
  dueDate: Type.String(),
  localStart: Nullable(Type.String()),
  status: Type.String(),
  caseNumber: Nullable(Type.String()),
  caseUrl: Nullable(Type.String()),
  url: Type.String(),
}

export const OverdueRow = Type.Object({ ...ReportRowBase, daysOverdue: Type.Integer(), lastReminderSentAt: Nullable(Type.String()) })
export const UpcomingRow = Type.Object({ ...ReportRowBase, daysLeft: Type.Integer(), treatingMeeting: Nullable(Type.Object({ date: Type.String(), localStart: Nullable(Type.String()) })) })
export const LateRow = Type.Object({ ...ReportRowBase, done: Type.Boolean(), doneOn: Nullable(Type.String()), daysLate: Type.Integer() })

/** A report is an OParl list of its rows, plus the window it covers. */
export const OverdueReport = Type.Object({ ...ListOf(OverdueRow).properties, asOf: DateString, from: DateString })
export const UpcomingReport = Type.Object({ ...ListOf(UpcomingRow).properties, asOf: DateString, to: DateString })
export const LateReport = Type.Object({ ...ListOf(LateRow).properties, year: Type.Integer(), asOf: DateString })
