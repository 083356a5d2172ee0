// People who sign in (issue 14): users and their roles, server-side sessions, single-use sign-in links.
// Routes, pages, the CLI and the OpenID Connect sign-in call this; only hashes of secrets are stored.
import type { Transactor, Executor } from '../db/executor.js'
import type { PeopleRepository, RoleGrant, RoleListing, RoleName, UserRow } from '../repositories/people.js'
import type { MunicipalitiesRepository } from '../repositories/municipalities.js'
import type { BodiesRepository } from '../repositories/bodies.js'
import type { AuditRepository } from '../repositories/audit.js'
import type { Clock } from '../shared/clock.js'
import { conflicting, invalid, missing, ServiceError } from '../shared/errors.js'
import { hashSecret, newSecret } from '../shared/secrets.js'
import { auditActor, type AccessService, type Actor } from './access.js'

export type { UserRow, RoleListing, RoleGrant, RoleName } from '../repositories/people.js'

/** How long a sign-in link works (minutes). */
export const LOGIN_LINK_MINUTES = 15
/** The session cookie's name. */
export const SESSION_COOKIE = 'arshjul_sesjon'
/** A session's last-seen time is written at most this often (ms): not a write on every request. */
const TOUCH_EVERY_MS = 60_000

export const ROLE_NAMES: readonly RoleName[] = ['admin', 'editor', 'sekretariat']

/** A role named by its scope's slug, as the CLI, the admin page and providers' mappings give it. */
export interface RoleRef { role: RoleName; municipality?: string | number | null; kontrollutvalg?: string | number | null }

export interface UserView extends UserRow { roles: RoleListing[] }

export interface PeopleServiceDeps {
  people: PeopleRepository
  municipalities: MunicipalitiesRepository
  bodies: BodiesRepository
  audit: AuditRepository
  access: AccessService
  transactor: Transactor
  clock: Clock
  /** Minutes without a request after which a session ends (default 120). */
  sessionIdleMinutes?: number
  /** Hours after sign-in after which a session ends however active (default 12). */
  sessionMaxHours?: number
}

/** The actor that stands for the system itself (first start, CLI) in the audit log. */
const SYSTEM = { tokenId: null, userId: null, label: 'system' }

/** A plausible e-mail address, lower-cased: local@domain with a dot in the domain; else an `invalid` error on `field`. */
export function normaliseEmail (raw: string, field = 'email'): string {
  const email = raw.trim().toLowerCase()
  if (email.length > 254 || !/^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[a-z0-9-]{2,}$/.test(email)) {
    throw invalid('people.invalid_email', field, 'må være en e-postadresse, som navn@kommune.no')
  }
  return email
}

/** The actor a user stands for: admin if any role says so; editor scope and sekretariat scope from the rest. */
export function actorOfUser (user: UserRow, roles: readonly RoleListing[], via: 'session' | 'token' = 'session'): Actor {
  const admin = roles.some(r => r.role === 'admin')
  return {
    tokenId: null,
    userId: user.id,
    label: user.name,
    role: admin ? 'admin' : 'editor',
    municipalityIds: [...new Set(roles.filter(r => r.role === 'editor').map(r => r.municipalityId!))],
    kontrollutvalgIds: [...new Set(roles.filter(r => r.role === 'sekretariat').map(r => r.bodyId!))],
    via,
    auditName: `${user.name} <${user.email}>`,
  }
}

