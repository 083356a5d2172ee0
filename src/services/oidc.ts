// OpenID Connect sign-in (issue 14): the municipalities' own identity providers (Microsoft Entra ID tenants,
// ID-porten brokers, …), authorization code flow with PKCE through openid-client. A shared deployment lists
// its providers in OIDC_PROVIDERS_FILE; each provider maps e-mail domains or claims to roles.
import fs from 'node:fs'
import * as client from 'openid-client'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { ConfigError } from '../config.js'
import { AppError, ServiceError } from '../shared/errors.js'
import type { PeopleService, RoleRef, UserRow } from './people.js'

const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })
const RoleRefSchema = Type.Union([
  Type.Object({ role: Type.Literal('admin') }, { additionalProperties: false }),
  Type.Object({ role: Type.Literal('editor'), municipality: Slug }, { additionalProperties: false }),
  Type.Object({ role: Type.Literal('sekretariat'), kontrollutvalg: Slug }, { additionalProperties: false }),
])
const Mapping = Type.Object({
  emailDomains: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9.-]+\\.[A-Za-z0-9-]{2,}$' }), { minItems: 1 })),
  claim: Type.Optional(Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), value: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false })),
  roles: Type.Array(RoleRefSchema),
}, { additionalProperties: false })

/** One identity provider as OIDC_PROVIDERS_FILE lists it (README, «Innlogging»). */
export const OidcProvider = Type.Object({
  id: Slug,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  issuer: Type.String({ pattern: '^https?://' }),
  clientId: Type.String({ minLength: 1, maxLength: 500 }),
  clientSecret: Type.String({ minLength: 1, maxLength: 2000 }),
  scopes: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  emailClaim: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  trustEmail: Type.Optional(Type.Boolean()),
  mappings: Type.Array(Mapping, { minItems: 1 }),
}, { additionalProperties: false })
export type OidcProvider = Static<typeof OidcProvider>
export type OidcMapping = Static<typeof Mapping>

/**
 * Reads and validates OIDC_PROVIDERS_FILE: a JSON list of providers. Throws ConfigError naming the file,
 * the provider (its id, or its place in the list) and the field; ids must be unique; a mapping needs
 * emailDomains or a claim (a mapping that matches everyone is a mistake waiting to happen).
 */
export function loadOidcProviders (file: string | undefined): OidcProvider[] {
  if (!file) return []
  let raw: unknown
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    throw new ConfigError(`OIDC_PROVIDERS_FILE ${file}: ${e.code === 'ENOENT' ? 'filen finnes ikke' : e instanceof SyntaxError ? `er ikke gyldig JSON (${e.message})` : e.message}`)
  }
  if (!Array.isArray(raw)) throw new ConfigError(`OIDC_PROVIDERS_FILE ${file}: må være en JSON-liste av tilbydere`)
  const seen = new Set<string>()
  return raw.map((p, i) => {
    const who = p && typeof p === 'object' && typeof (p as { id?: unknown }).id === 'string' ? `«${(p as { id: string }).id}»` : `nr. ${i + 1}`
    if (!Value.Check(OidcProvider, p)) {
      const first = [...Value.Errors(OidcProvider, p)][0]
      const at = first?.instancePath.slice(1).replace(/\//g, '.') ?? ''
      const required = (first?.params as { requiredProperties?: string[] } | undefined)?.requiredProperties
      const problem = required ? `${[at, required.join(', ')].filter(Boolean).join('.')} mangler` : `${at || 'tilbyderen'} ${first?.message ?? 'er ugyldig'}`
      throw new ConfigError(`OIDC_PROVIDERS_FILE ${file}: tilbyder ${who}: ${problem}`)
    }
    const provider = p as OidcProvider
    if (seen.has(provider.id)) throw new ConfigError(`OIDC_PROVIDERS_FILE ${file}: tilbyder ${who}: id er brukt av en annen tilbyder`)
    seen.add(provider.id)
    provider.mappings.forEach((m, j) => {
      if (!m.emailDomains && !m.claim) throw new ConfigError(`OIDC_PROVIDERS_FILE ${file}: tilbyder ${who}: mappings.${j} trenger emailDomains eller claim`)
    })
    return provider
  })
}

