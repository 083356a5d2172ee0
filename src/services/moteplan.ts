// Adopting a body's møteplan (issue 12): the meetings the body decided replace its default plan, or a
// previously adopted plan, for one period only, in one transaction.
//
// The design: a body has at most one live adopted rule (origin 'moteplan_adopted', a list of dates) that
// adoptions extend; the default rule (origin 'moteplan_default', an RRULE) stays and keeps giving the
// meetings of other periods. For the plan rules' meetings in the period:
// - a meeting at a time the new plan also has is kept: on the adopted rule it is left as it is (same id,
//   status, case and note); from another plan rule (the default) it moves to the adopted rule with its
//   stored state, and the old rule EXDATEs its original key;
// - a meeting the new plan does not have is cancelled (stored status 'cancelled', cancelledAt now, a
//   note), so calendars that have seen it get STATUS:CANCELLED for the feeds' grace period instead of
//   seeing it vanish (src/calendar/feed-data.ts);
// - a time only the new plan has is added to the adopted rule (a cancelled meeting there at that time
//   is restored).
// Meetings of other periods, and meeting rules of their own (origin 'manual': an extraordinary meeting
// added with POST /rules; package rules) are never touched. Adopting the same plan again changes nothing.
import { rolledBack, type Executor, type Transactor } from '../db/executor.js'
import { addDays, addYears, compareDates } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import type { OccurrenceRow } from '../domain/occurrence-engine.js'
import { occurrenceId } from '../domain/occurrences.js'
import {
  MAX_PLAN_YEARS, MoteplanError, meetingsFromList, readMoteplanCsv, readMoteplanIcal,
  type MoteplanWarning, type PlanBody, type PlannedMeeting,
} from '../domain/moteplan-import.js'
import { formatDtstart, parseDtstart } from '../domain/recurrence.js'
import { DecodeError, decodeRegister } from '../register/decode.js'
import type { AuditActor, AuditRepository } from '../repositories/audit.js'
import type { OccurrencesRepository, StatePatch } from '../repositories/occurrences.js'
import type { RuleRow, RulesRepository } from '../repositories/rules.js'
import type { Clock } from '../shared/clock.js'
import { invalid, missing } from '../shared/errors.js'
import { auditActor, type AccessService, type Actor } from './access.js'
import type { OccurrenceIndexService } from './occurrence-index.js'
import type { OccurrencesService } from './occurrences.js'
import type { RulesService } from './rules.js'

const ZONE = 'Europe/Oslo'
const DEFAULT_DURATION_MINUTES = 180

/**
 * An adopted plan as the client sent it: a JSON list, or a CSV file or an iCal export as text or as the
 * bytes saved (decoded like the register: BOM, else UTF-8, else Windows-1252 — Excel's "CSV
 * (semikolondelt)" — unless `charset` names the encoding).
 */
export type MoteplanSource =
  | { format: 'json'; meetings: ReadonlyArray<{ start: string; durationMinutes?: number | null }> }
  | { format: 'csv' | 'ical'; text: string }
  | { format: 'csv' | 'ical'; bytes: Uint8Array; charset?: string | null }

/** The period a plan replaces, local dates inclusive. Default: the whole calendar years its meetings span. */
export interface MoteplanPeriodOption { from?: string; to?: string }

export interface MoteplanChange {
  /** The period replaced, local dates inclusive. */
  period: { from: string; to: string }
  /** The plan's meetings. */
  meetings: number
  /** Times only the new plan has: new meetings (occurrenceId: a cancelled meeting restored, else null). */
  added: Array<{ local: string; durationMinutes: number; occurrenceId: string | null }>
  /** Current meetings in the period the plan does not have: they become cancelled. */
  removed: Array<{ local: string; occurrenceId: string }>
  /**
   * Current meetings in the period at a time the plan has: they stay, with status, case and note. A
   * preview gives each one's id now; an adoption its id after (a default plan's meeting moves to the
   * adopted rule and gets a new one: `previousOccurrenceId`).
   */
  kept: Array<{ local: string; occurrenceId: string; previousOccurrenceId: string | null }>
  warnings: MoteplanWarning[]
}
export interface MoteplanAdoption extends MoteplanChange {
  /** The adopted plan's rule. */
  ruleId: number
  /** Whether anything was written (false: the same plan again). */
  changed: boolean
}

