// Adopting a body's møteplan: the meetings the body decided, replacing its default plan (or a previous
// adopted plan) in one transaction. Meetings on unchanged dates keep their status, case references and notes.
import type { Executor, Transactor } from '../db/executor.js'
import { MoteplanError, meetingsFromCsv, meetingsFromIcal, meetingsFromList, type PlannedMeeting } from '../domain/moteplan-import.js'
import { formatDtstart } from '../domain/recurrence.js'
import type { AuditRepository } from '../repositories/audit.js'
import type { OccurrencesRepository } from '../repositories/occurrences.js'
import type { RulesRepository } from '../repositories/rules.js'
import type { Clock } from '../shared/clock.js'
import { invalid, missing } from '../shared/errors.js'
import { auditActor, type AccessService, type Actor } from './access.js'
import type { RulesService } from './rules.js'

const ZONE = 'Europe/Oslo'
const DEFAULT_DURATION_MINUTES = 180

/** An adopted plan as the client sent it: a JSON list, or the text of a CSV file or an iCal export. */
export type MoteplanSource =
  | { format: 'json'; meetings: ReadonlyArray<{ start: string; durationMinutes?: number | null }> }
  | { format: 'csv' | 'ical'; text: string }

export interface MoteplanAdoption { ruleId: number; meetings: number; replacedRules: number; keptStates: number }

export interface MoteplanServiceDeps {
  rules: RulesRepository
  occurrences: OccurrencesRepository
  audit: AuditRepository
  /** The audited rule writes (createRow/removeRow) the adoption is made of. */
  rulesService: Pick<RulesService, 'createRow' | 'removeRow'>
  access: AccessService
  clock: Clock
  transactor: Transactor
}

/** Reads the plan; a malformed one is 400 naming the line or list item. */
export function parseMoteplan (source: MoteplanSource): PlannedMeeting[] {
  let meetings: PlannedMeeting[]
  try {
    meetings = source.format === 'json'
      ? meetingsFromList(source.meetings)
      : source.format === 'ical' ? meetingsFromIcal(source.text) : meetingsFromCsv(source.text)
  } catch (err) {
    if (err instanceof MoteplanError) throw invalid('moteplan.invalid', err.path, err.message)
    throw err
  }
  if (meetings.length === 0) throw invalid('moteplan.empty', 'body', 'the plan has no meetings')
  return meetings
}

export function createMoteplanService (deps: MoteplanServiceDeps) {
  const { rules, occurrences, audit, rulesService, access, clock, transactor } = deps

  async function liveBody (ref: string | number, ex?: Executor) {
    const { bodies } = await occurrences.lookups(ex)
    const id = typeof ref === 'number' ? ref : /^\d+$/.test(ref) ? Number(ref) : undefined
    const body = [...bodies.values()].find(b => (id !== undefined ? b.id === id : b.slug === ref))
    if (!body || body.deleted) throw missing('body', ref, 'ref')
    return body
  }

  return {
    /**
     * Replaces the body's meeting plans (default or adopted; package meeting rules stay) with the
     * adopted plan. One transaction: the old plans are removed, the adopted rule created, states on
     * unchanged meeting times carried over, and the adoption audited — or nothing changes.
     */
    async adopt (bodyRef: string | number, source: MoteplanSource, actor: Actor | null): Promise<MoteplanAdoption> {
      access.requireActor(actor)
      const body = await liveBody(bodyRef)
      const a = await access.assertMayChange(actor, { bodyIds: [body.id] })
      const meetings = parseMoteplan(source)
      const who = auditActor(a)
      return transactor.transaction(async tx => {
        const previous = await rules.moteplanRules(body.id, tx)
        const duration = meetings.find(m => m.durationMinutes !== null)?.durationMinutes ?? previous[0]?.durationMinutes ?? DEFAULT_DURATION_MINUTES
        const [first, ...rest] = meetings
        for (const r of previous) await rulesService.removeRow(r.id, who, tx)
        const rule = await rulesService.createRow({
          eventType: 'mote',
          title: 'Vedtatt møteplan',
          municipalityId: body.municipalityId,
          collaborationId: body.collaborationId,
          subjectKey: `${body.municipalityId !== null ? `m:${body.municipalityId}` : `c:${body.collaborationId}`}:b:${body.id}`,
          responsibleBodyId: body.id,
          scheduleType: 'dates',
          allDay: false,
          timeZone: ZONE,
          dtstart: formatDtstart({ allDay: false, local: first!.local, timeZone: ZONE }),
          rrule: null,
          rdates: rest.map(m => m.local),
          exdates: [],
          durationMinutes: duration,
          origin: 'moteplan_adopted',
        }, who, tx)
        // Meetings on unchanged dates keep their status, case references and notes.
        const keptStates = await occurrences.copyStates(previous.map(r => r.id), rule.id, new Set(meetings.map(m => m.local)), tx)
        const result = { ruleId: rule.id, meetings: meetings.length, replacedRules: previous.length, keptStates }
        await audit.record(clock.now().getTime(), who, { action: 'adopt_moteplan', entityType: 'body', entityId: body.id, after: result }, tx)
        return result
      })
    },
  }
}
export type MoteplanService = ReturnType<typeof createMoteplanService>
