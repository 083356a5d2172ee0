import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { csrfOf, setCookies, signIn } from '../helpers/people.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp({ now: '2027-03-01T09:00:00Z' }) })
afterEach(async () => { await t.close() })

/** The confirmation page of a link and the CSRF cookie it set. */
async function openLink (url: string) {
  const res = await t.app.inject({ method: 'GET', url })
  return { res, csrfCookie: setCookies(res.headers).get('arshjul_csrf') }
}

describe('sign-in links', () => {
  it('a link opens a page with a button; the POST signs in, once', async () => {
    await t.services.people.ensure({ email: 'Kari@Oyer.kommune.no', name: 'Kari Nordmann', roles: [{ role: 'editor', municipality: 'oyer' }] }, null)
    const { url } = await t.services.people.issueLoginLink('kari@oyer.kommune.no', '')
    const { res, csrfCookie } = await openLink(url)
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('<button type="submit" class="button">Logg inn</button>')
    // Opening the page (a mail scanner fetching the link) does not use it.
    expect(await t.services.people.checkLoginLink(url.split('/').pop()!)).toBe('ok')
    const post = await t.app.inject({ method: 'POST', url, headers: { cookie: `arshjul_csrf=${csrfCookie}` }, payload: { _csrf: csrfOf(res.body), tilbake: '/kommune?municipality=oyer' } })
    expect(post.statusCode).toBe(303)
    expect(post.headers.location).toBe('/kommune?municipality=oyer')
    const cookie = (post.headers['set-cookie'] as string[]).find(c => c.startsWith('arshjul_sesjon='))!
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).toMatch(/Secure/i)
    const session = setCookies(post.headers).get('arshjul_sesjon')!
    const start = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: `arshjul_sesjon=${session}` } })
    expect(start.body).toContain('Innlogget som Kari Nordmann')
    expect(start.headers['cache-control']).toBe('private, no-store')
    // The same link a second time: a clear page, no new session.
    const sessions = await t.sql.get('select count(*) as n from session') as { n: number }
    const again = await openLink(url)
    expect(again.res.statusCode).toBe(410)
    expect(again.res.body).toContain('Lenken er allerede brukt')
    const replay = await t.app.inject({ method: 'POST', url, headers: { cookie: `arshjul_csrf=${csrfCookie}` }, payload: { _csrf: csrfOf(res.body) } })
    expect(replay.statusCode).toBe(401)
    expect(replay.body).toContain('Lenken er allerede brukt')
    expect(setCookies(replay.headers).has('arshjul_sesjon')).toBe(false)
    expect((await t.sql.get('select count(*) as n from session') as { n: number }).n).toBe(sessions.n)
  })

  it('with no page to return to, a person who is only a sekretariat lands on /kontroll, an editor on the start page', async () => {
    const landing = async (email: string, roles: Parameters<TestApp['services']['people']['ensure']>[0]['roles']) => {
      await t.services.people.ensure({ email, roles }, null)
      const { url } = await t.services.people.issueLoginLink(email, '')
      const { res, csrfCookie } = await openLink(url)
      const post = await t.app.inject({ method: 'POST', url, headers: { cookie: `arshjul_csrf=${csrfCookie}` }, payload: { _csrf: csrfOf(res.body) } })
      expect(post.statusCode).toBe(303)
      return post.headers.location
    }
    expect(await landing('sek@kusek.no', [{ role: 'sekretariat', kontrollutvalg: 'oyer-kontrollutvalg' }, { role: 'sekretariat', kontrollutvalg: 'gausdal-kontrollutvalg' }])).toBe('/kontroll')
    expect(await landing('kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }, { role: 'sekretariat', kontrollutvalg: 'oyer-kontrollutvalg' }])).toBe('/')
    expect(await landing('leser@example.no', [])).toBe('/')
  })

  it('an expired link shows a clear page and creates no session', async () => {
    await t.services.people.ensure({ email: 'ola@gausdal.kommune.no' }, null)
    const { url } = await t.services.people.issueLoginLink('ola@gausdal.kommune.no', '')
    const { res, csrfCookie } = await openLink(url)
    t.clock.advance(15 * 60_000 + 1)
    const page = await openLink(url)
    expect(page.res.statusCode).toBe(410)
    expect(page.res.body).toContain('Lenken er utløpt')
    const before = await t.snapshot()
    const post = await t.app.inject({ method: 'POST', url, headers: { cookie: `arshjul_csrf=${csrfCookie}` }, payload: { _csrf: csrfOf(res.body) } })
    expect(post.statusCode).toBe(401)
    expect(post.body).toContain('Lenken er utløpt')
    expect(await t.snapshot()).toBe(before)
  })

  it('a wrong link shows a clear page', async () => {
    const { res, csrfCookie } = await openLink('/logg-inn/lenke/lenke_finnesikke')
    expect(res.statusCode).toBe(410)
    expect(res.body).toContain('Lenken er ukjent')
    const before = await t.snapshot()
    const post = await t.app.inject({ method: 'POST', url: '/logg-inn/lenke/lenke_finnesikke', headers: { cookie: `arshjul_csrf=${csrfCookie ?? ''}` }, payload: { _csrf: 'x' } })
    expect(post.statusCode).toBe(403)
    expect(await t.snapshot()).toBe(before)
  })

  it('a sign-in form without the CSRF token is refused with 403', async () => {
    await t.services.people.ensure({ email: 'kari@oyer.kommune.no' }, null)
    const { url } = await t.services.people.issueLoginLink('kari@oyer.kommune.no', '')
    const before = await t.snapshot()
    const post = await t.app.inject({ method: 'POST', url, payload: {} })
    expect(post.statusCode).toBe(403)
    expect(post.body).toContain('Skjemaet er utløpt')
    expect(await t.snapshot()).toBe(before)
  })
})

