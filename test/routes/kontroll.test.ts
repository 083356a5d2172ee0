import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import ICAL from 'ical.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/people.js'

// The test clock is 2027-01-15 (the first months of the 2027 election year, before the new constitution).
let t: TestApp
let editorGausdal: string
beforeEach(async () => {
  t = await buildTestApp()
  editorGausdal = (await t.services.tokens.create({ label: 'test-editor-gausdal', role: 'editor', municipality: 'gausdal' })).token
})
afterEach(async () => { await t.close() })

const KUS = ['lillehammer-kontrollutvalg', 'gausdal-kontrollutvalg', 'oyer-kontrollutvalg']
type Json = Record<string, any>

async function post (url: string, payload: Json, token = t.tokens.admin) {
  return t.app.inject({ method: 'POST', url, headers: t.auth(token), payload })
}
async function patch (url: string, payload: Json, token = t.tokens.admin) {
  return t.app.inject({ method: 'PATCH', url, headers: t.auth(token), payload })
}
async function createPlan (payload: Json, token = t.tokens.admin): Promise<Json> {
  const res = await post('/api/v1/kontroll/plans', payload, token)
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}
async function createProject (planId: number, payload: Json, token = t.tokens.admin): Promise<Json> {
  const res = await post(`/api/v1/kontroll/plans/${planId}/projects`, payload, token)
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}
const jointEierskapPlan = () => createPlan({ type: 'eierskapskontroll', electionYear: 2023, title: 'Plan for eierskapskontroll 2024–2027', bodies: KUS })
const oyerFrPlan = (electionYear = 2023) => createPlan({ type: 'forvaltningsrevisjon', electionYear, title: `Plan for forvaltningsrevisjon Øyer ${electionYear + 1}–${electionYear + 4}`, bodies: ['oyer-kontrollutvalg'] })
/**
 * Makes every insert into `rule` for a kontrollutvalg fail as a constraint does (SQLite: a trigger that
 * RAISEs; PostgreSQL: a trigger function raising check_violation); resolves to the undo.
 */
async function failRuleInserts (bodySlug: string): Promise<() => Promise<void>> {
  const when = `NEW.responsible_body_id = (SELECT id FROM body WHERE slug = '${bodySlug}')`
  if (t.dialect === 'sqlite') {
    await t.sql.run(`CREATE TRIGGER fail_rule BEFORE INSERT ON rule WHEN ${when} BEGIN SELECT RAISE(ABORT, 'boom'); END`)
    return async () => { await t.sql.run('DROP TRIGGER fail_rule') }
  }
  await t.sql.run(`CREATE FUNCTION fail_rule() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF ${when} THEN RAISE EXCEPTION 'boom' USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$`)
  await t.sql.run('CREATE TRIGGER fail_rule BEFORE INSERT ON rule FOR EACH ROW EXECUTE FUNCTION fail_rule()')
  return async () => {
    await t.sql.run('DROP TRIGGER fail_rule ON rule')
    await t.sql.run('DROP FUNCTION fail_rule()')
  }
}
async function coverageOf (municipality: string): Promise<Record<string, Json>> {
  const res = await t.app.inject(`/api/v1/kontroll/coverage?valgperiode=2023&municipality=${municipality}`)
  expect(res.statusCode, res.body).toBe(200)
  return Object.fromEntries(res.json().municipalities[0].collaborations.map((c: Json) => [c.slug, c]))
}
async function occurrences (q: string): Promise<Json[]> {
  const res = await t.app.inject(`/api/v1/occurrences?${q}`)
  expect(res.statusCode, res.body).toBe(200)
  return res.json().data
}

