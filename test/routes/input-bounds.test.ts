// Never a 500 from input (issue 13): driven by the app's own OpenAPI document, every date-like and every
// numeric parameter or JSON body field of every route gets impossible dates and extreme numbers, and each
// must be a 400 whose details name that field, with the database unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { MAX_ID } from '../../src/schemas/formats.js'
import { MAX_OFFSET } from '../../src/schemas/common.js'

interface Schema {
  type?: string
  format?: string
  enum?: unknown[]
  const?: unknown
  anyOf?: Schema[]
  pattern?: string
  minLength?: number
  minimum?: number
  maximum?: number
  minItems?: number
  items?: Schema
  properties?: Record<string, Schema>
  required?: string[]
  nullable?: boolean
}
interface Parameter { in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema: Schema }
interface Operation { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } }
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

const IMPOSSIBLE_DATES = ['2027-02-30', '0000-00-00', '2027-13-01', '9999-01-01', '1899-12-31']
const DATE_FORMATS = ['date', 'date-time', 'local-date-time', 'date-or-local-date-time']
/** An impossible date written in the field's format. */
const dateIn = (format: string, date: string) =>
  format === 'date-time' ? `${date}T10:00:00Z` : format === 'local-date-time' ? `${date}T10:00` : date
const isNumeric = (s: Schema) => s.type === 'integer' || s.type === 'number'

/**
 * The numbers just beyond a field's bounds. Not 0 for a nullable field: ajv's coerceTypes reads 0 as null
 * there (plannedQuarter: 0 is "no quarter"), which is no bound crossed.
 */
function beyond (s: Schema): number[] {
  const below = (s.minimum ?? 0) - 1
  return [...(below === 0 && s.nullable ? [] : [below]), ...(s.maximum === undefined ? [] : [s.maximum + 1])]
}
/** Extreme numbers as a query or path would carry them (text), then as a JSON body would. */
function extremeText (s: Schema): string[] {
  return ['1e21', '9223372036854775808', 'Infinity', '-Infinity', ...beyond(s).map(String)]
}
function extremeJson (s: Schema): unknown[] {
  return [1e21, 9223372036854775808, 'Infinity', ...beyond(s)]
}

/** A value the schema accepts (not necessarily one the service accepts: the schema is checked first). */
function sample (s: Schema): unknown {
  if (s.const !== undefined) return s.const
  if (s.enum) return s.enum[0]
  if (s.anyOf) return sample(s.anyOf[0]!)
  switch (s.type) {
    case 'string':
      if (s.format === 'date' || s.format === 'date-or-local-date-time') return '2027-03-01'
      if (s.format === 'date-time') return '2027-03-01T10:00:00Z'
      if (s.format === 'local-date-time') return '2027-03-01T10:00'
      if (s.format === 'email') return 'post@example.no'
      if (s.format === 'occurrence-id') return '1-20270301'
      if (s.pattern === '^https?://') return 'https://example.no/'
      return 'x'.repeat(Math.max(1, s.minLength ?? 1))
    case 'integer': case 'number': return s.minimum ?? 1
    case 'boolean': return true
    case 'array': return s.minItems ? [sample(s.items!)] : []
    case 'object': return Object.fromEntries((s.required ?? []).map(k => [k, sample(s.properties![k]!)]))
  }
  return 'x'
}

/** The leaves of a body schema, as paths of property names and '0' for an array's first item. */
function leaves (s: Schema, path: string[] = []): Array<{ path: string[]; schema: Schema }> {
  if (s.anyOf) return s.anyOf.flatMap(x => leaves(x, path))
  if (s.type === 'object' && s.properties) return Object.entries(s.properties).flatMap(([k, v]) => leaves(v, [...path, k]))
  if (s.type === 'array' && s.items) return leaves(s.items, [...path, '0'])
  return [{ path, schema: s }]
}

