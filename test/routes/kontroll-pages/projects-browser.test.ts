import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { expectAccessible, expectFitsPhone, newContext, tabTo, openBrowserSuite, closeBrowserSuite } from '../../helpers/browser.js'
import { signInBrowser } from '../../helpers/people.js'
import type { TestApp } from '../../helpers/app.js'
import { DEMO_ACTOR, loadDemoKontroll, readDemoKontroll } from '../../../src/kontroll/demo.js'
import { systemViewer } from '../../../src/services/access.js'
import type { ProjectView } from '../../../src/services/kontroll/shared.js'

// A project's page in Chromium against a real server (issue 15, item 4): the secretariat serving the three
// kontrollutvalg records a report delivered with saksnummer — by mouse on the joint eierskapskontroll plan, by
// keyboard alone on Lillehammer's plan — and adds an eierskapskontroll of Skåppå kunnskapspark to the joint plan,
// counting the steps. axe 0 violations, 375 px without sideways scroll.
const NOW = '2026-12-01T10:00:00Z'
const ALL_THREE = ['lillehammer-kontrollutvalg', 'gausdal-kontrollutvalg', 'oyer-kontrollutvalg'].map(kontrollutvalg => ({ role: 'sekretariat' as const, kontrollutvalg }))
let browser: Browser
let t: TestApp
let base: string
/** The order Chromium's date field takes its parts in when typed (it follows the browser's own locale, not the page's). */
let dateOrder: Array<'day' | 'month' | 'year'>

/** New projects go into a draft: the demo's adopted plan is revised first (as the plan page asks). */
async function toDraft (planId: number): Promise<void> {
  if ((await t.services.kontroll.plans.get(systemViewer, planId)).status !== 'draft') {
    await t.services.kontroll.plans.revise(DEMO_ACTOR, planId, { reason: 'Nye prosjekter' })
  }
}

