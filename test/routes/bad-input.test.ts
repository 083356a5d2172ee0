import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => { t = await buildTestApp() })
afterEach(async () => { await t.close() })

/** Sends a write that must fail, and checks the reply names the problem and the database is untouched. */
async function rejected (req: { method: 'POST' | 'PATCH'; url: string; payload?: unknown; body?: string; contentType?: string }, status: number, expectMessage: RegExp, expectPath?: string) {
  const before = await t.snapshot()
  const res = await t.app.inject({
    method: req.method,
    url: req.url,
    headers: { ...t.auth(t.tokens.admin), ...(req.contentType ? { 'content-type': req.contentType } : {}) },
    ...(req.body !== undefined ? { body: req.body } : { payload: req.payload as object }),
  })
  expect(res.statusCode).toBe(status)
  const body = res.json()
  expect(body.statusCode).toBe(status)
  expect(body.message).toMatch(expectMessage)
  if (expectPath) expect(body.details.map((d: { path: string }) => d.path)).toContain(expectPath)
  expect(res.body).not.toMatch(/SQLITE|at .*\.ts:\d+|INSERT|SELECT/)
  expect(await t.snapshot()).toBe(before)
  return body
}

const validCollaboration = { slug: 'test-samarbeid', name: 'Test', legalForm: 'avtale' }

describe('bad input is a clear 4xx and changes nothing', () => {
  it('malformed JSON', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', body: '{"slug": "x",', contentType: 'application/json' }, 400, /JSON/i)
  })
  it('wrong types', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, participants: 'oyer' } }, 400, /participants must be array/, 'body/participants')
  })
  it('unknown fields', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, colour: 'red' } }, 400, /colour unknown field/, 'body/colour')
  })
  it('missing required fields', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { slug: 'x', legalForm: 'iks' } }, 400, /body\/name/, 'body/name')
  })
  it('an unknown legal form lists the allowed values', async () => {
    const body = await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, legalForm: 'kommandittselskap' } }, 400, /legalForm/, 'body/legalForm')
    expect(body.message).toContain('vertskommune_administrativ')
  })
  it('over-long strings', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, name: 'x'.repeat(201) } }, 400, /name must NOT have more than 200 characters/, 'body/name')
  })
  it('an invalid organisasjonsnummer (mod-11)', async () => {
    await rejected({ method: 'POST', url: '/api/v1/municipalities', payload: { slug: 'x', name: 'X', kind: 'kommune', organisasjonsnummer: '974544572' } }, 400, /organisasjonsnummer.*mod-11/, 'body/organisasjonsnummer')
    await rejected({ method: 'POST', url: '/api/v1/municipalities', payload: { slug: 'x', name: 'X', kind: 'kommune', organisasjonsnummer: '12345' } }, 400, /organisasjonsnummer/, 'body/organisasjonsnummer')
  })
  it('a duplicate slug is a 409', async () => {
    const body = await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, slug: 'felles-renovasjonsselskap-glor' } }, 409, /slug/)
    expect(body.code).toBe('conflict')
  })
  it('a body with two owners', async () => {
    await rejected({ method: 'POST', url: '/api/v1/bodies', payload: { slug: 'to-eiere', name: 'To eiere', kind: 'annet', municipality: 'oyer', collaboration: 'felles-renovasjonsselskap-glor' } }, 400, /exactly one municipality or one collaboration/, 'body/municipality')
  })
  it('a body with no owner', async () => {
    await rejected({ method: 'POST', url: '/api/v1/bodies', payload: { slug: 'ingen-eier', name: 'Ingen', kind: 'annet' } }, 400, /exactly one/)
  })
  it('a participation to an unknown municipality', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, participants: [{ municipality: 'oyer' }, { municipality: 'atlantis' }] } }, 400, /unknown municipality "atlantis"/, 'body/participants/1/municipality')
  })
  it('a wrong content type is a 415', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', body: 'slug=x', contentType: 'application/x-www-form-urlencoded' }, 415,
      /^Innholdstypen «application\/x-www-form-urlencoded» tas ikke imot her; send application\/json$/)
  })
  it('a body over 1 MiB is a 413', async () => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, comment: 'x'.repeat(1_100_000) } }, 413, /^Innholdet er for stort: grensen er \d+ KiB$/)
  })
  it('an empty PATCH names the problem', async () => {
    await rejected({ method: 'PATCH', url: '/api/v1/collaborations/valg-samarbeid', payload: {} }, 400, /fewer than 1 properties/)
  })
  it('a nullable date names the field once: the date rule, "or null" (not also "must be null" and "anyOf")', async () => {
    const body = await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, terminatedOn: '2027-02-30' } }, 400, /terminatedOn/)
    expect(body.details).toEqual([{ path: 'body/terminatedOn', message: 'must be a real calendar date YYYY-MM-DD in the years 1900–2200, or null' }])
  })

  it('bad query parameters are a 400 too', async () => {
    const res = await t.app.inject('/api/v1/collaborations?limit=0')
    expect(res.statusCode).toBe(400)
    expect(res.json().details[0].path).toBe('querystring/limit')
    expect((await t.app.inject('/api/v1/collaborations?frm=iks')).json().message).toMatch(/frm unknown field/)
  })
})

describe('unknown routes', () => {
  it('answer 404 in the same JSON shape', async () => {
    const res = await t.app.inject('/api/v1/nothing-here')
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ statusCode: 404, code: 'route.not_found' })
  })
})

