import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { parse as parseCsv } from 'csv-parse/sync'
import { closeBrowserSuite, expectAccessible, expectFitsPhone, newContext, openBrowserSuite, tabTo } from '../../helpers/browser.js'
import { signInBrowser } from '../../helpers/people.js'
import type { TestApp } from '../../helpers/app.js'
import { DEMO_ACTOR, loadDemoKontroll, readDemoKontroll } from '../../../src/kontroll/demo.js'
import { CONTROL_STATES } from '../../../src/pages/kontroll/coverage.js'
import { legalFormLabel } from '../../../src/presenters/vocabulary.js'
import { legalFormLabel as registerSpelling } from '../../../src/register/legal-form.js'
import { systemViewer } from '../../../src/services/access.js'

// Coverage and the planning review in Chromium against a real server, signed in as the sekretariat serving
// the region's three kontrollutvalg, over the demo's plans (valgperiode 2023) on 1 December 2026.
const NOW = '2026-12-01T10:00:00Z'
const KUS = ['lillehammer-kontrollutvalg', 'gausdal-kontrollutvalg', 'oyer-kontrollutvalg']
type Json = Record<string, any>

let browser: Browser
let t: TestApp
let base: string
let jointPlanId: number

beforeAll(async () => {
  ({ browser, t, base } = await openBrowserSuite({ now: NOW }))
  await loadDemoKontroll(t.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
  const plans = await t.services.kontroll.plans.list(systemViewer, { electionYear: 2023, type: 'eierskapskontroll', limit: 10, offset: 0 })
  jointPlanId = (plans.items[0] as { id: number }).id
}, 120_000)
afterAll(() => closeBrowserSuite(browser, t))

async function signedInPage (width = 1280): Promise<Page> {
  const context = await newContext(browser, { width })
  const page = await context.newPage()
  await signInBrowser(page, t, base, 'sek@example.no', KUS.map(k => ({ role: 'sekretariat' as const, kontrollutvalg: k })), 'Siri Sekretær')
  return page
}

/**
 * Types a date into the focused <input type="date"> by keyboard. Chromium orders the field's parts by its
 * own locale data (month first in Debian's headless Chromium, day first elsewhere): try each order,
 * re-entering the field at its first part (Shift+Tab out of it, Tab back) until the value is the date.
 */
async function typeDate (page: Page, selector: string, iso: string): Promise<void> {
  const [y, m, d] = iso.split('-') as [string, string, string]
  const inField = () => page.evaluate(sel => document.activeElement?.matches(sel) ?? false, selector)
  for (const parts of [[m, d, y], [d, m, y], [y, m, d]]) {
    for (const part of parts) await page.keyboard.type(part)
    if (await page.locator(selector).inputValue() === iso) return
    for (let i = 0; i < 4 && await inField(); i++) await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Tab')
  }
  throw new Error(`could not type ${iso} into ${selector}`)
}

interface Shown { municipality: string; csv: string; rows: Json[]; areas: Json[] }
/** The coverage tables as Chromium shows them: each cell's text, by its column's label. */
function tablesOf (page: Page): Promise<Shown[]> {
  return page.evaluate(() => {
    const text = (n: Element | null | undefined) => (n?.textContent ?? '').replace(/\s+/g, ' ').trim()
    const cells = (tr: Element) => Object.fromEntries([...tr.querySelectorAll('th, td')].map(c => [c.getAttribute('data-label'), c]))
    const items = (c: Element) => [...c.querySelectorAll('li')].map(li => text(li).replace(/ \([^)]*\)$/, ''))
    return [...document.querySelectorAll('section.coverage-section')].map(s => ({
      municipality: s.getAttribute('data-municipality')!,
      csv: (s.querySelector('a.csv-link') as HTMLAnchorElement).href,
      rows: [...s.querySelectorAll('table[data-table="collaborations"] tbody tr')].map(tr => {
        const c = cells(tr)
        return {
          name: text(c['Selskap eller samarbeid']!.querySelector('.coverage-name')),
          form: text(c.Form),
          role: text(c.Rolle).toLowerCase(),
          eierskapskontroll: text(c.Eierskapskontroll).replace(/^\S+ /, ''),
          forvaltningsrevisjon: text(c.Forvaltningsrevisjon).replace(/^\S+ /, ''),
          flagged: text(c['Selskap eller samarbeid']).includes('Ingen kontroll'),
          projects: items(c['Prosjekter i perioden']!),
        }
      }),
      areas: [...s.querySelectorAll('table[data-table="service-areas"] tbody tr')].map(tr => {
        const c = cells(tr)
        return { name: text(c.Tjenesteområde), forvaltningsrevisjon: text(c.Forvaltningsrevisjon).replace(/^\S+ /, ''), projects: items(c['Prosjekter i perioden']!) }
      }),
    }))
  })
}

const STATE_OF_LABEL: Record<string, string> = Object.fromEntries(Object.entries(CONTROL_STATES).map(([state, s]) => [s.label, state]))
const CSV_STATE: Record<string, string> = { planlagt: 'planned', gjennomført: 'done', ingen: 'none' }

