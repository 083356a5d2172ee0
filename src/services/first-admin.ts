// The embedded default sign-in (issue 14): on a fresh install, with no identity provider, the server's log
// carries a single-use link for a first admin, so `npm install && npm start` is enough to get in.
import { mailDomainOf } from '../config.js'
import type { Actor } from './access.js'
import { LOGIN_LINK_MINUTES, type PeopleService } from './people.js'

/** Who asks when the server looks itself up at start-up: the system, with admin's reading rights. */
const SYSTEM_ADMIN: Actor = { tokenId: null, label: 'system', role: 'admin', municipalityIds: [] }

/** The first admin's address: ADMIN_EMAIL, else admin@<BASE_URL's host> (admin@localhost.localdomain for an IP or localhost). */
export function firstAdminEmail (baseUrl: string, adminEmail?: string): string {
  if (adminEmail) return adminEmail
  const domain = mailDomainOf(baseUrl)
  return `admin@${domain.includes('.') ? domain : `${domain}.localdomain`}`
}

export type FirstSignIn =
  | { kind: 'link'; email: string; url: string; expiresAt: Date; message: string }
  | { kind: 'no_admin'; message: string }
  | null

/**
 * At start-up: when no user exists, makes the first admin and a sign-in link (valid LOGIN_LINK_MINUTES) for
 * the log. When users exist but none is an active admin, says how to make one (no link: a restart must not
 * hand out admin rights in a deployment that is in use). null otherwise.
 */
export async function firstSignIn (people: PeopleService, baseUrl: string, adminEmail?: string): Promise<FirstSignIn> {
  if (await people.isEmpty()) {
    const email = firstAdminEmail(baseUrl, adminEmail)
    await people.ensure({ email, name: 'Administrator', roles: [{ role: 'admin' }] }, null)
    const { url, expiresAt } = await people.issueLoginLink(email, baseUrl)
    return { kind: 'link', email, url, expiresAt, message: `Første innlogging: åpne ${url} innen ${LOGIN_LINK_MINUTES} minutter (engangslenke for administratoren ${email}). Ny lenke: npm run login-link -- --email ${email}` }
  }
  const users = await people.list(SYSTEM_ADMIN)
  if (!users.some(u => u.active && u.roles.some(r => r.role === 'admin'))) {
    return { kind: 'no_admin', message: 'Ingen aktiv administrator. Lag en innloggingslenke for en: npm run login-link -- --email <adresse> --role admin' }
  }
  return null
}
