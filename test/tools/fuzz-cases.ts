// The fuzzer's cases (issue 13): the operations of the app's OpenAPI document (plus the HTML pages,
// which it hides), a valid baseline request for each built from the schema and the seed's real data,
// and the mutations sent at every path parameter, query parameter and JSON body field. Pure: no I/O.

/** The subset of JSON Schema / OpenAPI 3.0 the fuzzer reads. */
export interface Schema {
  type?: string | string[]
  properties?: Record<string, Schema>
  items?: Schema
  required?: string[]
  enum?: unknown[]
  const?: unknown
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  $ref?: string
  format?: string
  pattern?: string
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  minItems?: number
  maxItems?: number
  nullable?: boolean
  default?: unknown
}

export interface Param { in: 'path' | 'query'; name: string; schema: Schema; required: boolean }

export interface Operation {
  method: string
  /** OpenAPI path template: `/api/v1/rules/{id}`. */
  path: string
  params: Param[]
  /** Media types the request body may have; JSON ones come with their schema. */
  body?: { types: string[]; schema?: Schema; required: boolean }
  /** A page route hidden from /docs/json, listed by the fuzzer itself. */
  page?: boolean
  /** A page for a signed-in person (issue 14): sent without credentials, as an admin and as a person with no role, by session cookie. */
  session?: boolean
  /** A page form (issue 14): a POST of application/x-www-form-urlencoded (or multipart) fields with the CSRF token. */
  form?: PageForm
}

/** Where a page form's valid fields come from, and what the fuzzer sets on top of them. */
export interface PageForm {
  /** The page (GET as the admin person, path parameters as the form's) whose form with this action the fields are read from; 'none': only `set`. */
  from: string
  /** Valid values set on top of what the page shows (buttons, a choice the page leaves empty); null removes a field. */
  set?: Record<string, string | string[] | null>
  /** The møteplan upload: multipart/form-data with the file in `fil`. */
  multipart?: boolean
  /** A sign-in form: the CSRF token is bound to being anonymous (the `arshjul_csrf` cookie), not to a session. */
  anonymous?: boolean
  /** Ends the session (sign-out; signing in anew ends the one before): each request is sent in a fresh session of the same person. */
  endsSession?: boolean
  /** Uses up a sign-in link: each request with the baseline's {secret} gets a fresh link. */
  usesLink?: boolean
}

/** A JSON body token that JSON.stringify cannot write (Infinity, NaN) or writes differently. */
export class RawJson {
  constructor (readonly text: string) {}
}
/** A query or path value sent exactly as given, already percent-encoded (malformed escapes, invalid UTF-8). */
export class Encoded {
  constructor (readonly text: string) {}
}
export type Val = string | Encoded

/** Stands for the credential's CSRF token in a form (filled in when sent); OTHER_CSRF: another person's valid token. */
export const CSRF = new Encoded('\u0000csrf')
export const OTHER_CSRF = new Encoded('\u0000other-csrf')
/** Stands for a fresh sign-in link's secret in a path (filled in when sent). */
export const FRESH_LINK = new Encoded('\u0000fresh-link')

export interface RequestState {
  /** Another method than the operation's (HEAD for a GET, an override header's target). */
  method?: string
  path: Record<string, Val>
  query: Array<[string, Val]>
  /** The JSON body (may hold RawJson tokens); undefined: none. */
  json?: unknown
  /** A body sent as is, instead of `json`. */
  raw?: string | Uint8Array
  /** Content-Type to send; null: none at all. Default: application/json when there is a body. */
  contentType?: string | null
  headers: Record<string, string>
  /** How `form` goes out (default urlencoded, or multipart for PageForm.multipart). */
  formAs?: 'urlencoded' | 'multipart' | 'json'
  /** A page form's fields in order (a field may repeat); sent urlencoded, or multipart with `file`. */
  form?: Array<[string, Val]>
  /** The multipart upload's file part (field `fil`); undefined: none. */
  file?: { name: string; type: string; data: string | Uint8Array }
}

export interface Mutation {
  /** What it does, for the report: `body.meetings[0].start = "2027-02-30"`. */
  label: string
  /** One of issue 13's own cases (an impossible date, an extreme number): sent before all others. */
  core?: boolean
  /** Breaks the CSRF token (missing, wrong, another person's): a signed-in request must get 403, and no row changes. */
  csrfRefused?: boolean
  /** Puts a character the field should refuse into it: NUL, BEL, a lone surrogate, or U+202E unless the field is multi-line text. */
  control?: boolean
  apply (state: RequestState): void
}

/** The impossible dates and extreme numbers issue 13 names: a short run sends these at every field first. */
const CORE = new Set(['impossible date', 'zero date', 'month 13', 'year 9999', '1e21', '2^63', '-1', 'Infinity', 'NaN', '1.5'])
const CONTROL = new Set(['NUL', 'BEL', 'RLO', 'lone high surrogate', 'lone low surrogate'])

/** Real refs and ids from the seeded database (and the few rows the fuzzer created), by role. */
export interface SeedData {
  municipality: string
  municipalities: string[]
  body: string
  kontrollutvalg: string
  collaboration: string
  eventType: string
  package: string
  occurrence: string
  county: string
  /** Path parameter values for reads and updates, keyed by `{param}` after the route prefix. */
  targets: Record<string, string>
  /** Path parameter values for deletes: rows created for it, so that a delete that succeeds costs nothing. */
  victims: Record<string, string>
  /** Each page form's valid fields (route → pairs), read from the page that shows it (fuzz-core). */
  forms?: Record<string, Array<[string, string]>>
}

// ---------------------------------------------------------------------------------------------------
// Walking /docs/json

export function operationsOf (spec: { paths: Record<string, Record<string, OpenApiOperation>> }): Operation[] {
  const ops: Operation[] = []
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
      const params = (op.parameters ?? []).filter(p => p.in === 'path' || p.in === 'query')
        .map(p => ({ in: p.in as 'path' | 'query', name: p.name, schema: resolve(spec, p.schema ?? {}), required: p.required ?? p.in === 'path' }))
      let body: Operation['body']
      if (op.requestBody) {
        const types = Object.keys(op.requestBody.content)
        const json = op.requestBody.content['application/json']?.schema
        body = { types, schema: json ? resolveDeep(spec, json) : undefined, required: op.requestBody.required ?? false }
      }
      ops.push({ method: method.toUpperCase(), path, params, body })
    }
  }
  return ops
}

interface OpenApiOperation {
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: Schema }>
  requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> }
}

function resolve (spec: object, schema: Schema): Schema {
  if (!schema.$ref) return schema
  if (!schema.$ref.startsWith('#/')) return {}
  let node: unknown = spec
  for (const part of schema.$ref.slice(2).split('/')) node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')]
  return (node as Schema | undefined) ?? {}
}

/** The schema with every $ref replaced by what it points to (the request schemas are not recursive; depth-capped anyway). */
function resolveDeep (spec: object, schema: Schema, depth = 0): Schema {
  if (depth > 12) return {}
  const s = resolve(spec, schema)
  const out: Schema = { ...s }
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, resolveDeep(spec, v, depth + 1)]))
  if (s.items) out.items = resolveDeep(spec, s.items, depth + 1)
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (s[key]) out[key] = s[key]!.map(b => resolveDeep(spec, b, depth + 1))
  return out
}

