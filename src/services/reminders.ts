// Reminders (issue 5) as a service: the delivery log people read, and what the reminder job (the
// planner and dispatcher in src/reminders, run by the server and by `npm run reminders`) works with.
// The job reads occurrences and subscriptions through their services, never through routes.
import type { Catalogue } from '../catalogue/load.js'
import type { Transactor } from '../db/executor.js'
import type { BodiesRepository } from '../repositories/bodies.js'
import type { CollaborationsRepository } from '../repositories/collaborations.js'
import type { MunicipalitiesRepository } from '../repositories/municipalities.js'
import type { OutboxChannel, OutboxRepository, OutboxRow, OutboxStatus } from '../repositories/outbox.js'
import type { RulesRepository } from '../repositories/rules.js'
import type { DispatcherDeps } from '../reminders/dispatcher.js'
import type { Clock } from '../shared/clock.js'
import { denied, missing } from '../shared/errors.js'
import type { AccessService, Actor } from './access.js'
import type { OccurrencesService } from './occurrences.js'
import type { SubscriptionsService } from './subscriptions.js'

export interface DeliveryQuery {
  status?: OutboxStatus
  occurrence?: string
  channel?: OutboxChannel
  municipality?: string
  /** Epoch ms: rows created or attempted since then. */
  modifiedSince?: number
  limit: number
  offset: number
}

export interface DeliveryView {
  id: number
  kind: string
  occurrenceId: string | null
  reminderKey: string
  recipient: string
  channel: string
  subscriptionId: number
  municipality: string | null
  sendOn: string
  dueDate: string | null
  status: OutboxStatus
  attempts: number
  nextAttemptAt: string | null
  lastAttemptAt: string | null
  sentAt: string | null
  lastError: string | null
  lastResponse: string | null
  messageId: string
  created: string
}

export interface RemindersServiceDeps {
  outbox: OutboxRepository
  rules: RulesRepository
  bodies: BodiesRepository
  municipalities: MunicipalitiesRepository
  collaborations: CollaborationsRepository
  access: AccessService
  occurrences: OccurrencesService
  /** The reminder job reads calendar facts of the occurrences it plans from the index (src/reminders/calendars.ts). */
  subscriptions: SubscriptionsService
  catalogue: Catalogue
  clock: Clock
  transactor: Transactor
}

const iso = (ms: number | null) => ms === null ? null : new Date(ms).toISOString()

export function createRemindersService (deps: RemindersServiceDeps) {
  const { outbox, municipalities, access } = deps

  return {
    /** The delivery log: what was sent, is waiting or failed, newest first. Admins see all; editors their municipalities'. */
    async deliveries (actor: Actor | null | undefined, q: DeliveryQuery): Promise<{ items: DeliveryView[]; total: number }> {
      const a = access.requireActor(actor)
      let municipalityIds: number[] | undefined
      if (q.municipality !== undefined) {
        const m = await municipalities.find(q.municipality)
        if (!m || m.deleted) throw missing('municipality', q.municipality, 'municipality')
        if (a.role !== 'admin' && !a.municipalityIds.includes(m.id)) throw denied('Leveranseloggen for en annen kommune er ikke din')
        municipalityIds = [m.id]
      } else if (a.role !== 'admin') {
        municipalityIds = [...a.municipalityIds]
      }
      const page = await outbox.list({ status: q.status, occurrenceId: q.occurrence, channel: q.channel, municipalityIds, modifiedSince: q.modifiedSince, limit: q.limit, offset: q.offset })
      const slugs = new Map<number, string>()
      const slugOf = async (id: number | null) => {
        if (id === null) return null
        if (!slugs.has(id)) slugs.set(id, (await municipalities.find(id))?.slug ?? String(id))
        return slugs.get(id)!
      }
      const present = async (r: OutboxRow): Promise<DeliveryView> => ({
        id: r.id,
        kind: r.kind,
        occurrenceId: r.occurrenceId,
        reminderKey: r.reminderKey,
        recipient: r.recipient,
        channel: r.channel,
        subscriptionId: r.subscriptionId,
        municipality: await slugOf(r.municipalityId),
        sendOn: r.sendOn,
        dueDate: r.dueDate,
        status: r.status,
        attempts: r.attempts,
        nextAttemptAt: r.status === 'pending' ? iso(r.nextAttemptAt) : null,
        lastAttemptAt: iso(r.lastAttemptAt),
        sentAt: iso(r.sentAt),
        lastError: r.lastError,
        lastResponse: r.lastResponse,
        messageId: r.messageId,
        created: iso(r.created)!,
      })
      const items: DeliveryView[] = []
      for (const r of page.items) items.push(await present(r))
      return { items, total: page.total }
    },

    /** How many reminders wait in the outbox (for the dry run's summary). */
    async pendingCount (): Promise<number> {
      return (await outbox.countByStatus()).pending
    },

    /** How many outbox rows are in each status (the /metrics outbox depth gauge). */
    async outboxCounts (): Promise<Record<OutboxStatus, number>> {
      return outbox.countByStatus()
    },

    /** What the reminder job (planner and dispatcher) works with. */
    jobDeps (): DispatcherDeps {
      const { occurrences, subscriptions, rules, bodies, collaborations, catalogue, clock, transactor } = deps
      return { occurrences, subscriptions, access, rules, bodies, municipalities, collaborations, outbox, catalogue, clock, transactor }
    },
  }
}
export type RemindersService = ReturnType<typeof createRemindersService>