/** Page, CSV (fetched through the page's own link, in the same session) and API JSON agree row by row. */
async function expectAgreement (page: Page, sections: Shown[]) {
  for (const s of sections) {
    const api = await page.request.get(`${base}/api/v1/kontroll/coverage?valgperiode=2023&municipality=${s.municipality}`)
    expect(api.status()).toBe(200)
    const m = (await api.json()).municipalities[0]
    expect(s.rows.map(r => ({ ...r, eierskapskontroll: STATE_OF_LABEL[r.eierskapskontroll], forvaltningsrevisjon: STATE_OF_LABEL[r.forvaltningsrevisjon] })), s.municipality)
      .toEqual(m.collaborations.map((c: Json) => ({
        name: c.name, form: legalFormLabel(c.legalForm), role: c.role, eierskapskontroll: c.eierskapskontroll, forvaltningsrevisjon: c.forvaltningsrevisjon, flagged: c.flagged, projects: c.projects.map((p: Json) => p.title),
      })))
    expect(s.areas.map(a => ({ ...a, forvaltningsrevisjon: STATE_OF_LABEL[a.forvaltningsrevisjon] })))
      .toEqual(m.serviceAreas.map((a: Json) => ({ name: a.serviceArea, forvaltningsrevisjon: a.forvaltningsrevisjon, projects: a.projects.map((p: Json) => p.title) })))

    const csv = await page.request.get(s.csv)
    expect(csv.status()).toBe(200)
    expect(csv.headers()['content-disposition']).toBe(`attachment; filename="kontroll-dekning-2023-${s.municipality}.csv"`)
    const [, ...records] = parseCsv((await csv.text()).replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][]
    expect(records.map(r => ({ kommune: r[0], name: r[1], form: r[2], role: r[3], eierskapskontroll: CSV_STATE[r[5]!] ?? '', forvaltningsrevisjon: CSV_STATE[r[6]!], projects: r[7] ? r[7].split(' | ') : [], flagged: r[12] === 'JA' })))
      .toEqual([
        ...m.collaborations.map((c: Json) => ({
          kommune: m.municipality.name, name: c.name, form: registerSpelling(c.legalForm) || c.legalForm, role: c.role, eierskapskontroll: c.eierskapskontroll, forvaltningsrevisjon: c.forvaltningsrevisjon, projects: c.projects.map((p: Json) => p.title), flagged: c.flagged,
        })),
        ...m.serviceAreas.map((a: Json) => ({
          kommune: m.municipality.name, name: a.serviceArea, form: 'Tjenesteområde', role: '', eierskapskontroll: '', forvaltningsrevisjon: a.forvaltningsrevisjon, projects: a.projects.map((p: Json) => p.title), flagged: false,
        })),
      ])
  }
}

describe('coverage in Chromium', () => {
  it('Coverage page and CSV agree with GET /api/v1/kontroll/coverage: all three kontrollutvalg, then Gausdal’s own page', async () => {
    const page = await signedInPage()
    await page.goto(`${base}/kontroll/dekning?valgperiode=2023`)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dekning i kontrollutvalgene')
    const all = await tablesOf(page)
    expect(all.map(s => s.municipality)).toEqual(['gausdal', 'lillehammer', 'oyer'])
    await expectAgreement(page, all)
    await expectAccessible(page, 'coverage across the workspace')

    // From Gausdal's section to its kontrollutvalg's own page.
    await Promise.all([page.waitForURL(`${base}/kontroll/gausdal-kontrollutvalg/dekning?valgperiode=2023`), page.getByRole('link', { name: 'Kontrollutvalget i Gausdal' }).click()])
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dekning: Gausdal')
    const gausdal = await tablesOf(page)
    expect(gausdal).toHaveLength(1)
    expect(gausdal[0]!.rows).toEqual(all[0]!.rows)
    await expectAgreement(page, gausdal)
    // The owned companies without control come first, marked in words.
    const flagged = gausdal[0]!.rows.filter(r => r.flagged).map(r => r.name)
    expect(flagged).toContain('IKOMM AS')
    expect(gausdal[0]!.rows.slice(0, flagged.length).every(r => r.flagged)).toBe(true)
    await expectAccessible(page, 'Gausdal’s coverage')
    await page.context().close()
  }, 90_000)

  it('by keyboard: reaches the valgperiode form and the CSV link; another period by keyboard alone', async () => {
    const page = await signedInPage()
    await page.goto(`${base}/kontroll/gausdal-kontrollutvalg/dekning`)
    await page.locator('body').focus()
    const toSelect = await tabTo(page, '#felt-valgperiode')
    // Choose the next period with the arrow key, Tab to «Vis», Enter.
    await page.keyboard.press('ArrowDown')
    await tabTo(page, 'form.coverage-period button[type="submit"]', 3)
    await Promise.all([page.waitForURL(`${base}/kontroll/gausdal-kontrollutvalg/dekning?valgperiode=2027`), page.keyboard.press('Enter')])
    await expect.poll(() => page.locator('.kicker').textContent()).toContain('valgperiode 2027–2031')
    await page.locator('body').focus()
    const toCsv = await tabTo(page, 'a.csv-link')
    expect(await page.evaluate(() => (document.activeElement as HTMLAnchorElement).getAttribute('href'))).toBe('/api/v1/kontroll/coverage?valgperiode=2027&municipality=gausdal&format=csv')
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')])
    expect(download.suggestedFilename()).toBe('kontroll-dekning-2027-gausdal.csv')
    console.info(`keyboard: ${toSelect} Tab to Valgperiode; ${toCsv} Tab to «Last ned CSV»`)
    await page.context().close()
  }, 90_000)

  it('a bad valgperiode: a 400 page naming the field, accessible', async () => {
    const page = await signedInPage()
    const res = await page.goto(`${base}/kontroll/dekning?valgperiode=2024`)
    expect(res?.status()).toBe(400)
    expect(await page.locator('.error-summary').textContent()).toContain('Valgperiode: «2024» er ikke et valgår.')
    await page.locator('.error-summary a').click()
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('felt-valgperiode')
    await expectAccessible(page, 'coverage with a bad valgperiode')
    await page.context().close()
  }, 90_000)

  it('fits a phone (375 px): the tables become cards', async () => {
    const page = await signedInPage(375)
    await page.goto(`${base}/kontroll/dekning`)
    await expectFitsPhone(page, 'kontroll-dekning')
    await expectAccessible(page, 'coverage at 375 px')
    await page.goto(`${base}/kontroll/gausdal-kontrollutvalg/dekning`)
    await expectFitsPhone(page, 'kontroll-dekning-gausdal')
    await page.context().close()
  }, 90_000)
})

