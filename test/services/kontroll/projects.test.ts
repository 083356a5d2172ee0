import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KUS, openKontrollTest, type KontrollTest } from './helpers.js'
import { refusal as failure } from '../../helpers/services.js'
import { systemViewer } from '../../../src/services/access.js'

let t: KontrollTest
beforeEach(async () => { t = await openKontrollTest() })
afterEach(() => { t.close() })

const glor = { title: 'Eierskapskontroll GLØR IKS', plannedYear: 2026, plannedQuarter: 4, kuPlannedOn: '2027-03-09', subjects: [{ collaboration: 'felles-renovasjonsselskap-glor' }] }
const milestoneRules = (projectId: number) => t.deps.database.sqlite.prepare(`select m.milestone, b.slug as body, r.dtstart, r.deleted from kontroll_project_milestone m
  join rule r on r.id = m.rule_id join body b on b.id = m.body_id where m.project_id = ? order by m.milestone, b.slug`).all(projectId)

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
    expect(milestoneRules(project.id)).toEqual([])
    expect((await failure(t.kontroll.projects.get(systemViewer, plan.id, project.id))).code).toBe('kontroll_project.not_found')
  })
})

describe('a project’s step is changed on its project, not as an occurrence (issue 15)', () => {
  it('an editor or admin changing the step’s occurrence gets 409 naming the project page, alone or in a batch, and nothing changes', async () => {
    const plan = await t.kontroll.plans.create(t.admin, { type: 'eierskapskontroll', electionYear: 2023, title: 'Felles', bodies: KUS })
    const project = await t.kontroll.projects.create(t.admin, plan.id, glor)
    const step = project.milestones.find(m => m.milestone === 'report' && m.body === 'oyer-kontrollutvalg')!
    const before = t.snapshot()
    for (const actor of [t.editorOf('oyer'), t.admin]) {
      const err = await failure(t.services.occurrences.change(step.occurrenceId, { status: 'delivered' }, actor))
      expect([err.kind, err.code]).toEqual(['conflict', 'occurrence.kontroll_project_step'])
      expect(err.message).toContain(`/kontroll/plan/${plan.id}/prosjekt/${project.id}`)
      expect(await t.services.occurrences.mayChange(step.occurrenceId, actor)).toBe(false)
    }
    const batch = await failure(t.services.occurrences.changeMany([step.occurrenceId], { status: 'delivered' }, t.admin))
    expect([batch.code, batch.field]).toEqual(['occurrence.kontroll_project_step', 'ids'])
    expect(t.snapshot()).toBe(before)
    expect(await t.services.occurrences.projectStepOf(step.occurrenceId)).toEqual({ planId: plan.id, projectId: project.id, title: glor.title })
    // Recorded on the project, the step's occurrence follows.
    const delivered = await t.kontroll.projects.update(t.admin, plan.id, project.id, { reportDeliveredOn: '2027-01-10' })
    expect(delivered.milestones.find(m => m.occurrenceId === step.occurrenceId)?.status).toBe('delivered')
  })
})

