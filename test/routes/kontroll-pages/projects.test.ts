import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../helpers/app.js'
import { signIn, type SignedIn } from '../../helpers/people.js'
import { DEMO_ACTOR, loadDemoKontroll, readDemoKontroll } from '../../../src/kontroll/demo.js'
import { systemViewer } from '../../../src/services/access.js'
import type { ProjectView } from '../../../src/services/kontroll/shared.js'

// A plan's projects and milestones as pages (issue 15, item 4), over inject: each action by a sekretariat, the
// calendar occurrences following, the audit naming the person, and 401/403/400 changing nothing. The browser
// test drives the same pages in Chromium.
let t: TestApp
let sek: SignedIn
let planId: number
let late: ProjectView
const NOW = '2026-12-01T10:00:00Z'
const ALL_THREE = ['lillehammer-kontrollutvalg', 'gausdal-kontrollutvalg', 'oyer-kontrollutvalg'].map(kontrollutvalg => ({ role: 'sekretariat' as const, kontrollutvalg }))

const post = (who: SignedIn | null, path: string, form: Record<string, string>, csrf = true) => t.app.inject({
  method: 'POST',
  url: path,
  headers: { ...(who?.headers ?? {}), 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams({ ...(csrf && who ? { _csrf: who.csrf } : {}), ...form }).toString(),
})
const projectOf = async (id: number, plan = planId) => t.services.kontroll.projects.get(systemViewer, plan, id)
const pageOf = (id: number, plan = planId) => `/kontroll/plan/${plan}/prosjekt/${id}`
const occurrencesOf = async (p: ProjectView, milestone: string) =>
  Promise.all(p.milestones.filter(m => m.milestone === milestone).map(m => t.services.occurrences.get(m.occurrenceId, systemViewer)))
const auditOf = (id: number) => t.sql.all<{ actor: string; action: string; before: string | null; after: string }>("select actor, action, before, after from audit_log where entity_type = 'kontroll_project' and entity_id = ? order by id", String(id))
const planIdOf = async (type: 'eierskapskontroll' | 'forvaltningsrevisjon', title: string) =>
  ((await t.services.kontroll.plans.list(systemViewer, { electionYear: 2023, type })).items as Array<{ id: number; title: string }>).find(p => p.title.startsWith(title))!.id

// Building the app and loading the demo: tens of seconds on PostgreSQL on a loaded machine.
beforeEach(async () => {
  t = await buildTestApp({ now: NOW })
  await loadDemoKontroll(t.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
  planId = await planIdOf('eierskapskontroll', 'Felles plan')
  const projects = (await t.services.kontroll.projects.list(systemViewer, planId)).items as ProjectView[]
  late = projects.find(p => p.title === 'Eierskapskontroll Innlandet Revisjon IKS')!
  sek = await signIn(t, 'sek@example.no', ALL_THREE, 'Siri Sekretær')
  // The clock's day differs from the seeded template's: let the occurrence index finish its rebuild first,
  // so that a snapshot compares only what a request changed.
  await t.services.occurrenceIndex.settled()
}, 120_000)
afterEach(async () => { await t.close() })

describe('the project page', () => {
  it('shows the project, its milestones in order with dates, status, saksnummer and calendar links, late ones in words', async () => {
    const anon = await t.app.inject(pageOf(late.id))
    expect(anon.statusCode).toBe(200)
    const html = anon.body
    expect(html).toContain('<h1 id="prosjekt-tittel">Eierskapskontroll Innlandet Revisjon IKS</h1>')
    expect(html).toContain('Er eierstyringen av revisjonsselskapet i samsvar')
    expect(html).toContain('<dt>Kontrollerer</dt><dd>Innlandet Revisjon (IKS)</dd>')
    expect(html).toContain('<dt>Planlagt</dt><dd>1. kvartal 2026</dd>')
    expect(html).toContain('<dt>Skal foreligge</dt><dd>31. mars 2026</dd>')
    expect(html).toContain('<dt>Status</dt><dd>Under arbeid</dd>')
    expect(html).toContain('Innleid revisor')
    // The steps in order.
    const order = ['Bestilling', 'Revisjonsrapport', 'Behandling i kontrollutvalget', 'Behandling i kommunestyret', 'Oppfølging']
      .map(label => html.indexOf(`<th scope="row">${label}</th>`))
    expect(order.every(i => i > 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    // Late: the report (due 31 March 2026) and the kontrollutvalg's treatment (10 February 2026), in words and shape.
    expect(html).toContain('2 steg er forsinket: revisjonsrapport, behandling i kontrollutvalget.')
    expect(html).toMatch(/<tr id="steg-rapport" class="milestone is-late">[\s\S]*?#ikon-overdue[\s\S]*?Forsinket: 245 dager over planlagt dato/)
    expect(html).toMatch(/<tr id="steg-bestilling" class="milestone">[\s\S]*?10\. november 2025[\s\S]*?Bestilt/)
    // Each kontrollutvalg's occurrence of the report, linked.
    for (const m of late.milestones.filter(x => x.milestone === 'report')) expect(html).toContain(`href="/hendelse/${m.occurrenceId}"`)
    expect(late.milestones.filter(x => x.milestone === 'report')).toHaveLength(3)
    // No forms for the anonymous reader; a sign-in link.
    expect(html).not.toContain('<form class="form')
    expect(html).toContain(`/logg-inn?tilbake=${encodeURIComponent(pageOf(late.id))}`)

    const own = await t.app.inject({ url: pageOf(late.id), headers: sek.headers })
    for (const step of ['bestilling', 'rapport', 'kontrollutvalg', 'kommunestyre', 'oppfolging']) expect(own.body).toContain(`action="${pageOf(late.id)}/steg/${step}"`)
    expect(own.body).toContain(`action="${pageOf(late.id)}/endre"`)
    expect(own.body).toContain(`action="${pageOf(late.id)}/avlys"`)
    expect(own.body).toContain('>Avlys prosjektet</button>')
    expect(own.headers['cache-control']).toBe('private, no-store')

    // An editor of Øyer reads it, without forms.
    const editor = await signIn(t, 'kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Kari Nordmann')
    const read = await t.app.inject({ url: pageOf(late.id), headers: editor.headers })
    expect(read.statusCode).toBe(200)
    expect(read.body).not.toContain('<form class="form')
    expect(read.body).toContain('Du kan se prosjektet, men ikke endre det')
  })

  it('answers 404 for a project of another plan or none', async () => {
    expect((await t.app.inject(pageOf(late.id, planId + 1))).statusCode).toBe(404)
    expect((await t.app.inject(pageOf(99999))).statusCode).toBe(404)
    expect((await t.app.inject(`/kontroll/plan/${planId}/prosjekt/abc`)).statusCode).toBe(400)
  })
})

describe('recording a milestone', () => {
  it('the report delivered with saksnummer: the project, its occurrences (delivered) and the audit log by name', async () => {
    const res = await post(sek, `${pageOf(late.id)}/steg/rapport`, { utfort: '2026-11-20', saksnummer: 'KU-sak 26/40' })
    expect(res.statusCode, res.body).toBe(303)
    expect(res.headers.location).toBe(pageOf(late.id))
    const after = await projectOf(late.id)
    expect(after.reportDeliveredOn).toBe('2026-11-20')
    expect(after.caseRefs.report).toBe('KU-sak 26/40')
    expect(after.status).toBe('reported')
    const occ = await occurrencesOf(after, 'report')
    expect(occ).toHaveLength(3)
    for (const o of occ) expect([o.status, o.deliveredOn, o.caseNumber]).toEqual(['delivered', '2026-11-20', 'KU-sak 26/40'])
    const audit = (await auditOf(late.id)).at(-1)!
    expect(audit.action).toBe('update')
    expect(audit.actor).toContain('Siri Sekretær')
    expect(JSON.parse(audit.after).reportDeliveredOn).toBe('2026-11-20')
    // The page says so, the report step is no longer late, and the flash message confirms.
    const page = await t.app.inject({ url: pageOf(late.id), headers: { cookie: `${sek.cookie}; ${String(res.headers['set-cookie']).split(';')[0]}` } })
    expect(page.body).toContain('Revisjonsrapport er lagret.')
    expect(page.body).toMatch(/<tr id="steg-rapport" class="milestone">[\s\S]*?20\. november 2026[\s\S]*?Levert[\s\S]*?KU-sak 26\/40/)
    expect(page.body).toContain('Ett steg er forsinket: behandling i kontrollutvalget.')
  })

  it('the kontrollutvalg’s treatment: planned and done dates with saksnummer make its occurrences approved; the API agrees', async () => {
    const res = await post(sek, `${pageOf(late.id)}/steg/kontrollutvalg`, { planlagt: '2026-11-24', utfort: '2026-11-24', saksnummer: 'KU-sak 26/41' })
    expect(res.statusCode, res.body).toBe(303)
    const api = await t.app.inject({ url: `/api/v1/kontroll/plans/${planId}/projects/${late.id}` })
    expect(api.json()).toMatchObject({ kuPlannedOn: '2026-11-24', kuTreatedOn: '2026-11-24', caseRefs: { ku: 'KU-sak 26/41' } })
    const occ = await occurrencesOf(await projectOf(late.id), 'ku')
    expect(occ.map(o => [o.date, o.status, o.approvedOn, o.caseNumber])).toEqual(Array(3).fill(['2026-11-24', 'approved', '2026-11-24', 'KU-sak 26/41']))
  })

  it('saves nothing when nothing changed, and clears a saksnummer given as empty', async () => {
    const same = await post(sek, `${pageOf(late.id)}/steg/bestilling`, { utfort: '2025-11-10', saksnummer: '' })
    expect(same.statusCode).toBe(303)
    expect(await auditOf(late.id)).toHaveLength(1)
    expect((await post(sek, `${pageOf(late.id)}/steg/bestilling`, { utfort: '2025-11-10', saksnummer: 'KU-sak 25/50' })).statusCode).toBe(303)
    expect((await projectOf(late.id)).caseRefs).toEqual({ order: 'KU-sak 25/50' })
    expect((await post(sek, `${pageOf(late.id)}/steg/bestilling`, { utfort: '2025-11-10', saksnummer: '' })).statusCode).toBe(303)
    expect((await projectOf(late.id)).caseRefs).toEqual({})
  })

  it.each([
    ['a done date in the future (the service refuses it)', 'rapport', { utfort: '2026-12-02', saksnummer: 'KU-sak 26/40' }, 'rapport-utfort', 'Revisjonsrapport: dato levert: Datoen kan ikke være fram i tid'],
    ['a date that is not one', 'kontrollutvalg', { planlagt: '2026-02-30', utfort: '', saksnummer: '' }, 'kontrollutvalg-planlagt', 'Behandling i kontrollutvalget: planlagt dato: Skriv datoen som ÅÅÅÅ-MM-DD'],
    ['a saksnummer over 50 characters', 'kommunestyre', { planlagt: '', utfort: '', saksnummer: 'x'.repeat(51) }, 'kommunestyre-saksnummer', 'Behandling i kommunestyret: saksnummer: Saksnummeret kan ha høyst 50 tegn.'],
  ])('refuses %s with a 400 page naming the field, the values kept and nothing changed', async (_what, step, form, field, message) => {
    const before = await t.snapshot()
    const res = await post(sek, `${pageOf(late.id)}/steg/${step}`, form)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.body).toContain(`<a href="#felt-${field}">${message}`)
    expect(res.body).toMatch(new RegExp(`id="felt-${field}"[^>]*aria-invalid="true"`))
    for (const v of Object.values(form).filter(Boolean)) expect(res.body).toContain(`value="${v}"`)
    expect(await t.snapshot()).toBe(before)
  })

  it('answers 404 for an unknown step', async () => {
    expect((await post(sek, `${pageOf(late.id)}/steg/ukjent`, { utfort: '' })).statusCode).toBe(404)
  })
})

describe('changing the project', () => {
  it('edits title, problem statement, planned year and quarter and auditor; the report occurrences move', async () => {
    const res = await post(sek, `${pageOf(late.id)}/endre`, { tittel: 'Eierskapskontroll av revisjonsselskapet', problemstilling: 'Ny problemstilling', planlagtAr: '2027', kvartal: '1', revisor: 'Revisjon Øst AS' })
    expect(res.statusCode, res.body).toBe(303)
    const after = await projectOf(late.id)
    expect(after).toMatchObject({ title: 'Eierskapskontroll av revisjonsselskapet', problemStatement: 'Ny problemstilling', plannedYear: 2027, plannedQuarter: 1, auditor: 'Revisjon Øst AS', plannedBy: '2027-03-31' })
    expect(after.milestones.filter(m => m.milestone === 'report').map(m => m.date)).toEqual(['2027-03-31', '2027-03-31', '2027-03-31'])
    expect((await auditOf(late.id)).at(-1)!.actor).toContain('Siri Sekretær')
  })

  it.each([
    ['no title', { tittel: '', planlagtAr: '2026', kvartal: '1' }, 'tittel', 'Tittel: Skriv en tittel.'],
    ['a year outside the valgperiode', { tittel: 'X', planlagtAr: '2031', kvartal: '' }, 'planlagtAr', 'Planlagt år: Velg et år i valgperioden, 2023–2027.'],
    ['a fifth quarter', { tittel: 'X', planlagtAr: '2026', kvartal: '5' }, 'kvartal', 'Kvartal: Velg et kvartal'],
  ])('refuses %s (400, nothing changed)', async (_what, form, field, message) => {
    const before = await t.snapshot()
    const res = await post(sek, `${pageOf(late.id)}/endre`, form)
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain(`<a href="#felt-${field}">${message}`)
    expect(await t.snapshot()).toBe(before)
  })

  it('drops the project with a reason (what is left is cancelled in the calendar) and undoes it', async () => {
    const before = await t.snapshot()
    const none = await post(sek, `${pageOf(late.id)}/avlys`, { begrunnelse: '  ' })
    expect(none.statusCode).toBe(400)
    expect(none.body).toContain('<a href="#felt-begrunnelse">Begrunnelse: Skriv hvorfor prosjektet avlyses.')
    expect(await t.snapshot()).toBe(before)

    const res = await post(sek, `${pageOf(late.id)}/avlys`, { begrunnelse: 'Selskapet er under avvikling.' })
    expect(res.statusCode, res.body).toBe(303)
    const dropped = await projectOf(late.id)
    expect([dropped.status, dropped.droppedReason]).toEqual(['dropped', 'Selskapet er under avvikling.'])
    for (const o of await occurrencesOf(dropped, 'report')) expect(o.status).toBe('cancelled')
    expect((await auditOf(late.id)).at(-1)!.actor).toContain('Siri Sekretær')
    const page = await t.app.inject({ url: pageOf(late.id), headers: sek.headers })
    expect(page.body).toContain('<strong>Prosjektet er avlyst.</strong> Begrunnelse: Selskapet er under avvikling.')
    expect(page.body).not.toContain('steg er forsinket')
    expect(page.body).toContain(`action="${pageOf(late.id)}/gjenopprett"`)

    expect((await post(sek, `${pageOf(late.id)}/gjenopprett`, {})).statusCode).toBe(303)
    const restored = await projectOf(late.id)
    expect([restored.status, restored.droppedReason]).toEqual(['ordered', null])
    for (const o of await occurrencesOf(restored, 'report')) expect(o.status).toBe('in_progress')
  })
})

describe('who may change it', () => {
  const actions = (id: number): Array<[string, Record<string, string>]> => [
    [`${pageOf(id)}/steg/rapport`, { utfort: '2026-11-20', saksnummer: 'KU-sak 26/40' }],
    [`${pageOf(id)}/endre`, { tittel: 'Nytt navn', planlagtAr: '2026', kvartal: '2' }],
    [`${pageOf(id)}/avlys`, { begrunnelse: 'Fordi' }],
    [`${pageOf(id)}/gjenopprett`, {}],
    [`/kontroll/plan/${planId}/prosjekt/ny`, { emne: 'c:skappa-kunnskapspark', planlagtAr: '2027', kvartal: '' }],
  ]

  it('refuses a sekretariat serving only one of the joint plan’s kontrollutvalg, and an editor: 403 pages, nothing changed', async () => {
    const gausdal = await signIn(t, 'gausdal-sek@example.no', [{ role: 'sekretariat', kontrollutvalg: 'gausdal-kontrollutvalg' }], 'Gunn Gausdal')
    const editor = await signIn(t, 'kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Kari Nordmann')
    const page = await t.app.inject({ url: pageOf(late.id), headers: gausdal.headers })
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('<form class="form')
    const before = await t.snapshot()
    for (const who of [gausdal, editor]) {
      for (const [url, form] of actions(late.id)) {
        const res = await post(who, url, form)
        expect(res.statusCode, url).toBe(403)
        expect(res.body).toContain('Ikke tillatt')
        expect(res.body).toContain('Bare sekretariatet for kontrollutvalget og administratorer kan endre kontrollplaner')
      }
      // Bad input from someone who may not change it is a 403 too: who may act is judged first.
      expect((await post(who, `${pageOf(late.id)}/steg/rapport`, { utfort: '2099-01-01' })).statusCode).toBe(403)
      expect((await t.app.inject({ url: `/kontroll/plan/${planId}/prosjekt/ny`, headers: who.headers })).statusCode).toBe(403)
    }
    expect(await t.snapshot()).toBe(before)
  })

  it('answers an anonymous post with 401 and a sign-in link, an anonymous GET of the new-project form with sign-in, and a missing CSRF token with 403', async () => {
    const before = await t.snapshot()
    for (const [url, form] of actions(late.id)) {
      const res = await post(null, url, form)
      expect(res.statusCode, url).toBe(401)
      expect(res.body).toContain('Logg inn')
    }
    const get = await t.app.inject(`/kontroll/plan/${planId}/prosjekt/ny`)
    expect(get.statusCode).toBe(303)
    expect(get.headers.location).toBe(`/logg-inn?tilbake=${encodeURIComponent(`/kontroll/plan/${planId}/prosjekt/ny`)}`)
    const noToken = await post(sek, `${pageOf(late.id)}/steg/rapport`, { utfort: '2026-11-20' }, false)
    expect(noToken.statusCode).toBe(403)
    expect(await t.snapshot()).toBe(before)
  })
})

describe('adding a project', () => {
  it('goes into a draft: to an adopted version the form is a 409 page naming «Revider planen», and nothing changes', async () => {
    const before = await t.snapshot()
    const get = await t.app.inject({ url: `/kontroll/plan/${planId}/prosjekt/ny`, headers: sek.headers })
    expect(get.statusCode).toBe(409)
    expect(get.body).toContain('Nye prosjekter legges inn i en revisjon')
    const res = await post(sek, `/kontroll/plan/${planId}/prosjekt/ny`, { emne: 'c:skappa-kunnskapspark', tittel: '', planlagtAr: '2027', kvartal: '3' })
    expect(res.statusCode).toBe(409)
    expect(res.body).toContain('«Revider planen»')
    expect(await t.snapshot()).toBe(before)
  })

  describe('to a revision (a draft)', () => {
    beforeEach(async () => {
      for (const id of [planId, await planIdOf('forvaltningsrevisjon', 'Plan for forvaltningsrevisjon 2024–2027, Gausdal')]) {
        await t.services.kontroll.plans.revise(DEMO_ACTOR, id, { reason: 'Nye prosjekter' })
      }
      await t.services.occurrenceIndex.settled()
    })
    it('offers the plan municipalities’ companies, those without control first, and adds an eierskapskontroll of Skåppå kunnskapspark with a title made from it', async () => {
      const form = await t.app.inject({ url: `/kontroll/plan/${planId}/prosjekt/ny`, headers: sek.headers })
      expect(form.statusCode).toBe(200)
      expect(form.body).toContain('<option value="c:skappa-kunnskapspark">Skåppå kunnskapspark (AS) – Lillehammer, Gausdal – ingen kontroll i perioden</option>')
      // An eierskapskontroll: owned companies only (no vertskommune agreement, no service area).
      expect(form.body).not.toContain('c:felles-nav-kontor')
      expect(form.body).not.toContain('value="m:')
      expect(form.body.indexOf('c:skappa-kunnskapspark')).toBeLessThan(form.body.indexOf('c:felles-renovasjonsselskap-glor'))
      const pre = await t.app.inject({ url: `/kontroll/plan/${planId}/prosjekt/ny?emne=c:skappa-kunnskapspark`, headers: sek.headers })
      expect(pre.body).toContain('<option value="c:skappa-kunnskapspark" selected>')

      const res = await post(sek, `/kontroll/plan/${planId}/prosjekt/ny`, { emne: 'c:skappa-kunnskapspark', tittel: '', planlagtAr: '2027', kvartal: '3', problemstilling: 'Følges eierskapsmeldingen?', revisor: '' })
      expect(res.statusCode, res.body).toBe(303)
      const created = ((await t.services.kontroll.projects.list(systemViewer, planId)).items as ProjectView[]).find(p => p.title === 'Eierskapskontroll Skåppå kunnskapspark')!
      expect(created).toMatchObject({ plannedYear: 2027, plannedQuarter: 3, problemStatement: 'Følges eierskapsmeldingen?', auditor: null, subjects: [{ type: 'collaboration', slug: 'skappa-kunnskapspark' }] })
      // Back to the plan, at the new project's row.
      expect(res.headers.location).toBe(`/kontroll/plan/${planId}#prosjekt-${created.id}`)
      expect(created.milestones.filter(m => m.milestone === 'report').map(m => m.date)).toEqual(['2027-09-30', '2027-09-30', '2027-09-30'])
      const audit = await auditOf(created.id)
      expect(audit.map(a => a.action)).toEqual(['create'])
      expect(audit[0]!.actor).toContain('Siri Sekretær')
    })

    it('adds a forvaltningsrevisjon of an assessed or a typed service area', async () => {
      const gausdalPlan = await planIdOf('forvaltningsrevisjon', 'Plan for forvaltningsrevisjon 2024–2027, Gausdal')
      const form = await t.app.inject({ url: `/kontroll/plan/${gausdalPlan}/prosjekt/ny`, headers: sek.headers })
      expect(form.body).toContain('<optgroup label="Tjenesteområder i Gausdal">')
      expect(form.body).toContain('value="m:gausdal:Skole"')
      expect(form.body).not.toContain('id="felt-kommune"')
      expect((await post(sek, `/kontroll/plan/${gausdalPlan}/prosjekt/ny`, { emne: 'm:gausdal:Skole', tittel: 'Spesialundervisning', planlagtAr: '2027', kvartal: '' })).statusCode).toBe(303)
      expect((await post(sek, `/kontroll/plan/${gausdalPlan}/prosjekt/ny`, { emne: 'annet', tjenesteomrade: 'Plan og bygg', tittel: '', planlagtAr: '2027', kvartal: '2' })).statusCode).toBe(303)
      const titles = ((await t.services.kontroll.projects.list(systemViewer, gausdalPlan)).items as ProjectView[]).map(p => [p.title, p.subjects])
      expect(titles).toContainEqual(['Spesialundervisning', [{ type: 'service_area', municipality: 'gausdal', serviceArea: 'Skole' }]])
      expect(titles).toContainEqual(['Forvaltningsrevisjon Plan og bygg', [{ type: 'service_area', municipality: 'gausdal', serviceArea: 'Plan og bygg' }]])
    })

    it.each([
      ['no subject', { emne: '', planlagtAr: '2027', kvartal: '' }, 'emne', 'Hva kontrolleres: Velg hva prosjektet skal kontrollere.'],
      ['a subject not offered', { emne: 'c:no-such-company', planlagtAr: '2027', kvartal: '' }, 'emne', 'Hva kontrolleres: Velg hva prosjektet skal kontrollere.'],
      ['a service area in an eierskapskontroll plan', { emne: 'annet', tjenesteomrade: 'Skole', planlagtAr: '2027', kvartal: '' }, 'emne', 'Hva kontrolleres: Velg'],
      ['a year outside the period', { emne: 'c:skappa-kunnskapspark', planlagtAr: '2022', kvartal: '' }, 'planlagtAr', 'Planlagt år: Velg et år i valgperioden'],
    ])('refuses %s with a 400 page naming the field, nothing added', async (_what, form, field, message) => {
      const before = await t.snapshot()
      const res = await post(sek, `/kontroll/plan/${planId}/prosjekt/ny`, form)
      expect(res.statusCode, res.body).toBe(400)
      expect(res.body).toContain(`<a href="#felt-${field}">${message}`)
      // What was chosen stays chosen (a choice the form does not offer cannot be).
      if (form.emne.startsWith('c:skappa')) expect(res.body).toContain(`<option value="${form.emne}" selected>`)
      expect(await t.snapshot()).toBe(before)
    })
  })
})
