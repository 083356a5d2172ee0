import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { pageScope, requireSession } from '../plugins/pages.js'
import { Line } from '../schemas/common.js'
import { ServiceError } from '../shared/errors.js'
import type { RoleRef } from '../services/people.js'
import type { Actor } from '../services/access.js'

const Id = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 31 }) })
const RoleIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 31 }), roleId: Type.Integer({ minimum: 1, maximum: 2 ** 31 }) })
const Csrf = { _csrf: Type.Optional(Line(200)) }
const UserForm = Type.Object({ ...Csrf, email: Type.Optional(Type.String({ maxLength: 400 })), name: Type.Optional(Type.String({ maxLength: 200 })), rolle: Type.Optional(Line(200)) })
const RoleForm = Type.Object({ ...Csrf, rolle: Type.Optional(Line(200)) })
const ActiveForm = Type.Object({ ...Csrf, aktiv: Type.Union([Type.Literal('ja'), Type.Literal('nei')]) })
const CsrfOnly = Type.Object(Csrf)
const TokenForm = Type.Object({ ...Csrf, label: Type.Optional(Type.String({ maxLength: 200 })), rolle: Type.Optional(Line(200)), eier: Type.Optional(Line(20)) })

/**
 * A role as the admin forms give it, in one select: '' (none), 'admin', 'editor:<municipality slug>' or
 * 'sekretariat:<kontrollutvalg slug>'. undefined for ''; the service checks that the scope exists.
 */
export function roleOfChoice (choice: string | undefined): RoleRef | undefined {
  if (!choice) return undefined
  if (choice === 'admin') return { role: 'admin' }
  const [role, scope] = choice.split(':', 2)
  if (role === 'editor') return { role: 'editor', municipality: scope ?? '' }
  if (role === 'sekretariat') return { role: 'sekretariat', kontrollutvalg: scope ?? '' }
  throw new ServiceError('invalid', 'people.invalid_role', 'må være en av rollene i listen', 'rolle')
}

/** Form field names for the service's field names (the error summary links to the field). */
const FIELD: Record<string, string> = { email: 'email', name: 'name', role: 'rolle', municipality: 'rolle', kontrollutvalg: 'rolle', label: 'label', userId: 'eier', id: 'rolle', roleId: 'rolle', active: 'aktiv' }

/**
 * The admin pages (issue 14): users and their roles, sign-in links, API tokens. Admins only: anyone else
 * gets a 403 page and nothing changes. Every write goes through services.people / services.tokens (the
 * same rules as the CLI) and lands in the audit log with the admin's name.
 */
