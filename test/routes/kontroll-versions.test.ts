// Issue 15 over HTTP: each member's adoption, revisions and their versions, the plan order, the plan from the ranked list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/people.js'

const KUS = ['lillehammer-kontrollutvalg', 'gausdal-kontrollutvalg', 'oyer-kontrollutvalg']
type Json = Record<string, any>

let t: TestApp
let sekretariat: SignedIn
beforeAll(async () => {
  t = await buildTestApp()
  sekretariat = await signIn(t, 'sek@kusek.no', KUS.map(kontrollutvalg => ({ role: 'sekretariat' as const, kontrollutvalg })), 'Siri Sekretær')
})
afterAll(async () => { await t.close() })

/** A write by the signed-in sekretariat (session cookie and CSRF header). */
async function write (method: 'POST' | 'PUT', url: string, payload: Json) {
  return t.app.inject({ method, url, headers: { ...sekretariat.headers, 'x-csrf-token': sekretariat.csrf }, payload })
}

describe('a joint plan through the API', () => {
  let plan: Json
  let projects: Json[]
  it('records one adoption per member, revises the adopted plan and reads the earlier version', async () => {
    const created = await write('POST', '/api/v1/kontroll/plans', { type: 'eierskapskontroll', electionYear: 2023, title: 'Felles plan', bodies: KUS })
    expect(created.statusCode, created.body).toBe(201)
    plan = created.json()
    expect([plan.version, plan.inForce, plan.versions.length]).toEqual([1, null, 1])
    projects = []
    for (const [title, collaboration] of [['GLØR', 'felles-renovasjonsselskap-glor'], ['IKOMM', 'ikomm-as']]) {
      const res = await write('POST', `/api/v1/kontroll/plans/${plan.id}/projects`, { title, plannedYear: 2025, subjects: [{ collaboration }] })
      expect(res.statusCode, res.body).toBe(201)
      projects.push(res.json())
    }

    for (const [i, body] of KUS.entries()) {
      const res = await write('PUT', `/api/v1/kontroll/plans/${plan.id}/adoptions/${body}`, { kuAdoptedOn: `2024-09-1${i}`, kuCaseRef: `KU 24/3${i}` })
      expect(res.statusCode, res.body).toBe(200)
    }
    const gausdalCouncil = await write('PUT', `/api/v1/kontroll/plans/${plan.id}/adoptions/gausdal-kontrollutvalg`, { ksAdoptedOn: '2024-11-28', ksCaseRef: 'KS 24/118' })
    const adopted = gausdalCouncil.json()
    expect(adopted.status).toBe('adopted_ku')
    expect(adopted.adoptions.map((a: Json) => [a.body.slug, a.kuCaseRef, a.ksCaseRef])).toEqual([
      ['lillehammer-kontrollutvalg', 'KU 24/30', null], ['gausdal-kontrollutvalg', 'KU 24/31', 'KS 24/118'], ['oyer-kontrollutvalg', 'KU 24/32', null],
    ])
    // The audit names the person.
    const audit = (await t.sql.get<Json>("select actor, user_id as \"userId\" from audit_log where entity_type = 'kontroll_plan' order by id desc limit 1"))!
    expect(audit.actor).toBe('Siri Sekretær <sek@kusek.no>')
    expect(audit.userId).not.toBeNull()

    const revised = await write('POST', `/api/v1/kontroll/plans/${plan.id}/revisions`, { reason: 'Skåppå kunnskapspark AS tas inn' })
    expect(revised.statusCode, revised.body).toBe(201)
    expect([revised.json().version, revised.json().status, revised.json().inForce]).toEqual([2, 'draft', 1])
    const v1 = await t.app.inject(`/api/v1/kontroll/plans/${plan.id}/versions/1`)
    expect(v1.statusCode, v1.body).toBe(200)
    expect([v1.json().current, v1.json().projects.map((p: Json) => p.title)]).toEqual([false, ['GLØR', 'IKOMM']])
    expect((await t.app.inject(`/api/v1/kontroll/plans/${plan.id}/versions/9`)).statusCode).toBe(404)
  })

  it('puts the projects in order, and answers 400 naming the field for a list that is not the plan’s projects', async () => {
    const ordered = await write('PUT', `/api/v1/kontroll/plans/${plan.id}/order`, { projects: [projects[1]!.id, projects[0]!.id] })
    expect(ordered.statusCode, ordered.body).toBe(200)
    const list = (await t.app.inject(`/api/v1/kontroll/plans/${plan.id}/projects`)).json()
    expect(list.data.map((p: Json) => [p.position, p.title])).toEqual([[1, 'IKOMM'], [2, 'GLØR']])
    const before = await t.snapshot()
    const bad = await write('PUT', `/api/v1/kontroll/plans/${plan.id}/order`, { projects: [projects[1]!.id] })
    expect([bad.statusCode, bad.json().code, bad.json().details[0].path]).toEqual([400, 'kontroll.order', 'body/projects'])
    expect(await t.snapshot()).toBe(before)
  })

  it('makes plans from the ranked list, and refuses a bad item naming it with nothing created', async () => {
    const before = await t.snapshot()
    const bad = await write('POST', '/api/v1/kontroll/plans/from-ranking', { body: 'gausdal-kontrollutvalg', electionYear: 2023, items: [{ subject: { municipality: 'gausdal', serviceArea: 'Skole' }, kind: 'forvaltningsrevisjon', title: 'Skole', plannedYear: 2035 }] })
    expect([bad.statusCode, bad.json().details[0].path]).toEqual([400, 'body/items/0/plannedYear'])
    expect(await t.snapshot()).toBe(before)
    const res = await write('POST', '/api/v1/kontroll/plans/from-ranking', { body: 'gausdal-kontrollutvalg', electionYear: 2023, items: [{ subject: { municipality: 'gausdal', serviceArea: 'Skole' }, kind: 'forvaltningsrevisjon', title: 'Skole', plannedYear: 2026, plannedQuarter: 2 }] })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().plans.map((p: Json) => [p.title, p.projectCount])).toEqual([['Plan for forvaltningsrevisjon 2024–2027, Gausdal', 1]])
  })
})
