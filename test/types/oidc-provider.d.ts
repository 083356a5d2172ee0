// oidc-provider 8.x ships no types (they live in @types/oidc-provider, which we do not install): just what
// test/helpers/oidc-provider.ts uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'
  interface Ctx {
    oidc: {
      provider: { Grant: new (init: { clientId: string; accountId: string }) => { addOIDCScope (scope: string): void; save (): Promise<string> } }
      client?: { clientId: string }
      session?: { accountId: string }
      params?: Record<string, unknown>
    }
  }
  export default class Provider {
    constructor (issuer: string, config: {
      findAccount?: (ctx: Ctx, id: string) => Promise<{ accountId: string; claims (): Promise<Record<string, unknown>> } | undefined>
      loadExistingGrant?: (ctx: Ctx) => Promise<unknown>
      [key: string]: unknown
    })
    callback (): (req: IncomingMessage, res: ServerResponse) => void
  }
}
