// POST /api/v1/imports with the bytes people save: the encoding found, or named by Content-Type's charset or
// ?encoding= (which wins); bad bytes and unknown charsets are a 400 naming the problem, and write nothing.
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { SEED_REGISTER } from '../../src/seed.js'
import { charsetOf } from '../../src/schemas/common.js'

const SEED = fs.readFileSync(SEED_REGISTER)
const WINDOWS_1252 = fs.readFileSync(new URL('../register/fixtures/seed-register-windows-1252.tsv', import.meta.url))
const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])

describe('POST /api/v1/imports reads bytes', () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() }, 60_000)
  afterAll(async () => { await t.close() })
  const post = (payload: Buffer, contentType: string, query = '') => t.app.inject({
    method: 'POST', url: `/api/v1/imports${query}`, payload, headers: { ...t.auth(t.tokens.admin), 'content-type': contentType },
  })

  it.each([
    ['UTF-8 as text/tab-separated-values', SEED, 'text/tab-separated-values', '', 'utf-8'],
    ['Windows-1252 without a charset (guessed)', WINDOWS_1252, 'text/plain', '', 'windows-1252'],
    ['Windows-1252 named by charset=', WINDOWS_1252, 'text/tab-separated-values; charset=windows-1252', '', 'windows-1252'],
    ['Windows-1252 named by a quoted charset', WINDOWS_1252, 'text/plain; charset="ISO-8859-1"', '', 'windows-1252'],
    ['Windows-1252 named by ?encoding=, over a wrong charset=', WINDOWS_1252, 'text/plain; charset=utf-8', '?encoding=windows-1252', 'windows-1252'],
    ['UTF-16LE with BOM as application/octet-stream', utf16le(SEED.toString('utf8')), 'application/octet-stream', '', 'utf-16le'],
    ['semicolon-separated UTF-8 with BOM as text/csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SEED.toString('utf8').replace(/\t/g, ';'))]), 'text/csv', '', 'utf-8'],
  ])('%s: the seed over itself changes nothing', async (_, payload, contentType, query, encoding) => {
    const before = await t.snapshot()
    const res = await post(payload, contentType, query)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ encoding, entries: 57, created: 0, updated: 0, unchanged: 57, municipalitiesCreated: [] })
    expect(await t.snapshot()).toBe(before)
  })

  it.each([
    ['an unknown ?encoding=', SEED, 'text/plain', '?encoding=klingon-8', 'register.unknown_charset', 'querystring/encoding', '«klingon-8»'],
    ['an unknown charset=', SEED, 'text/plain; charset=ebcdic-fantasy', '', 'register.unknown_charset', 'headers/content-type', '«ebcdic-fantasy»'],
    ['Windows-1252 bytes declared UTF-8', WINDOWS_1252, 'text/plain; charset=utf-8', '', 'register.invalid_bytes', 'body', 'ikke gyldig utf-8 (linje 1)'],
    ['binary garbage', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131) % 256)), 'application/octet-stream', '', 'register.not_text', 'body', 'ikke ut som tekst'],
    ['an Excel workbook', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), 'application/octet-stream', '', 'register.not_text', 'body', 'regnearkfil'],
    ['text without a header row', Buffer.from('Regionråd\tAvtale\tx\tx\tx\t\n'), 'text/tab-separated-values', '', 'register.no_header', 'body', 'overskriftslinje'],
    ['a header without municipality columns', Buffer.from('Pr. 01.01.2019\tType samarbeid\tKommentarer\nX\tIKS\t\n'), 'text/tab-separated-values', '', 'register.no_municipality_columns', 'body', 'ingen kolonner for kommuner'],
    ['a column that is no municipality', Buffer.from('Pr. 01.01.2019\tType samarbeid\tLillehammer\tGudbrandsdalen\tKommentarer\nX\tIKS\tx\tx\t\n'), 'text/tab-separated-values', '', 'register.unknown_column', 'body', '«Gudbrandsdalen»'],
  ])('%s is a 400 naming the problem, and nothing is written', async (_, payload, contentType, query, code, path, message) => {
    const before = await t.snapshot()
    const res = await post(payload, contentType, query)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code, message: expect.stringContaining(message), details: [{ path }] })
    expect(await t.snapshot()).toBe(before)
  })

  it.each([
    ['JSON', 'application/json', '«application/json»'],
    ['a form (curl --data-binary without a Content-Type)', 'application/x-www-form-urlencoded', '«application/x-www-form-urlencoded»'],
  ])('%s is a 415 in Norwegian naming the type sent and the types taken, and nothing is written', async (_, contentType, named) => {
    const before = await t.snapshot()
    const res = await post(SEED, contentType)
    expect(res.statusCode).toBe(415)
    expect(res.json()).toMatchObject({
      code: 'unsupported_media_type',
      message: `Innholdstypen ${named} tas ikke imot her; send text/tab-separated-values, text/csv, text/plain, application/octet-stream`,
    })
    expect(await t.snapshot()).toBe(before)
  })

  it('an empty body is a 400 naming the body; no token is a 401 before the body is looked at', async () => {
    const before = await t.snapshot()
    const empty = await post(Buffer.alloc(0), 'text/plain')
    expect(empty.statusCode).toBe(400)
    expect(empty.json()).toMatchObject({ code: 'register.empty', details: [{ path: 'body' }] })
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/imports', payload: Buffer.alloc(0), headers: { 'content-type': 'text/plain' } })
    expect(anonymous.statusCode).toBe(401)
    expect(await t.snapshot()).toBe(before)
  })

  it('a dry run of a Valdres register reports its region and encoding, and writes nothing', async () => {
    const before = await t.snapshot()
    const valdres = fs.readFileSync(new URL('../register/fixtures/valdres-register-2024.tsv', import.meta.url))
    const res = await post(valdres, 'text/tab-separated-values', '?dryRun=true')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ dryRun: true, encoding: 'utf-8', created: 15, governance: null, files: [{ region: ['nord-aurdal', 'sor-aurdal', 'etnedal', 'vestre-slidre', 'oystre-slidre', 'vang'] }] })
    expect(await t.snapshot()).toBe(before)
  })
})

describe('charsetOf', () => {
  it.each([
    ['text/plain; charset=windows-1252', 'windows-1252'],
    ['text/plain;charset="utf-16le"', 'utf-16le'],
    ['text/csv; header=present; CHARSET=latin1', 'latin1'],
    ['text/plain', null],
    [undefined, null],
    ['text/plain; charset=', null],
  ])('%s → %s', (header, charset) => {
    expect(charsetOf(header)).toBe(charset)
  })
})
