// Which outbox rows are due at an instant: the occurrences of the region around today, the policy
// for each, and the subscriptions that should hear about it. Reads only (through the occurrences and
// subscriptions services); the dispatcher writes. Each subscription hears only of what its viewer may
// see: a private body's items go to subscriptions within that body's scope (see SubscriptionsService.viewerOf).
// A person's own subscription (issue 14) hears only of what she may see, and its lead days, when set,
// replace the rules' reminder offsets for it.
import { createHash } from 'node:crypto'
import pLimit from 'p-limit'
import { type CalendarDate, addDays, compareDates, daysBetween } from '../domain/calendar-date.js'
import { dueReminders, reminderDay, weeklyDigestDue, type PlannedReminder, type ReminderPolicy } from '../domain/reminder-policy.js'
import { workingDayOnOrAfter } from '../domain/holidays.js'
import { compareRows } from '../domain/occurrence-engine.js'
import { OWNER_PREPARATION_EVENT, OWNER_PREPARATION_TYPE } from '../domain/owner-preparation.js'
import type { Catalogue } from '../catalogue/load.js'
import type { OutboxInsert, OutboxRepository } from '../repositories/outbox.js'
import type { RuleRow, RulesRepository } from '../repositories/rules.js'
import type { BodiesRepository, BodyRow } from '../repositories/bodies.js'
import type { MunicipalitiesRepository, MunicipalityRow } from '../repositories/municipalities.js'
import type { CollaborationsRepository } from '../repositories/collaborations.js'
import { systemViewer, type AccessService, type Visibility } from '../services/access.js'
import type { OccurrenceItem, OccurrencesService } from '../services/occurrences.js'
import type { SubscriptionsService } from '../services/subscriptions.js'
import { recipientOf, type SubscriptionRow } from '../repositories/subscriptions.js'
import type { DigestItem, DigestPayload, OccurrenceSnapshot, RecipientSnapshot, ReminderPayload } from './payload.js'
import { isoWeek } from './format.js'
import { occurrencePageUrl, overdueReportCsvUrl } from '../presenters/urls.js'
import { calendarMembership, scopeKeyOf, scopeQueryOf } from './calendars.js'

export const REMINDER_ZONE = 'Europe/Oslo'

export interface PlannerOptions {
  policy: ReminderPolicy
  /** Reminders for a day go out from this local hour on. */
  sendHour: number
  /** 1 = Monday … 7 = Sunday. */
  digestWeekday: number
  baseUrl: string
  /** For Message-IDs: `<hash@mailDomain>`. */
  mailDomain: string
}

/** What the planner reads; built by the reminders service from the composition root. */
export interface PlannerDeps {
  occurrences: OccurrencesService
  subscriptions: SubscriptionsService
  access: AccessService
  rules: RulesRepository
  bodies: BodiesRepository
  municipalities: MunicipalitiesRepository
  collaborations: CollaborationsRepository
  outbox: OutboxRepository
  catalogue: Catalogue
}

export interface PlannedItem {
  occurrence: OccurrenceItem
  reminder: PlannedReminder
  /** One per recipient; none when nobody subscribes to it. */
  rows: OutboxInsert[]
}

export interface Plan {
  /** The reminder day the instant belongs to (the local date, or the day before before the send hour). */
  day: CalendarDate
  items: PlannedItem[]
  digests: OutboxInsert[]
}

/** The outbox key names the subject, the reminder and the recipient; the Message-ID is its hash. */
export function outboxIdentity (subject: string, reminderKey: string, recipient: string, mailDomain: string) {
  const outboxKey = `${subject}/${reminderKey}/${recipient}`
  const hash = createHash('sha256').update(outboxKey, 'utf8').digest('hex').slice(0, 40)
  return { outboxKey, messageId: `<${hash}@${mailDomain}>`, deliveryId: hash }
}

/** The delivery id webhooks carry (X-Arshjul-Delivery): the Message-ID's local part. */
export const deliveryIdOf = (messageId: string) => messageId.replace(/^<|@.*$/g, '')

