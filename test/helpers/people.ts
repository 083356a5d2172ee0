// People for the tests (issue 14): users with roles, and signed-in sessions for inject() and for Chromium.
import { expect } from 'vitest'
import type { Page } from 'playwright-core'
import type { TestApp } from './app.js'
import type { RoleRef } from '../../src/services/people.js'

export interface SignedIn {
  /** Cookie header with the session and the CSRF secret. */
  cookie: string
  /** A CSRF token for this session's forms. */
  csrf: string
  /** Headers for inject(): the cookie. */
  headers: { cookie: string }
  userId: number
}

/** The cookies a reply sets, as `name=value` pairs (attributes dropped). */
export function setCookies (headers: Record<string, unknown>): Map<string, string> {
  const raw = headers['set-cookie']
  const list = Array.isArray(raw) ? raw as string[] : typeof raw === 'string' ? [raw] : []
  return new Map(list.map(c => { const [pair] = c.split(';'); const i = pair!.indexOf('='); return [pair!.slice(0, i), pair!.slice(i + 1)] }))
}

/** The CSRF token in a page's first form. */
export function csrfOf (html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html)
  if (!m) throw new Error('no CSRF token on the page')
  return m[1]!
}

/** A user with these roles (created when missing), signed in through a real sign-in link over inject(). */
export async function signIn (t: TestApp, email: string, roles: RoleRef[] = [], name?: string): Promise<SignedIn> {
  const user = await t.services.people.ensure({ email, name, roles }, null)
  const { url } = await t.services.people.issueLoginLink(email, '')
  const confirm = await t.app.inject({ method: 'GET', url })
  expect(confirm.statusCode, confirm.body).toBe(200)
  const csrfCookie = setCookies(confirm.headers).get('arshjul_csrf')!
  const res = await t.app.inject({ method: 'POST', url, headers: { cookie: `arshjul_csrf=${csrfCookie}` }, payload: { _csrf: csrfOf(confirm.body) } })
  expect(res.statusCode, res.body).toBe(303)
  const session = setCookies(res.headers).get('arshjul_sesjon')!
  const cookie = `arshjul_sesjon=${session}; arshjul_csrf=${csrfCookie}`
  // A token bound to the new session, from a page rendered in it.
  const page = await t.app.inject({ method: 'GET', url: '/logg-inn', headers: { cookie } })
  return { cookie, csrf: csrfOf(page.body), headers: { cookie }, userId: user.id }
}

/** Signs a Chromium page in as this user (created when missing): opens a fresh sign-in link and presses «Logg inn». */
export async function signInBrowser (page: Page, t: TestApp, base: string, email: string, roles: RoleRef[] = [], name?: string): Promise<void> {
  await t.services.people.ensure({ email, name, roles }, null)
  const { url } = await t.services.people.issueLoginLink(email, base)
  await page.goto(url)
  await page.getByRole('button', { name: 'Logg inn' }).click()
  await page.waitForURL(u => !u.pathname.startsWith('/logg-inn'))
}
