import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { expectAccessible, expectFitsPhone, horizontalOverflow, newContext, tabTo, openBrowserSuite, closeBrowserSuite } from '../helpers/browser.js'
import { signInBrowser } from '../helpers/people.js'
import type { TestApp } from '../helpers/app.js'

// The follow-up page and the wheel in Chromium against a real server (issue 14): Øyer's editor filters the
// list, selects two rows and marks them delivered — by keyboard alone, and by mouse counting clicks; axe-core
// signed in and out; at 375 px no sideways scroll, and the wheel's month labels and tap targets measured.
const NOW = '2027-06-15T10:00:00Z'
const TODAY = '2027-06-15'
let browser: Browser
let t: TestApp
let base: string

beforeAll(async () => { ({ browser, t, base } = await openBrowserSuite({ now: NOW })) }, 120_000)
afterAll(() => closeBrowserSuite(browser, t))

const kari = (page: Page) => signInBrowser(page, t, base, 'kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Kari Nordmann')
const occurrence = async (id: string) => (await t.app.inject(`/api/v1/occurrences/${encodeURIComponent(id)}`)).json() as { status: string; deliveredOn: string | null; caseNumber: string | null }
const auditActors = async (id: string) => (await t.sql.all("select actor from audit_log where entity_type = 'occurrence' and entity_id = ? order by id", id) as Array<{ actor: string }>).map(r => r.actor)

describe('marking several rows delivered on the follow-up page', { timeout: 120_000 }, () => {
  it('Øyer’s editor filters to overdue, selects two rows and marks them Levert with saksnummer — keyboard alone', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await kari(page)
    await page.goto(`${base}/oppfolging?municipality=oyer`)
    await page.locator('body').focus()

    await tabTo(page, '#filter-status')
    await page.keyboard.press('ArrowDown') // «Alle» → «Forfalt»
    expect(await page.locator('#filter-status').inputValue()).toBe('overdue')
    await tabTo(page, 'form.filters button[type="submit"]')
    await Promise.all([page.waitForURL(/status=overdue/), page.keyboard.press('Enter')])
    expect(new URL(page.url()).search).toBe('?municipality=oyer&responsible=&type=&status=overdue')
    const situations = await page.locator('#oppfolging tbody tr').evaluateAll(trs => trs.map(tr => tr.getAttribute('data-situation')))
    expect(new Set(situations)).toEqual(new Set(['overdue']))

    const first = await tabTo(page, 'input[name="id"]')
    await page.keyboard.press('Space')
    const a = await page.evaluate(() => (document.activeElement as HTMLInputElement).value)
    await tabTo(page, 'input[name="id"]')
    await page.keyboard.press('Space')
    const b = await page.evaluate(() => (document.activeElement as HTMLInputElement).value)
    expect(first).toBeGreaterThan(0)
    expect(a).not.toBe(b)
    expect(await page.locator('input[name="id"]:checked').count()).toBe(2)

    // «Levert» is chosen and the date is today unless changed.
    await tabTo(page, 'input[name="merk"]')
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('delivered')
    await tabTo(page, '#felt-dato')
    expect(await page.locator('#felt-dato').inputValue()).toBe(TODAY)
    await tabTo(page, '#felt-saksnummer')
    await page.keyboard.type('2027/123')
    await Promise.all([page.waitForURL(u => u.pathname === '/oppfolging' && !u.search.includes('marker')), page.keyboard.press('Enter')])
    expect(await page.locator('p.flash').textContent()).toBe('2 frister markert som levert.')
    expect(new URL(page.url()).search).toBe('?municipality=oyer&status=overdue')
    for (const id of [a, b]) {
      expect(await occurrence(id)).toMatchObject({ status: 'delivered', deliveredOn: TODAY, caseNumber: '2027/123' })
      expect((await auditActors(id)).at(-1)).toContain('Kari Nordmann')
    }
    // Delivered is done: both rows have left the overdue list.
    const left = await page.locator('#oppfolging tbody tr').evaluateAll(trs => trs.map(tr => tr.getAttribute('data-occurrence-id')))
    expect(left).not.toContain(a)
    expect(left).not.toContain(b)
    await expectAccessible(page, 'the follow-up page after marking')
    await context.close()
  })

  it('the same task by mouse takes 7 clicks: status filter (2) and Filtrer, two rows, the saksnummer field and Marker valgte', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await kari(page)
    await page.goto(`${base}/oppfolging?municipality=oyer`)
    let clicks = 0
    const click = async (locator: ReturnType<Page['locator']>) => { clicks++; await locator.click() }
    // A <select> is opened and an option picked: two clicks; playwright's selectOption stands for both.
    clicks += 2
    await page.locator('#filter-status').selectOption('overdue')
    await Promise.all([page.waitForURL(/status=overdue/), click(page.getByRole('button', { name: 'Filtrer' }))])
    const boxes = page.locator('input[name="id"]')
    await click(boxes.nth(0))
    await click(boxes.nth(1))
    const ids = [await boxes.nth(0).inputValue(), await boxes.nth(1).inputValue()]
    await click(page.getByLabel('Saksnummer'))
    await page.keyboard.type('2027/124')
    await Promise.all([page.waitForURL(u => !u.search.includes('type=')), click(page.getByRole('button', { name: 'Marker valgte' }))])
    expect(await page.locator('p.flash').textContent()).toBe('2 frister markert som levert.')
    for (const id of ids) expect(await occurrence(id)).toMatchObject({ status: 'delivered', caseNumber: '2027/124' })
    expect(clicks).toBe(7)
    await context.close()
  })
})

