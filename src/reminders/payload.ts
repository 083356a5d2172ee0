// What an outbox row carries: a snapshot taken when the reminder was enqueued, so that every attempt
// (and a retry after a crash) sends the same message, and the webhook body is the same bytes.
import type { ReminderKind } from '../domain/reminder-policy.js'

export interface BodyRef { slug: string; name: string }

export interface OccurrenceSnapshot {
  id: string
  eventType: string
  kind: 'deadline' | 'meeting' | 'report' | 'plan'
  title: string
  description: string | null
  /** The effective due date, or the meeting's local date. */
  date: string
  allDay: boolean
  localStart: string | null
  /** UTC instants (ISO) for timed occurrences. */
  start: string | null
  end: string | null
  revision: number
  status: string
  /** Epoch ms of the last change (the calendar DTSTAMP). */
  modified: number
  subject: { type: 'municipality' | 'collaboration'; slug: string; name: string }
  responsibleBody: BodyRef | null
  treatedBy: BodyRef | null
  treatingMeeting: { date: string; localStart: string | null } | null
  legalBasis: Array<{ act: string; section: string; url: string }>
  caseNumber: string | null
  caseUrl: string | null
  url: string
}

export interface RecipientSnapshot { subscriptionId: number; name: string; scope: string }

export interface ReminderPayload {
  type: 'reminder'
  reminder: {
    key: string
    kind: ReminderKind
    sendOn: string
    dueDate: string
    /** Before: days left on the send day; after: days overdue on the send day. */
    daysLeft: number | null
    daysOverdue: number | null
    /** Overdue reminders are numbered 1, 2, … */
    number: number | null
    /** Sent to the kommunedirektør recipients too. */
    escalated: boolean
    /** The municipality whose kommunedirektør it is escalated to. */
    escalatedTo: string | null
  }
  occurrence: OccurrenceSnapshot
  recipient: RecipientSnapshot
}

export interface DigestItem {
  id: string
  title: string
  subject: string
  date: string
  kind: string
  responsibleBody: string | null
  daysOverdue: number
  url: string
}

export interface DigestPayload {
  type: 'digest'
  digest: { key: string; weekOf: string; asOf: string; week: number }
  municipality: { slug: string; name: string }
  overdue: DigestItem[]
  upcoming: DigestItem[]
  url: string
  recipient: RecipientSnapshot
}

export type OutboxPayload = ReminderPayload | DigestPayload
