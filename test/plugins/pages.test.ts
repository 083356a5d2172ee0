// The pages plugin's error handling (issue 14): a GET page refused for want of a session sends the reader to
// sign in and back; a request with a bad Authorization header gets the 401 page instead of a redirect loop.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

describe('pages: 401 on a GET page', () => {
  let t: TestApp
  beforeEach(async () => { t = await buildTestApp({ now: '2027-01-15T09:00:00Z' }) })
  afterEach(async () => { await t.close() })

  it('sends a reader without a session to sign in and back', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/mine-varsler' })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/logg-inn?tilbake=%2Fmine-varsler')
  })

  // `npm run fuzz` (GET / with "Authorization: Bearer"): / redirected to /logg-inn, which refused the header
  // too and redirected to itself, until the client gave up ("redirect count exceeded").
  it.each(['Bearer', 'Bearer arshjul_unknown_token', 'Basic YWRtaW46YWRtaW4='])('answers a bad Authorization header (%s) with the 401 page, never a redirect', async authorization => {
    for (const url of ['/', '/logg-inn', '/mine-varsler']) {
      const before = await t.snapshot()
      const res = await t.app.inject({ method: 'GET', url, headers: { authorization } })
      expect(res.statusCode, url).toBe(401)
      expect(res.headers.location, url).toBeUndefined()
      expect(res.headers['content-type'], url).toMatch(/^text\/html/)
      expect(res.body, url).toContain('Du må logge inn')
      expect(await t.snapshot(), url).toEqual(before)
    }
  })
})
