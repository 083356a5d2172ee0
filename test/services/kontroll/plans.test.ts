import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KUS, openKontrollTest, type KontrollTest } from './helpers.js'
import { refusal as failure } from '../../helpers/services.js'
import { systemViewer, anonymousViewer, viewerOf } from '../../../src/services/access.js'
import type { PlanPatch } from '../../../src/services/kontroll/plans.js'

let t: KontrollTest
beforeEach(async () => { t = await openKontrollTest() })
afterEach(async () => { await t.close() })

const joint = { type: 'eierskapskontroll' as const, electionYear: 2023, title: 'Felles plan for eierskapskontroll', bodies: KUS }

describe('adoption is recorded on each municipality’s package occurrence', () => {
  it('delivered when the kontrollutvalg adopts the plan, approved when the council does, undone when cleared', async () => {
    const plan = await t.kontroll.plans.create(t.admin, joint)
    expect(plan.adoptionOccurrences.map(o => [o.municipality, o.date, o.status])).toEqual([
      ['lillehammer', '2024-12-31', 'planned'], ['gausdal', '2024-12-31', 'planned'], ['oyer', '2024-12-31', 'planned'],
    ])
    // A draft writes nothing on the occurrences.
    expect(await t.adoptionState('gausdal', 'eierskapskontroll')).toBeUndefined()

    await t.kontroll.plans.update(t.admin, plan.id, { kuAdoptedOn: '2024-03-05', kuCaseRef: 'KU 7/24' })
    expect(await t.adoptionState('gausdal', 'eierskapskontroll')).toEqual({ status: 'delivered', deliveredOn: '2024-03-05', approvedOn: null, caseNumber: 'KU 7/24' })
    const adopted = await t.kontroll.plans.update(t.admin, plan.id, { ksAdoptedOn: '2024-06-20', ksCaseRef: '24/1234' })
    expect(adopted.status).toBe('adopted_ks')
    for (const m of ['lillehammer', 'gausdal', 'oyer']) {
      expect(await t.adoptionState(m, 'eierskapskontroll'), m).toEqual({ status: 'approved', deliveredOn: '2024-03-05', approvedOn: '2024-06-20', caseNumber: '24/1234' })
    }
    // A kontrollutvalg leaving the plan takes its municipality's adoption with it.
    await t.kontroll.plans.update(t.admin, plan.id, { bodies: KUS.slice(0, 2) })
    expect(await t.adoptionState('oyer', 'eierskapskontroll')).toMatchObject({ status: 'planned', approvedOn: null, caseNumber: null })
    expect(await t.adoptionState('gausdal', 'eierskapskontroll')).toMatchObject({ status: 'approved' })
    // Deleting the plan undoes the adoption everywhere.
    await t.kontroll.plans.remove(t.admin, plan.id)
    expect(await t.adoptionState('gausdal', 'eierskapskontroll')).toMatchObject({ status: 'planned', approvedOn: null })
    expect((await failure(t.kontroll.plans.get(systemViewer, plan.id))).code).toBe('kontroll_plan.not_found')
  })

  it('refuses an adoption out of order or in the future, naming the field, and writes nothing', async () => {
    const plan = await t.kontroll.plans.create(t.admin, joint)
    const before = await t.snapshot()
    for (const [patch, code, field] of [
      [{ kuAdoptedOn: '2024-06-01', ksAdoptedOn: '2024-05-01' }, 'kontroll.adoption_order', 'ksAdoptedOn'],
      [{ ksAdoptedOn: '2027-02-01' }, 'kontroll.future_date', 'ksAdoptedOn'],
      [{ kuAdoptedOn: '2024-02-30' }, 'kontroll.invalid_date', 'kuAdoptedOn'],
      [{ bodies: ['gausdal-formannskap'] }, 'kontroll.not_kontrollutvalg', 'bodies/0'],
    ] as Array<[PlanPatch, string, string]>) {
      const err = await failure(t.kontroll.plans.update(t.admin, plan.id, patch))
      expect([err.kind, err.code, err.field], JSON.stringify(patch)).toEqual(['invalid', code, field])
    }
    expect(await t.snapshot()).toBe(before)
  })

  it('one plan of each type per kontrollutvalg and period: a joint plan counts for each', async () => {
    await t.kontroll.plans.create(t.admin, joint)
    const before = await t.snapshot()
    const err = await failure(t.kontroll.plans.create(t.admin, { ...joint, title: 'Gausdals egen', bodies: ['gausdal-kontrollutvalg'] }))
    expect([err.kind, err.code, err.field]).toEqual(['conflict', 'kontroll.plan_exists', 'bodies'])
    expect(await t.snapshot()).toBe(before)
  })
})