/** A sample of `s` that has `value` at `path`, every other required field sampled. */
function withLeaf (s: Schema, path: string[], value: unknown): unknown {
  if (path.length === 0) return value
  const [head, ...rest] = path
  if (s.anyOf) return withLeaf(s.anyOf.find(x => x.type === 'object' || x.type === 'array') ?? s.anyOf[0]!, path, value)
  if (s.type === 'array') return [withLeaf(s.items!, rest, value)]
  const base = sample(s) as Record<string, unknown>
  return { ...base, [head!]: withLeaf(s.properties![head!]!, rest, value) }
}

let t: TestApp
let operations: Array<{ method: Method; path: string; op: Operation }>
beforeAll(async () => {
  t = await buildTestApp()
  const doc = (await t.app.inject('/docs/json')).json() as { paths: Record<string, Record<string, Operation>> }
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase() as Method, path, op })))
}, 60_000)
afterAll(async () => { await t.close() })

interface Probe { field: string; url: string; payload?: unknown }

/** Every probe of one operation whose field matches `pick`: the bad values at that field, all else valid. */
function probes (o: { path: string; op: Operation }, pick: (s: Schema) => Array<string | unknown> | null): Probe[] {
  const params = o.op.parameters ?? []
  const pathValue = (p: Parameter) => p.name === 'file' ? 'oyer.ics' : p.schema.format === 'occurrence-id' ? '1-20270301' : String(sample(p.schema))
  const pathValues = Object.fromEntries(params.filter(p => p.in === 'path').map(p => [p.name, pathValue(p)]))
  const required = Object.fromEntries(params.filter(p => p.in === 'query' && p.required).map(p => [p.name, String(sample(p.schema))]))
  const bodySchema = o.op.requestBody?.content['application/json']?.schema
  const body = bodySchema ? sample(bodySchema) : undefined
  const url = (pv: Record<string, string>, q: Record<string, string>) =>
    o.path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(pv[k]!)) + (Object.keys(q).length ? `?${new URLSearchParams(q)}` : '')
  const out: Probe[] = []
  for (const p of params.filter(p => p.in !== 'header')) {
    for (const bad of pick(p.schema) ?? []) {
      const value = String(bad)
      out.push(p.in === 'path'
        ? { field: `params/${p.name}`, url: url({ ...pathValues, [p.name]: value }, required), payload: body }
        : { field: `querystring/${p.name}`, url: url(pathValues, { ...required, [p.name]: value }), payload: body })
    }
  }
  if (bodySchema) {
    for (const leaf of leaves(bodySchema)) {
      for (const bad of pick(leaf.schema) ?? []) {
        out.push({ field: `body/${leaf.path.join('/')}`, url: url(pathValues, required), payload: withLeaf(bodySchema, leaf.path, bad) })
      }
    }
  }
  return out
}

/** Sends every probe with an admin token; returns what was not a 400 naming the field, and whether rows changed. */
async function failures (pick: (s: Schema) => Array<string | unknown> | null) {
  const failed: string[] = []
  const fields = new Set<string>()
  for (const o of operations) {
    const list = probes(o, pick)
    if (list.length === 0) continue
    const before = await t.snapshot()
    for (const p of list) {
      fields.add(`${o.method} ${o.path} ${p.field}`)
      const res = await t.app.inject({ method: o.method, url: p.url, headers: t.auth(t.tokens.admin), ...(p.payload === undefined ? {} : { payload: p.payload as object }) })
      const paths = res.statusCode === 400 ? (res.json() as { details: Array<{ path: string }> }).details.map(d => d.path) : []
      if (res.statusCode !== 400 || !paths.includes(p.field)) failed.push(`${o.method} ${p.url} ${JSON.stringify(p.payload)} → ${res.statusCode} ${paths.join(',')} (expected 400 naming ${p.field})`)
    }
    if ((await t.snapshot()) !== before) failed.push(`${o.method} ${o.path}: rows changed by rejected requests`)
  }
  return { failed, fields }
}

