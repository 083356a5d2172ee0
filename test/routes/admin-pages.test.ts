// The admin pages (issue 14) in Chromium against a real server: an admin adds a user with an editor role and
// makes an API token (secret shown once, owned by a user: the audit log names them); an editor gets a 403 page
// and nothing changes; axe and 375 px on /logg-inn, /admin, /admin/brukere, /admin/tokens. And the sign-in
// link by e-mail through a real SMTP server on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { expectAccessible, expectFitsPhone, launchBrowser, newContext, startServer } from '../helpers/browser.js'
import { signIn, signInBrowser } from '../helpers/people.js'
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/receivers.js'
import type { TestApp } from '../helpers/app.js'

let browser: Browser
let t: TestApp
let base = ''
let smtp: SmtpReceiver

beforeAll(async () => {
  smtp = await startSmtpReceiver()
  const server = await startServer({ now: '2027-03-01T09:00:00Z', config: { SMTP_URL: smtp.url } })
  t = server.t
  base = server.base
  browser = await launchBrowser()
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await t?.close()
  await smtp?.close()
})

const auditOf = (entityType: string) => t.sql.all<{ action: string; actor: string; entity_id: number }>('select action, actor, cast(entity_id as integer) as entity_id from audit_log where entity_type = ? order by id', entityType)