describe('who may change a plan', () => {
  it('an editor naming another municipality’s kontrollutvalg in a joint plan gets 403 and nothing changes', async () => {
    const editorOyer = await t.editorOf('oyer')
    const before = await t.snapshot()
    expect((await failure(t.kontroll.plans.create(editorOyer, joint))).kind).toBe('forbidden')
    expect(await t.snapshot()).toBe(before)
    expect((await failure(t.kontroll.plans.create(null, joint))).kind).toBe('unauthorized')
  })

  it('a joint plan is changed only by the sekretariat of every one of its kontrollutvalg (or an admin)', async () => {
    const plan = await t.kontroll.plans.create(t.admin, joint)
    const sekretariatOyer = await t.sekretariatOf('oyer-kontrollutvalg')
    const before = await t.snapshot()
    for (const who of [sekretariatOyer, await t.sekretariatOf('oyer-kontrollutvalg', 'gausdal-kontrollutvalg')]) {
      expect((await failure(t.kontroll.plans.update(who, plan.id, { title: 'Øyers versjon' }))).kind).toBe('forbidden')
      expect((await failure(t.kontroll.plans.update(who, plan.id, { bodies: ['oyer-kontrollutvalg'] }))).kind).toBe('forbidden')
      expect((await failure(t.kontroll.plans.remove(who, plan.id))).kind).toBe('forbidden')
      expect((await failure(t.kontroll.projects.create(who, plan.id, { title: 'GLØR', plannedYear: 2025, subjects: [{ collaboration: 'felles-renovasjonsselskap-glor' }] }))).kind).toBe('forbidden')
    }
    expect(await t.snapshot()).toBe(before)
    // The sekretariat that serves all three kontrollutvalg may.
    const felles = await t.sekretariatOf(...KUS)
    expect((await t.kontroll.plans.update(felles, plan.id, { title: 'Felles plan, revidert' })).title).toBe('Felles plan, revidert')
    expect((await t.kontroll.projects.create(felles, plan.id, { title: 'GLØR', plannedYear: 2025, subjects: [{ collaboration: 'felles-renovasjonsselskap-glor' }] })).title).toBe('GLØR')
  })

  it('editors read their kontrollutvalg’s plans but do not change them, not even an editor of every member municipality', async () => {
    const plan = await t.kontroll.plans.create(t.admin, joint)
    const own = await t.kontroll.plans.create(t.admin, { type: 'forvaltningsrevisjon', electionYear: 2023, title: 'Øyer', bodies: ['oyer-kontrollutvalg'] })
    const editorOyer = await t.editorOf('oyer')
    const region = { ...editorOyer, municipalityIds: await Promise.all(['lillehammer', 'gausdal', 'oyer'].map(m => t.idOf('municipality', m))) }
    const before = await t.snapshot()
    for (const who of [editorOyer, region]) {
      expect((await failure(t.kontroll.plans.update(who, own.id, { title: 'Endret' }))).code).toBe('auth.forbidden')
      expect((await failure(t.kontroll.plans.update(who, plan.id, { title: 'Endret' }))).message).toBe('Bare sekretariatet for kontrollutvalget og administratorer kan endre kontrollplaner')
      expect((await failure(t.kontroll.plans.create(who, { ...joint, type: 'forvaltningsrevisjon', bodies: ['gausdal-kontrollutvalg'] }))).kind).toBe('forbidden')
      expect((await failure(t.kontroll.plans.remove(who, own.id))).kind).toBe('forbidden')
      expect((await failure(t.kontroll.projects.create(who, own.id, { title: 'Skole', plannedYear: 2025, subjects: [{ municipality: 'oyer', serviceArea: 'Skole' }] }))).kind).toBe('forbidden')
    }
    expect(await t.snapshot()).toBe(before)
    expect((await t.kontroll.plans.get(viewerOf(editorOyer), own.id)).title).toBe('Øyer')
  })

  it('a sekretariat may not pull another kontrollutvalg into its own plan, nor give its plan away', async () => {
    const sekretariatOyer = await t.sekretariatOf('oyer-kontrollutvalg')
    const plan = await t.kontroll.plans.create(sekretariatOyer, { type: 'forvaltningsrevisjon', electionYear: 2023, title: 'Øyer', bodies: ['oyer-kontrollutvalg'] })
    const before = await t.snapshot()
    expect((await failure(t.kontroll.plans.update(sekretariatOyer, plan.id, { bodies: ['oyer-kontrollutvalg', 'gausdal-kontrollutvalg'] }))).kind).toBe('forbidden')
    expect((await failure(t.kontroll.plans.update(sekretariatOyer, plan.id, { bodies: ['gausdal-kontrollutvalg'] }))).kind).toBe('forbidden')
    expect(await t.snapshot()).toBe(before)
    // Its own plan it changes, deletes, and the audit log names it.
    expect((await t.kontroll.plans.update(sekretariatOyer, plan.id, { kuAdoptedOn: '2024-03-05', kuCaseRef: 'KU 3/24' })).status).toBe('adopted_ku')
    await t.kontroll.plans.remove(sekretariatOyer, plan.id)
    const actors = await t.sql.all("select action, actor from audit_log where entity_type = 'kontroll_plan' and entity_id = ? order by id", String(plan.id))
    expect(actors).toEqual(['create', 'update', 'delete'].map(action => ({ action, actor: 'editor:sekretariat-oyer-kontrollutvalg' })))
  })
})