/** Whether a claim's value equals `value`, or (a list such as groups or roles) contains it. */
function claimHas (claim: unknown, value: string): boolean {
  if (Array.isArray(claim)) return claim.some(c => String(c) === value)
  return claim !== undefined && claim !== null && String(claim) === value
}

/**
 * The roles a provider gives this person: the union of every mapping that matches (each condition a mapping
 * has must hold: the e-mail's domain is listed, the claim has the value). null when no mapping matches: no access.
 */
export function rolesFor (provider: Pick<OidcProvider, 'mappings'>, email: string, claims: Record<string, unknown>): RoleRef[] | null {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase()
  let matched = false
  const roles: RoleRef[] = []
  for (const m of provider.mappings) {
    if (m.emailDomains && !m.emailDomains.some(d => d.toLowerCase() === domain)) continue
    if (m.claim && !claimHas(claims[m.claim.name], m.claim.value)) continue
    matched = true
    for (const r of m.roles) {
      if (!roles.some(x => JSON.stringify(x) === JSON.stringify(r))) roles.push(r)
    }
  }
  return matched ? roles : null
}

/** Loopback issuers (tests, a provider on the same host) may use http; anything else must be https. */
export function isLoopbackIssuer (issuer: string): boolean {
  const host = new URL(issuer).hostname
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1'
}

/** A sign-in the provider did not let through, or that we refuse; `message` is for the page (Norwegian). */
export class OidcRefusal extends ServiceError {
  constructor (code: string, message: string, readonly status: 400 | 403 = 403) {
    super(status === 403 ? 'forbidden' : 'invalid', code, message)
  }
}

export interface OidcServiceDeps {
  providers: readonly OidcProvider[]
  people: PeopleService
  /** BASE_URL: the callback is `${baseUrl}/logg-inn/oidc/<id>/callback`. */
  baseUrl: string
}

/**
 * The provider registry and the two halves of the redirect flow. Discovery runs on first use per provider
 * and is cached (a failed discovery is retried next time).
 */
