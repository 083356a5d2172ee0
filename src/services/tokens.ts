// API tokens: issuing (CLI), authenticating (every request), listing and revoking. Only hashes are stored.
import type { Transactor } from '../db/executor.js'
import type { TokensRepository, TokenListing } from '../repositories/tokens.js'
import type { MunicipalitiesRepository } from '../repositories/municipalities.js'
import { invalid } from '../shared/errors.js'
import { hashSecret, newSecret } from '../shared/secrets.js'
import { TOKEN_ROLES, type TokenRole } from '../domain/vocabulary.js'
import type { Actor } from './access.js'

export type { TokenListing } from '../repositories/tokens.js'

export interface TokenCreateInput {
  label: string
  role: TokenRole
  /** An editor's municipality (slug or id); an admin token has none. */
  municipality?: string | number | null
}

export interface TokensServiceDeps { tokens: TokensRepository; municipalities: MunicipalitiesRepository; transactor: Transactor }

/**
 * Issuing and revoking tokens is an operator's job (`npm run token`, shell access to the server);
 * no HTTP route exposes it.
 */
export function createTokensService (deps: TokensServiceDeps) {
  const { tokens, municipalities, transactor } = deps
  return {
    /** Returns the plain token once; only its hash is stored. */
    async create (input: TokenCreateInput): Promise<{ id: number; token: string }> {
      if (!TOKEN_ROLES.includes(input.role)) throw invalid('token.invalid_role', 'role', 'role must be admin or editor')
      if (input.label.trim() === '') throw invalid('token.label_required', 'label', 'a token needs a label saying who or what it is for')
      let municipalityId: number | null = null
      if (input.role === 'editor') {
        if (input.municipality == null) throw invalid('token.municipality_required', 'municipality', 'an editor token needs a municipality')
        const m = await municipalities.find(input.municipality)
        if (!m || m.deleted) throw invalid('token.unknown_municipality', 'municipality', `unknown municipality "${input.municipality}"`)
        municipalityId = m.id
      } else if (input.municipality != null) {
        throw invalid('token.admin_municipality', 'municipality', 'an admin token covers every municipality; give no municipality')
      }
      const token = newSecret('arshjul')
      const { id } = await transactor.transaction(tx => tokens.insert({ label: input.label, role: input.role, municipalityId, tokenHash: hashSecret(token) }, tx))
      return { id, token }
    },

    /** The actor a bearer token stands for, or null when it is unknown or revoked. Records its last use. */
    async authenticate (token: string): Promise<Actor | null> {
      const row = await tokens.findActiveByHash(hashSecret(token))
      if (!row) return null
      // Its own short transaction: outside the transactor the stamp would join (and could be rolled
      // back with) whatever transaction another request has open at this moment.
      await transactor.transaction(tx => tokens.touch(row.id, tx))
      return { tokenId: row.id, label: row.label, role: row.role, municipalityIds: row.municipalityId !== null ? [row.municipalityId] : [] }
    },

    async list (): Promise<TokenListing[]> {
      return tokens.list()
    },

    /** false when there is no active token with this id. */
    async revoke (id: number): Promise<boolean> {
      return transactor.transaction(tx => tokens.revoke(id, tx))
    },
  }
}
export type TokensService = ReturnType<typeof createTokensService>