describe('every date field of every route (OpenAPI)', () => {
  it('refuses impossible dates and years outside 1900–2200 with a 400 naming the field; nothing changes', async () => {
    const { failed, fields } = await failures(s => s.type === 'string' && DATE_FORMATS.includes(s.format ?? '') ? IMPOSSIBLE_DATES.map(d => dateIn(s.format!, d)) : null)
    expect(failed).toEqual([])
    // Not vacuous: the fields the issue measured are among those probed.
    for (const f of [
      'GET /api/v1/occurrences querystring/from', 'GET /api/v1/valgperioder querystring/to', 'GET /feeds/{kind}/{file} querystring/from',
      'GET /api/v1/reports/overdue querystring/asOf', 'PATCH /api/v1/occurrences/{id} body/movedTo', 'POST /api/v1/collaborations body/terminatedOn',
      'PUT /api/v1/bodies/{ref}/moteplan body/meetings/0/start', 'POST /api/v1/rules body/rdates/0', 'GET /api/v1/municipalities querystring/modified_since',
    ]) expect(fields).toContain(f)
    expect(fields.size).toBeGreaterThan(50)
  }, 600_000)
})

describe('every numeric field of every route (OpenAPI)', () => {
  it('has bounds: the largest id is 2³¹ − 1, the largest offset 1,000,000', () => {
    const numeric = operations.flatMap(o => [
      ...(o.op.parameters ?? []).filter(p => isNumeric(p.schema)).map(p => ({ where: `${o.method} ${o.path} ${p.name}`, schema: p.schema })),
      ...leaves(o.op.requestBody?.content['application/json']?.schema ?? {}).filter(l => isNumeric(l.schema)).map(l => ({ where: `${o.method} ${o.path} body/${l.path.join('/')}`, schema: l.schema })),
    ])
    expect(numeric.filter(n => n.schema.minimum === undefined || n.schema.maximum === undefined).map(n => n.where)).toEqual([])
    const ids = numeric.filter(n => / (id|projectId)$/.test(n.where))
    expect(ids.length).toBeGreaterThan(10)
    for (const n of ids) expect(n.schema).toMatchObject({ minimum: 1, maximum: MAX_ID })
    for (const n of numeric.filter(n => / offset$/.test(n.where))) expect(n.schema).toMatchObject({ minimum: 0, maximum: MAX_OFFSET })
  })

  it('refuses 1e21, 2^63, Infinity and values just beyond the bounds with a 400 naming the field; nothing changes', async () => {
    const text = await failures(s => isNumeric(s) ? extremeText(s) : null)
    const json = await failures(s => isNumeric(s) ? extremeJson(s) : null)
    expect([...text.failed, ...json.failed]).toEqual([])
    for (const f of [
      'GET /api/v1/municipalities querystring/offset', 'GET /api/v1/occurrences querystring/limit', 'GET /api/v1/reports/late querystring/year',
      'GET /api/v1/reports/upcoming querystring/days', 'GET /api/v1/kontroll/plans querystring/valgperiode', 'GET /api/v1/rules/{id} params/id',
      'PATCH /api/v1/rules/{id} body/durationMinutes', 'POST /api/v1/collaborations body/participants/0/ownershipShare',
    ]) expect(new Set([...text.fields, ...json.fields])).toContain(f)
  }, 600_000)
})

describe('the accepting side of the bounds', () => {
  it('takes the largest offset, the largest id and the years 1900 and 2200', async () => {
    const offset = await t.app.inject(`/api/v1/municipalities?offset=${MAX_OFFSET}`)
    expect(offset.statusCode).toBe(200)
    expect(offset.json().data).toEqual([])
    expect((await t.app.inject({ url: `/api/v1/rules/${MAX_ID}`, headers: t.auth(t.tokens.admin) })).statusCode).toBe(404)
    expect((await t.app.inject('/api/v1/occurrences?from=1900-01-01&to=1900-12-31&municipality=oyer')).statusCode).toBe(200)
    expect((await t.app.inject('/api/v1/occurrences?from=2200-01-01&to=2200-12-31&municipality=oyer')).statusCode).toBe(200)
    expect((await t.app.inject('/api/v1/reports/late?municipality=oyer&year=2200')).statusCode).toBe(200)
  })
})

