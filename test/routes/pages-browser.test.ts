import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { displayTitle as plainTitle, STATUS_LABELS, withTentative } from '../../src/presenters/vocabulary.js'

// The pages in a real browser: Debian's Chromium driven by playwright-core (which downloads no browser).
// There is no skipping: without Chromium these tests fail and say how to install it.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const OUT = path.resolve('test-output')
const NOW = '2027-06-15T10:00:00Z'
const AS_OF = '2027-06-15'
const XSS = '<script>alert(1)</script>'
const QUOTES = 'Tom & "Jerry" samarbeid'

interface ApiOccurrence {
  id: string;
  eventType: string;
  date: string;
  kind: 'deadline' | 'meeting' | 'report' | 'plan';
  title: string;
  status: string;
  effectiveStatus: string
  overdue: boolean;
  daysOverdue: number;
  subject: { slug: string; name: string };
  responsibleBody: { slug: string; name: string } | null
  tentative: boolean
}

/** The title the pages show: a default møteplan's meeting says «(foreløpig)» (issue 12). */
const displayTitle = (o: ApiOccurrence) => withTentative(plainTitle(o), o.tentative)

let t: TestApp
/** More municipalities than one region: the start page is a table of municipalities. */
let big: TestApp
let browser: Browser
let base: string
let bigBase: string
let context: BrowserContext | undefined
const dialogs: string[] = []
const pageErrors: string[] = []

async function api<T> (url: string): Promise<T> {
  const res = await t.app.inject(url)
  expect(res.statusCode, url).toBe(200)
  return res.json() as T
}
const oyer2027 = async () => (await api<{ data: ApiOccurrence[] }>(`/api/v1/occurrences?municipality=oyer&from=2027-01-01&to=2027-12-31&asOf=${AS_OF}&limit=500`)).data
const findOne = (list: ApiOccurrence[], eventType: string, subject = 'oyer') => {
  const found = list.find(o => o.eventType === eventType && o.subject.slug === subject)
  if (!found) throw new Error(`no ${eventType} for ${subject}`)
  return found
}

async function patch (id: string, payload: object) {
  const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${id}`, headers: t.auth(t.tokens.admin), payload })
  expect(res.statusCode, res.body).toBe(200)
}

async function newPage (opts: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'nb-NO', timezoneId: 'Europe/Oslo', ...opts })
  const page = await context.newPage()
  page.on('dialog', d => { dialogs.push(d.message()); d.dismiss().catch(() => {}) })
  page.on('pageerror', e => { pageErrors.push(e.message) })
  return page
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium was not found at ${CHROMIUM}. The browser tests need Debian's chromium package: run "apt-get update && apt-get install -y chromium" as root (.ci/run does this), or set CHROMIUM_PATH.`)
  }
  fs.mkdirSync(OUT, { recursive: true })
  t = await buildTestApp({ now: NOW })
  for (const [slug, name] of [['xss-samarbeid', XSS], ['quotes-samarbeid', QUOTES]] as const) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/collaborations', headers: t.auth(t.tokens.admin), payload: { slug, name, legalForm: 'iks', participants: [{ municipality: 'oyer', role: 'eier' }] } })
    expect(res.statusCode, res.body).toBe(201)
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/packages/apply', headers: t.auth(t.tokens.admin), payload: { collaboration: slug } })).statusCode).toBe(200)
  }
  // A year with every status in it: delivered, delivered late, approved, in progress with a case, cancelled.
  const list = await oyer2027()
  await patch(findOne(list, 'arsregnskap_avlagt').id, { status: 'delivered', deliveredOn: '2027-02-19' })
  await patch(findOne(list, 'revisjonsberetning').id, { status: 'delivered', deliveredOn: '2027-05-02' })
  await patch(findOne(list, 'arsberetning').id, { status: 'approved', approvedOn: '2027-04-20' })
  await patch(findOne(list, 'arsregnskap_vedtak').id, { status: 'in_progress', caseNumber: '2027/123', caseUrl: 'https://sak.oyer.example/2027/123' })
  await patch(list.find(o => o.kind === 'meeting' && o.responsibleBody?.slug === 'oyer-kommunestyre')!.id, { status: 'cancelled' })
  big = await buildTestApp({ now: NOW })
  const admin = { tokenId: null, label: 'test-admin', role: 'admin' as const, municipalityIds: [] }
  for (const name of ['Berg', 'Dal', 'Eid', 'Fjell', 'Hov', 'Lund', 'Moen', 'Nes', 'Vik', 'Åsen']) {
    await big.services.municipalities.create(admin, { slug: name.toLowerCase().replace('å', 'a'), name, kind: 'kommune', county: 'Trøndelag', inRegion: true })
  }
  const listen = async (app: TestApp['app']) => {
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    if (!address || typeof address === 'string') throw new Error('no port')
    return `http://127.0.0.1:${address.port}`
  }
  base = await listen(t.app)
  bigBase = await listen(big.app)
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
}, 60_000)

