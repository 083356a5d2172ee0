// How kontrollutvalg planning shows in the calendars (issue 6), and the one place it calls the rules
// and occurrences repositories (issue 10):
// - a plan's adoption is recorded on each of its municipalities' package occurrence
//   plan_forvaltningsrevisjon / plan_eierskapskontroll (delivered when the kontrollutvalg adopts it,
//   approved when the council does);
// - a project's steps are one-off all-day rules, one per step and kontrollutvalg, whose occurrences carry
//   the step's state (delivered/approved/cancelled) and case reference.
// Every function runs on the executor of the caller's transaction, so a plan or project write and its
// calendar sync commit or roll back together.
import type { Executor } from '../../db/executor.js'
import type { AuditActor } from '../../repositories/audit.js'
import type { RuleInsert, RuleRow, RulesRepository } from '../../repositories/rules.js'
import type { StatePatch, StateRow } from '../../repositories/occurrences.js'
import type { OccurrencesService } from '../occurrences.js'
import type { RulesService } from '../rules.js'
import type { KontrollRegisterRepository, RegisterBody } from '../../repositories/kontroll-register.js'
import type { KontrollProjectsRepository, ProjectRow } from '../../repositories/kontroll-projects.js'
import type { PlanRow } from '../../repositories/kontroll-plans.js'
import { fromBasicDate, toBasicDate, type CalendarDate } from '../../domain/calendar-date.js'
import { expandRule } from '../../domain/occurrences.js'
import { valgperiode, valgperiodeDueDate, type ValgperiodeAnchor } from '../../domain/valgperiode.js'
import { milestoneSchedule } from '../../domain/kontroll.js'
import type { CaseRefs, PlanAdoption, ProjectMilestone } from '../../domain/kontroll-vocabulary.js'

export const ADOPTION_ANCHOR: ValgperiodeAnchor = 'end_of_year_after_constitution'

const MILESTONE_TITLES: Record<ProjectMilestone, string> = {
  report: 'Revisjonsrapport', ku: 'Kontrollutvalget behandler rapporten', ks: 'Kommunestyret behandler rapporten', follow_up: 'Oppfølging av vedtak',
}
const MILESTONE_CASE_REF: Record<ProjectMilestone, keyof CaseRefs> = { report: 'report', ku: 'ku', ks: 'ks', follow_up: 'followUp' }

/** The date of a one-off all-day rule ('DTSTART;VALUE=DATE:20270630'), which is also its occurrence key. */
export const dateOfRule = (rule: Pick<RuleRow, 'dtstart'>): CalendarDate | null => {
  const m = /VALUE=DATE:(\d{8})$/.exec(rule.dtstart ?? '')
  return m ? fromBasicDate(m[1]!) : null
}

export interface CalendarSyncDeps {
  rules: RulesRepository
  /** Milestone rules are written through the rules service (audit). */
  ruleWrites: Pick<RulesService, 'createRow' | 'updateRow' | 'removeRow'>
  /** Occurrence states are written through the occurrences service (revision and audit). */
  occurrenceStates: Pick<OccurrencesService, 'state' | 'saveState'>
  register: KontrollRegisterRepository
  projects: KontrollProjectsRepository
}

