// The access contract of issue 10, checked generically over the OpenAPI document the app serves, so a
// new route is covered the day it is added:
// - every write answers 401 without credentials, before validation or lookup, and changes nothing;
// - every write naming another municipality's body or subject answers 403 to an editor, and changes nothing —
//   by API token and by a signed-in session alike (issue 14); a signed-in person without an editor role
//   changes nothing; the sekretariat of a kontrollutvalg changes its plans but none of the municipality's items;
// - no GET route or page shows a private body's items (its meetings, the deadlines it is responsible for
//   or treats, its rules) to those who may not see them, and shows them to those who may.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_URL, buildTestApp, type TestApp } from '../helpers/app.js'
import { signIn, type SignedIn } from '../helpers/people.js'

type Json = any
interface Parameter { name: string; in: 'path' | 'query'; required?: boolean; schema?: { type?: string; pattern?: string; enum?: string[] } }
interface Operation { parameters?: Parameter[]; requestBody?: unknown }
interface Spec { paths: Record<string, Record<string, Operation>> }

const spec0 = await buildTestApp()
const spec: Spec = (await spec0.app.inject('/docs/json')).json()
await spec0.close()

const WRITE_METHODS = ['post', 'put', 'patch', 'delete']
const operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
  Object.entries(ops).filter(([m]) => ['get', ...WRITE_METHODS].includes(m)).map(([method, op]) => ({ method: method.toUpperCase(), path, op })))
const writes = operations.filter(o => o.method !== 'GET')
const reads = operations.filter(o => o.method === 'GET' && !o.path.startsWith('/docs'))