describe('sessions', () => {
  it('sign-out revokes the session: the old cookie no longer works', async () => {
    const s = await signIn(t, 'kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Kari')
    expect((await t.app.inject({ url: '/', headers: s.headers })).body).toContain('Innlogget som Kari')
    const out = await t.app.inject({ method: 'POST', url: '/logg-ut', headers: s.headers, payload: { _csrf: s.csrf } })
    expect(out.statusCode).toBe(303)
    const after = await t.app.inject({ url: '/', headers: s.headers })
    expect(after.body).not.toContain('Innlogget som Kari')
    expect(after.body).toContain('Økten din er utløpt')
  })

  it('a session idle longer than SESSION_IDLE_MINUTES ends', async () => {
    const s = await signIn(t, 'kari@oyer.kommune.no', [], 'Kari')
    t.clock.advance(119 * 60_000)
    expect((await t.app.inject({ url: '/', headers: s.headers })).body).toContain('Innlogget som Kari')
    t.clock.advance(121 * 60_000)
    expect((await t.app.inject({ url: '/', headers: s.headers })).body).not.toContain('Innlogget som Kari')
  })

  it('a write with the session cookie and a missing or wrong CSRF token gets 403 and changes nothing', async () => {
    const s = await signIn(t, 'kari@oyer.kommune.no', [{ role: 'admin' }], 'Kari')
    const before = await t.snapshot()
    for (const headers of [s.headers, { ...s.headers, 'x-csrf-token': 'wrong' }]) {
      const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/municipalities/oyer', headers, payload: { name: 'Øyer!' } })
      expect(res.statusCode).toBe(403)
      expect(res.json()).toMatchObject({ code: 'auth.csrf' })
    }
    expect(await t.snapshot()).toBe(before)
    const ok = await t.app.inject({ method: 'PATCH', url: '/api/v1/municipalities/oyer', headers: { ...s.headers, 'x-csrf-token': s.csrf }, payload: { name: 'Øyer!' } })
    expect(ok.statusCode, ok.body).toBe(200)
    const audit = await t.sql.get("select actor, user_id from audit_log where entity_type = 'municipality' order by id desc limit 1")
    expect(audit).toEqual({ actor: 'Kari <kari@oyer.kommune.no>', user_id: s.userId })
  })
})

describe('signing in again', () => {
  it('ends the session the browser had before (another person\'s), so one browser holds one session', async () => {
    const ola = await signIn(t, 'ola@gausdal.kommune.no', [], 'Ola')
    await t.services.people.ensure({ email: 'kari@oyer.kommune.no', name: 'Kari' }, null)
    const { url } = await t.services.people.issueLoginLink('kari@oyer.kommune.no', '')
    const confirm = await t.app.inject({ url, headers: ola.headers })
    const post = await t.app.inject({ method: 'POST', url, headers: ola.headers, payload: { _csrf: csrfOf(confirm.body) } })
    expect(post.statusCode, post.body).toBe(303)
    expect((await t.app.inject({ url: '/', headers: ola.headers })).body).not.toContain('Innlogget som Ola')
    const kari = `arshjul_sesjon=${setCookies(post.headers).get('arshjul_sesjon')}`
    expect((await t.app.inject({ url: '/', headers: { cookie: kari } })).body).toContain('Innlogget som Kari')
  })
})

describe('OpenID callbacks', () => {
  it('refuses a callback whose state this browser did not start (login CSRF), and signs no one in', async () => {
    const before = await t.snapshot()
    for (const cookie of [undefined, 'arshjul_oidc_state=a-different-state']) {
      const res = await t.app.inject({ url: '/logg-inn/oidc/oyer-entra/callback?code=attackers-code&state=attackers-state', headers: cookie ? { cookie } : {} })
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('Innloggingen ble ikke startet i denne nettleseren')
      expect(setCookies(res.headers).get('arshjul_sesjon')).toBeUndefined()
    }
    expect(await t.snapshot()).toBe(before)
  })
})