export interface MoteplanServiceDeps {
  rules: RulesRepository
  occurrences: OccurrencesRepository
  audit: AuditRepository
  /** The audited rule writes (createRow/updateRow/removeRow) the adoption is made of. */
  rulesService: Pick<RulesService, 'createRow' | 'updateRow' | 'removeRow'>
  /** The audited occurrence state writes (cancelling, carrying a meeting's state over). */
  occurrenceStates: Pick<OccurrencesService, 'saveState'>
  /** The engine's rows of the body's plan rules as they stand (stored states applied). */
  engine: Pick<OccurrenceIndexService, 'computeRows'>
  access: AccessService
  clock: Clock
  transactor: Transactor
}

/** Reads the plan; a malformed one is 400 naming the line or list item. */
export function parseMoteplan (source: MoteplanSource, body?: PlanBody): { meetings: PlannedMeeting[]; warnings: MoteplanWarning[] } {
  let reading: { meetings: PlannedMeeting[]; warnings: MoteplanWarning[] }
  const notes: MoteplanWarning[] = []
  try {
    if (source.format === 'json') reading = { meetings: meetingsFromList(source.meetings), warnings: [] }
    else {
      let text: string
      if ('bytes' in source) {
        const decoded = decodeRegister(source.bytes, source.charset)
        if (decoded.source === 'guessed') notes.push({ line: null, message: `fila er ikke UTF-8; den er lest som ${decoded.encoding}` })
        text = decoded.text
      } else text = source.text
      reading = source.format === 'ical' ? readMoteplanIcal(text) : readMoteplanCsv(text, body)
    }
  } catch (err) {
    if (err instanceof MoteplanError) throw invalid('moteplan.invalid', err.path, err.message)
    if (err instanceof DecodeError) throw invalid(`moteplan.${err.code}`, 'body', err.message)
    throw err
  }
  reading = { meetings: reading.meetings, warnings: [...notes, ...reading.warnings] }
  if (reading.meetings.length === 0) throw invalid('moteplan.empty', 'body', 'planen har ingen møter')
  return reading
}

/** The period: given, or the calendar years the meetings span; every meeting must lie in it. */
export function planPeriod (meetings: readonly PlannedMeeting[], opt: MoteplanPeriodOption = {}): { from: string; to: string } {
  const first = meetings[0]!.local.slice(0, 10)
  const last = meetings.at(-1)!.local.slice(0, 10)
  const from = opt.from ?? `${first.slice(0, 4)}-01-01`
  const to = opt.to ?? `${last.slice(0, 4)}-12-31`
  if (compareDates(from, to) > 0) throw invalid('moteplan.period', 'to', `perioden slutter (${to}) før den begynner (${from})`)
  if (compareDates(to, addDays(addYears(from, MAX_PLAN_YEARS), -1)) > 0) throw invalid('moteplan.period', 'to', `perioden kan være høyst ${MAX_PLAN_YEARS} år`)
  if (compareDates(first, from) < 0) throw invalid('moteplan.outside_period', 'from', `møtet ${meetings[0]!.local} ligger før perioden (fra ${from})`)
  if (compareDates(last, to) > 0) throw invalid('moteplan.outside_period', 'to', `møtet ${meetings.at(-1)!.local} ligger etter perioden (til ${to})`)
  return { from, to }
}