afterEach(async () => {
  await context?.close()
  context = undefined
  expect(dialogs, 'no page may open a dialog (alert from injected script)').toEqual([])
  expect(pageErrors, 'no script errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await t?.close()
  await big?.close()
})

describe('the wheel for Øyer 2027', { timeout: 60_000 }, () => {
  it('has exactly one mark per occurrence the API lists for the year, and a screenshot is saved', async () => {
    const apiList = await oyer2027()
    const page = await newPage()
    await page.goto(`${base}/arshjul?municipality=oyer&year=2027`)
    const marks = page.locator('svg.wheel .mark')
    const ids = await marks.evaluateAll(els => els.map(e => e.getAttribute('data-occurrence-id')))
    expect(apiList.length).toBeGreaterThan(150)
    expect(ids).toEqual(apiList.map(o => o.id))
    expect(new Set(ids).size).toBe(ids.length)
    // Each mark shows the API's status by its class and the titles the pages use.
    const marked = await marks.evaluateAll(els => els.map(e => [e.getAttribute('data-status'), e.getAttribute('data-title')]))
    expect(marked).toEqual(apiList.map(o => [o.effectiveStatus, displayTitle(o)]))
    // Every status occurs, so the screenshot shows every shape.
    expect(new Set(marked.map(m => m[0]))).toEqual(new Set(['planned', 'in_progress', 'delivered', 'approved', 'overdue', 'cancelled']))
    // No two marks overlap on screen.
    const boxes = await marks.evaluateAll(els => els.map(e => { const r = e.querySelector('.hit')!.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2, r.width] }))
    const diameter = boxes[0]![2]! * (6.5 / 8.5)
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        expect(Math.hypot(boxes[i]![0]! - boxes[j]![0]!, boxes[i]![1]! - boxes[j]![1]!), `${ids[i]} and ${ids[j]}`).toBeGreaterThan(diameter)
      }
    }
    await expect.poll(() => page.locator('svg.wheel .needle').count()).toBe(1)
    await page.locator('figure.wheel-figure').screenshot({ path: path.join(OUT, 'arshjul-oyer-2027.png') })
    await page.screenshot({ path: path.join(OUT, 'arshjul-oyer-2027-side.png'), fullPage: false })
  })

  it('shows title and date on hover, and the details on click', async () => {
    const vedtak = findOne(await oyer2027(), 'arsregnskap_vedtak')
    const page = await newPage()
    await page.goto(`${base}/arshjul?municipality=oyer&year=2027`)
    const mark = page.locator(`svg.wheel .mark[data-occurrence-id="${vedtak.id}"]`)
    await mark.hover()
    const tooltip = page.locator('#wheel-tooltip')
    await expect.poll(() => tooltip.isVisible()).toBe(true)
    expect(await tooltip.textContent()).toBe('Kommunestyrets vedtak av årsregnskap og årsberetning30. juni 2027')
    await mark.click()
    const popup = page.locator('#wheel-popup')
    await expect.poll(() => popup.isVisible()).toBe(true)
    expect(await page.locator('#wheel-popup-title').textContent()).toBe('Kommunestyrets vedtak av årsregnskap og årsberetning')
    const details = Object.fromEntries(await popup.locator('dt').evaluateAll(dts => dts.map(dt => [dt.textContent, dt.nextElementSibling!.textContent!.trim()])))
    expect(details).toMatchObject({
      Frist: 'Onsdag 30. juni 2027',
      Status: 'Under arbeid',
      Gjelder: 'Øyer',
      Ansvarlig: 'Kommunestyret i Øyer',
      'Behandles i': 'Kommunestyret i Øyer, møte 17. juni 2027 kl. 18.00',
      Saksreferanse: '2027/123',
    })
    expect(details.Lovgrunnlag).toContain('§ 14-3 (2)')
    expect(await popup.locator('a', { hasText: '2027/123' }).getAttribute('href')).toBe('https://sak.oyer.example/2027/123')
    expect(await popup.locator('a.feed-link').getAttribute('href')).toBe('webcal://arshjul.test/feeds/bodies/oyer-kommunestyre.ics')
    expect(await page.locator('svg.wheel .mark.selected').getAttribute('data-occurrence-id')).toBe(vedtak.id)
    await page.screenshot({ path: path.join(OUT, 'arshjul-oyer-2027-detaljer.png') })
    // The details of a delivered-late deadline say so. The pop-up sits beside the wheel, so every mark stays clickable.
    await page.locator(`svg.wheel .mark[data-occurrence-id="${findOne(await oyer2027(), 'revisjonsberetning').id}"]`).click()
    await expect.poll(() => popup.locator('dd').nth(1).textContent()).toBe('Levert 2. mai 2027, 17 dager for sent')
    await page.locator('.popup-close').click()
    await expect.poll(() => popup.isVisible()).toBe(false)
  })

  it('lets the keyboard reach the marks with Tab, show them, open and close their details', async () => {
    const page = await newPage()
    await page.goto(`${base}/arshjul?municipality=oyer&year=2027`)
    let presses = 0
    while (!(await page.evaluate(() => document.activeElement?.classList.contains('mark') ?? false))) {
      await page.keyboard.press('Tab')
      if (++presses > 40) throw new Error('Tab never reached a mark')
    }
    const first = await page.evaluate(() => [document.activeElement!.getAttribute('data-occurrence-id'), document.activeElement!.getAttribute('aria-label'), document.activeElement!.getAttribute('role')])
    const apiList = await oyer2027()
    expect(first[0]).toBe(apiList[0]!.id)
    expect(first[1]).toContain(displayTitle(apiList[0]!))
    expect(first[1]).toContain('2027')
    expect(first[2]).toBe('button')
    expect(await page.locator('#wheel-tooltip').textContent()).toContain(displayTitle(apiList[0]!))
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement!.getAttribute('data-occurrence-id'))).toBe(apiList[1]!.id)
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('#wheel-popup').isVisible()).toBe(true)
    expect(await page.evaluate(() => document.activeElement!.id)).toBe('wheel-popup-title')
    expect(await page.locator('#wheel-popup-title').textContent()).toBe(displayTitle(apiList[1]!))
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('#wheel-popup').isVisible()).toBe(false)
    expect(await page.evaluate(() => document.activeElement!.getAttribute('data-occurrence-id'))).toBe(apiList[1]!.id)
  })

  it('lists the same year by month, matching the API, and the list works without JavaScript', async () => {
    const apiList = await oyer2027()
    for (const javaScriptEnabled of [true, false]) {
      const page = await newPage({ javaScriptEnabled })
      await page.goto(`${base}/arshjul?municipality=oyer&year=2027`)
      const rows = await page.locator('#liste li.occ').evaluateAll(lis => lis.map(li => ({
        id: li.getAttribute('data-occurrence-id'),
        date: li.querySelector('time')!.getAttribute('datetime'),
        title: li.querySelector('.occ-title')!.textContent,
        status: li.querySelector('.badge')!.textContent!.trim(),
        month: li.closest('section.month')!.querySelector('h3')!.childNodes[0]!.textContent!.trim(),
      })))
      const months = ['Januar', 'Februar', 'Mars', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Desember']
      expect(rows).toEqual(apiList.map(o => ({
        id: o.id, date: o.date, title: displayTitle(o), status: STATUS_LABELS[o.effectiveStatus as keyof typeof STATUS_LABELS], month: months[Number(o.date.slice(5, 7)) - 1],
      })))
      expect(await page.locator('#liste section.month h3').count()).toBe(12)
      // The details open with a click on the summary: the browser's own <details>, no script needed.
      const item = page.locator(`#occ-${findOne(apiList, 'arsregnskap_vedtak').id}`)
      await item.locator('summary').click()
      expect(await item.locator('dl').isVisible()).toBe(true)
      expect(await item.locator('dl').textContent()).toContain('Kommunestyret i Øyer, møte 17. juni 2027 kl. 18.00')
      await context!.close()
      context = undefined
    }
  })

  it('navigates between years', async () => {
    const page = await newPage()
    await page.goto(`${base}/arshjul?municipality=oyer&year=2027`)
    await page.getByRole('link', { name: '2028 →' }).click()
    await page.waitForURL(/year=2028/)
    expect(await page.locator('h1').textContent()).toContain('2028')
    expect(await page.locator('svg.wheel .needle').count()).toBe(0)
    await page.getByRole('link', { name: 'I år (2027)' }).click()
    await page.waitForURL(/year=2027/)
  })
})