// The HTML pages are hidden from /docs/json (`schema: { hide: true }` in src/routes/pages.ts: they are
// for people, not API clients), so the spec walk cannot find them; this list mirrors that file's
// routes and query strings. /arshjul.svg and /oppfolging.csv are documented and come from the spec.
const PageQuery = (names: string[]): Param[] => names.map(name => ({
  in: 'query' as const,
  name,
  // year and page are numbers in everything but their schema: the number mutations belong to them.
  schema: name === 'year' || name === 'page' ? { type: 'integer' } : { type: 'string', maxLength: 200 },
  required: false,
}))
export const PAGE_OPERATIONS: Operation[] = [
  { method: 'GET', path: '/', params: [], page: true },
  { method: 'GET', path: '/kommune', params: PageQuery(['municipality']), page: true },
  { method: 'GET', path: '/samarbeid', params: PageQuery(['q', 'page']), page: true },
  { method: 'GET', path: '/arshjul', params: PageQuery(['municipality', 'body', 'collaboration', 'year']), page: true },
  { method: 'GET', path: '/oppfolging', params: PageQuery(['municipality', 'body', 'collaboration', 'year']), page: true },
  { method: 'GET', path: '/assets/{file}', params: [{ in: 'path', name: 'file', schema: { type: 'string' }, required: true }], page: true },
  // The API documentation itself (@fastify/swagger-ui) hides its routes too: the spec and its static files.
  { method: 'GET', path: '/docs/json', params: [], page: true },
  { method: 'GET', path: '/docs/static/{file}', params: [{ in: 'path', name: 'file', schema: { type: 'string' }, required: true }], page: true },
  ...SESSION_PAGES(),
  ...KONTROLL_PAGES(),
]