export function createOidcService (deps: OidcServiceDeps) {
  const { providers, people, baseUrl } = deps
  const configs = new Map<string, Promise<client.Configuration>>()

  function providerOf (id: string): OidcProvider {
    const p = providers.find(x => x.id === id)
    if (!p) throw new ServiceError('not_found', 'oidc.unknown_provider', `Ukjent innloggingstilbyder «${id}».`)
    return p
  }

  function configOf (p: OidcProvider): Promise<client.Configuration> {
    let c = configs.get(p.id)
    if (!c) {
      const execute = isLoopbackIssuer(p.issuer) ? [client.allowInsecureRequests] : []
      c = client.discovery(new URL(p.issuer), p.clientId, p.clientSecret, undefined, { execute })
      c.catch(() => configs.delete(p.id))
      configs.set(p.id, c)
    }
    return c
  }

  const redirectUri = (id: string) => `${baseUrl}/logg-inn/oidc/${id}/callback`

  return {
    /** The providers for the sign-in page's buttons. */
    list (): Array<{ id: string; name: string }> {
      return providers.map(p => ({ id: p.id, name: p.name }))
    },

    /**
     * The provider's authorization URL for a new sign-in; state, nonce and the PKCE verifier are stored
     * (10 minutes) for the callback. `returnTo`: a safe same-site path. Errors: not_found for an unknown
     * provider; unavailable when discovery fails.
     */
    async start (providerId: string, returnTo: string): Promise<URL> {
      const p = providerOf(providerId)
      const config = await discover(p)
      const codeVerifier = client.randomPKCECodeVerifier()
      const state = client.randomState()
      const nonce = client.randomNonce()
      await people.saveSignInState(state, { provider: p.id, codeVerifier, nonce, returnTo })
      return client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri(p.id),
        scope: p.scopes ?? 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      })
    },

    /**
     * The callback: takes the stored state (once), exchanges the code (checking state, nonce and PKCE),
     * reads the e-mail (verified, or trusted by the provider's setting), maps it to roles and signs in.
     * `query`: the callback's query string. Errors: OidcRefusal (400/403) with a Norwegian message; no
     * user and no session is created then.
     */
    async finish (providerId: string, query: string): Promise<{ sessionSecret: string; user: UserRow; returnTo: string }> {
      const p = providerOf(providerId)
      const params = new URLSearchParams(query)
      const error = params.get('error')
      const stateParam = params.get('state')
      const saved = stateParam ? await people.takeSignInState(stateParam) : undefined
      if (error) throw new OidcRefusal('oidc.provider_error', `Innloggingen ble avbrutt hos ${p.name}${error === 'access_denied' ? '' : ` (${error.slice(0, 60)})`}. Prøv igjen.`, 400)
      if (!saved || saved.provider !== p.id) throw new OidcRefusal('oidc.bad_state', 'Innloggingen kunne ikke fullføres: den er utløpt, allerede brukt eller kom ikke herfra. Start innloggingen på nytt.', 400)
      const config = await discover(p)
      let claims: Record<string, unknown>
      try {
        const tokens = await client.authorizationCodeGrant(config, new URL(`${redirectUri(p.id)}?${params.toString()}`), {
          pkceCodeVerifier: saved.codeVerifier,
          expectedState: stateParam!,
          expectedNonce: saved.nonce,
          idTokenExpected: true,
        })
        claims = { ...tokens.claims() }
        const emailClaim = p.emailClaim ?? 'email'
        if (claims[emailClaim] === undefined && tokens.access_token) {
          // Many providers put the e-mail only in userinfo unless asked otherwise.
          const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub))
          claims = { ...info, ...claims }
        }
      } catch (err) {
        throw new OidcRefusal('oidc.exchange_failed', `${p.name} godtok ikke innloggingen (${(err as Error).message.slice(0, 120)}). Start innloggingen på nytt.`, 400)
      }
      const emailClaim = p.emailClaim ?? 'email'
      const rawEmail = claims[emailClaim]
      if (typeof rawEmail !== 'string' || !rawEmail.includes('@')) throw new OidcRefusal('oidc.no_email', `${p.name} oppga ingen e-postadresse (${emailClaim}). Kontakt en administrator.`)
      const email = rawEmail.trim().toLowerCase()
      if (claims.email_verified !== true && !p.trustEmail) throw new OidcRefusal('oidc.unverified_email', `Adressen ${email} er ikke bekreftet hos ${p.name}, så vi kan ikke bruke den.`)
      const roles = rolesFor(p, email, claims)
      if (!roles) throw new OidcRefusal('oidc.no_access', `Adressen ${email} har ikke tilgang til Årshjul gjennom ${p.name}. Kontakt en administrator hvis du mener du skal ha tilgang.`)
      const name = typeof claims.name === 'string' && claims.name.trim()
        ? claims.name
        : [claims.given_name, claims.family_name].filter(x => typeof x === 'string').join(' ')
      const signedIn = await people.signInWithProvider(p.id, { email, name }, roles)
      return { ...signedIn, returnTo: saved.returnTo }
    },
  }

  async function discover (p: OidcProvider): Promise<client.Configuration> {
    try {
      return await configOf(p)
    } catch (err) {
      throw new AppError(503, 'oidc.discovery_failed', `Får ikke kontakt med ${p.name} akkurat nå (${(err as Error).message.slice(0, 120)}). Prøv igjen senere.`)
    }
  }
}
export type OidcService = ReturnType<typeof createOidcService>
