// The reminder dispatcher (issue 5): enqueue what is due into the outbox, then claim rows with a
// lease and deliver them, recording each outcome. It runs inside the server every minute and as a
// one-shot cron command; both may run at once on the same database.
//
// Crash safety: a due reminder is written to the outbox before anything is sent,
// so a crash before sending loses nothing; a crash after sending but before recording leaves the
// row claimed until its lease runs out, and the next run sends it again with the same Message-ID
// (and webhook delivery id), so receivers can recognise the repeat. A row recorded as sent is
// never claimed again. deliverOne below gives each window in full.
//
// Every write is its own short transaction through the transactor (src/db/executor.ts): enqueue
// one chunk, claim one batch, record one outcome. Sending happens between them, never inside one, so
// no transaction is held across SMTP or HTTP, and no write joins (and is rolled back with) a
// transaction a request has open on the same connection.
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import type { Transactor } from '../db/executor.js'
import { ENQUEUE_CHUNK, type OutboxChannel, type OutboxRow } from '../repositories/outbox.js'
import { recipientOf } from '../repositories/subscriptions.js'
import { parseOccurrenceId } from '../domain/occurrences.js'
import type { Clock } from '../shared/clock.js'
import { REMINDER_ZONE, createPlanner, deliveryIdOf, type Plan, type PlannerDeps, type PlannerOptions } from './planner.js'
import { reminderDay } from '../domain/reminder-policy.js'
import type { OutboxPayload } from './payload.js'
import { renderEmail, webhookBody, webhookEvent } from './render.js'
import { DeliveryError, type EmailTransport } from './mailer.js'
import type { WebhookTransport } from './webhook.js'
import type { ReminderTemplates } from './templates.js'
import { statusWord } from '../presenters/vocabulary.js'

export interface DispatcherLog {
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
  error (obj: object, msg: string): void
}
const silent: DispatcherLog = { info () {}, warn () {}, error () {} }

/** The services and repositories a dispatcher works with (the reminders service hands them over). */
export interface DispatcherDeps extends PlannerDeps {
  clock: Clock
  transactor: Transactor
}

export interface DispatcherOptions extends PlannerOptions {
  deps: DispatcherDeps
  templates: ReminderTemplates
  mailFrom: string
  /** Null when SMTP_URL is not set: e-mail rows wait in the outbox. */
  email: EmailTransport | null
  webhook: WebhookTransport
  maxAttempts: number
  /** The first retry waits this long, then twice as long each time (capped at six hours). */
  retryBaseMs: number
  /** How long a claim holds before another dispatcher may take the row over (longer than any send can take). */
  leaseMs?: number
  /** Rows claimed at a time; the rest stay free for another dispatcher. */
  batchSize?: number
  /** At most this many deliveries per run, so that one run cannot go on forever. */
  maxPerRun?: number
  workerId?: string
  log?: DispatcherLog
}

export interface EnqueueReport { day: string; due: number; enqueued: number; skipped: boolean }
export interface DeliveryReport { sent: number; retried: number; failed: number; cancelled: number; waiting: number }
export interface RunReport extends EnqueueReport, DeliveryReport {}

const MAX_BACKOFF_MS = 6 * 3600_000
const DONE = new Set(['delivered', 'approved', 'cancelled'])