/** A dates rule's keys (DTSTART and RDATEs, less EXDATEs). */
function keysOf (rule: RuleRow): Set<string> {
  const first = rule.dtstart ? parseDtstart(rule.dtstart) : null
  const keys = new Set(rule.rdates)
  if (first && !first.allDay) keys.add(first.local)
  for (const k of rule.exdates) keys.delete(k)
  return keys
}

/** The duration the plan gives most often (ties: the shorter), or null when it gives none. */
function planDuration (meetings: readonly PlannedMeeting[]): { minutes: number | null; varies: boolean } {
  const counts = new Map<number, number>()
  for (const m of meetings) if (m.durationMinutes !== null) counts.set(m.durationMinutes, (counts.get(m.durationMinutes) ?? 0) + 1)
  const best = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]
  return { minutes: best?.[0] ?? null, varies: counts.size > 1 }
}

interface Plan extends MoteplanChange {
  /** The adopted rule the plan extends; null: a new one is created. */
  target: RuleRow | null
  duration: number
  /** The target's keys after the adoption. */
  targetKeys: string[]
  /**
   * Meetings that move from another plan rule to the adopted rule, at `targetKey` (their time, or the key of a
   * cancelled meeting of the adopted rule at that time, which `overwrite`s): the old rule EXDATEs the row's key.
   */
  transfers: Array<{ row: OccurrenceRow; local: string; targetKey: string; overwrite: boolean }>
  cancels: OccurrenceRow[]
  restores: OccurrenceRow[]
  others: RuleRow[]
}