describe('the standalone SVG', { timeout: 60_000 }, () => {
  it('parses as SVG in the browser and has the same marks as the wheel page', async () => {
    const apiList = await oyer2027()
    const page = await newPage()
    await page.goto(`${base}/`)
    const parsed = await page.evaluate(async url => {
      const res = await fetch(url)
      const text = await res.text()
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml')
      return {
        type: res.headers.get('content-type'),
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: doc.documentElement.localName,
        ns: doc.documentElement.namespaceURI,
        ids: Array.from(doc.querySelectorAll('.mark')).map(m => m.getAttribute('data-occurrence-id')),
      }
    }, `${base}/arshjul.svg?municipality=oyer&year=2027`)
    expect(parsed).toEqual({ type: 'image/svg+xml; charset=utf-8', error: null, root: 'svg', ns: 'http://www.w3.org/2000/svg', ids: apiList.map(o => o.id) })
    // And it renders as an image, the way an intranet page embeds it.
    await page.setContent(`<img id="w" src="${base}/arshjul.svg?municipality=oyer&year=2027" width="700">`)
    await expect.poll(() => page.evaluate(() => (document.getElementById('w') as HTMLImageElement).naturalWidth)).toBe(1400)
  })
})

describe('the follow-up page', { timeout: 60_000 }, () => {
  it('matches the overdue and upcoming report for a fixed date, sorts, and downloads as CSV', async () => {
    // The reports of issue 5 (/api/v1/reports/…) are the source: the page shows their rows, nothing else.
    const overdue = (await api<{ data: Array<{ id: string; dueDate: string; daysOverdue: number; title: string }> }>(`/api/v1/reports/overdue?municipality=oyer&asOf=${AS_OF}&limit=500`)).data
    const upcoming = (await api<{ data: Array<{ id: string; dueDate: string; daysLeft: number; title: string }> }>(`/api/v1/reports/upcoming?municipality=oyer&asOf=${AS_OF}&days=30&limit=500`)).data
    expect(overdue.length).toBeGreaterThan(5)
    expect(upcoming.length).toBeGreaterThan(5)
    const page = await newPage()
    await page.goto(`${base}/oppfolging?municipality=oyer`)
    const rows = () => page.locator('#oppfolging tbody tr').evaluateAll(trs => trs.map(tr => ({
      id: tr.getAttribute('data-occurrence-id')!,
      situation: tr.getAttribute('data-situation')!,
      date: tr.getAttribute('data-date')!,
      days: Number((tr as HTMLTableRowElement).cells[2]!.getAttribute('data-sort')),
      title: (tr as HTMLTableRowElement).cells[3]!.querySelector('a')!.textContent!,
    })))
    const shown = await rows()
    const expected = [
      ...overdue.map(o => ({ id: o.id, situation: 'overdue', date: o.dueDate, days: o.daysOverdue, title: o.title })),
      // Issue 14: due within 14 days is «Snart frist» (due_soon) on the page.
      ...upcoming.map(o => ({ id: o.id, situation: o.daysLeft <= 14 ? 'due_soon' : 'upcoming', date: o.dueDate, days: -o.daysLeft || 0, title: o.title })),
    ]
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id)
    expect([...shown].sort(byId)).toEqual([...expected].sort(byId))
    // The server sorts by due date.
    expect(shown.map(r => r.date)).toEqual([...shown.map(r => r.date)].sort())
    expect(shown.some(r => r.title === 'Kommunestyrets vedtak av årsregnskap og årsberetning')).toBe(true)
    const delivered = findOne(await oyer2027(), 'arsregnskap_avlagt').id
    expect(shown.some(r => r.id === delivered)).toBe(false)
    await page.screenshot({ path: path.join(OUT, 'oppfolging-oyer.png') })

    // Sorting by days: ascending, then descending, announced by aria-sort.
    const daysHeader = page.locator('#oppfolging thead th', { hasText: 'Dager' })
    await daysHeader.locator('button').click()
    expect(await daysHeader.getAttribute('aria-sort')).toBe('ascending')
    const asc = (await rows()).map(r => r.days)
    expect(asc).toEqual([...asc].sort((a, b) => a - b))
    await daysHeader.locator('button').click()
    expect(await daysHeader.getAttribute('aria-sort')).toBe('descending')
    const desc = (await rows()).map(r => r.days)
    expect(desc).toEqual([...desc].sort((a, b) => b - a))
    expect(await page.locator('#oppfolging thead th', { hasText: 'Frist' }).getAttribute('aria-sort')).toBeNull()

    const csvUrl = await page.getByRole('link', { name: 'Last ned CSV' }).getAttribute('href')
    const csv = await (await page.request.get(`${base}${csvUrl}`)).text()
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toBe('\uFEFFSituasjon;Frist;Dager;Hva;Type;Gjelder;Ansvarlig;Behandles i møte;Status;Saksnummer;Siste påminnelse;Id')
    expect(lines.slice(1).map(l => l.split(';').at(-1)).sort()).toEqual(expected.map(e => e.id).sort())
  })
})