describe('admin pages', { timeout: 180_000 }, () => {
  it('an admin adds a user with an editor role and makes a token owned by them; each write is audited by name', async () => {
    const context = await newContext(browser, { width: 375 })
    const page = await context.newPage()
    await signInBrowser(page, t, base, 'anne@lillehammer.kommune.no', [{ role: 'admin' }], 'Anne Admin')
    await page.goto(`${base}/admin`)
    await expectAccessible(page, '/admin')
    await expectFitsPhone(page, 'admin')
    // Task 1: add a user (fill 2 fields, choose a role, 1 click).
    await page.getByRole('link', { name: 'Brukere og roller' }).click()
    await page.getByLabel('E-postadresse').fill('kari@oyer.kommune.no')
    await page.getByLabel('Navn', { exact: true }).fill('Kari Nordmann')
    await page.locator('#rolle').selectOption('editor:oyer')
    await page.getByRole('button', { name: 'Legg til bruker' }).click()
    await page.waitForURL(`${base}/admin/brukere`)
    await expect(page.getByText('Kari Nordmann (kari@oyer.kommune.no) er lagt til.').count()).resolves.toBe(1)
    await expect(page.getByText('Redaktør – Øyer').count()).resolves.toBeGreaterThan(0)
    await expectAccessible(page, '/admin/brukere')
    await expectFitsPhone(page, 'admin-brukere')
    const kari = (await t.services.people.findByEmail('kari@oyer.kommune.no'))!
    expect((await t.services.people.get(kari.id)).roles.map(r => [r.role, r.municipalitySlug])).toEqual([['editor', 'oyer']])
    // A sign-in link for Kari, shown once on the page.
    await page.getByRole('button', { name: 'Lag innloggingslenke for Kari Nordmann' }).click()
    const link = (await page.locator('#lenke').textContent())!
    expect(link).toMatch(new RegExp(`^${base}/logg-inn/lenke/lenke_`))
    expect(await t.services.people.checkLoginLink(link.split('/').pop()!)).toBe('ok')
    // A bad address: the form again, 400, naming the field, values kept, nothing changed.
    const before = await t.snapshot()
    await page.getByLabel('E-postadresse').fill('ikke-en-adresse')
    await page.getByLabel('Navn', { exact: true }).fill('Noen')
    const [bad] = await Promise.all([page.waitForResponse(r => r.url() === `${base}/admin/brukere` && r.request().method() === 'POST'), page.getByRole('button', { name: 'Legg til bruker' }).click()])
    expect(bad.status()).toBe(400)
    await expect(page.getByRole('link', { name: 'må være en e-postadresse, som navn@kommune.no' }).count()).resolves.toBe(1)
    await expect(page.getByLabel('Navn', { exact: true }).inputValue()).resolves.toBe('Noen')
    await expectAccessible(page, '/admin/brukere with an error')
    expect(await t.snapshot()).toBe(before)

    // Task 2: a token for Øyer's case system, owned by Kari (fill 1 field, choose 2, 1 click).
    await page.goto(`${base}/admin/tokens`)
    await page.getByLabel('Hva er tokenet til?').fill('Sakssystemet i Øyer')
    await page.locator('#rolle').selectOption('editor:oyer')
    await page.locator('#eier').selectOption(String(kari.id))
    await page.getByRole('button', { name: 'Lag token' }).click()
    const secret = (await page.locator('#nytt-token').textContent())!
    expect(secret).toMatch(/^arshjul_/)
    await expectAccessible(page, '/admin/tokens')
    await expectFitsPhone(page, 'admin-tokens')
    // The secret is shown once: the list page does not carry it.
    await page.goto(`${base}/admin/tokens`)
    expect(await page.content()).not.toContain(secret)
    // The token works and its writes name the owner.
    const actor = (await t.services.tokens.authenticate(secret))!
    expect(actor.userId).toBe(kari.id)
    expect(actor.auditName).toBe('editor:Sakssystemet i Øyer (Kari Nordmann)')
    // Revoke it.
    const id = (await t.sql.get<{ id: number }>('select id from api_token where label = ?', 'Sakssystemet i Øyer'))!.id
    await page.getByRole('button', { name: `Tilbakekall token ${id}` }).click()
    await expect(page.getByText(`Token ${id} er tilbakekalt.`).count()).resolves.toBe(1)
    expect(await t.services.tokens.authenticate(secret)).toBeNull()
    expect((await auditOf('user')).filter(a => a.entity_id === kari.id).map(a => [a.action, a.actor])).toEqual([
      ['create', 'Anne Admin <anne@lillehammer.kommune.no>'],
      ['grant', 'Anne Admin <anne@lillehammer.kommune.no>'],
      ['login_link', 'Anne Admin <anne@lillehammer.kommune.no>'],
    ])
    expect((await auditOf('api_token')).filter(a => a.entity_id === id).map(a => [a.action, a.actor])).toEqual([
      ['create', 'Anne Admin <anne@lillehammer.kommune.no>'],
      ['revoke', 'Anne Admin <anne@lillehammer.kommune.no>'],
    ])
    await context.close()
  })

  it('keyboard alone: an admin adds a user with an editor role (Tab, type, arrow keys, Enter)', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await signInBrowser(page, t, base, 'anne@lillehammer.kommune.no', [{ role: 'admin' }], 'Anne Admin')
    await page.goto(`${base}/admin/brukere`)
    const focused = () => page.evaluate(() => document.activeElement?.id ?? '')
    let tabs = 0
    while (await focused() !== 'email' && tabs < 40) { await page.keyboard.press('Tab'); tabs++ }
    expect(await focused()).toBe('email')
    await page.keyboard.type('liv@gausdal.kommune.no')
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('name')
    await page.keyboard.type('Liv Tastatur')
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('rolle')
    for (let i = 0; i < 30 && await page.locator('#rolle').inputValue() !== 'editor:gausdal'; i++) await page.keyboard.press('ArrowDown')
    expect(await page.locator('#rolle').inputValue()).toBe('editor:gausdal')
    await page.keyboard.press('Tab')
    const [res] = await Promise.all([page.waitForResponse(r => r.url() === `${base}/admin/brukere` && r.request().method() === 'POST'), page.keyboard.press('Enter')])
    expect(res.status()).toBe(303)
    await page.getByText('Liv Tastatur (liv@gausdal.kommune.no) er lagt til.').waitFor()
    const liv = (await t.services.people.findByEmail('liv@gausdal.kommune.no'))!
    expect((await t.services.people.get(liv.id)).roles.map(r => [r.role, r.municipalitySlug])).toEqual([['editor', 'gausdal']])
    console.log(`keyboard: ${tabs} Tab presses to the e-mail field`)
    await context.close()
  })

  it('grant, remove a role, deactivate and activate through the forms; all audited by name', async () => {
    const admin = await signIn(t, 'anne@lillehammer.kommune.no', [{ role: 'admin' }], 'Anne Admin')
    const ola = await t.services.people.ensure({ email: 'ola@gausdal.kommune.no', name: 'Ola' }, null)
    const post = (url: string, payload: Record<string, string>) => t.app.inject({ method: 'POST', url, headers: admin.headers, payload: { _csrf: admin.csrf, ...payload } })
    expect((await post(`/admin/brukere/${ola.id}/roller`, { rolle: 'editor:gausdal' })).statusCode).toBe(303)
    const again = await post(`/admin/brukere/${ola.id}/roller`, { rolle: 'editor:gausdal' })
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain('brukeren har allerede denne rollen')
    const role = (await t.services.people.get(ola.id)).roles[0]!
    expect((await post(`/admin/brukere/${ola.id}/roller/${role.id}/fjern`, {})).statusCode).toBe(303)
    expect((await t.services.people.get(ola.id)).roles).toEqual([])
    expect((await post(`/admin/brukere/${ola.id}/aktiv`, { aktiv: 'nei' })).statusCode).toBe(303)
    expect((await t.services.people.get(ola.id)).active).toBe(false)
    expect((await post(`/admin/brukere/${ola.id}/aktiv`, { aktiv: 'ja' })).statusCode).toBe(303)
    expect((await auditOf('user')).filter(a => a.entity_id === ola.id).slice(1).map(a => [a.action, a.actor])).toEqual([
      ['grant', 'Anne Admin <anne@lillehammer.kommune.no>'],
      ['revoke', 'Anne Admin <anne@lillehammer.kommune.no>'],
      ['update', 'Anne Admin <anne@lillehammer.kommune.no>'],
      ['update', 'Anne Admin <anne@lillehammer.kommune.no>'],
    ])
    // A form post without the CSRF token: 403, nothing changed.
    const before = await t.snapshot()
    const noCsrf = await t.app.inject({ method: 'POST', url: `/admin/brukere/${ola.id}/aktiv`, headers: admin.headers, payload: { aktiv: 'nei' } })
    expect(noCsrf.statusCode).toBe(403)
    expect(await t.snapshot()).toBe(before)
  })

  it('an editor gets a clear 403 page on every admin page and form, and nothing changes', async () => {
    const context = await newContext(browser, { width: 375 })
    const page = await context.newPage()
    await signInBrowser(page, t, base, 'per@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Per Redaktør')
    for (const path of ['/admin', '/admin/brukere', '/admin/tokens']) {
      const res = await page.goto(`${base}${path}`)
      expect(res!.status(), path).toBe(403)
      await expect(page.getByRole('heading', { name: 'Ikke tillatt' }).count()).resolves.toBe(1)
      await expect(page.getByText('Krever administratorrettigheter').count()).resolves.toBe(1)
    }
    await expectAccessible(page, '403 page')
    await expectFitsPhone(page, 'admin-403')
    await context.close()
    const editor = await signIn(t, 'per@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Per Redaktør')
    const before = await t.snapshot()
    const target = (await t.services.people.findByEmail('per@oyer.kommune.no'))!
    for (const [url, payload] of [
      ['/admin/brukere', { email: 'ny@oyer.kommune.no', name: 'Ny', rolle: 'admin' }],
      [`/admin/brukere/${target.id}/roller`, { rolle: 'admin' }],
      [`/admin/brukere/${target.id}/lenke`, {}],
      ['/admin/tokens', { label: 'Meg', rolle: 'admin', eier: '' }],
      ['/admin/tokens/1/tilbakekall', {}],
    ] as const) {
      const res = await t.app.inject({ method: 'POST', url, headers: editor.headers, payload: { _csrf: editor.csrf, ...payload } })
      expect(res.statusCode, url).toBe(403)
      expect(res.body).toContain('Krever administratorrettigheter')
    }
    expect(await t.snapshot()).toBe(before)
  })
})

