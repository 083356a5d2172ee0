import { and, eq, isNull } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { apiTokens, municipalities } from '../db/schema.js'
import type { Clock } from '../shared/clock.js'
import { hashSecret, newSecret } from '../shared/secrets.js'
import type { TokenRole } from '../domain/vocabulary.js'

export interface TokenIdentity { tokenId: number; label: string; role: TokenRole; municipalityId: number | null }

export function createTokensRepository (db: Db, clock: Clock) {
  return {
    /** Returns the plain token once; only its hash is stored. */
    create (input: { label: string; role: TokenRole; municipalityId: number | null }): { id: number; token: string } {
      const token = newSecret('arshjul')
      const row = db.insert(apiTokens).values({
        label: input.label, role: input.role, municipalityId: input.municipalityId,
        tokenHash: hashSecret(token), created: clock.now().getTime(),
      }).returning({ id: apiTokens.id }).get()
      return { id: row.id, token }
    },

    /** The hash is looked up by equality; with 256-bit tokens a timing leak reveals nothing usable. */
    authenticate (token: string): TokenIdentity | null {
      const row = db.select().from(apiTokens).where(and(eq(apiTokens.tokenHash, hashSecret(token)), isNull(apiTokens.revokedAt))).get()
      if (!row) return null
      db.update(apiTokens).set({ lastUsedAt: clock.now().getTime() }).where(eq(apiTokens.id, row.id)).run()
      return { tokenId: row.id, label: row.label, role: row.role, municipalityId: row.municipalityId }
    },

    list () {
      return db.select({
        id: apiTokens.id, label: apiTokens.label, role: apiTokens.role, municipality: municipalities.slug,
        created: apiTokens.created, revokedAt: apiTokens.revokedAt, lastUsedAt: apiTokens.lastUsedAt,
      }).from(apiTokens).leftJoin(municipalities, eq(apiTokens.municipalityId, municipalities.id)).orderBy(apiTokens.id).all()
    },

    revoke (id: number): boolean {
      const res = db.update(apiTokens).set({ revokedAt: clock.now().getTime() })
        .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).run()
      return res.changes > 0
    },
  }
}
export type TokensRepository = ReturnType<typeof createTokensRepository>