describe('the start page', { timeout: 60_000 }, () => {
  it('shows the region with counts, subscribe buttons and copy links', async () => {
    const page = await newPage()
    await context!.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base })
    await page.goto(`${base}/`)
    expect(await page.locator('article.municipality h3').allTextContents()).toEqual(['Gausdal', 'Lillehammer', 'Øyer'])
    for (const slug of ['gausdal', 'lillehammer', 'oyer']) {
      type Counted = { pagination: { totalElements: number } }
      const overdue = (await api<Counted>(`/api/v1/reports/overdue?municipality=${slug}&asOf=${AS_OF}`)).pagination.totalElements
      const upcoming = (await api<Counted>(`/api/v1/reports/upcoming?municipality=${slug}&asOf=${AS_OF}&days=30`)).pagination.totalElements
      expect(await page.locator(`[data-municipality="${slug}"] [data-count="overdue"]`).textContent()).toBe(String(overdue))
      expect(await page.locator(`[data-municipality="${slug}"] [data-count="upcoming"]`).textContent()).toBe(String(upcoming))
    }
    const card = page.locator('[data-municipality="oyer"]')
    const ks = card.locator('li', { hasText: 'Kommunestyret i Øyer' })
    expect(await ks.getByRole('link', { name: 'Abonner på kalenderen til Kommunestyret i Øyer' }).getAttribute('href')).toBe('webcal://arshjul.test/feeds/bodies/oyer-kommunestyre.ics')
    const copy = ks.getByRole('link', { name: 'Kopier lenke til kalenderen for Kommunestyret i Øyer' })
    await copy.click()
    await expect.poll(() => copy.textContent()).toBe('Kopiert!')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('https://arshjul.test/feeds/bodies/oyer-kommunestyre.ics')
    expect(await page.locator('#slik-abonnerer-du').isVisible()).toBe(true)
    for (const app of ['Outlook', 'Google Kalender', 'Apple Kalender']) expect(await page.locator('.howto summary', { hasText: app }).count()).toBe(1)
    await page.screenshot({ path: path.join(OUT, 'forside.png') })
    await page.locator('[data-municipality="oyer"]').getByRole('link', { name: 'Årshjul 2027' }).click()
    await page.waitForURL(/\/arshjul\?municipality=oyer&year=2027$/)
  })
})