describe('a project write and its calendar sync are one transaction', () => {
  it('a failure in the milestone sync rolls back the new project', async () => {
    const plan = await t.kontroll.plans.create(t.admin, { type: 'eierskapskontroll', electionYear: 2023, title: 'Felles', bodies: KUS })
    const before = t.snapshot()
    // The last kontrollutvalg's milestone rule cannot be written: the project row and the other rules are already in.
    t.deps.database.sqlite.exec("CREATE TRIGGER fail_oyer BEFORE INSERT ON rule WHEN NEW.responsible_body_id = (SELECT id FROM body WHERE slug = 'oyer-kontrollutvalg') BEGIN SELECT RAISE(ABORT, 'boom'); END")
    await expect(t.kontroll.projects.create(t.admin, plan.id, glor)).rejects.toThrow(/boom/)
    t.deps.database.sqlite.exec('DROP TRIGGER fail_oyer')
    expect(t.snapshot()).toBe(before)
  })

  it('a failure while moving a milestone rolls back the project change', async () => {
    const plan = await t.kontroll.plans.create(t.admin, { type: 'eierskapskontroll', electionYear: 2023, title: 'Felles', bodies: KUS })
    const project = await t.kontroll.projects.create(t.admin, plan.id, glor)
    const before = t.snapshot()
    t.deps.database.sqlite.exec("CREATE TRIGGER fail_move BEFORE UPDATE OF dtstart ON rule WHEN NEW.responsible_body_id = (SELECT id FROM body WHERE slug = 'oyer-kontrollutvalg') BEGIN SELECT RAISE(ABORT, 'boom'); END")
    await expect(t.kontroll.projects.update(t.admin, plan.id, project.id, { title: 'Nytt navn', plannedQuarter: 2 })).rejects.toThrow(/boom/)
    t.deps.database.sqlite.exec('DROP TRIGGER fail_move')
    expect(t.snapshot()).toBe(before)
    expect((await t.kontroll.projects.get(systemViewer, plan.id, project.id)).title).toBe(glor.title)
  })

  it('a failure while recording a step’s state rolls back the project change and the rule moves', async () => {
    const plan = await t.kontroll.plans.create(t.admin, { type: 'eierskapskontroll', electionYear: 2023, title: 'Felles', bodies: KUS })
    const project = await t.kontroll.projects.create(t.admin, plan.id, glor)
    const before = t.snapshot()
    t.deps.database.sqlite.exec("CREATE TRIGGER fail_state BEFORE INSERT ON occurrence_state WHEN NEW.status = 'approved' BEGIN SELECT RAISE(ABORT, 'boom'); END")
    await expect(t.kontroll.projects.update(t.admin, plan.id, project.id, { kuTreatedOn: '2027-01-12', kuPlannedOn: null })).rejects.toThrow(/boom/)
    t.deps.database.sqlite.exec('DROP TRIGGER fail_state')
    expect(t.snapshot()).toBe(before)
  })
})

describe('project subjects', () => {
  it('the sekretariat of Øyer’s kontrollutvalg may put a company Øyer co-owns in Øyer’s plan; one Øyer has no part in is invalid, as for an admin', async () => {
    const sekretariat = t.sekretariatOf('oyer-kontrollutvalg')
    const plan = await t.kontroll.plans.create(sekretariat, { type: 'eierskapskontroll', electionYear: 2023, title: 'Øyer', bodies: ['oyer-kontrollutvalg'] })
    const project = await t.kontroll.projects.create(sekretariat, plan.id, { ...glor, kuPlannedOn: null })
    expect(project.subjects).toEqual([expect.objectContaining({ type: 'collaboration', slug: 'felles-renovasjonsselskap-glor' })])
    const before = t.snapshot()
    const err = await failure(t.kontroll.projects.create(sekretariat, plan.id, { ...glor, subjects: [{ collaboration: 'skappa-kunnskapspark' }] }))
    expect([err.kind, err.code, err.field]).toEqual(['invalid', 'kontroll.subject_not_involved', 'subjects/0/collaboration'])
    // Øyer's editor reads the plan but may not add, change or remove its projects.
    const editorOyer = t.editorOf('oyer')
    expect((await failure(t.kontroll.projects.create(editorOyer, plan.id, { ...glor, kuPlannedOn: null, title: 'Annen' }))).code).toBe('auth.forbidden')
    expect((await failure(t.kontroll.projects.update(editorOyer, plan.id, project.id, { title: 'Endret' }))).code).toBe('auth.forbidden')
    expect((await failure(t.kontroll.projects.remove(editorOyer, plan.id, project.id))).code).toBe('auth.forbidden')
    expect(t.snapshot()).toBe(before)
    expect((await t.kontroll.projects.update(sekretariat, plan.id, project.id, { reportDeliveredOn: '2027-01-10' })).status).toBe('reported')
  })

  it('a subject outside the plan’s municipalities is invalid even for an admin, naming the field', async () => {
    const plan = await t.kontroll.plans.create(t.admin, { type: 'eierskapskontroll', electionYear: 2023, title: 'Øyer', bodies: ['oyer-kontrollutvalg'] })
    const before = t.snapshot()
    const err = await failure(t.kontroll.projects.create(t.admin, plan.id, { ...glor, subjects: [{ collaboration: 'skappa-kunnskapspark' }] }))
    expect([err.kind, err.code, err.field]).toEqual(['invalid', 'kontroll.subject_not_involved', 'subjects/0/collaboration'])
    expect(t.snapshot()).toBe(before)
  })
})
