import { and, eq, isNull } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import type { Executor } from '../db/executor.js'
import { apiTokens, municipalities, users } from '../db/schema.js'
import { changes, first } from '../db/query.js'
import type { Clock } from '../shared/clock.js'
import type { TokenRole } from '../domain/vocabulary.js'

export type TokenRow = typeof apiTokens.$inferSelect
export interface TokenListing {
  id: number;
  label: string;
  role: TokenRole;
  municipality: string | null
  /** The person the token belongs to, if any. */
  userId: number | null
  ownerName: string | null
  ownerEmail: string | null
  created: number;
  revokedAt: number | null;
  lastUsedAt: number | null
}

/** API tokens: SQL only. Only hashes are stored; services/tokens.ts makes and checks the secrets. */
export function createTokensRepository (db: Db, clock: Clock) {
  return {
    async insert (input: { label: string; role: TokenRole; municipalityId: number | null; userId?: number | null; tokenHash: string }, ex: Executor = db): Promise<{ id: number }> {
      return (await first(ex.insert(apiTokens).values({ ...input, created: clock.now().getTime() }).returning({ id: apiTokens.id })))!
    },
    /** The hash is looked up by equality; with 256-bit tokens a timing leak reveals nothing usable. */
    async findActiveByHash (tokenHash: string, ex: Executor = db): Promise<TokenRow | undefined> {
      return first(ex.select().from(apiTokens).where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt))).limit(1))
    },
    /** An active token with its owner's name and e-mail (null without an owner, or when the owner is deactivated: ownerActive false). */
    async findActiveWithOwner (tokenHash: string, ex: Executor = db) {
      return first(ex.select({ token: apiTokens, ownerName: users.name, ownerEmail: users.email, ownerActive: users.active })
        .from(apiTokens).leftJoin(users, eq(apiTokens.userId, users.id))
        .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt))).limit(1))
    },
    async touch (id: number, ex: Executor = db): Promise<void> {
      await ex.update(apiTokens).set({ lastUsedAt: clock.now().getTime() }).where(eq(apiTokens.id, id))
    },
    async list (ex: Executor = db): Promise<TokenListing[]> {
      return ex.select({
        id: apiTokens.id,
        label: apiTokens.label,
        role: apiTokens.role,
        municipality: municipalities.slug,
        userId: apiTokens.userId,
        ownerName: users.name,
        ownerEmail: users.email,
        created: apiTokens.created,
        revokedAt: apiTokens.revokedAt,
        lastUsedAt: apiTokens.lastUsedAt,
      }).from(apiTokens).leftJoin(municipalities, eq(apiTokens.municipalityId, municipalities.id)).leftJoin(users, eq(apiTokens.userId, users.id)).orderBy(apiTokens.id)
    },
    /** false when there is no active token with this id. */
    async revoke (id: number, ex: Executor = db): Promise<boolean> {
      const res = await ex.update(apiTokens).set({ revokedAt: clock.now().getTime() })
        .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      return changes(res) > 0
    },
  }
}
export type TokensRepository = ReturnType<typeof createTokensRepository>