describe('the start page of many municipalities, a municipality’s page and the collaborations', { timeout: 60_000 }, () => {
  /** Presses Tab until `selector` has the focus (the keyboard's way there), at most `max` times. */
  async function tabTo (page: Page, selector: string, max = 60) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab')
      if (await page.evaluate(s => document.activeElement?.matches(s) ?? false, selector)) return
    }
    throw new Error(`Tab never reached ${selector}`)
  }

  it('shows every municipality with its counts, sorts by the keyboard, and finds a collaboration', async () => {
    const page = await newPage()
    await page.goto(`${bigBase}/`)
    const names = await page.locator('table.municipalities tbody th').allTextContents()
    expect(names).toEqual(['Berg', 'Dal', 'Eid', 'Fjell', 'Gausdal', 'Hov', 'Lillehammer', 'Lund', 'Moen', 'Nes', 'Vik', 'Øyer', 'Åsen'])
    for (const slug of ['gausdal', 'lillehammer', 'oyer']) {
      type Counted = { pagination: { totalElements: number } }
      const overdue = ((await big.app.inject(`/api/v1/reports/overdue?municipality=${slug}&asOf=${AS_OF}`)).json() as Counted).pagination.totalElements
      expect(await page.locator(`[data-municipality="${slug}"] [data-count="overdue"]`).textContent()).toBe(String(overdue))
    }
    await page.screenshot({ path: path.join(OUT, 'forside-mange-kommuner.png'), fullPage: true })
    // Sort by overdue, most first: the header's button, twice (ascending, then descending).
    await tabTo(page, 'table.municipalities thead th:nth-child(3) button.sort-button')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Enter')
    expect(await page.locator('table.municipalities thead th:nth-child(3)').getAttribute('aria-sort')).toBe('descending')
    const overdue = (await page.locator('table.municipalities tbody td:nth-child(3)').allTextContents()).map(v => parseInt(v, 10))
    expect(overdue).toEqual([...overdue].sort((a, b) => b - a))
    expect(overdue[0]).toBeGreaterThan(0)
    // The search field, by the keyboard.
    await page.goto(`${bigBase}/`)
    await tabTo(page, '#sok-samarbeid')
    await page.keyboard.type('GLØR')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/samarbeid\?q=GL%C3%98R$/)
    expect(await page.locator('table.collaborations tbody tr').count()).toBe(1)
    expect(await page.locator('#sok-samarbeid').inputValue()).toBe('GLØR')
    // A municipality's page from the table, and its collaborations.
    await page.goto(`${bigBase}/`)
    await tabTo(page, 'a[href="/kommune?municipality=oyer"]', 150)
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/kommune\?municipality=oyer$/)
    expect(await page.locator('h1').textContent()).toBe('Øyer')
    expect(await page.locator('table.collaborations tbody tr').count()).toBeGreaterThan(10)
    await page.screenshot({ path: path.join(OUT, 'kommune-oyer.png') })
  })

  it('pages through every collaboration', async () => {
    const page = await newPage()
    await page.goto(`${base}/samarbeid`)
    const first = await page.locator('table.collaborations tbody tr').evaluateAll(rows => rows.map(r => r.getAttribute('data-collaboration')))
    expect(first).toHaveLength(50)
    await page.getByRole('link', { name: 'Neste side ›' }).click()
    await page.waitForURL(/\/samarbeid\?page=2$/)
    const second = await page.locator('table.collaborations tbody tr').evaluateAll(rows => rows.map(r => r.getAttribute('data-collaboration')))
    const all = (await api<{ pagination: { totalElements: number } }>('/api/v1/collaborations?limit=1')).pagination.totalElements
    expect(new Set([...first, ...second]).size).toBe(all)
    expect(await page.locator('[aria-current="page"]').textContent()).toBe('Side 2 av 2')
  })
})