describe('plans and their adoption deadline', () => {
  it.each([[2023, '2024-12-31'], [2027, '2028-12-31']])('a plan for the period starting %i is due %s, on the package occurrence of its municipality', async (e, due) => {
    const plan = await oyerFrPlan(e)
    expect(plan).toMatchObject({ electionYear: e, valgperiode: `${e}–${e + 4}`, status: 'draft', adoptionDue: due })
    expect(plan.adoptionOccurrences).toEqual([{ municipality: 'oyer', occurrenceId: expect.stringMatching(new RegExp(`-${due.replace(/-/g, '')}$`)), date: due, status: 'planned' }])
    const occ = await occurrences(`municipality=oyer&eventType=plan_forvaltningsrevisjon&from=${due}&to=${due}`)
    expect(occ.map(o => o.id)).toEqual([plan.adoptionOccurrences[0].occurrenceId])
  })

  it('records adoption by the kontrollutvalg and the council on the package occurrence, and undoes it when cleared', async () => {
    const plan = await jointEierskapPlan()
    const url = `/api/v1/kontroll/plans/${plan.id}`
    const q = 'eventType=plan_eierskapskontroll&from=2024-12-31&to=2024-12-31'
    let res = await patch(url, { kuAdoptedOn: '2024-03-05', kuCaseRef: 'KU 7/24' })
    expect(res.json()).toMatchObject({ status: 'adopted_ku', adoptionOccurrences: [{ status: 'delivered' }, { status: 'delivered' }, { status: 'delivered' }] })
    res = await patch(url, { ksAdoptedOn: '2024-06-20', ksCaseRef: '24/1234' })
    expect(res.json().status).toBe('adopted_ks')
    for (const m of ['lillehammer', 'gausdal', 'oyer']) {
      expect(await occurrences(`municipality=${m}&${q}`)).toMatchObject([{ status: 'approved', approvedOn: '2024-06-20', deliveredOn: '2024-03-05', caseNumber: '24/1234', daysLate: 0 }])
    }
    // Øyer leaves the joint plan: its occurrence goes back to planned.
    res = await patch(url, { bodies: KUS.slice(0, 2) })
    expect(res.json().bodies.map((b: Json) => b.slug)).toEqual(KUS.slice(0, 2))
    expect(await occurrences(`municipality=oyer&${q}`)).toMatchObject([{ status: 'planned', caseNumber: null, approvedOn: null }])
    res = await patch(url, { kuAdoptedOn: null, ksAdoptedOn: null, kuCaseRef: null, ksCaseRef: null })
    expect(res.json().status).toBe('draft')
    expect(await occurrences(`municipality=gausdal&${q}`)).toMatchObject([{ status: 'planned', caseNumber: null }])
  })

  it('lists plans by period, municipality, body and type; one plan of each type per kontrollutvalg and period', async () => {
    const joint = await jointEierskapPlan()
    const fr = await oyerFrPlan()
    const ids = async (q: string) => (await t.app.inject(`/api/v1/kontroll/plans?${q}`)).json().data.map((p: Json) => p.id)
    expect(await ids('valgperiode=2023')).toEqual([joint.id, fr.id])
    expect(await ids('municipality=gausdal')).toEqual([joint.id])
    expect(await ids('body=oyer-kontrollutvalg&type=forvaltningsrevisjon')).toEqual([fr.id])
    expect(await ids('valgperiode=2027')).toEqual([])
    const before = await t.snapshot()
    const res = await post('/api/v1/kontroll/plans', { type: 'eierskapskontroll', electionYear: 2023, title: 'Dublett', bodies: ['oyer-kontrollutvalg'] })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('kontroll.plan_exists')
    expect(await t.snapshot()).toBe(before)
  })

  it('deletes a plan with its projects and their calendar entries', async () => {
    const plan = await oyerFrPlan(2027)
    await createProject(plan.id, { title: 'Barnevern', plannedYear: 2028, subjects: [{ municipality: 'oyer', serviceArea: 'Barnevern' }] })
    expect(await occurrences('body=oyer-kontrollutvalg&eventType=rapport_forvaltningsrevisjon&from=2028-01-01&to=2028-12-31')).toHaveLength(1)
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/kontroll/plans/${plan.id}`, headers: t.auth(t.tokens.admin) })).statusCode).toBe(204)
    expect(await occurrences('body=oyer-kontrollutvalg&eventType=rapport_forvaltningsrevisjon&from=2028-01-01&to=2028-12-31')).toHaveLength(0)
    expect((await t.app.inject(`/api/v1/kontroll/plans/${plan.id}`)).statusCode).toBe(404)
  })
})

describe('coverage review on the seeded region', () => {
  it('one joint eierskapskontroll of GLØR covers it for all three owners; IKOMM AS is flagged for each; a terminated § 27 is not', async () => {
    const plan = await jointEierskapPlan()
    await createProject(plan.id, { title: 'Eierskapskontroll GLØR IKS', plannedYear: 2025, subjects: [{ collaboration: 'felles-renovasjonsselskap-glor' }] })
    for (const m of ['lillehammer', 'gausdal', 'oyer']) {
      const rows = await coverageOf(m)
      expect(rows['felles-renovasjonsselskap-glor'], m).toMatchObject({ legalForm: 'iks', role: 'eier', eierskapskontroll: 'planned', forvaltningsrevisjon: 'none', flagged: false })
      expect(rows['ikomm-as'], m).toMatchObject({ legalForm: 'as', eierskapskontroll: 'none', forvaltningsrevisjon: 'none', flagged: true })
      expect(rows['innoff-innkjopssamarbeid-felles-anbud'], m).toMatchObject({ legalForm: 'paragraf_27', status: 'terminated', owned: true, flagged: false })
      expect(rows['felles-personvernombud'], m).toMatchObject({ legalForm: 'vertskommune_administrativ', flagged: false })
      expect(rows['regionrad'], m).toBeUndefined() // an agreement, not a company or formal collaboration
    }
    const all = (await t.app.inject('/api/v1/kontroll/coverage?valgperiode=2023')).json()
    expect(all.municipalities.map((m: Json) => m.municipality.slug)).toEqual(['gausdal', 'lillehammer', 'oyer'])
    for (const m of all.municipalities) {
      expect(m.flagged).toContain('ikomm-as')
      expect(m.flagged).not.toContain('felles-renovasjonsselskap-glor')
      expect(m.flagged).not.toContain('innoff-innkjopssamarbeid-felles-anbud')
    }
  })

  it('a control in Lillehammer’s own plan does not cover Gausdal; a delivered report is done and sets last controlled', async () => {
    const plan = await createPlan({ type: 'eierskapskontroll', electionYear: 2023, title: 'Lillehammer', bodies: ['lillehammer-kontrollutvalg'] })
    const project = await createProject(plan.id, { title: 'IKOMM', plannedYear: 2025, subjects: [{ collaboration: 'ikomm-as' }] })
    expect((await coverageOf('gausdal'))['ikomm-as']).toMatchObject({ eierskapskontroll: 'none', flagged: true })
    await patch(`/api/v1/kontroll/plans/${plan.id}/projects/${project.id}`, { reportDeliveredOn: '2025-11-03' })
    expect((await coverageOf('lillehammer'))['ikomm-as']).toMatchObject({ eierskapskontroll: 'done', flagged: false, lastControlled: { date: '2025-11-03', type: 'eierskapskontroll', projectId: project.id } })
  })

  it('carries risk and materiality, ranks projects by it, and lists service areas', async () => {
    for (const [collaboration, risk, materiality] of [['ikomm-as', 4, 3], ['felles-renovasjonsselskap-glor', 3, 5]] as const) {
      expect((await post('/api/v1/kontroll/assessments', { electionYear: 2023, collaboration, risk, materiality, justification: 'Overordnet analyse 2024', assessedOn: '2024-02-01' })).statusCode).toBe(201)
    }
    expect((await post('/api/v1/kontroll/assessments', { electionYear: 2023, municipality: 'oyer', serviceArea: 'Barnevern', risk: 5, materiality: 4 })).statusCode).toBe(201)
    const plan = await jointEierskapPlan()
    await createProject(plan.id, { title: 'IKOMM', plannedYear: 2026, subjects: [{ collaboration: 'ikomm-as' }] })
    await createProject(plan.id, { title: 'GLØR', plannedYear: 2025, subjects: [{ collaboration: 'felles-renovasjonsselskap-glor' }] })
    await createProject(plan.id, { title: 'Visit', plannedYear: 2024, subjects: [{ collaboration: 'visit-lillehammer-as' }] })
    const projects = (await t.app.inject(`/api/v1/kontroll/plans/${plan.id}/projects`)).json().data
    expect(projects.map((p: Json) => [p.title, p.score, p.rank])).toEqual([['GLØR', 15, 1], ['IKOMM', 12, 2], ['Visit', null, 3]])
    expect((await coverageOf('oyer'))['ikomm-as']).toMatchObject({ risk: 4, materiality: 3, score: 12 })
    const oyer = (await t.app.inject('/api/v1/kontroll/coverage?valgperiode=2023&municipality=oyer')).json().municipalities[0]
    expect(oyer.serviceAreas).toEqual([{ serviceArea: 'Barnevern', risk: 5, materiality: 4, score: 20, forvaltningsrevisjon: 'none', projects: [] }])
    const assessments = (await t.app.inject('/api/v1/kontroll/assessments?valgperiode=2023&municipality=gausdal')).json().data
    expect(assessments.map((a: Json) => [a.subject.slug, a.score])).toEqual([['felles-renovasjonsselskap-glor', 15], ['ikomm-as', 12]])
  })

  it('is also a semicolon-separated CSV with a BOM and a header, for Excel', async () => {
    const plan = await jointEierskapPlan()
    await createProject(plan.id, { title: 'Eierskapskontroll GLØR IKS; selskapets eierstyring', plannedYear: 2025, subjects: [{ collaboration: 'felles-renovasjonsselskap-glor' }] })
    const res = await t.app.inject('/api/v1/kontroll/coverage?valgperiode=2023&municipality=gausdal&format=csv')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toBe('attachment; filename="kontroll-dekning-2023-gausdal.csv"')
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    const lines = res.body.replace(/^\uFEFF/, '').split('\r\n')
    expect(lines[0]).toBe('Kommune;Selskap / samarbeid / tjenesteområde;Form;Rolle;Status;Eierskapskontroll;Forvaltningsrevisjon;Prosjekter i perioden;Risiko;Vesentlighet;Risiko x vesentlighet;Sist kontrollert;Flagget')
    expect(lines).toContain('Gausdal;IKOMM AS;AS;eier;aktiv;ingen;ingen;;;;;;JA')
    expect(lines).toContain('Gausdal;Felles renovasjonsselskap: GLØR;IKS;eier;aktiv;planlagt;ingen;"Eierskapskontroll GLØR IKS; selskapets eierstyring";;;;;')
    expect(lines).toContain('Gausdal;INNOFF Innkjøpssamarbeid, felles anbud;§ 27;deltaker;avsluttet;ingen;ingen;;;;;;')
    expect(lines.at(-1)).toBe('')
    expect(lines.slice(1, -1).every(l => l.startsWith('Gausdal;'))).toBe(true)
  })
})

describe('planning review', () => {
  it('flags a project whose planned year has passed without a report, and a treated project whose follow-up is past due', async () => {
    const plan = await oyerFrPlan()
    const late = await createProject(plan.id, { title: 'Byggesaksbehandling', plannedYear: 2025, plannedQuarter: 2, orderedOn: '2025-01-20', auditor: 'Innlandet Revisjon IKS', subjects: [{ municipality: 'oyer', serviceArea: 'Byggesak' }] })
    const treated = await createProject(plan.id, {
      title: 'Barnevern',
      plannedYear: 2024,
      reportDeliveredOn: '2024-10-01',
      kuTreatedOn: '2024-10-15',
      ksTreatedOn: '2024-11-21',
      followUpDue: '2025-11-30',
      caseRefs: { ks: '24/2211' },
      subjects: [{ municipality: 'oyer', serviceArea: 'Barnevern' }],
    })
    expect(treated.status).toBe('treated')
    const onTime = await createProject(plan.id, { title: 'Sykefravær', plannedYear: 2027, plannedQuarter: 2, kuPlannedOn: '2027-09-08', subjects: [{ municipality: 'oyer', serviceArea: 'Personal' }] })
    await createProject(plan.id, { title: 'Innkjøp', plannedYear: 2024, status: 'dropped', droppedReason: 'Erstattet av felles innkjøpsrevisjon', subjects: [{ municipality: 'oyer', serviceArea: 'Innkjøp' }] })

    const res = await t.app.inject(`/api/v1/kontroll/plans/${plan.id}/review?asOf=2026-11-22`)
    expect(res.statusCode, res.body).toBe(200)
    const review = res.json()
    expect(review.behindSchedule).toEqual([{ project: expect.objectContaining({ id: late.id, status: 'ordered' }), plannedBy: '2025-06-30', daysBehind: 510 }])
    expect(review.followUpsOverdue).toEqual([{ project: expect.objectContaining({ id: treated.id, status: 'treated' }), followUpDue: '2025-11-30', daysOverdue: 357 }])
    expect(review.byStatus).toMatchObject({ ordered: 1, treated: 1, planned: 1, dropped: 1 })
    expect(review.byYear.map((y: Json) => [y.year, y.projects.length])).toEqual([[2023, 0], [2024, 2], [2025, 1], [2026, 0], [2027, 1]])
    expect(review.deadlinesAhead.map((d: Json) => [d.date, d.kind, d.project?.id])).toEqual([['2027-06-30', 'report', onTime.id], ['2027-09-08', 'ku', onTime.id]])
    expect(review.deadlinesAhead[0].title).toBe('Revisjonsrapport: Sykefravær')
    expect(review.adoption).toMatchObject({ due: '2024-12-31', adopted: false, overdue: true })

    // asOf defaults to today (the clock: 2027-01-15); the follow-up once done clears the flag.
    await patch(`/api/v1/kontroll/plans/${plan.id}/projects/${treated.id}`, { followedUpOn: '2026-12-01' })
    const today = (await t.app.inject(`/api/v1/kontroll/plans/${plan.id}/review`)).json()
    expect(today.asOf).toBe('2027-01-15')
    expect(today.followUpsOverdue).toEqual([])
    expect(today.byStatus.followed_up).toBe(1)
  })
})

describe('project milestones in the calendars', () => {
  const q = (body: string) => `body=${body}&eventType=rapport_forvaltningsrevisjon,oppfolging_vedtak&from=2027-01-01&to=2028-12-31`

  it('show in /api/v1/occurrences and the body feeds with status and case reference, move with the project and go when it is deleted', async () => {
    const plan = await oyerFrPlan()
    const project = await createProject(plan.id, {
      title: 'Forvaltningsrevisjon sykefravær',
      plannedYear: 2027,
      plannedQuarter: 2,
      kuPlannedOn: '2027-09-08',
      ksPlannedOn: '2027-10-21',
      followUpDue: '2028-06-30',
      subjects: [{ municipality: 'oyer', serviceArea: 'Personal' }],
    })
    expect(project.milestones.map((m: Json) => [m.milestone, m.body, m.date, m.status])).toEqual([
      ['report', 'oyer-kontrollutvalg', '2027-06-30', 'planned'], ['ku', 'oyer-kontrollutvalg', '2027-09-08', 'planned'],
      ['ks', 'oyer-kontrollutvalg', '2027-10-21', 'planned'], ['follow_up', 'oyer-kontrollutvalg', '2028-06-30', 'planned'],
    ])
    let occ = await occurrences(q('oyer-kontrollutvalg'))
    expect(occ.map(o => [o.date, o.eventType, o.title, o.responsibleBody.slug, o.treatedBy?.slug, o.status])).toEqual([
      ['2027-06-30', 'rapport_forvaltningsrevisjon', 'Revisjonsrapport: Forvaltningsrevisjon sykefravær', 'oyer-kontrollutvalg', 'oyer-kontrollutvalg', 'planned'],
      ['2027-09-08', 'rapport_forvaltningsrevisjon', 'Kontrollutvalget behandler rapporten: Forvaltningsrevisjon sykefravær', 'oyer-kontrollutvalg', 'oyer-kontrollutvalg', 'planned'],
      ['2027-10-21', 'rapport_forvaltningsrevisjon', 'Kommunestyret behandler rapporten: Forvaltningsrevisjon sykefravær', 'oyer-kontrollutvalg', 'oyer-kommunestyre', 'planned'],
      ['2028-06-30', 'oppfolging_vedtak', 'Oppfølging av vedtak: Forvaltningsrevisjon sykefravær', 'oyer-kontrollutvalg', 'oyer-kommunestyre', 'planned'],
    ])
    expect(occ.every(o => o.subject.slug === 'oyer' && o.legalBasis.length > 0)).toBe(true)
    expect((await occurrences('body=oyer-kommunestyre&eventType=rapport_forvaltningsrevisjon&from=2027-10-21&to=2027-10-21')).map(o => o.title))
      .toEqual(['Kommunestyret behandler rapporten: Forvaltningsrevisjon sykefravær'])

    // The report comes early; the quarter moves; both are reflected, with the case reference.
    const url = `/api/v1/kontroll/plans/${plan.id}/projects/${project.id}`
    let res = await patch(url, { reportDeliveredOn: '2027-01-12', caseRefs: { report: '27/104' } })
    expect(res.json()).toMatchObject({ status: 'reported', milestones: [{ milestone: 'report', status: 'delivered', caseNumber: '27/104' }, {}, {}, {}] })
    res = await patch(url, { plannedQuarter: 1 })
    occ = await occurrences(q('oyer-kontrollutvalg'))
    expect(occ[0]).toMatchObject({ date: '2027-03-31', status: 'delivered', deliveredOn: '2027-01-12', caseNumber: '27/104', daysLate: 0 })

    const feed = await t.app.inject('/feeds/bodies/oyer-kontrollutvalg.ics')
    expect(feed.statusCode).toBe(200)
    const events = new ICAL.Component(ICAL.parse(feed.body)).getAllSubcomponents('vevent').map(v => new ICAL.Event(v))
    const mine = events.filter(e => e.summary.includes('Forvaltningsrevisjon sykefravær'))
    expect(mine.map(e => [e.startDate.toString(), e.summary])).toEqual([
      ['2027-03-31', expect.stringContaining('Revisjonsrapport: Forvaltningsrevisjon sykefravær')],
      ['2027-09-08', expect.stringContaining('Kontrollutvalget behandler rapporten')],
      ['2027-10-21', expect.stringContaining('Kommunestyret behandler rapporten')],
      ['2028-06-30', expect.stringContaining('Oppfølging av vedtak')],
    ])
    expect(feed.body).toContain('27/104')

    // Dropping cancels what is still to come; deleting removes it all.
    res = await patch(url, { status: 'dropped', droppedReason: 'Kommunen omorganiserer personalområdet' })
    expect(res.json().status).toBe('dropped')
    expect((await occurrences(q('oyer-kontrollutvalg'))).map(o => o.status)).toEqual(['delivered', 'cancelled', 'cancelled', 'cancelled'])
    expect((await t.app.inject({ method: 'DELETE', url, headers: t.auth(t.tokens.admin) })).statusCode).toBe(204)
    expect(await occurrences(q('oyer-kontrollutvalg'))).toEqual([])
  })

  it('a joint plan puts each milestone in every kontrollutvalg’s calendar, marked approved when treated', async () => {
    const plan = await createPlan({ type: 'eierskapskontroll', electionYear: 2023, title: 'Felles', bodies: KUS })
    const project = await createProject(plan.id, { title: 'GLØR IKS', plannedYear: 2026, plannedQuarter: 4, kuPlannedOn: '2027-01-12', subjects: [{ collaboration: 'felles-renovasjonsselskap-glor' }] })
    await patch(`/api/v1/kontroll/plans/${plan.id}/projects/${project.id}`, { kuTreatedOn: '2027-01-12', caseRefs: { ku: 'KU 3/27' } })
    for (const body of KUS) {
      const occ = await occurrences(`body=${body}&eventType=rapport_eierskapskontroll&from=2026-01-01&to=2027-12-31`)
      expect(occ.map(o => [o.date, o.status, o.caseNumber]), body).toEqual([['2026-12-31', 'planned', null], ['2027-01-12', 'approved', 'KU 3/27']])
    }
  })
})

describe('bad input is refused with a 400 naming the field, and nothing is stored', () => {
  it('for plans, assessments and projects', async () => {
    const plan = await jointEierskapPlan()
    const fr = await oyerFrPlan()
    const project = await createProject(fr.id, { title: 'Barnevern', plannedYear: 2025, subjects: [{ municipality: 'oyer', serviceArea: 'Barnevern' }] })
    const planBase = { type: 'forvaltningsrevisjon', electionYear: 2027, title: 'Plan', bodies: ['gausdal-kontrollutvalg'] }
    const projectBase = { title: 'Prosjekt', plannedYear: 2025, subjects: [{ collaboration: 'ikomm-as' }] }
    const cases: Array<[string, string, Json, string, string]> = [
      ['POST', '/api/v1/kontroll/plans', { ...planBase, bodies: ['oyer-formannskap'] }, 'kontroll.not_kontrollutvalg', 'body/bodies/0'],
      ['POST', '/api/v1/kontroll/plans', { ...planBase, bodies: ['gausdal-kontrollutvalg', 'felles-renovasjonsselskap-glor-styre'] }, 'kontroll.not_kontrollutvalg', 'body/bodies/1'],
      ['POST', '/api/v1/kontroll/plans', { ...planBase, bodies: ['nope-kontrollutvalg'] }, 'kontroll.unknown_body', 'body/bodies/0'],
      ['POST', '/api/v1/kontroll/plans', { ...planBase, bodies: ['gausdal-kontrollutvalg', 'gausdal-kontrollutvalg'] }, 'kontroll.duplicate_body', 'body/bodies/1'],
      ['POST', '/api/v1/kontroll/plans', { ...planBase, bodies: [] }, 'validation_failed', 'body/bodies'],
      ['POST', '/api/v1/kontroll/plans', { ...planBase, electionYear: 2025 }, 'kontroll.not_election_year', 'body/electionYear'],
      ['POST', '/api/v1/kontroll/plans', { ...planBase, type: 'selskapskontroll' }, 'validation_failed', 'body/type'],
      ['POST', '/api/v1/kontroll/plans', { ...planBase, kuAdoptedOn: '2027-02-30' }, 'validation_failed', 'body/kuAdoptedOn'],
      ['POST', '/api/v1/kontroll/plans', { ...planBase, kuAdoptedOn: '2027-03-01' }, 'kontroll.future_date', 'body/kuAdoptedOn'],
      ['POST', '/api/v1/kontroll/plans', { ...planBase, kuAdoptedOn: '2026-11-01', ksAdoptedOn: '2026-10-01' }, 'kontroll.adoption_order', 'body/ksAdoptedOn'],
      ['POST', '/api/v1/kontroll/plans', { ...planBase, owner: 'x' }, 'validation_failed', 'body/owner'],
      ['PATCH', `/api/v1/kontroll/plans/${plan.id}`, { bodies: ['gausdal-kommunestyre'] }, 'kontroll.not_kontrollutvalg', 'body/bodies/0'],
      ['PATCH', `/api/v1/kontroll/plans/${plan.id}`, { electionYear: 2027 }, 'validation_failed', 'body/electionYear'],
      ['POST', '/api/v1/kontroll/assessments', { electionYear: 2023, collaboration: 'ikomm-as', risk: 6, materiality: 3 }, 'validation_failed', 'body/risk'],
      ['POST', '/api/v1/kontroll/assessments', { electionYear: 2023, collaboration: 'ikomm-as', risk: 3, materiality: 0 }, 'validation_failed', 'body/materiality'],
      ['POST', '/api/v1/kontroll/assessments', { electionYear: 2023, collaboration: 'ikomm-as', risk: 2.5, materiality: 3 }, 'validation_failed', 'body/risk'],
      ['POST', '/api/v1/kontroll/assessments', { electionYear: 2023, collaboration: 'no-such-company', risk: 3, materiality: 3 }, 'kontroll.unknown_subject', 'body/collaboration'],
      ['POST', '/api/v1/kontroll/assessments', { electionYear: 2023, municipality: 'oyer', risk: 3, materiality: 3 }, 'kontroll.subject', 'body/serviceArea'],
      ['POST', '/api/v1/kontroll/assessments', { electionYear: 2024, collaboration: 'ikomm-as', risk: 3, materiality: 3 }, 'kontroll.not_election_year', 'body/electionYear'],
      ['POST', `/api/v1/kontroll/plans/${plan.id}/projects`, { ...projectBase, plannedYear: 2022 }, 'kontroll.year_outside_period', 'body/plannedYear'],
      ['POST', `/api/v1/kontroll/plans/${plan.id}/projects`, { ...projectBase, plannedYear: 2028 }, 'kontroll.year_outside_period', 'body/plannedYear'],
      ['POST', `/api/v1/kontroll/plans/${plan.id}/projects`, { ...projectBase, plannedQuarter: 5 }, 'validation_failed', 'body/plannedQuarter'],
      ['POST', `/api/v1/kontroll/plans/${plan.id}/projects`, { ...projectBase, subjects: [{ collaboration: 'no-such-company' }] }, 'kontroll.unknown_subject', 'body/subjects/0/collaboration'],
      ['POST', `/api/v1/kontroll/plans/${plan.id}/projects`, { ...projectBase, subjects: [{ collaboration: 'ikomm-as' }, { collaboration: 'ikomm-as' }] }, 'kontroll.duplicate_subject', 'body/subjects/1'],
      ['POST', `/api/v1/kontroll/plans/${plan.id}/projects`, { ...projectBase, subjects: [{ municipality: 'oyer', serviceArea: 'Barnevern' }] }, 'kontroll.subject', 'body/subjects/0/serviceArea'],
      ['POST', `/api/v1/kontroll/plans/${plan.id}/projects`, { ...projectBase, subjects: [] }, 'validation_failed', 'body/subjects'],
      ['POST', `/api/v1/kontroll/plans/${plan.id}/projects`, { ...projectBase, status: 'dropped' }, 'kontroll.dropped_reason', 'body/droppedReason'],
      ['POST', `/api/v1/kontroll/plans/${plan.id}/projects`, { ...projectBase, reportDeliveredOn: '2027-06-01' }, 'kontroll.future_date', 'body/reportDeliveredOn'],
      ['POST', `/api/v1/kontroll/plans/${fr.id}/projects`, { ...projectBase, subjects: [{ collaboration: 'skappa-kunnskapspark' }] }, 'kontroll.subject_not_involved', 'body/subjects/0/collaboration'],
      ['POST', `/api/v1/kontroll/plans/${fr.id}/projects`, { ...projectBase, subjects: [{ municipality: 'gausdal', serviceArea: 'Skole' }] }, 'kontroll.subject_outside_plan', 'body/subjects/0/municipality'],
      ['POST', `/api/v1/kontroll/plans/${fr.id}/projects`, { ...projectBase, subjects: [{ municipality: 'nowhere', serviceArea: 'Skole' }] }, 'kontroll.unknown_subject', 'body/subjects/0/municipality'],
      ['PATCH', `/api/v1/kontroll/plans/${fr.id}/projects/${project.id}`, { plannedYear: 2031 }, 'kontroll.year_outside_period', 'body/plannedYear'],
      ['PATCH', `/api/v1/kontroll/plans/${fr.id}/projects/${project.id}`, { followUpDue: '2026-13-01' }, 'validation_failed', 'body/followUpDue'],
      ['PATCH', `/api/v1/kontroll/plans/${fr.id}/projects/${project.id}`, { caseRefs: { council: '1' } }, 'validation_failed', 'body/caseRefs/council'],
    ]
    for (const [method, url, payload, code, path] of cases) {
      const before = await t.snapshot()
      const res = await t.app.inject({ method: method as 'POST', url, headers: t.auth(t.tokens.admin), payload })
      const label = `${method} ${url} ${JSON.stringify(payload)}`
      expect(res.statusCode, label).toBe(400)
      expect(res.json().code, label).toBe(code)
      expect(res.json().details.map((d: Json) => d.path), label).toContain(path)
      expect(await t.snapshot(), label).toBe(before)
    }
  }, 180_000)

  it('for the reviews’ parameters', async () => {
    const plan = await oyerFrPlan()
    for (const [url, path] of [
      ['/api/v1/kontroll/coverage?valgperiode=2024&municipality=oyer', 'querystring/valgperiode'],
      ['/api/v1/kontroll/coverage?municipality=oyer', 'querystring/valgperiode'],
      ['/api/v1/kontroll/coverage?valgperiode=2023&format=xlsx', 'querystring/format'],
      [`/api/v1/kontroll/plans/${plan.id}/review?asOf=2026-02-30`, 'querystring/asOf'],
      [`/api/v1/kontroll/plans/${plan.id}/review?asOf=tomorrow`, 'querystring/asOf'],
    ]) {
      const res = await t.app.inject(url!)
      expect(res.statusCode, url).toBe(400)
      expect(res.json().details.map((d: Json) => d.path), url).toContain(path)
    }
  })

  it('404 for what does not exist', async () => {
    const a = await oyerFrPlan()
    const b = await jointEierskapPlan()
    const p = await createProject(b.id, { title: 'GLØR', plannedYear: 2025, subjects: [{ collaboration: 'felles-renovasjonsselskap-glor' }] })
    for (const [method, url] of [
      ['GET', '/api/v1/kontroll/plans/9999'], ['PATCH', '/api/v1/kontroll/plans/9999'], ['DELETE', '/api/v1/kontroll/plans/9999'],
      ['GET', '/api/v1/kontroll/plans/9999/review'], ['GET', '/api/v1/kontroll/plans/9999/projects'],
      ['GET', `/api/v1/kontroll/plans/${a.id}/projects/${p.id}`], ['PATCH', `/api/v1/kontroll/plans/${a.id}/projects/${p.id}`],
      ['GET', '/api/v1/kontroll/assessments/9999'], ['DELETE', '/api/v1/kontroll/assessments/9999'],
      ['GET', '/api/v1/kontroll/coverage?valgperiode=2023&municipality=atlantis'],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: t.auth(t.tokens.admin), ...(method === 'PATCH' ? { payload: { title: 'x' } } : {}) })
      expect(res.statusCode, `${method} ${url}`).toBe(404)
    }
  })
})

describe('writes need the kontrollutvalg’s sekretariat or an admin, and are audited', () => {
  it('editors read the plans but change none (issue 14); the sekretariat changes the plans of every kontrollutvalg it serves, signed in', async () => {
    const oyerPlan = { type: 'forvaltningsrevisjon', electionYear: 2023, title: 'Øyer', bodies: ['oyer-kontrollutvalg'] }
    const jointPlan = { type: 'eierskapskontroll', electionYear: 2023, title: 'Felles', bodies: KUS }
    // People signed in as sekretariat: Øyer's, and Gausdal's.
    const siri = await signIn(t, 'siri@kusek.no', [{ role: 'sekretariat', kontrollutvalg: 'oyer-kontrollutvalg' }], 'Siri Sekretær')
    const gunn = await signIn(t, 'gunn@kusek.no', [{ role: 'sekretariat', kontrollutvalg: 'gausdal-kontrollutvalg' }], 'Gunn Sekretær')
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/kontroll/plans', payload: oyerPlan })).statusCode).toBe(401)
    // An editor token no longer changes kontroll plans, not even its own municipality's (a change of issue 14).
    let before = await t.snapshot()
    const refused = await post('/api/v1/kontroll/plans', oyerPlan, t.tokens.editorOyer)
    expect(refused.statusCode).toBe(403)
    expect(refused.json()).toMatchObject({ code: 'auth.forbidden', message: 'Bare sekretariatet for kontrollutvalget og administratorer kan endre kontrollplaner' })
    expect((await post('/api/v1/kontroll/plans', oyerPlan, editorGausdal)).statusCode).toBe(403)
    expect((await post('/api/v1/kontroll/plans', jointPlan, editorGausdal)).statusCode).toBe(403)
    expect(await t.snapshot()).toBe(before)
    const plan = await createPlan(oyerPlan)
    const joint = await createPlan(jointPlan)
    before = await t.snapshot()
    expect((await patch(`/api/v1/kontroll/plans/${plan.id}`, { title: 'Gausdal tar over' }, editorGausdal)).statusCode).toBe(403)
    expect((await patch(`/api/v1/kontroll/plans/${plan.id}`, { title: 'Øyers egen' }, t.tokens.editorOyer)).statusCode).toBe(403)
    expect((await post(`/api/v1/kontroll/plans/${plan.id}/projects`, { title: 'X', plannedYear: 2025, subjects: [{ municipality: 'oyer', serviceArea: 'Skole' }] }, t.tokens.editorOyer)).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/kontroll/plans/${plan.id}`, headers: t.auth(t.tokens.editorOyer) })).statusCode).toBe(403)
    expect((await patch(`/api/v1/kontroll/plans/${joint.id}`, { bodies: KUS.slice(0, 2) }, t.tokens.editorOyer)).statusCode).toBe(403)
    expect((await post('/api/v1/kontroll/assessments', { electionYear: 2023, municipality: 'oyer', serviceArea: 'Skole', risk: 3, materiality: 3 }, t.tokens.editorOyer)).statusCode).toBe(403)
    expect((await post('/api/v1/kontroll/assessments', { electionYear: 2023, collaboration: 'felles-renovasjonsselskap-glor', risk: 3, materiality: 3 }, editorGausdal)).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/kontroll/plans', headers: { authorization: 'Bearer arshjul_wrong' }, payload: oyerPlan })).statusCode).toBe(401)
    // Editors still read them.
    expect((await t.app.inject({ url: `/api/v1/kontroll/plans/${plan.id}`, headers: t.auth(t.tokens.editorOyer) })).statusCode).toBe(200)

    // The people signed in as sekretariat (above) change neither another's plan nor the municipality's items.
    const as = (who: SignedIn, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Json) =>
      t.app.inject({ method, url, headers: { ...who.headers, 'x-csrf-token': who.csrf }, ...(payload ? { payload } : {}) })
    expect((await as(siri, 'PATCH', `/api/v1/kontroll/plans/${joint.id}`, { title: 'Felles plan' })).statusCode).toBe(403)
    expect((await as(siri, 'PATCH', `/api/v1/kontroll/plans/${plan.id}`, { bodies: ['oyer-kontrollutvalg', 'gausdal-kontrollutvalg'] })).statusCode).toBe(403)
    expect((await as(gunn, 'PATCH', `/api/v1/kontroll/plans/${plan.id}`, { title: 'Gausdal tar over' })).statusCode).toBe(403)
    expect((await as(gunn, 'POST', '/api/v1/kontroll/assessments', { electionYear: 2023, municipality: 'oyer', serviceArea: 'Skole', risk: 3, materiality: 3 })).statusCode).toBe(403)
    // Nor the municipality's own items: Øyer kontrollutvalg's meeting occurrences are the municipality's.
    const kuOccurrence = (await occurrences('body=oyer-kontrollutvalg&from=2027-01-01&to=2027-12-31'))[0]!
    expect((await as(siri, 'PATCH', `/api/v1/occurrences/${kuOccurrence.id}`, { note: 'fra sekretariatet' })).statusCode).toBe(403)
    // A session write without the CSRF token is refused before anything else.
    const noCsrf = await t.app.inject({ method: 'PATCH', url: `/api/v1/kontroll/plans/${plan.id}`, headers: siri.headers, payload: { title: 'Uten token' } })
    expect([noCsrf.statusCode, noCsrf.json().code]).toEqual([403, 'auth.csrf'])
    expect(await t.snapshot()).toBe(before)

    expect((await as(siri, 'PATCH', `/api/v1/kontroll/plans/${plan.id}`, { title: 'Plan for forvaltningsrevisjon, Øyer' })).statusCode).toBe(200)
    // The subject is what is controlled, not what is changed: Øyer's plan may control a company Øyer co-owns.
    const created = await as(siri, 'POST', `/api/v1/kontroll/plans/${plan.id}/projects`, { title: 'GLØR', plannedYear: 2025, subjects: [{ collaboration: 'felles-renovasjonsselskap-glor' }] })
    expect(created.statusCode, created.body).toBe(201)
    const assessment = await as(gunn, 'POST', '/api/v1/kontroll/assessments', { electionYear: 2023, collaboration: 'felles-renovasjonsselskap-glor', risk: 3, materiality: 5 })
    expect(assessment.statusCode, assessment.body).toBe(201)
    expect((await as(siri, 'PATCH', `/api/v1/kontroll/assessments/${assessment.json().id}`, { risk: 4 })).json()).toMatchObject({ risk: 4, score: 20 })
    expect((await post('/api/v1/kontroll/assessments', { electionYear: 2023, collaboration: 'felles-renovasjonsselskap-glor', risk: 1, materiality: 1 })).statusCode).toBe(409)

    const audit = (await t.app.inject({ url: '/api/v1/audit?limit=100', headers: t.auth(t.tokens.admin) })).json().data as Json[]
    const kinds = audit.map(a => `${a.entityType}:${a.action}:${a.actor}`)
    expect(kinds).toContain('kontroll_plan:update:Siri Sekretær <siri@kusek.no>')
    expect(kinds).toContain('kontroll_project:create:Siri Sekretær <siri@kusek.no>')
    expect(kinds).toContain('risk_assessment:create:Gunn Sekretær <gunn@kusek.no>')
    expect(kinds).toContain('risk_assessment:update:Siri Sekretær <siri@kusek.no>')
    // The milestone rule is written in the same transaction, by the same person.
    expect(audit.filter(a => a.entityType === 'rule' && a.action === 'create' && a.actor === 'Siri Sekretær <siri@kusek.no>')).toHaveLength(1)
    expect(created.json().milestones).toHaveLength(1)
  }, 60_000)

  it('a failure half-way through a write leaves nothing behind', async () => {
    const plan = await jointEierskapPlan()
    const before = await t.snapshot()
    // Make the third kontrollutvalg's rule insert fail after the project row and two rules are written.
    const undo = await failRuleInserts('oyer-kontrollutvalg')
    const res = await post(`/api/v1/kontroll/plans/${plan.id}/projects`, { title: 'GLØR', plannedYear: 2025, subjects: [{ collaboration: 'felles-renovasjonsselskap-glor' }] })
    expect(res.statusCode).toBe(409) // a constraint-type failure; no stack trace or SQL reaches the client
    expect(res.body).not.toMatch(/boom|INSERT|rule/)
    await undo()
    expect(await t.snapshot()).toBe(before)
  })
})