// Issue 14's pages for signed-in people and their forms (src/routes/*-pages.ts, sign-in.ts, my-reminders.ts;
// `grep -n "app\.\(get\|post\)" src/routes/*.ts`). Path parameters take the schemas of the routes.
function SESSION_PAGES (): Operation[] {
  const p = (name: string, schema: Schema): Param => ({ in: 'path', name, schema, required: true })
  const id = (name = 'id') => p(name, { type: 'integer', minimum: 1, maximum: 2 ** 31 })
  const slug = (name: string) => p(name, { type: 'string', maxLength: 80, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' })
  const occurrence = p('id', { type: 'string', maxLength: 200 })
  const secret = p('secret', { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })
  const get = (path: string, params: Param[] = [], query: string[] = []): Operation => ({ method: 'GET', path, params: [...params, ...PageQuery(query)], page: true, session: true })
  const post = (path: string, params: Param[], form: PageForm): Operation => ({ method: 'POST', path, params, page: true, session: true, form })
  const today = '2027-01-10'
  return [
    get('/hendelse/{id}', [occurrence]),
    get('/moteplan/{body}', [slug('body')]),
    get('/samarbeid/{slug}/rediger', [slug('slug')]),
    get('/organ/{slug}/rediger', [slug('slug')]),
    get('/mine-varsler'),
    get('/mine-varsler/{id}', [id()]),
    get('/logg-inn', [], ['tilbake']),
    get('/logg-inn/lenke/{secret}', [secret]),
    get('/admin'),
    get('/admin/brukere'),
    get('/admin/tokens'),
    post('/hendelse/{id}/status', [occurrence], { from: '/hendelse/{id}', set: { status: 'delivered', dato: today, saksnummer: '2027/123', saksUrl: 'https://example.org/sak/2027-123' } }),
    post('/hendelse/{id}/notat', [occurrence], { from: '/hendelse/{id}', set: { notat: 'Fuzz-notat\nmed linjeskift' } }),
    post('/hendelse/{id}/flytt', [occurrence], { from: '/hendelse/{id}', set: { nyDato: '2027-03-01', nyTid: '' } }),
    post('/oppfolging/marker', [], { from: 'none', set: { municipality: 'oyer', id: '{occurrence}', merk: 'delivered', dato: today, saksnummer: '2027/124' } }),
    post('/moteplan/{body}/forhandsvis', [slug('body')], { from: '/moteplan/{body}', multipart: true, set: { fra: '', til: '' } }),
    post('/moteplan/{body}/behold', [slug('body')], { from: 'preview' }),
    post('/moteplan/{body}/ekstra-mote', [slug('body')], { from: '/moteplan/{body}', set: { dato: '2027-05-12', start: '18:00', slutt: '20:00', tittel: 'Fuzz-møte' } }),
    post('/moteplan/{body}/avlys', [slug('body')], { from: '/moteplan/{body}' }),
    post('/samarbeid/{slug}/rediger', [slug('slug')], { from: '/samarbeid/{slug}/rediger' }),
    post('/organ/{slug}/rediger', [slug('slug')], { from: '/organ/{slug}/rediger', set: { synlighet: 'public' } }),
    post('/organ/{slug}/ny-kalenderadresse', [slug('slug')], { from: '/organ/{slug}/rediger' }),
    post('/mine-varsler', [], { from: '/mine-varsler', set: { folg: 'kommune:oyer', ukeoversikt: 'ja', aktiv: 'ja' } }),
    post('/mine-varsler/{id}', [id()], { from: '/mine-varsler/{id}' }),
    post('/mine-varsler/{id}/slett', [id()], { from: '/mine-varsler' }),
    post('/logg-ut', [], { from: '/mine-varsler', endsSession: true }),
    post('/logg-inn/e-post', [], { from: 'none', anonymous: true, set: { email: 'fuzz-ukjent@example.org', tilbake: '/mine-varsler' } }),
    post('/logg-inn/lenke/{secret}', [secret], { from: 'none', anonymous: true, usesLink: true, endsSession: true, set: { tilbake: '/mine-varsler' } }),
    post('/admin/brukere', [], { from: '/admin/brukere', set: { email: 'fuzz-ny@example.org', name: 'Fuzz Ny', rolle: 'editor:oyer' } }),
    post('/admin/brukere/{id}/roller', [id()], { from: '/admin/brukere' }),
    post('/admin/brukere/{id}/roller/{roleId}/fjern', [id(), id('roleId')], { from: '/admin/brukere' }),
    post('/admin/brukere/{id}/aktiv', [id()], { from: '/admin/brukere' }),
    post('/admin/brukere/{id}/lenke', [id()], { from: '/admin/brukere' }),
    post('/admin/tokens', [], { from: '/admin/tokens', set: { label: 'Fuzz-nøkkel', rolle: 'editor:oyer' } }),
    post('/admin/tokens/{id}/tilbakekall', [id()], { from: '/admin/tokens' }),
  ]
}

// Issue 15's kontrollutvalg workspace (src/routes/kontroll-pages/*.ts; `grep -n "app\.\(get\|post\)"
// src/routes/kontroll-pages/*.ts`): every page and form, with the routes' parameter schemas. The targets
// (Øyer's kontrollutvalg, the demo's plans and projects) come from fuzz-core's discoverPages.
function KONTROLL_PAGES (): Operation[] {
  const p = (name: string, schema: Schema): Param => ({ in: 'path', name, schema, required: true })
  const id = (name: string, maximum = 2_147_483_647) => p(name, { type: 'integer', minimum: 1, maximum })
  const line = (name: string, maxLength: number) => p(name, { type: 'string', maxLength })
  const q = (name: string, schema: Schema = { type: 'string', maxLength: 200 }): Param => ({ in: 'query', name, schema, required: false })
  const valgperiode = q('valgperiode', { type: 'integer', minimum: 1900, maximum: 2200 })
  const get = (path: string, params: Param[] = []): Operation => ({ method: 'GET', path, params, page: true, session: true })
  const post = (path: string, params: Param[], form: PageForm): Operation => ({ method: 'POST', path, params, page: true, session: true, form })
  const organ = line('organ', 200)
  const plan = id('id')
  const planId = id('planId')
  const project = id('projectId')
  const today = '2027-01-10'
  return [
    get('/kontroll', [valgperiode]),
    get('/kontroll/dekning', [valgperiode]),
    get('/kontroll/{organ}/dekning', [organ, valgperiode]),
    get('/kontroll/{organ}/analyse', [organ, valgperiode]),
    get('/kontroll/{organ}/analyse/vurder', [organ, valgperiode, q('selskap'), q('tjenesteomrade')]),
    get('/kontroll/{organ}/planlegg', [organ, valgperiode]),
    get('/kontroll/plan/{id}', [plan]),
    get('/kontroll/plan/{id}/versjon/{n}', [plan, id('n', 10_000)]),
    get('/kontroll/plan/{id}/utskrift', [plan, q('versjon', { type: 'integer', minimum: 1, maximum: 10_000 })]),
    get('/kontroll/plan/{id}/gjennomgang', [plan, q('dato', { type: 'string', format: 'date' })]),
    get('/kontroll/plan/{planId}/prosjekt/ny', [planId, q('emne')]),
    get('/kontroll/plan/{planId}/prosjekt/{projectId}', [planId, project]),
    // A new service area's assessment (the form without ?selskap or ?tjenesteomrade); each accepted one adds a row.
    post('/kontroll/{organ}/analyse/vurder', [organ], { from: '/kontroll/{organ}/analyse/vurder', set: { tjenesteomrade: 'Fuzz-område', risiko: '3', vesentlighet: '4', begrunnelse: 'Fuzz-begrunnelse\nmed linjeskift', dato: today } }),
    // The baselines go out in this order. The run starts with the demo's plan revised (a draft, fuzz-core):
    // the kontrollutvalg adopts the draft, the adopted plan is revised again, and into that draft «planlegg» and
    // a new project add theirs (an adopted version's project list changes only in a revision: 409).
    post('/kontroll/plan/{id}/vedtak', [plan], { from: '/kontroll/plan/{id}', set: { organ: 'ku', dato: today, saksnummer: '2027/11' } }),
    post('/kontroll/plan/{id}/revider', [plan], { from: '/kontroll/plan/{id}', set: { grunn: 'Fuzz-revisjon', tittel: null } }),
    post('/kontroll/{organ}/planlegg', [organ], { from: '/kontroll/{organ}/planlegg', set: { ta_med: '{planlegg-rad}' } }),
    post('/kontroll/plan/{planId}/prosjekt/ny', [planId], { from: '/kontroll/plan/{planId}/prosjekt/ny', set: { tittel: 'Fuzz-prosjekt fra siden', emne: '{emne}', planlagtAr: '2027', kvartal: '2' } }),
    // The buttons «Flytt opp/ned» (an adopted plan shows none: its changes go into a revision; the API still allows).
    post('/kontroll/plan/{id}/rekkefolge', [plan], { from: 'none', set: { prosjekt: '{prosjekt}', retning: 'ned' } }),
    post('/kontroll/plan/{planId}/prosjekt/{projectId}/endre', [planId, project], { from: '/kontroll/plan/{planId}/prosjekt/{projectId}' }),
    post('/kontroll/plan/{planId}/prosjekt/{projectId}/steg/{step}', [planId, project, line('step', 40)], { from: '/kontroll/plan/{planId}/prosjekt/{projectId}', set: { utfort: today, saksnummer: '2027/12' } }),
    post('/kontroll/plan/{planId}/prosjekt/{projectId}/avlys', [planId, project], { from: '/kontroll/plan/{planId}/prosjekt/{projectId}', set: { begrunnelse: 'Fuzz: avlyst' } }),
    post('/kontroll/plan/{planId}/prosjekt/{projectId}/gjenopprett', [planId, project], { from: 'none' }),
  ]
}

/**
 * The fields of the form whose action is `action` in a rendered page, as a browser would send them
 * unchanged: inputs (checkboxes and radios when checked; a radio group none of whose buttons is
 * checked sends nothing), a select's selected (else first) option, a textarea's text. Buttons are
 * left out (PageForm.set names the one pressed). Undefined when the page has no such form.
 */
export function formFieldsOf (html: string, action: string): Array<[string, string]> | undefined {
  const unescape = (v: string) => v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
  const attrs = (tag: string) => Object.fromEntries([...tag.matchAll(/([a-zA-Z_:-]+)(?:="([^"]*)")?/g)].map(m => [m[1]!.toLowerCase(), unescape(m[2] ?? '')]))
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const a = attrs(m[1]!)
    if ((a.method ?? 'get').toLowerCase() !== 'post' || a.action?.split('?')[0] !== action) continue
    const out: Array<[string, string]> = []
    for (const f of m[2]!.matchAll(/<(input|select|textarea)\b([^>]*)>(?:([\s\S]*?)<\/\1>)?/g)) {
      const kind = f[1]!
      const fa = attrs(f[2]!)
      if (!fa.name || 'disabled' in fa) continue
      if (kind === 'input') {
        const type = (fa.type ?? 'text').toLowerCase()
        if (['submit', 'button', 'reset', 'image', 'file'].includes(type)) continue
        if ((type === 'checkbox' || type === 'radio') && !('checked' in fa)) continue
        out.push([fa.name, fa.value ?? (type === 'checkbox' ? 'on' : '')])
      } else if (kind === 'select') {
        const options = [...(f[3] ?? '').matchAll(/<option\b([^>]*)>([^<]*)/g)].map(o => ({ a: attrs(o[1]!), text: unescape(o[2]!.trim()) }))
        const chosen = options.find(o => 'selected' in o.a) ?? options[0]
        if (chosen) out.push([fa.name, chosen.a.value ?? chosen.text])
      } else {
        out.push([fa.name, unescape(f[3] ?? '')])
      }
    }
    return out
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------------
// Valid values

const DATE_FORMATS = new Set(['date', 'date-time', 'local-date-time', 'date-or-local-date-time'])
const isDateLike = (name: string, s: Schema) =>
  (s.format !== undefined && DATE_FORMATS.has(s.format)) || /^(from|to|asOf|since|modified_since|start|dtstart|movedTo)$|On$|Due$/.test(name)
const typeOf = (s: Schema): string | undefined => {
  if (s.enum || s.const !== undefined) return 'enum'
  const t = Array.isArray(s.type) ? s.type.find(x => x !== 'null') : s.type
  if (t) return t
  if (s.properties) return 'object'
  if (s.items) return 'array'
  const branch = s.anyOf ?? s.oneOf
  if (branch?.every(b => b.enum || b.const !== undefined)) return 'enum'
  return undefined
}
const enumValues = (s: Schema): unknown[] =>
  s.enum ?? (s.const !== undefined ? [s.const] : (s.anyOf ?? s.oneOf ?? []).flatMap(enumValues))

/** A valid value for a field, from the seed's real data where the name says what it refers to. */
export function exampleFor (name: string, schema: Schema, data: SeedData): unknown {
  const s = schema.allOf ? Object.assign({}, ...schema.allOf) as Schema : schema
  const type = typeOf(s)
  if (type === 'enum') return enumValues(s)[0]
  if (type === 'array') {
    if (name === 'bodies') return [data.kontrollutvalg]
    if (name === 'municipalities') return [data.municipalities[1] ?? data.municipality]
    if (name === 'eventTypes') return [data.eventType]
    return [exampleFor(singular(name), s.items ?? {}, data)]
  }
  if (type === 'object') return minimalObject(s, data)
  if (type === 'boolean') return name === 'dryRun'
  if (type === 'integer' || type === 'number') {
    const known: Record<string, number> = { electionYear: 2023, valgperiode: 2023, plannedYear: 2027, year: 2027, limit: 5, offset: 0, days: 30, durationMinutes: 60, risk: 3, materiality: 3, page: 1 }
    const v = known[name] ?? s.minimum ?? 1
    return Math.min(Math.max(v, s.minimum ?? -Infinity), s.maximum ?? Infinity)
  }
  // Strings.
  if (isDateLike(name, s)) {
    if (name === 'dtstart') return 'DTSTART;VALUE=DATE:20270630'
    if (s.format === 'date-time' || /since/i.test(name)) return '2026-06-01T00:00:00Z'
    if (s.format === 'local-date-time' || name === 'start') return '2027-03-04T18:00'
    // The run's clock is 2027-01-15: windows around it, and recorded dates (adopted on, delivered on) in the past.
    if (name === 'to') return '2027-12-31'
    if (name === 'asOf') return '2027-01-15'
    if (name === 'movedTo') return '2027-03-01'
    return '2026-11-02'
  }
  const known: Record<string, string> = {
    municipality: data.municipality,
    hostMunicipality: data.municipality,
    collaboration: data.collaboration,
    parent: data.collaboration,
    body: data.body,
    responsibleBody: data.body,
    treatedByBody: data.body,
    eventType: data.eventType,
    types: data.eventType,
    package: data.package,
    occurrence: data.occurrence,
    county: data.county,
    slug: 'fuzz-ny',
    email: 'fuzz@example.org',
    webhookUrl: 'https://example.org/fuzz',
    caseUrl: 'https://example.org/sak/1',
    webhookSecret: 'fuzz-secret-0123456789',
    rrule: 'FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30',
    organisasjonsnummer: '964950768',
    encoding: 'utf-8',
    q: 'øyer',
    entityType: 'rule',
    entityId: '1',
    serviceArea: 'Barnevern',
    status: 'active',
    year: '2027',
    page: '1',
  }
  if (known[name] !== undefined) return known[name]
  if (s.pattern === '^https?://') return 'https://example.org/fuzz'
  if (s.pattern && /^\^\[a-z0-9/.test(s.pattern)) return 'fuzz'
  if (s.pattern === '^\\d{9}$') return '964950768'
  return 'Fuzz'.padEnd(s.minLength ?? 1, 'z')
}

const singular = (name: string) => name.replace(/ies$/, 'y').replace(/s$/, '')

/** Required fields only (the smallest valid body). */
function minimalObject (s: Schema, data: SeedData): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const name of s.required ?? []) out[name] = exampleFor(name, s.properties?.[name] ?? {}, data)
  return out
}

/** Every field of an object schema, each with a valid value (may break rules that exclude each other). */
export function fullObject (s: Schema, data: SeedData): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, p] of Object.entries(s.properties ?? {})) out[name] = exampleFor(name, p, data)
  return out
}

// Bodies a schema alone cannot make valid: one subject out of several, a rule's schedule, a project's
// subjects. Keyed by "METHOD /path"; the schema's minimal body is used for every other operation.
export function knownBodies (data: SeedData): Record<string, unknown> {
  return {
    'POST /api/v1/bodies': { slug: 'fuzz-nytt-organ', name: 'Fuzz-organ', kind: 'formannskap', municipality: data.municipality },
    'POST /api/v1/collaborations': { slug: 'fuzz-nytt-samarbeid', name: 'Fuzz-samarbeid', legalForm: 'iks', area: 'Renovasjon', participants: [{ municipality: data.municipality, role: 'eier', ownershipShare: 50 }] },
    'POST /api/v1/rules': { eventType: data.eventType, municipality: data.municipality, dtstart: 'DTSTART;VALUE=DATE:20270630', rrule: 'FREQ=YEARLY', title: 'Fuzz-regel' },
    'PATCH /api/v1/rules/{id}': { title: 'Fuzz-tittel', note: 'Merknad\nmed linjeskift' },
    'PATCH /api/v1/occurrences/{id}': { status: 'in_progress', caseNumber: '27/123', note: 'Fuzz' },
    'POST /api/v1/kontroll/plans': { type: 'forvaltningsrevisjon', electionYear: 2019, title: 'Fuzz-plan', bodies: [data.kontrollutvalg], kuAdoptedOn: '2024-03-01' },
    'POST /api/v1/kontroll/plans/{id}/projects': { title: 'Fuzz-prosjekt', plannedYear: 2027, subjects: [{ municipality: data.municipality, serviceArea: 'Barnevern' }], status: 'planned' },
    'POST /api/v1/kontroll/assessments': { electionYear: 2023, municipality: data.municipality, serviceArea: 'Skole', risk: 3, materiality: 4 },
    'POST /api/v1/subscriptions': { name: 'Fuzz-abonnement', email: 'fuzz@example.org', municipality: data.municipality },
    'PUT /api/v1/bodies/{ref}/moteplan': { meetings: [{ start: '2027-03-04T18:00', durationMinutes: 120 }, { start: '2027-06-10T18:00' }] },
    'POST /api/v1/packages/apply': { package: data.package, municipality: data.municipality },
    // Onboarding a whole country or county is a national import (~30 s); the fuzz onboards names, as a dry run.
    'POST /api/v1/municipalities/onboard': { municipalities: ['Gausdal'], dryRun: true },
  }
}

// ---------------------------------------------------------------------------------------------------
// Mutation values

const long = (n: number, unit = 'a') => unit.repeat(Math.ceil(n / unit.length)).slice(0, n)

/** Percent-encodes like encodeURIComponent, but writes a lone surrogate as the (invalid) UTF-8 of its code unit instead of throwing. */
export function encode (value: Val): string {
  if (value instanceof Encoded) return value.text
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length && value.charCodeAt(i + 1) >= 0xdc00 && value.charCodeAt(i + 1) <= 0xdfff) {
      out += encodeURIComponent(value.slice(i, i + 2))
      i++
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += `%${(0xe0 | (c >> 12)).toString(16).toUpperCase()}%${(0x80 | ((c >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (c & 0x3f)).toString(16).toUpperCase()}`
    } else {
      out += encodeURIComponent(value[i]!)
    }
  }
  return out
}

