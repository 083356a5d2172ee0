// Chromium against a real server for the page tests (issue 14): Debian's Chromium through playwright-core,
// a server on loopback whose BASE_URL is its own address (so cookies and links work), axe-core injected
// into the page, and the checks every page must pass (no horizontal scroll at 375 px).
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { expect } from 'vitest'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { buildTestApp, type TestApp } from './app.js'
import type { Config } from '../../src/config.js'
import type { RemindersPluginOptions } from '../../src/plugins/reminders.js'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
export const SCREENSHOTS = path.resolve('test-output')
const AXE = fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8')

/** Launches Chromium; without it the test fails and says how to install it (no skipping). */
export async function launchBrowser (): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium was not found at ${CHROMIUM}. The browser tests need Debian's chromium package: run "apt-get update && apt-get install -y chromium" as root (.ci/run does this), or set CHROMIUM_PATH.`)
  }
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS })
}

async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** A seeded test app listening on loopback, its BASE_URL its own http://127.0.0.1:<port>. */
export async function startServer (opts: { now?: string; config?: Partial<Config>; reminders?: RemindersPluginOptions; seed?: boolean } = {}): Promise<{ t: TestApp; base: string }> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const t = await buildTestApp({ ...opts, config: { ...opts.config, BASE_URL: base } })
  await t.app.listen({ host: '127.0.0.1', port })
  return { t, base }
}

/** A browser context like a Norwegian reader's: nb-NO, Europe/Oslo. `bypassCSP` only where axe is injected. */
export async function newContext (browser: Browser, opts: { width?: number; height?: number; javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    locale: 'nb-NO',
    timezoneId: 'Europe/Oslo',
    bypassCSP: true,
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
  })
}

/** axe-core's WCAG 2.1 A/AA violations on the page as it is now, as 'rule-id (n nodes): first target'. */
export async function axeViolations (page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE })
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    return result.violations.map(v => `${v.id} (${v.nodes.length}): ${JSON.stringify(v.nodes[0]?.target)}`)
  })
}

/** Asserts 0 axe violations on the page (the message names the page). */
export async function expectAccessible (page: Page, what = page.url()): Promise<void> {
  expect(await axeViolations(page), what).toEqual([])
}

/** How far the page scrolls sideways (px): 0 means it fits the viewport. */
export async function horizontalOverflow (page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}

/** A 375 px check: no sideways scroll; saves a full-page screenshot as test-output/<name>-375.png. */
export async function expectFitsPhone (page: Page, name: string): Promise<void> {
  expect(await horizontalOverflow(page), `${name} scrolls sideways at ${page.viewportSize()?.width} px`).toBeLessThanOrEqual(0)
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-375.png`), fullPage: true })
}

/**
 * Presses Tab until the focused element matches `selector` (at most `max` presses) and returns how many
 * presses it took: the keyboard-only walk-throughs count their key presses with it.
 */
export async function tabTo (page: Page, selector: string, max = 400): Promise<number> {
  for (let n = 1; n <= max; n++) {
    await page.keyboard.press('Tab')
    if (await page.evaluate(sel => document.activeElement?.matches(sel) ?? false, selector)) return n
  }
  throw new Error(`Tab never reached ${selector}`)
}

/** A browser test file's setup: Chromium and a seeded server (startServer). Pair with closeBrowserSuite in afterAll. */
export async function openBrowserSuite (opts: Parameters<typeof startServer>[0] = {}): Promise<{ browser: Browser; t: TestApp; base: string }> {
  const browser = await launchBrowser()
  const { t, base } = await startServer(opts)
  return { browser, t, base }
}

/** Closes what openBrowserSuite opened (either may be missing when setup failed). */
export async function closeBrowserSuite (browser: Browser | undefined, t: TestApp | undefined): Promise<void> {
  await browser?.close()
  await t?.close()
}