describe('accessibility and the phone', { timeout: 180_000 }, () => {
  const PAGES = ['/oppfolging?municipality=oyer', '/oppfolging?municipality=oyer&status=due_soon', '/arshjul?municipality=oyer&year=2027']

  for (const signedIn of [false, true]) {
    for (const width of [1400, 375]) {
      it(`axe-core finds 0 violations ${signedIn ? 'signed in' : 'signed out'} at ${width} px, and nothing scrolls sideways at 375 px`, async () => {
        const context = await newContext(browser, { width })
        const page = await context.newPage()
        if (signedIn) await kari(page)
        for (const url of PAGES) {
          await page.goto(`${base}${url}`)
          await expectAccessible(page, `${url} at ${width} px${signedIn ? ', signed in' : ''}`)
          if (width === 375) {
            const name = `${url.startsWith('/oppfolging') ? 'oppfolging' : 'arshjul'}-${url.includes('status') ? 'snart-' : url.includes('body') ? 'organ-' : ''}${signedIn ? 'innlogget' : 'anonym'}`
            await expectFitsPhone(page, name)
          }
        }
        if (signedIn) {
          // A refused bulk form (no rows chosen) is a page too.
          await page.goto(`${base}/oppfolging?municipality=oyer`)
          await page.getByRole('button', { name: 'Marker valgte' }).click()
          await expect.poll(() => page.locator('.error-summary').count()).toBe(1)
          await expectAccessible(page, `refused bulk form at ${width} px`)
          if (width === 375) expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
        }
        await context.close()
      })
    }
  }

  it('at 375 px the follow-up table is a list of cards as wide as the screen', async () => {
    const context = await newContext(browser, { width: 375 })
    const page = await context.newPage()
    await kari(page)
    await page.goto(`${base}/oppfolging?municipality=oyer`)
    const table = await page.locator('#oppfolging').boundingBox()
    expect(table!.width).toBeLessThanOrEqual(375)
    const rows = await page.locator('#oppfolging tbody tr').evaluateAll(trs => trs.slice(0, 20).map(tr => { const r = tr.getBoundingClientRect(); return { display: getComputedStyle(tr).display, right: r.right } }))
    for (const r of rows) {
      expect(r.display).toBe('block')
      expect(r.right).toBeLessThanOrEqual(375)
    }
    // Each checkbox is a 24 px target.
    const box = await page.locator('input[name="id"]').first().boundingBox()
    expect(Math.min(box!.width, box!.height)).toBeGreaterThanOrEqual(24)
    await context.close()
  })

  it('at 375 px the wheel has month labels of at least 12 px and tap targets of at least 24 px; each leads to its month', async () => {
    const context = await newContext(browser, { width: 375 })
    const page = await context.newPage()
    await page.goto(`${base}/arshjul?municipality=oyer&year=2027`)
    expect(await page.locator('svg.wheel').isVisible()).toBe(false)
    expect(await page.locator('svg.phone-wheel').isVisible()).toBe(true)
    const labels = await page.locator('svg.phone-wheel text.phone-month').evaluateAll(els => els.map(e => {
      const t = e as SVGTextElement
      const scale = t.ownerSVGElement!.getScreenCTM()!.a
      return { text: t.textContent, height: t.getBoundingClientRect().height, fontPx: Number(t.getAttribute('font-size')) * scale }
    }))
    expect(labels.map(l => l.text)).toEqual(['Jan', 'Feb', 'Mar', 'Apr', 'Mai', 'Jun', 'Jul', 'Aug', 'Sep', 'Okt', 'Nov', 'Des'])
    for (const l of labels) {
      expect(l.fontPx, l.text!).toBeGreaterThanOrEqual(12)
      expect(l.height, l.text!).toBeGreaterThanOrEqual(12)
    }
    const cells = await page.locator('svg.phone-wheel a.phone-cell').evaluateAll(els => els.map(e => {
      const r = e.getBoundingClientRect()
      return { width: r.width, height: r.height, count: Number(e.getAttribute('data-count')), label: e.getAttribute('aria-label') }
    }))
    expect(cells.length).toBeGreaterThan(20)
    for (const c of cells) {
      expect(c.width, c.label!).toBeGreaterThanOrEqual(24)
      expect(c.height, c.label!).toBeGreaterThanOrEqual(24)
    }
    // The counts add up to the year's items, the same ones the list shows.
    expect(cells.reduce((s, c) => s + c.count, 0)).toBe(await page.locator('#liste li.occ').count())
    // The wheel's narrowest cells (the innermost ring) measured, for the report.
    console.log(`375 px wheel: month labels ${Math.min(...labels.map(l => l.fontPx)).toFixed(1)} px type (${Math.min(...labels.map(l => l.height)).toFixed(1)} px high); smallest tap target ${Math.min(...cells.map(c => Math.min(c.width, c.height))).toFixed(1)} px`)
    await page.screenshot({ path: 'test-output/arshjul-mobil-375.png' })

    // A tap on March's cell jumps to March in the list; the full wheel is one link away.
    const march = page.locator('svg.phone-wheel a.phone-cell[data-month="3"]').first()
    await march.click()
    expect(new URL(page.url()).hash).toBe('#maned-3')
    const svgLink = page.getByRole('link', { name: 'Åpne hele hjulet med hvert merke (SVG, kan forstørres)' })
    expect(await svgLink.getAttribute('href')).toBe('/arshjul.svg?municipality=oyer&year=2027')
    await context.close()
  })

  it('at 1400 px the full wheel shows and the phone wheel does not', async () => {
    const context = await newContext(browser, { width: 1400 })
    const page = await context.newPage()
    await page.goto(`${base}/arshjul?municipality=oyer&year=2027`)
    expect(await page.locator('svg.wheel').isVisible()).toBe(true)
    expect(await page.locator('svg.phone-wheel').isVisible()).toBe(false)
    await context.close()
  })
})