describe('who may see a plan', () => {
  it('a plan whose only kontrollutvalg is private is hidden from viewers who may not see that body', async () => {
    const plan = await t.kontroll.plans.create(t.admin, { ...joint, bodies: ['gausdal-kontrollutvalg'] })
    await t.makePrivate('gausdal-kontrollutvalg')
    const gausdal = { all: false, municipalityIds: new Set([(await t.deps.services.municipalities.get('gausdal')).id]), bodyIds: new Set<number>() }
    const oyer = { all: false, municipalityIds: new Set((await t.editorOf('oyer')).municipalityIds), bodyIds: new Set<number>() }
    expect((await t.kontroll.plans.list(anonymousViewer)).items).toEqual([])
    expect((await t.kontroll.plans.list(oyer)).items).toEqual([])
    expect((await failure(t.kontroll.plans.get(oyer, plan.id))).kind).toBe('not_found')
    expect((await t.kontroll.plans.list(gausdal)).items.map(p => p.id)).toEqual([plan.id])
    expect((await t.kontroll.plans.get(systemViewer, plan.id)).id).toBe(plan.id)
    // The sekretariat of Gausdal's kontrollutvalg sees it without any editor role; Øyer's sekretariat does not.
    expect((await t.kontroll.plans.list(viewerOf(await t.sekretariatOf('gausdal-kontrollutvalg')))).items.map(p => p.id)).toEqual([plan.id])
    expect((await t.kontroll.plans.get(viewerOf(await t.sekretariatOf('gausdal-kontrollutvalg')), plan.id)).id).toBe(plan.id)
    expect((await t.kontroll.plans.list(viewerOf(await t.sekretariatOf('oyer-kontrollutvalg')))).items).toEqual([])
  })

  it('a joint plan stays visible when one member’s kontrollutvalg is private: it is the other members’ plan too', async () => {
    const plan = await t.kontroll.plans.create(t.admin, joint)
    await t.makePrivate('gausdal-kontrollutvalg')
    expect((await t.kontroll.plans.list(anonymousViewer)).items.map(p => p.id)).toEqual([plan.id])
    expect((await t.kontroll.plans.get(anonymousViewer, plan.id)).id).toBe(plan.id)
  })
})
