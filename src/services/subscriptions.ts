// Subscriptions to reminders (issue 5): who hears about which deadlines, by e-mail or webhook. The
// rules of the work: one channel, one target at most, known event types, a digest only per
// municipality, webhook secrets shown once; who may manage a subscription (the access policy, with
// every target named); and what a subscription may see of private bodies (its viewer).
import type { Catalogue } from '../catalogue/load.js'
import type { Transactor } from '../db/executor.js'
import type { AuditRepository } from '../repositories/audit.js'
import type { BodiesRepository } from '../repositories/bodies.js'
import type { CollaborationsRepository } from '../repositories/collaborations.js'
import type { MunicipalitiesRepository } from '../repositories/municipalities.js'
import type { OutboxRepository } from '../repositories/outbox.js'
import type { PeopleRepository } from '../repositories/people.js'
import type { ScopeRepository } from '../repositories/scope.js'
import type { SubscriptionInsert, SubscriptionRow, SubscriptionsRepository } from '../repositories/subscriptions.js'
import type { Clock } from '../shared/clock.js'
import { ServiceError, denied, invalid, missing } from '../shared/errors.js'
import { newSecret } from '../shared/secrets.js'
import { EVENT_CATEGORIES, type EventCategory } from '../domain/vocabulary.js'
import { anonymousViewer, auditActor, viewerOf as viewerOfActor, type AccessService, type Actor, type Viewer, type WriteTargets } from './access.js'
import { actorOfUser } from './people.js'

export type SubscriptionTarget = Pick<SubscriptionRow, 'municipalityId' | 'collaborationId' | 'bodyId'>

/** The lead times a person may choose for her own reminders (days before the due date), longest first. */
export const LEAD_DAY_CHOICES: readonly number[] = [30, 14, 7, 3, 1]

/**
 * A person's own reminder (issue 14, «Mine varsler»): what to follow (exactly one of the three slugs),
 * which kinds of event (null or [] = all), lead times (days before the due date, from LEAD_DAY_CHOICES;
 * null = each rule's own), the weekly digest (needs a municipality: one, or a body of one) and active.
 * There is no address: reminders go to the person's own verified e-mail, whatever it is at sending time.
 */
export interface OwnSubscriptionInput {
  municipality?: string | null
  collaboration?: string | null
  body?: string | null
  eventTypes?: string[] | null
  leadDays?: number[] | null
  digest?: boolean
  active?: boolean
}

export interface OwnSubscriptionView {
  id: number
  /** What is followed, with its name for pages. */
  follow: { type: 'municipality' | 'collaboration' | 'body'; slug: string; name: string; municipality: string | null }
  eventTypes: string[] | null
  leadDays: number[] | null
  digest: boolean
  active: boolean
  /** Where the reminders go now: the person's own address. */
  email: string
  created: string
  modified: string
}

/** What a person may choose from on «Mine varsler»: only what she may see. */
export interface OwnSubscriptionChoices {
  /** Municipalities of the region, each with its bodies the person may see. */
  municipalities: Array<{ slug: string; name: string; bodies: Array<{ slug: string; name: string }> }>
  /** Active collaborations, with the bodies the person may see. */
  collaborations: Array<{ slug: string; name: string; bodies: Array<{ slug: string; name: string }> }>
  /** Event types grouped by category, in catalogue order. */
  eventTypes: Array<{ category: EventCategory; types: Array<{ key: string; name: string }> }>
  leadDays: readonly number[]
}

export interface SubscriptionInput {
  name?: string
  email?: string
  webhookUrl?: string
  webhookSecret?: string
  /** Slugs. On update, giving any of the three replaces the whole target (null clears it). */
  municipality?: string | null
  collaboration?: string | null
  body?: string | null
  eventTypes?: string[] | null
  digest?: boolean
  /** Reminders of placeholder meetings too (default false). */
  includeTentative?: boolean
  active?: boolean
}
export type SubscriptionCreateInput = SubscriptionInput & { name: string }

