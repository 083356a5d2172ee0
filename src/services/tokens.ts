// API tokens: issuing (CLI), authenticating (every request), listing and revoking. Only hashes are stored.
import type { Transactor } from '../db/executor.js'
import type { TokensRepository, TokenListing } from '../repositories/tokens.js'
import type { MunicipalitiesRepository } from '../repositories/municipalities.js'
import { invalid } from '../shared/errors.js'
import { hashSecret, newSecret } from '../shared/secrets.js'
import { TOKEN_ROLES, type TokenRole } from '../domain/vocabulary.js'
import { auditActor, type AccessService, type Actor } from './access.js'
import type { AuditRepository } from '../repositories/audit.js'
import type { PeopleRepository } from '../repositories/people.js'
import type { Clock } from '../shared/clock.js'

export type { TokenListing } from '../repositories/tokens.js'

export interface TokenCreateInput {
  label: string
  role: TokenRole
  /** An editor's municipality (slug or id); an admin token has none. */
  municipality?: string | number | null
  /** The person the token belongs to (user id): the audit log names them beside the token. */
  userId?: number | null
}

export interface TokensServiceDeps {
  tokens: TokensRepository
  municipalities: MunicipalitiesRepository
  transactor: Transactor
  /** For the admin page (issue 14): who made or revoked a token goes into the audit log. */
  audit?: AuditRepository
  access?: AccessService
  people?: PeopleRepository
  clock?: Clock
}

/**
 * Issuing and revoking tokens: the operator (`npm run token`, no actor) or an admin on /admin/tokens (`by`:
 * checked, and the write is in the audit log with their name).
 */
export function createTokensService (deps: TokensServiceDeps) {
  const { tokens, municipalities, transactor } = deps
  return {
    /**
     * Returns the plain token once; only its hash is stored. `by`: the admin making it (403 for anyone else);
     * absent for the CLI. Errors: `invalid` naming role, label, municipality or userId.
     */
    async create (input: TokenCreateInput, by?: Actor | null): Promise<{ id: number; token: string }> {
      const actor = by !== undefined ? deps.access!.requireAdmin(by) : null
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
      if (input.userId != null) {
        const owner = await deps.people!.findUser(input.userId)
        if (!owner) throw invalid('token.unknown_user', 'userId', `ukjent bruker ${input.userId}`)
      }
      const token = newSecret('arshjul')
      const label = input.label.trim()
      const { id } = await transactor.transaction(async tx => {
        const row = await tokens.insert({ label, role: input.role, municipalityId, userId: input.userId ?? null, tokenHash: hashSecret(token) }, tx)
        if (actor) await deps.audit!.record(deps.clock!.now().getTime(), auditActor(actor), { action: 'create', entityType: 'api_token', entityId: row.id, after: { label, role: input.role, municipalityId, userId: input.userId ?? null } }, tx)
        return row
      })
      return { id, token }
    },

    /** The actor a bearer token stands for, or null when it is unknown or revoked. Records its last use. */
    async authenticate (token: string): Promise<Actor | null> {
      const found = await tokens.findActiveWithOwner(hashSecret(token))
      if (!found) return null
      const row = found.token
      // A deactivated owner's tokens stop working with them.
      if (row.userId !== null && found.ownerActive === false) return null
      // Its own short transaction: outside the transactor the stamp would join (and could be rolled
      // back with) whatever transaction another request has open at this moment.
      await transactor.transaction(tx => tokens.touch(row.id, tx))
      const actor: Actor = { tokenId: row.id, label: row.label, role: row.role, municipalityIds: row.municipalityId !== null ? [row.municipalityId] : [] }
      if (row.userId !== null) return { ...actor, userId: row.userId, via: 'token', auditName: `${row.role}:${row.label} (${found.ownerName})` }
      return actor
    },

    /** Every token (never the secrets). `by`: admins only, when given (the admin page). */
    async list (by?: Actor | null): Promise<TokenListing[]> {
      if (by !== undefined) deps.access!.requireAdmin(by)
      return tokens.list()
    },

    /** false when there is no active token with this id. `by`: the admin revoking it (audited). */
    async revoke (id: number, by?: Actor | null): Promise<boolean> {
      const actor = by !== undefined ? deps.access!.requireAdmin(by) : null
      return transactor.transaction(async tx => {
        const done = await tokens.revoke(id, tx)
        if (done && actor) await deps.audit!.record(deps.clock!.now().getTime(), auditActor(actor), { action: 'revoke', entityType: 'api_token', entityId: id }, tx)
        return done
      })
    },
  }
}
export type TokensService = ReturnType<typeof createTokensService>