// None of these contains what the leak check looks for (stack frames, SQL keywords, file paths): a
// reply that echoes the input must not look like a leak.
const CONTROL_STRINGS: Array<[string, string]> = [
  ['NUL', 'Fuzz\u0000navn'],
  ['BEL', 'Fuzz\u0007'],
  ['RLO', '\u202Eevil.exe'],
  ['lone high surrogate', 'a\uD800b'],
  ['lone low surrogate', '\uDC00'],
  ['CRLF header injection', 'x\r\nX-Injected: 1'],
  ['zero-width and BOM', '\uFEFF\u200BFuzz'],
  ['decomposed (NFD)', 'O\u0308yer'],
]
const TEXT_STRINGS: Array<[string, string]> = [
  ['empty', ''],
  ['spaces', '   '],
  ['sql quote', "' or 1=1 --"],
  ['html', '<script>alert(1)</script>'],
  ['template syntax', '{{7*7}}$' + '{7*7}<%= it %>'],
  ['path traversal', '../../../etc/passwd'],
  ['formula', '=HYPERLINK("http://example.org","x")'],
  ['emoji', '👍🏽🇳🇴'],
]
const DATE_STRINGS: Array<[string, string]> = [
  ['impossible date', '2027-02-30'],
  ['zero date', '0000-00-00'],
  ['month 13', '2027-13-01'],
  ['year 9999', '9999-12-31'],
  ['not a leap year', '2027-02-29'],
  ['year 1899', '1899-12-31'],
  ['year 2201', '2201-01-01'],
  ['short date', '2027-1-1'],
  ['hour 25', '2027-06-15T25:00'],
  ['local time', '2027-06-15T10:00'],
  ['instant with offset +25', '2027-06-15T10:00:00+25:00'],
  ['DST gap', '2027-03-28T02:30'],
  ['expanded year', '+002027-06-15'],
  ['negative year', '-2027-01-01'],
  ['leap second', '2027-06-30T23:59:60Z'],
  // The accepting side of the limits (STYLE.md trap 11): the first and last supported days.
  ['earliest supported day', '1900-01-01'],
  ['latest supported day', '2200-12-31'],
]
// A rule's schedule (RFC 5545 § 3.3.10 and § 3.8.2.4): rules that never occur, occur too often or overflow.
const RRULE_STRINGS: Array<[string, string]> = [
  ['30 February every year', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30'],
  ['every second', 'FREQ=SECONDLY'],
  ['a million occurrences', 'FREQ=DAILY;COUNT=1000000'],
  ['COUNT 1e21', 'FREQ=DAILY;COUNT=1000000000000000000000'],
  ['INTERVAL 0', 'FREQ=WEEKLY;INTERVAL=0'],
  ['UNTIL 9999', 'FREQ=DAILY;UNTIL=99991231T000000Z'],
  ['UNTIL impossible', 'FREQ=DAILY;UNTIL=20270230'],
  ['BYSETPOS 400', 'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=400'],
  ['BYWEEKNO 54', 'FREQ=YEARLY;BYWEEKNO=54'],
  ['RRULE: prefix twice', 'RRULE:RRULE:FREQ=YEARLY'],
  ['unknown part', 'FREQ=YEARLY;X-FUZZ=1'],
]
const DTSTART_STRINGS: Array<[string, string]> = [
  ['impossible all-day date', 'DTSTART;VALUE=DATE:20270230'],
  ['year 9999', 'DTSTART;VALUE=DATE:99991231'],
  ['year 0000', 'DTSTART;VALUE=DATE:00000101'],
  ['unknown zone', 'DTSTART;TZID=Mars/Olympus:20270114T180000'],
  ['UTC instant', 'DTSTART:20270114T180000Z'],
  ['DST gap', 'DTSTART;TZID=Europe/Oslo:20270328T023000'],
  ['DST ambiguous', 'DTSTART;TZID=Europe/Oslo:20271031T023000'],
  ['hour 25', 'DTSTART;TZID=Europe/Oslo:20270114T250000'],
  ['no value', 'DTSTART:'],
]
const NUMBER_JSON: Array<[string, unknown]> = [
  ['1e21', 1e21],
  ['2^63', new RawJson('9223372036854775808')],
  ['-1', -1],
  ['Infinity', new RawJson('Infinity')],
  ['NaN', new RawJson('NaN')],
  ['1.5', 1.5],
  ['0', 0],
  ['-2^63', new RawJson('-9223372036854775809')],
  ['1e308*10', new RawJson('1e309')],
  ['2^53+1', new RawJson('9007199254740993')],
  ['-0', new RawJson('-0')],
]
const NUMBER_STRINGS: Array<[string, string]> = [
  ['1e21', '1e21'],
  ['2^63', '9223372036854775808'],
  ['-1', '-1'],
  ['Infinity', 'Infinity'],
  ['NaN', 'NaN'],
  ['1.5', '1.5'],
  ['0', '0'],
  ['hex', '0x10'],
  ['padded', ' 1 '],
  ['arabic digits', '١٢'],
  ['1e308*10', '1e309'],
]

type Where = 'query' | 'path' | 'body'

/** The values sent to one field: [label, value], in order of interest (the prefix of a short run matters most). */
export function valuesFor (name: string, schema: Schema, where: Where): Array<[string, unknown]> {
  const type = typeOf(schema)
  const inUrl = where !== 'body'
  const out: Array<[string, unknown]> = []
  const str = (pairs: Array<[string, string]>) => pairs.forEach(([l, v]) => out.push([l, v]))
  if (type === 'integer' || type === 'number' || (inUrl && /^(limit|offset|year|page|valgperiode)$/.test(name))) {
    if (inUrl) str(NUMBER_STRINGS)
    else { out.push(...NUMBER_JSON); str([['numeric string', '12'], ['1e21 string', '1e21']]) }
    if (schema.minimum !== undefined) out.push([`minimum-1 (${schema.minimum - 1})`, inUrl ? String(schema.minimum - 1) : schema.minimum - 1])
    if (schema.maximum !== undefined) out.push([`maximum+1 (${schema.maximum + 1})`, inUrl ? String(schema.maximum + 1) : schema.maximum + 1])
    if (schema.maximum !== undefined) out.push([`maximum (${schema.maximum})`, inUrl ? String(schema.maximum) : schema.maximum])
  }
  if (name === 'rrule') str(RRULE_STRINGS)
  if (name === 'dtstart') str(DTSTART_STRINGS)
  else if (isDateLike(name, schema)) str(DATE_STRINGS)
  if (type === 'enum') {
    const first = String(enumValues(schema)[0] ?? 'x')
    str([['unknown enum value', 'fuzz-unknown'], ['upper-case enum', first.toUpperCase()], ['enum with space', `${first} `]])
  }
  if (type === 'boolean') str([['yes', 'yes'], ['2', '2'], ['TRUE', 'TRUE']])
  if (type === 'array' && !inUrl) {
    out.push(['empty array', []], ['array of null', [null]], ['nested array', [[['x']]]], ['huge array (100k)', new Array(100_000).fill(1)])
  }
  if (type === 'object' && !inUrl) out.push(['unknown field in object', { zzFuzzUnknown: 1 }], ['empty object', {}])
  str(CONTROL_STRINGS)
  out.push(['long string (10k)', long(10_000)])
  if (!inUrl) out.push(['long string (100k, non-ASCII)', long(100_000, 'æøå')])
  if (schema.maxLength !== undefined && schema.maxLength < 10_000) {
    out.push([`maxLength+1 (${schema.maxLength + 1})`, long(schema.maxLength + 1, 'ø')])
    out.push([`maxLength (${schema.maxLength})`, long(schema.maxLength, 'a')])
  }
  str(TEXT_STRINGS)
  if (inUrl) {
    out.push(['malformed escape', new Encoded('%ZZ')], ['invalid UTF-8', new Encoded('%FF%FE')], ['encoded NUL', new Encoded('a%00b')], ['lone %', new Encoded('%')])
    str([['comma list', 'a,b,,c'], ['long comma list', long(8_000, 'ab,')], ['true', 'true'], ['null', 'null'], ['brackets', '[]']])
  } else {
    out.push(['null', null], ['true', true], ['number', 123], ['object', { a: 1 }], ['array', ['x']], ['string', 'abc'])
  }
  return out
}

// ---------------------------------------------------------------------------------------------------
// Mutations of one operation

type PathPart = string | number

function setAt (root: Record<string, unknown>, path: PathPart[], schemas: Schema[], value: unknown, data: SeedData): void {
  let node: unknown = root
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!
    const container = node as Record<PathPart, unknown>
    if (container[key] === undefined || container[key] === null || typeof container[key] !== 'object') {
      const s = schemas[i + 1]!
      container[key] = typeOf(s) === 'array' ? [] : minimalObject(s, data)
    }
    node = container[key]
  }
  const last = path[path.length - 1]!
  const container = node as Record<PathPart, unknown>
  if (value === REMOVE) delete container[last]
  else container[last] = value
}
const REMOVE = Symbol('remove')