export function createDispatcher (opts: DispatcherOptions) {
  const { deps } = opts
  const { clock, outbox, transactor } = deps
  const log = opts.log ?? silent
  const worker = opts.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  const leaseMs = opts.leaseMs ?? 10 * 60_000
  const batchSize = opts.batchSize ?? 10
  const maxPerRun = opts.maxPerRun ?? 1000
  const planner = createPlanner(deps, opts)
  const channels: OutboxChannel[] = opts.email ? ['email', 'webhook'] : ['webhook']
  const uidHost = new URL(opts.baseUrl).hostname
  let lastFingerprint: string | null = null
  let lastWaiting = 0

  /** Why a claimed reminder should no longer go out, or null. */
  async function withdrawn (row: OutboxRow): Promise<string | null> {
    const sub = await deps.subscriptions.find(row.subscriptionId)
    if (!sub || sub.deleted) return 'abonnementet er slettet'
    if (!sub.active) return 'abonnementet er deaktivert'
    if (recipientOf(sub) !== row.recipient) return 'abonnementet har fått ny adresse'
    if (row.occurrenceId === null) return null
    const ref = parseOccurrenceId(row.occurrenceId)
    const rule = ref && await deps.rules.find(ref.ruleId)
    if (!ref || !rule || rule.deleted || !rule.enabled) return 'regelen er slettet eller slått av'
    const state = await deps.occurrences.state(ref.ruleId, ref.originalKey)
    if (state && DONE.has(state.status)) return `forekomsten er ${statusWord(state.status)}`
    // A moved occurrence has new reminders under new keys; this one names the old date.
    const payload = row.payload as OutboxPayload
    const anchor = payload.type === 'reminder' ? payload.occurrence.localStart ?? payload.occurrence.date : null
    if (anchor !== null && (state?.movedTo ?? ref.originalKey) !== anchor) return 'forekomsten er flyttet'
    return null
  }

  async function send (row: OutboxRow): Promise<string> {
    const payload = row.payload as OutboxPayload
    const sub = (await deps.subscriptions.find(row.subscriptionId))!
    if (row.channel === 'email') {
      const content = renderEmail(payload, opts.templates, uidHost)
      const res = await opts.email!.send({
        ...content,
        from: opts.mailFrom,
        to: { name: sub.name, address: sub.email! },
        messageId: row.messageId,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-Arshjul-Reminder': row.reminderKey },
      })
      return res.response
    }
    const res = await opts.webhook.send({
      url: sub.webhookUrl!,
      secret: sub.webhookSecret!,
      body: webhookBody(row, deliveryIdOf(row.messageId), payload),
      event: webhookEvent(payload),
      deliveryId: deliveryIdOf(row.messageId),
    })
    return res.response
  }

  /** Records an outcome: one short transaction, after the send (never around it). */
  const markFinal = (row: OutboxRow, status: 'failed' | 'cancelled', at: number, error: string, response: string | null = null) =>
    transactor.transaction(tx => outbox.markFinal(row.id, worker, status, at, error, response, tx))

  /**
   * Delivers one claimed row: withdraws it if it no longer applies, else sends it (outside any
   * transaction) and then records sent, retry or failed in a transaction of its own. Counts the
   * outcome in `report`.
   *
   * What a crash (kill -9, power loss) does, by where it lands (issue 13):
   * - Before the SMTP server's 250 reply to DATA (a webhook: before its 2xx): the row stays
   *   `sending` under the dead dispatcher's lease; when the lease runs out (`leaseMs`, 10 min) the
   *   next run sends it. The server had not accepted it (RFC 5321 § 4.1.1.4: a message is accepted,
   *   with a 250, or not at all), so that is the first copy, unless the server took the message in
   *   and only its 250 was lost.
   * - After the 250, before the "sent" record: the recipient has the message, and the next run
   *   sends it once more. The repeat is the same message: the Message-ID is stored in the row at
   *   enqueue (`<sha256 of the outbox key>@<mail domain>`, planner.ts), the text and .ics are rendered
   *   from the row's snapshot, and a webhook gets the same body and `X-Arshjul-Delivery`. One crash
   *   costs at most one extra copy: the repeat is recorded like any send, and a row recorded as sent
   *   is never claimed again (outbox.claim). A row whose attempts ran out through crashes is given
   *   up instead of sent.
   * - After the "sent" record: nothing is sent again.
   * No SMTP client can do better: the server's 250 and our record cannot be one atomic step, and
   * RFC 5321 admits the duplicate this gap makes (§ 6.1, § 4.5.3.2.6; RFC 1047). Receivers
   * recognise the repeat by its Message-ID. test/reminders/dispatcher.test.ts kills a dispatcher in
   * each window.
   */
  async function deliverOne (row: OutboxRow, report: DeliveryReport): Promise<void> {
    const at = () => clock.now().getTime()
    const reason = await withdrawn(row)
    if (reason) {
      await markFinal(row, 'cancelled', at(), reason)
      report.cancelled++
      return
    }
    // Only after crashes can a row come back with its attempts used up: do not send it once more.
    if (row.attempts > opts.maxAttempts) {
      await markFinal(row, 'failed', at(), `gitt opp etter ${opts.maxAttempts} forsøk`)
      report.failed++
      return
    }
    let response: string
    try {
      response = await send(row)
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError(err instanceof Error ? err.message : String(err), false)
      if (e.permanent || row.attempts >= opts.maxAttempts) {
        await markFinal(row, 'failed', at(), e.message, e.response)
        report.failed++
        log.warn({ outbox: row.id, recipient: row.recipient, attempts: row.attempts, err: e.message }, 'reminder failed for good')
      } else {
        const backoff = Math.min(opts.retryBaseMs * 2 ** (row.attempts - 1), MAX_BACKOFF_MS)
        await transactor.transaction(tx => outbox.markRetry(row.id, worker, at(), e.message, at() + backoff, e.response, tx))
        report.retried++
        log.info({ outbox: row.id, recipient: row.recipient, attempts: row.attempts, retryInMs: backoff, err: e.message }, 'reminder delivery failed; will retry')
      }
      return
    }
    await transactor.transaction(tx => outbox.markSent(row.id, at(), response, tx))
    report.sent++
  }

  const dispatcher = {
    worker,

    /** What is due now (new rows only), without writing anything. */
    async preview (now: Date): Promise<Plan & { newKeys: Set<string> }> {
      const plan = await planner.plan(now, { includeUnaddressed: true })
      const keys = [...plan.items.flatMap(i => i.rows), ...plan.digests].map(r => r.outboxKey)
      const existing = await outbox.existingKeys(keys)
      return { ...plan, newKeys: new Set(keys.filter(k => !existing.has(k))) }
    },

    /** Writes what is due to the outbox. Skipped when neither the day nor the data changed since the last time. */
    async enqueue (now: Date, options: { force?: boolean } = {}): Promise<EnqueueReport> {
      const fingerprint = `${reminderDay(now, REMINDER_ZONE, opts.sendHour)}|${await outbox.planningFingerprint()}`
      if (!options.force && fingerprint === lastFingerprint) return { day: '', due: 0, enqueued: 0, skipped: true }
      const plan = await planner.plan(now)
      const rows = [...plan.items.flatMap(i => i.rows), ...plan.digests]
      // One short transaction per chunk rather than one for all: the write lock is free between
      // chunks for the other dispatcher (server and cron use two connections) and for requests.
      const created = clock.now().getTime()
      let enqueued = 0
      for (let i = 0; i < rows.length; i += ENQUEUE_CHUNK) {
        const chunk = rows.slice(i, i + ENQUEUE_CHUNK)
        enqueued += await transactor.transaction(tx => outbox.enqueue(chunk, created, tx))
      }
      lastFingerprint = fingerprint
      if (enqueued > 0) log.info({ day: plan.day, due: rows.length, enqueued }, 'reminders enqueued')
      return { day: plan.day, due: rows.length, enqueued, skipped: false }
    },

    /** Claims and delivers due rows until none are left (or maxPerRun). */
    async deliver (): Promise<DeliveryReport> {
      const report: DeliveryReport = { sent: 0, retried: 0, failed: 0, cancelled: 0, waiting: 0 }
      let handled = 0
      while (handled < maxPerRun) {
        const claim = { worker, now: clock.now().getTime(), leaseMs, limit: Math.min(batchSize, maxPerRun - handled), channels }
        const rows = await transactor.transaction(tx => outbox.claim(claim, tx))
        if (rows.length === 0) break
        for (const row of rows) await deliverOne(row, report)
        handled += rows.length
      }
      if (!opts.email) {
        report.waiting = (await outbox.list({ status: 'pending', channel: 'email', limit: 1, offset: 0 })).total
        // Once per change, not every minute.
        if (report.waiting > 0 && report.waiting !== lastWaiting) log.warn({ waiting: report.waiting }, 'e-mail reminders are waiting: SMTP_URL is not set')
        lastWaiting = report.waiting
      }
      return report
    },

    async run (options: { force?: boolean } = {}): Promise<RunReport> {
      const enqueued = await dispatcher.enqueue(clock.now(), options)
      const delivered = await dispatcher.deliver()
      return { ...enqueued, ...delivered }
    },

    close (): void {
      opts.email?.close()
    },
  }
  return dispatcher
}
export type Dispatcher = ReturnType<typeof createDispatcher>