describe('a sign-in link by e-mail', { timeout: 180_000 }, () => {
  it('a known user gets a working link; an unknown address gets the same page and no mail', async () => {
    await t.services.people.ensure({ email: 'mia@oyer.kommune.no', name: 'Mia Hansen', roles: [{ role: 'editor', municipality: 'oyer' }] }, null)
    const context = await newContext(browser, { width: 375 })
    const page = await context.newPage()
    await page.goto(`${base}/logg-inn`)
    await expectAccessible(page, '/logg-inn')
    await expectFitsPhone(page, 'logg-inn')
    const sent = smtp.messages.length
    await page.getByLabel('E-postadresse').fill('Mia@Oyer.kommune.no')
    await page.getByRole('button', { name: 'Send lenke' }).click()
    const known = await page.locator('main').textContent()
    expect(known).toContain('Hvis adressen er registrert, har vi sendt en lenke dit.')
    const [mail] = (await smtp.waitFor(sent + 1)).slice(sent)
    expect(mail!.to).toEqual(['mia@oyer.kommune.no'])
    expect(mail!.parsed.subject).toBe('Innloggingslenke til Årshjul')
    const url = new RegExp(`${base}/logg-inn/lenke/lenke_[A-Za-z0-9_-]+`).exec(mail!.parsed.text ?? '')![0]
    await page.goto(url)
    await page.getByRole('button', { name: 'Logg inn' }).click()
    await expect(page.getByText('Innlogget som Mia Hansen').count()).resolves.toBe(1)

    // Unknown: the same page, and nothing is sent.
    const other = await newContext(browser)
    const page2 = await other.newPage()
    await page2.goto(`${base}/logg-inn`)
    await page2.getByLabel('E-postadresse').fill('ukjent@oyer.kommune.no')
    await page2.getByRole('button', { name: 'Send lenke' }).click()
    expect(await page2.locator('main').textContent()).toBe(known)
    await new Promise(resolve => setTimeout(resolve, 1500))
    expect(smtp.messages.length).toBe(sent + 1)
    // Not an address at all: the form again naming the field.
    await page2.goto(`${base}/logg-inn`)
    await page2.getByLabel('E-postadresse').fill('tull')
    await page2.getByRole('button', { name: 'Send lenke' }).click()
    await expect(page2.getByText('E-postadresse: må være en e-postadresse').count()).resolves.toBe(1)
    await expectAccessible(page2, '/logg-inn with an error')
    await other.close()
    await context.close()
  })
})
