// Feeds read with a session cookie (issue 14): browsers send the cookie with a feed request, so a signed-in
// person's feed may hold private items. The feed cache (src/routes/feeds.ts) keys on who is asking; two
// people who may see different things must never be served each other's cached feed, nor one person a
// feed cached before their roles changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/people.js'

const PRIVATE_BODY = 'oyer-kontrollutvalg'
const FEED = '/feeds/municipalities/oyer.ics?from=2027-01-01&to=2027-12-31'

let t: TestApp
let oyer: SignedIn
let gausdal: SignedIn
/** Occurrence ids of the private body's items, as they appear in a feed's UIDs and links. */
let privateItem: RegExp

// One app for the file (building one is slow on a busy machine); each test reads its own URL, so starts with a cold cache entry.
beforeAll(async () => {
  t = await buildTestApp()
  oyer = await signIn(t, 'kari@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Kari Øyer')
  gausdal = await signIn(t, 'geir@gausdal.kommune.no', [{ role: 'editor', municipality: 'gausdal' }], 'Geir Gausdal')
  const body = (await t.sql.get<{ id: number }>('select id from body where slug = ?', PRIVATE_BODY))!
  const ruleIds = (await t.sql.all<{ id: number }>('select id from rule where responsible_body_id = ? or treated_by_body_id = ? order by id', body.id, body.id)).map(r => r.id)
  expect(ruleIds.length).toBeGreaterThan(0)
  privateItem = new RegExp(`(?<!\\d)(?:${ruleIds.join('|')})-20\\d{6}(?!\\d)`)
  const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/bodies/${PRIVATE_BODY}`, headers: t.auth(t.tokens.admin), payload: { feedVisibility: 'private' } })
  expect(res.statusCode, res.body).toBe(200)
}, 120_000)
afterAll(async () => { await t.close() })

async function feedAs (who: SignedIn | null, url = FEED, headers: Record<string, string> = {}) {
  const res = await t.app.inject({ url, headers: { ...(who?.headers ?? {}), ...headers } })
  expect([200, 304], res.body).toContain(res.statusCode)
  return res
}

describe('a feed read with a session cookie', { timeout: 60_000 }, () => {
  it('shows the private body to the editor of its municipality, and never serves that cached feed to another municipality’s editor', async () => {
    const own = await feedAs(oyer)
    expect(own.statusCode).toBe(200)
    expect(own.body).toMatch(privateItem)
    expect(own.headers['cache-control']).toMatch(/^private/)

    // Same URL, right after: Gausdal's editor, then someone signed out.
    const other = await feedAs(gausdal)
    expect(other.statusCode).toBe(200)
    expect(other.body).not.toMatch(privateItem)
    expect(other.headers.etag).not.toBe(own.headers.etag)
    expect((await feedAs(null)).body).not.toMatch(privateItem)
    // Gausdal's editor presenting the ETag of Øyer's feed does not get a 304 for it.
    expect((await feedAs(gausdal, FEED, { 'if-none-match': String(own.headers.etag) })).statusCode).toBe(200)
    // And Øyer's editor still gets the full feed from the cache.
    expect((await feedAs(oyer)).body).toBe(own.body)
  })

  it('the other way round: a feed cached for Gausdal’s editor does not hide the private body from Øyer’s', async () => {
    const url = `${FEED}&alarms=1`
    expect((await feedAs(gausdal, url)).body).not.toMatch(privateItem)
    expect((await feedAs(null, url)).body).not.toMatch(privateItem)
    expect((await feedAs(oyer, url)).body).toMatch(privateItem)
  })

  it('the sekretariat of the private kontrollutvalg sees its items in the body’s feed, without any editor role', async () => {
    const sekretariat = await signIn(t, 'siri@kusek.no', [{ role: 'sekretariat', kontrollutvalg: PRIVATE_BODY }], 'Siri Sekretær')
    const url = `/feeds/bodies/${PRIVATE_BODY}.ics`
    expect((await t.app.inject({ url, headers: gausdal.headers })).statusCode).toBe(404)
    const res = await feedAs(sekretariat, url)
    expect(res.statusCode).toBe(200)
    expect(res.body).toMatch(privateItem)
    expect((await t.app.inject({ url, headers: gausdal.headers })).statusCode).toBe(404)
  })

  // Last: it changes Øyer's editor's roles.
  it('a person whose editor role is revoked no longer gets the feed cached while they had it', async () => {
    const url = `${FEED}&cancelled=hide`
    expect((await feedAs(oyer, url)).body).toMatch(privateItem)
    const role = (await t.sql.get<{ id: number }>("select id from user_role where user_id = ? and role = 'editor' order by id", oyer.userId))!
    const admin = { tokenId: null, label: 'test-admin', role: 'admin' as const, municipalityIds: [] }
    await t.services.people.revokeRole(admin, oyer.userId, role.id)
    const after = await feedAs(oyer, url)
    expect(after.statusCode).toBe(200)
    expect(after.body).not.toMatch(privateItem)
  })
})