beforeAll(async () => {
  ({ browser, t, base } = await openBrowserSuite({ now: NOW }))
  await loadDemoKontroll(t.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
  const probe = await (await newContext(browser)).newPage()
  await probe.setContent('<input type="date" id="d" aria-label="d">')
  await probe.focus('#d')
  await probe.keyboard.type('01022003')
  dateOrder = (await probe.inputValue('#d')) === '2003-02-01' ? ['day', 'month', 'year'] : ['month', 'day', 'year']
  await probe.context().close()
}, 120_000)
afterAll(() => closeBrowserSuite(browser, t))

async function projectIn (type: 'eierskapskontroll' | 'forvaltningsrevisjon', planTitle: string, title: string): Promise<ProjectView> {
  const plan = ((await t.services.kontroll.plans.list(systemViewer, { electionYear: 2023, type })).items as Array<{ id: number; title: string }>).find(p => p.title.startsWith(planTitle))!
  return ((await t.services.kontroll.projects.list(systemViewer, plan.id)).items as ProjectView[]).find(p => p.title === title)!
}
/** The keys that type an ISO date into a focused date field. */
const dateKeys = (iso: string): string => dateOrder.map(part => part === 'year' ? iso.slice(0, 4) : part === 'month' ? iso.slice(5, 7) : iso.slice(8, 10)).join('')
const reportOccurrences = async (p: ProjectView) =>
  Promise.all(p.milestones.filter(m => m.milestone === 'report').map(m => t.services.occurrences.get(m.occurrenceId, systemViewer)))

describe('the project page in Chromium', () => {
  it('the sekretariat records the joint plan’s late report delivered with saksnummer by mouse', async () => {
    const p = await projectIn('eierskapskontroll', 'Felles plan', 'Eierskapskontroll Innlandet Revisjon IKS')
    const url = `${base}/kontroll/plan/${p.planId}/prosjekt/${p.id}`
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, 'sek@example.no', ALL_THREE, 'Siri Sekretær')
    await page.goto(url)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Eierskapskontroll Innlandet Revisjon IKS')
    expect(await page.locator('#steg-rapport').textContent()).toContain('Forsinket: 245 dager over planlagt dato')
    await expectAccessible(page, 'the project page, signed in')
    let clicks = 0
    await page.locator('#felt-rapport-utfort').click(); clicks++
    await page.locator('#felt-rapport-utfort').fill('2026-11-20')
    await page.locator('#felt-rapport-saksnummer').click(); clicks++
    await page.keyboard.type('KU-sak 26/40')
    await Promise.all([page.waitForURL(url), page.getByRole('button', { name: 'Lagre revisjonsrapport' }).click()]); clicks++
    expect(clicks).toBe(3)
    await expect.poll(() => page.locator('.flash').textContent()).toBe('Revisjonsrapport er lagret.')
    const row = await page.locator('#steg-rapport').textContent()
    expect(row).toContain('20. november 2026')
    expect(row).toContain('Levert')
    expect(row).toContain('KU-sak 26/40')
    expect(row).not.toContain('Forsinket')
    for (const o of await reportOccurrences(p)) expect(o).toMatchObject({ status: 'delivered', deliveredOn: '2026-11-20', caseNumber: 'KU-sak 26/40' })
    await expectAccessible(page, 'the project page after saving')
    // A done date in the future: the form comes back naming the field.
    await page.locator('#felt-kontrollutvalg-utfort').fill('2026-12-24')
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Lagre behandling i kontrollutvalget' }).click()])
    expect(await page.locator('.error-summary').textContent()).toContain('Behandling i kontrollutvalget: dato behandlet: Datoen kan ikke være fram i tid')
    expect(await page.locator('#felt-kontrollutvalg-utfort').getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('#felt-kontrollutvalg-utfort').inputValue()).toBe('2026-12-24')
    await expectAccessible(page, 'the project page with a form error')
    // The calendar link goes to the occurrence.
    await Promise.all([page.waitForURL(/\/hendelse\//), page.locator('#steg-rapport a').first().click()])
    expect(await page.locator('#status-tekst').textContent()).toContain('Levert')
    await context.close()
  }, 90_000)

  it('the sekretariat records Lillehammer’s late report delivered with saksnummer by keyboard alone', async () => {
    const p = await projectIn('forvaltningsrevisjon', 'Plan for forvaltningsrevisjon 2024–2027, Lillehammer', 'Byggesaksbehandling')
    const url = `${base}/kontroll/plan/${p.planId}/prosjekt/${p.id}`
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, 'sek@example.no', ALL_THREE, 'Siri Sekretær')
    await page.goto(url)
    await expect.poll(() => page.locator('#steg-rapport').textContent()).toContain('Forsinket')
    await page.locator('body').focus()
    const tabs = await tabTo(page, '#felt-rapport-utfort')
    await page.keyboard.type(dateKeys('2026-11-25'))
    const more = await tabTo(page, '#felt-rapport-saksnummer')
    await page.keyboard.type('KU-sak 26/44')
    const toButton = await tabTo(page, 'form[action$="/steg/rapport"] button[type="submit"]')
    console.info(`keyboard: ${tabs} Tab to «Dato levert», typing, ${more} Tab to Saksnummer, typing, ${toButton} Tab to «Lagre revisjonsrapport», Enter`)
    expect(toButton).toBe(1)
    await Promise.all([page.waitForURL(url), page.keyboard.press('Enter')])
    await expect.poll(() => page.locator('.flash').textContent()).toBe('Revisjonsrapport er lagret.')
    expect(await page.locator('#steg-rapport').textContent()).toContain('KU-sak 26/44')
    const stored = await t.services.kontroll.projects.get(systemViewer, p.planId, p.id)
    expect([stored.reportDeliveredOn, stored.caseRefs.report, stored.status]).toEqual(['2026-11-25', 'KU-sak 26/44', 'reported'])
    for (const o of await reportOccurrences(stored)) expect(o).toMatchObject({ status: 'delivered', caseNumber: 'KU-sak 26/44' })
    const actors = (await t.sql.all<{ actor: string }>("select actor from audit_log where entity_type = 'kontroll_project' and entity_id = ? order by id", String(p.id))).map(r => r.actor)
    expect(actors.at(-1)).toContain('Siri Sekretær')
    await context.close()
  }, 90_000)

  it('adds an eierskapskontroll of Skåppå kunnskapspark to the joint plan in three steps', async () => {
    const joint = await projectIn('eierskapskontroll', 'Felles plan', 'Eierskapskontroll GLØR IKS')
    await toDraft(joint.planId)
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, 'sek@example.no', ALL_THREE, 'Siri Sekretær')
    await page.goto(`${base}/kontroll/plan/${joint.planId}/prosjekt/ny`)
    await expectAccessible(page, 'the new-project form')
    let steps = 0
    await page.getByLabel('Hva kontrolleres').selectOption({ label: 'Skåppå kunnskapspark (AS) – Lillehammer, Gausdal – ingen kontroll i perioden' }); steps++
    await page.getByLabel('Planlagt år').selectOption('2027'); steps++
    await Promise.all([page.waitForURL(new RegExp(`/kontroll/plan/${joint.planId}#prosjekt-\\d+$`)), page.getByRole('button', { name: 'Legg til prosjektet' }).click()]); steps++
    console.info(`new project: ${steps} steps on the form (choose the company, the year, press «Legg til prosjektet»), one more from the plan's «Legg til prosjekt»`)
    expect(steps).toBe(3)
    // Back on the plan with the new project in its list; its page is one link away.
    expect(await page.locator('.flash').textContent()).toBe('Prosjektet «Eierskapskontroll Skåppå kunnskapspark» er lagt til i planen.')
    await Promise.all([page.waitForURL(/\/prosjekt\/\d+$/), page.locator('table.plan-projects').getByRole('link', { name: 'Eierskapskontroll Skåppå kunnskapspark' }).click()])
    await expect.poll(() => page.locator('h1').textContent()).toBe('Eierskapskontroll Skåppå kunnskapspark')
    expect(await page.locator('.project-facts').textContent()).toContain('Skåppå kunnskapspark (AS)')
    // The report is due at the end of 2027, one occurrence per kontrollutvalg of the joint plan.
    expect(await page.locator('#steg-rapport a').count()).toBe(3)
    await context.close()
  }, 90_000)

  it('shows a sekretariat of one member the joint plan’s project without forms, and a clear 403 page for its new-project form', async () => {
    const p = await projectIn('eierskapskontroll', 'Felles plan', 'Eierskapskontroll Visit Lillehammer AS')
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, 'gausdal-sek@example.no', [{ role: 'sekretariat', kontrollutvalg: 'gausdal-kontrollutvalg' }], 'Gunn Gausdal')
    await page.goto(`${base}/kontroll/plan/${p.planId}/prosjekt/${p.id}`)
    expect(await page.locator('form.step-form').count()).toBe(0)
    expect(await page.locator('main').textContent()).toContain('Du kan se prosjektet, men ikke endre det')
    const res = await page.goto(`${base}/kontroll/plan/${p.planId}/prosjekt/ny`)
    expect(res?.status()).toBe(403)
    expect(await page.locator('main').textContent()).toContain('Bare sekretariatet for kontrollutvalget og administratorer kan endre kontrollplaner')
    await expectAccessible(page, 'the 403 page')
    await context.close()
  }, 90_000)

  it('fits a 375 px phone: the project page and the new-project form', async () => {
    const p = await projectIn('eierskapskontroll', 'Felles plan', 'Eierskapskontroll GLØR IKS')
    await toDraft(p.planId)
    const context = await newContext(browser, { width: 375, height: 800 })
    const page = await context.newPage()
    await signInBrowser(page, t, base, 'sek@example.no', ALL_THREE, 'Siri Sekretær')
    await page.goto(`${base}/kontroll/plan/${p.planId}/prosjekt/${p.id}`)
    await expectFitsPhone(page, 'kontroll-prosjekt')
    await expectAccessible(page, 'the project page at 375 px')
    await page.goto(`${base}/kontroll/plan/${p.planId}/prosjekt/ny`)
    await expectFitsPhone(page, 'kontroll-prosjekt-ny')
    await expectAccessible(page, 'the new-project form at 375 px')
    await context.close()
  }, 90_000)
})