const clone = <T>(v: T): T => v === undefined ? v : structuredCloneWithRaw(v)
function structuredCloneWithRaw<T> (v: T): T {
  if (v instanceof RawJson || v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return v.map(structuredCloneWithRaw) as T
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, structuredCloneWithRaw(x)])) as T
}

/** Every field of a body schema, depth first: its path (array items at index 0) and the schemas along it. */
function fieldsOf (schema: Schema, path: PathPart[] = [], chain: Schema[] = [schema], depth = 0): Array<{ path: PathPart[]; chain: Schema[]; name: string; required: boolean }> {
  if (depth > 6) return []
  const out: Array<{ path: PathPart[]; chain: Schema[]; name: string; required: boolean }> = []
  const s = schema
  const props = { ...s.properties, ...Object.assign({}, ...(s.anyOf ?? s.oneOf ?? []).map(b => b.properties ?? {})) } as Record<string, Schema>
  for (const [name, p] of Object.entries(props)) {
    const here = [...path, name]
    const hereChain = [...chain, p]
    out.push({ path: here, chain: hereChain, name, required: (s.required ?? []).includes(name) })
    if (typeOf(p) === 'object') out.push(...fieldsOf(p, here, hereChain, depth + 1))
    if (typeOf(p) === 'array' && p.items) {
      const itemPath = [...here, 0]
      const itemChain = [...hereChain, p.items]
      out.push({ path: itemPath, chain: itemChain, name: `${singular(name)}`, required: false })
      if (typeOf(p.items) === 'object') out.push(...fieldsOf(p.items, itemPath, itemChain, depth + 1))
    }
  }
  return out
}

const show = (v: unknown): string => {
  if (v instanceof RawJson) return v.text
  if (v instanceof Encoded) return v.text
  const s = typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) && v.length > 20 ? `[${v.length} items]` : JSON.stringify(v)
  return s.length > 60 ? `${s.slice(0, 57)}…` : s
}
const pathLabel = (path: PathPart[]) => path.map(p => typeof p === 'number' ? `[${p}]` : `.${p}`).join('')

/** A group of mutations aimed at one target (a parameter, a body field, the request as a whole), in order of interest. */
export interface MutationGroup { target: string; mutations: Mutation[] }

export interface OperationPlan {
  op: Operation
  /** The route as the report names it: `PATCH /api/v1/rules/{id}`. */
  route: string
  /** Whether the request writes (needs credentials; its rejection must leave every row unchanged). */
  write: boolean
  baselines: RequestState[]
  groups: MutationGroup[]
}