describe('every request string is constrained (OpenAPI)', () => {
  it('has a format (single-line, multi-line, a date, an email, an occurrence id), an enum or a pattern anchored at both ends', () => {
    const bare = operations.flatMap(o => [
      ...(o.op.parameters ?? []).filter(p => p.in !== 'header').map(p => ({ where: `${o.method} ${o.path} ${p.in}/${p.name}`, schema: p.schema })),
      ...leaves(o.op.requestBody?.content['application/json']?.schema ?? {}).map(l => ({ where: `${o.method} ${o.path} body/${l.path.join('/')}`, schema: l.schema })),
    ]).filter(({ schema: s }) => s.type === 'string' && !s.format && !s.enum && !(s.pattern?.startsWith('^') && s.pattern.endsWith('$')))
    expect(bare.map(b => b.where)).toEqual([])
  })
})

describe('dates deeper than the schemas', () => {
  const put = (body: string, type: string) => t.app.inject({
    method: 'PUT', url: '/api/v1/bodies/oyer-kommunestyre/moteplan?dryRun=true', payload: body, headers: { ...t.auth(t.tokens.admin), 'content-type': `${type}; charset=utf-8` },
  })
  const ical = (start: string, rrule = '') => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//NO', 'BEGIN:VEVENT', 'UID:1', `DTSTART:${start}`, 'DURATION:PT1H', ...(rrule ? [rrule] : []), 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n')

  it.each<[string, string, string, RegExp]>([
    ['a CSV date in 9999', 'Dato;Tid\n01.01.9999;10:00\n', 'text/csv', /linje 2: "01\.01\.9999" er ikke en dato .*1900–2200/],
    ['a CSV date in 1899', 'Dato;Tid\n1899-12-31;10:00\n', 'text/csv', /linje 2: .*1900–2200/],
    ['an iCal DTSTART in 9999', ical('99990101T100000Z'), 'text/calendar', /linje 6: .*1900–2200/],
    ['an iCal series running past 2200', ical('22001201T100000Z', 'RRULE:FREQ=WEEKLY;COUNT=10'), 'text/calendar', /linje 8: "2201-01-05T11:00" .*1900–2200/],
  ])('a møteplan with %s is a 400 naming where, and nothing is stored', async (_, body, type, message) => {
    const before = await t.snapshot()
    const res = await put(body, type)
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toMatch(message)
    expect(await t.snapshot()).toBe(before)
  })

  it('valgperioder are listed from the first modelled one; a window reaching before it is a 400 naming from', async () => {
    const res = await t.app.inject('/api/v1/valgperioder?from=1900-01-01&to=1909-12-31')
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'valgperioder.window', details: [{ path: 'querystring/from' }] })
    expect(res.json().message).toMatch(/1991-10-31/)
    expect((await t.app.inject('/api/v1/valgperioder?from=1991-10-31&to=2200-12-31')).statusCode).toBe(200)
  })

  it.each(['1-99991231', '1-20270230', '1-00000000', '2147483648-20270101', '1-20270101T2400'])('the occurrence id %s is a 400 naming params/id', async id => {
    for (const [method, payload] of [['GET', undefined], ['PATCH', { note: 'x' }]] as const) {
      const res = await t.app.inject({ method, url: `/api/v1/occurrences/${id}`, headers: t.auth(t.tokens.admin), ...(payload ? { payload } : {}) })
      expect(res.statusCode).toBe(400)
      expect(res.json().details.map((d: { path: string }) => d.path)).toEqual(['params/id'])
    }
    const deliveries = await t.app.inject({ url: `/api/v1/reminders?occurrence=${id}`, headers: t.auth(t.tokens.admin) })
    expect(deliveries.json().details.map((d: { path: string }) => d.path)).toEqual(['querystring/occurrence'])
  })
})
