import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import ICAL from 'ical.js'
import { expectAccessible, expectFitsPhone, newContext, tabTo, openBrowserSuite, closeBrowserSuite } from '../helpers/browser.js'
import { signInBrowser } from '../helpers/people.js'
import type { TestApp } from '../helpers/app.js'
import { systemViewer } from '../../src/services/access.js'
import type { OccurrenceItem } from '../../src/services/occurrences.js'

// The occurrence page in Chromium against a real server (issue 14): Øyer's editor marks Øyer's
// årsregnskap for 2026 delivered with saksnummer 2027/123 — by keyboard alone, and by mouse counting clicks.
const NOW = '2027-03-01T09:00:00Z'
let browser: Browser
let t: TestApp
let base: string

beforeAll(async () => { ({ browser, t, base } = await openBrowserSuite({ now: NOW })) }, 120_000)
afterAll(() => closeBrowserSuite(browser, t))

async function arsregnskap (municipality = 'oyer'): Promise<OccurrenceItem> {
  const [o] = await t.services.occurrences.list({ municipality, from: '2027-01-01', to: '2027-12-31', eventTypes: ['arsregnskap_avlagt'] }, systemViewer)
  expect(o?.date).toBe('2027-02-22')
  return o!
}
const auditActors = async (id: string) => (await t.sql.all("select actor from audit_log where entity_type = 'occurrence' and entity_id = ? order by id", id) as Array<{ actor: string }>).map(r => r.actor)