const JSON_WHOLE_BODY: Array<[string, string | Uint8Array, string | null]> = [
  ['malformed JSON {', '{', 'application/json'],
  ['malformed JSON, single quotes', "{'a':1}", 'application/json'],
  ['malformed JSON, trailing comma', '{"a":1,}', 'application/json'],
  ['JSON Infinity', '{"x":Infinity}', 'application/json'],
  ['empty body with JSON type', '', 'application/json'],
  ['JSON null', 'null', 'application/json'],
  ['JSON array', '[]', 'application/json'],
  ['JSON string', '"abc"', 'application/json'],
  ['JSON number', '1e21', 'application/json'],
  ['__proto__ pollution', '{"__proto__":{"polluted":true}}', 'application/json'],
  ['constructor.prototype pollution', '{"constructor":{"prototype":{"polluted":true}}}', 'application/json'],
  ['deep nesting (5000)', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'application/json'],
  ['deep object nesting (2000)', `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`, 'application/json'],
  ['body over 1 MiB', `{"x":"${long(1_100_000)}"}`, 'application/json'],
  ['BOM before JSON', '\uFEFF{}', 'application/json'],
  ['NUL byte body', '\u0000', 'application/json'],
  ['invalid UTF-8 in JSON', new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json'],
  ['JSON as text/plain', '{}', 'text/plain'],
  ['JSON as XML', '<a/>', 'application/xml'],
  ['form-urlencoded', 'a=1&b=2', 'application/x-www-form-urlencoded'],
  ['multipart', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n', 'multipart/form-data; boundary=x'],
  ['JSON with charset utf-16', '{}', 'application/json; charset=utf-16'],
  ['JSON with bogus charset', '{}', 'application/json; charset=fuzz'],
  ['no content type', new Uint8Array([0x7b, 0x7d]), null],
  ['garbage content type', '{}', ';;;=='],
]

const FILE_BODIES: Array<[string, string | Uint8Array, string | null]> = [
  ['empty file', '', 'text/csv'],
  ['binary garbage', new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), 'application/octet-stream'],
  ['NUL bytes', 'a\u0000b\tc\n\u0000\u0000', 'text/plain'],
  ['UTF-16 without BOM', new Uint8Array([0x61, 0x00, 0x3b, 0x00, 0x62, 0x00]), 'text/csv; charset=utf-16le'],
  ['unknown charset', 'a;b\n', 'text/csv; charset=fuzz-8'],
  ['one huge line', long(900_000, 'x;'), 'text/csv'],
  ['many columns', `${long(50_000, 'a\t')}\n`, 'text/tab-separated-values'],
  ['quote never closed', '"abc;def\n1;2\n', 'text/csv'],
  ['formula cells', '=HYPERLINK("x");+cmd|x;@SUM(1)\n', 'text/csv'],
  ['iCal with impossible dates', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20270230T180000\r\nDTEND:99991231T000000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', 'text/calendar'],
  ['iCal never ends', `BEGIN:VCALENDAR\r\n${'BEGIN:VEVENT\r\n'.repeat(2000)}`, 'text/calendar'],
  ['iCal with RRULE COUNT huge', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20270101T180000\r\nRRULE:FREQ=SECONDLY;COUNT=99999999\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', 'text/calendar'],
  ['body over 1 MiB', long(1_100_000), 'text/csv'],
  ['a valid CSV møteplan', 'sep=;\nDato;Tid;Slutt;Utvalg;Sted\n11.02.2027;18:00;21:00;Kommunestyret;Rådhuset\n', 'text/csv'],
  ['CSV møteplan with impossible dates', 'Dato;Tid;Varighet\n30.02.2027;25:61;-5\n00.00.0000;18:00;1e21\n31.12.9999;18:00;Infinity\n', 'text/csv'],
  ['CSV møteplan in Windows-1252', new Uint8Array([...Buffer.from('Dato;Tid;Sted\n11.02.2027;18:00;R'), 0xe5, ...Buffer.from('dhuset\n')]), 'text/csv; charset=windows-1252'],
  ['a valid iCal møteplan', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//EN\r\nBEGIN:VEVENT\r\nUID:fuzz-1\r\nDTSTART;TZID=Europe/Oslo:20270211T180000\r\nDTEND;TZID=Europe/Oslo:20270211T210000\r\nSUMMARY:Kommunestyret\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', 'text/calendar'],
  ['iCal with unknown zone and UNTIL 9999', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=Mars/Olympus:20270211T180000\r\nRRULE:FREQ=DAILY;UNTIL=99991231T000000Z\r\nEXDATE:20270230T180000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', 'text/calendar'],
  ['iCal with RECURRENCE-ID of a missing series', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:y\r\nRECURRENCE-ID:20270211T180000Z\r\nDTSTART:20270212T180000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', 'text/calendar'],
]

/** A register file (the export) with one cell replaced: what an editor's spreadsheet could hold. */
function registerVariants (file: string): Array<[string, string]> {
  const lines = file.split('\n')
  const row = lines.findIndex((l, i) => i > 0 && l.includes('\t'))
  if (row < 0) return []
  const withCell = (value: string) => lines.map((l, i) => {
    if (i !== row) return l
    const cells = l.split('\t')
    cells[Math.min(1, cells.length - 1)] = value
    return cells.join('\t')
  }).join('\n')
  return [
    ['register cell with NUL and RLO', withCell('Fuzz\u0000\u202Enavn')],
    ['register cell of 100k characters', withCell(long(100_000, 'æ'))],
    ['register cell with a formula', withCell('=HYPERLINK("http://example.org","x")')],
    ['register cell with an impossible date', withCell('30.02.2027')],
    ['register cell with an unclosed quote', withCell('"Fuzz')],
    ['register cut in the middle of a row', lines.slice(0, row).join('\n') + '\n' + lines[row]!.slice(0, Math.floor(lines[row]!.length / 2))],
    ['register with the header only', lines[0] ?? ''],
  ]
}

/**
 * The plan for one operation: its baselines (a minimal valid request, and a richer one) and, for
 * every parameter and body field, the mutations; plus the request-wide ones (body syntax, content types).
 */
export function planFor (op: Operation, data: SeedData, fileBody?: { data: string; type: string }): OperationPlan {
  if (op.form) return planForForm(op, op.form, data)
  const route = `${op.method} ${op.path}`
  const write = op.method !== 'GET'
  const bodies = knownBodies(data)
  const pathValues: Record<string, Val> = {}
  for (const p of op.params.filter(p => p.in === 'path')) {
    // The route's own entry (`/api/v1/kontroll/plans/{id}/projects/{projectId}#id`), else the prefix's (`/api/v1/kontroll/plans/{id}`).
    const keys = [`${op.path}#${p.name}`, `${op.path.replace(/\{[^}]+\}.*$/, '')}{${p.name}}`]
    const pick = (map: Record<string, string>) => keys.map(k => map[k]).find(v => v !== undefined)
    pathValues[p.name] = (op.method === 'DELETE' ? pick(data.victims) : undefined) ?? pick(data.targets) ?? String(exampleFor(p.name, p.schema, data))
  }
  const queryParams = op.params.filter(p => p.in === 'query')
  const minimalQuery: Array<[string, Val]> = queryParams.filter(p => p.required).map(p => [p.name, String(exampleFor(p.name, p.schema, data))])
  // The richer baseline: one subject (municipality first), a date window and a small page, so mutations reach the engine.
  const richQuery: Array<[string, Val]> = [...minimalQuery]
  const subject = ['municipality', 'body', 'collaboration'].find(n => queryParams.some(p => p.name === n))
  for (const p of queryParams) {
    if (p.required) continue
    if (p.name === subject || ['from', 'to', 'limit', 'year', 'asOf', 'dryRun', 'valgperiode', 'format'].includes(p.name)) richQuery.push([p.name, String(exampleFor(p.name, p.schema, data))])
  }

  const jsonSchema = op.body?.schema
  const known = bodies[route]
  let minimalJson: unknown = jsonSchema ? (known ?? minimalObject(jsonSchema, data)) : undefined
  let richJson: unknown = jsonSchema ? (known ?? fullObject(jsonSchema, data)) : undefined
  if (jsonSchema && !known && op.method === 'PATCH') {
    // An update: one field (an empty one is refused), or every field but the slug (a rename would lose the target).
    const { slug: _slug, ...rest } = fullObject(jsonSchema, data)
    const first = Object.keys(rest)[0]
    minimalJson = first === undefined ? {} : { [first]: rest[first] }
    richJson = rest
  }
  const fileOnly = op.body && !jsonSchema
  const base = (query: Array<[string, Val]>, json: unknown): RequestState => ({
    path: { ...pathValues },
    query: query.map(([k, v]) => [k, v]),
    json: clone(json),
    ...(fileOnly && fileBody ? { raw: fileBody.data, contentType: fileBody.type } : {}),
    headers: {},
  })
  const baselines = [base(minimalQuery, minimalJson), base(richQuery, richJson)]

  const groups: MutationGroup[] = []
  for (const p of op.params) {
    const mutations: Mutation[] = valuesFor(p.name, p.schema, p.in).map(([label, value]) => ({
      label: `${p.in}.${p.name} = ${show(value)} (${label})`,
      core: CORE.has(label),
      apply: (s: RequestState) => {
        const v = value instanceof Encoded ? value : String(value)
        if (p.in === 'path') s.path[p.name] = v
        else s.query = [...s.query.filter(([k]) => k !== p.name), [p.name, v]]
      },
    }))
    if (p.in === 'query') {
      const valid = String(exampleFor(p.name, p.schema, data))
      mutations.push({ label: `query.${p.name} given twice`, apply: s => { s.query = [...s.query.filter(([k]) => k !== p.name), [p.name, valid], [p.name, valid]] } })
      mutations.push({ label: `query.${p.name}[] (bracket syntax)`, apply: s => { s.query.push([`${p.name}[]`, valid]) } })
      if (p.required) mutations.push({ label: `query.${p.name} missing`, apply: s => { s.query = s.query.filter(([k]) => k !== p.name) } })
    }
    groups.push({ target: `${p.in}.${p.name}`, mutations })
  }
  if (jsonSchema) {
    for (const f of fieldsOf(jsonSchema)) {
      // A PATCH that renames its target with a valid slug would make every later request miss it.
      const keepsTarget = (v: unknown) => !(op.method === 'PATCH' && f.name === 'slug' && typeof v === 'string' && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(v))
      const mutations: Mutation[] = valuesFor(f.name, f.chain[f.chain.length - 1]!, 'body').filter(([, v]) => keepsTarget(v)).map(([label, value]) => ({
        label: `body${pathLabel(f.path)} = ${show(value)} (${label})`,
        core: CORE.has(label),
        // Bidirectional controls are allowed in multi-line text (formats.ts: prose quoting Arabic or Hebrew).
        control: CONTROL.has(label) && !(label === 'RLO' && f.chain[f.chain.length - 1]!.format === 'multi-line'),
        apply: (s: RequestState) => {
          if (s.json === undefined || s.json === null || typeof s.json !== 'object') s.json = {}
          setAt(s.json as Record<string, unknown>, f.path, f.chain, value, data)
        },
      }))
      if (f.required) mutations.unshift({ label: `body${pathLabel(f.path)} missing`, apply: s => { if (s.json && typeof s.json === 'object') setAt(s.json as Record<string, unknown>, f.path, f.chain, REMOVE, data) } })
      groups.push({ target: `body${pathLabel(f.path)}`, mutations })
    }
  }
  const whole: Mutation[] = [{ label: 'unknown query parameter', apply: s => { s.query.push(['zzFuzzUnknown', '1']) } }]
  if (jsonSchema) whole.push({ label: 'unknown body field', apply: s => { s.json = { ...(s.json as object), zzFuzzUnknown: 1 } } })
  if (op.body) {
    for (const [label, raw, type] of [...(jsonSchema ? JSON_WHOLE_BODY : []), ...(fileOnly || op.body.types.some(t => t !== 'application/json') ? FILE_BODIES : [])]) {
      whole.push({ label: `body: ${label}`, apply: s => { s.raw = raw; s.contentType = type } })
    }
    if (fileOnly && fileBody) {
      for (const [label, raw] of registerVariants(fileBody.data)) whole.push({ label: `body: ${label}`, apply: s => { s.raw = raw; s.contentType = fileBody.type } })
    }
    whole.push({ label: 'no body at all', apply: s => { s.json = undefined; s.raw = undefined; s.contentType = null } })
  } else {
    whole.push({ label: 'JSON body on a request without one', apply: s => { s.raw = '{"x":1}'; s.contentType = 'application/json' } })
    whole.push({ label: 'malformed JSON body on a request without one', apply: s => { s.raw = '{'; s.contentType = 'application/json' } })
  }
  if (op.method === 'GET') {
    whole.push({ label: 'HEAD instead of GET', apply: s => { s.method = 'HEAD' } })
    whole.push({ label: 'OPTIONS instead of GET', apply: s => { s.method = 'OPTIONS' } })
  } else {
    whole.push({ label: 'X-HTTP-Method-Override: GET', apply: s => { s.headers['x-http-method-override'] = 'GET' } })
  }
  whole.push({ label: 'Accept: application/xml', apply: s => { s.headers.accept = 'application/xml' } })
  whole.push({ label: 'If-None-Match and If-Modified-Since garbage', apply: s => { s.headers['if-none-match'] = '"\u00ff' + long(500, 'x'); s.headers['if-modified-since'] = '2027-02-30' } })
  whole.push({ label: 'Accept-Encoding: gzip, br, zstd, *;q=fuzz', apply: s => { s.headers['accept-encoding'] = 'gzip, br, zstd, *;q=fuzz' } })
  whole.push({ label: 'X-Request-Id of 10k characters', apply: s => { s.headers['x-request-id'] = long(10_000, 'r-') } })
  groups.push({ target: 'request', mutations: whole })
  return { op, route, write, baselines, groups }
}

/** Authorization header mutations, each sent once (they are the credentials). */
export const AUTH_VARIANTS: Array<[string, (valid: string) => string]> = [
  ['Bearer without token', () => 'Bearer'],
  ['Basic scheme', () => 'Basic YWRtaW46YWRtaW4='],
  ['unknown token', () => 'Bearer arshjul_fuzz_unknown_token_0000000000'],
  ['token with a space', v => `Bearer ${v} extra`],
  ['10k token', () => `Bearer ${long(10_000, 'x')}`],
  ['lower-case scheme', v => `bearer ${v}`],
  ['token twice', v => `Bearer ${v}, Bearer ${v}`],
]

// ---------------------------------------------------------------------------------------------------
// Page forms (issue 14)

/** The valid CSV møteplan the upload form sends (the file part of POST /moteplan/{body}/forhandsvis). */
export const MOTEPLAN_CSV = 'sep=;\nDato;Tid;Slutt;Sted\n11.02.2027;18:00;21:00;Rådhuset\n15.04.2027;18:00;21:00;Rådhuset\n'

// What a form field holds, by its name in the templates: the mutations a date, a number or a choice deserves.
const FORM_DATES = /^(dato|nyDato|avsluttet|fra|til)$/
const FORM_NUMBERS = /(^(dager|rader|eier)$|-andel$)/
const FORM_CHOICES = /(^(status|merk|aktiv|synlighet|varsling|format|ukeoversikt|form|rolle|art|vert|folg)$|-(kommune|rolle|fjern)$)/
function formSchemaOf (name: string, value: string): Schema {
  if (FORM_DATES.test(name)) return { type: 'string', format: 'date' }
  if (FORM_NUMBERS.test(name)) return { type: 'integer' }
  if (FORM_CHOICES.test(name)) return { enum: [value] }
  return { type: 'string' }
}

/** Malformed urlencoded bodies, each sent with the form's content type (or the one given). */
const FORM_WHOLE_BODY: Array<[string, string | Uint8Array, string | null]> = [
  ['empty form body', '', 'application/x-www-form-urlencoded'],
  ['lone % in the body', '%', 'application/x-www-form-urlencoded'],
  ['%FF in a field name', '%FF%FE=1&_csrf=x', 'application/x-www-form-urlencoded'],
  ['invalid UTF-8 bytes, unencoded', new Uint8Array([0x61, 0x3d, 0xff, 0xfe, 0x26, 0x62, 0x3d, 0xc3]), 'application/x-www-form-urlencoded'],
  ['only separators', '&&&==&=&', 'application/x-www-form-urlencoded'],
  ['10,000 fields', Array.from({ length: 10_000 }, (_, i) => `f${i}=${i}`).join('&'), 'application/x-www-form-urlencoded'],
  ['bracket and dotted names', 'a[b][c]=1&a.b=2&__proto__[x]=1&constructor[prototype][y]=1', 'application/x-www-form-urlencoded'],
  ['form body over 1 MiB', `x=${long(1_100_000)}`, 'application/x-www-form-urlencoded'],
  ['form with bogus charset', 'a=1', 'application/x-www-form-urlencoded; charset=fuzz'],
  ['form with charset utf-16', 'a=1', 'application/x-www-form-urlencoded; charset=utf-16'],
  ['form as text/plain', 'a=1', 'text/plain'],
  ['multipart without boundary', 'a=1', 'multipart/form-data'],
  ['multipart never closed', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1', 'multipart/form-data; boundary=x'],
  ['no content type', 'a=1', null],
]

/**
 * The plan for a page form: one baseline, the fields the page shows (PageForm.set on top) with the
 * session's CSRF token, and mutations of each field, of the token, and of the request as a whole.
 */
function planForForm (op: Operation, form: PageForm, data: SeedData): OperationPlan {
  const route = `${op.method} ${op.path}`
  const path: Record<string, Val> = {}
  for (const p of op.params.filter(p => p.in === 'path')) {
    path[p.name] = form.usesLink && p.name === 'secret' ? FRESH_LINK : data.targets[`${op.path}#${p.name}`] ?? String(exampleFor(p.name, p.schema, data))
  }
  const pairs: Array<[string, Val]> = (data.forms?.[route] ?? []).filter(([k]) => k !== '_csrf' && !(form.set && k in form.set))
  for (const [k, v] of Object.entries(form.set ?? {})) {
    if (v === null) continue
    // '{occurrence}', or '{key}': a value found in the seed (SeedData.targets['{key}'], set by fuzz-core).
    for (const one of Array.isArray(v) ? v : [v]) pairs.push([k, one === '{occurrence}' ? data.occurrence : data.targets[one] ?? one])
  }
  const baseline: RequestState = {
    path,
    query: [],
    headers: {},
    form: [['_csrf', CSRF], ...pairs],
    formAs: form.multipart ? 'multipart' : 'urlencoded',
    ...(form.multipart ? { file: { name: 'moteplan.csv', type: 'text/csv', data: MOTEPLAN_CSV } } : {}),
  }
  const setField = (s: RequestState, name: string, values: Val[]) => {
    const list = s.form ?? []
    const at = list.findIndex(([k]) => k === name)
    const rest = list.filter(([k]) => k !== name)
    rest.splice(at < 0 ? rest.length : at, 0, ...values.map(v => [name, v] as [string, Val]))
    s.form = rest
  }
  const groups: MutationGroup[] = []
  for (const p of op.params.filter(p => p.in === 'path')) {
    groups.push({
      target: `path.${p.name}`,
      mutations: valuesFor(p.name, p.schema, 'path').map(([label, value]) => ({
        label: `path.${p.name} = ${show(value)} (${label})`,
        core: CORE.has(label),
        apply: (s: RequestState) => { s.path[p.name] = value instanceof Encoded ? value : String(value) },
      })),
    })
  }
  const names = [...new Set(pairs.map(([k]) => k))]
  for (const name of names) {
    const valid = String(pairs.find(([k]) => k === name)![1])
    const mutations: Mutation[] = valuesFor(name, formSchemaOf(name, valid), 'query').map(([label, value]) => ({
      label: `form.${name} = ${show(value)} (${label})`,
      core: CORE.has(label),
      control: CONTROL.has(label) && !(label === 'RLO' && /notat|kommentar/.test(name)),
      apply: (s: RequestState) => setField(s, name, [value instanceof Encoded ? value : String(value)]),
    }))
    mutations.unshift(
      { label: `form.${name} missing`, apply: s => setField(s, name, []) },
      { label: `form.${name} repeated (a list where one value is expected)`, apply: s => setField(s, name, [valid, valid]) },
      { label: `form.${name} repeated with two values`, apply: s => setField(s, name, [valid, 'fuzz-annen']) }
    )
    mutations.push({ label: `form.${name} = long string (100k, non-ASCII)`, apply: s => setField(s, name, [long(100_000, 'æøå')]) })
    groups.push({ target: `form.${name}`, mutations })
  }
  // The token itself: a signed-in request with a missing or wrong token gets 403 and changes nothing.
  const csrf: Mutation[] = [
    { label: '_csrf missing', csrfRefused: true, apply: s => setField(s, '_csrf', []) },
    { label: '_csrf empty', csrfRefused: true, apply: s => setField(s, '_csrf', ['']) },
    { label: '_csrf wrong', csrfRefused: true, apply: s => setField(s, '_csrf', ['fuzzWrongToken-0123456789abcdef']) },
    { label: '_csrf of another person\'s session', csrfRefused: true, apply: s => setField(s, '_csrf', [OTHER_CSRF]) },
    { label: '_csrf of 10k characters', csrfRefused: true, apply: s => setField(s, '_csrf', [long(10_000, 'Ab-')]) },
    { label: '_csrf with %FF', csrfRefused: true, apply: s => setField(s, '_csrf', [new Encoded('%FF%FE')]) },
    { label: '_csrf twice (duplicate, both valid)', apply: s => setField(s, '_csrf', [CSRF, CSRF]) },
    { label: '_csrf twice (valid, then wrong)', apply: s => setField(s, '_csrf', [CSRF, 'fuzzWrongToken']) },
    { label: '_csrf in the query string instead of the form', csrfRefused: true, apply: s => { setField(s, '_csrf', []); s.query.push(['_csrf', CSRF]) } },
  ]
  groups.push({ target: 'form._csrf', mutations: csrf })
  const whole: Mutation[] = [
    { label: 'unknown form field', apply: s => { s.form = [...(s.form ?? []), ['zzFuzzUnknown', '1']] } },
    { label: 'unknown query parameter', apply: s => { s.query.push(['zzFuzzUnknown', '1']) } },
    { label: 'form sent as JSON', apply: s => { s.formAs = 'json' } },
    { label: 'every field twice', apply: s => { s.form = [...(s.form ?? []), ...(s.form ?? [])] } },
    { label: 'no body at all', apply: s => { s.form = undefined; s.file = undefined; s.contentType = null } },
    { label: 'X-HTTP-Method-Override: GET', apply: s => { s.headers['x-http-method-override'] = 'GET' } },
    { label: 'Accept: application/xml', apply: s => { s.headers.accept = 'application/xml' } },
    { label: 'X-Request-Id of 10k characters', apply: s => { s.headers['x-request-id'] = long(10_000, 'r-') } },
    ...FORM_WHOLE_BODY.map(([label, raw, type]): Mutation => ({ label: `body: ${label}`, apply: s => { s.raw = raw; s.contentType = type } })),
  ]
  if (form.multipart) {
    whole.push({ label: 'urlencoded where the upload is multipart', apply: s => { s.formAs = 'urlencoded'; s.file = undefined } })
    whole.push({ label: 'no file part', apply: s => { s.file = undefined } })
    whole.push({ label: 'file name with a path, control characters and 1k characters', apply: s => { s.file = { name: `../../${long(1000, 'ø')}\u0007.csv`, type: 'text/csv', data: MOTEPLAN_CSV } } })
    whole.push({ label: 'file with no name', apply: s => { s.file = { name: '', type: 'text/csv', data: MOTEPLAN_CSV } } })
    whole.push({ label: 'file over 6 MiB', apply: s => { s.file = { name: 'stor.csv', type: 'text/csv', data: long(6_500_000, 'a;') } } })
    for (const [label, raw, type] of FILE_BODIES) whole.push({ label: `file: ${label}`, apply: s => { s.file = { name: /iCal/.test(label) ? 'moteplan.ics' : 'moteplan.csv', type: type ?? 'application/octet-stream', data: raw } } })
  } else {
    whole.push({ label: 'multipart where the form is urlencoded', apply: s => { s.formAs = 'multipart' } })
  }
  groups.push({ target: 'request', mutations: whole })
  return { op, route, write: true, baselines: [baseline], groups }
}