export interface SubscriptionView {
  id: number
  name: string
  channel: 'email' | 'webhook'
  email: string | null
  webhookUrl: string | null
  webhookSecretSet: boolean
  /** Only in the reply that created a generated secret. */
  webhookSecret?: string
  municipality: string | null
  collaboration: string | null
  body: string | null
  eventTypes: string[] | null
  digest: boolean
  includeTentative: boolean
  active: boolean
  receivesEscalations: boolean
  created: string
  modified: string
}
export interface SubscriptionTombstone { id: number; created: string; modified: string; deleted: true }

export interface SubscriptionListQuery {
  municipality?: string
  channel?: 'email' | 'webhook'
  active?: boolean
  /** Epoch ms; deleted subscriptions changed since then are listed as tombstones. */
  modifiedSince?: number
  limit: number
  offset: number
}

export interface SubscriptionsServiceDeps {
  subscriptions: SubscriptionsRepository
  outbox: OutboxRepository
  municipalities: MunicipalitiesRepository
  collaborations: CollaborationsRepository
  bodies: BodiesRepository
  scope: ScopeRepository
  /** For a person's own subscriptions: her current address, whether she is active, and her roles. */
  people: PeopleRepository
  audit: AuditRepository
  access: AccessService
  catalogue: Catalogue
  clock: Clock
  transactor: Transactor
}

const iso = (ms: number) => new Date(ms).toISOString()

/** The audit log is readable by admins: it records that a webhook has a secret, never the secret itself. */
const redacted = (row: SubscriptionRow) => ({ ...row, webhookSecret: row.webhookSecret === null ? null : '[skjult]' })

export const targetsOf = (s: SubscriptionTarget): WriteTargets =>
  ({ municipalityIds: [s.municipalityId], collaborationIds: [s.collaborationId], bodyIds: [s.bodyId] })

const isRegionWide = (s: SubscriptionTarget) => s.municipalityId === null && s.collaborationId === null && s.bodyId === null

