import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildTestApp, type TestApp } from '../helpers/app.js'

// The CSP helmet sends, enforced by a real browser (no bypassCSP): Swagger UI at /docs and the pages
// run without a single violation. Debian's Chromium, as in test/routes/pages-browser.test.ts.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

let t: TestApp
let browser: Browser
let base: string

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium was not found at ${CHROMIUM}: run "apt-get install -y chromium" as root, or set CHROMIUM_PATH.`)
  t = await buildTestApp({ now: '2027-06-15T10:00:00Z' })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await t?.close()
})

/** A fresh page that records every CSP violation and script error. */
async function watched (): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext()
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', m => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()) })
  page.on('pageerror', e => problems.push(e.message))
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', e => console.error(`Refused to: ${e.violatedDirective} ${e.blockedURI}`))
  })
  return { page, problems }
}

describe('CSP in Chromium', () => {
  it('Swagger UI at /docs renders the API and runs "Try it out" without a violation', async () => {
    const { page, problems } = await watched()
    await page.goto(`${base}/docs`)
    await page.waitForSelector('.opblock', { timeout: 20_000 })
    expect(await page.locator('.info .title').textContent()).toContain('Årshjul API')
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20)

    const health = page.locator('.opblock', { hasText: '/health' }).first()
    await health.locator('.opblock-summary').click()
    await health.locator('button.try-out__btn').click()
    await health.locator('button.execute').click()
    await health.locator('.live-responses-table tbody .response-col_status').first().waitFor({ timeout: 20_000 })
    expect(await health.locator('.live-responses-table tbody .response-col_status').first().textContent()).toContain('200')
    expect(problems).toEqual([])
    await page.context().close()
  }, 60_000)

  it.each([
    '/',
    '/kommune?municipality=oyer',
    '/arshjul?municipality=oyer&year=2027',
    '/oppfolging?municipality=oyer',
    '/samarbeid',
  ])('%s runs its script and styles under the page CSP without a violation', async url => {
    const { page, problems } = await watched()
    const res = await page.goto(`${base}${url}`)
    expect(res?.status()).toBe(200)
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'")
    // Our stylesheet applied (not blocked): the body is not in the browser's default serif font.
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).not.toMatch(/^"?Times/)
    await page.waitForLoadState('networkidle')
    expect(problems).toEqual([])
    await page.context().close()
  }, 60_000)
})