export function createMoteplanService (deps: MoteplanServiceDeps) {
  const { rules, occurrences, audit, rulesService, occurrenceStates, engine, access, clock, transactor } = deps

  async function liveBody (ref: string | number, ex?: Executor) {
    const { bodies } = await occurrences.lookups(ex)
    const id = typeof ref === 'number' ? ref : /^\d+$/.test(ref) ? Number(ref) : undefined
    const body = [...bodies.values()].find(b => (id !== undefined ? b.id === id : b.slug === ref))
    if (!body || body.deleted) throw missing('body', ref, 'ref')
    return body
  }

  /** Access, then the body, then the plan and its period: 401/403/404 before any 400 about the file. */
  async function prepare (bodyRef: string | number, source: MoteplanSource, actor: Actor | null, opt: MoteplanPeriodOption) {
    access.requireActor(actor)
    const body = await liveBody(bodyRef)
    const a = await access.assertMayChange(actor, { bodyIds: [body.id] })
    const reading = parseMoteplan(source, body)
    const period = planPeriod(reading.meetings, opt)
    return { a, body, reading, period }
  }

  /** What adopting the plan would do, from the plan rules' meetings as they stand. Reads only. */
  async function plan (bodyId: number, meetings: readonly PlannedMeeting[], warnings: MoteplanWarning[], period: { from: string; to: string }, ex?: Executor): Promise<Plan> {
    const planRules = await rules.moteplanRules(bodyId, ex)
    const adopted = planRules.filter(r => r.origin === 'moteplan_adopted').sort((a, b) => b.id - a.id)
    const { minutes, varies } = planDuration(meetings)
    // An adopted rule has one duration: a plan with another one starts a rule of its own, so the
    // meetings of other periods keep their end times.
    const target = adopted.find(r => minutes === null || r.durationMinutes === minutes) ?? null
    const duration = minutes ?? target?.durationMinutes ?? planRules.find(r => r.durationMinutes !== null)?.durationMinutes ?? DEFAULT_DURATION_MINUTES
    const out: string[] = []
    if (varies) out.push(`møtene har ulik varighet; alle får ${duration} minutter`)
    const rows = (await engine.computeRows(planRules, period, ex))
      .filter(r => r.eventType === 'mote' && r.localStart !== null)
      // At one time, the adopted rule's meeting first: it is the one kept.
      .sort((a, b) => a.localStart!.localeCompare(b.localStart!) || Number(b.ruleId === target?.id) - Number(a.ruleId === target?.id) || a.ruleId - b.ruleId)
    const wanted = new Map(meetings.map(m => [m.local, m]))
    const result: Plan = {
      period,
      meetings: meetings.length,
      added: [],
      removed: [],
      kept: [],
      warnings: [...warnings, ...out.map(message => ({ line: null, message }))],
      target,
      duration,
      targetKeys: [],
      transfers: [],
      cancels: [],
      restores: [],
      others: planRules.filter(r => r.id !== target?.id),
    }
    const taken = new Set<string>()
    const restored = new Map<string, OccurrenceRow>()
    for (const row of rows) {
      const local = row.localStart!
      if (row.status === 'cancelled') {
        // A cancelled meeting of the adopted rule at a time the plan has again comes back.
        if (row.ruleId === target?.id && wanted.has(local) && !taken.has(local) && !restored.has(local)) restored.set(local, row)
        continue
      }
      if (wanted.has(local) && !taken.has(local)) {
        taken.add(local)
        result.kept.push({ local, occurrenceId: row.id, previousOccurrenceId: null })
        if (row.ruleId !== target?.id) {
          // A cancelled meeting of the adopted rule at this time gets the transferred meeting's state.
          const back = restored.get(local)
          restored.delete(local)
          result.transfers.push({ row, local, targetKey: back?.originalKey ?? local, overwrite: back !== undefined })
        }
      } else {
        result.removed.push({ local, occurrenceId: row.id })
        result.cancels.push(row)
      }
    }
    for (const m of meetings) {
      if (taken.has(m.local)) continue
      const back = restored.get(m.local)
      if (back) result.restores.push(back)
      result.added.push({ local: m.local, durationMinutes: duration, occurrenceId: back?.id ?? null })
    }
    const keys = target ? keysOf(target) : new Set<string>()
    for (const t of result.transfers) keys.add(t.targetKey)
    // A restored meeting keeps its own key (it may have been moved to this time).
    for (const a of result.added) if (a.occurrenceId === null) keys.add(a.local)
    result.targetKeys = [...keys].sort()
    return result
  }

  const publicPart = (p: Plan): MoteplanChange => ({ period: p.period, meetings: p.meetings, added: p.added, removed: p.removed, kept: p.kept, warnings: p.warnings })

  /** Writes a plan: the adopted rule, the old rules' EXDATEs, the cancelled, carried-over and restored states. */
  async function write (p: Plan, body: { id: number; municipalityId: number | null; collaborationId: number | null }, who: AuditActor, tx: Executor): Promise<number> {
    const [first, ...rest] = p.targetKeys
    const schedule = { dtstart: formatDtstart({ allDay: false, local: first!, timeZone: ZONE }), rdates: rest, exdates: [] as string[] }
    let ruleId: number
    if (!p.target) {
      ruleId = (await rulesService.createRow({
        eventType: 'mote',
        title: 'Vedtatt møteplan',
        municipalityId: body.municipalityId,
        collaborationId: body.collaborationId,
        subjectKey: `${body.municipalityId !== null ? `m:${body.municipalityId}` : `c:${body.collaborationId}`}:b:${body.id}`,
        responsibleBodyId: body.id,
        scheduleType: 'dates',
        allDay: false,
        timeZone: ZONE,
        ...schedule,
        rrule: null,
        durationMinutes: p.duration,
        origin: 'moteplan_adopted',
      }, who, tx)).id
    } else {
      ruleId = p.target.id
      const same = p.target.dtstart === schedule.dtstart && p.target.exdates.length === 0 && p.target.durationMinutes === p.duration &&
        JSON.stringify([...p.target.rdates].sort()) === JSON.stringify(rest)
      if (!same) await rulesService.updateRow(ruleId, { ...schedule, durationMinutes: p.duration }, who, tx)
    }
    // The old rules stop giving the meetings the adopted rule takes over.
    const excluded = new Map<number, string[]>()
    for (const t of p.transfers) excluded.set(t.row.ruleId, [...excluded.get(t.row.ruleId) ?? [], t.row.originalKey])
    for (const r of p.others) {
      const keys = excluded.get(r.id)
      if (!keys) continue
      const exdates = [...new Set([...r.exdates, ...keys])].sort()
      if (r.scheduleType === 'dates' && [...keysOf({ ...r, exdates })].length === 0) await rulesService.removeRow(r.id, who, tx)
      else await rulesService.updateRow(r.id, { exdates }, who, tx)
    }
    for (const t of p.transfers) {
      const s = t.row
      if (!t.overwrite && s.status === 'planned' && s.caseNumber === null && s.caseUrl === null && s.note === null && s.deliveredOn === null && s.approvedOn === null) continue
      await occurrenceStates.saveState(ruleId, t.targetKey, { status: s.status, caseNumber: s.caseNumber, caseUrl: s.caseUrl, note: s.note, deliveredOn: s.deliveredOn, approvedOn: s.approvedOn }, who, tx)
    }
    const today = localDateOf(clock.now(), ZONE)
    const reason = `Tatt ut av møteplanen ${today}: den vedtatte møteplanen har ikke dette møtet`
    for (const row of p.cancels) {
      const patch: StatePatch = { status: 'cancelled', note: row.note ? `${row.note}\n${reason}` : reason }
      await occurrenceStates.saveState(row.ruleId, row.originalKey, patch, who, tx)
    }
    for (const row of p.restores) await occurrenceStates.saveState(row.ruleId, row.originalKey, { status: 'planned' }, who, tx)
    return ruleId
  }

  const service = {
    /**
     * What adopting the plan would do (a dry run): the adoption itself, rolled back — so the meetings
     * added, removed (cancelled) and kept, their ids and `changed` are exactly what `adopt` would answer.
     * Same checks as `adopt`; writes nothing.
     */
    async preview (bodyRef: string | number, source: MoteplanSource, actor: Actor | null, opt: MoteplanPeriodOption = {}): Promise<MoteplanAdoption> {
      return rolledBack(transactor, () => service.adopt(bodyRef, source, actor, opt))
    },

    /**
     * Adopts the plan for its period (see the file's head): one transaction, audited as
     * 'adopt_moteplan' — or nothing changes. The same plan again writes nothing (`changed: false`).
     */
    async adopt (bodyRef: string | number, source: MoteplanSource, actor: Actor | null, opt: MoteplanPeriodOption = {}): Promise<MoteplanAdoption> {
      const { a, body, reading, period } = await prepare(bodyRef, source, actor, opt)
      const who = auditActor(a)
      return transactor.transaction(async tx => {
        const p = await plan(body.id, reading.meetings, reading.warnings, period, tx)
        const unchanged = p.target !== null && p.added.length === 0 && p.removed.length === 0 && p.transfers.length === 0 &&
          p.target.durationMinutes === p.duration
        if (unchanged) return { ...publicPart(p), ruleId: p.target!.id, changed: false }
        const ruleId = await write(p, body, who, tx)
        const moved = new Map(p.transfers.map(t => [t.local, occurrenceId(ruleId, t.targetKey)]))
        const kept = p.kept.map(k => (moved.has(k.local) ? { local: k.local, occurrenceId: moved.get(k.local)!, previousOccurrenceId: k.occurrenceId } : k))
        const result = { ...publicPart(p), kept, ruleId, changed: true }
        await audit.record(clock.now().getTime(), who, {
          action: 'adopt_moteplan',
          entityType: 'body',
          entityId: body.id,
          after: { ruleId, period, meetings: p.meetings, added: p.added.map(m => m.local), removed: p.removed.map(m => m.occurrenceId), kept: kept.map(m => m.occurrenceId) },
        }, tx)
        return result
      })
    },
  }
  return service
}
export type MoteplanService = ReturnType<typeof createMoteplanService>
