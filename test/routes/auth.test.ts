import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp() })
afterEach(async () => { await t.close() })

const patch = (headers: Record<string, string>, slug = 'valg-samarbeid') =>
  t.app.inject({ method: 'PATCH', url: `/api/v1/collaborations/${slug}`, headers, payload: { comment: 'endret' } })

describe('writes need a token with the right role', () => {
  it('no token is a 401, and reads need none', async () => {
    const before = await t.snapshot()
    const res = await patch({})
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('auth.unauthorized')
    expect(await t.snapshot()).toBe(before)
    expect((await t.app.inject('/api/v1/collaborations/valg-samarbeid')).statusCode).toBe(200)
  })

  it('a wrong token is a 401', async () => {
    const before = await t.snapshot()
    expect((await patch({ authorization: 'Bearer arshjul_not-a-real-token' })).statusCode).toBe(401)
    expect((await patch({ authorization: 'Basic Zm9vOmJhcg==' })).statusCode).toBe(401)
    expect(await t.snapshot()).toBe(before)
  })

  it('a revoked token is a 401', async () => {
    const { id, token } = await t.services.tokens.create({ label: 'kortlevd', role: 'admin' })
    expect((await patch(t.auth(token))).statusCode).toBe(200)
    expect(await t.services.tokens.revoke(id)).toBe(true)
    const before = await t.snapshot()
    expect((await patch(t.auth(token))).statusCode).toBe(401)
    expect(await t.snapshot()).toBe(before)
  })

  it('an editor outside its municipality is a 403', async () => {
    // Gudbrandsdal Energi is owned by Øyer only; SMISO has no Gausdal participation; Borgerlig vigsel has no Øyer.
    const before = await t.snapshot()
    const res = await patch(t.auth(t.tokens.editorOyer), 'borgerlig-vigsel')
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('auth.forbidden')
    // Nor may it create municipalities (admin only), or move a collaboration out of its own reach.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/municipalities', headers: t.auth(t.tokens.editorOyer), payload: { slug: 'x', name: 'X', kind: 'kommune' } })).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'PATCH', url: '/api/v1/collaborations/gudbrandsdal-energi-ge', headers: t.auth(t.tokens.editorOyer), payload: { participants: [{ municipality: 'gausdal' }] } })).statusCode).toBe(403)
    expect(await t.snapshot()).toBe(before)
  })

  it('an editor may change what its municipality takes part in; an admin anything', async () => {
    expect((await patch(t.auth(t.tokens.editorOyer), 'gudbrandsdal-energi-ge')).statusCode).toBe(200)
    expect((await patch(t.auth(t.tokens.admin), 'borgerlig-vigsel')).statusCode).toBe(200)
  })

  it('every write is audited with who, what, before and after; the log is for admins', async () => {
    await patch(t.auth(t.tokens.editorOyer), 'gudbrandsdal-energi-ge')
    const denied = await t.app.inject({ url: '/api/v1/audit', headers: t.auth(t.tokens.editorOyer) })
    expect(denied.statusCode).toBe(403)
    const log = (await t.app.inject({ url: '/api/v1/audit?entityType=collaboration&limit=1', headers: t.auth(t.tokens.admin) })).json()
    const entry = log.data[0]
    expect(entry).toMatchObject({ actor: 'editor:test-editor-oyer', action: 'update', entityType: 'collaboration' })
    expect(entry.before.comment).toBe('Med flere andre kommuner')
    expect(entry.after.comment).toBe('endret')
    expect(entry.at).toBe('2027-01-15T09:00:00.000Z')
  })

  it('stores only a hash of each token', async () => {
    const { token } = await t.services.tokens.create({ label: 'hash-test', role: 'admin' })
    const rows = await t.sql.all<{ token_hash: string }>('select token_hash from api_token')
    expect(rows.some(r => r.token_hash === token)).toBe(false)
    expect(rows.every(r => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true)
    expect(Buffer.from(token.replace(/^arshjul_/, ''), 'base64url').length).toBeGreaterThanOrEqual(16)
  })

  it('the audit log is an OParl list that pages and takes modified_since', async () => {
    t.clock.advance(60_000)
    const since = t.clock.now().toISOString()
    await patch(t.auth(t.tokens.editorOyer), 'gudbrandsdal-energi-ge')
    await patch(t.auth(t.tokens.admin), 'borgerlig-vigsel')
    const recent = (await t.app.inject({ url: `/api/v1/audit?modified_since=${encodeURIComponent(since)}&limit=1`, headers: t.auth(t.tokens.admin) })).json()
    expect(recent.pagination).toEqual({ totalElements: 2, elementsPerPage: 1, currentPage: 1, totalPages: 2 })
    expect(recent.data[0]).toMatchObject({ actor: 'admin:test-admin', entityType: 'collaboration' })
    expect(recent.links.next).toContain('offset=1')
    expect(recent.links.next).toContain('modified_since=')
  })
})