describe('names with markup in them', { timeout: 60_000 }, () => {
  const pages = [
    ['/', [XSS, QUOTES]],
    ['/arshjul?collaboration=xss-samarbeid&year=2027', [XSS]],
    ['/arshjul?collaboration=quotes-samarbeid&year=2027', [QUOTES]],
    ['/arshjul?municipality=oyer&year=2027', [XSS, QUOTES]],
    ['/oppfolging?collaboration=xss-samarbeid', [XSS]],
    ['/oppfolging?municipality=oyer', [XSS, QUOTES]],
    ['/kommune?municipality=oyer', [XSS, QUOTES]],
    [`/samarbeid?q=${encodeURIComponent(XSS)}`, [XSS]],
  ] as const

  it('render as literal text on every page, and no script runs', async () => {
    const page = await newPage()
    for (const [url, names] of pages) {
      await page.goto(`${base}${url}`)
      const text = await page.evaluate(() => document.body.innerText)
      for (const name of names) expect(text, `${url} shows ${name}`).toContain(name)
      expect(await page.evaluate(() => Array.from(document.scripts).map(s => s.getAttribute('src'))), url).toEqual(['/assets/arshjul.js'])
      expect(await page.evaluate(() => document.querySelectorAll('[onerror], [onload], [onclick]').length)).toBe(0)
    }
    await page.goto(`${base}/arshjul?collaboration=xss-samarbeid&year=2027`)
    expect(await page.locator('h1').textContent()).toContain(XSS)
    expect((await page.locator('svg.wheel .hub text').allTextContents()).join(' ')).toContain(XSS)
    expect(await page.locator('svg.wheel title#wheel-title').textContent()).toBe(`Årshjul 2027 – ${XSS}`)
    await page.locator('svg.wheel .mark').first().click()
    expect(await page.locator('#wheel-popup').textContent()).toContain(XSS)
    await page.screenshot({ path: path.join(OUT, 'xss-samarbeid.png') })
    await page.goto(`${base}/arshjul?collaboration=quotes-samarbeid&year=2027`)
    expect(await page.locator('h1').textContent()).toContain(QUOTES)
    expect((await page.locator('svg.wheel .hub text').allTextContents()).join(' ')).toBe('Tom & "Jerry" samarbeid 2027 Valgperiode 2023–2027')
  })

  it('render as literal text in the standalone SVG', async () => {
    const page = await newPage()
    for (const [slug, name] of [['xss-samarbeid', XSS], ['quotes-samarbeid', QUOTES]] as const) {
      await page.goto(`${base}/arshjul.svg?collaboration=${slug}&year=2027`)
      const doc = await page.evaluate(() => ({
        root: document.documentElement.localName,
        title: document.querySelector('title')!.textContent,
        scripts: document.getElementsByTagName('script').length,
        labels: Array.from(document.querySelectorAll('.mark title')).map(t => t.textContent),
      }))
      expect(doc.root).toBe('svg')
      expect(doc.title).toBe(`Årshjul 2027 – ${name}`)
      expect(doc.scripts).toBe(0)
      expect(doc.labels.length).toBeGreaterThan(0)
      expect(doc.labels.every(l => l!.includes(name))).toBe(true)
    }
  })
})

