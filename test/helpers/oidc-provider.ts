// A real OpenID provider on loopback for the sign-in tests (issue 14): oidc-provider 8.x with its development
// login form (any password), one confidential client, and accounts whose claims the test chooses.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

export interface TestAccount { email?: string; email_verified?: boolean; name?: string; roles?: string[]; preferred_username?: string }

export interface TestProvider {
  /** http://127.0.0.1:<port> — the issuer. */
  issuer: string
  clientId: string
  clientSecret: string
  /** The accounts by login name (what the development login form's «login» field takes). */
  accounts: Map<string, TestAccount>
  close (): Promise<void>
}

/**
 * Starts a provider whose one client may redirect to `redirectUri()` (asked on the first request: the app
 * that needs the issuer in its settings starts after the provider). PKCE is required (the provider's
 * default). Consent is granted without asking (loadExistingGrant), so a sign-in is: login form, back.
 */
export async function startOidcProvider (opts: { redirectUri: () => string; clientId?: string; accounts?: Record<string, TestAccount> }): Promise<TestProvider> {
  const server = http.createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const clientId = opts.clientId ?? 'arshjul'
  const clientSecret = `hemmelig-${clientId}-0123456789abcdef`
  const accounts = new Map(Object.entries(opts.accounts ?? {}))
  const make = () => new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [opts.redirectUri()], grant_types: ['authorization_code'], response_types: ['code'] }],
    ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'], roles: ['roles'] },
    scopes: ['openid', 'email', 'profile', 'roles'],
    features: { devInteractions: { enabled: true } },
    async findAccount (_ctx, id) {
      const account = accounts.get(id)
      if (!account) return undefined
      return { accountId: id, async claims () { return { sub: id, ...account } } }
    },
    async loadExistingGrant (ctx) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId })
      grant.addOIDCScope(String(ctx.oidc.params!.scope ?? 'openid'))
      await grant.save()
      return grant
    },
  })
  let handler: ReturnType<Provider['callback']> | undefined
  server.on('request', (req, res) => (handler ??= make().callback())(req, res))
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    close: () => new Promise(resolve => { server.closeAllConnections(); server.close(() => resolve()) }),
  }
}
