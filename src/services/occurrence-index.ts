// The occurrence index (issue 11): the engine's rows (domain/occurrence-engine.ts) materialised over a
// horizon of whole years — two back, five ahead of today's year — and kept current inside every write
// transaction. Triggers note what changed (rules, states, participations, hosts, constitution dates,
// bodies, municipalities); before COMMIT, `flush` recomputes exactly the rows that depend on it and
// bumps the revision of every calendar whose rows changed (what feed caches check).
//
// A new year rolls the horizon: the index is rebuilt in the background, rule batch by rule batch,
// while reads trust only the part both horizons share. A window outside what reads may trust is
// answered by the engine directly (correct, only slower): see services/occurrences.ts.
import { createHash } from 'node:crypto'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { Catalogue } from '../catalogue/load.js'
import type { Executor, Transactor } from '../db/executor.js'
import { notifyChange } from '../db/changes.js'
import { runAlways, type Exclusive } from '../db/exclusive.js'
import { addDays, addMonths, compareDates, type CalendarDate } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import { meetingRefs, ruleRows, type EngineBody, type EngineFacts, type EngineOwner, type EngineRule, type EngineState, type EngineWindow, type OccurrenceRow } from '../domain/occurrence-engine.js'
import { occurrenceId, treatingMeeting, type MeetingRef } from '../domain/occurrences.js'
import { OWNER_MEETING_KINDS, parseOwnerPreparationKey } from '../domain/owner-preparation.js'
import type { ConstitutionDates } from '../domain/valgperiode.js'
import type { DirtyEntry, IndexMeta, OccurrenceIndexRepository } from '../repositories/occurrence-index.js'
import type { RuleRow } from '../repositories/rules.js'
import type { Clock } from '../shared/clock.js'

const ZONE = 'Europe/Oslo'
export const HORIZON_YEARS_BACK = 2
export const HORIZON_YEARS_AHEAD = 5
/** Bumped when the engine's output changes shape or meaning: a different fingerprint rebuilds the index. */
// 2 (issue 12): rows carry their subject's tracking start; default plans' meetings avoid public holidays.
const ENGINE_VERSION = 2
const REBUILD_BATCH = 250
/** A background rebuild works in smaller transactions: each holds the connection while it runs. */
const BUILD_BATCH = 50
/** A rebuild left unfinished (its instance stopped or died) is taken up again at most this often. */
const RESUME_EVERY_MS = 60_000
/** The name under which one instance at a time rolls the horizon forward or rebuilds (src/db/exclusive.ts). */
export const INDEX_BUILD_LOCK = 'occurrence-index-build'

/** The horizon for a day: 1 January two years back to 31 December five years ahead. */
export function horizonFor (today: CalendarDate): EngineWindow {
  const year = Number(today.slice(0, 4))
  return { from: `${year - HORIZON_YEARS_BACK}-01-01`, to: `${year + HORIZON_YEARS_AHEAD}-12-31` }
}

const live = (r: RuleRow) => !r.deleted && r.enabled
const within = (w: EngineWindow, outer: EngineWindow | null) => outer !== null && compareDates(w.from, outer.from) >= 0 && compareDates(w.to, outer.to) <= 0

export interface OccurrenceIndexDeps {
  repo: OccurrenceIndexRepository
  transactor: Transactor
  catalogue: Catalogue
  clock: Clock
  /** One instance at a time builds (several servers on one PostgreSQL database); default: just run. */
  exclusive?: Exclusive
}

/** The in-process view of calendar revisions: feed caches compare these without touching the database. */
export interface CalendarRevisions {
  /** The sequence number of a calendar's last change ('m:12', 'c:4', 'b:30'); 0 if never changed. */
  get (key: string): number
}