// WCAG 2.1 AA (required of Norwegian public-sector web solutions), checked by axe-core in the page itself,
// on a desktop and a 375 px phone. The test context bypasses the page's CSP only to inject axe (STYLE.md trap 9).
describe('accessibility (axe-core, WCAG 2.1 AA)', { timeout: 120_000 }, () => {
  const AXE = fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8')
  const PAGES = [
    '/', '/arshjul?municipality=oyer&year=2027', '/arshjul?body=oyer-kontrollutvalg&year=2027', '/oppfolging?municipality=oyer',
    '/kommune?municipality=oyer', '/samarbeid', '/samarbeid?page=2', '/samarbeid?q=finnes-ikke', '/samarbeid?page=9',
  ]
  /** Pages of the deployment with many municipalities. */
  const BIG_PAGES = ['/']

  for (const width of [1400, 375]) {
    it(`has no violations at ${width} px on ${PAGES.join(', ')} and the start page of many municipalities`, async () => {
      context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'nb-NO', timezoneId: 'Europe/Oslo', bypassCSP: true })
      const page = await context.newPage()
      for (const url of [...PAGES.map(u => `${base}${u}`), ...BIG_PAGES.map(u => `${bigBase}${u}`)]) {
        await page.goto(url)
        await page.addScriptTag({ content: AXE })
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> } }).axe
          const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
          return result.violations.map(v => `${v.id} (${v.nodes.length})`)
        })
        expect(violations, `${url} at ${width} px`).toEqual([])
      }
    })
  }
})
