import { sql } from 'drizzle-orm'
import type { BodyKind, LegalForm } from '../domain/vocabulary.js'
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

// Instants are INTEGER epoch ms; calendar dates are TEXT 'YYYY-MM-DD'; wall-clock times TEXT 'YYYY-MM-DDTHH:mm' + zone.
// Deleted rows stay as tombstones (OParl 1.1 soft delete) so clients can sync with modified_since.
const lifecycle = {
  created: integer('created').notNull(),
  modified: integer('modified').notNull(),
  deleted: integer('deleted', { mode: 'boolean' }).notNull().default(false),
}

export const municipalities = sqliteTable('municipality', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  kind: text('kind', { enum: ['kommune', 'fylkeskommune'] }).notNull(),
  county: text('county'),
  organisasjonsnummer: text('organisasjonsnummer'),
  // SSB's four-digit kommunenummer (fylkeskommuner: the two-digit fylkesnummer); null for bodies outside the official list.
  kommunenummer: text('kommunenummer'),
  inRegion: integer('in_region', { mode: 'boolean' }).notNull().default(false),
  // The go-live date (YYYY-MM-DD): items due before it are "ikke registrert", never overdue. Null: tracked from the start.
  trackingFrom: text('tracking_from'),
  ...lifecycle,
}, t => [index('municipality_modified_idx').on(t.modified), uniqueIndex('municipality_kommunenummer_idx').on(t.kommunenummer)])

export const collaborations = sqliteTable('collaboration', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  legalForm: text('legal_form').$type<LegalForm>().notNull(),
  legalFormRaw: text('legal_form_raw'),
  area: text('area'),
  hostMunicipalityId: integer('host_municipality_id').references(() => municipalities.id),
  parentId: integer('parent_id').references((): any => collaborations.id),
  status: text('status', { enum: ['active', 'terminated'] }).notNull().default('active'),
  terminatedOn: text('terminated_on'),
  statusNote: text('status_note'),
  otherParticipants: text('other_participants'),
  comment: text('comment'),
  validFrom: text('valid_from'),
  validTo: text('valid_to'),
  // As municipality.tracking_from, for the collaboration's own items.
  trackingFrom: text('tracking_from'),
  ...lifecycle,
}, t => [index('collaboration_modified_idx').on(t.modified), index('collaboration_area_idx').on(t.area)])

export const participations = sqliteTable('participation', {
  collaborationId: integer('collaboration_id').notNull().references(() => collaborations.id, { onDelete: 'cascade' }),
  municipalityId: integer('municipality_id').notNull().references(() => municipalities.id),
  role: text('role', { enum: ['deltaker', 'vertskommune', 'eier'] }).notNull(),
  ownershipShare: real('ownership_share'),
}, t => [primaryKey({ columns: [t.collaborationId, t.municipalityId] }), index('participation_municipality_idx').on(t.municipalityId)])

export const bodies = sqliteTable('body', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  kind: text('kind').$type<BodyKind>().notNull(),
  municipalityId: integer('municipality_id').references(() => municipalities.id),
  collaborationId: integer('collaboration_id').references(() => collaborations.id),
  feedVisibility: text('feed_visibility', { enum: ['public', 'private'] }).notNull().default('public'),
  feedSecretHash: text('feed_secret_hash'),
  ...lifecycle,
}, t => [
  // A body belongs to exactly one owner: a municipality or a collaboration.
  check('body_one_owner', sql`(${t.municipalityId} IS NULL) <> (${t.collaborationId} IS NULL)`),
  index('body_municipality_idx').on(t.municipalityId),
  index('body_collaboration_idx').on(t.collaborationId),
])

// People who sign in (issue 14). `email` is stored lower-cased and is the identity across providers;
// verified by a sign-in link or by a provider that vouches for it. 'app_user': USER is reserved in SQL.
export const users = sqliteTable('app_user', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  emailVerifiedAt: integer('email_verified_at'),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  lastSignInAt: integer('last_sign_in_at'),
  created: integer('created').notNull(),
  modified: integer('modified').notNull(),
})