export function createOccurrenceIndexService (deps: OccurrenceIndexDeps) {
  const { repo, transactor, catalogue, clock } = deps
  const exclusive = deps.exclusive ?? runAlways
  const fingerprint = createHash('sha256').update(JSON.stringify([ENGINE_VERSION,
    [...catalogue.eventTypes.values()].map(t => [t.key, t.kind, t.calendarBodyKinds]).sort()])).digest('base64url').slice(0, 22)
  const today = () => localDateOf(clock.now(), ZONE)

  let meta: IndexMeta | undefined
  let checkedDay: string | null = null
  let building: Promise<void> | null = null
  let lastBuildStart = 0
  const revisions = new Map<string, number>()
  let revisionSeq = -1
  let pendingRevisions: { keys: string[]; seq: number } | null = null

  const eventType = (key: string) => catalogue.eventTypes.get(key)

  /**
   * Everything the engine needs to compute the rows of these rules over a window: their states, the
   * bodies they name, constitution dates, owners of the companies whose owner meetings they are, and
   * the treating bodies' meetings (computed on first use, from the rules themselves, never the index).
   */
  async function loadFacts (rules: readonly EngineRule[], window: EngineWindow, ex?: Executor): Promise<EngineFacts> {
    const states = new Map<string, EngineState>()
    const addStates = async (ruleIds: number[]) => {
      for (const s of await repo.states(ruleIds, ex)) states.set(occurrenceId(s.ruleId, s.originalKey), s)
    }
    await addStates(rules.map(r => r.id))
    const bodyIds = [...new Set(rules.map(r => r.responsibleBodyId).filter((id): id is number => id !== null))]
    const bodies = new Map<number, EngineBody>((await repo.bodies(bodyIds, ex)).map(b => [b.id, b]))
    // The rule's municipality, or its responsible body's (a participant's rule on a collaboration), as ruleRows reads it.
    const constitution = await repo.constitutionDates([...new Set(rules.map(r => r.municipalityId ?? (r.responsibleBodyId !== null ? bodies.get(r.responsibleBodyId)?.municipalityId : null) ?? null).filter((id): id is number => id !== null))], ex)
    const ownerCollaborations = [...new Set(rules.filter(r => r.eventType === 'mote' && r.collaborationId !== null && r.responsibleBodyId !== null &&
      OWNER_MEETING_KINDS.has(bodies.get(r.responsibleBodyId)?.kind as never)).map(r => r.collaborationId!))]
    const owners = await repo.owners(ownerCollaborations, ex)
    // Treating bodies: the rules' own, and each owner's formannskap (where it prepares owner meetings).
    const treating = [...new Set([...rules.map(r => r.treatedByBodyId), ...[...owners.values()].flat().map(o => o.formannskapId)].filter((id): id is number => id !== null))]
    const meetingRules = await repo.meetingRules(treating, ex)
    await addStates(meetingRules.map(r => r.id).filter(id => !rules.some(r => r.id === id)))
    const meetingRulesByBody = new Map<number, RuleRow[]>()
    for (const r of meetingRules) meetingRulesByBody.set(r.responsibleBodyId!, [...(meetingRulesByBody.get(r.responsibleBodyId!) ?? []), r])
    const meetings = new Map<number, MeetingRef[]>()
    const state = (id: string) => states.get(id)
    // Tracking starts of every subject a row can have: the rules' municipalities and collaborations,
    // their responsible bodies' municipalities, and the owners (whose preparations are theirs).
    const trackedMunicipalities = new Set<number>()
    for (const r of rules) if (r.municipalityId !== null) trackedMunicipalities.add(r.municipalityId)
    for (const b of bodies.values()) if (b.municipalityId !== null) trackedMunicipalities.add(b.municipalityId)
    for (const list of owners.values()) for (const o of list) trackedMunicipalities.add(o.municipalityId)
    const tracking = await repo.trackingFrom([...trackedMunicipalities],
      [...new Set(rules.map(r => r.collaborationId).filter((id): id is number => id !== null))], ex)
    return {
      eventType,
      state,
      constitutionDates: (m: number): ConstitutionDates => constitution.get(m) ?? {},
      body: (id: number) => bodies.get(id),
      owners: (c: number): readonly EngineOwner[] => owners.get(c) ?? [],
      meetings (bodyId: number) {
        let list = meetings.get(bodyId)
        if (!list) meetings.set(bodyId, list = meetingRefs(meetingRulesByBody.get(bodyId) ?? [], state, window))
        return list
      },
      municipalityTrackingFrom: (m: number) => tracking.municipalities.get(m) ?? null,
      collaborationTrackingFrom: (c: number) => tracking.collaborations.get(c) ?? null,
    }
  }

  /** The engine's rows of these rules over a window (rules switched off or deleted have none). */
  async function computeRows (rules: readonly RuleRow[], window: EngineWindow, ex?: Executor): Promise<OccurrenceRow[]> {
    const liveRules = rules.filter(live)
    const facts = await loadFacts(liveRules, window, ex)
    return liveRules.flatMap(r => ruleRows(r, facts, window))
  }

  /** The calendars a row is in, as revision keys: its municipality, collaboration and every body it names. */
  function touch (keys: Set<string>, r: OccurrenceRow): void {
    if (r.municipalityId !== null) keys.add(`m:${r.municipalityId}`)
    if (r.collaborationId !== null) keys.add(`c:${r.collaborationId}`)
    for (const b of [r.responsibleBodyId, r.treatedByBodyId, r.relatedBodyId]) if (b !== null) keys.add(`b:${b}`)
  }

  interface Changes { keys: Set<string>; meetingBodies: Map<number, { from: string; to: string }>; refreshed: Set<number> }
  function noteMeeting (ch: Changes, r: OccurrenceRow): void {
    if (r.kind !== 'meeting' || r.responsibleBodyId === null) return
    const cur = ch.meetingBodies.get(r.responsibleBodyId)
    ch.meetingBodies.set(r.responsibleBodyId, cur
      ? { from: compareDates(r.date, cur.from) < 0 ? r.date : cur.from, to: compareDates(r.date, cur.to) > 0 ? r.date : cur.to }
      : { from: r.date, to: r.date })
  }

  /** Replaces every row of these rules. */
  async function refreshRules (ruleIds: readonly number[], horizon: EngineWindow, ch: Changes, ex: Executor): Promise<void> {
    if (!ruleIds.length) return
    const old = await repo.rowsOfRules(ruleIds, ex)
    const fresh = await computeRows(await repo.rules(ruleIds, ex), horizon, ex)
    await repo.deleteRules(ruleIds, ex)
    await repo.insert(fresh, ex)
    for (const id of ruleIds) ch.refreshed.add(id)
    diff(old, fresh, ch)
  }

  /** Notes what changed between the old and new rows of the same occurrences. */
  function diff (old: readonly OccurrenceRow[], fresh: readonly OccurrenceRow[], ch: Changes): void {
    const before = new Map(old.map(r => [r.id, r]))
    const after = new Map(fresh.map(r => [r.id, r]))
    for (const r of fresh) {
      const was = before.get(r.id)
      if (was && JSON.stringify(was) === JSON.stringify(r)) continue
      touch(ch.keys, r)
      noteMeeting(ch, r)
      if (was) { touch(ch.keys, was); noteMeeting(ch, was) }
    }
    for (const r of old) if (!after.has(r.id)) { touch(ch.keys, r); noteMeeting(ch, r) }
  }

  /** One occurrence's rows after its state changed: the occurrence and, for a meeting, its owners' preparations. */
  async function refreshOccurrence (ruleId: number, key: string, horizon: EngineWindow, ch: Changes, ex: Executor): Promise<void> {
    const meetingKey = parseOwnerPreparationKey(key)?.meetingKey ?? key
    const [rule] = await repo.rules([ruleId], ex)
    const date = meetingKey.slice(0, 10)
    // A move reaches at most MAX_MOVE_DAYS; a preparation lies a day before its meeting.
    const window = { from: addDays(date, -368), to: addDays(date, 368) }
    const mine = (r: OccurrenceRow) => r.originalKey === meetingKey || parseOwnerPreparationKey(r.originalKey)?.meetingKey === meetingKey
    const old = (await repo.rowsOfRules([ruleId], ex)).filter(mine)
    const fresh = rule ? (await computeRows([rule], window, ex)).filter(r => mine(r) && r.date >= horizon.from && r.date <= horizon.to) : []
    await repo.deleteIds(old.map(r => r.id), ex)
    await repo.insert(fresh, ex)
    diff(old, fresh, ch)
  }

  /**
   * Recomputes the treating meeting of what a body treats, where its meetings changed. Rows of rules
   * recomputed in this same flush already have it (their facts were read after the change).
   */
  async function refreshTreating (horizon: EngineWindow, ch: Changes, ex: Executor): Promise<void> {
    // A meeting is the treating meeting for deadlines up to six months after it. The bodies' rows in one
    // read per 100 bodies: the initial build of a nation has thousands of bodies whose meetings changed.
    const ranges = [...ch.meetingBodies].map(([bodyId, range]) => ({ bodyId, from: range.from, to: addMonths(range.to, 6) }))
    const rowsOf = new Map<number, OccurrenceRow[]>()
    for (const r of await repo.treatedBy(ranges, ex)) {
      if (ch.refreshed.has(r.ruleId) || r.treatedByBodyId === null) continue
      rowsOf.set(r.treatedByBodyId, [...rowsOf.get(r.treatedByBodyId) ?? [], r])
    }
    for (const [bodyId, rows] of rowsOf) await refreshTreatingOf(bodyId, rows, horizon, ch, ex)
  }

  async function refreshTreatingOf (bodyId: number, rows: readonly OccurrenceRow[], horizon: EngineWindow, ch: Changes, ex: Executor): Promise<void> {
    const rules = await repo.meetingRules([bodyId], ex)
    const states = new Map<string, EngineState>()
    for (const s of await repo.states(rules.map(r => r.id), ex)) states.set(occurrenceId(s.ruleId, s.originalKey), s)
    const meetings = meetingRefs(rules, id => states.get(id), horizon)
    const changed: Array<{ id: string; meeting: MeetingRef | null }> = []
    for (const r of rows) {
      const m = treatingMeeting(r.date, meetings)
      if ((m?.id ?? null) === r.treatingMeetingId && (m?.date ?? null) === r.treatingMeetingDate && (m?.localStart ?? null) === r.treatingMeetingLocalStart) continue
      changed.push({ id: r.id, meeting: m })
      touch(ch.keys, r)
    }
    await repo.setTreatingMeetings(changed, ex)
  }

  /** What a batch of noted changes means for the index: the rules to recompute whole, and single occurrences. */
  async function plan (dirty: readonly DirtyEntry[], ex: Executor): Promise<{ rules: Set<number>; occurrences: Array<[number, string]>; keys: Set<string>; tracking: { municipalities: number[]; collaborations: number[] } }> {
    const rules = new Set<number>()
    const keys = new Set<string>()
    const byKind = (k: DirtyEntry['kind']) => dirty.filter(d => d.kind === k)
    for (const d of byKind('rule')) rules.add(d.refId)
    const collaborations = new Set<number>()
    for (const d of byKind('participation')) { collaborations.add(d.refId); keys.add(`c:${d.refId}`); keys.add(`m:${d.key}`) }
    for (const d of byKind('collaboration')) collaborations.add(d.refId)
    const municipalities = byKind('municipality').map(d => d.refId)
    for (const m of municipalities) {
      keys.add(`m:${m}`)
      for (const c of await repo.involvedCollaborationIds(m, ex)) collaborations.add(c)
    }
    // A collaboration's name or participants show in every involved municipality's calendar.
    for (const [c, owners] of await repo.owners([...collaborations], ex)) {
      keys.add(`c:${c}`)
      for (const o of owners) keys.add(`m:${o.municipalityId}`)
    }
    const bodies = byKind('body').map(d => d.refId)
    const changedBodies = await repo.bodies(bodies, ex)
    for (const b of changedBodies) {
      keys.add(`b:${b.id}`)
      keys.add(b.municipalityId !== null ? `m:${b.municipalityId}` : `c:${b.collaborationId}`)
    }
    // A municipality's formannskap prepares its owner meetings: a new or changed one changes the preparations.
    const formannskapOwners = changedBodies.filter(b => b.kind === 'formannskap' && b.municipalityId !== null).map(b => b.municipalityId!)
    for (const id of await repo.ruleIdsWhere({
      municipalityIds: byKind('constitution').map(d => d.refId),
      bodyIds: bodies,
      meetingsOfCollaborations: [...collaborations],
    }, ex)) rules.add(id)
    for (const id of await repo.preparationRuleIdsOwnedBy([...municipalities, ...formannskapOwners], ex)) rules.add(id)
    for (const m of formannskapOwners) {
      for (const id of await repo.ruleIdsWhere({ meetingsOfCollaborations: [...await repo.involvedCollaborationIds(m, ex)] }, ex)) rules.add(id)
    }
    const occurrences: Array<[number, string]> = byKind('state').filter(d => !rules.has(d.refId)).map(d => [d.refId, d.key])
    return { rules, occurrences, keys, tracking: { municipalities, collaborations: [...collaborations] } }
  }

  /**
   * A changed municipality or collaboration (or participation) may have a new tracking start, its own
   * or (a collaboration without one) its owners'. A row's is a function of its subject alone
   * (`rowTrackingFrom`), so the rows are set in place rather than recomputed.
   */
  async function refreshTracking (subjects: { municipalities: readonly number[]; collaborations: readonly number[] }, ch: Changes, ex: Executor): Promise<void> {
    if (!subjects.municipalities.length && !subjects.collaborations.length) return
    const changed = await repo.setTrackingFrom(await repo.trackingFrom(subjects.municipalities, subjects.collaborations, ex), ex)
    for (const m of changed.municipalities) ch.keys.add(`m:${m}`)
    for (const c of changed.collaborations) ch.keys.add(`c:${c}`)
  }

  /** Applies noted changes to the index (in the caller's transaction). */
  async function apply (dirty: readonly DirtyEntry[], m: IndexMeta, ex: Executor): Promise<Set<string>> {
    const horizon = { from: m.targetFrom, to: m.targetTo }
    const p = await plan(dirty, ex)
    const ch: Changes = { keys: p.keys, meetingBodies: new Map(), refreshed: new Set() }
    const ids = [...p.rules]
    for (let i = 0; i < ids.length; i += REBUILD_BATCH) await refreshRules(ids.slice(i, i + REBUILD_BATCH), horizon, ch, ex)
    for (const [ruleId, key] of p.occurrences) await refreshOccurrence(ruleId, key, horizon, ch, ex)
    await refreshTreating(horizon, ch, ex)
    await refreshTracking(p.tracking, ch, ex)
    return ch.keys
  }

  async function currentMeta (ex: Executor): Promise<IndexMeta> {
    const found = await repo.meta(ex)
    if (found) return (meta = found)
    // A new database (or one the index's migration just met: it noted every existing rule as changed).
    const h = horizonFor(today())
    const created = { fingerprint, validFrom: h.from, validTo: h.to, targetFrom: h.from, targetTo: h.to, cursor: null, seq: 0 }
    await repo.saveMeta(created, ex)
    return (meta = { id: 1, ...created })
  }

  /** Brings the index up to date with what this transaction changed. Runs before every COMMIT. */
  async function flush (ex: Executor): Promise<void> {
    const dirty = await repo.takeDirty(ex)
    if (!dirty.length) return
    const m = await currentMeta(ex)
    const keys = await apply(dirty, m, ex)
    if (!keys.size) return
    const seq = m.seq + 1
    await repo.saveMeta({ ...m, seq }, ex)
    meta = { ...m, seq }
    await repo.bumpRevisions([...keys], seq, ex)
    // Other instances re-read revisions when this commits (their feed caches and ETags).
    await notifyChange(ex, { kind: 'revisions', seq, keys: [...keys] })
    pendingRevisions = { keys: [...keys], seq }
  }

  transactor.onCommit({
    before: flush,
    after () {
      // Only this process's own commits land here; other processes' come through syncRevisions().
      if (!pendingRevisions) return
      for (const k of pendingRevisions.keys) revisions.set(k, pendingRevisions.seq)
      pendingRevisions = null
    },
  })

  /** Rebuilds every rule's rows for the target horizon, batch by batch, each batch its own transaction. */
  async function build (): Promise<void> {
    for (;;) {
      if (stopped) return
      const done = await transactor.transaction(async tx => {
        const m = await currentMeta(tx)
        // Finished meanwhile by another instance (this one learnt of the build before it ended).
        if (m.cursor === null) return true
        const ids = await repo.ruleIdsAfter(m.cursor, BUILD_BATCH, tx)
        const horizon = { from: m.targetFrom, to: m.targetTo }
        if (!ids.length) {
          await repo.deleteOutside(horizon.from, horizon.to, tx)
          const next = { ...m, validFrom: horizon.from, validTo: horizon.to, cursor: null, seq: m.seq + 1 }
          await repo.saveMeta(next, tx)
          await notifyChange(tx, { kind: 'index' })
          meta = next
          return true
        }
        const ch: Changes = { keys: new Set(), meetingBodies: new Map(), refreshed: new Set() }
        await refreshRules(ids, horizon, ch, tx)
        const next = { ...m, cursor: ids[ids.length - 1]! }
        await repo.saveMeta(next, tx)
        meta = next
        return false
      })
      if (done) return
      await yieldToEventLoop()
    }
  }

  let stopped = false
  /**
   * Builds in the background unless another instance is building (then this one skips: the other's
   * commits tell it when the index is whole again, see `reload`).
   */
  function startBuild (): Promise<void> {
    if (!building) lastBuildStart = Date.now()
    building ??= exclusive(INDEX_BUILD_LOCK, build)
      // Closing the database mid-build ends it; it resumes from its cursor on the next start.
      .then(() => {}, err => { if (!stopped) throw err })
      .finally(() => { building = null })
    return building
  }

  const service = {
    fingerprint,

    /**
     * Checks, once a day, that the index is for this engine and today's horizon; otherwise starts a
     * rebuild in the background (reads meanwhile trust only what the old and new horizons share).
     * Then applies changes noted outside any transaction (there should be none). Cheap when current.
     */
    async ready (): Promise<void> {
      const day = today()
      if (checkedDay !== day) {
        checkedDay = day
        const want = horizonFor(day)
        await transactor.transaction(async tx => {
          const stored = await repo.meta(tx)
          // A new database: nothing indexed yet, nothing to check (the first write records the horizon).
          if (!stored) {
            meta = { id: 1, fingerprint, validFrom: want.from, validTo: want.to, targetFrom: want.from, targetTo: want.to, cursor: null, seq: 0 }
            return
          }
          const m = (meta = stored)
          if (m.fingerprint !== fingerprint) {
            await repo.deleteAll(tx)
            meta = { ...m, fingerprint, validFrom: null, validTo: null, targetFrom: want.from, targetTo: want.to, cursor: 0, seq: m.seq + 1 }
          } else if (m.targetFrom !== want.from || m.targetTo !== want.to) {
            const from = m.validFrom && compareDates(m.validFrom, want.from) > 0 ? m.validFrom : want.from
            const to = m.validTo && compareDates(m.validTo, want.to) < 0 ? m.validTo : want.to
            const overlap = m.validFrom && m.validTo && compareDates(from, to) <= 0
            meta = { ...m, validFrom: overlap ? from : null, validTo: overlap ? to : null, targetFrom: want.from, targetTo: want.to, cursor: 0 }
          } else {
            return
          }
          await repo.saveMeta(meta, tx)
          await notifyChange(tx, { kind: 'index' })
        })
        if (meta?.cursor !== null && meta?.cursor !== undefined) startBuild().catch(() => {})
      } else if (meta?.cursor !== null && meta?.cursor !== undefined && !building && Date.now() - lastBuildStart >= RESUME_EVERY_MS) {
        // Unfinished as far as this instance knows: another instance builds, or stopped half-way (then this one takes over).
        startBuild().catch(() => {})
      }
      if (await repo.hasDirty()) await transactor.transaction(async () => {})
    },

    /** Stops a rebuild under way before the database closes (it resumes on the next start). */
    stop (): void {
      stopped = true
    },

    /** Waits for a rebuild under way (tests, benchmarks, the CLI). */
    async settled (): Promise<void> {
      await service.ready()
      for (let b = building; b; b = building) await b
    },

    /** The window reads may answer from the index; null while the first build runs. */
    validWindow (): EngineWindow | null {
      return meta?.validFrom && meta.validTo ? { from: meta.validFrom, to: meta.validTo } : null
    },

    /** Whether the index can answer a window (otherwise the engine does). */
    covers (w: EngineWindow): boolean {
      return within(w, service.validWindow())
    },

    /** The engine's rows of these rules over any window: the index's oracle, and the answer outside its horizon. */
    computeRows (rules: readonly RuleRow[], window: EngineWindow, ex?: Executor): Promise<OccurrenceRow[]> {
      return computeRows(rules, window, ex)
    },

    /** Revisions of calendars, for feed caches; `sync` picks up other processes' changes. */
    revisions: {
      get: (key: string) => revisions.get(key) ?? 0,
    } satisfies CalendarRevisions,

    /**
     * Re-reads the index's horizon and state, after another instance changed them (a roll forward
     * started or finished, a rebuild): reads then trust exactly what the stored state says.
     */
    async reload (): Promise<void> {
      const stored = await repo.meta()
      if (stored) meta = stored
    },

    /** Another instance's commit changed these calendars (its notification): as `after` does for this one's. */
    noteRevisions (keys: readonly string[], seq: number): void {
      for (const k of keys) if ((revisions.get(k) ?? 0) < seq) revisions.set(k, seq)
    },

    /** Reads revisions written by other processes (and this one) since the last call. */
    async syncRevisions (): Promise<void> {
      for (const r of await repo.revisionsSince(revisionSeq)) {
        if ((revisions.get(r.key) ?? 0) < r.seq) revisions.set(r.key, r.seq)
        if (r.seq > revisionSeq) revisionSeq = r.seq
      }
    },

    /** Drops every row and rebuilds (the CLI's repair command; tests). */
    async rebuild (): Promise<void> {
      await transactor.transaction(async tx => {
        const m = await currentMeta(tx)
        const h = horizonFor(today())
        await repo.deleteAll(tx)
        await repo.clearDirty(tx)
        meta = { ...m, validFrom: null, validTo: null, targetFrom: h.from, targetTo: h.to, cursor: 0 }
        await repo.saveMeta(meta, tx)
        await notifyChange(tx, { kind: 'index' })
      })
      await startBuild()
    },
  }
  return service
}
export type OccurrenceIndexService = ReturnType<typeof createOccurrenceIndexService>
