// «Mine varsler» in Chromium against a real server (issue 14): Øyer's editor sets up a weekly digest
// for Øyer by keyboard alone, and by mouse counting clicks; axe-core finds 0 violations on the list,
// the edit page and a form with an error; nothing scrolls sideways at 375 px.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { expectAccessible, expectFitsPhone, newContext, tabTo, openBrowserSuite, closeBrowserSuite } from '../helpers/browser.js'
import { signInBrowser } from '../helpers/people.js'
import type { TestApp } from '../helpers/app.js'
import type { RoleRef } from '../../src/services/people.js'

const NOW = '2027-01-15T09:00:00Z'
const OYER_EDITOR: RoleRef[] = [{ role: 'editor', municipality: 'oyer' }]
let browser: Browser
let t: TestApp
let base: string

beforeAll(async () => { ({ browser, t, base } = await openBrowserSuite({ now: NOW })) }, 120_000)
afterAll(() => closeBrowserSuite(browser, t))

const subscriptionsOf = async (email: string) => await t.sql.all(`select s.municipality_id as m, s.digest, s.active, s.event_types as "eventTypes", s.lead_days as "leadDays"
  from subscription s join app_user u on u.id = s.user_id where u.email = ? and s.deleted = 0`, email) as Array<Record<string, unknown>>
const oyerId = async () => (await t.sql.get("select id from municipality where slug = 'oyer'") as { id: number }).id

describe('Mine varsler in Chromium', () => {
  it("Øyer's editor sets up a weekly digest for Øyer by keyboard alone", async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, 'kari@oyer.kommune.no', OYER_EDITOR, 'Kari Nordmann')
    await page.goto(`${base}/`)
    await page.locator('body').focus()
    const toLink = await tabTo(page, 'a[href="/mine-varsler"]')
    await Promise.all([page.waitForURL(`${base}/mine-varsler`), page.keyboard.press('Enter')])
    await expect.poll(() => page.locator('h1').textContent()).toBe('Mine varsler')
    await expectAccessible(page, 'Mine varsler, empty')
    await page.locator('body').focus()
    const toSelect = await tabTo(page, '#folg')
    // A focused, closed <select> changes its choice with the arrow keys.
    let arrows = 0
    while (await page.locator('#folg').inputValue() !== 'kommune:oyer') {
      await page.keyboard.press('ArrowDown')
      if (++arrows > 500) throw new Error('Øyer is not in the list')
    }
    const toDigest = await tabTo(page, '#ukeoversikt')
    await page.keyboard.press('Space')
    expect(await page.locator('#ukeoversikt').isChecked()).toBe(true)
    const toSave = await tabTo(page, 'form.reminder-form button[type="submit"]')
    await Promise.all([page.waitForURL(`${base}/mine-varsler`), page.keyboard.press('Enter')])
    await expect.poll(() => page.locator('.flash').textContent()).toBe('Varselet er lagret. Påminnelsene går til e-postadressen din.')
    console.info(`keyboard: ${toLink} Tab to «Mine varsler», Enter; ${toSelect} Tab to «Hva vil du følge?», ${arrows} ArrowDown to «Øyer kommune – alt»; ${toDigest} Tab to «Send meg ukeoversikten», Space; ${toSave} Tab to «Lagre varselet», Enter`)
    expect(await subscriptionsOf('kari@oyer.kommune.no')).toEqual([{ m: await oyerId(), digest: 1, active: 1, eventTypes: null, leadDays: null }])
    expect(await page.locator('table.stack tbody tr').count()).toBe(1)
    expect(await page.locator('table.stack td[data-label="Ukeoversikt"]').textContent()).toBe('Ja')
    await expectAccessible(page, 'Mine varsler, one reminder')
    const audit = await t.sql.all("select actor from audit_log where entity_type = 'subscription' and action = 'create'")
    expect(audit).toEqual([{ actor: 'Kari Nordmann <kari@oyer.kommune.no>' }])
    await context.close()
  }, 120_000)

  it('by mouse from the start page: Mine varsler, the list (open, choose Øyer), Send meg ukeoversikten, Lagre — 5 clicks', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, 'ola@oyer.kommune.no', OYER_EDITOR, 'Ola Nordmann')
    await page.goto(`${base}/`)
    let clicks = 0
    const click = async (locator: ReturnType<Page['locator']>) => { clicks++; await locator.click() }
    await Promise.all([page.waitForURL(`${base}/mine-varsler`), click(page.getByRole('link', { name: 'Mine varsler' }))])
    // A native list: one click opens it, one chooses (Playwright chooses the option directly).
    await click(page.locator('#folg'))
    clicks++
    await page.selectOption('#folg', 'kommune:oyer')
    await click(page.getByLabel('Send meg ukeoversikten'))
    await Promise.all([page.waitForURL(`${base}/mine-varsler`), click(page.getByRole('button', { name: 'Lagre varselet' }))])
    await expect.poll(() => page.locator('.flash').textContent()).toMatch(/^Varselet er lagret/)
    expect(clicks).toBe(5)
    console.info(`mouse: ${clicks} clicks from the start page (Mine varsler, open the list, Øyer kommune – alt, Send meg ukeoversikten, Lagre varselet)`)
    expect(await subscriptionsOf('ola@oyer.kommune.no')).toEqual([{ m: await oyerId(), digest: 1, active: 1, eventTypes: null, leadDays: null }])
    await context.close()
  }, 120_000)

  it('axe-core finds 0 violations and nothing scrolls sideways at 375 px: the list, a form with an error, the edit page', async () => {
    const context = await newContext(browser, { width: 375, height: 800 })
    const page = await context.newPage()
    await signInBrowser(page, t, base, 'per@oyer.kommune.no', OYER_EDITOR, 'Per Hansen')
    await page.goto(`${base}/mine-varsler`)
    await page.selectOption('#folg', 'organ:oyer-kommunestyre')
    await page.getByLabel('Velg selv:').check()
    await page.getByLabel('14 dager før').check()
    await page.getByLabel('Send meg ukeoversikten').check()
    await Promise.all([page.waitForURL(`${base}/mine-varsler`), page.getByRole('button', { name: 'Lagre varselet' }).click()])
    await expect.poll(() => page.locator('.flash').textContent()).toMatch(/^Varselet er lagret/)
    await expectAccessible(page, 'Mine varsler with a reminder, 375 px')
    await expectFitsPhone(page, 'mine-varsler')

    // An error: own lead times with none chosen.
    await page.getByLabel('Velg selv:').check()
    await page.selectOption('#folg', 'kommune:oyer')
    await page.getByRole('button', { name: 'Lagre varselet' }).click()
    await expect.poll(() => page.locator('.error-summary').textContent()).toContain('Velg minst ett tidspunkt før fristen')
    expect(await page.locator('#folg').inputValue()).toBe('kommune:oyer')
    await expectAccessible(page, 'Mine varsler, a form with an error')
    await expectFitsPhone(page, 'mine-varsler-feil')

    await page.goto(`${base}/mine-varsler`)
    await Promise.all([page.waitForURL(/\/mine-varsler\/\d+$/), page.getByRole('link', { name: /^Endre/ }).click()])
    expect(await page.locator('#dager-14').isChecked()).toBe(true)
    await expectAccessible(page, 'Endre varsel')
    await expectFitsPhone(page, 'mine-varsler-endre')
    await context.close()
  }, 120_000)
})