export function createSubscriptionsService (deps: SubscriptionsServiceDeps) {
  const { subscriptions, outbox, municipalities, collaborations, bodies, scope, people, audit, access, catalogue, clock, transactor } = deps

  /**
   * Who may manage a subscription: whoever may change every target it names (the access policy).
   * A region-wide subscription names no target and is the admins' alone.
   */
  async function mayManage (actor: Actor, s: SubscriptionTarget): Promise<boolean> {
    if (actor.role === 'admin') return true
    if (isRegionWide(s)) return false
    return access.mayChange(actor, targetsOf(s))
  }

  async function assertMayManage (actor: Actor, s: SubscriptionTarget, message = 'Abonnementet gjelder en annen kommune'): Promise<void> {
    if (actor.role !== 'admin' && isRegionWide(s)) throw denied('Bare administratorer kan abonnere for hele regionen')
    if (actor.role !== 'admin' && !await access.mayChange(actor, targetsOf(s))) throw denied(message)
  }

  /** Resolves the target slugs to ids; at most one of municipality, collaboration, body. */
  async function resolveTarget (input: Pick<SubscriptionInput, 'municipality' | 'collaboration' | 'body'>): Promise<SubscriptionTarget> {
    const given = (['municipality', 'collaboration', 'body'] as const).filter(k => input[k] != null)
    if (given.length > 1) throw invalid('subscriptions.scope', given[1]!, 'give at most one of municipality, collaboration, body (a body already belongs to its owner)')
    const target: SubscriptionTarget = { municipalityId: null, collaborationId: null, bodyId: null }
    if (input.municipality != null) {
      const m = await municipalities.find(input.municipality)
      if (!m || m.deleted) throw invalid('subscriptions.unknown_municipality', 'municipality', `unknown municipality "${input.municipality}"`)
      target.municipalityId = m.id
    }
    if (input.collaboration != null) {
      const c = await collaborations.find(input.collaboration)
      if (!c || c.deleted) throw invalid('subscriptions.unknown_collaboration', 'collaboration', `unknown collaboration "${input.collaboration}"`)
      target.collaborationId = c.id
    }
    if (input.body != null) {
      const b = await bodies.find(input.body)
      if (!b || b.deleted) throw invalid('subscriptions.unknown_body', 'body', `unknown body "${input.body}"`)
      target.bodyId = b.id
    }
    return target
  }

  function checkEventTypes (eventTypes: string[] | null | undefined): void {
    eventTypes?.forEach((t, i) => {
      if (!catalogue.eventTypes.has(t)) throw invalid('subscriptions.unknown_event_type', `eventTypes/${i}`, `unknown event type "${t}"`)
    })
  }

  function checkWebhookUrl (url: string | undefined): void {
    if (url === undefined) return
    let parsed: URL
    try { parsed = new URL(url) } catch { throw invalid('subscriptions.webhook_url', 'webhookUrl', 'is not a valid URL') }
    if (!/^https?:$/.test(parsed.protocol)) throw invalid('subscriptions.webhook_url', 'webhookUrl', 'must be an http(s) URL')
    if (parsed.username || parsed.password) throw invalid('subscriptions.webhook_url', 'webhookUrl', 'must not carry credentials; the signature authenticates us')
  }

  /** The whole subscription after a create or patch, checked as a whole. */
  async function checkWhole (s: SubscriptionTarget & { eventTypes: string[] | null; digest: boolean }): Promise<void> {
    if (isRegionWide(s) && !s.eventTypes?.length) {
      throw invalid('subscriptions.scope', 'municipality', 'give a municipality, collaboration or body, or eventTypes for a region-wide subscription')
    }
    if (s.digest) {
      const b = s.bodyId !== null ? await bodies.find(s.bodyId) : undefined
      if (s.municipalityId === null && b?.municipalityId == null) throw invalid('subscriptions.digest', 'digest', 'the weekly digest is per municipality: subscribe to a municipality or one of its bodies')
    }
  }

  async function present (s: SubscriptionRow, generatedSecret?: string): Promise<SubscriptionView> {
    const body = s.bodyId !== null ? await bodies.find(s.bodyId) : undefined
    return {
      id: s.id,
      name: s.name,
      channel: s.channel,
      email: s.email,
      webhookUrl: s.webhookUrl,
      // The secret signs webhooks, so it is stored, but after creation it is never shown again.
      webhookSecretSet: s.webhookSecret !== null,
      ...(generatedSecret ? { webhookSecret: generatedSecret } : {}),
      municipality: s.municipalityId !== null ? (await municipalities.find(s.municipalityId))?.slug ?? null : null,
      collaboration: s.collaborationId !== null ? (await collaborations.find(s.collaborationId))?.slug ?? null : null,
      body: body?.slug ?? null,
      eventTypes: s.eventTypes ?? null,
      digest: s.digest,
      includeTentative: s.includeTentative,
      active: s.active,
      receivesEscalations: body?.kind === 'kommunedirektor' && body.municipalityId !== null,
      created: iso(s.created),
      modified: iso(s.modified),
    }
  }

  /**
   * Writes an update (an operator's or a person's own subscription) with its audit row; turning a
   * subscription off withdraws its reminders not yet sent. Webhook secrets never reach the log.
   */
  async function saveUpdate (a: Actor, id: number, current: SubscriptionRow, patch: Partial<SubscriptionInsert>): Promise<SubscriptionRow> {
    return transactor.transaction(async tx => {
      const now = clock.now().getTime()
      const row = await subscriptions.update(id, patch, now, tx)
      if (!row) throw missing('subscription', id, 'id')
      if (current.active && !row.active) await outbox.cancelPending(id, now, 'abonnementet ble deaktivert', tx)
      await audit.record(now, auditActor(a), { action: 'update', entityType: 'subscription', entityId: id, before: redacted(current), after: redacted(row) }, tx)
      return row
    })
  }

  /**
   * A live subscription, or 404. `owner` undefined: an operator's (API) subscription — a person's own
   * is not the API's to read or change; a number: that person's own only (another's is 404, not 403).
   */
  async function live (id: number, owner?: number): Promise<SubscriptionRow> {
    const row = await subscriptions.find(id)
    if (!row || row.deleted) throw missing('subscription', id, 'id')
    if ((row.userId ?? undefined) !== owner) throw missing('subscription', id, 'id')
    return row
  }

  // ── A person's own subscriptions (issue 14, «Mine varsler») ────────────────────────────────────

  /** The signed-in person behind the actor, with a verified address; else 403 (no person) or 403 (unverified). */
  async function ownerOf (actor: Actor | null | undefined): Promise<{ a: Actor; userId: number; email: string; name: string }> {
    const a = access.requireActor(actor)
    if (a.userId == null) throw denied('Mine varsler hører til en person: logg inn som deg selv')
    const user = await people.findUser(a.userId)
    if (!user || !user.active) throw denied('Brukeren er deaktivert')
    if (user.emailVerifiedAt === null) {
      throw new ServiceError('forbidden', 'subscriptions.unverified_email', `E-postadressen ${user.email} er ikke bekreftet ennå. Logg inn med en innloggingslenke sendt dit, så kan du sette opp varsler.`, 'email')
    }
    return { a, userId: user.id, email: user.email, name: user.name }
  }

  /** The one thing a person follows, resolved and checked against what she may see (a hidden body is as unknown). */
  async function resolveOwnTarget (a: Actor, input: Pick<OwnSubscriptionInput, 'municipality' | 'collaboration' | 'body'>): Promise<SubscriptionTarget> {
    const given = (['municipality', 'collaboration', 'body'] as const).filter(k => input[k] != null && input[k] !== '')
    if (given.length === 0) throw invalid('subscriptions.own_target', 'municipality', 'velg en kommune, et organ eller et samarbeid å følge')
    if (given.length > 1) throw invalid('subscriptions.scope', given[1]!, 'velg bare én ting å følge: en kommune, et organ eller et samarbeid')
    const target: SubscriptionTarget = { municipalityId: null, collaborationId: null, bodyId: null }
    if (input.municipality != null && input.municipality !== '') {
      const m = await municipalities.find(input.municipality)
      if (!m || m.deleted) throw invalid('subscriptions.unknown_municipality', 'municipality', `ukjent kommune «${input.municipality}»`)
      target.municipalityId = m.id
    } else if (input.collaboration != null && input.collaboration !== '') {
      const c = await collaborations.find(input.collaboration)
      if (!c || c.deleted) throw invalid('subscriptions.unknown_collaboration', 'collaboration', `ukjent samarbeid «${input.collaboration}»`)
      target.collaborationId = c.id
    } else {
      const b = await bodies.find(input.body!)
      // A private body the person may not see is refused exactly like one that does not exist.
      const visible = b && !b.deleted && (await access.visibility(viewerOfActor(a))).canSeeBody(b.id)
      if (!b || !visible) throw invalid('subscriptions.unknown_body', 'body', `ukjent organ «${input.body}», eller et lukket organ du ikke har tilgang til`)
      target.bodyId = b.id
    }
    return target
  }

  function checkLeadDays (leadDays: number[] | null | undefined): void {
    if (leadDays == null) return
    if (leadDays.length === 0) throw invalid('subscriptions.lead_days', 'leadDays', 'velg minst ett varsel før fristen, eller bruk standard')
    leadDays.forEach((d, i) => {
      if (!LEAD_DAY_CHOICES.includes(d)) throw invalid('subscriptions.lead_days', `leadDays/${i}`, `${d} dager er ikke et valg; velg blant ${LEAD_DAY_CHOICES.join(', ')}`)
    })
  }

  async function checkOwnDigest (target: SubscriptionTarget, digest: boolean): Promise<void> {
    if (!digest) return
    const b = target.bodyId !== null ? await bodies.find(target.bodyId) : undefined
    if (target.municipalityId === null && b?.municipalityId == null) {
      throw invalid('subscriptions.digest', 'digest', 'ukeoversikten gjelder én kommune: følg en kommune eller et av kommunens organer for å få den')
    }
  }

  async function presentOwn (s: SubscriptionRow, email: string): Promise<OwnSubscriptionView> {
    let follow: OwnSubscriptionView['follow']
    if (s.municipalityId !== null) {
      const m = await municipalities.find(s.municipalityId)
      follow = { type: 'municipality', slug: m?.slug ?? '', name: m?.name ?? 'ukjent', municipality: m?.slug ?? null }
    } else if (s.collaborationId !== null) {
      const c = await collaborations.find(s.collaborationId)
      follow = { type: 'collaboration', slug: c?.slug ?? '', name: c?.name ?? 'ukjent', municipality: null }
    } else {
      const b = s.bodyId !== null ? await bodies.find(s.bodyId) : undefined
      const m = b?.municipalityId != null ? await municipalities.find(b.municipalityId) : undefined
      follow = { type: 'body', slug: b?.slug ?? '', name: b?.name ?? 'ukjent', municipality: m?.slug ?? null }
    }
    return {
      id: s.id,
      follow,
      eventTypes: s.eventTypes?.length ? s.eventTypes : null,
      leadDays: s.leadDays ?? null,
      digest: s.digest,
      active: s.active,
      email,
      created: iso(s.created),
      modified: iso(s.modified),
    }
  }

  /**
   * A person's own subscription as the reminder job sees it: the address is her current one, and it
   * is inactive while she is deactivated or unverified (so nothing is planned, and what waits in the
   * outbox is withdrawn by the dispatcher). An operator's subscription is returned as it is.
   */
  async function resolveForJobs (s: SubscriptionRow): Promise<SubscriptionRow> {
    if (s.userId === null) return s
    const user = await people.findUser(s.userId)
    if (!user) return { ...s, active: false }
    return { ...s, email: user.email, name: user.name, active: s.active && user.active && user.emailVerifiedAt !== null }
  }

  const service = {
    /** The subscriptions the actor may manage (admins: all), as an OParl page; tombstones only under modifiedSince. */
    async list (actor: Actor | null | undefined, q: SubscriptionListQuery): Promise<{ items: Array<SubscriptionView | SubscriptionTombstone>; total: number }> {
      const a = access.requireActor(actor)
      let municipalityId: number | undefined
      if (q.municipality !== undefined) {
        const m = await municipalities.find(q.municipality)
        if (!m || m.deleted) throw missing('municipality', q.municipality, 'municipality')
        municipalityId = m.id
      }
      const rows: SubscriptionRow[] = []
      for (const s of await subscriptions.list({ channel: q.channel, active: q.active, modifiedSince: q.modifiedSince })) {
        // A person's own reminders are hers (the «Mine varsler» page), not the operators'.
        if (s.userId !== null) continue
        if (!await mayManage(a, s)) continue
        if (municipalityId !== undefined) {
          const owners = await access.responsibleMunicipalities(targetsOf(s))
          if (!owners.some(o => o.municipalityIds.includes(municipalityId!))) continue
        }
        rows.push(s)
      }
      const page = rows.slice(q.offset, q.offset + q.limit)
      const items: Array<SubscriptionView | SubscriptionTombstone> = []
      for (const s of page) {
        items.push(s.deleted ? { id: s.id, created: iso(s.created), modified: iso(s.modified), deleted: true } : await present(s))
      }
      return { items, total: rows.length }
    },

    async get (actor: Actor | null | undefined, id: number): Promise<SubscriptionView> {
      const a = access.requireActor(actor)
      const s = await live(id)
      await assertMayManage(a, s)
      return present(s)
    },

    /** A webhook without a secret gets a generated one, shown in this reply only. */
    async create (actor: Actor | null | undefined, input: SubscriptionCreateInput): Promise<SubscriptionView> {
      const a = access.requireActor(actor)
      if ((input.email === undefined) === (input.webhookUrl === undefined)) throw invalid('subscriptions.channel', 'email', 'give either email or webhookUrl')
      if (input.webhookSecret !== undefined && input.webhookUrl === undefined) throw invalid('subscriptions.webhook_secret', 'webhookSecret', 'only a webhook has a secret')
      checkWebhookUrl(input.webhookUrl)
      const target = await resolveTarget(input)
      checkEventTypes(input.eventTypes)
      await checkWhole({ ...target, eventTypes: input.eventTypes ?? null, digest: input.digest ?? false })
      await assertMayManage(a, target, 'Du kan bare abonnere for det din egen kommune eier eller deltar i')
      const generated = input.webhookUrl !== undefined && input.webhookSecret === undefined ? newSecret('whsec') : undefined
      const row = await transactor.transaction(async tx => {
        const now = clock.now().getTime()
        const created = await subscriptions.insert({
          name: input.name,
          channel: input.email !== undefined ? 'email' : 'webhook',
          email: input.email ?? null,
          webhookUrl: input.webhookUrl ?? null,
          webhookSecret: input.webhookSecret ?? generated ?? null,
          ...target,
          eventTypes: input.eventTypes ?? null,
          digest: input.digest ?? false,
          includeTentative: input.includeTentative ?? false,
          active: input.active ?? true,
        }, now, tx)
        await audit.record(now, auditActor(a), { action: 'create', entityType: 'subscription', entityId: created.id, after: redacted(created) }, tx)
        return created
      })
      return present(row, generated)
    },

    /** A new webhookSecret rotates the key. The actor must be allowed the subscription before and after the change. */
    async update (actor: Actor | null | undefined, id: number, input: SubscriptionInput): Promise<SubscriptionView> {
      const a = access.requireActor(actor)
      const current = await live(id)
      await assertMayManage(a, current)
      if (input.email !== undefined && current.channel !== 'email') throw invalid('subscriptions.channel', 'email', 'a webhook subscription has no e-mail address; create a new subscription instead')
      if ((input.webhookUrl !== undefined || input.webhookSecret !== undefined) && current.channel !== 'webhook') {
        throw invalid('subscriptions.channel', input.webhookUrl !== undefined ? 'webhookUrl' : 'webhookSecret', 'an e-mail subscription has no webhook; create a new subscription instead')
      }
      checkWebhookUrl(input.webhookUrl)
      const targetTouched = input.municipality !== undefined || input.collaboration !== undefined || input.body !== undefined
      const target = targetTouched ? await resolveTarget(input) : { municipalityId: current.municipalityId, collaborationId: current.collaborationId, bodyId: current.bodyId }
      if (input.eventTypes !== undefined) checkEventTypes(input.eventTypes)
      const eventTypes = input.eventTypes !== undefined ? input.eventTypes : current.eventTypes
      await checkWhole({ ...target, eventTypes, digest: input.digest ?? current.digest })
      await assertMayManage(a, target, 'Du kan bare abonnere for det din egen kommune eier eller deltar i')
      const patch: Partial<SubscriptionInsert> = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.webhookUrl !== undefined ? { webhookUrl: input.webhookUrl } : {}),
        ...(input.webhookSecret !== undefined ? { webhookSecret: input.webhookSecret } : {}),
        ...(targetTouched ? target : {}),
        ...(input.eventTypes !== undefined ? { eventTypes: input.eventTypes } : {}),
        ...(input.digest !== undefined ? { digest: input.digest } : {}),
        ...(input.includeTentative !== undefined ? { includeTentative: input.includeTentative } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
      }
      const after = await saveUpdate(a, id, current, patch)
      return present(after)
    },

    /** A tombstone; reminders not yet sent are withdrawn with it. */
    async remove (actor: Actor | null | undefined, id: number): Promise<void> {
      const a = access.requireActor(actor)
      const current = await live(id)
      await assertMayManage(a, current)
      await transactor.transaction(async tx => {
        const now = clock.now().getTime()
        if (!await subscriptions.markDeleted(id, now, tx)) throw missing('subscription', id, 'id')
        await outbox.cancelPending(id, now, 'abonnementet ble slettet', tx)
        await audit.record(now, auditActor(a), { action: 'delete', entityType: 'subscription', entityId: id, before: redacted(current) }, tx)
      })
    },

    /**
     * For jobs: the subscriptions reminders go to now. A person's own carry her current address, and
     * are left out while she is deactivated or unverified.
     */
    async active (): Promise<SubscriptionRow[]> {
      const out: SubscriptionRow[] = []
      for (const s of await subscriptions.active()) {
        const r = await resolveForJobs(s)
        if (r.active) out.push(r)
      }
      return out
    },

    /** For jobs: one subscription, deleted ones included; a person's own as in `active` (inactive while she is). */
    async find (id: number): Promise<SubscriptionRow | undefined> {
      const s = await subscriptions.find(id)
      return s && resolveForJobs(s)
    },

    /** «Mine varsler»: the signed-in person's own subscriptions, oldest first. Errors: 401/403 as `ownerOf`. */
    async listOwn (actor: Actor | null | undefined): Promise<OwnSubscriptionView[]> {
      const a = access.requireActor(actor)
      if (a.userId == null) throw denied('Mine varsler hører til en person: logg inn som deg selv')
      const user = await people.findUser(a.userId)
      const out: OwnSubscriptionView[] = []
      for (const s of await subscriptions.listByUser(a.userId)) out.push(await presentOwn(s, user?.email ?? ''))
      return out
    },

    /** One of the person's own; another's (or an operator's) is 404. */
    async getOwn (actor: Actor | null | undefined, id: number): Promise<OwnSubscriptionView> {
      const a = access.requireActor(actor)
      if (a.userId == null) throw missing('subscription', id, 'id')
      const user = await people.findUser(a.userId)
      return presentOwn(await live(id, a.userId), user?.email ?? '')
    },

    /**
     * What the person may choose from on «Mine varsler»: the region's municipalities and the active
     * collaborations, each with the bodies she may see; event types by category; lead times.
     */
    async ownChoices (actor: Actor | null | undefined): Promise<OwnSubscriptionChoices> {
      const a = access.requireActor(actor)
      const visibility = await access.visibility(viewerOfActor(a))
      const visible = (await bodies.listLiveSummaries()).filter(b => visibility.canSeeBody(b.id))
      const byName = <T extends { name: string }>(x: T, y: T) => x.name.localeCompare(y.name, 'nb')
      const bodiesOf = (pick: (b: typeof visible[number]) => boolean) => visible.filter(pick).sort(byName).map(b => ({ slug: b.slug, name: b.name }))
      const region = (await municipalities.listInRegion()).filter(m => !m.deleted).sort(byName)
      const collabs = (await collaborations.listSummaries({ limit: 10_000, offset: 0 })).items.filter(c => c.status === 'active').sort(byName)
      const types = [...catalogue.eventTypes.values()]
      return {
        municipalities: region.map(m => ({ slug: m.slug, name: m.name, bodies: bodiesOf(b => b.municipalityId === m.id) })),
        collaborations: collabs.map(c => ({ slug: c.slug, name: c.name, bodies: bodiesOf(b => b.collaborationId === c.id) })),
        eventTypes: EVENT_CATEGORIES.map(category => ({
          category,
          types: types.filter(t => t.category === category).map(t => ({ key: t.key, name: t.name.nb })),
        })).filter(g => g.types.length > 0),
        leadDays: LEAD_DAY_CHOICES,
      }
    },

    /**
     * Creates one of the person's own: e-mail to her verified address, about what she may see.
     * Errors: 401 without an actor; 403 without a person or with an unverified address
     * (subscriptions.unverified_email); 400 naming the field (municipality/collaboration/body,
     * eventTypes/i, leadDays[/i], digest).
     */
    async createOwn (actor: Actor | null | undefined, input: OwnSubscriptionInput): Promise<OwnSubscriptionView> {
      const owner = await ownerOf(actor)
      const target = await resolveOwnTarget(owner.a, input)
      const eventTypes = input.eventTypes?.length ? input.eventTypes : null
      checkEventTypes(eventTypes)
      checkLeadDays(input.leadDays)
      await checkOwnDigest(target, input.digest ?? false)
      const row = await transactor.transaction(async tx => {
        const now = clock.now().getTime()
        const created = await subscriptions.insert({
          name: owner.name,
          channel: 'email',
          // Kept for the schema's channel check; the job always sends to the person's current address.
          email: owner.email,
          webhookUrl: null,
          webhookSecret: null,
          ...target,
          eventTypes,
          leadDays: input.leadDays ?? null,
          digest: input.digest ?? false,
          includeTentative: false,
          userId: owner.userId,
          active: input.active ?? true,
        }, now, tx)
        await audit.record(now, auditActor(owner.a), { action: 'create', entityType: 'subscription', entityId: created.id, after: created }, tx)
        return created
      })
      return presentOwn(row, owner.email)
    },

    /** Changes one of the person's own (fields given replace; any of the three targets replaces the target). Errors as createOwn; another's is 404. */
    async updateOwn (actor: Actor | null | undefined, id: number, input: OwnSubscriptionInput): Promise<OwnSubscriptionView> {
      const a = access.requireActor(actor)
      if (a.userId == null) throw missing('subscription', id, 'id')
      const current = await live(id, a.userId)
      const owner = await ownerOf(a)
      const targetTouched = input.municipality !== undefined || input.collaboration !== undefined || input.body !== undefined
      const target = targetTouched ? await resolveOwnTarget(a, input) : { municipalityId: current.municipalityId, collaborationId: current.collaborationId, bodyId: current.bodyId }
      const eventTypes = input.eventTypes !== undefined ? (input.eventTypes?.length ? input.eventTypes : null) : current.eventTypes
      checkEventTypes(eventTypes)
      if (input.leadDays !== undefined) checkLeadDays(input.leadDays)
      await checkOwnDigest(target, input.digest ?? current.digest)
      const patch: Partial<SubscriptionInsert> = {
        name: owner.name,
        email: owner.email,
        ...(targetTouched ? target : {}),
        ...(input.eventTypes !== undefined ? { eventTypes } : {}),
        ...(input.leadDays !== undefined ? { leadDays: input.leadDays } : {}),
        ...(input.digest !== undefined ? { digest: input.digest } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
      }
      const after = await saveUpdate(a, id, current, patch)
      return presentOwn(after, owner.email)
    },

    /** Deletes one of the person's own (a tombstone; waiting reminders are withdrawn). Another's is 404. */
    async removeOwn (actor: Actor | null | undefined, id: number): Promise<void> {
      const a = access.requireActor(actor)
      if (a.userId == null) throw missing('subscription', id, 'id')
      const current = await live(id, a.userId)
      await transactor.transaction(async tx => {
        const now = clock.now().getTime()
        if (!await subscriptions.markDeleted(id, now, tx)) throw missing('subscription', id, 'id')
        await outbox.cancelPending(id, now, 'abonnementet ble slettet', tx)
        await audit.record(now, auditActor(a), { action: 'delete', entityType: 'subscription', entityId: id, before: current }, tx)
      })
    },

    /**
     * What a subscription's reminders, digests and webhooks may carry of private bodies: no more than
     * the least of those allowed to manage it may see.
     * - a municipality M, or a body of M: M's private bodies (and those of collaborations M takes part
     *   in or hosts, as for M's editors) — only M's editors and admins can make such a subscription;
     * - a collaboration C, or a body of C: C's own private bodies (every participant's editors may
     *   make it, so it sees no participant's private bodies);
     * - region-wide (event types only, admins only): public items only;
     * - a person's own (`userId`, issue 14): what that person may see by her roles.
     */
    async viewerOf (s: SubscriptionTarget & { userId?: number | null }): Promise<Viewer> {
      // A person's own reminders show what she may see (her roles now), not what the target's editors may.
      if (s.userId != null) {
        const user = await people.findUser(s.userId)
        if (!user || !user.active) return anonymousViewer
        return viewerOfActor(actorOfUser(user, await people.rolesOf([user.id])))
      }
      const municipalityViewer = (m: number): Viewer => ({ all: false, municipalityIds: new Set([m]), bodyIds: new Set() })
      const collaborationViewer = async (c: number): Promise<Viewer> => ({
        all: false, municipalityIds: new Set(), bodyIds: new Set((await scope.privateBodies()).filter(b => b.collaborationId === c).map(b => b.id)),
      })
      if (s.municipalityId !== null) return municipalityViewer(s.municipalityId)
      if (s.collaborationId !== null) return collaborationViewer(s.collaborationId)
      if (s.bodyId !== null) {
        const [owner] = await scope.bodyOwners([s.bodyId])
        if (owner?.municipalityId != null) return municipalityViewer(owner.municipalityId)
        if (owner?.collaborationId != null) return collaborationViewer(owner.collaborationId)
      }
      return anonymousViewer
    },
  }
  return service
}
export type SubscriptionsService = ReturnType<typeof createSubscriptionsService>
