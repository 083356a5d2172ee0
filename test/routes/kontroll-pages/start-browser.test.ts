import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowserSuite, expectAccessible, expectFitsPhone, newContext, openBrowserSuite, tabTo } from '../../helpers/browser.js'
import { signInBrowser } from '../../helpers/people.js'
import type { TestApp } from '../../helpers/app.js'
import { loadDemoKontroll, readDemoKontroll, DEMO_ACTOR } from '../../../src/kontroll/demo.js'

// The secretariat's start page (issue 15, item 1) in Chromium against a real server: the secretariat serving the
// three kontrollutvalg of the region, with the demo plans loaded, on 1 December 2026.
const NOW = '2026-12-01T10:00:00Z'
const SERVED = ['lillehammer-kontrollutvalg', 'gausdal-kontrollutvalg', 'oyer-kontrollutvalg']
let browser: Browser
let t: TestApp
let base: string

beforeAll(async () => {
  ({ browser, t, base } = await openBrowserSuite({ now: NOW }))
  await loadDemoKontroll(t.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
}, 120_000)
afterAll(() => closeBrowserSuite(browser, t))

const signInSekretariat = (page: Parameters<typeof signInBrowser>[0]) =>
  signInBrowser(page, t, base, 'sek@region.no', SERVED.map(kontrollutvalg => ({ role: 'sekretariat' as const, kontrollutvalg })), 'Siri Sekretær')

describe('the kontroll start page in Chromium', () => {
  it('reaches the page from the header, passes axe, and the keyboard reaches a section, an overdue item and a plan', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInSekretariat(page)
    await page.goto(`${base}/`)
    await Promise.all([page.waitForURL(`${base}/kontroll`), page.getByRole('link', { name: 'Kontrollutvalg', exact: true }).click()])
    await expect.poll(() => page.locator('h1').textContent()).toBe('Kontrollutvalg valgperioden 2023–2027')
    expect(await page.locator('section.ku-section h2').allTextContents()).toEqual(['Kontrollutvalget i Gausdal', 'Kontrollutvalget i Lillehammer', 'Kontrollutvalget i Øyer'])
    await expectAccessible(page, 'the kontroll start page')

    // Keyboard alone: the jump link to Øyer, then Øyer's joint eierskapskontroll plan.
    await page.locator('body').focus()
    const toJump = await tabTo(page, '.ku-jump a[href="#ku-oyer-kontrollutvalg"]')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#ku-oyer-kontrollutvalg')
    const toPlan = await tabTo(page, '#ku-oyer-kontrollutvalg tr[data-plan-type="eierskapskontroll"] a')
    expect(toPlan).toBeLessThanOrEqual(6)
    const planHref = await page.evaluate(() => (document.activeElement as HTMLAnchorElement).getAttribute('href'))
    expect(planHref).toMatch(/^\/kontroll\/plan\/\d+$/)
    // On to the first overdue item of Øyer, then open it: its occurrence page.
    const toOverdue = await tabTo(page, '#ku-oyer-kontrollutvalg table.ku-overdue a')
    const href = await page.evaluate(() => (document.activeElement as HTMLAnchorElement).getAttribute('href'))
    expect(href).toMatch(/^\/hendelse\//)
    await Promise.all([page.waitForURL(`${base}${href}`), page.keyboard.press('Enter')])
    console.info(`keyboard: ${toJump} Tab to the jump link to Øyer, Enter, ${toPlan} Tab to its eierskapskontroll plan, ${toOverdue} Tab on to its first overdue item, Enter`)
    await context.close()
  }, 120_000)

  it('fits a 375 px phone without sideways scroll, the tables as cards, and changes valgperiode by its form', async () => {
    const context = await newContext(browser, { width: 375, height: 800 })
    const page = await context.newPage()
    await signInSekretariat(page)
    await page.goto(`${base}/kontroll`)
    await expectFitsPhone(page, 'kontroll-start')
    await expectAccessible(page, 'the kontroll start page at 375 px')
    // A card per plan: the header row is hidden, each cell says what it is.
    expect(await page.locator('#ku-gausdal-kontrollutvalg table.ku-plans thead').isVisible()).toBe(true)
    const cell = page.locator('#ku-gausdal-kontrollutvalg tr[data-plan-type="forvaltningsrevisjon"] td[data-label="Status"]')
    expect(await cell.evaluate(el => getComputedStyle(el).display)).toBe('block')
    expect(await cell.evaluate(el => getComputedStyle(el, '::before').content)).toBe('"Status: "')

    await page.selectOption('#felt-valgperiode', '2019')
    await Promise.all([page.waitForURL(`${base}/kontroll?valgperiode=2019`), page.getByRole('button', { name: 'Vis' }).click()])
    expect(await page.locator('h1').textContent()).toBe('Kontrollutvalg valgperioden 2019–2023')
    expect(await page.locator('#ku-gausdal-kontrollutvalg tr[data-plan-state="none"]').count()).toBe(2)
    await expectFitsPhone(page, 'kontroll-start-2019')
    await expectAccessible(page, 'the kontroll start page for 2019–2023 at 375 px')
    await context.close()
  }, 120_000)
})