export function createPeopleService (deps: PeopleServiceDeps) {
  const { people, municipalities, bodies, audit, access, transactor, clock } = deps
  const idleMs = (deps.sessionIdleMinutes ?? 120) * 60_000
  const maxMs = (deps.sessionMaxHours ?? 12) * 3_600_000

  /** Resolves a role named by slugs to ids; `invalid` naming the field when the scope is wrong or unknown. */
  async function grantOf (ref: RoleRef, ex?: Executor): Promise<RoleGrant> {
    if (!ROLE_NAMES.includes(ref.role)) throw invalid('people.invalid_role', 'role', 'må være admin, editor eller sekretariat')
    if (ref.role === 'admin') {
      if (ref.municipality != null || ref.kontrollutvalg != null) throw invalid('people.admin_scope', 'municipality', 'en administrator gjelder alle kommuner; oppgi ingen kommune')
      return { role: 'admin' }
    }
    if (ref.role === 'editor') {
      if (ref.municipality == null || ref.municipality === '') throw invalid('people.municipality_required', 'municipality', 'en redaktør trenger en kommune')
      const m = await municipalities.find(ref.municipality, ex)
      if (!m || m.deleted) throw invalid('people.unknown_municipality', 'municipality', `ukjent kommune «${ref.municipality}»`)
      return { role: 'editor', municipalityId: m.id }
    }
    if (ref.kontrollutvalg == null || ref.kontrollutvalg === '') throw invalid('people.kontrollutvalg_required', 'kontrollutvalg', 'et sekretariat trenger et kontrollutvalg')
    const b = await bodies.find(ref.kontrollutvalg, ex)
    if (!b || b.deleted || b.kind !== 'kontrollutvalg') throw invalid('people.unknown_kontrollutvalg', 'kontrollutvalg', `ukjent kontrollutvalg «${ref.kontrollutvalg}»`)
    return { role: 'sekretariat', bodyId: b.id }
  }

  async function view (user: UserRow, ex?: Executor): Promise<UserView> {
    return { ...user, roles: await people.rolesOf([user.id], ex) }
  }

  const service = {
    normaliseEmail,

    /** Whether anyone has been added yet: on an empty table the server prints a first admin's sign-in link. */
    async isEmpty (): Promise<boolean> {
      return await people.countUsers() === 0
    },

    async findByEmail (email: string): Promise<UserRow | undefined> {
      return people.findUserByEmail(email.trim().toLowerCase())
    },

    async get (id: number, ex?: Executor): Promise<UserView> {
      const user = await people.findUser(id, ex)
      if (!user) throw missing('user', id, 'id')
      return view(user, ex)
    },

    /** Admins only: every user with roles, by name. */
    async list (actor: Actor | null | undefined): Promise<UserView[]> {
      access.requireAdmin(actor)
      const list = await people.listUsers()
      const roles = await people.rolesOf(list.map(u => u.id))
      return list.map(u => ({ ...u, roles: roles.filter(r => r.userId === u.id) }))
    },

    /**
     * The user with this e-mail, created when missing (`name` defaults to the address's local part), and
     * given `roles` (manual grants, kept when present). `by`: who adds them (null: the system, e.g. the CLI).
     * Errors: `invalid` on a bad e-mail or role scope; 403 when `by` is not an admin.
     */
    async ensure (input: { email: string; name?: string; roles?: RoleRef[] }, by: Actor | null): Promise<UserView> {
      if (by) access.requireAdmin(by)
      const email = normaliseEmail(input.email)
      const name = (input.name ?? '').trim() || email.split('@')[0]!
      const grants: RoleGrant[] = []
      for (const r of input.roles ?? []) grants.push(await grantOf(r))
      return transactor.transaction(async tx => {
        const now = clock.now().getTime()
        const who = by ? auditActor(by) : SYSTEM
        let user = await people.findUserByEmail(email, tx)
        if (!user) {
          user = await people.insertUser({ email, name, emailVerifiedAt: null }, now, tx)
          await audit.record(now, who, { action: 'create', entityType: 'user', entityId: user.id, after: { email, name } }, tx)
        } else if (input.name && input.name.trim() !== user.name) {
          const before = user
          user = (await people.updateUser(user.id, { name: input.name.trim() }, now, tx))!
          await audit.record(now, who, { action: 'update', entityType: 'user', entityId: user.id, before: { name: before.name }, after: { name: user.name } }, tx)
        }
        for (const g of grants) {
          if (await people.grantRole(user.id, g, 'manual', now, tx)) {
            await audit.record(now, who, { action: 'grant', entityType: 'user', entityId: user.id, after: g }, tx)
          }
        }
        return view(user, tx)
      })
    },

    /** Admins: gives a user a role. */
    async grant (actor: Actor | null | undefined, userId: number, ref: RoleRef): Promise<UserView> {
      const a = access.requireAdmin(actor)
      const grant = await grantOf(ref)
      return transactor.transaction(async tx => {
        const user = await people.findUser(userId, tx)
        if (!user) throw missing('user', userId, 'id')
        const now = clock.now().getTime()
        if (!await people.grantRole(userId, grant, 'manual', now, tx)) throw conflicting('people.role_exists', 'brukeren har allerede denne rollen', 'role')
        await audit.record(now, auditActor(a), { action: 'grant', entityType: 'user', entityId: userId, after: grant }, tx)
        return view(user, tx)
      })
    },

    /** Admins: takes a role away. An admin cannot take their own admin role (someone must be left). */
    async revokeRole (actor: Actor | null | undefined, userId: number, roleId: number): Promise<UserView> {
      const a = access.requireAdmin(actor)
      return transactor.transaction(async tx => {
        const user = await people.findUser(userId, tx)
        if (!user) throw missing('user', userId, 'id')
        const role = (await people.rolesOf([userId], tx)).find(r => r.id === roleId)
        if (!role) throw missing('role', roleId, 'roleId')
        if (role.role === 'admin' && a.userId === userId) throw invalid('people.own_admin', 'roleId', 'du kan ikke fjerne din egen administratorrolle')
        await people.removeRole(userId, roleId, tx)
        await audit.record(clock.now().getTime(), auditActor(a), { action: 'revoke', entityType: 'user', entityId: userId, before: { role: role.role, municipalityId: role.municipalityId, bodyId: role.bodyId, source: role.source } }, tx)
        return view(user, tx)
      })
    },

    /** Admins: turns a user off or on; turning off ends every session at once. */
    async setActive (actor: Actor | null | undefined, userId: number, active: boolean): Promise<UserView> {
      const a = access.requireAdmin(actor)
      if (!active && a.userId === userId) throw invalid('people.own_account', 'active', 'du kan ikke deaktivere deg selv')
      return transactor.transaction(async tx => {
        const before = await people.findUser(userId, tx)
        if (!before) throw missing('user', userId, 'id')
        const now = clock.now().getTime()
        const user = (await people.updateUser(userId, { active }, now, tx))!
        if (!active) await people.revokeSessionsOf(userId, now, tx)
        await audit.record(now, auditActor(a), { action: 'update', entityType: 'user', entityId: userId, before: { active: before.active }, after: { active } }, tx)
        return view(user, tx)
      })
    },

    /**
     * A single-use sign-in link for a known user, valid LOGIN_LINK_MINUTES. `baseUrl` + '/logg-inn/lenke/<secret>'.
     * `by`: the admin who asks for it (audited); absent for the CLI, the first start and the e-mail form.
     * Errors: not_found when no active user has this e-mail; 403 when `by` is not an admin.
     */
    async issueLoginLink (email: string, baseUrl: string, by?: Actor): Promise<{ url: string; expiresAt: Date; user: UserRow }> {
      // An admin making a link for someone (on /admin/brukere) is audited; the CLI and the e-mail form are not people's acts.
      if (by) access.requireAdmin(by)
      const user = await people.findUserByEmail(normaliseEmail(email))
      if (!user || !user.active) throw missing('user', email, 'email')
      const secret = newSecret('lenke')
      const now = clock.now().getTime()
      const expiresAt = now + LOGIN_LINK_MINUTES * 60_000
      await transactor.transaction(async tx => {
        await people.insertLoginLink({ tokenHash: hashSecret(secret), userId: user.id, created: now, expiresAt }, tx)
        if (by) await audit.record(now, auditActor(by), { action: 'login_link', entityType: 'user', entityId: user.id, after: { expiresAt } }, tx)
      })
      return { url: `${baseUrl}/logg-inn/lenke/${secret}`, expiresAt: new Date(expiresAt), user }
    },

    /** Whether a link can still be used, without using it (the page that asks the reader to confirm). */
    async checkLoginLink (secret: string): Promise<'ok' | 'used' | 'expired' | 'unknown'> {
      const link = await people.findLoginLink(hashSecret(secret))
      if (!link) return 'unknown'
      if (link.usedAt !== null) return 'used'
      if (link.expiresAt <= clock.now().getTime()) return 'expired'
      const user = await people.findUser(link.userId)
      return user?.active ? 'ok' : 'unknown'
    },

    /**
     * Uses a sign-in link once: marks the address verified and opens a session. Errors: `unauthorized`
     * with code people.link_used / people.link_expired / people.link_unknown; nothing is created then.
     */
    async signInWithLink (secret: string): Promise<{ sessionSecret: string; user: UserRow }> {
      const tokenHash = hashSecret(secret)
      return transactor.transaction(async tx => {
        const now = clock.now().getTime()
        const link = await people.findLoginLink(tokenHash, tx)
        if (!link) throw new ServiceError('unauthorized', 'people.link_unknown', 'Lenken er ukjent. Be om en ny.')
        if (link.usedAt !== null) throw new ServiceError('unauthorized', 'people.link_used', 'Lenken er allerede brukt. Hver lenke virker én gang; be om en ny.')
        if (link.expiresAt <= now || !await people.useLoginLink(tokenHash, now, tx)) {
          throw new ServiceError('unauthorized', 'people.link_expired', `Lenken er utløpt. Den virker i ${LOGIN_LINK_MINUTES} minutter; be om en ny.`)
        }
        const user = await people.findUser(link.userId, tx)
        if (!user || !user.active) throw new ServiceError('unauthorized', 'people.link_unknown', 'Lenken er ukjent. Be om en ny.')
        const verified = user.emailVerifiedAt ?? now
        const updated = (await people.updateUser(user.id, { emailVerifiedAt: verified, lastSignInAt: now }, now, tx))!
        const sessionSecret = await openSession(user.id, 'link', now, tx)
        await audit.record(now, { tokenId: null, userId: user.id, label: `${user.name} <${user.email}>` }, { action: 'sign_in', entityType: 'user', entityId: user.id, after: { method: 'link' } }, tx)
        return { sessionSecret, user: updated }
      })
    },

    /**
     * Signs in a person an OpenID provider vouched for: creates the user when new (verified e-mail), replaces
     * the roles this provider granted with `grants`, opens a session. Errors: `forbidden` when the user is
     * deactivated.
     */
    async signInWithProvider (providerId: string, person: { email: string; name: string }, grants: RoleRef[]): Promise<{ sessionSecret: string; user: UserRow }> {
      const email = normaliseEmail(person.email)
      const resolved: RoleGrant[] = []
      for (const g of grants) resolved.push(await grantOf(g))
      const source = `provider:${providerId}`
      return transactor.transaction(async tx => {
        const now = clock.now().getTime()
        let user = await people.findUserByEmail(email, tx)
        if (user && !user.active) throw new ServiceError('forbidden', 'people.inactive', 'Brukeren er deaktivert. Kontakt en administrator.')
        const name = person.name.trim() || email.split('@')[0]!
        const who = { tokenId: null, userId: null as number | null, label: `${name} <${email}>` }
        if (!user) {
          user = await people.insertUser({ email, name, emailVerifiedAt: now }, now, tx)
          await audit.record(now, { ...who, userId: user.id }, { action: 'create', entityType: 'user', entityId: user.id, after: { email, name, provider: providerId } }, tx)
        }
        user = (await people.updateUser(user.id, { name, emailVerifiedAt: user.emailVerifiedAt ?? now, lastSignInAt: now }, now, tx))!
        const before = (await people.rolesOf([user.id], tx)).filter(r => r.source === source).map(r => `${r.role}:${r.scopeKey}`).sort()
        await people.removeRolesFrom(user.id, source, tx)
        for (const g of resolved) await people.grantRole(user.id, g, source, now, tx)
        const after = (await people.rolesOf([user.id], tx)).filter(r => r.source === source).map(r => `${r.role}:${r.scopeKey}`).sort()
        if (before.join() !== after.join()) await audit.record(now, { ...who, userId: user.id }, { action: 'roles', entityType: 'user', entityId: user.id, before, after }, tx)
        const sessionSecret = await openSession(user.id, `oidc:${providerId}`, now, tx)
        await audit.record(now, { ...who, userId: user.id }, { action: 'sign_in', entityType: 'user', entityId: user.id, after: { method: `oidc:${providerId}` } }, tx)
        return { sessionSecret, user }
      })
    },

    /**
     * The actor a session cookie stands for, or null when it is unknown, revoked, past its end or idle too
     * long. Records activity at most once a minute. `idHash` binds CSRF tokens to the session.
     */
    async authenticate (sessionSecret: string): Promise<{ actor: Actor; idHash: string } | null> {
      const idHash = hashSecret(sessionSecret)
      const now = clock.now().getTime()
      const session = await people.findLiveSession(idHash, now)
      if (!session || now - session.lastSeenAt > idleMs) return null
      const user = await people.findUser(session.userId)
      if (!user || !user.active) return null
      if (now - session.lastSeenAt > TOUCH_EVERY_MS) await transactor.transaction(tx => people.touchSession(idHash, now, tx))
      return { actor: actorOfUser(user, await people.rolesOf([user.id])), idHash }
    },

    /** Signs out this session (the cookie stops working at once, on every instance). */
    async signOut (sessionSecret: string): Promise<void> {
      await transactor.transaction(tx => people.revokeSession(hashSecret(sessionSecret), clock.now().getTime(), tx))
    },

    /** Ends every session of the actor's own user ("logg ut overalt"). */
    async signOutEverywhere (actor: Actor): Promise<number> {
      if (!actor.userId) return 0
      return transactor.transaction(tx => people.revokeSessionsOf(actor.userId!, clock.now().getTime(), tx))
    },

    /** Removes sessions, links and OpenID states that ended more than a day ago. */
    async prune (): Promise<number> {
      return transactor.transaction(tx => people.pruneExpired(clock.now().getTime() - 86_400_000, tx))
    },

    /** A key this deployment keeps in its database, made on first use and shared by every instance. */
    async deploymentSecret (name: string): Promise<string> {
      const existing = await people.findSecret(name)
      if (existing) return existing
      return transactor.transaction(tx => people.ensureSecret(name, newSecret(name), clock.now().getTime(), tx))
    },

    /** An OpenID Connect sign-in under way (services/sign-in): stored for ten minutes, by the state's hash. */
    async saveSignInState (state: string, values: { provider: string; codeVerifier: string; nonce: string; returnTo: string }): Promise<void> {
      const now = clock.now().getTime()
      await transactor.transaction(tx => people.insertSignInState({ stateHash: hashSecret(state), ...values, created: now, expiresAt: now + 10 * 60_000 }, tx))
    },

    /** Takes (reads and deletes) a sign-in state; undefined when unknown, used or older than ten minutes. */
    async takeSignInState (state: string) {
      return transactor.transaction(tx => people.takeSignInState(hashSecret(state), clock.now().getTime(), tx))
    },

    /** The session's absolute lifetime (ms), for the cookie's Max-Age. */
    sessionMaxMs: maxMs,
  }

  /** A new session: returns the cookie's secret; stores its hash. */
  async function openSession (userId: number, method: string, now: number, tx: Executor): Promise<string> {
    const secret = newSecret('sesjon')
    await people.insertSession({ idHash: hashSecret(secret), userId, method, created: now, lastSeenAt: now, expiresAt: now + maxMs }, tx)
    return secret
  }

  return service
}
export type PeopleService = ReturnType<typeof createPeopleService>
