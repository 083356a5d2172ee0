// Issue 15: a plan's versions, each member's own adoption, the plan order and the plan made from the ranked list.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KUS, openKontrollTest, type KontrollTest } from './helpers.js'
import { refusal as failure } from '../../helpers/services.js'
import { systemViewer } from '../../../src/services/access.js'

let t: KontrollTest
beforeEach(async () => { t = await openKontrollTest() })
afterEach(async () => { await t.close() })

const joint = { type: 'eierskapskontroll' as const, electionYear: 2023, title: 'Felles plan for eierskapskontroll', bodies: KUS }
const GLOR = 'felles-renovasjonsselskap-glor'
const auditCount = async () => Number((await t.sql.get<{ n: number }>('select count(*) as n from audit_log'))!.n)

describe('a joint plan is adopted by each member on its own date', () => {
  it('each kontrollutvalg and each kommunestyre is recorded separately, and each municipality’s occurrence follows its own', async () => {
    const plan = await t.kontroll.plans.create(t.admin, joint)
    expect(plan.adoptions.map(a => [a.body.slug, a.municipality.slug, a.kuAdoptedOn])).toEqual([
      ['lillehammer-kontrollutvalg', 'lillehammer', null], ['gausdal-kontrollutvalg', 'gausdal', null], ['oyer-kontrollutvalg', 'oyer', null],
    ])
    const gausdal = await t.sekretariatOf('gausdal-kontrollutvalg')
    const afterKu = await t.kontroll.plans.recordAdoption(gausdal, plan.id, 'gausdal-kontrollutvalg', { kuAdoptedOn: '2024-03-05', kuCaseRef: 'KU 7/24' })
    // One member has adopted: the plan is still a draft, and only Gausdal's occurrence says delivered.
    expect(afterKu.status).toBe('draft')
    expect(afterKu.kuAdoptedOn).toBeNull()
    expect(await t.adoptionState('gausdal', 'eierskapskontroll')).toEqual({ status: 'delivered', deliveredOn: '2024-03-05', approvedOn: null, caseNumber: 'KU 7/24' })
    expect(await t.adoptionState('oyer', 'eierskapskontroll')).toBeUndefined()

    await t.kontroll.plans.recordAdoption(await t.sekretariatOf('oyer-kontrollutvalg'), plan.id, 'oyer-kontrollutvalg', { kuAdoptedOn: '2024-03-12', kuCaseRef: 'KU 3/24' })
    const allKu = await t.kontroll.plans.recordAdoption(t.admin, plan.id, 'lillehammer-kontrollutvalg', { kuAdoptedOn: '2024-02-27', kuCaseRef: 'KU 9/24' })
    expect(allKu.status).toBe('adopted_ku')
    // The plan-wide date is the last member's; the saksnummer differ, so there is none plan-wide.
    expect([allKu.kuAdoptedOn, allKu.kuCaseRef]).toEqual(['2024-03-12', null])

    const councilGausdal = await t.kontroll.plans.recordAdoption(gausdal, plan.id, 'gausdal-kontrollutvalg', { ksAdoptedOn: '2024-04-18', ksCaseRef: 'KS 29/24' })
    expect(councilGausdal.adoptions.find(a => a.body.slug === 'gausdal-kontrollutvalg')).toMatchObject({ kuAdoptedOn: '2024-03-05', kuCaseRef: 'KU 7/24', ksAdoptedOn: '2024-04-18', ksCaseRef: 'KS 29/24' })
    expect(councilGausdal.status).toBe('adopted_ku')
    expect(await t.adoptionState('gausdal', 'eierskapskontroll')).toEqual({ status: 'approved', deliveredOn: '2024-03-05', approvedOn: '2024-04-18', caseNumber: 'KS 29/24' })
    expect(await t.adoptionState('oyer', 'eierskapskontroll')).toMatchObject({ status: 'delivered', caseNumber: 'KU 3/24' })
    expect(await t.adoptionState('lillehammer', 'eierskapskontroll')).toMatchObject({ status: 'delivered', caseNumber: 'KU 9/24' })

    // Clearing a member's council adoption takes its occurrence back to delivered.
    await t.kontroll.plans.recordAdoption(gausdal, plan.id, 'gausdal-kontrollutvalg', { ksAdoptedOn: null, ksCaseRef: null })
    expect(await t.adoptionState('gausdal', 'eierskapskontroll')).toMatchObject({ status: 'delivered', approvedOn: null, caseNumber: 'KU 7/24' })
  })

  it('the sekretariat records its own kontrollutvalg’s adoption, not another member’s; an editor none; nothing changes when refused', async () => {
    const plan = await t.kontroll.plans.create(t.admin, joint)
    const before = await t.snapshot()
    const oyer = await t.sekretariatOf('oyer-kontrollutvalg')
    for (const actor of [oyer, await t.editorOf('gausdal')]) {
      const err = await failure(t.kontroll.plans.recordAdoption(actor, plan.id, 'gausdal-kontrollutvalg', { kuAdoptedOn: '2024-03-05' }))
      expect([err.kind, err.code]).toEqual(['forbidden', 'auth.forbidden'])
    }
    expect((await failure(t.kontroll.plans.recordAdoption(null, plan.id, 'gausdal-kontrollutvalg', { kuAdoptedOn: '2024-03-05' }))).kind).toBe('unauthorized')
    expect(await t.snapshot()).toBe(before)
  })

  it('refuses bad adoptions naming the field, and writes nothing', async () => {
    const plan = await t.kontroll.plans.create(t.admin, { ...joint, bodies: KUS.slice(0, 2) })
    await t.kontroll.plans.recordAdoption(t.admin, plan.id, 'gausdal-kontrollutvalg', { kuAdoptedOn: '2024-03-05' })
    const before = await t.snapshot()
    for (const [body, patch, code, field] of [
      ['oyer-kontrollutvalg', { kuAdoptedOn: '2024-03-05' }, 'kontroll.not_member', 'body'],
      ['gausdal-kontrollutvalg', { ksAdoptedOn: '2024-03-01' }, 'kontroll.adoption_order', 'ksAdoptedOn'],
      ['gausdal-kontrollutvalg', { kuAdoptedOn: '2027-06-01' }, 'kontroll.future_date', 'kuAdoptedOn'],
    ] as const) {
      const err = await failure(t.kontroll.plans.recordAdoption(t.admin, plan.id, body, patch))
      expect([err.kind, err.code, err.field], JSON.stringify(patch)).toEqual(['invalid', code, field])
    }
    expect(await t.snapshot()).toBe(before)
  })
})

