import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../helpers/app.js'
import { signIn, type SignedIn } from '../../helpers/people.js'
import { systemViewer } from '../../../src/services/access.js'
import { DEMO_ACTOR, loadDemoKontroll, readDemoKontroll } from '../../../src/kontroll/demo.js'
import type { PlanView } from '../../../src/services/kontroll/shared.js'

// The plans in the browser (issue 15, item 3) as HTTP: the plan page, its forms, versions, print and planlegg.
// The Chromium test drives the same pages (plans-browser.test.ts).
const NOW = '2026-12-01T10:00:00Z'
const THREE = ['lillehammer-kontrollutvalg', 'gausdal-kontrollutvalg', 'oyer-kontrollutvalg']
let t: TestApp
let sek: SignedIn
let joint: PlanView
let gausdalFr: PlanView

const post = (who: SignedIn | null, path: string, form: Record<string, string | string[]>, csrf = true) => {
  const params = new URLSearchParams(csrf && who ? { _csrf: who.csrf } : {})
  for (const [k, v] of Object.entries(form)) for (const x of ([] as string[]).concat(v)) params.append(k, x)
  return t.app.inject({ method: 'POST', url: path, headers: { ...(who?.headers ?? {}), 'content-type': 'application/x-www-form-urlencoded' }, payload: params.toString() })
}
const planOf = (id: number) => t.services.kontroll.plans.get(systemViewer, id)
const auditOf = (type: string, id: number) => t.sql.all<{ actor: string; action: string }>('select actor, action from audit_log where entity_type = ? and entity_id = ? order by id', type, String(id))