export function createCalendarSync (deps: CalendarSyncDeps) {
  const { register, projects, rules, ruleWrites, occurrenceStates } = deps

  // ── rules and occurrence states (helper A's rules repository and services), behind one narrow port.
  // Rule and state writes are audited there, in the transaction given. ──
  const calendar = {
    findRule: async (id: number, ex?: Executor): Promise<RuleRow | undefined> => rules.find(id, ex),
    /** Package rules of an event type for a municipality, disabled ones included, by id. */
    packageRules: async (municipalityId: number, eventType: string, ex?: Executor): Promise<RuleRow[]> =>
      rules.list({ municipalityIds: [municipalityId], eventTypes: [eventType], includeDisabled: true }, ex),
    createRule: async (values: RuleInsert, actor: AuditActor, ex: Executor): Promise<RuleRow> => ruleWrites.createRow(values, actor, ex),
    updateRule: async (id: number, patch: Partial<RuleInsert>, actor: AuditActor, ex: Executor): Promise<void> => { await ruleWrites.updateRow(id, patch, actor, ex) },
    removeRule: async (id: number, actor: AuditActor, ex: Executor): Promise<void> => ruleWrites.removeRow(id, actor, ex),
    getState: async (ruleId: number, key: string, ex?: Executor): Promise<StateRow | undefined> => occurrenceStates.state(ruleId, key, ex),
    /** Revision (SEQUENCE) and audit as for any change of an occurrence. */
    patchState: async (ruleId: number, key: string, patch: StatePatch, actor: AuditActor, ex: Executor): Promise<void> => {
      await occurrenceStates.saveState(ruleId, key, patch, actor, ex)
    },
  }

  function stateDiffers (current: StateRow | undefined, desired: StatePatch): boolean {
    const cur: Record<string, unknown> = current ?? { status: 'planned', caseNumber: null, deliveredOn: null, approvedOn: null }
    return (Object.keys(desired) as Array<keyof StatePatch>).some(k => (cur[k] ?? null) !== (desired[k] ?? null))
  }

  async function patchIfChanged (ruleId: number, key: string, desired: StatePatch, actor: AuditActor, ex: Executor): Promise<void> {
    const current = await calendar.getState(ruleId, key, ex)
    if (!current && desired.status === 'planned' && !desired.caseNumber && !desired.deliveredOn && !desired.approvedOn) return
    if (stateDiffers(current, desired)) await calendar.patchState(ruleId, key, desired, actor, ex)
  }

  /** The municipality's package occurrence for adopting this plan type in the plan's period. */
  async function adoptionOccurrence (plan: Pick<PlanRow, 'type' | 'electionYear'>, municipalityId: number, ex?: Executor): Promise<{ rule: RuleRow; key: string } | null> {
    const candidates = await calendar.packageRules(municipalityId, `plan_${plan.type}`, ex)
    if (candidates.length === 0) return null
    const dates = await register.constitutionDates(municipalityId, ex)
    const period = valgperiode(plan.electionYear, dates)
    const due = valgperiodeDueDate(ADOPTION_ANCHOR, period)
    for (const rule of candidates) {
      const keys = expandRule({ ...rule, anchor: rule.anchor as ValgperiodeAnchor | null }, { from: period.start, to: period.end }, dates)
      const key = keys.find(k => k.key === due)?.key ?? keys[0]?.key
      if (key) return { rule, key }
    }
    return null
  }

  function adoptionState (adoption: PlanAdoption | null): StatePatch {
    if (adoption?.ksAdoptedOn) return { status: 'approved', deliveredOn: adoption.kuAdoptedOn ?? null, approvedOn: adoption.ksAdoptedOn, caseNumber: adoption.ksCaseRef ?? adoption.kuCaseRef ?? null }
    if (adoption?.kuAdoptedOn) return { status: 'delivered', deliveredOn: adoption.kuAdoptedOn, approvedOn: null, caseNumber: adoption.kuCaseRef ?? null }
    return { status: 'planned', deliveredOn: null, approvedOn: null, caseNumber: null }
  }

  const sameAdoption = (a: PlanAdoption | null, b: PlanAdoption | null) =>
    (['kuAdoptedOn', 'ksAdoptedOn', 'kuCaseRef', 'ksCaseRef'] as const).every(k => (a?.[k] ?? null) === (b?.[k] ?? null))

  /**
   * Records each member municipality's statutory adoption (by municipality id: what its occurrence should
   * say, null for nothing) on its package occurrence, where it changed; undoes it where an adoption was
   * recorded before and no longer is (a member left, the plan was deleted, a date was cleared). An
   * occurrence the plan never recorded anything on is left as its editors set it.
   */
  async function syncAdoption (plan: Pick<PlanRow, 'type' | 'electionYear'>, before: ReadonlyMap<number, PlanAdoption | null>, after: ReadonlyMap<number, PlanAdoption | null>, actor: AuditActor, ex: Executor): Promise<void> {
    for (const m of new Set([...before.keys(), ...after.keys()])) {
      const was = before.get(m) ?? null
      const now = after.get(m) ?? null
      if (sameAdoption(was, now) && before.has(m) === after.has(m)) continue
      if (!was && !now) continue
      const occ = await adoptionOccurrence(plan, m, ex)
      if (occ) await patchIfChanged(occ.rule.id, occ.key, adoptionState(now), actor, ex)
    }
  }

  async function milestoneRule (plan: PlanRow, project: ProjectRow, milestone: ProjectMilestone, ku: RegisterBody, date: CalendarDate, ex: Executor): Promise<RuleInsert> {
    const treatedBy = milestone === 'ks' || milestone === 'follow_up' ? await register.kommunestyreOf(ku.municipalityId!, ex) : ku.id
    return {
      eventType: milestone === 'follow_up' ? 'oppfolging_vedtak' : `rapport_${plan.type}`,
      title: `${MILESTONE_TITLES[milestone]}: ${project.title}`,
      municipalityId: ku.municipalityId,
      collaborationId: null,
      subjectKey: `m:${ku.municipalityId}`,
      responsibleBodyId: ku.id,
      treatedByBodyId: treatedBy,
      scheduleType: 'dates',
      allDay: true,
      dtstart: `DTSTART;VALUE=DATE:${toBasicDate(date)}`,
      rrule: null,
      rdates: [],
      exdates: [],
      anchor: null,
      durationMinutes: null,
      reminderOffsetsDays: null,
      calendarBodyKinds: null,
      origin: 'manual',
      packageKey: null,
      enabled: true,
      note: `Fra kontrollutvalgets plan ${plan.id}, prosjekt ${project.id}: endres på siden /kontroll/plan/${plan.id}/prosjekt/${project.id}`,
    }
  }

  function milestoneState (project: ProjectRow, milestone: ProjectMilestone, doneOn: CalendarDate | null): StatePatch {
    const caseNumber = project.caseRefs[MILESTONE_CASE_REF[milestone]] ?? null
    const approval = milestone === 'ku' || milestone === 'ks'
    if (doneOn) return approval ? { status: 'approved', approvedOn: doneOn, deliveredOn: null, caseNumber } : { status: 'delivered', deliveredOn: doneOn, approvedOn: null, caseNumber }
    if (project.status === 'dropped') return { status: 'cancelled', caseNumber }
    const working = milestone === 'report' && (project.status === 'ordered' || project.status === 'in_progress')
    return { status: working ? 'in_progress' : 'planned', deliveredOn: null, approvedOn: null, caseNumber }
  }

  /** Creates, moves or removes the project's milestone rules (one per step and kontrollutvalg) and sets their occurrences' state. */
  async function syncMilestones (plan: PlanRow, project: ProjectRow, kus: readonly RegisterBody[], actor: AuditActor, ex: Executor): Promise<void> {
    const existing = await projects.milestonesOf([project.id], ex)
    const live = !project.deleted && !plan.deleted
    const schedule = live ? milestoneSchedule(project) : []
    const wanted = new Set<string>()
    for (const step of schedule) {
      for (const ku of kus) {
        wanted.add(`${step.milestone}/${ku.id}`)
        const values = await milestoneRule(plan, project, step.milestone, ku, step.date, ex)
        const mapped = existing.find(e => e.milestone === step.milestone && e.bodyId === ku.id)
        const rule = mapped ? await calendar.findRule(mapped.ruleId, ex) : undefined
        let ruleId: number
        if (!rule || rule.deleted) {
          ruleId = (await calendar.createRule(values, actor, ex)).id
          await projects.setMilestone({ projectId: project.id, milestone: step.milestone, bodyId: ku.id, ruleId }, ex)
        } else {
          ruleId = rule.id
          const changed = (['title', 'dtstart', 'treatedByBodyId', 'eventType', 'enabled'] as const).some(k => rule[k] !== values[k])
          if (changed) {
            const oldKey = dateOfRule(rule)
            await calendar.updateRule(rule.id, { title: values.title, dtstart: values.dtstart, treatedByBodyId: values.treatedByBodyId, eventType: values.eventType, enabled: true, rrule: null, rdates: [], exdates: [] }, actor, ex)
            // A new date is a new occurrence key: carry what was recorded on the old one across.
            const old = oldKey && oldKey !== step.date ? await calendar.getState(rule.id, oldKey, ex) : undefined
            if (old) await calendar.patchState(rule.id, step.date, { status: old.status, caseNumber: old.caseNumber, caseUrl: old.caseUrl, note: old.note, deliveredOn: old.deliveredOn, approvedOn: old.approvedOn }, actor, ex)
          }
        }
        await patchIfChanged(ruleId, step.date, milestoneState(project, step.milestone, step.doneOn), actor, ex)
      }
    }
    for (const e of existing) {
      if (wanted.has(`${e.milestone}/${e.bodyId}`)) continue
      const rule = await calendar.findRule(e.ruleId, ex)
      if (rule && !rule.deleted) await calendar.removeRule(rule.id, actor, ex)
      await projects.deleteMilestone(e, ex)
    }
  }

  return {
    adoptionOccurrence,
    syncAdoption,
    syncMilestones,
    findRule: calendar.findRule,
    getState: calendar.getState,
  }
}
export type CalendarSync = ReturnType<typeof createCalendarSync>