describe('revising an adopted plan', () => {
  it('starts a new draft version; the earlier version stays readable as it was; the statutory occurrence keeps the first adoption', async () => {
    const plan = await t.kontroll.plans.create(t.admin, { ...joint, kuAdoptedOn: '2024-09-10', kuCaseRef: 'KU 24/31', ksAdoptedOn: '2024-11-28', ksCaseRef: 'KS 24/118' })
    await t.kontroll.projects.create(t.admin, plan.id, { title: 'Eierskapskontroll GLØR IKS', plannedYear: 2025, plannedQuarter: 2, subjects: [{ collaboration: GLOR }] })
    const audits = await auditCount()
    const revised = await t.kontroll.plans.revise(await t.sekretariatOf(...KUS), plan.id, { reason: 'Nytt selskap i porteføljen', title: 'Felles plan for eierskapskontroll 2024–2027, revidert' })
    expect([revised.version, revised.status, revised.inForce, revised.title]).toEqual([2, 'draft', 1, 'Felles plan for eierskapskontroll 2024–2027, revidert'])
    expect(revised.versions.map(v => [v.version, v.status, v.reason])).toEqual([[1, 'adopted_ks', null], [2, 'draft', 'Nytt selskap i porteføljen']])
    expect(revised.adoptions.every(a => a.kuAdoptedOn === null && a.ksAdoptedOn === null)).toBe(true)
    expect(await auditCount()).toBe(audits + 1)

    // A project added to the revision is not in version 1.
    await t.kontroll.projects.create(t.admin, plan.id, { title: 'Eierskapskontroll IKOMM AS', plannedYear: 2026, plannedQuarter: 3, subjects: [{ collaboration: 'ikomm-as' }] })
    const v1 = await t.kontroll.plans.version(systemViewer, plan.id, 1)
    expect([v1.current, v1.title, v1.status]).toEqual([false, 'Felles plan for eierskapskontroll', 'adopted_ks'])
    expect(v1.projects.map(p => [p.position, p.title, p.plannedBy])).toEqual([[1, 'Eierskapskontroll GLØR IKS', '2025-06-30']])
    expect(v1.adoptions.map(a => a.ksCaseRef)).toEqual(['KS 24/118', 'KS 24/118', 'KS 24/118'])
    const v2 = await t.kontroll.plans.version(systemViewer, plan.id, 2)
    expect([v2.current, v2.projects.map(p => p.title)]).toEqual([true, ['Eierskapskontroll GLØR IKS', 'Eierskapskontroll IKOMM AS']])
    expect((await failure(t.kontroll.plans.version(systemViewer, plan.id, 3))).kind).toBe('not_found')

    // Adopting the revision in one kontrollutvalg does not reopen or rewrite the period's statutory occurrence.
    const adopted = await t.kontroll.plans.recordAdoption(await t.sekretariatOf('gausdal-kontrollutvalg'), plan.id, 'gausdal-kontrollutvalg', { kuAdoptedOn: '2026-11-24', kuCaseRef: 'KU 26/40' })
    expect(adopted.adoptions.find(a => a.body.slug === 'gausdal-kontrollutvalg')).toMatchObject({ kuAdoptedOn: '2026-11-24', kuCaseRef: 'KU 26/40' })
    expect(await t.adoptionState('gausdal', 'eierskapskontroll')).toEqual({ status: 'approved', deliveredOn: '2024-09-10', approvedOn: '2024-11-28', caseNumber: 'KS 24/118' })
    expect((await t.kontroll.plans.version(systemViewer, plan.id, 1)).adoptions.find(a => a.body.slug === 'gausdal-kontrollutvalg')).toMatchObject({ kuCaseRef: 'KU 24/31' })
  })

  it('a draft is changed, not revised (409); a revision needs a reason and every member’s sekretariat', async () => {
    const plan = await t.kontroll.plans.create(t.admin, joint)
    const before = await t.snapshot()
    const err = await failure(t.kontroll.plans.revise(t.admin, plan.id, { reason: 'x' }))
    expect([err.kind, err.code]).toEqual(['conflict', 'kontroll.plan_not_adopted'])
    await t.kontroll.plans.update(t.admin, plan.id, { kuAdoptedOn: '2024-09-10' })
    const adopted = await t.snapshot()
    expect((await failure(t.kontroll.plans.revise(t.admin, plan.id, { reason: '  ' }))).field).toBe('reason')
    expect((await failure(t.kontroll.plans.revise(await t.sekretariatOf('gausdal-kontrollutvalg'), plan.id, { reason: 'alene' }))).code).toBe('auth.forbidden')
    expect(await t.snapshot()).toBe(adopted)
    expect(before).not.toBe(adopted)
  })
})

