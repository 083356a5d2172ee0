import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KUS, openKontrollTest, type KontrollTest } from './helpers.js'
import { refusal as failure } from '../../helpers/services.js'
import { systemViewer } from '../../../src/services/access.js'

let t: KontrollTest
beforeEach(async () => { t = await openKontrollTest() })
afterEach(async () => { await t.close() })

const glor = { title: 'Eierskapskontroll GLØR IKS', plannedYear: 2026, plannedQuarter: 4, kuPlannedOn: '2027-03-09', subjects: [{ collaboration: 'felles-renovasjonsselskap-glor' }] }
const milestoneRules = (projectId: number) => t.sql.all(`select m.milestone, b.slug as body, r.dtstart, r.deleted from kontroll_project_milestone m
  join rule r on r.id = m.rule_id join body b on b.id = m.body_id where m.project_id = ? order by m.milestone, b.slug`, projectId)

/**
 * Makes every `event` ('INSERT', 'UPDATE OF dtstart') on `table` whose row meets `when` (SQL over NEW)
 * fail with 'boom', as a trigger on either database; resolves to a function that removes it.
 */
async function failWrites (name: string, event: string, table: string, when: string): Promise<() => Promise<void>> {
  if (t.dialect === 'sqlite') {
    await t.sql.run(`CREATE TRIGGER ${name} BEFORE ${event} ON ${table} WHEN ${when} BEGIN SELECT RAISE(ABORT, 'boom'); END`)
    return async () => { await t.sql.run(`DROP TRIGGER ${name}`) }
  }
  await t.sql.run(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF ${when} THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$`)
  await t.sql.run(`CREATE TRIGGER ${name} BEFORE ${event} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`)
  return async () => {
    await t.sql.run(`DROP TRIGGER ${name} ON ${table}`)
    await t.sql.run(`DROP FUNCTION ${name}()`)
  }
}

/** The trigger's 'boom', on the error or on the driver error it wraps (drizzle wraps PostgreSQL's). */
const boom = (err: unknown): boolean => {
  for (let e = err as { message?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.message === 'string' && /boom/.test(e.message)) return true
  }
  return false
}

describe('a project’s steps are one-off rules in every kontrollutvalg’s calendar', () => {
  it('created, moved (keeping what was recorded) and removed with the project', async () => {
    const plan = await t.kontroll.plans.create(t.admin, { type: 'eierskapskontroll', electionYear: 2023, title: 'Felles', bodies: KUS })
    const project = await t.kontroll.projects.create(t.admin, plan.id, glor)
    expect(project.milestones.map(m => [m.milestone, m.body, m.date, m.status])).toEqual([
      ['report', 'gausdal-kontrollutvalg', '2026-12-31', 'planned'], ['report', 'lillehammer-kontrollutvalg', '2026-12-31', 'planned'], ['report', 'oyer-kontrollutvalg', '2026-12-31', 'planned'],
      ['ku', 'gausdal-kontrollutvalg', '2027-03-09', 'planned'], ['ku', 'lillehammer-kontrollutvalg', '2027-03-09', 'planned'], ['ku', 'oyer-kontrollutvalg', '2027-03-09', 'planned'],
    ])
    const delivered = await t.kontroll.projects.update(t.admin, plan.id, project.id, { reportDeliveredOn: '2027-01-10', caseRefs: { report: '27/11' } })
    expect(delivered.status).toBe('reported')
    expect(delivered.milestones.filter(m => m.milestone === 'report').map(m => [m.status, m.caseNumber])).toEqual([['delivered', '27/11'], ['delivered', '27/11'], ['delivered', '27/11']])
    // The planned quarter moves: the rule moves, and the delivered state moves with it.
    const moved = await t.kontroll.projects.update(t.admin, plan.id, project.id, { plannedQuarter: 3 })
    expect(moved.milestones.filter(m => m.milestone === 'report').map(m => [m.date, m.status])).toEqual([['2026-09-30', 'delivered'], ['2026-09-30', 'delivered'], ['2026-09-30', 'delivered']])
    // Dropping cancels what is still to come.
    const dropped = await t.kontroll.projects.update(t.admin, plan.id, project.id, { status: 'dropped', droppedReason: 'Selskapet avvikles' })
    expect(dropped.milestones.filter(m => m.milestone === 'ku').map(m => m.status)).toEqual(['cancelled', 'cancelled', 'cancelled'])
    await t.kontroll.projects.remove(t.admin, plan.id, project.id)
    expect(await milestoneRules(project.id)).toEqual([])
    expect((await failure(t.kontroll.projects.get(systemViewer, plan.id, project.id))).code).toBe('kontroll_project.not_found')
  })
})

describe('a project’s step is changed on its project, not as an occurrence (issue 15)', () => {
  it('an editor or admin changing the step’s occurrence gets 409 naming the project page, alone or in a batch, and nothing changes', async () => {
    const plan = await t.kontroll.plans.create(t.admin, { type: 'eierskapskontroll', electionYear: 2023, title: 'Felles', bodies: KUS })
    const project = await t.kontroll.projects.create(t.admin, plan.id, glor)
    const step = project.milestones.find(m => m.milestone === 'report' && m.body === 'oyer-kontrollutvalg')!
    const before = await t.snapshot()
    for (const actor of [await t.editorOf('oyer'), t.admin]) {
      const err = await failure(t.services.occurrences.change(step.occurrenceId, { status: 'delivered' }, actor))
      expect([err.kind, err.code]).toEqual(['conflict', 'occurrence.kontroll_project_step'])
      expect(err.message).toContain(`/kontroll/plan/${plan.id}/prosjekt/${project.id}`)
      expect(await t.services.occurrences.mayChange(step.occurrenceId, actor)).toBe(false)
    }
    const batch = await failure(t.services.occurrences.changeMany([step.occurrenceId], { status: 'delivered' }, t.admin))
    expect([batch.code, batch.field]).toEqual(['occurrence.kontroll_project_step', 'ids'])
    expect(await t.snapshot()).toBe(before)
    expect(await t.services.occurrences.projectStepOf(step.occurrenceId)).toEqual({ planId: plan.id, projectId: project.id, title: glor.title })
    // Recorded on the project, the step's occurrence follows.
    const delivered = await t.kontroll.projects.update(t.admin, plan.id, project.id, { reportDeliveredOn: '2027-01-10' })
    expect(delivered.milestones.find(m => m.occurrenceId === step.occurrenceId)?.status).toBe('delivered')
  })
})

describe('a project write and its calendar sync are one transaction', () => {
  it('a failure in the milestone sync rolls back the new project', async () => {
    const plan = await t.kontroll.plans.create(t.admin, { type: 'eierskapskontroll', electionYear: 2023, title: 'Felles', bodies: KUS })
    const before = await t.snapshot()
    // The last kontrollutvalg's milestone rule cannot be written: the project row and the other rules are already in.
    const drop = await failWrites('fail_oyer', 'INSERT', 'rule', "NEW.responsible_body_id = (SELECT id FROM body WHERE slug = 'oyer-kontrollutvalg')")
    await expect(t.kontroll.projects.create(t.admin, plan.id, glor)).rejects.toSatisfy(boom)
    await drop()
    expect(await t.snapshot()).toBe(before)
  })

  it('a failure while moving a milestone rolls back the project change', async () => {
    const plan = await t.kontroll.plans.create(t.admin, { type: 'eierskapskontroll', electionYear: 2023, title: 'Felles', bodies: KUS })
    const project = await t.kontroll.projects.create(t.admin, plan.id, glor)
    const before = await t.snapshot()
    const drop = await failWrites('fail_move', 'UPDATE OF dtstart', 'rule', "NEW.responsible_body_id = (SELECT id FROM body WHERE slug = 'oyer-kontrollutvalg')")
    await expect(t.kontroll.projects.update(t.admin, plan.id, project.id, { title: 'Nytt navn', plannedQuarter: 2 })).rejects.toSatisfy(boom)
    await drop()
    expect(await t.snapshot()).toBe(before)
    expect((await t.kontroll.projects.get(systemViewer, plan.id, project.id)).title).toBe(glor.title)
  })

  it('a failure while recording a step’s state rolls back the project change and the rule moves', async () => {
    const plan = await t.kontroll.plans.create(t.admin, { type: 'eierskapskontroll', electionYear: 2023, title: 'Felles', bodies: KUS })
    const project = await t.kontroll.projects.create(t.admin, plan.id, glor)
    const before = await t.snapshot()
    const drop = await failWrites('fail_state', 'INSERT', 'occurrence_state', "NEW.status = 'approved'")
    await expect(t.kontroll.projects.update(t.admin, plan.id, project.id, { kuTreatedOn: '2027-01-12', kuPlannedOn: null })).rejects.toSatisfy(boom)
    await drop()
    expect(await t.snapshot()).toBe(before)
  })
})

describe('project subjects', () => {
  it('the sekretariat of Øyer’s kontrollutvalg may put a company Øyer co-owns in Øyer’s plan; one Øyer has no part in is invalid, as for an admin', async () => {
    const sekretariat = await t.sekretariatOf('oyer-kontrollutvalg')
    const plan = await t.kontroll.plans.create(sekretariat, { type: 'eierskapskontroll', electionYear: 2023, title: 'Øyer', bodies: ['oyer-kontrollutvalg'] })
    const project = await t.kontroll.projects.create(sekretariat, plan.id, { ...glor, kuPlannedOn: null })
    expect(project.subjects).toEqual([expect.objectContaining({ type: 'collaboration', slug: 'felles-renovasjonsselskap-glor' })])
    const before = await t.snapshot()
    const err = await failure(t.kontroll.projects.create(sekretariat, plan.id, { ...glor, subjects: [{ collaboration: 'skappa-kunnskapspark' }] }))
    expect([err.kind, err.code, err.field]).toEqual(['invalid', 'kontroll.subject_not_involved', 'subjects/0/collaboration'])
    // Øyer's editor reads the plan but may not add, change or remove its projects.
    const editorOyer = await t.editorOf('oyer')
    expect((await failure(t.kontroll.projects.create(editorOyer, plan.id, { ...glor, kuPlannedOn: null, title: 'Annen' }))).code).toBe('auth.forbidden')
    expect((await failure(t.kontroll.projects.update(editorOyer, plan.id, project.id, { title: 'Endret' }))).code).toBe('auth.forbidden')
    expect((await failure(t.kontroll.projects.remove(editorOyer, plan.id, project.id))).code).toBe('auth.forbidden')
    expect(await t.snapshot()).toBe(before)
    expect((await t.kontroll.projects.update(sekretariat, plan.id, project.id, { reportDeliveredOn: '2027-01-10' })).status).toBe('reported')
  })

  it('a subject outside the plan’s municipalities is invalid even for an admin, naming the field', async () => {
    const plan = await t.kontroll.plans.create(t.admin, { type: 'eierskapskontroll', electionYear: 2023, title: 'Øyer', bodies: ['oyer-kontrollutvalg'] })
    const before = await t.snapshot()
    const err = await failure(t.kontroll.projects.create(t.admin, plan.id, { ...glor, subjects: [{ collaboration: 'skappa-kunnskapspark' }] }))
    expect([err.kind, err.code, err.field]).toEqual(['invalid', 'kontroll.subject_not_involved', 'subjects/0/collaboration'])
    expect(await t.snapshot()).toBe(before)
  })
})
