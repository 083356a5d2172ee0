// The occurrence index (issue 11): occurrences materialised over a horizon and kept current inside
// every write transaction. Triggers (migrations/0004_occurrence_index.sql) note what changed in
// `occurrence_index_dirty`; the index service recomputes exactly the rows that depend on it before
// the transaction commits (src/services/occurrence-index.ts).
import { sql } from 'drizzle-orm'
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/** One occurrence row (src/domain/occurrence-engine.ts OccurrenceRow). */
export const occurrenceIndex = sqliteTable('occurrence', {
  id: text('id').primaryKey(),
  ruleId: integer('rule_id').notNull(),
  originalKey: text('original_key').notNull(),
  eventType: text('event_type').notNull(),
  kind: text('kind', { enum: ['deadline', 'meeting', 'report', 'plan'] }).notNull(),
  municipalityId: integer('municipality_id'),
  collaborationId: integer('collaboration_id'),
  responsibleBodyId: integer('responsible_body_id'),
  treatedByBodyId: integer('treated_by_body_id'),
  relatedBodyId: integer('related_body_id'),
  memberSpecific: integer('member_specific', { mode: 'boolean' }).notNull(),
  // ',kommunestyre,formannskap,': searchable with instr() in one column.
  calendarKinds: text('calendar_kinds').notNull(),
  allDay: integer('all_day', { mode: 'boolean' }).notNull(),
  date: text('date').notNull(),
  localStart: text('local_start'),
  startMs: integer('start_ms'),
  endMs: integer('end_ms'),
  moved: integer('moved', { mode: 'boolean' }).notNull(),
  status: text('status', { enum: ['planned', 'in_progress', 'delivered', 'approved', 'cancelled'] }).notNull(),
  revision: integer('revision').notNull(),
  modified: integer('modified').notNull(),
  cancelledAt: integer('cancelled_at'),
  caseNumber: text('case_number'),
  caseUrl: text('case_url'),
  note: text('note'),
  deliveredOn: text('delivered_on'),
  approvedOn: text('approved_on'),
  title: text('title'),
  reminderOffsetsDays: text('reminder_offsets_days', { mode: 'json' }).$type<number[] | null>(),
  origin: text('origin').notNull(),
  treatingMeetingId: text('treating_meeting_id'),
  treatingMeetingDate: text('treating_meeting_date'),
  treatingMeetingLocalStart: text('treating_meeting_local_start'),
  // The subject's go-live date (municipality or collaboration tracking_from): before it, "ikke registrert".
  trackingFrom: text('tracking_from'),
}, t => [
  index('occurrence_rule_idx').on(t.ruleId),
  index('occurrence_date_idx').on(t.date, t.localStart, t.id),
  index('occurrence_municipality_idx').on(t.municipalityId, t.date),
  index('occurrence_collaboration_idx').on(t.collaborationId, t.date),
  index('occurrence_responsible_idx').on(t.responsibleBodyId, t.date),
  index('occurrence_treated_idx').on(t.treatedByBodyId, t.date),
  // The start page's counts (open items by date, every municipality at once) read this index alone:
  // status and tracking start too, for what is "ikke registrert" (issue 12), and kind, so no row is read.
  index('occurrence_open_idx').on(t.date, t.municipalityId, t.collaborationId, t.memberSpecific, t.responsibleBodyId, t.treatedByBodyId, t.relatedBodyId, t.status, t.trackingFrom, t.kind)
    .where(sql`${t.kind} <> 'meeting' AND ${t.status} NOT IN ('delivered', 'approved', 'cancelled')`),
])

/**
 * What changed since the index was last brought up to date (written by triggers). No unique key on
 * purpose: a trigger's INSERT OR IGNORE takes the conflict policy of the statement that fired it
 * (an upsert makes it ABORT), so duplicates are allowed here and removed when read.
 */
export const occurrenceIndexDirty = sqliteTable('occurrence_index_dirty', {
  kind: text('kind', { enum: ['rule', 'state', 'participation', 'collaboration', 'municipality', 'body', 'constitution'] }).notNull(),
  refId: integer('ref_id').notNull(),
  key: text('key').notNull().default(''),
})

/**
 * The index's one row of bookkeeping. `validFrom..validTo` is what reads may trust; `targetFrom..targetTo`
 * is the horizon being kept (they differ while a rebuild after a horizon roll is under way, and
 * `cursor` is the last rule id rebuilt). `fingerprint` names the engine version and the catalogue's
 * kinds: a change rebuilds the index.
 */
export const occurrenceIndexMeta = sqliteTable('occurrence_index_meta', {
  id: integer('id').primaryKey(),
  fingerprint: text('fingerprint').notNull(),
  validFrom: text('valid_from'),
  validTo: text('valid_to'),
  targetFrom: text('target_from').notNull(),
  targetTo: text('target_to').notNull(),
  cursor: integer('cursor'),
  seq: integer('seq').notNull().default(0),
})

/** Per calendar ('m:12', 'c:4', 'b:30'): the sequence number of its last change, for feed caches in every process. */
export const calendarRevisions = sqliteTable('calendar_revision', {
  key: text('key').primaryKey(),
  seq: integer('seq').notNull(),
}, t => [index('calendar_revision_seq_idx').on(t.seq)])