describe('the plan’s order', () => {
  it('is by risk × materiality until put in order by hand; a new project then goes last', async () => {
    await t.kontroll.assessments.create(t.admin, { electionYear: 2023, collaboration: 'ikomm-as', risk: 5, materiality: 5 })
    const plan = await t.kontroll.plans.create(t.admin, joint)
    const glor = await t.kontroll.projects.create(t.admin, plan.id, { title: 'GLØR', plannedYear: 2025, subjects: [{ collaboration: GLOR }] })
    const ikomm = await t.kontroll.projects.create(t.admin, plan.id, { title: 'IKOMM', plannedYear: 2026, subjects: [{ collaboration: 'ikomm-as' }] })
    const order = async () => (await t.kontroll.projects.list(systemViewer, plan.id)).items.map(p => 'title' in p ? [p.position, p.title] : [])
    expect(await order()).toEqual([[1, 'IKOMM'], [2, 'GLØR']])

    await t.kontroll.plans.reorder(await t.sekretariatOf(...KUS), plan.id, [glor.id, ikomm.id])
    expect(await order()).toEqual([[1, 'GLØR'], [2, 'IKOMM']])
    await t.kontroll.projects.create(t.admin, plan.id, { title: 'Visit', plannedYear: 2027, subjects: [{ collaboration: 'visit-lillehammer-as' }] })
    expect(await order()).toEqual([[1, 'GLØR'], [2, 'IKOMM'], [3, 'Visit']])

    const before = await t.snapshot()
    for (const ids of [[glor.id], [glor.id, glor.id, ikomm.id], [glor.id, ikomm.id, 999]]) {
      const err = await failure(t.kontroll.plans.reorder(t.admin, plan.id, ids))
      expect([err.kind, err.code, err.field]).toEqual(['invalid', 'kontroll.order', 'projects'])
    }
    expect((await failure(t.kontroll.plans.reorder(await t.sekretariatOf('oyer-kontrollutvalg'), plan.id, [ikomm.id, glor.id]))).code).toBe('auth.forbidden')
    expect(await t.snapshot()).toBe(before)
  })
})