describe('the occurrence page in Chromium', () => {
  it('Øyer’s editor marks the årsregnskap Levert with saksnummer 2027/123 by keyboard alone', async () => {
    const o = await arsregnskap()
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, 'kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Kari Nordmann')
    // The link an e-mail reminder and the calendar event carry.
    await page.goto(`${base}/hendelse/${o.id}`)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Årsregnskapet avlagt')
    await expectAccessible(page, 'the occurrence page, signed in')
    await page.locator('body').focus()
    const tabs = await tabTo(page, '#felt-saksnummer')
    await page.keyboard.type('2027/123')
    const moreTabs = await tabTo(page, 'button[name="status"][value="delivered"]')
    // From the saksnummer field to Levert: the case link, the date (Chromium stops at day, month, year and
    // its picker button), «Lagre saksreferansen», «Under arbeid», «Levert».
    expect(moreTabs).toBeLessThanOrEqual(8)
    console.info(`keyboard: ${tabs} Tab to Saksnummer (past the header, breadcrumbs and details links), typing, ${moreTabs} Tab to Levert, Enter`)
    await Promise.all([page.waitForURL(`${base}/hendelse/${o.id}`), page.keyboard.press('Enter')])
    await expect.poll(() => page.locator('.flash').textContent()).toBe('Registrert som levert.')
    expect(await page.locator('#status-tekst').textContent()).toBe('Levert 1. mars 2027, 7 dager for sent')
    expect(await page.locator('.occ-details').textContent()).toContain('2027/123')
    expect(await page.locator('.occ-history').textContent()).toContain('Saksnummer: (tom) → 2027/123')
    expect(await page.locator('.occ-history').textContent()).toContain('Kari Nordmann')
    const stored = await t.services.occurrences.get(o.id, systemViewer)
    expect(stored).toMatchObject({ status: 'delivered', deliveredOn: '2027-03-01', caseNumber: '2027/123' })
    expect(await auditActors(o.id)).toEqual(['Kari Nordmann <kari@oyer.kommune.no>'])
    await expectAccessible(page, 'the occurrence page after saving')
    // A future date: the form comes back naming the field, focusable from the summary.
    await page.fill('#felt-dato', '2027-03-20')
    await Promise.all([page.waitForLoadState('load'), page.locator('button[name="status"][value="approved"]').press('Enter')])
    expect(await page.locator('.error-summary').textContent()).toContain('Dato for levert eller behandlet: Datoen kan ikke være fram i tid.')
    expect(await page.locator('#felt-dato').getAttribute('aria-invalid')).toBe('true')
    await expectAccessible(page, 'the occurrence page with a form error')
    expect((await t.services.occurrences.get(o.id, systemViewer)).status).toBe('delivered')
    await context.close()
  }, 120_000)

  it('counts the clicks a mouse user needs from the start page', async () => {
    const o = await arsregnskap('gausdal')
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, 'per@gausdal.kommune.no', [{ role: 'editor', municipality: 'gausdal' }], 'Per Hansen')
    let clicks = 0
    const click = async (locator: ReturnType<Page['locator']>) => { clicks++; await locator.click() }
    await page.goto(`${base}/`)
    await click(page.locator('article[data-municipality="gausdal"]').getByRole('link', { name: 'Årshjul 2027' }))
    await page.waitForURL(/\/arshjul\?/)
    await click(page.locator(`#occ-${o.id} summary`))
    await click(page.locator(`#occ-${o.id}`).getByRole('link', { name: /Åpne hendelsens side/ }))
    await page.waitForURL(`${base}/hendelse/${o.id}`)
    await click(page.locator('#felt-saksnummer'))
    await page.keyboard.type('2027/123')
    await Promise.all([page.waitForURL(`${base}/hendelse/${o.id}`), click(page.getByRole('button', { name: 'Levert', exact: true }))])
    await expect.poll(() => page.locator('.flash').textContent()).toBe('Registrert som levert.')
    expect(await page.locator('#status-tekst').textContent()).toMatch(/^Levert 1\. mars 2027/)
    // From the start page: the wheel, the item, its page, the field, Levert. From an e-mail's link: the last two.
    expect(clicks).toBe(5)
    await context.close()
  }, 120_000)

  it('is accessible signed out, fits 375 px, and an Øyer editor on Gausdal’s item sees no forms', async () => {
    const o = await arsregnskap()
    const gausdal = await arsregnskap('gausdal')
    const context = await newContext(browser, { width: 375, height: 800 })
    const page = await context.newPage()
    await page.goto(`${base}/hendelse/${o.id}`)
    expect(await page.locator('form.form').count()).toBe(0)
    await expectAccessible(page, 'the occurrence page, signed out')
    await expectFitsPhone(page, 'hendelse-utlogget')
    await signInBrowser(page, t, base, 'kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Kari Nordmann')
    await page.goto(`${base}/hendelse/${o.id}`)
    expect(await page.locator('form.form').count()).toBe(3)
    await expectFitsPhone(page, 'hendelse-innlogget')
    await page.goto(`${base}/hendelse/${gausdal.id}`)
    expect(await page.locator('form.form').count()).toBe(0)
    // A post anyway (the form of her own item, pointed at Gausdal's): a clear 403 page, nothing changed.
    await page.goto(`${base}/hendelse/${o.id}`)
    const before = await t.snapshot()
    await page.locator('form[action$="/notat"]').evaluate((f, action) => f.setAttribute('action', action), `/hendelse/${gausdal.id}/notat`)
    await page.fill('#felt-notat', 'Fra Øyer')
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Lagre notatet' }).press('Enter')])
    expect(await page.locator('h1').textContent()).toBe('Ikke tillatt')
    await expectAccessible(page, 'the 403 page')
    await expectFitsPhone(page, 'hendelse-403')
    expect(await t.snapshot()).toBe(before)
    await context.close()
  }, 120_000)

  it('the calendar event’s URL opens the page (ical.js reads the feed of the real server)', async () => {
    const o = await arsregnskap()
    const ics = await (await fetch(`${base}/feeds/municipalities/oyer.ics`)).text()
    const event = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').find(e => String(e.getFirstPropertyValue('uid')).includes(o.id))!
    const url = String(event.getFirstPropertyValue('url'))
    expect(url).toBe(`${base}/hendelse/${o.id}`)
    const res = await fetch(url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
  })
})
