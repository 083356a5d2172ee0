import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { expectAccessible, expectFitsPhone, newContext, tabTo, openBrowserSuite, closeBrowserSuite } from '../helpers/browser.js'
import { signInBrowser } from '../helpers/people.js'
import type { TestApp } from '../helpers/app.js'
import { systemViewer } from '../../src/services/access.js'

// The møteplan and register edit pages in Chromium against a real server (issue 14): Øyer's editor uploads the
// council's møteplan as CSV, sees the preview and keeps it — by keyboard alone, and by mouse counting clicks; axe-core
// on every page of the flow and the edit pages; no sideways scroll at 375 px.
const NOW = '2027-01-15T09:00:00Z'
const CSV = fileURLToPath(new URL('../domain/fixtures/moteplan/excel-sep-line.csv', import.meta.url))
let browser: Browser
let t: TestApp
let base: string

beforeAll(async () => { ({ browser, t, base } = await openBrowserSuite({ now: NOW })) }, 120_000)
afterAll(() => closeBrowserSuite(browser, t))

/** Signs the page in as Kari Nordmann, editor for Øyer. */
const signInKari = (page: Page) => signInBrowser(page, t, base, 'kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Kari Nordmann')

async function meetings (body: string): Promise<Map<string, string>> {
  const items = await t.services.occurrences.list({ from: '2027-01-01', to: '2027-12-31', body }, systemViewer)
  return new Map(items.filter(o => o.kind === 'meeting' && o.responsibleBody?.slug === body).map(o => [o.localStart!, o.status]))
}

