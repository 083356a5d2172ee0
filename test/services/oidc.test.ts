// src/services/oidc.ts's pure parts: the providers file's checks (a bad file is one ConfigError line naming the
// provider and the field), the mapping of e-mail domains and claims to roles, and which issuers may use http.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { isLoopbackIssuer, loadOidcProviders, rolesFor } from '../../src/services/oidc.js'
import { ConfigError } from '../../src/config.js'

const good = { id: 'oyer-entra', name: 'Øyer', issuer: 'https://login.microsoftonline.com/t/v2.0', clientId: 'c', clientSecret: 's', mappings: [{ emailDomains: ['oyer.kommune.no'], roles: [{ role: 'editor', municipality: 'oyer' }] }] }

function load (content: unknown): () => unknown {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-oidc-unit-'))
  const file = path.join(dir, 'p.json')
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))
  return () => { try { return loadOidcProviders(file) } finally { fs.rmSync(dir, { recursive: true, force: true }) } }
}

describe('loadOidcProviders', () => {
  it('reads a good file; none without the setting', () => {
    expect(load([good])()).toEqual([good])
    expect(loadOidcProviders(undefined)).toEqual([])
  })

  it.each([
    ['not JSON', '{', /er ikke gyldig JSON/],
    ['not a list', { id: 'x' }, /må være en JSON-liste av tilbydere/],
    ['a missing clientSecret', [{ ...good, clientSecret: undefined }], /tilbyder «oyer-entra»: clientSecret/],
    ['an issuer that is no URL', [{ ...good, issuer: 'login.microsoftonline.com' }], /tilbyder «oyer-entra»: issuer/],
    ['an unknown role', [{ ...good, mappings: [{ emailDomains: ['oyer.kommune.no'], roles: [{ role: 'sjef' }] }] }], /tilbyder «oyer-entra»: mappings\.0\.roles\.0/],
    ['an editor without a municipality', [{ ...good, mappings: [{ emailDomains: ['a.no'], roles: [{ role: 'editor' }] }] }], /mappings\.0\.roles\.0/],
    ['an unknown field', [{ ...good, tenant: 'x' }], /tilbyder «oyer-entra»/],
    ['a mapping that matches everyone', [{ ...good, mappings: [{ roles: [] }] }], /mappings\.0 trenger emailDomains eller claim/],
    ['two providers with one id', [good, good], /id er brukt av en annen tilbyder/],
    ['a provider without an id', [{ ...good, id: undefined }], /tilbyder nr\. 1: id/],
  ])('refuses %s with one ConfigError line', (_what, content, message) => {
    let error: unknown
    try { load(content)() } catch (err) { error = err }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).not.toContain('\n')
  })

  it('a missing file is named', () => {
    expect(() => loadOidcProviders('/finnes/ikke.json')).toThrow('OIDC_PROVIDERS_FILE /finnes/ikke.json: filen finnes ikke')
  })
})

describe('rolesFor', () => {
  const provider = {
    mappings: [
      { emailDomains: ['oyer.kommune.no'], roles: [{ role: 'editor' as const, municipality: 'oyer' }] },
      { emailDomains: ['oyer.kommune.no'], claim: { name: 'roles', value: 'Arshjul.Admin' }, roles: [{ role: 'admin' as const }] },
      { claim: { name: 'groups', value: 'kontroll' }, roles: [{ role: 'sekretariat' as const, kontrollutvalg: 'oyer-kontrollutvalg' }] },
      { emailDomains: ['gjest.no'], roles: [] },
    ],
  }
  it.each([
    ['kari@oyer.kommune.no', {}, [{ role: 'editor', municipality: 'oyer' }]],
    ['kari@OYER.kommune.no', { roles: ['Arshjul.Admin'] }, [{ role: 'editor', municipality: 'oyer' }, { role: 'admin' }]],
    ['eve@example.com', { roles: ['Arshjul.Admin'] }, null],
    ['per@example.com', { groups: 'kontroll' }, [{ role: 'sekretariat', kontrollutvalg: 'oyer-kontrollutvalg' }]],
    ['ny@gjest.no', {}, []],
    ['ola@gausdal.kommune.no', {}, null],
  ])('%s with %j → %j', (email, claims, roles) => {
    expect(rolesFor(provider, email, claims)).toEqual(roles)
  })
})

describe('isLoopbackIssuer', () => {
  it.each([['http://127.0.0.1:4000', true], ['http://localhost:4000/x', true], ['http://[::1]:4000', true], ['https://idporten.no', false], ['http://127.0.0.1.example.com', false]])('%s → %s', (issuer, loopback) => {
    expect(isLoopbackIssuer(issuer)).toBe(loopback)
  })
})