describe('lists follow the OParl list convention', () => {
  it('page with limit and offset, and show deleted plans, projects and assessments as tombstones only under modified_since', async () => {
    const joint = await jointEierskapPlan()
    const fr = await oyerFrPlan()
    const res = await t.app.inject('/api/v1/kontroll/plans?valgperiode=2023&limit=1')
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ data: [{ id: joint.id }], pagination: { totalElements: 2, elementsPerPage: 1, currentPage: 1, totalPages: 2 } })
    expect(res.json().links.next).toBe('https://arshjul.test/api/v1/kontroll/plans?valgperiode=2023&limit=1&offset=1')
    expect((await t.app.inject('/api/v1/kontroll/plans?limit=1&offset=1')).json().data.map((p: Json) => p.id)).toEqual([fr.id])

    const barnevern = await createProject(fr.id, { title: 'Barnevern', plannedYear: 2025, subjects: [{ municipality: 'oyer', serviceArea: 'Barnevern' }] })
    const skole = await createProject(fr.id, { title: 'Skole', plannedYear: 2026, subjects: [{ municipality: 'oyer', serviceArea: 'Skole' }] })
    const assessment = (await post('/api/v1/kontroll/assessments', { electionYear: 2023, collaboration: 'ikomm-as', risk: 2, materiality: 2 })).json()
    expect((await t.app.inject(`/api/v1/kontroll/plans/${fr.id}/projects?limit=1&offset=1`)).json()).toMatchObject({ data: [{ id: skole.id, rank: 2 }], pagination: { totalElements: 2 } })

    const since = new Date(t.clock.now().getTime() + 60_000).toISOString()
    t.clock.advance(120_000)
    const del = (url: string) => t.app.inject({ method: 'DELETE', url, headers: t.auth(t.tokens.admin) })
    expect((await del(`/api/v1/kontroll/plans/${joint.id}`)).statusCode).toBe(204)
    expect((await del(`/api/v1/kontroll/plans/${fr.id}/projects/${barnevern.id}`)).statusCode).toBe(204)
    expect((await del(`/api/v1/kontroll/assessments/${assessment.id}`)).statusCode).toBe(204)

    // Without modified_since: live items only.
    expect((await t.app.inject('/api/v1/kontroll/plans')).json().data.map((p: Json) => p.id)).toEqual([fr.id])
    expect((await t.app.inject(`/api/v1/kontroll/plans/${fr.id}/projects`)).json().data.map((p: Json) => p.id)).toEqual([skole.id])
    expect((await t.app.inject('/api/v1/kontroll/assessments')).json().data).toEqual([])
    // With it: what changed since, deleted items as tombstones (the plan, the project and the assessment deleted above).
    const q = `modified_since=${encodeURIComponent(since)}`
    const tomb = (id: number) => ({ id, deleted: true, created: expect.any(String), modified: '2027-01-15T09:02:00.000Z' })
    expect((await t.app.inject(`/api/v1/kontroll/plans?${q}`)).json().data).toEqual([tomb(joint.id)])
    expect((await t.app.inject(`/api/v1/kontroll/plans/${fr.id}/projects?${q}`)).json().data).toEqual([tomb(barnevern.id)])
    expect((await t.app.inject(`/api/v1/kontroll/assessments?${q}`)).json().data).toEqual([tomb(assessment.id)])
    // A deleted assessment does not block assessing the subject again.
    expect((await post('/api/v1/kontroll/assessments', { electionYear: 2023, collaboration: 'ikomm-as', risk: 4, materiality: 4 })).statusCode).toBe(201)
    expect((await t.app.inject(`/api/v1/kontroll/assessments/${assessment.id}`)).statusCode).toBe(404)
  })

  it('the OpenAPI document declares each list, every 2xx reply, and the coverage CSV as text/csv', async () => {
    const spec = (await t.app.inject('/docs/json')).json()
    const paths = Object.entries(spec.paths as Record<string, Record<string, Json>>).filter(([path]) => path.startsWith('/api/v1/kontroll'))
    expect(paths.length).toBeGreaterThan(5)
    for (const [path, ops] of paths) {
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses).some(code => /^2\d\d$/.test(code)), `${method} ${path}`).toBe(true)
      }
    }
    for (const path of ['/api/v1/kontroll/plans', '/api/v1/kontroll/plans/{id}/projects', '/api/v1/kontroll/assessments']) {
      const names = (spec.paths[path].get.parameters as Json[]).map(p => p.name)
      expect(names, path).toEqual(expect.arrayContaining(['limit', 'offset', 'modified_since']))
      expect(Object.keys(spec.paths[path].get.responses['200'].content['application/json'].schema.properties), path).toEqual(['data', 'pagination', 'links'])
    }
    expect(Object.keys(spec.paths['/api/v1/kontroll/coverage'].get.responses['200'].content)).toEqual(['application/json', 'text/csv'])
  })
})

