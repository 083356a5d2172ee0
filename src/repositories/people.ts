import { and, asc, count, eq, gt, inArray, isNull, lt, or } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { appSecrets, bodies, loginLinks, municipalities, sessions, signInStates, userRoles, users } from '../db/schema.js'
import { changes, first } from '../db/query.js'

export type UserRow = typeof users.$inferSelect
export type UserRoleRow = typeof userRoles.$inferSelect
export type SessionRow = typeof sessions.$inferSelect
export type LoginLinkRow = typeof loginLinks.$inferSelect
export type SignInStateRow = typeof signInStates.$inferSelect
export type RoleName = UserRoleRow['role']

/** A role as granted: admin, editor of a municipality (`municipalityId`), sekretariat of a kontrollutvalg (`bodyId`). */
export interface RoleGrant { role: RoleName; municipalityId?: number | null; bodyId?: number | null }

/** A role with the names of its scope, for pages and the CLI. */
export interface RoleListing extends UserRoleRow { municipalitySlug: string | null; municipalityName: string | null; bodySlug: string | null; bodyName: string | null }

export const scopeKeyOf = (g: RoleGrant): string =>
  g.role === 'editor' ? `m:${g.municipalityId}` : g.role === 'sekretariat' ? `b:${g.bodyId}` : ''

