import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { closeBrowserSuite, expectAccessible, expectFitsPhone, newContext, openBrowserSuite, tabTo } from '../../helpers/browser.js'
import { signInBrowser } from '../../helpers/people.js'
import type { TestApp } from '../../helpers/app.js'
import { DEMO_ACTOR, loadDemoKontroll, readDemoKontroll } from '../../../src/kontroll/demo.js'
import type { RoleRef } from '../../../src/services/people.js'

// The overordnet analyse in Chromium against a real server (issue 15): the sekretariat serving the three
// kontrollutvalg opens Gausdal's analyse and scores Skåppå kunnskapspark (not assessed in the demo) — by
// mouse counting clicks, and by keyboard alone counting key presses; axe and 375 px on every page.
const NOW = '2026-12-01T10:00:00Z'
const SEK = 'sek@example.no'
const SEK_ROLES: RoleRef[] = ['lillehammer-kontrollutvalg', 'gausdal-kontrollutvalg', 'oyer-kontrollutvalg'].map(kontrollutvalg => ({ role: 'sekretariat', kontrollutvalg }))
let browser: Browser
let t: TestApp
let base: string

beforeAll(async () => {
  ({ browser, t, base } = await openBrowserSuite({ now: NOW }))
  await loadDemoKontroll(t.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
  await t.services.occurrenceIndex.settled()
}, 120_000)
afterAll(() => closeBrowserSuite(browser, t))

const skappa = () => t.sql.all<{ id: number; risk: number; materiality: number; justification: string; assessedOn: string }>(`select r.id, r.risk, r.materiality, r.justification, r.assessed_on as "assessedOn" from risk_assessment r
  join collaboration c on c.id = r.collaboration_id where c.slug = 'skappa-kunnskapspark' and r.deleted = 0 order by r.id`)
const auditActors = async (id: number) => (await t.sql.all<{ actor: string }>("select actor from audit_log where entity_type = 'risk_assessment' and entity_id = ? order by id", String(id))).map(r => r.actor)
const row = (page: Page) => page.locator('#emne-skappa-kunnskapspark')

// Each walk-through starts from the demo as it is: Skåppå not assessed.
beforeEach(async () => {
  for (const a of await skappa()) await t.services.kontroll.assessments.remove(DEMO_ACTOR, a.id)
})

describe('the overordnet analyse in Chromium', () => {
  it('the sekretariat goes from /kontroll to Gausdal’s analyse and scores Skåppå kunnskapspark with the mouse (clicks counted); axe', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, SEK, SEK_ROLES, 'Siri Sekretær')
    let clicks = 0
    const click = async (locator: ReturnType<Page['locator']>) => { clicks++; await locator.click() }
    // From the workspace's start page: Gausdal's section links to its analyse.
    await page.goto(`${base}/kontroll`)
    await click(page.locator('[data-kontrollutvalg="gausdal-kontrollutvalg"]').getByRole('link', { name: 'Overordnet analyse for Gausdal' }))
    await page.waitForURL(/\/kontroll\/gausdal-kontrollutvalg\/analyse\?valgperiode=2023$/)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Overordnet analyse – Gausdal')
    expect(await row(page).textContent()).toContain('Ikke vurdert')
    await expectAccessible(page, 'the analyse page')
    await click(page.getByRole('link', { name: 'Vurder Skåppå kunnskapspark' }))
    await page.waitForURL(/\/analyse\/vurder\?/)
    expect(await page.locator('h1').textContent()).toBe('Vurder Skåppå kunnskapspark')
    await expectAccessible(page, 'the scoring form')
    await click(page.getByRole('group', { name: 'Risiko' }).getByLabel('3 – middels'))
    await click(page.getByRole('group', { name: 'Vesentlighet' }).getByLabel('4 – ganske høy'))
    await click(page.getByLabel('Begrunnelse'))
    await page.keyboard.type('Ny næringshage; kommunene garanterer for lån.')
    // The date is today already.
    expect(await page.getByLabel('Vurdert dato').inputValue()).toBe('2026-12-01')
    await Promise.all([page.waitForURL(/\/kontroll\/gausdal-kontrollutvalg\/analyse\?valgperiode=2023#emne-skappa-kunnskapspark$/), click(page.getByRole('button', { name: 'Lagre vurderingen' }))])
    await expect.poll(() => page.locator('.flash').textContent()).toBe('Vurderingen av Skåppå kunnskapspark er lagret: risiko 3, vesentlighet 4 (12).')
    // From /kontroll: «Overordnet analyse» in Gausdal's section, «Vurder», 3, 4, the rationale, «Lagre vurderingen».
    expect(clicks).toBe(6)
    console.info(`mouse: ${clicks} clicks from /kontroll to a saved assessment of Skåppå kunnskapspark (and typing the rationale)`)
    expect((await row(page).textContent())!.replace(/\s+/g, ' ')).toContain('Skåppå kunnskapspark AS · eier 3 4 12 (høy) Ny næringshage; kommunene garanterer for lån. 1. desember 2026')
    // In the matrix table, in the cell risiko 3 × vesentlighet 4.
    const cell = page.locator('table.matrix-table tr', { has: page.locator('th', { hasText: 'Risiko 3' }) }).locator('td').nth(3)
    expect(await cell.textContent()).toContain('Skåppå kunnskapspark')
    const [stored] = await skappa()
    expect(stored).toMatchObject({ risk: 3, materiality: 4, justification: 'Ny næringshage; kommunene garanterer for lån.', assessedOn: '2026-12-01' })
    expect(await auditActors(stored!.id)).toEqual(['Siri Sekretær <sek@example.no>'])
    await expectAccessible(page, 'the analyse page after saving')
    // Lillehammer (the other owner) shows the same assessment.
    await page.goto(`${base}/kontroll/lillehammer-kontrollutvalg/analyse`)
    expect((await row(page).textContent())!.replace(/\s+/g, ' ')).toContain('3 4 12 (høy) Ny næringshage')
    await context.close()
  }, 120_000)

  it('the same by keyboard alone (Tab, arrows, typing, Enter), and a date in the future comes back naming the field', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, SEK, SEK_ROLES, 'Siri Sekretær')
    await page.goto(`${base}/kontroll/gausdal-kontrollutvalg/analyse`)
    await page.locator('body').focus()
    let keys = 0
    const press = async (key: string) => { keys++; await page.keyboard.press(key) }
    keys += await tabTo(page, 'a[href*="selskap=skappa-kunnskapspark"]')
    await Promise.all([page.waitForURL(/\/analyse\/vurder\?/), press('Enter')])
    await page.locator('body').focus()
    keys += await tabTo(page, '#felt-risiko')
    // The first radio has focus; the arrow keys choose within the group.
    await press('ArrowRight')
    await press('ArrowRight')
    keys += await tabTo(page, '#felt-vesentlighet')
    for (let i = 0; i < 3; i++) await press('ArrowRight')
    keys += await tabTo(page, '#felt-begrunnelse')
    await page.keyboard.type('Lånegaranti; styret mangler instruks.')
    // A date in the future (typed into Chromium's date field: month, day, year).
    keys += await tabTo(page, '#felt-dato')
    await page.keyboard.type('12312026')
    keys += await tabTo(page, 'button[type="submit"]')
    await Promise.all([page.waitForLoadState('load'), press('Enter')])
    expect(await page.locator('.error-summary').textContent()).toContain('Vurdert dato: Datoen kan ikke være fram i tid.')
    expect(await page.locator('#felt-dato').getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('#felt-risiko-3').isChecked()).toBe(true)
    expect(await page.locator('#felt-vesentlighet-4').isChecked()).toBe(true)
    expect(await page.locator('#felt-begrunnelse').inputValue()).toBe('Lånegaranti; styret mangler instruks.')
    expect(await skappa()).toEqual([])
    await expectAccessible(page, 'the scoring form with an error')
    // The summary's link takes the keyboard to the date; today, then save.
    await page.locator('.error-summary a').focus()
    await Promise.all([page.waitForFunction(() => document.activeElement?.id === 'felt-dato'), page.keyboard.press('Enter')])
    await page.keyboard.type('12012026')
    await tabTo(page, 'button[type="submit"]')
    await Promise.all([page.waitForURL(/#emne-skappa-kunnskapspark$/), page.keyboard.press('Enter')])
    await expect.poll(() => page.locator('.flash').textContent()).toBe('Vurderingen av Skåppå kunnskapspark er lagret: risiko 3, vesentlighet 4 (12).')
    console.info(`keyboard: ${keys} key presses from Gausdal's analyse page to the form submitted (Tab to «Vurder Skåppå», Enter, Tabs and arrows, typing the rationale and date not counted)`)
    expect(keys).toBeLessThan(200)
    const [stored] = await skappa()
    expect(stored).toMatchObject({ risk: 3, materiality: 4, justification: 'Lånegaranti; styret mangler instruks.', assessedOn: '2026-12-01' })
    expect(await auditActors(stored!.id)).toEqual(['Siri Sekretær <sek@example.no>'])
    await context.close()
  }, 120_000)

  it('fits 375 px (the matrix scales, the list becomes cards, the matrix table scrolls in its own region); an editor reads without forms and gets a 403 page', async () => {
    const context = await newContext(browser, { width: 375, height: 800 })
    const page = await context.newPage()
    await signInBrowser(page, t, base, SEK, SEK_ROLES, 'Siri Sekretær')
    await page.goto(`${base}/kontroll/gausdal-kontrollutvalg/analyse`)
    await expectFitsPhone(page, 'kontroll-analyse')
    const svg = await page.locator('svg.risk-matrix-svg').boundingBox()
    expect(svg!.width).toBeLessThanOrEqual(375)
    expect(await page.locator('svg.risk-matrix-svg').getAttribute('aria-hidden')).toBe('true')
    expect(await page.locator('table.analyse-ranking thead').evaluate(e => getComputedStyle(e).position)).toBe('absolute')
    expect(await page.locator('.matrix-scroll').evaluate(e => e.scrollWidth > e.clientWidth)).toBe(true)
    await expectAccessible(page, 'the analyse page at 375 px')
    await page.goto(`${base}/kontroll/gausdal-kontrollutvalg/analyse/vurder?valgperiode=2023&selskap=skappa-kunnskapspark`)
    await expectFitsPhone(page, 'kontroll-analyse-vurder')
    await expectAccessible(page, 'the scoring form at 375 px')
    await context.close()

    const editorContext = await newContext(browser)
    const editor = await editorContext.newPage()
    await signInBrowser(editor, t, base, 'per@gausdal.kommune.no', [{ role: 'editor', municipality: 'gausdal' }], 'Per Hansen')
    await editor.goto(`${base}/kontroll/gausdal-kontrollutvalg/analyse`)
    expect(await editor.locator('a[href*="/analyse/vurder"]').count()).toBe(0)
    expect(await editor.locator('main').textContent()).toContain('Du kan lese analysen, men ikke endre den')
    await expectAccessible(editor, 'the analyse page for an editor')
    const before = await t.snapshot()
    await editor.goto(`${base}/kontroll/gausdal-kontrollutvalg/analyse/vurder?valgperiode=2023&selskap=skappa-kunnskapspark`)
    expect(await editor.locator('h1').textContent()).toBe('Ikke tillatt')
    await expectAccessible(editor, 'the 403 page')
    expect(await t.snapshot()).toBe(before)
    await editorContext.close()
  }, 120_000)
})