describe('a private kontrollutvalg’s plans', () => {
  it('are seen only by those who may see the body: not anonymously, nor by another municipality’s editor', async () => {
    const plan = await oyerFrPlan()
    const project = await createProject(plan.id, { title: 'Skole', plannedYear: 2025, subjects: [{ municipality: 'oyer', serviceArea: 'Skole' }] })
    expect((await t.app.inject({ method: 'PATCH', url: '/api/v1/bodies/oyer-kontrollutvalg', headers: t.auth(t.tokens.admin), payload: { feedVisibility: 'private' } })).statusCode).toBe(200)
    const urls = [`/api/v1/kontroll/plans/${plan.id}`, `/api/v1/kontroll/plans/${plan.id}/review`, `/api/v1/kontroll/plans/${plan.id}/projects`, `/api/v1/kontroll/plans/${plan.id}/projects/${project.id}`]
    // The sekretariat of the kontrollutvalg sees them without any editor role (issue 14); another's does not.
    const oyerKu = (await signIn(t, 'ku-oyer@kusek.no', [{ role: 'sekretariat', kontrollutvalg: 'oyer-kontrollutvalg' }])).headers
    const gausdalKu = (await signIn(t, 'ku-gausdal@kusek.no', [{ role: 'sekretariat', kontrollutvalg: 'gausdal-kontrollutvalg' }])).headers
    for (const [who, headers, visible] of [
      ['anonymous', {}, false], ['Gausdal', t.auth(editorGausdal), false], ['Øyer', t.auth(t.tokens.editorOyer), true], ['admin', t.auth(t.tokens.admin), true],
      ['Øyer sekretariat', oyerKu, true], ['Gausdal sekretariat', gausdalKu, false],
    ] as const) {
      const list = (await t.app.inject({ url: '/api/v1/kontroll/plans', headers })).json().data.map((p: Json) => p.id)
      expect(list, who).toEqual(visible ? [plan.id] : [])
      for (const url of urls) expect((await t.app.inject({ url, headers })).statusCode, `${who} ${url}`).toBe(visible ? 200 : 404)
      const coverage = (await t.app.inject({ url: '/api/v1/kontroll/coverage?valgperiode=2023&municipality=oyer', headers })).json().municipalities[0]
      expect(coverage.serviceAreas.flatMap((a: Json) => a.projects.map((p: Json) => p.title)), who).toEqual(visible ? ['Skole'] : [])
    }
  }, 60_000)
})