/** People, their roles, sessions, sign-in links and OpenID sign-ins under way: SQL only (services/people.ts). */
export function createPeopleRepository (db: Db) {
  return {
    async findUserByEmail (email: string, ex: Executor = db): Promise<UserRow | undefined> {
      return first(ex.select().from(users).where(eq(users.email, email)).limit(1))
    },
    async findUser (id: number, ex: Executor = db): Promise<UserRow | undefined> {
      return first(ex.select().from(users).where(eq(users.id, id)))
    },
    async listUsers (ex: Executor = db): Promise<UserRow[]> {
      return ex.select().from(users).orderBy(asc(users.name), asc(users.id))
    },
    async countUsers (ex: Executor = db): Promise<number> {
      return (await first(ex.select({ n: count() }).from(users)))?.n ?? 0
    },
    async insertUser (values: { email: string; name: string; emailVerifiedAt: number | null }, now: number, ex: Executor = db): Promise<UserRow> {
      return (await first(ex.insert(users).values({ ...values, created: now, modified: now }).returning()))!
    },
    async updateUser (id: number, values: Partial<Pick<UserRow, 'name' | 'emailVerifiedAt' | 'active' | 'lastSignInAt'>>, now: number, ex: Executor = db): Promise<UserRow | undefined> {
      return first(ex.update(users).set({ ...values, modified: now }).where(eq(users.id, id)).returning())
    },

    async rolesOf (userIds: readonly number[], ex: Executor = db): Promise<RoleListing[]> {
      if (userIds.length === 0) return []
      const rows = await ex.select({
        role: userRoles,
        municipalitySlug: municipalities.slug,
        municipalityName: municipalities.name,
        bodySlug: bodies.slug,
        bodyName: bodies.name,
      }).from(userRoles)
        .leftJoin(municipalities, eq(userRoles.municipalityId, municipalities.id))
        .leftJoin(bodies, eq(userRoles.bodyId, bodies.id))
        .where(inArray(userRoles.userId, [...userIds]))
        .orderBy(asc(userRoles.id))
      return rows.map(r => ({ ...r.role, municipalitySlug: r.municipalitySlug, municipalityName: r.municipalityName, bodySlug: r.bodySlug, bodyName: r.bodyName }))
    },
    /** Adds a grant unless the same (user, role, scope, source) exists. true when added. */
    async grantRole (userId: number, grant: RoleGrant, source: string, now: number, ex: Executor = db): Promise<boolean> {
      const res = await ex.insert(userRoles).values({
        userId,
        role: grant.role,
        municipalityId: grant.municipalityId ?? null,
        bodyId: grant.bodyId ?? null,
        scopeKey: scopeKeyOf(grant),
        source,
        created: now,
      }).onConflictDoNothing()
      return changes(res) > 0
    },
    async removeRole (userId: number, roleId: number, ex: Executor = db): Promise<boolean> {
      return changes(await ex.delete(userRoles).where(and(eq(userRoles.id, roleId), eq(userRoles.userId, userId)))) > 0
    },
    /** Drops every role one source granted (a provider's mapping is replaced at each sign-in). */
    async removeRolesFrom (userId: number, source: string, ex: Executor = db): Promise<number> {
      return changes(await ex.delete(userRoles).where(and(eq(userRoles.userId, userId), eq(userRoles.source, source))))
    },

    async insertSession (values: typeof sessions.$inferInsert, ex: Executor = db): Promise<void> {
      await ex.insert(sessions).values(values)
    },
    /** A session that is not revoked and not past its absolute end; the idle check is the service's. */
    async findLiveSession (idHash: string, now: number, ex: Executor = db): Promise<SessionRow | undefined> {
      return first(ex.select().from(sessions).where(and(eq(sessions.idHash, idHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now))).limit(1))
    },
    async touchSession (idHash: string, now: number, ex: Executor = db): Promise<void> {
      await ex.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash))
    },
    async revokeSession (idHash: string, now: number, ex: Executor = db): Promise<boolean> {
      return changes(await ex.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.idHash, idHash), isNull(sessions.revokedAt)))) > 0
    },
    async revokeSessionsOf (userId: number, now: number, ex: Executor = db): Promise<number> {
      return changes(await ex.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))))
    },
    /** Removes sessions, links and sign-in states that ended before `before` (housekeeping). */
    async pruneExpired (before: number, ex: Executor = db): Promise<number> {
      let n = changes(await ex.delete(sessions).where(or(lt(sessions.expiresAt, before), lt(sessions.revokedAt, before))))
      n += changes(await ex.delete(loginLinks).where(lt(loginLinks.expiresAt, before)))
      n += changes(await ex.delete(signInStates).where(lt(signInStates.expiresAt, before)))
      return n
    },

    async insertLoginLink (values: typeof loginLinks.$inferInsert, ex: Executor = db): Promise<void> {
      await ex.insert(loginLinks).values(values)
    },
    async findLoginLink (tokenHash: string, ex: Executor = db): Promise<LoginLinkRow | undefined> {
      return first(ex.select().from(loginLinks).where(eq(loginLinks.tokenHash, tokenHash)).limit(1))
    },
    /** Marks a link used; false when it was used already (a second tab, a replay). */
    async useLoginLink (tokenHash: string, now: number, ex: Executor = db): Promise<boolean> {
      return changes(await ex.update(loginLinks).set({ usedAt: now }).where(and(eq(loginLinks.tokenHash, tokenHash), isNull(loginLinks.usedAt), gt(loginLinks.expiresAt, now)))) > 0
    },

    async insertSignInState (values: typeof signInStates.$inferInsert, ex: Executor = db): Promise<void> {
      await ex.insert(signInStates).values(values)
    },
    /** Reads and deletes a sign-in state in one step: each state is good for one callback. */
    async takeSignInState (stateHash: string, now: number, ex: Executor = db): Promise<SignInStateRow | undefined> {
      const row = await first(ex.delete(signInStates).where(eq(signInStates.stateHash, stateHash)).returning())
      return row && row.expiresAt > now ? row : undefined
    },

    async findSecret (name: string, ex: Executor = db): Promise<string | undefined> {
      return (await first(ex.select({ value: appSecrets.value }).from(appSecrets).where(eq(appSecrets.name, name))))?.value
    },
    /** Stores a secret unless another instance stored one first; returns the one that is stored. */
    async ensureSecret (name: string, value: string, now: number, ex: Executor = db): Promise<string> {
      await ex.insert(appSecrets).values({ name, value, created: now }).onConflictDoNothing()
      return (await first(ex.select({ value: appSecrets.value }).from(appSecrets).where(eq(appSecrets.name, name))))!.value
    },
  }
}
export type PeopleRepository = ReturnType<typeof createPeopleRepository>
