import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { closeBrowserSuite, expectAccessible, expectFitsPhone, newContext, openBrowserSuite, tabTo } from '../../helpers/browser.js'
import { signInBrowser } from '../../helpers/people.js'
import type { TestApp } from '../../helpers/app.js'
import { systemViewer } from '../../../src/services/access.js'
import { DEMO_ACTOR, loadDemoKontroll, readDemoKontroll } from '../../../src/kontroll/demo.js'
import type { PlanView } from '../../../src/services/kontroll/shared.js'

// The plans in Chromium against a real server (issue 15, item 3): each action by a sekretariat user, axe on
// every plan page, 375 px, recording an adoption by keyboard alone, the printed plan (print media and
// Chromium's PDF), who may change, and the issue's «Done» walkthrough with its clicks counted.
const NOW = '2026-12-01T10:00:00Z'
const THREE = ['lillehammer-kontrollutvalg', 'gausdal-kontrollutvalg', 'oyer-kontrollutvalg']
const SEK = { email: 'sek@example.no', roles: THREE.map(kontrollutvalg => ({ role: 'sekretariat' as const, kontrollutvalg })), name: 'Siri Sekretær' }
let browser: Browser
let t: TestApp
let base: string
let plans: PlanView[]

beforeAll(async () => {
  ({ browser, t, base } = await openBrowserSuite({ now: NOW }))
  await loadDemoKontroll(t.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
  await t.services.occurrenceIndex.settled()
  plans = (await t.services.kontroll.plans.list(systemViewer, { electionYear: 2023, limit: 100 })).items as PlanView[]
}, 180_000)
afterAll(() => closeBrowserSuite(browser, t))

const planOf = (type: string, body: string) => plans.find(p => p.type === type && p.bodies.some(b => b.slug === body))!
const joint = () => planOf('eierskapskontroll', 'gausdal-kontrollutvalg')
const titles = async (planId: number) => (await t.services.kontroll.projects.list(systemViewer, planId)).items.map(p => 'title' in p ? p.title : '')

/** The printed text of the page now (print media emulated): each project's line in order. */
async function printedText (page: Page): Promise<string> {
  await page.emulateMedia({ media: 'print' })
  return page.locator('body').innerText()
}

/** A PDF's pages as Chromium wrote them (its page objects are not compressed). */
const pdfPages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length

describe('the plans in Chromium', () => {
  it('the printed plan contains every project in order with its subject and planned period, and prints as a short A4 PDF', async () => {
    const plan = joint()
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, SEK.email, SEK.roles, SEK.name)
    await page.goto(`${base}/kontroll/plan/${plan.id}`)
    await expectAccessible(page, 'the plan page')
    await page.goto(`${base}/kontroll/plan/${plan.id}/utskrift`)
    await expectAccessible(page, 'the print page (screen)')
    const text = await printedText(page)
    expect(text).not.toContain('Innlogget som')
    expect(text).not.toContain('Skriv ut med nettleserens utskrift')
    expect(text).toContain('Kontrollutvalget i Lillehammer, Kontrollutvalget i Gausdal, Kontrollutvalget i Øyer')
    expect(text).toContain('Plan for eierskapskontroll 2023–2027')
    expect(text).toContain('Kommuneloven § 23-4')
    expect(text).toContain('Kontrollutvalget i Øyer: vedtatt 10. september 2024 (KU-sak 24/31)')
    expect(text).toContain('Kommunestyret i Gausdal: vedtatt 28. november 2024 (KS-sak 24/118)')
    const lines = [
      /1\s+Eierskapskontroll GLØR IKS\s+Felles renovasjonsselskap[^\n]*\s+2\. kvartal 2025/,
      /2\s+Eierskapskontroll Innlandet Revisjon IKS\s+Innlandet Revisjon[^\n]*\s+1\. kvartal 2026/,
      /3\s+Eierskapskontroll Visit Lillehammer AS\s+Visit Lillehammer[^\n]*\s+1\. kvartal 2027/,
    ]
    let from = 0
    for (const line of lines) {
      const m = line.exec(text.slice(from))
      expect(m, String(line)).not.toBeNull()
      from += m!.index + m![0].length
    }
    // Chromium's print path: an A4 PDF of one or two pages.
    const pdf = await page.pdf({ format: 'A4' })
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    const pages = pdfPages(pdf)
    expect(pages).toBeGreaterThanOrEqual(1)
    expect(pages).toBeLessThanOrEqual(2)
    console.info(`the printed joint plan: ${pages} A4 page(s), ${pdf.length} bytes`)
    await context.close()
  }, 120_000)

  it('a sekretariat records Øyer’s kontrollutvalg’s adoption of a revision by keyboard alone, and moves a project with the keyboard', async () => {
    const plan = planOf('forvaltningsrevisjon', 'oyer-kontrollutvalg')
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, SEK.email, SEK.roles, SEK.name)
    await page.goto(`${base}/kontroll/plan/${plan.id}`)
    // Revise by keyboard: the reason, then the button.
    await page.locator('body').focus()
    const toReason = await tabTo(page, '#felt-grunn')
    await page.keyboard.type('Barnevern flyttes til 2027')
    await tabTo(page, 'form[action$="/revider"] button[type="submit"]', 5)
    await Promise.all([page.waitForURL(`${base}/kontroll/plan/${plan.id}`), page.keyboard.press('Enter')])
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Versjon 2 er opprettet som utkast')
    // In the revision (a draft), move the first project down with the keyboard.
    expect(await titles(plan.id)).toEqual(['Vann og avløp – vedlikehold og investeringer', 'Barnevern – tiltak og oppfølging'])
    await page.locator('body').focus()
    await tabTo(page, 'button[name="retning"][value="ned"]')
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')])
    await expect.poll(() => page.locator('.flash').textContent()).toContain('er flyttet ned til nummer 2')
    expect(await titles(plan.id)).toEqual(['Barnevern – tiltak og oppfølging', 'Vann og avløp – vedlikehold og investeringer'])
    // Record the kontrollutvalg's adoption: the member (one), «Kontrollutvalget», today's date, the saksnummer, Enter.
    await page.locator('body').focus()
    const toMember = await tabTo(page, '#felt-kontrollutvalg')
    const toSaksnummer = await tabTo(page, '#felt-saksnummer', 10)
    await page.keyboard.type('KU-sak 26/44')
    await Promise.all([page.waitForURL(`${base}/kontroll/plan/${plan.id}#vedtak`), page.keyboard.press('Enter')])
    await expect.poll(() => page.locator('.flash').textContent()).toBe('Kontrollutvalgets vedtak er registrert (Kontrollutvalget i Øyer).')
    expect(await page.locator('tr[data-body="oyer-kontrollutvalg"]').textContent()).toContain('1. desember 2026, KU-sak 26/44')
    const stored = await t.services.kontroll.plans.get(systemViewer, plan.id)
    expect(stored).toMatchObject({ version: 2, status: 'adopted_ku', adoptions: [{ kuAdoptedOn: '2026-12-01', kuCaseRef: 'KU-sak 26/44', ksAdoptedOn: null }] })
    console.info(`keyboard: ${toReason} Tab to the reason, ${toMember} Tab to the kontrollutvalg, ${toSaksnummer} Tab to the saksnummer, typing, Enter`)
    await expectAccessible(page, 'the plan page after recording an adoption')
    // A KS date before the KU's: the form again naming the field, focus can go from the summary to it.
    await page.check('input[name="organ"][value="ks"]')
    await page.fill('#felt-dato', '2026-11-20')
    await page.fill('#felt-saksnummer', 'KS-sak 26/120')
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Registrer vedtaket' }).click()])
    expect(await page.locator('.error-summary').textContent()).toContain('Vedtaksdato: Kommunestyret vedtar planen etter kontrollutvalget')
    expect(await page.locator('#felt-dato').getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('#felt-saksnummer').inputValue()).toBe('KS-sak 26/120')
    await expectAccessible(page, 'the plan page with a form error')
    // The earlier version, as it was.
    await page.goto(`${base}/kontroll/plan/${plan.id}/versjon/1`)
    expect(await page.locator('tr[data-body="oyer-kontrollutvalg"]').textContent()).toContain('28. mai 2024, KU-sak 24/15')
    expect(await page.locator('ol.plan-print-projects').innerText()).toMatch(/Vann og avløp[\s\S]*Barnevern/)
    await expectAccessible(page, 'an earlier version')
    await context.close()
  }, 120_000)

  it('fits 375 px: the plan page, an earlier version, the print page and planlegg', async () => {
    const plan = planOf('forvaltningsrevisjon', 'lillehammer-kontrollutvalg')
    const context = await newContext(browser, { width: 375, height: 800 })
    const page = await context.newPage()
    await signInBrowser(page, t, base, SEK.email, SEK.roles, SEK.name)
    await page.goto(`${base}/kontroll/plan/${joint().id}`)
    await expectFitsPhone(page, 'kontroll-plan')
    await expectAccessible(page, 'the plan page at 375 px')
    await page.goto(`${base}/kontroll/plan/${plan.id}/utskrift`)
    await expectFitsPhone(page, 'kontroll-plan-utskrift')
    await page.goto(`${base}/kontroll/plan/${plan.id}/versjon/1`)
    await expectFitsPhone(page, 'kontroll-plan-versjon')
    await page.goto(`${base}/kontroll/lillehammer-kontrollutvalg/planlegg?valgperiode=2023`)
    await expectFitsPhone(page, 'kontroll-planlegg')
    await expectAccessible(page, 'planlegg at 375 px')
    await context.close()
  }, 120_000)

  it('planlegg: a sekretariat ticks a ranked subject, gives it a title, year, quarter and kind, and sees it in the plan', async () => {
    const fr = planOf('forvaltningsrevisjon', 'gausdal-kontrollutvalg')
    // Gausdal's plan is adopted: new projects go into a revision of it.
    await t.services.kontroll.plans.revise(DEMO_ACTOR, fr.id, { reason: 'Nye prosjekter fra rangeringen' })
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, SEK.email, SEK.roles, SEK.name)
    await page.goto(`${base}/kontroll/gausdal-kontrollutvalg/planlegg?valgperiode=2023`)
    await expectAccessible(page, 'planlegg')
    const row = page.locator('tr', { has: page.locator('td[data-label="Emne"]', { hasText: 'Skole (Gausdal)' }) })
    await row.getByRole('checkbox', { name: 'Ta med Skole (Gausdal)' }).check()
    await row.getByRole('textbox', { name: 'Tittel for Skole (Gausdal)' }).fill('Skole – tilpasset opplæring')
    await row.getByRole('combobox', { name: 'År for Skole (Gausdal)' }).selectOption('2026')
    await row.getByRole('combobox', { name: 'Kvartal for Skole (Gausdal)' }).selectOption('3')
    await Promise.all([page.waitForURL(`${base}/kontroll/plan/${fr.id}`), page.getByRole('button', { name: 'Legg de valgte inn i planen' }).click()])
    await expect.poll(() => page.locator('.flash').textContent()).toContain('1 prosjekt er lagt til i «Plan for forvaltningsrevisjon 2024–2027, Gausdal»')
    expect(await page.locator('table.plan-projects').innerText()).toMatch(/Skole – tilpasset opplæring\s+Skole \(Gausdal\)\s+3\. kvartal 2026/)
    await expectAccessible(page, 'the plan page after planlegg')
    // The revision adopted again, as the tests below expect an adopted plan.
    await t.services.kontroll.plans.update(DEMO_ACTOR, fr.id, { kuAdoptedOn: '2026-11-30', kuCaseRef: 'KU-sak 26/50' })
    await context.close()
  }, 120_000)

  it('a sekretariat of one kontrollutvalg cannot change another’s plan; an editor reads the plan with no forms; forged posts are 403 pages', async () => {
    const lillehammer = planOf('forvaltningsrevisjon', 'lillehammer-kontrollutvalg')
    const gausdal = planOf('forvaltningsrevisjon', 'gausdal-kontrollutvalg')
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, 'gunn@example.no', [{ role: 'sekretariat', kontrollutvalg: 'gausdal-kontrollutvalg' }], 'Gunn Gausdal')
    await page.goto(`${base}/kontroll/plan/${lillehammer.id}`)
    expect(await page.locator('form[method="post"][action^="/kontroll/plan/"]').count()).toBe(0)
    expect(await page.locator('main').innerText()).toContain('Du kan lese planen, men ikke endre den')
    // Its own plan's revise form, pointed at Lillehammer's: a clear 403 page, nothing changed.
    await page.goto(`${base}/kontroll/plan/${gausdal.id}`)
    const before = await t.snapshot()
    await page.locator('form[action$="/revider"]').evaluate((f, action) => f.setAttribute('action', action), `/kontroll/plan/${lillehammer.id}/revider`)
    await page.fill('#felt-grunn', 'Fra Gausdal')
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Revider planen' }).click()])
    expect(await page.locator('h1').textContent()).toBe('Ikke tillatt')
    expect(await page.locator('main').innerText()).toContain('Bare sekretariatet for kontrollutvalgene i planen og administratorer kan endre planen.')
    await expectAccessible(page, 'the 403 page')
    expect(await t.snapshot()).toBe(before)
    await context.close()

    const editorContext = await newContext(browser)
    const editor = await editorContext.newPage()
    await signInBrowser(editor, t, base, 'per@gausdal.kommune.no', [{ role: 'editor', municipality: 'gausdal' }], 'Per Hansen')
    await editor.goto(`${base}/kontroll/plan/${gausdal.id}`)
    expect(await editor.locator('h1').textContent()).toBe(gausdal.title)
    expect(await editor.locator('table.plan-projects').innerText()).toContain('Kvalitet og bemanning i hjemmetjenesten')
    expect(await editor.locator('form[method="post"][action^="/kontroll/plan/"]').count()).toBe(0)
    await expectAccessible(editor, 'the plan page read by an editor')
    // A forged form from the editor's session: a 403 page, nothing changed.
    const snapshot = await t.snapshot()
    await editor.evaluate(({ action }) => {
      const csrf = (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value
      const f = document.createElement('form')
      f.method = 'post'
      f.action = action
      for (const [k, v] of [['_csrf', csrf], ['kontrollutvalg', 'gausdal-kontrollutvalg'], ['organ', 'ku'], ['dato', '2026-11-30'], ['saksnummer', 'KU-sak 26/99']]) {
        const i = document.createElement('input')
        i.type = 'hidden'
        i.name = k!
        i.value = v!
        f.append(i)
      }
      document.body.append(f)
      f.submit()
    }, { action: `/kontroll/plan/${gausdal.id}/vedtak` })
    await editor.waitForURL(`${base}/kontroll/plan/${gausdal.id}/vedtak`)
    expect(await editor.locator('h1').textContent()).toBe('Ikke tillatt')
    expect(await t.snapshot()).toBe(snapshot)
    await editorContext.close()
  }, 120_000)

  it('the «Done» walkthrough: revise the joint plan, add Skåppå, record the kontrollutvalg’s adoption with a saksnummer, print — clicks counted', async () => {
    const plan = joint()
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, SEK.email, SEK.roles, SEK.name)
    let clicks = 0
    const click = async (locator: ReturnType<Page['locator']>) => { clicks++; await locator.click() }
    const steps: string[] = []
    const step = (s: string) => steps.push(`${s} (${clicks})`)
    await page.goto(`${base}/kontroll`)
    // 1. From the start page to the joint plan.
    await Promise.all([page.waitForURL(`${base}/kontroll/plan/${plan.id}`), click(page.locator(`a[href="/kontroll/plan/${plan.id}"]`).first())])
    step('open the joint plan')
    // 2. «Revider planen» with the reason.
    await click(page.locator('#felt-grunn'))
    await page.keyboard.type('Ny eierskapskontroll av Skåppå kunnskapspark AS')
    await Promise.all([page.waitForURL(`${base}/kontroll/plan/${plan.id}`), click(page.getByRole('button', { name: 'Revider planen' }))])
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Versjon 2 er opprettet som utkast')
    step('revise')
    // 3. «Legg til prosjekt» (the projects helper's page): Skåppå, a title, year and quarter.
    await Promise.all([page.waitForURL(`${base}/kontroll/plan/${plan.id}/prosjekt/ny`), click(page.getByRole('link', { name: 'Legg til prosjekt' }))])
    const skappa = await page.locator('#felt-emne option', { hasText: 'Skåppå' }).first().getAttribute('value')
    clicks++
    await page.selectOption('#felt-emne', skappa!)
    await click(page.locator('#felt-tittel'))
    await page.keyboard.type('Eierskapskontroll Skåppå kunnskapspark AS')
    clicks++
    await page.selectOption('#felt-planlagtAr', '2027')
    clicks++
    await page.selectOption('#felt-kvartal', '2')
    await Promise.all([page.waitForURL(new RegExp(`/kontroll/plan/${plan.id}#prosjekt-\\d+$`)), click(page.getByRole('button', { name: 'Legg til prosjektet' }))])
    step('add Skåppå')
    // 4. Back on the plan: record the kontrollutvalg's adoption (all three, one joint meeting) with its saksnummer.
    await click(page.locator('#felt-saksnummer'))
    await page.keyboard.type('KU-sak 26/50')
    await Promise.all([page.waitForURL(`${base}/kontroll/plan/${plan.id}#vedtak`), click(page.getByRole('button', { name: 'Registrer vedtaket' }))])
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Kontrollutvalgets vedtak er registrert')
    step('record the KU adoption')
    for (const slug of THREE) expect(await page.locator(`tr[data-body="${slug}"]`).textContent()).toContain('1. desember 2026, KU-sak 26/50')
    expect(await page.locator('.plan-facts').innerText()).toContain('Vedtatt av kontrollutvalget (versjon 2)')
    // 5. Print.
    await Promise.all([page.waitForURL(`${base}/kontroll/plan/${plan.id}/utskrift`), click(page.getByRole('link', { name: 'Utskrift (A4)' }))])
    step('print')
    const text = await printedText(page)
    expect(text).toMatch(/4\s+Eierskapskontroll Skåppå kunnskapspark AS\s+Skåppå[^\n]*\s+2\. kvartal 2027/)
    expect(text).toContain('Versjon 2 · Vedtatt av kontrollutvalget')
    expect(text).toContain('Kontrollutvalget i Gausdal: vedtatt 1. desember 2026 (KU-sak 26/50)')
    expect(text).toContain('Kommunestyret i Gausdal: ikke vedtatt')
    const pdf = await page.pdf({ format: 'A4' })
    expect(pdfPages(pdf)).toBeLessThanOrEqual(2)
    console.info(`Done walkthrough (plans): ${clicks} clicks from /kontroll — ${steps.join(' → ')}; then the browser's print (Ctrl+P)`)
    // Open 1, revise 2, add the project 6 (link, subject, title, year, quarter, button; it returns to the plan),
    // saksnummer and button 2 (the member «Alle», «Kontrollutvalget» and today's date come chosen), print 1.
    expect(clicks).toBe(12)
    // The stored plan agrees: version 2 adopted by the three kontrollutvalg, Skåppå last, version 1 as it was.
    const stored = await t.services.kontroll.plans.get(systemViewer, plan.id)
    expect(stored).toMatchObject({ version: 2, status: 'adopted_ku', inForce: 2 })
    expect((await titles(plan.id)).at(-1)).toBe('Eierskapskontroll Skåppå kunnskapspark AS')
    const audit = await t.sql.all<{ actor: string }>("select actor from audit_log where entity_type = 'kontroll_plan' and entity_id = ? order by id desc limit 3", String(plan.id))
    expect(audit.every(a => a.actor === 'Siri Sekretær <sek@example.no>')).toBe(true)
    await page.emulateMedia({ media: 'screen' })
    await page.goto(`${base}/kontroll/plan/${plan.id}/versjon/1`)
    expect(await page.locator('ol.plan-print-projects').innerText()).not.toContain('Skåppå')
    await expectAccessible(page, 'version 1 of the joint plan')
    await context.close()
  }, 180_000)
})