describe('the planning review in Chromium', () => {
  it('shows the joint plan as of today, accessible; another date by keyboard alone through «Per dato»', async () => {
    const page = await signedInPage()
    await page.goto(`${base}/kontroll/plan/${jointPlanId}/gjennomgang`)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Felles plan for eierskapskontroll 2024–2027 (Lillehammer, Gausdal, Øyer)')
    expect(await page.locator('#forsinket-tittel + ul').textContent()).toContain('Eierskapskontroll Innlandet Revisjon IKS: 245 dager på etterskudd.')
    expect(await page.getByLabel('Per dato').inputValue()).toBe('2026-12-01')
    await expectAccessible(page, 'the review page')
    // Projects link to their pages; the plan page is linked back.
    expect(await page.getByRole('link', { name: 'Eierskapskontroll Innlandet Revisjon IKS' }).first().getAttribute('href')).toMatch(new RegExp(`^/kontroll/plan/${jointPlanId}/prosjekt/\\d+$`))
    expect(await page.getByRole('link', { name: 'Tilbake til planen' }).getAttribute('href')).toBe(`/kontroll/plan/${jointPlanId}`)

    await page.locator('body').focus()
    const toDate = await tabTo(page, '#felt-dato')
    // Chromium's date field in nb-NO: day, month, year.
    await typeDate(page, '#felt-dato', '2025-01-15')
    await tabTo(page, 'form.review-date button[type="submit"]', 6)
    await Promise.all([page.waitForURL(`${base}/kontroll/plan/${jointPlanId}/gjennomgang?dato=2025-01-15`), page.keyboard.press('Enter')])
    await expect.poll(() => page.locator('.summary').first().textContent()).toContain('Per 15. januar 2025.')
    expect(await page.locator('#forsinket-tittel').textContent()).toBe('Forsinkede prosjekter (0)')
    await expectAccessible(page, 'the review page as of 15 January 2025')
    console.info(`keyboard: ${toDate} Tab to «Per dato»`)
    await page.context().close()
  }, 90_000)

  it('a bad date is a 400 page naming the field, accessible; unknown plan 404', async () => {
    const page = await signedInPage()
    const res = await page.goto(`${base}/kontroll/plan/${jointPlanId}/gjennomgang?dato=2026-02-30`)
    expect(res?.status()).toBe(400)
    expect(await page.locator('.error-summary').textContent()).toContain('Per dato: «2026-02-30» er ikke en gyldig dato.')
    expect(await page.locator('#felt-dato').getAttribute('aria-invalid')).toBe('true')
    await expectAccessible(page, 'the review page with a bad date')
    expect((await page.goto(`${base}/kontroll/plan/99999/gjennomgang`))?.status()).toBe(404)
    await page.context().close()
  }, 90_000)

  it('fits a phone (375 px)', async () => {
    const page = await signedInPage(375)
    await page.goto(`${base}/kontroll/plan/${jointPlanId}/gjennomgang`)
    await expectFitsPhone(page, 'kontroll-gjennomgang')
    await expectAccessible(page, 'the review page at 375 px')
    await page.context().close()
  }, 90_000)
})