// A user's roles: admin (no scope), editor of one municipality, sekretariat of one kontrollutvalg (a body).
// `source` says who granted it: 'manual' (an admin or the CLI) or 'provider:<id>' (replaced at each
// sign-in with that provider). `scope_key` ('', 'm:<id>', 'b:<id>') makes the triple unique, as SQLite
// treats NULLs in unique indexes as distinct.
export const userRoles = sqliteTable('user_role', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  role: text('role', { enum: ['admin', 'editor', 'sekretariat'] }).notNull(),
  municipalityId: integer('municipality_id').references(() => municipalities.id),
  bodyId: integer('body_id').references(() => bodies.id),
  scopeKey: text('scope_key').notNull(),
  source: text('source').notNull().default('manual'),
  created: integer('created').notNull(),
}, t => [
  check('user_role_scope', sql`(${t.role} = 'admin' AND ${t.municipalityId} IS NULL AND ${t.bodyId} IS NULL)
    OR (${t.role} = 'editor' AND ${t.municipalityId} IS NOT NULL AND ${t.bodyId} IS NULL)
    OR (${t.role} = 'sekretariat' AND ${t.bodyId} IS NOT NULL AND ${t.municipalityId} IS NULL)`),
  uniqueIndex('user_role_uq').on(t.userId, t.role, t.scopeKey, t.source),
  index('user_role_user_idx').on(t.userId),
])

// Server-side sessions: the cookie holds a 256-bit secret, the table only its SHA-256. Sign-out sets
// revoked_at; a session ends at expires_at (absolute) or after the idle timeout since last_seen_at.
export const sessions = sqliteTable('session', {
  idHash: text('id_hash').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  // How the person signed in: 'link' or 'oidc:<provider id>'.
  method: text('method').notNull(),
  created: integer('created').notNull(),
  lastSeenAt: integer('last_seen_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  revokedAt: integer('revoked_at'),
}, t => [index('session_user_idx').on(t.userId), index('session_expires_idx').on(t.expiresAt)])

// Single-use sign-in links (CLI, first start, e-mail): only the hash of the link's secret is stored.
export const loginLinks = sqliteTable('login_link', {
  tokenHash: text('token_hash').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  created: integer('created').notNull(),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
}, t => [index('login_link_user_idx').on(t.userId)])

// An OpenID Connect sign-in under way: the state (hashed), its PKCE verifier and nonce, for ten minutes.
// In the database, not in memory, so the callback may reach another instance.
export const signInStates = sqliteTable('sign_in_state', {
  stateHash: text('state_hash').primaryKey(),
  provider: text('provider').notNull(),
  codeVerifier: text('code_verifier').notNull(),
  nonce: text('nonce').notNull(),
  returnTo: text('return_to').notNull(),
  created: integer('created').notNull(),
  expiresAt: integer('expires_at').notNull(),
})

// Secrets the deployment makes for itself on first start and every instance shares (the CSRF token key).
export const appSecrets = sqliteTable('app_secret', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  created: integer('created').notNull(),
})

export const apiTokens = sqliteTable('api_token', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  label: text('label').notNull(),
  role: text('role', { enum: ['admin', 'editor'] }).notNull(),
  municipalityId: integer('municipality_id').references(() => municipalities.id),
  // The person the token belongs to, if any: the audit log names them.
  userId: integer('user_id').references(() => users.id),
  tokenHash: text('token_hash').notNull().unique(),
  created: integer('created').notNull(),
  revokedAt: integer('revoked_at'),
  lastUsedAt: integer('last_used_at'),
})

export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: integer('at').notNull(),
  tokenId: integer('token_id').references(() => apiTokens.id),
  // The person who made the change (signed in, or owner of the token); null for system jobs.
  userId: integer('user_id').references(() => users.id),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  entityType: text('entity_type').notNull(),
  entityId: text('entity_id').notNull(),
  before: text('before', { mode: 'json' }),
  after: text('after', { mode: 'json' }),
}, t => [index('audit_entity_idx').on(t.entityType, t.entityId), index('audit_at_idx').on(t.at)])

