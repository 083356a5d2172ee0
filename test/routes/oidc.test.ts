// OpenID Connect sign-in (issue 14) against two real OpenID providers on loopback (oidc-provider 8.x): two
// municipalities' tenants, the full redirect flow in Chromium through our real server, role mapping by
// e-mail domain and by claim, refusals, sign-out, an idle session, and tampered callbacks.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { expectAccessible, expectFitsPhone, launchBrowser, newContext, startServer } from '../helpers/browser.js'
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider.js'
import type { TestApp } from '../helpers/app.js'

let browser: Browser
let t: TestApp
let base = ''
let oyer: TestProvider
let gausdal: TestProvider
let dir: string

beforeAll(async () => {
  oyer = await startOidcProvider({
    redirectUri: () => `${base}/logg-inn/oidc/oyer-entra/callback`,
    accounts: {
      kari: { email: 'kari@oyer.kommune.no', email_verified: true, name: 'Kari Nordmann' },
      ola: { email: 'ola@gausdal.kommune.no', email_verified: true, name: 'Ola fra Gausdal' },
      eve: { email: 'eve@example.com', email_verified: true, name: 'Eve Utenfra' },
      sjef: { email: 'sjef@oyer.kommune.no', email_verified: true, name: 'Sjefen Selv', roles: ['Arshjul.Admin', 'Annet'] },
      ubekreftet: { email: 'per@oyer.kommune.no', email_verified: false, name: 'Per Ubekreftet' },
    },
  })
  gausdal = await startOidcProvider({
    redirectUri: () => `${base}/logg-inn/oidc/gausdal-entra/callback`,
    clientId: 'arshjul-gausdal',
    accounts: { ola: { email: 'Ola@Gausdal.kommune.no', email_verified: true, name: 'Ola Nordmann' } },
  })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-oidc-'))
  const file = path.join(dir, 'providers.json')
  fs.writeFileSync(file, JSON.stringify([
    {
      id: 'oyer-entra',
      name: 'Øyer kommune (Microsoft Entra ID)',
      issuer: oyer.issuer,
      clientId: oyer.clientId,
      clientSecret: oyer.clientSecret,
      scopes: 'openid email profile roles',
      mappings: [
        { emailDomains: ['oyer.kommune.no'], roles: [{ role: 'editor', municipality: 'oyer' }] },
        { emailDomains: ['oyer.kommune.no'], claim: { name: 'roles', value: 'Arshjul.Admin' }, roles: [{ role: 'admin' }] },
      ],
    },
    {
      id: 'gausdal-entra',
      name: 'Gausdal kommune (Microsoft Entra ID)',
      issuer: gausdal.issuer,
      clientId: gausdal.clientId,
      clientSecret: gausdal.clientSecret,
      mappings: [{ emailDomains: ['gausdal.kommune.no'], roles: [{ role: 'editor', municipality: 'gausdal' }] }],
    },
  ]))
  const server = await startServer({ now: '2027-03-01T09:00:00Z', config: { OIDC_PROVIDERS_FILE: file } })
  t = server.t
  base = server.base
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await t?.close()
  await oyer?.close()
  await gausdal?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const count = async (table: string) => (await t.sql.get(`select count(*) as n from ${table}`) as { n: number }).n
const rolesOf = async (email: string) => (await t.sql.all(`
  select r.role, m.slug as municipality, r.source from user_role r join app_user u on u.id = r.user_id
  left join municipality m on m.id = r.municipality_id where u.email = ? order by r.role, m.slug`, email))

/** From our sign-in page, through the provider's login form, back to us; returns the page. */
async function signInThrough (page: Page, button: string, login: string, start = '/logg-inn'): Promise<void> {
  await page.goto(base + start)
  await page.getByRole('link', { name: button }).click()
  await page.locator('input[name="login"]').fill(login)
  await page.locator('input[name="password"]').fill('hva-som-helst')
  await page.locator('button[type="submit"]').click()
  await page.waitForURL(u => u.origin === base && (!u.pathname.startsWith('/logg-inn/oidc/') || u.pathname.endsWith('/callback')))
}

/**
 * The same flow in Chromium, but the provider's answer to the login form is held: its redirects are
 * followed with the context's own cookies up to our callback, whose URL `change` may alter before the
 * browser is sent there.
 */
async function signInWithChangedCallback (page: Page, button: string, login: string, change: (callback: URL) => URL): Promise<void> {
  await page.route(u => u.pathname.startsWith('/interaction/'), async route => {
    if (route.request().method() !== 'POST') return route.continue()
    let res = await route.fetch({ maxRedirects: 0 })
    let url = new URL(res.headers().location!, route.request().url())
    for (let i = 0; i < 5 && !url.pathname.endsWith('/callback'); i++) {
      res = await page.context().request.get(url.href, { maxRedirects: 0 })
      url = new URL(res.headers().location!, url)
    }
    await route.fulfill({ status: 303, headers: { location: change(url).href } })
  })
  await signInThrough(page, button, login)
}

async function sessionCookie (page: Page): Promise<string | undefined> {
  return (await page.context().cookies(base)).find(c => c.name === 'arshjul_sesjon')?.value
}

/** Who the server thinks the cookie belongs to: the name in the header, or null when signed out. */
async function whoIs (cookie: string): Promise<string | null> {
  const res = await fetch(`${base}/logg-inn`, { headers: { cookie: `arshjul_sesjon=${cookie}` } })
  return /Innlogget som ([^<]+)</.exec(await res.text())?.[1] ?? null
}

describe('OpenID Connect sign-in', { timeout: 90_000 }, () => {
  it('the sign-in page shows one button per provider; it passes axe and fits a phone', async () => {
    const context = await newContext(browser, { width: 375 })
    const page = await context.newPage()
    await page.goto(`${base}/logg-inn`)
    await expect(page.getByRole('link', { name: 'Øyer kommune (Microsoft Entra ID)' }).count()).resolves.toBe(1)
    await expect(page.getByRole('link', { name: 'Gausdal kommune (Microsoft Entra ID)' }).count()).resolves.toBe(1)
    await expectAccessible(page, '/logg-inn')
    await expectFitsPhone(page, 'logg-inn-oidc')
    await context.close()
  })

  it('two providers for two municipalities: each person gets the editor role of their own municipality', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInThrough(page, 'Øyer kommune (Microsoft Entra ID)', 'kari', '/logg-inn?tilbake=%2Foppfolging')
    expect(new URL(page.url()).pathname).toBe('/oppfolging')
    await expect(page.getByText('Innlogget som Kari Nordmann').count()).resolves.toBe(1)
    expect(await rolesOf('kari@oyer.kommune.no')).toEqual([{ role: 'editor', municipality: 'oyer', source: 'provider:oyer-entra' }])
    await context.close()

    const other = await newContext(browser)
    const page2 = await other.newPage()
    await signInThrough(page2, 'Gausdal kommune (Microsoft Entra ID)', 'ola')
    await expect(page2.getByText('Innlogget som Ola Nordmann').count()).resolves.toBe(1)
    // The address is stored as one spelling (lower case), verified by the provider.
    expect(await rolesOf('ola@gausdal.kommune.no')).toEqual([{ role: 'editor', municipality: 'gausdal', source: 'provider:gausdal-entra' }])
    const user = await t.sql.get('select email_verified_at from app_user where email = ?', 'ola@gausdal.kommune.no') as { email_verified_at: number | null }
    expect(user.email_verified_at).not.toBeNull()
    const audit = await t.sql.get("select actor from audit_log where entity_type = 'user' and action = 'sign_in' order by id desc limit 1") as { actor: string }
    expect(audit.actor).toBe('Ola Nordmann <ola@gausdal.kommune.no>')
    await other.close()
  })

  it('a person whose domain no mapping of that provider allows is refused: a clear page, no user, no session', async () => {
    const users = await count('app_user')
    const sessions = await count('session')
    for (const [provider, login, email] of [['Øyer kommune (Microsoft Entra ID)', 'eve', 'eve@example.com'], ['Øyer kommune (Microsoft Entra ID)', 'ola', 'ola@gausdal.kommune.no']] as const) {
      const context = await newContext(browser, { width: 375 })
      const page = await context.newPage()
      const responses: number[] = []
      page.on('response', r => { if (r.url().includes('/callback')) responses.push(r.status()) })
      await signInThrough(page, provider, login)
      expect(responses).toEqual([403])
      await expect(page.getByRole('heading', { name: 'Innloggingen ble avvist' }).count()).resolves.toBe(1)
      await expect(page.getByText(`Adressen ${email} har ikke tilgang til Årshjul gjennom Øyer kommune (Microsoft Entra ID)`).count()).resolves.toBe(1)
      expect(await sessionCookie(page)).toBeUndefined()
      if (login === 'eve') {
        await expectAccessible(page, 'refused sign-in')
        await expectFitsPhone(page, 'logg-inn-avvist')
      }
      await context.close()
    }
    expect(await t.sql.get('select count(*) as n from app_user where email = ?', 'eve@example.com')).toEqual({ n: 0 })
    expect(await count('app_user')).toBe(users)
    expect(await count('session')).toBe(sessions)
  })

  it('an e-mail the provider has not verified is refused (trustEmail not set)', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInThrough(page, 'Øyer kommune (Microsoft Entra ID)', 'ubekreftet')
    await expect(page.getByText('Adressen per@oyer.kommune.no er ikke bekreftet').count()).resolves.toBe(1)
    expect(await t.sql.get('select count(*) as n from app_user where email = ?', 'per@oyer.kommune.no')).toEqual({ n: 0 })
    await context.close()
  })

  it('role mapping by claim: a «roles» claim with Arshjul.Admin makes an admin (besides the domain\'s editor role)', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInThrough(page, 'Øyer kommune (Microsoft Entra ID)', 'sjef')
    await expect(page.getByRole('link', { name: 'Administrasjon' }).count()).resolves.toBe(1)
    expect(await rolesOf('sjef@oyer.kommune.no')).toEqual([
      { role: 'admin', municipality: null, source: 'provider:oyer-entra' },
      { role: 'editor', municipality: 'oyer', source: 'provider:oyer-entra' },
    ])
    // The provider takes the claim away: the next sign-in takes the role away too.
    oyer.accounts.set('sjef', { ...oyer.accounts.get('sjef')!, roles: ['Annet'] })
    await context.clearCookies()
    await signInThrough(page, 'Øyer kommune (Microsoft Entra ID)', 'sjef')
    expect(await rolesOf('sjef@oyer.kommune.no')).toEqual([{ role: 'editor', municipality: 'oyer', source: 'provider:oyer-entra' }])
    await context.close()
  })

  it('sign-out: the old cookie no longer works', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInThrough(page, 'Øyer kommune (Microsoft Entra ID)', 'kari')
    const cookie = (await sessionCookie(page))!
    expect(await whoIs(cookie)).toBe('Kari Nordmann')
    await page.getByRole('button', { name: 'Logg ut' }).click()
    await page.waitForURL(`${base}/`)
    await expect(page.getByText('Du er logget ut.').count()).resolves.toBe(1)
    expect(await whoIs(cookie)).toBeNull()
    const write = await fetch(`${base}/logg-ut`, { method: 'POST', headers: { cookie: `arshjul_sesjon=${cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, body: '' })
    expect(write.status).toBe(401)
    await context.close()
  })

  it('an idle session ends: past SESSION_IDLE_MINUTES the cookie signs no one in, and the page says so', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInThrough(page, 'Gausdal kommune (Microsoft Entra ID)', 'ola')
    const cookie = (await sessionCookie(page))!
    t.clock.advance(119 * 60_000)
    expect(await whoIs(cookie)).toBe('Ola Nordmann')
    t.clock.advance(121 * 60_000)
    expect(await whoIs(cookie)).toBeNull()
    await page.goto(`${base}/logg-inn`)
    await expect(page.getByText('Innlogget som').count()).resolves.toBe(0)
    await context.close()
  })

  it('a session ends SESSION_MAX_HOURS after sign-in however active', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInThrough(page, 'Øyer kommune (Microsoft Entra ID)', 'kari')
    const cookie = (await sessionCookie(page))!
    for (let h = 0; h < 11; h++) {
      t.clock.advance(60 * 60_000)
      expect(await whoIs(cookie)).toBe('Kari Nordmann')
    }
    t.clock.advance(60 * 60_000 + 1)
    expect(await whoIs(cookie)).toBeNull()
    await context.close()
  })

  it('a forged state, a replayed callback and a tampered code are refused with no session', async () => {
    const sessions = await count('session')
    const forged = await fetch(`${base}/logg-inn/oidc/oyer-entra/callback?code=abc&state=forged`, { redirect: 'manual' })
    expect(forged.status).toBe(400)
    // Not started in this browser (no state cookie): refused before the state is even looked up.
    expect(await forged.text()).toContain('Innloggingen ble ikke startet i denne nettleseren')
    expect(forged.headers.get('set-cookie') ?? '').not.toContain('arshjul_sesjon')

    // A real callback, recorded, then replayed: the state was used once.
    const context = await newContext(browser)
    const page = await context.newPage()
    let callback = ''
    page.on('request', r => { if (r.url().includes('/oidc/oyer-entra/callback')) callback = r.url() })
    await signInThrough(page, 'Øyer kommune (Microsoft Entra ID)', 'kari')
    expect(callback).toContain('code=')
    const after = await count('session')
    expect(after).toBe(sessions + 1)
    const replay = await fetch(callback, { redirect: 'manual' })
    expect(replay.status).toBe(400)
    expect(replay.headers.get('set-cookie') ?? '').not.toContain('arshjul_sesjon')
    await context.close()

    // The code changed on its way back: the provider refuses it, we show a page and open no session.
    const tampered = await newContext(browser)
    const page2 = await tampered.newPage()
    const statuses: number[] = []
    page2.on('response', r => { if (r.url().includes('/callback')) statuses.push(r.status()) })
    await signInWithChangedCallback(page2, 'Øyer kommune (Microsoft Entra ID)', 'kari', u => { u.searchParams.set('code', `${u.searchParams.get('code')}x`); return u })
    expect(statuses).toEqual([400])
    await expect(page2.getByText('godtok ikke innloggingen').count()).resolves.toBe(1)
    expect(await sessionCookie(page2)).toBeUndefined()
    await tampered.close()
    // A state from one provider's sign-in, brought to the other's callback.
    const crossed = await newContext(browser)
    const page3 = await crossed.newPage()
    await signInWithChangedCallback(page3, 'Øyer kommune (Microsoft Entra ID)', 'kari', u => new URL(`${base}/logg-inn/oidc/gausdal-entra/callback${u.search}`))
    await expect(page3.getByText('Innloggingen kunne ikke fullføres').count()).resolves.toBe(1)
    expect(await sessionCookie(page3)).toBeUndefined()
    await crossed.close()
    // An unknown provider is a 404 page.
    expect((await fetch(`${base}/logg-inn/oidc/finnes-ikke`)).status).toBe(404)
    expect(await count('session')).toBe(after)
  })
})