const DONE = new Set(['delivered', 'approved', 'cancelled'])
/**
 * How many independent reads (a subscription's visibility, a municipality's digest) a planning run
 * has in flight. On PostgreSQL they overlap on the pool (the round trips, one after another, were
 * most of a Monday's planning at national scale); on SQLite they take turns as before. Small, so
 * that requests served alongside still find a pooled connection.
 */
const PLANNING_CONCURRENCY = 4
const maxDate = (a: CalendarDate, b: CalendarDate) => (compareDates(a, b) >= 0 ? a : b)

export function createPlanner (deps: PlannerDeps, opts: PlannerOptions) {
  const { policy } = opts
  const { catalogue } = deps

  /** Lookups cached for one planning run. */
  function context () {
    const bodies = new Map<number, Promise<BodyRow | undefined>>()
    const body = (id: number) => {
      if (!bodies.has(id)) bodies.set(id, deps.bodies.find(id))
      return bodies.get(id)!
    }
    const municipalities = new Map<string | number, Promise<MunicipalityRow | undefined>>()
    const municipality = (ref: string | number) => {
      if (!municipalities.has(ref)) municipalities.set(ref, deps.municipalities.find(ref))
      return municipalities.get(ref)!
    }
    /** The municipality a subscription belongs to (its own, or its body's), if any. */
    const municipalityOf = async (s: SubscriptionRow) => s.municipalityId ?? (s.bodyId !== null ? (await body(s.bodyId))?.municipalityId ?? null : null)

    const describe = async (s: SubscriptionRow): Promise<RecipientSnapshot> => {
      const what = s.bodyId !== null
        ? (await body(s.bodyId))?.name
        : s.municipalityId !== null
          ? (await municipality(s.municipalityId))?.name
          : s.collaborationId !== null
            ? (await deps.collaborations.find(s.collaborationId))?.name
            : 'hele regionen'
      const types = s.eventTypes?.length ? ` (${s.eventTypes.map(t => catalogue.eventTypes.get(t)?.name.nb ?? t).join(', ')})` : ''
      return { subscriptionId: s.id, name: s.name, scope: `${what ?? 'ukjent'}${types}` }
    }

    /** What each subscription may see of private bodies, computed once per distinct target. */
    const visibilities = new Map<string, Promise<Visibility>>()
    const visibilityOf = (s: SubscriptionRow) => {
      const key = s.userId !== null ? `user:${s.userId}` : `${s.municipalityId}/${s.collaborationId}/${s.bodyId}`
      if (!visibilities.has(key)) visibilities.set(key, deps.subscriptions.viewerOf(s).then(v => deps.access.visibility(v)))
      return visibilities.get(key)!
    }
    /** Runs the planning's independent reads PLANNING_CONCURRENCY at a time. Not nested: a read under it must not queue on it again. */
    const limit = pLimit(PLANNING_CONCURRENCY)
    return { body, municipality, municipalityOf, describe, visibilityOf, limit }
  }

  function snapshot (o: OccurrenceItem): OccurrenceSnapshot {
    const ref = (b: { slug: string; name: string } | null) => b && { slug: b.slug, name: b.name }
    return {
      id: o.id,
      eventType: o.eventType,
      kind: o.kind,
      title: o.title,
      description: catalogue.eventTypes.get(o.eventType)?.description ?? null,
      date: o.date,
      allDay: o.allDay,
      localStart: o.localStart,
      start: o.start ? new Date(+o.start).toISOString() : null,
      end: o.end ? new Date(+o.end).toISOString() : null,
      revision: o.revision,
      status: o.status,
      modified: o.modified,
      subject: o.subject,
      responsibleBody: ref(o.responsibleBody),
      treatedBy: ref(o.treatedBy),
      treatingMeeting: o.treatingMeeting && { date: o.treatingMeeting.date, localStart: o.treatingMeeting.localStart },
      legalBasis: o.legalBasis.map(l => ({ act: l.act, section: l.section, url: l.url })),
      caseNumber: o.caseNumber,
      caseUrl: o.caseUrl,
      url: occurrencePageUrl(opts.baseUrl, o.id),
    }
  }

  /**
   * The occurrences that can have a reminder due today, in date order: those overdue from a few
   * weeks back (overdue reminders and the escalation), and those whose reminder before the due date
   * falls in the catch-up window: per event type, only the days one of its offsets points at.
   * A superset of what `dueReminders` accepts, read as narrowly as the index allows.
   */
  async function candidates (today: CalendarDate, rules: RuleRow[], leadDays: readonly number[] = []): Promise<OccurrenceItem[]> {
    const offsetsByType = new Map<string, Set<number>>([[OWNER_PREPARATION_TYPE, new Set(OWNER_PREPARATION_EVENT.reminderOffsetsDays)]])
    for (const r of rules) {
      const offsets = r.reminderOffsetsDays ?? catalogue.eventTypes.get(r.eventType)?.reminderOffsetsDays ?? []
      const set = offsetsByType.get(r.eventType) ?? new Set()
      for (const d of offsets) if (Number.isInteger(d) && d >= 0) set.add(d)
      offsetsByType.set(r.eventType, set)
    }
    // A person's lead days (issue 14) may point at days no rule does: read those too, for every type.
    for (const set of offsetsByType.values()) for (const d of leadDays) if (Number.isInteger(d) && d >= 0) set.add(d)
    // Overdue and escalation: an undone deadline whose due date has passed, at most this far back.
    const from = addDays(today, -(policy.catchUpDays + Math.max(policy.overdueEveryDays * policy.overdueMax, policy.escalateAfterDays)))
    const out = await deps.occurrences.list({ from, to: addDays(today, -1), asOf: today, statuses: ['overdue'] }, systemViewer)
    // Before the due date: a reminder d days before goes out on the working day on or before its
    // nominal day (due − d), so its nominal day lies from `today − catchUpDays` to the day before the
    // next working day after today, and the due date d days after that (never before today).
    const lastNominal = addDays(workingDayOnOrAfter(addDays(today, 1)), -1)
    const bands = new Map<string, { from: CalendarDate; to: CalendarDate; types: string[] }>()
    for (const [type, offsets] of offsetsByType) {
      const spans = [...offsets].sort((a, b) => a - b).map(d => ({ from: maxDate(today, addDays(today, d - policy.catchUpDays)), to: addDays(lastNominal, d) }))
      const merged: typeof spans = []
      for (const s of spans) {
        const last = merged.at(-1)
        if (last && compareDates(s.from, addDays(last.to, 1)) <= 0) last.to = maxDate(last.to, s.to)
        else merged.push({ ...s })
      }
      for (const m of merged) {
        const key = `${m.from}/${m.to}`
        const band = bands.get(key) ?? { ...m, types: [] }
        band.types.push(type)
        bands.set(key, band)
      }
    }
    // A rule of a type the catalogue no longer knows cannot be asked for by type: read every type.
    const unknown = [...offsetsByType.keys()].some(t => t !== OWNER_PREPARATION_TYPE && !catalogue.eventTypes.has(t))
    if (unknown) {
      const to = [...bands.values()].reduce((m, b) => maxDate(m, b.to), today)
      out.push(...await deps.occurrences.list({ from: today, to, asOf: today }, systemViewer))
    } else {
      for (const band of bands.values()) out.push(...await deps.occurrences.list({ from: band.from, to: band.to, asOf: today, eventTypes: band.types }, systemViewer))
    }
    return out.sort(compareRows)
  }

  return {
    /**
     * Everything due at `now`, as outbox rows (already-enqueued ones included: enqueueing is
     * idempotent). With `includeUnaddressed`, also due reminders nobody subscribes to (for --dry-run).
     */
    async plan (now: Date, options: { includeUnaddressed?: boolean } = {}): Promise<Plan> {
      const day = reminderDay(now, REMINDER_ZONE, opts.sendHour)
      const subs = await deps.subscriptions.active()
      if (subs.length === 0 && !options.includeUnaddressed) return { day, items: [], digests: [] }
      const ctx = context()
      // Lead days (issue 14): a subscription with its own hears the reminders before the due date
      // computed from them instead of the rule's; '' stands for the rules' own offsets.
      const leadKeyOf = (s: SubscriptionRow) => s.leadDays?.length ? [...new Set(s.leadDays)].sort((a, b) => b - a).join(',') : ''
      const leadSets = new Map<string, readonly number[] | null>([['', null]])
      for (const s of subs) if (s.leadDays?.length) leadSets.set(leadKeyOf(s), s.leadDays)
      // What is due, first: only those occurrences need calendars, recipients and payloads.
      // `heardBy`: per reminder key, the lead sets under which it is due today.
      const due: Array<{ o: OccurrenceItem; reminders: PlannedReminder[]; heardBy: Map<string, Set<string>> }> = []
      const anyTentative = subs.some(s => s.includeTentative)
      for (const o of await candidates(day, await deps.rules.list(), [...leadSets.values()].flatMap(l => l ?? []))) {
        // Issue 12: nothing is reminded of what is "ikke registrert" (before its subject's tracking
        // start, never recorded): a reminder would be a false alarm. A placeholder meeting from a
        // default møteplan ("foreløpig") only reaches subscriptions that ask for it (inScope).
        if (o.notRecorded || (o.tentative && !anyTentative)) continue
        const reminders: PlannedReminder[] = []
        const heardBy = new Map<string, Set<string>>()
        for (const [leadKey, offsets] of leadSets) {
          for (const r of dueReminders({ date: o.date, localStart: o.localStart, status: o.status, kind: o.kind, offsetsDays: offsets ?? o.reminderOffsetsDays }, day, policy)) {
            if (!heardBy.has(r.key)) { heardBy.set(r.key, new Set()); reminders.push(r) }
            heardBy.get(r.key)!.add(leadKey)
          }
        }
        if (reminders.length > 0) due.push({ o, reminders, heardBy })
      }

      // Nothing due: no calendars, visibilities or recipients to read (most mornings but the digest's).
      if (due.length === 0) return { day, items: [], digests: await planDigests(day, subs, ctx) }

      // Per subscription: its calendar (held in memory for the occurrences due) and what it may see.
      const scopeKeys = new Map(subs.map(s => [s.id, scopeKeyOf(scopeQueryOf(s))]))
      const calendars = await calendarMembership(deps, subs.map(scopeQueryOf), due.filter(d => d.reminders.some(r => r.audience.subscribers)).map(d => d.o))
      const visibility = new Map<number, Visibility>(await Promise.all(subs.map(s => ctx.limit(async () => [s.id, await ctx.visibilityOf(s)] as const))))
      /** A private body's items reach only subscriptions within that body's scope. */
      const mayHear = (s: SubscriptionRow, o: OccurrenceItem) => visibility.get(s.id)!.canSee({ bodyIds: o.bodyIds })
      const wants = (s: SubscriptionRow, o: OccurrenceItem) => !s.eventTypes?.length || s.eventTypes.includes(o.eventType)
      const inScope = (s: SubscriptionRow, o: OccurrenceItem) => (!o.tentative || s.includeTentative) && wants(s, o) && calendars.holds(scopeKeys.get(s.id)!, o) && mayHear(s, o)

      // The kommunedirektør's recipients: subscriptions to a municipality's kommunedirektør body.
      const kommunedirektor = new Map<number, SubscriptionRow[]>()
      const subscribedBodies = await Promise.all(subs.map(({ bodyId }) => bodyId !== null ? ctx.limit(() => ctx.body(bodyId)) : undefined))
      for (const [i, s] of subs.entries()) {
        const b = subscribedBodies[i]
        if (b?.kind === 'kommunedirektor' && b.municipalityId !== null) kommunedirektor.set(b.municipalityId, [...kommunedirektor.get(b.municipalityId) ?? [], s])
      }
      const subjects = new Map<string, Promise<number[]>>()
      const subjectMunicipalities = (subject: OccurrenceItem['subject']) => {
        const key = `${subject.type}/${subject.slug}`
        if (!subjects.has(key)) {
          subjects.set(key, (async () => {
            if (subject.type === 'municipality') return [(await ctx.municipality(subject.slug))!.id]
            const c = await deps.collaborations.find(subject.slug)
            if (!c) return []
            if (c.hostMunicipalityId !== null) return [c.hostMunicipalityId]
            const out: number[] = []
            for (const id of await deps.collaborations.involvedMunicipalityIds(c.id)) if ((await ctx.municipality(id))?.inRegion) out.push(id)
            return out
          })())
        }
        return subjects.get(key)!
      }
      const responsibleMunicipalities = async (o: OccurrenceItem): Promise<number[]> => {
        const b = o.responsibleBody ? await ctx.body(o.responsibleBody.id) : undefined
        if (b?.municipalityId != null) return [b.municipalityId]
        return subjectMunicipalities(o.subject)
      }
      const recipientsOf = new Map<number, RecipientSnapshot>()
      const describe = async (s: SubscriptionRow) => {
        if (!recipientsOf.has(s.id)) recipientsOf.set(s.id, await ctx.describe(s))
        return recipientsOf.get(s.id)!
      }
      const homes = new Map<number, number | null>()
      const municipalityOf = async (s: SubscriptionRow) => {
        if (!homes.has(s.id)) homes.set(s.id, await ctx.municipalityOf(s))
        return homes.get(s.id)!
      }

      const items: PlannedItem[] = []
      for (const { o, reminders, heardBy } of due) {
        const municipalities = await responsibleMunicipalities(o)
        // The same for each of the occurrence's reminders today.
        let hearers: SubscriptionRow[] | undefined
        let occurrence: OccurrenceSnapshot | undefined
        for (const r of reminders) {
          const recipients = new Map<string, SubscriptionRow>()
          const add = (s: SubscriptionRow) => { if (!recipients.has(recipientOf(s))) recipients.set(recipientOf(s), s) }
          if (r.audience.subscribers) (hearers ??= subs.filter(s => inScope(s, o))).filter(s => heardBy.get(r.key)!.has(leadKeyOf(s))).forEach(add)
          if (r.audience.kommunedirektor) {
            for (const m of municipalities) {
              (kommunedirektor.get(m) ?? []).filter(s => wants(s, o) && mayHear(s, o)).forEach(add)
            }
          }
          const escalatedTo = r.audience.kommunedirektor
            ? (await Promise.all(municipalities.map(async m => (await ctx.municipality(m))?.name))).filter(Boolean).join(', ') || null
            : null
          const rows: OutboxInsert[] = []
          for (const [recipient, s] of recipients) {
            const payload: ReminderPayload = {
              type: 'reminder',
              reminder: {
                key: r.key,
                kind: r.kind,
                sendOn: r.sendOn,
                dueDate: r.dueDate,
                daysLeft: r.kind === 'before' ? daysBetween(r.sendOn, r.dueDate) : null,
                daysOverdue: r.kind === 'before' ? null : daysBetween(r.dueDate, r.sendOn),
                number: r.kind === 'overdue' ? r.days / policy.overdueEveryDays : null,
                escalated: r.audience.kommunedirektor,
                escalatedTo,
              },
              occurrence: occurrence ??= snapshot(o),
              recipient: await describe(s),
            }
            const id = outboxIdentity(o.id, r.key, recipient, opts.mailDomain)
            rows.push({
              outboxKey: id.outboxKey,
              messageId: id.messageId,
              kind: r.kind,
              occurrenceId: o.id,
              reminderKey: r.key,
              recipient,
              // The delivery log is filtered by municipality: the recipient's own, else the one responsible.
              subscriptionId: s.id,
              channel: s.channel,
              municipalityId: await municipalityOf(s) ?? municipalities[0] ?? null,
              sendOn: r.sendOn,
              dueDate: r.dueDate,
              payload,
            })
          }
          if (rows.length > 0 || options.includeUnaddressed) items.push({ occurrence: o, reminder: r, rows })
        }
      }
      return { day, items, digests: await planDigests(day, subs, ctx) }
    },
  }

  async function planDigests (day: CalendarDate, subs: SubscriptionRow[], ctx: ReturnType<typeof context>): Promise<OutboxInsert[]> {
    const slot = weeklyDigestDue(day, opts.digestWeekday)
    if (!slot) return []
    const byMunicipality = new Map<number, SubscriptionRow[]>()
    const homes = await Promise.all(subs.map(s => s.digest ? ctx.limit(() => ctx.municipalityOf(s)) : null))
    for (const [i, s] of subs.entries()) {
      const m = homes[i]
      if (m != null) byMunicipality.set(m, [...byMunicipality.get(m) ?? [], s])
    }
    const digests = (await Promise.all([...byMunicipality].map(async ([municipalityId, list]) => {
      const m = await ctx.limit(() => ctx.municipality(municipalityId))
      if (!m || m.deleted) return null
      const recipients = new Map<string, SubscriptionRow>()
      for (const s of list) if (!recipients.has(recipientOf(s))) recipients.set(recipientOf(s), s)
      const identities = [...recipients].map(([recipient, s]) => ({ s, recipient, ...outboxIdentity(`digest-${m.slug}`, slot.key, recipient, opts.mailDomain) }))
      return { municipalityId, m, identities }
    }))).filter(d => d !== null)

    /** One municipality's digests, for those of its recipients who do not have this week's yet. */
    const municipalityDigests = async (municipalityId: number, m: MunicipalityRow, identities: Array<{ s: SubscriptionRow; recipient: string; outboxKey: string; messageId: string }>): Promise<OutboxInsert[]> => {
      // A digest is the municipality's: it shows what the municipality's editors may see, and no more;
      // a person's own digest (issue 14) what she may see. One list per distinct viewer.
      const lists = new Map<string, Promise<OccurrenceItem[]>>()
      const listFor = (s: SubscriptionRow) => {
        const key = s.userId !== null ? `user:${s.userId}` : 'municipality'
        if (!lists.has(key)) {
          lists.set(key, deps.subscriptions.viewerOf(s.userId !== null ? s : { municipalityId, collaborationId: null, bodyId: null })
            .then(viewer => deps.occurrences.list({ municipality: municipalityId, from: addDays(day, -365), to: addDays(day, 30), asOf: day }, viewer)))
        }
        return lists.get(key)!
      }
      const item = (o: OccurrenceItem): DigestItem => ({
        id: o.id,
        title: o.title,
        subject: o.subject.name,
        date: o.date,
        kind: o.kind,
        responsibleBody: o.responsibleBody?.name ?? null,
        daysOverdue: o.daysOverdue,
        url: occurrencePageUrl(opts.baseUrl, o.id),
      })
      const out: OutboxInsert[] = []
      for (const i of identities) {
        const list30 = await listFor(i.s)
        const overdue = list30.filter(o => o.overdue).sort((a, b) => b.daysOverdue - a.daysOverdue || a.id.localeCompare(b.id)).map(item)
        const upcoming = list30.filter(o => o.kind !== 'meeting' && !DONE.has(o.status) && !o.notRecorded && compareDates(o.date, day) >= 0).map(item)
        const payload: DigestPayload = {
          type: 'digest',
          digest: { key: slot.key, weekOf: slot.weekOf, asOf: day, week: isoWeek(slot.weekOf) },
          municipality: { slug: m.slug, name: m.name },
          overdue,
          upcoming,
          url: overdueReportCsvUrl(opts.baseUrl, m.slug),
          recipient: await ctx.describe(i.s),
        }
        out.push({
          outboxKey: i.outboxKey,
          messageId: i.messageId,
          kind: 'digest',
          occurrenceId: null,
          reminderKey: slot.key,
          recipient: i.recipient,
          subscriptionId: i.s.id,
          channel: i.s.channel,
          municipalityId,
          sendOn: slot.sendOn,
          dueDate: null,
          payload,
        })
      }
      return out
    }

    // The week's digest is built once: one read finds the recipients who already have it, and a
    // municipality whose recipients all have it is not read at all.
    const existing = await deps.outbox.existingKeys(digests.flatMap(d => d.identities.map(i => i.outboxKey)))
    const built = await Promise.all(digests.map(d => {
      const missing = d.identities.filter(i => !existing.has(i.outboxKey))
      return missing.length > 0 ? ctx.limit(() => municipalityDigests(d.municipalityId, d.m, missing)) : []
    }))
    return built.flat()
  }
}
export type Planner = ReturnType<typeof createPlanner>