describe('the møteplan page in Chromium', () => {
  it('Øyer’s editor uploads the council’s møteplan CSV, sees the preview and keeps it, by keyboard alone', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInKari(page)
    await page.goto(`${base}/moteplan/oyer-kommunestyre`)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Møteplan for Kommunestyret i Øyer')
    await expectAccessible(page, 'the møteplan page, signed in')
    await page.locator('body').focus()
    const toFile = await tabTo(page, '#fil')
    // The operating system's file chooser is outside the page: the test hands it the file.
    await page.setInputFiles('#fil', CSV)
    const toPreview = await tabTo(page, 'form[action$="/forhandsvis"] button[type="submit"]')
    // Past the closed «Gjelder planen bare en del av året?» disclosure.
    expect(toPreview).toBe(2)
    await Promise.all([page.waitForURL(`${base}/moteplan/oyer-kommunestyre/forhandsvis`), page.keyboard.press('Enter')])
    await expect.poll(() => page.locator('h1').textContent()).toBe('Forhåndsvisning: møteplan for Kommunestyret i Øyer')
    expect(await page.locator('[data-count="added"]').textContent()).toBe('1')
    expect(await page.locator('[data-count="removed"]').textContent()).toBe('8')
    expect(await page.locator('[data-count="kept"]').textContent()).toBe('1')
    expect(await page.locator('[data-group="lagt-til"] li').allTextContents()).toEqual(['torsdag 11. februar 2027 kl. 18.00'])
    // Nothing is saved before «Behold».
    expect((await meetings('oyer-kommunestyre')).get('2027-02-11T18:00')).toBeUndefined()
    await expectAccessible(page, 'the møteplan preview')
    const toKeep = await tabTo(page, 'form[action$="/behold"] button[type="submit"]')
    console.info(`keyboard: ${toFile} Tab to the file field, the file chosen in the system dialog, ${toPreview} Tab (past the closed period disclosure) to Forhåndsvis, Enter; ${toKeep} Tab to «Behold møteplanen», Enter`)
    await Promise.all([page.waitForURL(`${base}/moteplan/oyer-kommunestyre`), page.keyboard.press('Enter')])
    await expect.poll(() => page.locator('.flash').textContent()).toBe('Møteplanen er lagret: 1 lagt til, 8 avlyst, 1 beholdt.')
    const after = await meetings('oyer-kommunestyre')
    expect(after.get('2027-02-11T18:00')).toBe('planned')
    expect([...after.values()].filter(s => s === 'cancelled')).toHaveLength(8)
    const audit = await t.sql.all("select actor from audit_log where action = 'adopt_moteplan'")
    expect(audit).toEqual([{ actor: 'Kari Nordmann <kari@oyer.kommune.no>' }])
    await context.close()
  }, 120_000)

  it('by mouse from the municipality page: Møteplan, choose the file, Forhåndsvis, Behold — 4 clicks and the file dialog', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInKari(page)
    await page.goto(`${base}/kommune?municipality=oyer`)
    let clicks = 0
    const click = async (locator: ReturnType<Page['locator']>) => { clicks++; await locator.click() }
    await Promise.all([page.waitForURL(`${base}/moteplan/oyer-formannskap`), click(page.locator('a[href="/moteplan/oyer-formannskap"]'))])
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), click(page.locator('#fil'))])
    await chooser.setFiles(CSV)
    await Promise.all([page.waitForURL(/forhandsvis$/), click(page.getByRole('button', { name: 'Forhåndsvis' }))])
    await Promise.all([page.waitForURL(`${base}/moteplan/oyer-formannskap`), click(page.getByRole('button', { name: 'Behold møteplanen' }))])
    await expect.poll(() => page.locator('.flash').textContent()).toMatch(/^Møteplanen er lagret: \d+ lagt til, \d+ avlyst, \d+ beholdt\.$/)
    expect(clicks).toBe(4)
    console.info(`mouse: ${clicks} clicks from the municipality page (Møteplan, Velg fil, Forhåndsvis, Behold møteplanen) plus picking the file in the system dialog`)
    await context.close()
  }, 120_000)

  it('adds an extra meeting and cancels one by keyboard', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInKari(page)
    await page.goto(`${base}/moteplan/oyer-kommunestyre`)
    await page.locator('body').focus()
    await tabTo(page, '#dato')
    // Chromium's date field takes the digits in the locale's order (nb-NO: dd.mm.yyyy).
    await page.keyboard.type('05052027')
    await tabTo(page, '#start')
    await page.keyboard.type('1800')
    await tabTo(page, '#tittel')
    await page.keyboard.type('Ekstraordinært kommunestyre')
    await tabTo(page, 'form[action$="/ekstra-mote"] button[type="submit"]')
    await Promise.all([page.waitForURL(`${base}/moteplan/oyer-kommunestyre`), page.keyboard.press('Enter')])
    await expect.poll(() => page.locator('.flash').textContent()).toBe('Ekstra møte onsdag 5. mai 2027 kl. 18.00 er lagt til.')
    expect((await meetings('oyer-kommunestyre')).get('2027-05-05T18:00')).toBe('planned')
    await page.locator('body').focus()
    await tabTo(page, 'button[aria-label="Avlys møtet onsdag 5. mai 2027 kl. 18.00"]')
    await Promise.all([page.waitForURL(`${base}/moteplan/oyer-kommunestyre`), page.keyboard.press('Enter')])
    await expect.poll(() => page.locator('.flash').textContent()).toBe('Møtet onsdag 5. mai 2027 kl. 18.00 er avlyst.')
    expect((await meetings('oyer-kommunestyre')).get('2027-05-05T18:00')).toBe('cancelled')
    await context.close()
  }, 120_000)

  it('axe-core finds 0 violations and nothing scrolls sideways at 375 px: møteplan (signed out, in, a bad file, the preview) and the edit pages', async () => {
    const context = await newContext(browser, { width: 375, height: 800 })
    const page = await context.newPage()
    await page.goto(`${base}/moteplan/oyer-kommunestyre`)
    await expectAccessible(page, 'møteplan, signed out')
    await expectFitsPhone(page, 'moteplan-signed-out')
    await signInKari(page)
    await page.goto(`${base}/moteplan/oyer-kommunestyre`)
    await expectAccessible(page, 'møteplan, signed in')
    await expectFitsPhone(page, 'moteplan')
    await page.setInputFiles('#fil', { name: 'feil.csv', mimeType: 'text/csv', buffer: Buffer.from('Dato;Tid\n31.02.2027;18:00\n') })
    await Promise.all([page.waitForURL(/forhandsvis$/), page.getByRole('button', { name: 'Forhåndsvis' }).click()])
    await expect.poll(() => page.locator('.error-summary').textContent()).toMatch(/Linje 2: /)
    await expectAccessible(page, 'møteplan, a bad file')
    await expectFitsPhone(page, 'moteplan-bad-file')
    await page.setInputFiles('#fil', path.resolve(CSV))
    await Promise.all([page.waitForURL(/forhandsvis$/), page.getByRole('button', { name: 'Forhåndsvis' }).click()])
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^Forhåndsvisning/)
    await expectAccessible(page, 'møteplan preview')
    await expectFitsPhone(page, 'moteplan-preview')

    const all = await t.services.collaborations.listAll()
    const collaboration = all.find(c => c.participants.some(p => p.slug === 'oyer'))!
    await page.goto(`${base}/samarbeid/${collaboration.slug}/rediger`)
    await expectAccessible(page, 'samarbeid-rediger')
    await expectFitsPhone(page, 'samarbeid-rediger')
    await page.fill('#navn', '')
    await Promise.all([page.waitForURL(/rediger$/), page.getByRole('button', { name: 'Lagre endringene' }).click()])
    await expect.poll(() => page.locator('.error-summary').textContent()).toMatch(/Navn mangler/)
    await expectAccessible(page, 'samarbeid-rediger with errors')
    await expectFitsPhone(page, 'samarbeid-rediger-errors')

    await page.goto(`${base}/organ/oyer-formannskap/rediger`)
    await expectAccessible(page, 'organ-rediger')
    await expectFitsPhone(page, 'organ-rediger')
    await Promise.all([page.waitForURL(/ny-kalenderadresse$/), page.getByRole('button', { name: 'Lag ny hemmelig adresse' }).click()])
    await expect.poll(() => page.locator('#ny-adresse').textContent()).toBe('Ny hemmelig kalenderadresse')
    await expectAccessible(page, 'organ-rediger, the new address')
    await expectFitsPhone(page, 'organ-rediger-new-address')
    await context.close()
  }, 120_000)

  it('every page with an Abonner button has the how-to its «Hjelp» link opens', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    for (const url of ['/', '/kommune?municipality=oyer', '/samarbeid', '/arshjul?municipality=oyer', '/moteplan/oyer-kommunestyre']) {
      await page.goto(`${base}${url}`)
      const help = page.locator('.subscribe a.subscribe-help').first()
      expect(await page.locator('.subscribe a.button', { hasText: 'Abonner' }).count(), url).toBeGreaterThan(0)
      expect(await page.locator('.subscribe').count(), url).toBe(await page.locator('.subscribe a.subscribe-help').count() + await page.locator('.subscribe.muted').count())
      await help.click()
      await expect.poll(() => page.evaluate(() => location.hash)).toBe('#slik-abonnerer-du')
      for (const app of ['Outlook', 'Google Kalender', 'Apple Kalender', 'Android']) expect(await page.locator('.howto summary', { hasText: app }).count(), `${url} ${app}`).toBe(1)
      expect(await page.locator('.howto').textContent()).toContain('bare der et program er registrert for webcal')
    }
    await context.close()
  }, 120_000)
})
