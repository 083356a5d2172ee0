// npm run login-link -- --email <adresse> [--name "…"] [--role admin | --municipality <slug> | --kontrollutvalg <slug> …]
// A single-use sign-in link (valid 15 minutes) for a person; the person is created when missing, with the role.
// A sekretariat serving several kontrollutvalg repeats --kontrollutvalg (issue 15).
import { fail, readArgs } from './args.js'
import { openCliContext } from './context.js'
import { ServiceError } from '../shared/errors.js'
import { LOGIN_LINK_MINUTES, type RoleRef } from '../services/people.js'
import { instantToLocal } from '../domain/local-time.js'

const USAGE = 'Bruk: npm run login-link -- --email <adresse> [--name "…"] [--role admin | --municipality <slug> | --kontrollutvalg <slug> [--kontrollutvalg <slug> …]]'

const { values, positionals } = readArgs({
  email: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  municipality: { type: 'string' },
  kontrollutvalg: { type: 'string', multiple: true },
}, USAGE)
if (positionals.length > 0) fail(`Uventet argument: ${positionals[0]}\n${USAGE}`)
if (!values.email) fail(`--email er påkrevd\n${USAGE}`)
const given = [values.role !== undefined && values.role !== 'editor' && values.role !== 'sekretariat', values.municipality !== undefined, values.kontrollutvalg !== undefined].filter(Boolean).length
if (given > 1 || (values.role === 'admin' && given > 1)) fail(`Oppgi én rolle: --role admin, --municipality <slug> eller --kontrollutvalg <slug>\n${USAGE}`)
if (values.role !== undefined && !['admin', 'editor', 'sekretariat'].includes(values.role)) fail(`--role må være admin (redaktør: --municipality <slug>; sekretariat: --kontrollutvalg <slug>)\n${USAGE}`)
if (values.role === 'editor' && !values.municipality) fail('En redaktør trenger --municipality <slug>')
if (values.role === 'sekretariat' && !values.kontrollutvalg) fail('Et sekretariat trenger --kontrollutvalg <slug>')

const roles: RoleRef[] = values.role === 'admin'
  ? [{ role: 'admin' }]
  : values.municipality ? [{ role: 'editor', municipality: values.municipality }] : values.kontrollutvalg ? values.kontrollutvalg.map(kontrollutvalg => ({ role: 'sekretariat' as const, kontrollutvalg })) : []

const context = await openCliContext()
try {
  const user = await context.services.people.ensure({ email: values.email, name: values.name, roles }, null)
  if (!user.active) {
    process.stderr.write(`${user.email} er deaktivert; en administrator må aktivere brukeren først\n`)
    process.exitCode = 1
  } else {
    const { url, expiresAt } = await context.services.people.issueLoginLink(user.email, context.config.BASE_URL)
    const roleText = user.roles.map(r => r.role === 'admin' ? 'admin' : r.role === 'editor' ? `redaktør (${r.municipalitySlug})` : `sekretariat (${r.bodySlug})`).join(', ') || 'ingen roller ennå'
    process.stdout.write(`Innloggingslenke for ${user.name} <${user.email}> – ${roleText}. Virker én gang, i ${LOGIN_LINK_MINUTES} minutter (til ${instantToLocal(expiresAt, 'Europe/Oslo').replace('T', ' kl. ')} norsk tid):\n${url}\n`)
  }
} catch (err) {
  if (!(err instanceof ServiceError)) throw err
  process.stderr.write(`${err.field ? `--${err.field === 'email' ? 'email' : err.field}: ` : ''}${err.message}\n`)
  process.exitCode = 1
} finally {
  await context.close()
}