describe('the plan made from the ranked list', () => {
  const gausdal = 'gausdal-kontrollutvalg'
  const items = [
    { subject: { municipality: 'gausdal', serviceArea: 'Helse og omsorg' }, kind: 'forvaltningsrevisjon' as const, title: 'Hjemmetjenesten', plannedYear: 2025, plannedQuarter: 3 },
    { subject: { collaboration: 'lillehammer-og-gausdal-energiverk-holding-as-lge' }, kind: 'eierskapskontroll' as const, title: 'Eierskapskontroll LGE', plannedYear: 2026, plannedQuarter: 1 },
  ]

  it('puts each subject in the kontrollutvalg’s plan of its kind, creating draft plans where none exists', async () => {
    const plans = await t.kontroll.projects.createFromRanking(await t.sekretariatOf(gausdal), { body: gausdal, electionYear: 2023, items })
    expect(plans.map(p => [p.type, p.title, p.status, p.projectCount, p.bodies.map(b => b.slug)])).toEqual([
      ['forvaltningsrevisjon', 'Plan for forvaltningsrevisjon 2024–2027, Gausdal', 'draft', 1, [gausdal]],
      ['eierskapskontroll', 'Plan for eierskapskontroll 2024–2027, Gausdal', 'draft', 1, [gausdal]],
    ])
    // A second round adds to the same plans.
    const again = await t.kontroll.projects.createFromRanking(t.admin, { body: gausdal, electionYear: 2023, items: [{ ...items[0]!, title: 'Skole', subject: { municipality: 'gausdal', serviceArea: 'Skole' } }] })
    expect(again.map(p => [p.id, p.projectCount])).toEqual([[plans[0]!.id, 2]])
    // Once adopted, the plan's project list changes in a revision: 409 at the item, nothing created.
    await t.kontroll.plans.update(t.admin, plans[0]!.id, { kuAdoptedOn: '2026-11-24' })
    const before = await t.snapshot()
    const adopted = await failure(t.kontroll.projects.createFromRanking(t.admin, { body: gausdal, electionYear: 2023, items: [items[0]!] }))
    expect([adopted.kind, adopted.code, adopted.field]).toEqual(['conflict', 'kontroll.plan_adopted', 'items/0/kind'])
    expect(await t.snapshot()).toBe(before)
  })

  it('is all or nothing: a bad item names itself, and nothing is created', async () => {
    const before = await t.snapshot()
    const bad = [items[0]!, { ...items[1]!, plannedYear: 2031 }]
    const err = await failure(t.kontroll.projects.createFromRanking(t.admin, { body: gausdal, electionYear: 2023, items: bad }))
    expect([err.kind, err.code, err.field]).toEqual(['invalid', 'kontroll.year_outside_period', 'items/1/plannedYear'])
    const outside = await failure(t.kontroll.projects.createFromRanking(t.admin, { body: gausdal, electionYear: 2023, items: [{ ...items[1]!, subject: { collaboration: 'ikomm-as-finnes-ikke' } }] }))
    expect([outside.code, outside.field]).toEqual(['kontroll.unknown_subject', 'items/0/subject/collaboration'])
    expect((await failure(t.kontroll.projects.createFromRanking(t.admin, { body: 'gausdal-formannskap', electionYear: 2023, items }))).field).toBe('body')
    expect((await failure(t.kontroll.projects.createFromRanking(await t.sekretariatOf('oyer-kontrollutvalg'), { body: gausdal, electionYear: 2023, items }))).code).toBe('auth.forbidden')
    expect(await t.snapshot()).toBe(before)
  })
})