describe('text hygiene (issue 13)', () => {
  it.each([
    ['NUL', 'Test\u0000samarbeid'],
    ['a bell (U+0007)', 'Test\u0007samarbeid'],
    ['DEL', 'Test\u007fsamarbeid'],
    ['a C1 control (U+0085)', 'Test\u0085samarbeid'],
    ['a line break', 'Test\nsamarbeid'],
    ['a right-to-left override (U+202E)', 'Test\u202esamarbeid'],
    ['a left-to-right isolate (U+2066)', 'Test\u2066samarbeid'],
    ['a lone surrogate (U+D800)', 'Test\ud800samarbeid'],
  ])('a name with %s is a 400 naming the field', async (_, name) => {
    await rejected({ method: 'POST', url: '/api/v1/collaborations', payload: { ...validCollaboration, name } }, 400, /body\/name must be one line of text/, 'body/name')
    await rejected({ method: 'POST', url: '/api/v1/municipalities', payload: { slug: 'test-kommune', name, kind: 'kommune' } }, 400, /body\/name/, 'body/name')
    await rejected({ method: 'PATCH', url: '/api/v1/bodies/oyer-kommunestyre', payload: { name } }, 400, /body\/name/, 'body/name')
  })

  it('one-line fields refuse control characters; a note keeps its line breaks and tabs, not a NUL', async () => {
    const o = (await t.app.inject('/api/v1/occurrences?municipality=oyer&from=2027-01-01&to=2027-12-31&limit=1')).json().data[0]
    await rejected({ method: 'PATCH', url: `/api/v1/occurrences/${o.id}`, payload: { caseNumber: '2027/1\r\n2' } }, 400, /caseNumber/, 'body/caseNumber')
    await rejected({ method: 'PATCH', url: `/api/v1/occurrences/${o.id}`, payload: { note: 'linje 1\u0000' } }, 400, /note must be text without control characters/, 'body/note')
    const note = 'Linje 1\nLinje 2\r\n\tinnrykket'
    const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${o.id}`, headers: t.auth(t.tokens.admin), payload: { note } })
    expect(res.statusCode).toBe(200)
    expect(res.json().note).toBe(note)
  })

  it('query strings refuse control characters too', async () => {
    const res = await t.app.inject('/api/v1/collaborations?q=brann%00')
    expect(res.statusCode).toBe(400)
    expect(res.json().details.map((d: { path: string }) => d.path)).toEqual(['querystring/q'])
  })

  it('stores decomposed (NFD) text as NFC, and finds NFC text by an NFD search', async () => {
    const nfd = 'Va\u030aler og A\u030asnes samarbeid'
    expect(nfd).not.toBe(nfd.normalize('NFC'))
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/collaborations', headers: t.auth(t.tokens.admin), payload: { ...validCollaboration, name: nfd, comment: 'Gjelder a\u030arsmøtet' } })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ name: 'Våler og Åsnes samarbeid', comment: 'Gjelder årsmøtet' })
    const row = await t.sql.get<{ name: string; comment: string }>('select name, comment from collaboration where slug = ?', validCollaboration.slug)
    expect(row).toEqual({ name: 'Våler og Åsnes samarbeid', comment: 'Gjelder årsmøtet' })
    const found = (await t.app.inject(`/api/v1/collaborations?q=${encodeURIComponent('A\u030asnes')}`)).json().data.map((c: { slug: string }) => c.slug)
    expect(found).toEqual([validCollaboration.slug])
  })
})

describe('register files with control characters (issue 13)', () => {
  const header = 'Pr. 01.01.2019\tType samarbeid\tLillehammer\tØyer\tKommentarer\n'
  const post = (payload: Buffer) => t.app.inject({ method: 'POST', url: '/api/v1/imports', payload, headers: { ...t.auth(t.tokens.admin), 'content-type': 'text/tab-separated-values' } })

  it('a NUL in a cell is a 400 naming line and column, and nothing is written', async () => {
    const before = await t.snapshot()
    const res = await post(Buffer.from(`${header}Brannvesen\tIKS\tx\tx\t\nRenovasjon\u0000\tIKS\tx\tx\t\n`))
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'register.not_text', message: expect.stringContaining('linje 3, kolonne 11 har kontrolltegnet U+0000'), details: [{ path: 'body' }] })
    expect(await t.snapshot()).toBe(before)
  })

  it('a UTF-16 file without its byte order mark is named as such', async () => {
    const res = await post(Buffer.from(`${header}Brannvesen\tIKS\tx\tx\t\n`, 'utf16le'))
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toMatch(/linje 1, kolonne 2 har kontrolltegnet U\+0000.*UTF-16-fil .*uten byte order mark/)
  })

  it('a right-to-left override in a name is a 400 naming line and column', async () => {
    const res = await post(Buffer.from(`${header}Brann\u202evesen\tIKS\tx\tx\t\n`))
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toMatch(/retningstegn \(U\+202E\) på linje 2, kolonne 6/)
  })
})

describe('page addresses (issue 13)', () => {
  it.each(['/arshjul?municipality=oy%00er', '/arshjul?municipality=oyer&year=2027%0A', '/samarbeid?q=%E2%80%AEbrann', '/kommune?municipality=%07'])('%s is a 400 page', async url => {
    const res = await t.app.inject(url)
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
  })
})