const key = (o: { method: string; path: string }) => `${o.method} ${o.path}`
const fill = (path: string, values: Record<string, string | number>) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for {${name}} in ${path}`)
    return encodeURIComponent(String(values[name]))
  })

/** A value for a path parameter that names nothing: an unknown id of the right shape. */
function unknownValue (p: Parameter): string {
  if (p.schema?.pattern?.startsWith('^\\d+-\\d{8}')) return '999999-20270101'
  if (p.schema?.enum?.length) return p.schema.enum[0]!
  if (p.schema?.type === 'integer' || p.schema?.type === 'number' || /id$/i.test(p.name)) return '999999'
  if (p.schema?.pattern?.includes('\\.ics')) return 'finnes-ikke.ics'
  return 'finnes-ikke'
}

describe('every write route without credentials answers 401, before validation and lookup, and changes nothing', () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() })
  afterAll(async () => { await t.close() })

  it('there are write routes to check', () => { expect(writes.length).toBeGreaterThan(20) })

  const bodies: Array<[string, { payload: string; type: string }]> = [
    ['malformed JSON', { payload: '{"slug": ', type: 'application/json' }],
    ['a body of the wrong shape', { payload: JSON.stringify({ unexpected: ['x'], slug: 42 }), type: 'application/json' }],
    ['no body at all', { payload: '', type: 'application/json' }],
    ['an unsupported media type', { payload: '<x/>', type: 'application/xml' }],
  ]
  it.each(writes.map(w => [key(w), w] as const))('%s', async (_name, w) => {
    const values = Object.fromEntries((w.op.parameters ?? []).filter(p => p.in === 'path').map(p => [p.name, unknownValue(p)]))
    const url = fill(w.path, values)
    const before = await t.snapshot()
    for (const [what, { payload, type }] of bodies) {
      for (const headers of [{}, { authorization: 'Bearer arshjul_not-a-real-token' }]) {
        const res = await t.app.inject({ method: w.method as 'POST', url: `${url}?dryRun=false&unexpected=1`, headers: { ...headers, 'content-type': type }, payload })
        expect(res.statusCode, `${key(w)} with ${what}${'authorization' in headers ? ' and a wrong token' : ''}: ${res.body}`).toBe(401)
        expect(res.json().code).toBe('auth.unauthorized')
      }
    }
    expect(await t.snapshot()).toBe(before)
  })
})

// ---------------------------------------------------------------------------------------------------------
// 403: an Øyer editor naming what Gausdal (or a collaboration without Øyer) owns.

interface Fixtures {
  gausdalPlan: number;
  oyerPlan: number;
  gausdalProject: number;
  oyerProject: number
  gausdalAssessment: number;
  gausdalSubscription: number;
  oyerSubscription: number
  gausdalRule: number;
  oyerRule: number;
  gausdalOccurrence: string;
  oyerKuOccurrence: string;
  packageKey: string
}
interface WriteCase { what: string; params?: (f: Fixtures) => Record<string, string | number>; payload?: unknown; type?: string }

/** Owned by Lillehammer and Gausdal; Øyer takes no part. */
const GAUSDAL_COMPANY = 'lillehammer-og-gausdal-energiverk-holding-as-lge'
const meeting = { eventType: 'mote', title: 'Ekstra møte', dtstart: 'DTSTART;TZID=Europe/Oslo:20270318T180000', rrule: 'FREQ=WEEKLY;COUNT=3', durationMinutes: 60 }
const admin = 'admin only'

/** Per write route: requests by Øyer's editor that name something Gausdal owns. Every write route must be here. */
const FORBIDDEN: Record<string, WriteCase[]> = {
  'POST /api/v1/municipalities': [{ what: admin, payload: { slug: 'ny-kommune', name: 'Ny kommune', kind: 'kommune' } }],
  'POST /api/v1/municipalities/onboard': [{ what: admin, payload: { municipalities: ['3401'] } }],
  'PATCH /api/v1/municipalities/{ref}': [{ what: 'Gausdal', params: () => ({ ref: 'gausdal' }), payload: { name: 'Gausdal!' } }],
  'DELETE /api/v1/municipalities/{ref}': [{ what: 'Gausdal', params: () => ({ ref: 'gausdal' }) }],
  'POST /api/v1/bodies': [
    { what: 'a body of Gausdal', payload: { slug: 'gausdal-ny-nemnd', name: 'Ny nemnd', kind: 'annet', municipality: 'gausdal' } },
    { what: 'a body of a collaboration without Øyer', payload: { slug: 'vigsel-styre', name: 'Styre', kind: 'styre', collaboration: 'borgerlig-vigsel' } },
  ],
  'PATCH /api/v1/bodies/{ref}': [{ what: 'Gausdal kontrollutvalg', params: () => ({ ref: 'gausdal-kontrollutvalg' }), payload: { name: 'Endret' } }],
  'DELETE /api/v1/bodies/{ref}': [{ what: 'Gausdal kontrollutvalg', params: () => ({ ref: 'gausdal-kontrollutvalg' }) }],
  'POST /api/v1/bodies/{ref}/feed-secret': [{ what: 'Gausdal kontrollutvalg', params: () => ({ ref: 'gausdal-kontrollutvalg' }) }],
  'PUT /api/v1/bodies/{ref}/moteplan': [{ what: 'Gausdal formannskap', params: () => ({ ref: 'gausdal-formannskap' }), payload: { meetings: [{ start: '2027-02-04T09:00' }] } }],
  'POST /api/v1/collaborations': [{
    what: 'hosted by and with Gausdal only',
    payload: { slug: 'nytt-samarbeid', name: 'Nytt samarbeid', legalForm: 'uformelt', hostMunicipality: 'gausdal', participants: [{ municipality: 'gausdal' }] },
  }],
  'PATCH /api/v1/collaborations/{ref}': [
    { what: 'a collaboration without Øyer', params: () => ({ ref: 'borgerlig-vigsel' }), payload: { comment: 'endret' } },
    { what: 'adding Gausdal as host of Øyer\'s collaboration', params: () => ({ ref: 'gudbrandsdal-energi-ge' }), payload: { participants: [{ municipality: 'gausdal' }] } },
  ],
  'DELETE /api/v1/collaborations/{ref}': [{ what: 'a collaboration without Øyer', params: () => ({ ref: 'borgerlig-vigsel' }) }],
  'POST /api/v1/imports': [{ what: admin, payload: 'Kommune\tSamarbeid\n', type: 'text/tab-separated-values' }],
  'POST /api/v1/packages/apply': [{ what: 'Gausdal', payload: { municipality: 'gausdal' } }],
  'POST /api/v1/rules': [
    { what: 'Øyer\'s rule with Gausdal formannskap responsible', payload: { ...meeting, municipality: 'oyer', responsibleBody: 'gausdal-formannskap' } },
    { what: 'Øyer\'s rule treated by Gausdal kontrollutvalg', payload: { ...meeting, municipality: 'oyer', responsibleBody: 'oyer-formannskap', treatedByBody: 'gausdal-kontrollutvalg' } },
    { what: 'a rule for Gausdal', payload: { ...meeting, municipality: 'gausdal', responsibleBody: 'gausdal-formannskap' } },
  ],
  'PATCH /api/v1/rules/{id}': [
    { what: 'Øyer\'s rule moved to Gausdal formannskap', params: f => ({ id: f.oyerRule }), payload: { responsibleBody: 'gausdal-formannskap' } },
    { what: 'Øyer\'s rule treated by Gausdal kontrollutvalg', params: f => ({ id: f.oyerRule }), payload: { treatedByBody: 'gausdal-kontrollutvalg' } },
    { what: 'Gausdal\'s rule', params: f => ({ id: f.gausdalRule }), payload: { note: 'endret' } },
  ],
  'DELETE /api/v1/rules/{id}': [{ what: 'Gausdal\'s rule', params: f => ({ id: f.gausdalRule }) }],
  'PATCH /api/v1/occurrences/{id}': [{ what: 'Gausdal kontrollutvalg\'s occurrence', params: f => ({ id: f.gausdalOccurrence }), payload: { note: 'endret' } }],
  'POST /api/v1/kontroll/plans': [{
    what: 'a plan naming Gausdal kontrollutvalg beside Øyer\'s',
    payload: { type: 'forvaltningsrevisjon', electionYear: 2027, title: 'Felles plan', bodies: ['oyer-kontrollutvalg', 'gausdal-kontrollutvalg'] },
  }],
  'PATCH /api/v1/kontroll/plans/{id}': [
    { what: 'Øyer\'s plan extended to Gausdal kontrollutvalg', params: f => ({ id: f.oyerPlan }), payload: { bodies: ['oyer-kontrollutvalg', 'gausdal-kontrollutvalg'] } },
    { what: 'Gausdal\'s plan', params: f => ({ id: f.gausdalPlan }), payload: { title: 'Endret' } },
  ],
  'DELETE /api/v1/kontroll/plans/{id}': [{ what: 'Gausdal\'s plan', params: f => ({ id: f.gausdalPlan }) }],
  'PUT /api/v1/kontroll/plans/{id}/adoptions/{body}': [
    { what: 'Gausdal kontrollutvalg\'s adoption of Gausdal\'s plan', params: f => ({ id: f.gausdalPlan, body: 'gausdal-kontrollutvalg' }), payload: { kuAdoptedOn: '2024-03-05', kuCaseRef: 'KU 1/24' } },
  ],
  'POST /api/v1/kontroll/plans/{id}/revisions': [{ what: 'Gausdal\'s plan', params: f => ({ id: f.gausdalPlan }), payload: { reason: 'Ny risiko' } }],
  'PUT /api/v1/kontroll/plans/{id}/order': [{ what: 'Gausdal\'s plan', params: f => ({ id: f.gausdalPlan }), payload: { projects: [999999] } }],
  'POST /api/v1/kontroll/plans/from-ranking': [{
    what: 'a plan for Gausdal kontrollutvalg',
    payload: { body: 'gausdal-kontrollutvalg', electionYear: 2023, items: [{ subject: { municipality: 'gausdal', serviceArea: 'Skole' }, kind: 'forvaltningsrevisjon', title: 'Skole', plannedYear: 2025 }] },
  }],
  'POST /api/v1/kontroll/plans/{id}/projects': [
    { what: 'a project in Gausdal\'s plan', params: f => ({ id: f.gausdalPlan }), payload: { title: 'LGE', plannedYear: 2025, subjects: [{ collaboration: GAUSDAL_COMPANY }] } },
    { what: 'a project on Gausdal in Øyer\'s plan', params: f => ({ id: f.oyerPlan }), payload: { title: 'Skole', plannedYear: 2025, subjects: [{ municipality: 'gausdal', serviceArea: 'Skole' }] } },
  ],
  'PATCH /api/v1/kontroll/plans/{id}/projects/{projectId}': [
    { what: 'a project in Gausdal\'s plan', params: f => ({ id: f.gausdalPlan, projectId: f.gausdalProject }), payload: { title: 'Endret' } },
    { what: 'Øyer\'s project moved to Gausdal', params: f => ({ id: f.oyerPlan, projectId: f.oyerProject }), payload: { subjects: [{ municipality: 'gausdal', serviceArea: 'Helse' }] } },
  ],
  'DELETE /api/v1/kontroll/plans/{id}/projects/{projectId}': [{ what: 'a project in Gausdal\'s plan', params: f => ({ id: f.gausdalPlan, projectId: f.gausdalProject }) }],
  'POST /api/v1/kontroll/assessments': [{ what: 'Gausdal', payload: { electionYear: 2023, municipality: 'gausdal', serviceArea: 'Skole', risk: 4, materiality: 4 } }],
  'PATCH /api/v1/kontroll/assessments/{id}': [{ what: 'Gausdal\'s assessment', params: f => ({ id: f.gausdalAssessment }), payload: { risk: 3 } }],
  'DELETE /api/v1/kontroll/assessments/{id}': [{ what: 'Gausdal\'s assessment', params: f => ({ id: f.gausdalAssessment }) }],
  'POST /api/v1/subscriptions': [
    { what: 'to Gausdal kontrollutvalg', payload: { name: 'Kari', email: 'kari@oyer.kommune.no', body: 'gausdal-kontrollutvalg' } },
    { what: 'to Gausdal', payload: { name: 'Kari', email: 'kari@oyer.kommune.no', municipality: 'gausdal' } },
  ],
  'PATCH /api/v1/subscriptions/{id}': [
    { what: 'Øyer\'s subscription moved to Gausdal kontrollutvalg', params: f => ({ id: f.oyerSubscription }), payload: { municipality: null, body: 'gausdal-kontrollutvalg' } },
    { what: 'Gausdal\'s subscription', params: f => ({ id: f.gausdalSubscription }), payload: { name: 'Endret' } },
  ],
  'DELETE /api/v1/subscriptions/{id}': [{ what: 'Gausdal\'s subscription', params: f => ({ id: f.gausdalSubscription }) }],
}

const list = (json: Json): Json[] => Array.isArray(json) ? json : json.data

async function created (t: TestApp, url: string, payload: unknown): Promise<Json> {
  const res = await t.app.inject({ method: 'POST', url, headers: t.auth(t.tokens.admin), payload: payload as object })
  expect(res.statusCode, `fixture ${url}: ${res.body}`).toBe(201)
  return res.json()
}

/** Per write route, a request naming one of Øyer's own items: no one without an editor role for Øyer may make it. */
const OYER_OWN: Array<[string, WriteCase]> = [
  ['PATCH /api/v1/municipalities/{ref}', { what: 'Øyer', params: () => ({ ref: 'oyer' }), payload: { name: 'Øyer!' } }],
  ['PATCH /api/v1/bodies/{ref}', { what: 'Øyer kontrollutvalg', params: () => ({ ref: 'oyer-kontrollutvalg' }), payload: { name: 'Endret' } }],
  ['PUT /api/v1/bodies/{ref}/moteplan', { what: 'Øyer kontrollutvalg\'s møteplan', params: () => ({ ref: 'oyer-kontrollutvalg' }), payload: { meetings: [{ start: '2027-02-04T09:00' }] } }],
  ['POST /api/v1/rules', { what: 'a rule for Øyer kontrollutvalg', payload: { ...meeting, municipality: 'oyer', responsibleBody: 'oyer-kontrollutvalg' } }],
  ['PATCH /api/v1/rules/{id}', { what: 'Øyer\'s rule', params: f => ({ id: f.oyerRule }), payload: { note: 'endret' } }],
  ['PATCH /api/v1/occurrences/{id}', { what: 'Øyer kontrollutvalg\'s occurrence', params: f => ({ id: f.oyerKuOccurrence }), payload: { note: 'endret' } }],
  ['POST /api/v1/packages/apply', { what: 'Øyer', payload: { municipality: 'oyer' } }],
  ['POST /api/v1/collaborations', { what: 'with Øyer only', payload: { slug: 'oyer-nytt', name: 'Nytt', legalForm: 'uformelt', participants: [{ municipality: 'oyer' }] } }],
]

/**
 * What the sekretariat of Øyer's kontrollutvalg gets for the FORBIDDEN cases, where it is not 403: Øyer's
 * own plan it may steer, so naming a Gausdal subject there is bad input (400), not a matter of access.
 */
const SEKRETARIAT_NOT_403: Record<string, number> = {
  'a project on Gausdal in Øyer\'s plan': 400,
  'Øyer\'s project moved to Gausdal': 400,
}

interface People { oyerEditor: SignedIn; noRole: SignedIn; oyerSekretariat: SignedIn; twoMunicipalities: SignedIn }
let people: People

describe('every write naming another municipality\'s body or subject answers 403 to an editor, and changes nothing', () => {
  let t: TestApp
  let f: Fixtures
  beforeAll(async () => {
    t = await buildTestApp()
    // Gausdal's plan is for eierskapskontroll, so extending Øyer's forvaltningsrevisjon plan to Gausdal meets no conflict.
    const gausdalPlan = await created(t, '/api/v1/kontroll/plans', { type: 'eierskapskontroll', electionYear: 2023, title: 'Plan Gausdal', bodies: ['gausdal-kontrollutvalg'] })
    const oyerPlan = await created(t, '/api/v1/kontroll/plans', { type: 'forvaltningsrevisjon', electionYear: 2023, title: 'Plan Øyer', bodies: ['oyer-kontrollutvalg'] })
    const gausdalProject = await created(t, `/api/v1/kontroll/plans/${gausdalPlan.id}/projects`, { title: 'LGE', plannedYear: 2026, subjects: [{ collaboration: GAUSDAL_COMPANY }] })
    const oyerProject = await created(t, `/api/v1/kontroll/plans/${oyerPlan.id}/projects`, { title: 'Barnevern', plannedYear: 2026, subjects: [{ municipality: 'oyer', serviceArea: 'Barnevern' }] })
    const gausdalAssessment = await created(t, '/api/v1/kontroll/assessments', { electionYear: 2023, municipality: 'gausdal', serviceArea: 'Barnevern', risk: 5, materiality: 4 })
    const gausdalSubscription = await created(t, '/api/v1/subscriptions', { name: 'Gausdal', email: 'post@gausdal.kommune.no', municipality: 'gausdal' })
    const oyerSubscription = await created(t, '/api/v1/subscriptions', { name: 'Øyer', email: 'post@oyer.kommune.no', municipality: 'oyer' })
    const ruleOf = async (municipality: string, body: string) => (await t.sql.get<{ id: number }>(
      'select r.id from rule r join municipality m on m.id = r.municipality_id join body b on b.id = r.responsible_body_id where m.slug = ? and b.slug = ? and r.deleted = 0 order by r.id',
      municipality, body
    ))!.id
    const occurrences = list((await t.app.inject({ url: '/api/v1/occurrences?body=gausdal-kontrollutvalg&from=2027-01-01&to=2027-12-31', headers: t.auth(t.tokens.admin) })).json())
    const oyerKu = list((await t.app.inject({ url: '/api/v1/occurrences?body=oyer-kontrollutvalg&from=2027-01-01&to=2027-12-31', headers: t.auth(t.tokens.admin) })).json())
    const packages = list((await t.app.inject('/api/v1/packages')).json())
    f = {
      gausdalPlan: gausdalPlan.id,
      oyerPlan: oyerPlan.id,
      gausdalProject: gausdalProject.id,
      oyerProject: oyerProject.id,
      gausdalAssessment: gausdalAssessment.id,
      gausdalSubscription: gausdalSubscription.id,
      oyerSubscription: oyerSubscription.id,
      gausdalRule: await ruleOf('gausdal', 'gausdal-kontrollutvalg'),
      oyerRule: await ruleOf('oyer', 'oyer-formannskap'),
      gausdalOccurrence: occurrences[0].id,
      oyerKuOccurrence: oyerKu[0].id,
      packageKey: packages[0].key,
    }
    // People signed in (issue 14), made before any snapshot is taken.
    people = {
      oyerEditor: await signIn(t, 'redaktor@oyer.kommune.no', [{ role: 'editor', municipality: 'oyer' }], 'Øyvind Redaktør'),
      noRole: await signIn(t, 'innbygger@oyer.kommune.no', [], 'Ingrid Uten Rolle'),
      oyerSekretariat: await signIn(t, 'sekretar@kusek.no', [{ role: 'sekretariat', kontrollutvalg: 'oyer-kontrollutvalg' }], 'Siri Sekretær'),
      twoMunicipalities: await signIn(t, 'felles@region.no', [{ role: 'editor', municipality: 'oyer' }, { role: 'editor', municipality: 'gausdal' }], 'Tor To Kommuner'),
    }
  })
  afterAll(async () => { await t.close() })

  it('every write route has cases in the table (add one for a new route)', () => {
    expect(writes.map(key).filter(k => !(k in FORBIDDEN))).toEqual([])
    expect(Object.keys(FORBIDDEN).filter(k => !writes.some(w => key(w) === k))).toEqual([])
  })

  const cases = Object.entries(FORBIDDEN).flatMap(([k, cs]) => cs.map(c => [k, c.what, c] as const))
  it.each(cases)('%s: %s', async (k, _what, c) => {
    const [method, path] = k.split(' ') as [string, string]
    const url = fill(path, c.params?.(f) ?? {})
    const before = await t.snapshot()
    const payload = c.payload === undefined ? undefined : c.type ? String(c.payload) : JSON.stringify(c.payload)
    const headers = { ...t.auth(t.tokens.editorOyer), ...(payload !== undefined ? { 'content-type': c.type ?? 'application/json' } : {}) }
    const res = await t.app.inject({ method: method as 'POST', url, headers, payload })
    expect(res.statusCode, res.body).toBe(403)
    expect(res.json().code).toBe('auth.forbidden')
    expect(await t.snapshot()).toBe(before)
  })

  /** The request of a case, sent by a signed-in person: the session cookie and the CSRF header. */
  async function bySession (who: SignedIn, k: string, c: WriteCase) {
    const [method, path] = k.split(' ') as [string, string]
    const payload = c.payload === undefined ? undefined : c.type ? String(c.payload) : JSON.stringify(c.payload)
    const headers = { ...who.headers, 'x-csrf-token': who.csrf, ...(payload !== undefined ? { 'content-type': c.type ?? 'application/json' } : {}) }
    return t.app.inject({ method: method as 'POST', url: fill(path, c.params?.(f) ?? {}), headers, payload })
  }

  it.each(cases)('signed in as Øyer\'s editor, %s: %s', async (k, _what, c) => {
    const before = await t.snapshot()
    const res = await bySession(people.oyerEditor, k, c)
    expect(res.statusCode, res.body).toBe(403)
    expect(res.json().code).toBe('auth.forbidden')
    expect(await t.snapshot()).toBe(before)
  })

  const own = OYER_OWN.map(([k, c]) => [k, c.what, c] as const)
  it.each([...cases, ...own])('signed in with no role, %s: %s', async (k, _what, c) => {
    const before = await t.snapshot()
    const res = await bySession(people.noRole, k, c)
    expect(res.statusCode, res.body).toBe(403)
    expect(res.json().code).toBe('auth.forbidden')
    expect(await t.snapshot()).toBe(before)
  })

  it.each([...cases, ...own])('signed in as the sekretariat of Øyer\'s kontrollutvalg, %s: %s', async (k, what, c) => {
    const before = await t.snapshot()
    const res = await bySession(people.oyerSekretariat, k, c)
    expect(res.statusCode, res.body).toBe(SEKRETARIAT_NOT_403[what] ?? 403)
    if (res.statusCode === 403) expect(res.json().code).toBe('auth.forbidden')
    expect(await t.snapshot()).toBe(before)
  })

  // The refusals above mean something only if these people can write at all. These run last: they change data.
  it('Øyer\'s own items are changed by Øyer\'s editor signed in; the sekretariat changes Øyer\'s plan; an editor of two municipalities changes both', async () => {
    const noteOn = (who: SignedIn, rule: number, note: string) => bySession(who, 'PATCH /api/v1/rules/{id}', { what: '', params: () => ({ id: rule }), payload: { note } })
    expect((await noteOn(people.oyerEditor, f.oyerRule, 'fra Øyer')).statusCode).toBe(200)
    for (const [k, c] of OYER_OWN.filter(([k]) => k.startsWith('PATCH /api/v1/occurrences') || k.startsWith('PATCH /api/v1/bodies'))) {
      const res = await bySession(people.oyerEditor, k, c)
      expect(res.statusCode, `${k}: ${res.body}`).toBe(200)
    }
    // The editor of both municipalities (two roles) changes Øyer's rule and Gausdal's, and a collaboration one of them takes part in, but not Lillehammer itself.
    expect((await noteOn(people.twoMunicipalities, f.oyerRule, 'fra regionen')).statusCode).toBe(200)
    expect((await noteOn(people.twoMunicipalities, f.gausdalRule, 'fra regionen')).statusCode).toBe(200)
    const vigsel = FORBIDDEN['PATCH /api/v1/collaborations/{ref}']![0]!
    expect((await bySession(people.twoMunicipalities, 'PATCH /api/v1/collaborations/{ref}', vigsel)).statusCode).toBe(200)
    const lillehammer = await bySession(people.twoMunicipalities, 'PATCH /api/v1/municipalities/{ref}', { what: '', params: () => ({ ref: 'lillehammer' }), payload: { name: 'Lillehammer!' } })
    expect(lillehammer.statusCode).toBe(403)
    // Kontroll plans: the sekretariat may, Øyer's editor (by session too) may not.
    const plan = { what: '', params: () => ({ id: f.oyerPlan }), payload: { title: 'Plan Øyer, revidert' } }
    expect((await bySession(people.oyerEditor, 'PATCH /api/v1/kontroll/plans/{id}', plan)).statusCode).toBe(403)
    expect((await bySession(people.twoMunicipalities, 'PATCH /api/v1/kontroll/plans/{id}', plan)).statusCode).toBe(403)
    const steered = await bySession(people.oyerSekretariat, 'PATCH /api/v1/kontroll/plans/{id}', plan)
    expect([steered.statusCode, steered.json().title]).toEqual([200, 'Plan Øyer, revidert'])
    const assessed = await bySession(people.oyerSekretariat, 'POST /api/v1/kontroll/assessments', { what: '', payload: { electionYear: 2023, municipality: 'oyer', serviceArea: 'Skole', risk: 2, materiality: 3 } })
    expect(assessed.statusCode, assessed.body).toBe(201)
  })
})

// ---------------------------------------------------------------------------------------------------------
// Visibility: Øyer's kontrollutvalg is made private. Its items must not appear anonymously or to Gausdal's
// editor, and must appear to an admin (and to Øyer's editor, whose municipality owns it).

const PRIVATE_BODY = 'oyer-kontrollutvalg'
const FROM = '2027-01-01'
const TO = '2027-12-31'

/** Values for path parameters of GET routes; a new GET route with a new parameter needs a line here. */
function readParams (path: string, v: { rule: number; meetingRule: number; occurrence: string; plan: number; project: number; assessment: number; subscription: number }): Array<Record<string, string | number>> {
  if (path.startsWith('/feeds/')) return [{ kind: 'municipalities', file: 'oyer.ics' }, { kind: 'bodies', file: `${PRIVATE_BODY}.ics` }]
  if (path.startsWith('/api/v1/municipalities/')) return [{ ref: 'oyer' }]
  if (path.startsWith('/api/v1/bodies/')) return [{ ref: PRIVATE_BODY }]
  if (path.startsWith('/api/v1/collaborations/')) return [{ ref: 'regionrad' }]
  if (path.startsWith('/api/v1/rules/')) return [{ id: v.rule }, { id: v.meetingRule }]
  if (path.startsWith('/api/v1/occurrences/')) return [{ id: v.occurrence }]
  if (path.startsWith('/api/v1/kontroll/plans/')) return [{ id: v.plan, projectId: v.project, version: 1 }]
  if (path.startsWith('/api/v1/kontroll/assessments/')) return [{ id: v.assessment }]
  if (path.startsWith('/api/v1/subscriptions/')) return [{ id: v.subscription }]
  return [{}]
}

/** Query strings to try: the required parameters, then narrowed to Øyer and to the private body where the route allows. */
function readQueries (params: Parameter[]): string[] {
  const query = params.filter(p => p.in === 'query')
  const has = (name: string) => query.some(p => p.name === name)
  const base = new URLSearchParams()
  for (const p of query.filter(q => q.required)) {
    if (p.name === 'from') base.set('from', FROM)
    else if (p.name === 'to') base.set('to', TO)
    else if (p.name === 'valgperiode') base.set('valgperiode', '2023')
    else if (p.schema?.enum?.length) base.set(p.name, p.schema.enum[0]!)
    else throw new Error(`no value for the required query parameter ${p.name}`)
  }
  if (has('days')) base.set('days', '120')
  // Deadlines delivered late are looked up per year; 2026 has the private body's past deadlines.
  if (has('year')) base.set('year', '2026')
  const out = [new URLSearchParams(base)]
  if (has('municipality')) out.push(new URLSearchParams([...base, ['municipality', 'oyer']]))
  if (has('body')) out.push(new URLSearchParams([...base, ['body', PRIVATE_BODY]]))
  const format = query.find(p => p.name === 'format')
  const formats = format ? (format.schema?.enum ?? ['json', 'csv']) : []
  for (const f of formats) out.push(...out.slice().map(q => new URLSearchParams([...q, ['format', f]])))
  return [...new Set(out.map(q => q.toString()))]
}

/** Pages are not in the spec; the human pages and their CSV export. */
const PAGES = ['/', '/arshjul?municipality=oyer&year=2027', `/arshjul?body=${PRIVATE_BODY}&year=2027`, '/arshjul.svg?municipality=oyer&year=2027',
  '/oppfolging?municipality=oyer', `/oppfolging?body=${PRIVATE_BODY}`, '/oppfolging.csv?municipality=oyer']

/** Routes that show the private body's items to an admin: at least one of their URLs must show some. */
const ITEM_ROUTES = ['/api/v1/occurrences', '/api/v1/occurrences/{id}', '/api/v1/rules', '/api/v1/rules/{id}', '/api/v1/reports/upcoming', '/api/v1/reports/overdue', '/feeds/{kind}/{file}',
  ...PAGES.filter(p => p !== '/')]

describe('a private body\'s items are seen only by those allowed to see them', () => {
  let t: TestApp
  let editorGausdal: string
  let ruleIds: number[]
  let urls: Array<{ route: string; url: string }>
  let secret: string

  const findings = new Map<string, string[]>()
  const hitsOf = (ids: number[]) => {
    const ruleAlt = ids.join('|')
    const idPattern = new RegExp(`(?<![\\d])(?:${ruleAlt})-20\\d{6}(?:T\\d{4})?(?!\\d)`, 'g')
    const ruleUrl = new RegExp(`/api/v1/rules/(?:${ruleAlt})(?!\\d)`, 'g')
    const namesBody = (v: Json) => v === PRIVATE_BODY || (v && typeof v === 'object' && v.slug === PRIVATE_BODY)
    return (contentType: string, body: string): string[] => {
      const out = new Set<string>()
      for (const m of body.match(idPattern) ?? []) out.add(`occurrence ${m}`)
      for (const m of body.match(ruleUrl) ?? []) out.add(`rule ${m}`)
      if (contentType.includes('json')) {
        const walk = (o: Json): void => {
          if (Array.isArray(o)) { o.forEach(walk); return }
          if (!o || typeof o !== 'object') return
          if (typeof o.ruleId === 'number' && ids.includes(o.ruleId)) out.add(`occurrence of rule ${o.ruleId}`)
          if (typeof o.id === 'number' && 'eventType' in o && ('scheduleType' in o || 'schedule' in o || 'origin' in o) && ids.includes(o.id)) out.add(`rule ${o.id}`)
          for (const k of ['responsibleBody', 'treatedBy', 'treatedByBody']) if (namesBody(o[k])) out.add(`${k}: ${PRIVATE_BODY}`)
          Object.values(o).forEach(walk)
        }
        try { walk(JSON.parse(body)) } catch { /* not JSON after all */ }
      }
      return [...out]
    }
  }
  let hits: (contentType: string, body: string) => string[]

  /** Every page of a list: follow links.next. */
  async function fetchAll (url: string, headers: Record<string, string>): Promise<Array<{ status: number; type: string; body: string }>> {
    const out: Array<{ status: number; type: string; body: string }> = []
    let next: string | undefined = url
    for (let page = 0; next && page < 200; page++) {
      const res: { statusCode: number; headers: Record<string, unknown>; body: string; json: () => unknown } = await t.app.inject({ url: next, headers })
      out.push({ status: res.statusCode, type: String(res.headers['content-type'] ?? ''), body: res.body })
      next = undefined
      if (res.statusCode === 200 && String(res.headers['content-type']).includes('json')) {
        const link: unknown = (res.json() as Json)?.links?.next
        if (typeof link === 'string') next = link.startsWith(BASE_URL) ? link.slice(BASE_URL.length) : link
      }
    }
    return out
  }
  async function seen (url: string, headers: Record<string, string>): Promise<string[]> {
    return (await fetchAll(url, headers)).flatMap(r => r.status < 300 ? hits(r.type, r.body) : [])
  }

  beforeAll(async () => {
    t = await buildTestApp()
    const gausdal = await t.services.municipalities.find('gausdal')
    editorGausdal = (await t.services.tokens.create({ label: 'test-editor-gausdal', role: 'editor', municipality: gausdal!.id })).token
    const body = (await t.sql.get<{ id: number }>('select id from body where slug = ?', PRIVATE_BODY))!
    ruleIds = (await t.sql.all<{ id: number }>('select id from rule where responsible_body_id = ? or treated_by_body_id = ? order by id', body.id, body.id)).map(r => r.id)
    const meetingRule = (await t.sql.get<{ id: number }>("select id from rule where responsible_body_id = ? and event_type = 'mote' order by id", body.id))!.id
    hits = hitsOf(ruleIds)

    // Fixtures that GET routes with ids need, made while the body is still public.
    const plan = await created(t, '/api/v1/kontroll/plans', { type: 'forvaltningsrevisjon', electionYear: 2023, title: 'Plan Øyer', bodies: [PRIVATE_BODY] })
    const project = await created(t, `/api/v1/kontroll/plans/${plan.id}/projects`, { title: 'Barnevern', plannedYear: 2026, subjects: [{ municipality: 'oyer', serviceArea: 'Barnevern' }] })
    const assessment = await created(t, '/api/v1/kontroll/assessments', { electionYear: 2023, municipality: 'oyer', serviceArea: 'Barnevern', risk: 5, materiality: 4 })
    const subscription = await created(t, '/api/v1/subscriptions', { name: 'KU', email: 'ku@oyer.kommune.no', body: PRIVATE_BODY })
    const occurrences = list((await t.app.inject({ url: `/api/v1/occurrences?body=${PRIVATE_BODY}&from=${FROM}&to=${TO}`, headers: t.auth(t.tokens.admin) })).json())
    const occurrence = occurrences.find((o: Json) => ruleIds.includes(o.ruleId))?.id as string
    expect(occurrence, 'an occurrence of the private body in 2027').toBeTruthy()
    const secretReply = await t.app.inject({ method: 'POST', url: `/api/v1/bodies/${PRIVATE_BODY}/feed-secret`, headers: t.auth(t.tokens.admin) })
    expect(secretReply.statusCode, secretReply.body).toBeLessThan(300)
    secret = secretReply.json().token

    const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/bodies/${PRIVATE_BODY}`, headers: t.auth(t.tokens.admin), payload: { feedVisibility: 'private' } })
    expect(res.statusCode, res.body).toBe(200)

    const values = { rule: ruleIds.find(id => id !== meetingRule)!, meetingRule, occurrence, plan: plan.id, project: project.id, assessment: assessment.id, subscription: subscription.id }
    urls = [
      ...reads.flatMap(r => readParams(r.path, values).flatMap(p => readQueries(r.op.parameters ?? []).map(q => ({ route: r.path, url: `${fill(r.path, p)}${q ? `?${q}` : ''}` })))),
      ...PAGES.map(p => ({ route: p, url: p })),
    ]
  })
  afterAll(async () => {
    await t.close()
    if (findings.size) console.log(`Private items leaked on:\n${[...findings].map(([k, v]) => `  ${k}: ${v.slice(0, 3).join(', ')}${v.length > 3 ? ` … (${v.length})` : ''}`).join('\n')}`)
  })

  const routes = [...reads.map(r => r.path), ...PAGES]
  it.each(routes)('%s: nothing of the private body without credentials or for Gausdal\'s editor', async route => {
    const leaks: string[] = []
    for (const { url } of urls.filter(u => u.route === route)) {
      for (const [who, headers] of [['anonymous', {}], ['Gausdal editor', t.auth(editorGausdal)]] as const) {
        const found = await seen(url, headers)
        if (found.length) leaks.push(`${who} ${url}: ${found.slice(0, 3).join(', ')}${found.length > 3 ? ` … (${found.length})` : ''}`)
      }
    }
    if (leaks.length) findings.set(route, leaks)
    expect(leaks).toEqual([])
  }, 120_000)

  it.each(ITEM_ROUTES)('%s: the private body\'s items appear to an admin and to Øyer\'s editor', async route => {
    for (const [who, token] of [['admin', t.tokens.admin], ['Øyer editor', t.tokens.editorOyer]] as const) {
      let found: string[] = []
      for (const { url } of urls.filter(u => u.route === route)) found = [...found, ...await seen(url, t.auth(token))]
      expect(found.length, `${who} sees none of ${PRIVATE_BODY}'s items on ${route}`).toBeGreaterThan(0)
    }
  }, 120_000)

  it('the private body\'s feed shows its items with the feed secret, and answers 404 without it', async () => {
    const url = `/feeds/bodies/${PRIVATE_BODY}.ics`
    expect((await t.app.inject(url)).statusCode).toBe(404)
    const res = await t.app.inject(`${url}?token=${encodeURIComponent(secret)}`)
    expect(res.statusCode).toBe(200)
    expect(hits('text/calendar', res.body).length).toBeGreaterThan(0)
  })
})