beforeEach(async () => {
  t = await buildTestApp({ now: NOW })
  await loadDemoKontroll(t.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
  const plans = (await t.services.kontroll.plans.list(systemViewer, { electionYear: 2023, limit: 100 })).items as PlanView[]
  joint = plans.find(p => p.type === 'eierskapskontroll')!
  gausdalFr = plans.find(p => p.type === 'forvaltningsrevisjon' && p.bodies[0]!.slug === 'gausdal-kontrollutvalg')!
  // The index catches up with the test's day first, so a snapshot before and after a request compares only what the request did.
  await t.services.occurrenceIndex.settled()
  sek = await signIn(t, 'sek@example.no', THREE.map(kontrollutvalg => ({ role: 'sekretariat' as const, kontrollutvalg })), 'Siri Sekretær')
})
afterEach(async () => { await t.close() })

const GLOR = 'Eierskapskontroll GLØR IKS'
const REVISJON = 'Eierskapskontroll Innlandet Revisjon IKS'
const VISIT = 'Eierskapskontroll Visit Lillehammer AS'
const inOrder = (html: string, titles: string[]) => {
  const at = titles.map(s => html.indexOf(s))
  return at.every(i => i > 0) && at.every((i, k) => k === 0 || i > at[k - 1]!)
}
/** Revises the joint plan (version 1 adopted) through the page: version 2, a draft. */
async function revise () {
  const res = await post(sek, `/kontroll/plan/${joint.id}/revider`, { grunn: 'Ny eierskapskontroll av Skåppå kunnskapspark AS', tittel: '' })
  expect(res.statusCode, res.body).toBe(303)
  return planOf(joint.id)
}

describe('the plan page', () => {
  it('shows a joint plan with one adoption row per member kontrollutvalg and its projects in plan order', async () => {
    const res = await t.app.inject({ url: `/kontroll/plan/${joint.id}`, headers: sek.headers })
    expect(res.statusCode, res.body).toBe(200)
    const html = res.body
    expect(html).toContain(joint.title)
    expect(html).toContain('<dt>Type</dt><dd>Eierskapskontroll</dd>')
    expect(html).toContain('2023–2027')
    expect(html).toContain('innen 31. desember 2024 – oppfylt med versjon 1')
    expect(html).toContain('Kontrollutvalget i Lillehammer, Kontrollutvalget i Gausdal, Kontrollutvalget i Øyer')
    for (const slug of THREE) expect(html).toContain(`data-body="${slug}"`)
    expect(html.match(/10\. september 2024, KU-sak 24\/31/g)).toHaveLength(3)
    expect(html.match(/28\. november 2024, KS-sak 24\/118/g)).toHaveLength(3)
    expect(html).toContain('Vedtatt av kommunestyret</span> (versjon 1)')
    expect(inOrder(html, [GLOR, REVISJON, VISIT])).toBe(true)
    expect(html).toContain('Felles renovasjonsselskap')
    expect(html).toContain('2. kvartal 2025')
    expect(html).toContain(`href="/kontroll/plan/${joint.id}/prosjekt/${(await t.services.kontroll.projects.list(systemViewer, joint.id)).items.find(p => 'title' in p && p.title === GLOR)!.id}"`)
    // Version 1 is adopted: its project list is changed in a revision, so no «Legg til prosjekt» or reordering here.
    expect(html).not.toContain(`href="/kontroll/plan/${joint.id}/prosjekt/ny"`)
    expect(html).not.toContain(`action="/kontroll/plan/${joint.id}/rekkefolge"`)
    expect(html).toContain('Planen er vedtatt. Endringer i prosjektlisten gjøres i en revisjon')
    expect(html).toContain(`href="/kontroll/plan/${joint.id}/gjennomgang"`)
    expect(html).toContain(`href="/kontroll/plan/${joint.id}/utskrift"`)
    expect(html).toContain(`action="/kontroll/plan/${joint.id}/vedtak"`)
    expect(html).toContain(`action="/kontroll/plan/${joint.id}/revider"`)
    // In the revision (a draft) they are there.
    await revise()
    const draft = (await t.app.inject({ url: `/kontroll/plan/${joint.id}`, headers: sek.headers })).body
    expect(draft).toContain(`href="/kontroll/plan/${joint.id}/prosjekt/ny"`)
    expect(draft).toContain(`action="/kontroll/plan/${joint.id}/rekkefolge"`)
    expect(html).toContain('Dette er planens første versjon.')
  })

  it('a plan that does not exist is a 404 page', async () => {
    const res = await t.app.inject({ url: '/kontroll/plan/99999', headers: sek.headers })
    expect(res.statusCode).toBe(404)
    expect(res.body).toContain('Fant ikke siden')
  })
})

describe('revising and recording adoption', () => {
  it('«Revider planen» needs a reason: 400 naming the field, nothing changed', async () => {
    const before = await t.snapshot()
    const res = await post(sek, `/kontroll/plan/${joint.id}/revider`, { grunn: '  ', tittel: 'Ny tittel' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('<a href="#felt-grunn">Grunn til revisjonen: Skriv hvorfor planen revideres.</a>')
    expect(res.body).toContain('id="felt-grunn"')
    expect(res.body).toContain('aria-invalid="true"')
    expect(res.body).toContain('value="Ny tittel"')
    expect(await t.snapshot()).toBe(before)
  })

  it('a revision is a new draft version; the earlier version stays readable with its adoption and projects', async () => {
    const res = await post(sek, `/kontroll/plan/${joint.id}/revider`, { grunn: 'Ny eierskapskontroll av Skåppå kunnskapspark AS', tittel: 'Felles plan for eierskapskontroll, revidert 2026' })
    expect(res.statusCode, res.body).toBe(303)
    expect(res.headers.location).toBe(`/kontroll/plan/${joint.id}`)
    const plan = await planOf(joint.id)
    expect(plan).toMatchObject({ version: 2, status: 'draft', title: 'Felles plan for eierskapskontroll, revidert 2026', inForce: 1 })
    expect((await auditOf('kontroll_plan', joint.id)).at(-1)!.actor).toBe('Siri Sekretær <sek@example.no>')
    const page = await t.app.inject({ url: `/kontroll/plan/${joint.id}`, headers: sek.headers })
    expect(page.body).toContain('Utkast</span> (versjon 2)')
    expect(page.body).toContain(`Gjeldende vedtatte plan: <a href="/kontroll/plan/${joint.id}/versjon/1">versjon 1</a>`)
    expect(page.body.match(/Ikke vedtatt/g)).toHaveLength(6)
    expect(page.body).toContain('Versjon 1</a> – Vedtatt av kommunestyret (gjeldende vedtatte)')
    expect(page.body).not.toContain(`action="/kontroll/plan/${joint.id}/revider"`)
    // Version 1 as it was: its title, its adoption, its projects.
    const v1 = await t.app.inject({ url: `/kontroll/plan/${joint.id}/versjon/1`, headers: sek.headers })
    expect(v1.statusCode, v1.body).toBe(200)
    expect(v1.body).toContain(joint.title)
    expect(v1.body).toContain('Dette er en tidligere versjon av planen')
    expect(v1.body.match(/10\. september 2024, KU-sak 24\/31/g)).toHaveLength(3)
    expect(inOrder(v1.body, [GLOR, REVISJON, VISIT])).toBe(true)
    // Anyone who may see the plan reads it: not signed in too.
    expect((await t.app.inject(`/kontroll/plan/${joint.id}/versjon/1`)).statusCode).toBe(200)
    expect((await t.app.inject(`/kontroll/plan/${joint.id}/versjon/3`)).statusCode).toBe(404)
  })

  it('a joint plan: each kontrollutvalg and each kommunestyre adopts it separately, with its own date and saksnummer', async () => {
    await revise()
    // Gausdal's kontrollutvalg adopts version 2 …
    let res = await post(sek, `/kontroll/plan/${joint.id}/vedtak`, { kontrollutvalg: 'gausdal-kontrollutvalg', organ: 'ku', dato: '2026-11-24', saksnummer: 'KU-sak 26/40' })
    expect(res.statusCode, res.body).toBe(303)
    expect(res.headers.location).toBe(`/kontroll/plan/${joint.id}#vedtak`)
    // … then Gausdal's kommunestyre; Lillehammer's and Øyer's kontrollutvalg on another day together.
    res = await post(sek, `/kontroll/plan/${joint.id}/vedtak`, { kontrollutvalg: 'gausdal-kontrollutvalg', organ: 'ks', dato: '2026-11-30', saksnummer: 'KS-sak 26/99' })
    expect(res.statusCode, res.body).toBe(303)
    res = await post(sek, `/kontroll/plan/${joint.id}/vedtak`, { kontrollutvalg: 'alle', organ: 'ku', dato: '2026-11-26', saksnummer: 'KU-sak 26/41' })
    expect(res.statusCode, res.body).toBe(303)
    const plan = await planOf(joint.id)
    const bySlug = Object.fromEntries(plan.adoptions.map(a => [a.body.slug, a]))
    expect(bySlug['gausdal-kontrollutvalg']).toMatchObject({ kuAdoptedOn: '2026-11-26', kuCaseRef: 'KU-sak 26/41', ksAdoptedOn: '2026-11-30', ksCaseRef: 'KS-sak 26/99' })
    expect(bySlug['lillehammer-kontrollutvalg']).toMatchObject({ kuAdoptedOn: '2026-11-26', kuCaseRef: 'KU-sak 26/41', ksAdoptedOn: null })
    expect(bySlug['oyer-kontrollutvalg']).toMatchObject({ kuAdoptedOn: '2026-11-26', ksAdoptedOn: null })
    expect(plan.status).toBe('adopted_ku')
    const page = await t.app.inject({ url: `/kontroll/plan/${joint.id}`, headers: sek.headers })
    const row = (slug: string) => page.body.slice(page.body.indexOf(`data-body="${slug}"`), page.body.indexOf('</tr>', page.body.indexOf(`data-body="${slug}"`)))
    expect(row('gausdal-kontrollutvalg')).toContain('30. november 2026, KS-sak 26/99')
    expect(row('lillehammer-kontrollutvalg')).toContain('26. november 2026, KU-sak 26/41')
    expect(row('lillehammer-kontrollutvalg')).toContain('Ikke vedtatt')
    expect(row('oyer-kontrollutvalg')).toContain('Ikke vedtatt')
    expect(page.body).toContain('Vedtatt av kontrollutvalget</span> (versjon 2)')
    const audit = await auditOf('kontroll_plan', joint.id)
    expect(audit.length).toBeGreaterThanOrEqual(5)
    expect(audit.slice(-3).every(a => a.actor === 'Siri Sekretær <sek@example.no>')).toBe(true)
  })

  it('bad adoption input is a 400 naming the field, the values kept, nothing changed', async () => {
    await revise()
    const before = await t.snapshot()
    const cases: Array<[Record<string, string>, string]> = [
      [{ kontrollutvalg: 'gausdal-kontrollutvalg', organ: 'ku', dato: '2026-12-02', saksnummer: 'KU-sak 26/40' }, 'Vedtaksdato: Datoen kan ikke være fram i tid.'],
      [{ kontrollutvalg: 'gausdal-kontrollutvalg', organ: 'ku', dato: '2026-11-24', saksnummer: '' }, 'Saksnummer: Skriv saksnummeret'],
      [{ kontrollutvalg: 'gausdal-kontrollutvalg', organ: 'ks', dato: '2026-11-24', saksnummer: 'KS-sak 26/1' }, 'Vedtaksdato: Registrer først kontrollutvalgets vedtak (Kontrollutvalget i Gausdal)'],
      [{ kontrollutvalg: 'lunner-kontrollutvalg', organ: 'ku', dato: '2026-11-24', saksnummer: 'KU-sak 26/40' }, 'Kontrollutvalg: Velg kontrollutvalget'],
      [{ kontrollutvalg: 'gausdal-kontrollutvalg', organ: 'formannskap', dato: '2026-11-24', saksnummer: 'KU-sak 26/40' }, 'Vedtatt av: Velg kontrollutvalget eller kommunestyret.'],
      [{ kontrollutvalg: 'gausdal-kontrollutvalg', organ: 'ku', dato: '24.11.2026', saksnummer: 'KU-sak 26/40' }, 'Vedtaksdato: Datoen må være en gyldig dato'],
    ]
    for (const [form, message] of cases) {
      const res = await post(sek, `/kontroll/plan/${joint.id}/vedtak`, form)
      expect(res.statusCode, message).toBe(400)
      expect(res.body).toContain(message)
      if (form.saksnummer) expect(res.body).toContain(`value="${form.saksnummer}"`)
    }
    expect(await t.snapshot()).toBe(before)
  })
})

describe('reordering', () => {
  it('«Flytt ned» and «Flytt opp» move one project; the order is the plan order everywhere', async () => {
    const ids = async () => (await t.services.kontroll.projects.list(systemViewer, joint.id)).items.map(p => 'title' in p ? p.title : '')
    const glor = (await t.services.kontroll.projects.list(systemViewer, joint.id)).items.find(p => 'title' in p && p.title === GLOR)!
    let res = await post(sek, `/kontroll/plan/${joint.id}/rekkefolge`, { prosjekt: String(glor.id), retning: 'ned' })
    expect(res.statusCode, res.body).toBe(303)
    expect(res.headers.location).toBe(`/kontroll/plan/${joint.id}#prosjekt-${glor.id}`)
    expect(await ids()).toEqual([REVISJON, GLOR, VISIT])
    res = await post(sek, `/kontroll/plan/${joint.id}/rekkefolge`, { prosjekt: String(glor.id), retning: 'ned' })
    expect(await ids()).toEqual([REVISJON, VISIT, GLOR])
    // Already last: nothing to do, nothing changed.
    const before = await t.snapshot()
    res = await post(sek, `/kontroll/plan/${joint.id}/rekkefolge`, { prosjekt: String(glor.id), retning: 'ned' })
    expect(res.statusCode).toBe(303)
    expect(await t.snapshot()).toBe(before)
    res = await post(sek, `/kontroll/plan/${joint.id}/rekkefolge`, { prosjekt: String(glor.id), retning: 'opp' })
    expect(await ids()).toEqual([REVISJON, GLOR, VISIT])
    const page = await t.app.inject({ url: `/kontroll/plan/${joint.id}`, headers: sek.headers })
    expect(inOrder(page.body, [REVISJON, GLOR, VISIT])).toBe(true)
    const print = await t.app.inject({ url: `/kontroll/plan/${joint.id}/utskrift`, headers: sek.headers })
    expect(inOrder(print.body, [REVISJON, GLOR, VISIT])).toBe(true)
    expect((await auditOf('kontroll_plan', joint.id)).at(-1)!.actor).toBe('Siri Sekretær <sek@example.no>')
    // A project of another plan is no project of this one.
    const other = (await t.services.kontroll.projects.list(systemViewer, gausdalFr.id)).items[0]!
    expect((await post(sek, `/kontroll/plan/${joint.id}/rekkefolge`, { prosjekt: String(other.id), retning: 'opp' })).statusCode).toBe(404)
  })
})

describe('who may change a plan', () => {
  it('a sekretariat of one kontrollutvalg cannot change another’s plan, nor the joint plan as a whole: a 403 page, nothing changed', async () => {
    const one = await signIn(t, 'gausdal-sek@example.no', [{ role: 'sekretariat', kontrollutvalg: 'gausdal-kontrollutvalg' }], 'Gunn Gausdal')
    const lillehammerFr = ((await t.services.kontroll.plans.list(systemViewer, { electionYear: 2023, body: 'lillehammer-kontrollutvalg', type: 'forvaltningsrevisjon' })).items[0]) as PlanView
    const lProjects = (await t.services.kontroll.projects.list(systemViewer, lillehammerFr.id)).items
    const jProjects = (await t.services.kontroll.projects.list(systemViewer, joint.id)).items
    const before = await t.snapshot()
    const attempts: Array<[string, Record<string, string>]> = [
      [`/kontroll/plan/${lillehammerFr.id}/vedtak`, { kontrollutvalg: 'lillehammer-kontrollutvalg', organ: 'ku', dato: '2026-11-24', saksnummer: 'KU-sak 26/40' }],
      [`/kontroll/plan/${lillehammerFr.id}/revider`, { grunn: 'Ny' }],
      [`/kontroll/plan/${lillehammerFr.id}/rekkefolge`, { prosjekt: String(lProjects[0]!.id), retning: 'ned' }],
      [`/kontroll/plan/${joint.id}/revider`, { grunn: 'Ny' }],
      [`/kontroll/plan/${joint.id}/rekkefolge`, { prosjekt: String(jProjects[0]!.id), retning: 'ned' }],
      // Bad input too: who may change is settled first.
      [`/kontroll/plan/${lillehammerFr.id}/vedtak`, { organ: 'x' }],
    ]
    for (const [url, form] of attempts) {
      const res = await post(one, url, form)
      expect(res.statusCode, url).toBe(403)
      expect(res.body).toContain('Ikke tillatt')
      expect(res.body).toContain('Bare sekretariatet for kontrollutvalgene i planen og administratorer kan endre planen.')
    }
    expect(await t.snapshot()).toBe(before)
    // Gausdal's own plan page shows it the forms; Lillehammer's plan has none for it.
    expect((await t.app.inject({ url: `/kontroll/plan/${gausdalFr.id}`, headers: one.headers })).body).toContain(`action="/kontroll/plan/${gausdalFr.id}/revider"`)
    const other = await t.app.inject({ url: `/kontroll/plan/${lillehammerFr.id}`, headers: one.headers })
    expect(other.statusCode).toBe(200)
    expect(other.body).not.toContain('method="post" action="/kontroll/plan/')
    // On the joint plan it may record its own kontrollutvalg's adoption only (once revised by the full sekretariat).
    await revise()
    const joint2 = await t.app.inject({ url: `/kontroll/plan/${joint.id}`, headers: one.headers })
    expect(joint2.body).toContain('<option value="gausdal-kontrollutvalg"')
    expect(joint2.body).not.toContain('<option value="oyer-kontrollutvalg"')
    expect(joint2.body).not.toContain(`action="/kontroll/plan/${joint.id}/rekkefolge"`)
    const snap = await t.snapshot()
    expect((await post(one, `/kontroll/plan/${joint.id}/vedtak`, { kontrollutvalg: 'oyer-kontrollutvalg', organ: 'ku', dato: '2026-11-24', saksnummer: 'KU-sak 26/40' })).statusCode).toBe(400)
    expect(await t.snapshot()).toBe(snap)
    expect((await post(one, `/kontroll/plan/${joint.id}/vedtak`, { kontrollutvalg: 'gausdal-kontrollutvalg', organ: 'ku', dato: '2026-11-24', saksnummer: 'KU-sak 26/40' })).statusCode).toBe(303)
    expect((await planOf(joint.id)).adoptions.find(a => a.body.slug === 'gausdal-kontrollutvalg')).toMatchObject({ kuAdoptedOn: '2026-11-24', kuCaseRef: 'KU-sak 26/40' })
    expect((await auditOf('kontroll_plan', joint.id)).at(-1)!.actor).toBe('Gunn Gausdal <gausdal-sek@example.no>')
  })

  it('an editor of the municipality reads the plan and gets no forms; a forged POST is 403 and changes nothing', async () => {
    const editor = await signIn(t, 'per@gausdal.kommune.no', [{ role: 'editor', municipality: 'gausdal' }], 'Per Hansen')
    const page = await t.app.inject({ url: `/kontroll/plan/${gausdalFr.id}`, headers: editor.headers })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(gausdalFr.title)
    expect(page.body).toContain('Kvalitet og bemanning i hjemmetjenesten')
    expect(page.body).not.toContain(`action="/kontroll/plan/${gausdalFr.id}/`)
    expect(page.body).not.toContain('Legg til prosjekt')
    expect(page.body).toContain('Du kan lese planen, men ikke endre den')
    const projects = (await t.services.kontroll.projects.list(systemViewer, gausdalFr.id)).items
    const before = await t.snapshot()
    for (const [path, form] of [
      ['vedtak', { kontrollutvalg: 'gausdal-kontrollutvalg', organ: 'ku', dato: '2026-11-24', saksnummer: 'KU-sak 26/40' }],
      ['revider', { grunn: 'Forfalsket' }],
      ['rekkefolge', { prosjekt: String(projects[0]!.id), retning: 'ned' }],
    ] as Array<[string, Record<string, string>]>) {
      const res = await post(editor, `/kontroll/plan/${gausdalFr.id}/${path}`, form)
      expect(res.statusCode, path).toBe(403)
    }
    expect((await post(editor, '/kontroll/gausdal-kontrollutvalg/planlegg?valgperiode=2023', { ta_med: '0', tittel_0: 'X', ar_0: '2025' })).statusCode).toBe(403)
    expect(await t.snapshot()).toBe(before)
  })

  it('without a session a form is refused and nothing changes; anyone who may see the plan reads it', async () => {
    const before = await t.snapshot()
    const res = await post(null, `/kontroll/plan/${gausdalFr.id}/revider`, { grunn: 'Anonym' })
    expect([401, 403]).toContain(res.statusCode)
    expect(await t.snapshot()).toBe(before)
    const page = await t.app.inject(`/kontroll/plan/${gausdalFr.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`/logg-inn?tilbake=${encodeURIComponent(`/kontroll/plan/${gausdalFr.id}`)}`)
    expect(page.body).not.toContain(`action="/kontroll/plan/${gausdalFr.id}/`)
  })
})

describe('the printable plan', () => {
  it('names the kontrollutvalg, the period, the legal basis, the adoption lines and every project in order with subject and planned period', async () => {
    const res = await t.app.inject({ url: `/kontroll/plan/${joint.id}/utskrift`, headers: sek.headers })
    expect(res.statusCode, res.body).toBe(200)
    const html = res.body
    expect(html).toContain('<h1 id="plan-tittel">Plan for eierskapskontroll 2023–2027</h1>')
    expect(html).toContain('Kontrollutvalget i Lillehammer, Kontrollutvalget i Gausdal, Kontrollutvalget i Øyer')
    expect(html).toContain('Kommuneloven § 23-4')
    expect(html).toContain('Kontrollutvalget i Gausdal: vedtatt 10. september 2024 (KU-sak 24/31)')
    expect(html).toContain('Kommunestyret i Øyer: vedtatt 28. november 2024 (KS-sak 24/118)')
    expect(inOrder(html, [GLOR, REVISJON, VISIT])).toBe(true)
    expect(html).toContain('<td data-label="Planlagt">2. kvartal 2025</td>')
    expect(html).toContain('<td data-label="Planlagt">1. kvartal 2026</td>')
    const fr = await t.app.inject(`/kontroll/plan/${gausdalFr.id}/utskrift`)
    expect(fr.statusCode).toBe(200)
    expect(fr.body).toContain('Kommuneloven § 23-3')
    expect(fr.body).toContain('Helse og omsorg (Gausdal)')
    expect(fr.body).toContain('3. kvartal 2025')
    // An earlier version prints as it was.
    await revise()
    const v1 = await t.app.inject(`/kontroll/plan/${joint.id}/utskrift?versjon=1`)
    expect(v1.body).toContain('Versjon 1 · Vedtatt av kommunestyret')
    const v2 = await t.app.inject(`/kontroll/plan/${joint.id}/utskrift`)
    expect(v2.body).toContain('Versjon 2 · Utkast')
    expect(v2.body).toContain('Kontrollutvalget i Gausdal: ikke vedtatt')
  })
})

describe('planlegg from the ranked list', () => {
  it('shows the kontrollutvalg’s ranked subjects and puts the ticked ones into its plans', async () => {
    const url = '/kontroll/gausdal-kontrollutvalg/planlegg?valgperiode=2023'
    const page = await t.app.inject({ url, headers: sek.headers })
    expect(page.statusCode, page.body).toBe(200)
    expect(page.body).toContain('Kontrollutvalget i Gausdal · valgperioden 2023–2027')
    expect(page.body).toContain('Helse og omsorg (Gausdal)')
    expect(page.body).toContain('4 × 5 = 20')
    expect(page.body).toContain('Skole (Gausdal)')
    expect(page.body).toContain(`href="/kontroll/plan/${gausdalFr.id}"`)
    expect(page.body).toContain(`href="/kontroll/plan/${joint.id}"`)
    // The rows in ranked order; the subjects already planned are marked.
    const rows = [...page.body.matchAll(/<td data-label="Emne" id="emne-(\d+)">([^<]+)/g)].map(m => [Number(m[1]), m[2]!.trim()] as const)
    const skole = rows.find(r => r[1] === 'Skole (Gausdal)')![0]
    const ikomm = rows.find(r => /IKOMM/i.test(r[1]))!
    expect(ikomm[1]).not.toContain('Allerede i planen')
    expect(page.body.slice(page.body.indexOf('id="emne-0"'), page.body.indexOf('</td>', page.body.indexOf('id="emne-0"')))).toContain('Allerede i planen')
    // Nothing ticked: 400, nothing changed.
    const before = await t.snapshot()
    let res = await post(sek, url, { [`tittel_${skole}`]: 'Skole', [`ar_${skole}`]: '2025' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('Ta med: Kryss av for minst ett emne')
    // A service area as an eierskapskontroll, and a year outside the period: 400 naming the row's fields.
    res = await post(sek, url, { ta_med: String(skole), [`tittel_${skole}`]: 'Skole', [`ar_${skole}`]: '2029', [`kvartal_${skole}`]: '', [`type_${skole}`]: 'eierskapskontroll' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain(`href="#felt-ar_${skole}"`)
    expect(res.body).toContain(`href="#felt-type_${skole}"`)
    expect(res.body).toContain(`name="ta_med" value="${skole}" id="ta-med-${skole}" checked`)
    expect(await t.snapshot()).toBe(before)
    // Both plans are adopted: a project goes into a revision, not into the adopted version (409 at the row's type).
    res = await post(sek, url, { ta_med: String(skole), [`tittel_${skole}`]: 'Skole', [`ar_${skole}`]: '2026', [`kvartal_${skole}`]: '', [`type_${skole}`]: 'forvaltningsrevisjon' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain(`href="#felt-type_${skole}"`)
    expect(res.body).toContain('revider planen før du legger til prosjekter')
    expect(await t.snapshot()).toBe(before)
    for (const plan of [gausdalFr, joint]) await t.services.kontroll.plans.revise(DEMO_ACTOR, plan.id, { reason: 'Nye prosjekter fra rangeringen' })
    // Skole as a forvaltningsrevisjon in 2. kvartal 2026 (Gausdal's plan), IKOMM as an eierskapskontroll (the joint plan).
    const form: Record<string, string | string[]> = { ta_med: [String(skole)], [`tittel_${skole}`]: 'Skole – tilpasset opplæring', [`ar_${skole}`]: '2026', [`kvartal_${skole}`]: '2', [`type_${skole}`]: 'forvaltningsrevisjon' }
    Object.assign(form, { ta_med: [String(skole), String(ikomm[0])], [`tittel_${ikomm[0]}`]: 'Eierskapskontroll IKOMM AS', [`ar_${ikomm[0]}`]: '2027', [`kvartal_${ikomm[0]}`]: '1', [`type_${ikomm[0]}`]: 'eierskapskontroll' })
    res = await post(sek, url, form)
    expect(res.statusCode, res.body).toBe(303)
    // Two plans touched: back to planlegg, which lists them.
    expect(res.headers.location).toBe(url)
    const fr = (await t.services.kontroll.projects.list(systemViewer, gausdalFr.id)).items.find(p => 'title' in p && p.title === 'Skole – tilpasset opplæring')
    expect(fr).toMatchObject({ plannedYear: 2026, plannedQuarter: 2, subjects: [{ type: 'service_area', municipality: 'gausdal', serviceArea: 'Skole' }] })
    expect((await auditOf('kontroll_project', fr!.id))[0]!.actor).toBe('Siri Sekretær <sek@example.no>')
    expect((await t.services.kontroll.projects.list(systemViewer, joint.id)).items.some(p => 'title' in p && p.title === 'Eierskapskontroll IKOMM AS')).toBe(true)
    const after = await t.app.inject({ url, headers: sek.headers })
    expect(after.body.slice(after.body.indexOf(`id="emne-${skole}"`), after.body.indexOf('</td>', after.body.indexOf(`id="emne-${skole}"`)))).toContain('Allerede i planen')
  })

  it('a kontrollutvalg outside the workspace is a 404; an unknown valgperiode too', async () => {
    const one = await signIn(t, 'gausdal-sek@example.no', [{ role: 'sekretariat', kontrollutvalg: 'gausdal-kontrollutvalg' }])
    expect((await t.app.inject({ url: '/kontroll/oyer-kontrollutvalg/planlegg', headers: one.headers })).statusCode).toBe(404)
    expect((await t.app.inject({ url: '/kontroll/gausdal-kontrollutvalg/planlegg?valgperiode=2024', headers: one.headers })).statusCode).toBe(404)
    expect((await t.app.inject({ url: '/kontroll/gausdal-kontrollutvalg/planlegg', headers: one.headers })).body).toContain('valgperioden 2023–2027')
  })
})