const routes: FastifyPluginAsync<{ baseUrl: string }> = async (app, { baseUrl }) => {
  await pageScope(app)
  const { people, tokens, access, municipalities, bodies } = app.services

  /** The signed-in admin, or 401 (sign in) / 403 (a clear page). */
  const admin = (request: FastifyRequest): Actor => access.requireAdmin(requireSession(request))

  async function roleChoices () {
    const ms = await municipalities.listInRegion()
    const kus = (await bodies.listLiveSummaries()).filter(b => b.kind === 'kontrollutvalg')
    return [
      { value: 'admin', label: 'Administrator (alle kommuner)' },
      ...ms.map(m => ({ value: `editor:${m.slug}`, label: `Redaktør – ${m.name}` })),
      ...kus.map(b => ({ value: `sekretariat:${b.slug}`, label: `Sekretariat – ${b.name}` })),
    ]
  }

  const roleText = (r: { role: string; municipalityName: string | null; bodyName: string | null; source: string }) =>
    `${r.role === 'admin' ? 'Administrator' : r.role === 'editor' ? `Redaktør – ${r.municipalityName}` : `Sekretariat – ${r.bodyName}`}${r.source.startsWith('provider:') ? ` (fra ${r.source.slice(9)})` : ''}`

  async function usersPage (reply: FastifyReply, actor: Actor, extra: { errors?: Array<{ field: string; message: string }>; values?: Record<string, string>; link?: { name: string; email: string; url: string } | null } = {}, status = 200) {
    const list = await people.list(actor)
    return reply.page('admin-brukere', {
      pageTitle: 'Brukere og roller',
      users: list.map(u => ({ ...u, roles: u.roles.map(r => ({ id: r.id, text: roleText(r) })) })),
      choices: await roleChoices(),
      errors: extra.errors ?? [],
      values: { email: '', name: '', rolle: '', ...extra.values },
      link: extra.link ?? null,
      selfId: actor.userId,
    }, status)
  }

  async function tokensPage (reply: FastifyReply, actor: Actor, extra: { errors?: Array<{ field: string; message: string }>; values?: Record<string, string>; created?: { id: number; label: string; token: string } | null } = {}, status = 200) {
    const list = await tokens.list(actor)
    const choices = (await roleChoices()).filter(c => !c.value.startsWith('sekretariat:'))
    return reply.page('admin-tokens', {
      pageTitle: 'API-tokener',
      tokens: list.map(t => ({ ...t, roleText: t.role === 'admin' ? 'Administrator' : `Redaktør – ${choices.find(c => c.value === `editor:${t.municipality}`)?.label.replace('Redaktør – ', '') ?? t.municipality}` })),
      users: (await people.list(actor)).filter(u => u.active),
      choices,
      errors: extra.errors ?? [],
      values: { label: '', rolle: '', eier: '', ...extra.values },
      created: extra.created ?? null,
    }, status)
  }

  /** A form mistake: the service's `invalid` error as a field error (400, the form again). */
  const fieldError = (err: unknown) => {
    if (!(err instanceof ServiceError) || (err.kind !== 'invalid' && err.kind !== 'conflict')) throw err
    return [{ field: FIELD[err.field ?? ''] ?? 'rolle', message: err.message }]
  }

  app.get('/admin', { schema: { hide: true } }, async (request, reply) => {
    const actor = admin(request)
    const [users, list] = await Promise.all([people.list(actor), tokens.list(actor)])
    return reply.page('admin', {
      pageTitle: 'Administrasjon',
      userCount: users.filter(u => u.active).length,
      adminCount: users.filter(u => u.active && u.roles.some(r => r.role === 'admin')).length,
      tokenCount: list.filter(t => t.revokedAt === null).length,
    })
  })

  app.get('/admin/brukere', { schema: { hide: true } }, async (request, reply) => usersPage(reply, admin(request)))

  app.post<{ Body: { email?: string; name?: string; rolle?: string } }>('/admin/brukere', { schema: { hide: true, body: UserForm } }, async (request, reply) => {
    const actor = admin(request)
    const values = { email: request.body.email ?? '', name: request.body.name ?? '', rolle: request.body.rolle ?? '' }
    try {
      if (values.name.trim() === '') throw new ServiceError('invalid', 'people.name_required', 'skriv personens navn', 'name')
      const role = roleOfChoice(values.rolle)
      const user = await people.ensure({ email: values.email, name: values.name, roles: role ? [role] : [] }, actor)
      return reply.flashRedirect('/admin/brukere', `${user.name} (${user.email}) er lagt til.`)
    } catch (err) {
      return usersPage(reply, actor, { errors: fieldError(err), values }, 400)
    }
  })

  app.post<{ Params: { id: number }; Body: { rolle?: string } }>('/admin/brukere/:id/roller', { schema: { hide: true, params: Id, body: RoleForm } }, async (request, reply) => {
    const actor = admin(request)
    try {
      const role = roleOfChoice(request.body.rolle)
      if (!role) throw new ServiceError('invalid', 'people.role_required', 'velg en rolle', 'rolle')
      const user = await people.grant(actor, request.params.id, role)
      return reply.flashRedirect('/admin/brukere', `${user.name} har fått rollen.`)
    } catch (err) {
      return usersPage(reply, actor, { errors: fieldError(err) }, 400)
    }
  })

  app.post<{ Params: { id: number; roleId: number } }>('/admin/brukere/:id/roller/:roleId/fjern', { schema: { hide: true, params: RoleIdParams, body: CsrfOnly } }, async (request, reply) => {
    const actor = admin(request)
    try {
      const user = await people.revokeRole(actor, request.params.id, request.params.roleId)
      return reply.flashRedirect('/admin/brukere', `Rollen er fjernet fra ${user.name}.`)
    } catch (err) {
      return usersPage(reply, actor, { errors: fieldError(err) }, 400)
    }
  })

  app.post<{ Params: { id: number }; Body: { aktiv: 'ja' | 'nei' } }>('/admin/brukere/:id/aktiv', { schema: { hide: true, params: Id, body: ActiveForm } }, async (request, reply) => {
    const actor = admin(request)
    try {
      const user = await people.setActive(actor, request.params.id, request.body.aktiv === 'ja')
      return reply.flashRedirect('/admin/brukere', `${user.name} er ${user.active ? 'aktivert' : 'deaktivert og logget ut overalt'}.`)
    } catch (err) {
      return usersPage(reply, actor, { errors: fieldError(err) }, 400)
    }
  })

  // The link is shown on this page once (not in a redirect's flash: it is a credential).
  app.post<{ Params: { id: number } }>('/admin/brukere/:id/lenke', { schema: { hide: true, params: Id, body: CsrfOnly } }, async (request, reply) => {
    const actor = admin(request)
    const user = await people.get(request.params.id)
    try {
      const { url } = await people.issueLoginLink(user.email, baseUrl, actor)
      return usersPage(reply, actor, { link: { name: user.name, email: user.email, url } })
    } catch (err) {
      if (err instanceof ServiceError && err.kind === 'not_found') return usersPage(reply, actor, { errors: [{ field: 'rolle', message: `${user.name} er deaktivert; aktiver brukeren først` }] }, 400)
      throw err
    }
  })

  app.get('/admin/tokens', { schema: { hide: true } }, async (request, reply) => tokensPage(reply, admin(request)))

  app.post<{ Body: { label?: string; rolle?: string; eier?: string } }>('/admin/tokens', { schema: { hide: true, body: TokenForm } }, async (request, reply) => {
    const actor = admin(request)
    const values = { label: request.body.label ?? '', rolle: request.body.rolle ?? '', eier: request.body.eier ?? '' }
    try {
      const role = roleOfChoice(values.rolle)
      if (!role || role.role === 'sekretariat') throw new ServiceError('invalid', 'token.invalid_role', 'velg administrator eller redaktør for en kommune', 'rolle')
      if (values.label.trim() === '') throw new ServiceError('invalid', 'token.label_required', 'skriv hva tokenet er til (for eksempel «Sakssystemet i Øyer»)', 'label')
      if (values.eier !== '' && !/^\d{1,9}$/.test(values.eier)) throw new ServiceError('invalid', 'token.unknown_user', 'velg en bruker i listen', 'userId')
      const { id, token } = await tokens.create({ label: values.label, role: role.role as 'admin' | 'editor', municipality: role.role === 'editor' ? String(role.municipality) : null, userId: values.eier ? Number(values.eier) : null }, actor)
      return tokensPage(reply, actor, { created: { id, label: values.label.trim(), token } })
    } catch (err) {
      return tokensPage(reply, actor, { errors: fieldError(err), values }, 400)
    }
  })

  app.post<{ Params: { id: number } }>('/admin/tokens/:id/tilbakekall', { schema: { hide: true, params: Id, body: CsrfOnly } }, async (request, reply) => {
    const actor = admin(request)
    if (!await tokens.revoke(request.params.id, actor)) return tokensPage(reply, actor, { errors: [{ field: 'label', message: `token ${request.params.id} finnes ikke eller er allerede tilbakekalt` }] }, 404)
    return reply.flashRedirect('/admin/tokens', `Token ${request.params.id} er tilbakekalt.`)
  })
}
export default routes