// A governance rule: an event type for one subject, as RRULE/RDATE/EXDATE or a valgperiode anchor.
export const rules = sqliteTable('rule', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  eventType: text('event_type').notNull(),
  title: text('title'),
  municipalityId: integer('municipality_id').references(() => municipalities.id),
  collaborationId: integer('collaboration_id').references(() => collaborations.id),
  // 'm:<id>' or 'c:<id>': one non-null column for uniqueness (SQLite treats NULLs in unique indexes as distinct).
  subjectKey: text('subject_key').notNull(),
  // The body whose meetings this rule is (møteplan), or which must act.
  responsibleBodyId: integer('responsible_body_id').references(() => bodies.id),
  treatedByBodyId: integer('treated_by_body_id').references(() => bodies.id),
  scheduleType: text('schedule_type', { enum: ['rrule', 'valgperiode', 'dates'] }).notNull(),
  allDay: integer('all_day', { mode: 'boolean' }).notNull(),
  dtstart: text('dtstart'),
  timeZone: text('time_zone').notNull().default('Europe/Oslo'),
  rrule: text('rrule'),
  rdates: text('rdates', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  exdates: text('exdates', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  anchor: text('anchor'),
  durationMinutes: integer('duration_minutes'),
  reminderOffsetsDays: text('reminder_offsets_days', { mode: 'json' }).$type<number[] | null>(),
  // Which body kinds' calendars show it; null = the event type's default.
  calendarBodyKinds: text('calendar_body_kinds', { mode: 'json' }).$type<BodyKind[] | null>(),
  // package: created by a governance package; moteplan_default / moteplan_adopted: a body's meetings; manual: by a user.
  origin: text('origin', { enum: ['package', 'moteplan_default', 'moteplan_adopted', 'manual'] }).notNull(),
  packageKey: text('package_key'),
  overridden: integer('overridden', { mode: 'boolean' }).notNull().default(false),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  note: text('note'),
  ...lifecycle,
}, t => [
  check('rule_one_subject', sql`(${t.municipalityId} IS NULL) <> (${t.collaborationId} IS NULL)`),
  index('rule_municipality_idx').on(t.municipalityId),
  index('rule_collaboration_idx').on(t.collaborationId),
  index('rule_body_idx').on(t.responsibleBodyId),
  // Applying a package twice must not duplicate rules.
  uniqueIndex('rule_package_subject_uq').on(t.packageKey, t.eventType, t.subjectKey),
])

// Stored state of one occurrence, keyed by rule + original local date/time (the RECURRENCE-ID idea).
export const occurrenceStates = sqliteTable('occurrence_state', {
  ruleId: integer('rule_id').notNull().references(() => rules.id, { onDelete: 'cascade' }),
  originalKey: text('original_key').notNull(),
  status: text('status', { enum: ['planned', 'in_progress', 'delivered', 'approved', 'cancelled'] }).notNull().default('planned'),
  movedTo: text('moved_to'),
  caseNumber: text('case_number'),
  caseUrl: text('case_url'),
  note: text('note'),
  deliveredOn: text('delivered_on'),
  approvedOn: text('approved_on'),
  cancelledAt: integer('cancelled_at'),
  revision: integer('revision').notNull().default(0),
  created: integer('created').notNull(),
  modified: integer('modified').notNull(),
}, t => [primaryKey({ columns: [t.ruleId, t.originalKey] })])

// Actual constitution dates (konstituerende møte) per municipality, when known.
export const constitutions = sqliteTable('constitution', {
  municipalityId: integer('municipality_id').notNull().references(() => municipalities.id),
  electionYear: integer('election_year').notNull(),
  date: text('date').notNull(),
}, t => [primaryKey({ columns: [t.municipalityId, t.electionYear] })])

// Who gets reminders (issue 5): an e-mail recipient or a webhook, scoped to one municipality, one
// collaboration or one body (or none: region-wide), optionally narrowed to some event types.
// The webhook secret is a signing key, so it is stored as given (not hashed) and never returned by the API.
export const subscriptions = sqliteTable('subscription', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  channel: text('channel', { enum: ['email', 'webhook'] }).notNull(),
  email: text('email'),
  webhookUrl: text('webhook_url'),
  webhookSecret: text('webhook_secret'),
  municipalityId: integer('municipality_id').references(() => municipalities.id),
  collaborationId: integer('collaboration_id').references(() => collaborations.id),
  bodyId: integer('body_id').references(() => bodies.id),
  eventTypes: text('event_types', { mode: 'json' }).$type<string[] | null>(),
  // The weekly digest (overdue + next 30 days) of the municipality the subscription belongs to.
  digest: integer('digest', { mode: 'boolean' }).notNull().default(false),
  // Reminders of placeholder meetings (a default, not adopted, møteplan) only when asked for (issue 12).
  includeTentative: integer('include_tentative', { mode: 'boolean' }).notNull().default(false),
  // A person's own reminders (issue 14, «Mine varsler»): sent only to that user's verified address, and
  // only about what the user may see. Null: an operator's subscription (API), as before. Users are
  // deactivated, never deleted.
  userId: integer('user_id').references(() => users.id),
  // Days before the due date to remind (e.g. [14, 3]); null: each rule's own lead times.
  leadDays: text('lead_days', { mode: 'json' }).$type<number[] | null>(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  ...lifecycle,
}, t => [
  check('subscription_channel', sql`(${t.channel} = 'email' AND ${t.email} IS NOT NULL AND ${t.webhookUrl} IS NULL)
    OR (${t.channel} = 'webhook' AND ${t.webhookUrl} IS NOT NULL AND ${t.webhookSecret} IS NOT NULL AND ${t.email} IS NULL)`),
  check('subscription_one_scope', sql`(${t.municipalityId} IS NOT NULL) + (${t.collaborationId} IS NOT NULL) + (${t.bodyId} IS NOT NULL) <= 1`),
  index('subscription_municipality_idx').on(t.municipalityId),
  index('subscription_body_idx').on(t.bodyId),
  index('subscription_modified_idx').on(t.modified),
  index('subscription_user_idx').on(t.userId),
])

// The transactional outbox of reminders: one row per (occurrence, reminder key, recipient), written
// before anything is sent, claimed with a lease, then recorded as sent or failed.
export const reminderOutbox = sqliteTable('reminder_outbox', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  // '<occurrence id or digest-<municipality>>/<reminder key>/<recipient>'; the e-mail Message-ID is derived from it.
  outboxKey: text('outbox_key').notNull(),
  kind: text('kind', { enum: ['before', 'overdue', 'escalation', 'digest'] }).notNull(),
  // Null for a digest, which is about a municipality rather than one occurrence.
  occurrenceId: text('occurrence_id'),
  // 'before-14@2027-02-22', 'overdue-1@2027-02-22', 'escalation@2027-02-22', 'digest@2027-05-31'.
  reminderKey: text('reminder_key').notNull(),
  // 'mailto:<address>' or the webhook URL: one reminder per address even when two subscriptions match.
  recipient: text('recipient').notNull(),
  subscriptionId: integer('subscription_id').notNull().references(() => subscriptions.id),
  channel: text('channel', { enum: ['email', 'webhook'] }).notNull(),
  municipalityId: integer('municipality_id').references(() => municipalities.id),
  sendOn: text('send_on').notNull(),
  dueDate: text('due_date'),
  messageId: text('message_id').notNull(),
  payload: text('payload', { mode: 'json' }).notNull(),
  status: text('status', { enum: ['pending', 'sending', 'sent', 'failed', 'cancelled'] }).notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: integer('next_attempt_at').notNull(),
  // The lease: a claim by one dispatcher that another may take over only after it expires.
  claimedBy: text('claimed_by'),
  claimExpiresAt: integer('claim_expires_at'),
  lastAttemptAt: integer('last_attempt_at'),
  lastError: text('last_error'),
  lastResponse: text('last_response'),
  sentAt: integer('sent_at'),
  created: integer('created').notNull(),
}, t => [
  uniqueIndex('reminder_outbox_key_uq').on(t.outboxKey),
  uniqueIndex('reminder_outbox_occurrence_key_recipient_uq').on(t.occurrenceId, t.reminderKey, t.recipient),
  index('reminder_outbox_due_idx').on(t.status, t.nextAttemptAt),
  index('reminder_outbox_occurrence_idx').on(t.occurrenceId),
  index('reminder_outbox_municipality_idx').on(t.municipalityId),
])
