// The fuzzer's engine (issue 13), shared by `npm run fuzz` (test/tools/fuzz.ts) and CI's bounded run
// (test/tools/fuzz.test.ts). It builds the app through the composition root over a copy of the seeded
// database, listens on 127.0.0.1:0 and sends real HTTP requests, one at a time, so that every row
// change and every logged error belongs to the request that caused it. Each case goes out without
// credentials, with an admin token and with an editor token scoped to one municipality.
import type { AddressInfo } from 'node:net'
import fs from 'node:fs'
import { buildApp } from '../../src/app.js'
import { Config } from '../../src/config.js'
import type { DependencyConfig } from '../../src/composition.js'
import type { Sqlite } from '../../src/db/client.js'
import { buildTestDependencies } from '../helpers/app.js'
import { startSmtpReceiver } from '../helpers/receivers.js'
import { DEMO_ACTOR, loadDemoKontroll, readDemoKontroll } from '../../src/kontroll/demo.js'
import type { RoleRef } from '../../src/services/people.js'
import {
  AUTH_VARIANTS, CSRF, Encoded, FRESH_LINK, OTHER_CSRF, PAGE_OPERATIONS, RawJson, encode, formFieldsOf, operationsOf, planFor,
  MOTEPLAN_CSV, type Mutation, type OperationPlan, type RequestState, type SeedData, type Val,
} from './fuzz-cases.js'

export interface FuzzOptions {
  /** How many HTTP requests to send. */
  requests: number
  /** Orders the cases and drives the random phase; the same seed sends the same requests. */
  seed: number
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void
}

export type FailureKind = '5xx' | 'leak' | 'changed rows' | 'no reply' | 'csrf not refused' | 'session lost'

export interface Failure {
  kind: FailureKind
  route: string
  what: string
  credentials: string
  method: string
  url: string
  body: string
  status: number
  reply: string
  /** The leaked marker, the changed tables, or the stack trace the app logged. */
  detail: string
}

export interface FuzzReport {
  seed: number
  requests: number
  durationMs: number
  byClass: Record<string, number>
  byRoute: Record<string, Record<string, number>>
  /** The replies to each route's unmutated baselines (minimal, rich) under none/admin/editor: how deep the mutations reach. */
  baselineReplies: Record<string, number[]>
  fiveHundreds: number
  leaks: number
  changedRows: number
  noReply: number
  /** Signed-in form posts with a missing or wrong CSRF token that were not refused with 403. */
  csrfNotRefused: number
  failures: Failure[]
  /** Requests that took longer than SLOW_MS: not failures (no timed assertions), but worth a look. */
  slow: Array<{ route: string; what: string; ms: number; status: number }>
  /** Writes that stored a control or bidi-override character (2xx): issue 13 item 5's concern, not a failure here. */
  acceptedControl: Record<string, number>
  casesPlanned: number
  operations: number
  /** What the run switched off in the app's configuration, and why it says so. */
  switchedOff: string[]
  /** Requests after which total_changes() had moved and the change log was read. */
  changeChecks: number
}

// What must never be in a reply: a stack trace, SQL or the driver's name, a file path of the server.
export const LEAK_MARKERS = ['    at ', '.ts:', 'node_modules', 'SELECT ', 'INSERT ', 'SQLITE_', 'sqlite', '/work/', '/tmp/', '/home/', '/root/', 'src/']

/** The first leak marker in a reply's text, or undefined. */
export function leakIn (text: string): string | undefined {
  return LEAK_MARKERS.find(m => text.includes(m))
}

const SLOW_MS = 5000
const LINK_PERSON = 'fuzz-lenke@example.org'
const TIMEOUT_MS = 60_000
const NOW = '2027-01-15T09:00:00Z'

/** A small, seedable PRNG (mulberry32): the same seed gives the same run. */
export function rng (seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]! }
}

/**
 * The configuration switches the run turns off: rate limits (the fuzzer is one client sending
 * thousands of requests; 429s would hide every deeper reply) and the event-loop-lag 503s of
 * @fastify/under-pressure (a 503 for load is not a reply to input). Found by name, so the fuzzer
 * keeps working whatever the switches are called.
 */
function switchesOff (): { config: Partial<DependencyConfig>; said: string[] } {
  const config: Record<string, unknown> = {}
  const said: string[] = []
  for (const key of Object.keys(Config.properties)) {
    if (/^RATE_?LIMIT$/i.test(key)) { config[key] = 'off'; said.push(`${key}=off`) }
    if (/EVENT_LOOP/i.test(key)) { config[key] = 0; said.push(`${key}=0`) }
  }
  return { config: config as Partial<DependencyConfig>, said }
}

/** A signed-in person's (or an anonymous visitor's) cookie header and a CSRF token made in it. */
export interface Session { cookie: string; csrf: string }

export interface Target {
  base: string
  services: Awaited<ReturnType<typeof buildTestDependencies>>['deps']['services']
  /** Signs a person in (created with these roles when missing) through the real flow: a sign-in link's page, its form, then a page for a token bound to the session. */
  signIn (email: string, roles: RoleRef[], name: string): Promise<Session>
  /** The anonymous visitor's CSRF cookie and token (the sign-in forms). */
  anonymous (): Promise<Session>
  /** The app's own connection (the change log's triggers live on it). */
  sqlite: Sqlite
  tokens: { admin: string; editor: string }
  totalChanges (): number
  /** The rows written since the last call, per table (`occurrence: 12`), from the change log; empties it. */
  takeChanges (): Record<string, number>
  /** Error-level log lines written since the last call. */
  takeErrors (): string[]
  close (): Promise<void>
  switchedOff: string[]
}

/** The app over a copy of the seeded database, listening on 127.0.0.1, with an admin and an editor (Øyer) token. */
export async function startTarget (): Promise<Target> {
  const { config, said } = switchesOff()
  // An SMTP receiver on loopback, so that the sign-in form «send me a link» is there to fuzz (without SMTP it is a 404).
  const smtp = await startSmtpReceiver()
  const { deps, dir } = await buildTestDependencies({ now: NOW, config: { ...config, SMTP_URL: smtp.url } as Partial<DependencyConfig> })
  let errors: string[] = []
  const app = await buildApp(deps, {
    closeDatabase: true,
    // Only errors: a 500's stack trace goes into the report, next to the request that caused it.
    logger: { level: 'error', stream: { write: (line: string) => { errors.push(line) } } },
  })
  const oyer = await deps.services.municipalities.find('oyer')
  if (!oyer) throw new Error('the seed has no municipality "oyer"')
  // Rows the admin forms may revoke or deactivate, made first so that they hold the lowest ids (1): a
  // path mutation such as " 1 " that the schema coerces to 1 then hits these, never the fuzzer's own.
  await deps.services.tokens.create({ label: 'fuzz-victim', role: 'editor', municipality: oyer.id })
  await deps.services.people.ensure({ email: 'fuzz-av-og-pa@example.org', name: 'Fuzz Av og på', roles: [{ role: 'editor', municipality: 'oyer' }] }, null)
  await deps.services.people.ensure({ email: 'fuzz-offer@example.org', name: 'Fuzz Offer', roles: [{ role: 'editor', municipality: 'oyer' }] }, null)
  // Issue 15's workspace pages need plans with projects and assessments: the demo (three kontrollutvalg,
  // a joint eierskapskontroll plan, an FR plan each), loaded before the fuzzer's own rows.
  await loadDemoKontroll(deps.services.kontroll, readDemoKontroll(), DEMO_ACTOR)
  // The person whose sign-in links the sign-in forms use: no admin form targets them.
  await deps.services.people.ensure({ email: LINK_PERSON, name: 'Fuzz Lenke', roles: [] }, null)
  const admin = (await deps.services.tokens.create({ label: 'fuzz-admin', role: 'admin' })).token
  const editor = (await deps.services.tokens.create({ label: 'fuzz-editor-oyer', role: 'editor', municipality: oyer.id })).token
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  // The change log below is SQLite's (temporary triggers on the app's one connection): the fuzzer runs on SQLite.
  if (deps.database.dialect !== 'sqlite') throw new Error('the fuzzer runs on SQLite (unset TEST_DATABASE_URL)')
  const sqlite = deps.database.sqlite
  const changes = sqlite.prepare('select total_changes() as n')
  // The change log: a temporary trigger on every table but api_token (every request with a valid token
  // records its last use there, services/tokens.ts) notes each row written. Temporary objects live on
  // the app's connection only, never in the file, and a rolled-back transaction takes its notes along,
  // so the log holds exactly the committed writes. It names the tables, where comparing full
  // snapshots (databaseSnapshot, ~100 ms a time) after every accepted write would cost more than the requests.
  sqlite.exec('create temp table fuzz_change (tbl text not null)')
  const tables = (sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> 'api_token'").all() as Array<{ name: string }>).map(t => t.name)
  for (const table of tables) {
    for (const event of ['insert', 'update', 'delete']) {
      sqlite.exec(`create temp trigger "fuzz_${table}_${event}" after ${event} on main."${table}" begin insert into fuzz_change (tbl) values ('${table}'); end`)
    }
  }
  const logged = sqlite.prepare('select tbl, count(*) as n from fuzz_change group by tbl')
  const clearLog = sqlite.prepare('delete from fuzz_change')
  const base = `http://127.0.0.1:${port}`
  const cookiesOf = (res: Response) => new Map(res.headers.getSetCookie().map(c => { const [pair] = c.split(';'); const i = pair!.indexOf('='); return [pair!.slice(0, i), pair!.slice(i + 1)] as [string, string] }))
  const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''
  return {
    base,
    services: deps.services,
    async signIn (email, roles, name) {
      await deps.services.people.ensure({ email, name, roles }, null)
      const { url } = await deps.services.people.issueLoginLink(email, base)
      const confirm = await fetch(url)
      const csrfCookie = cookiesOf(confirm).get('arshjul_csrf') ?? ''
      const res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        body: `_csrf=${encodeURIComponent(csrfIn(await confirm.text()))}`,
        headers: { cookie: `arshjul_csrf=${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      })
      const session = cookiesOf(res).get('arshjul_sesjon')
      if (res.status !== 303 || !session) throw new Error(`signing in ${email}: ${res.status} ${(await res.text()).slice(0, 300)}`)
      const cookie = `arshjul_sesjon=${session}; arshjul_csrf=${csrfCookie}`
      const page = await fetch(`${base}/logg-inn`, { headers: { cookie } })
      return { cookie, csrf: csrfIn(await page.text()) }
    },
    async anonymous () {
      // A sign-in link's page has a form for anyone (the sign-in page has one only with SMTP or a provider).
      const page = await fetch((await deps.services.people.issueLoginLink(LINK_PERSON, base)).url)
      return { cookie: `arshjul_csrf=${cookiesOf(page).get('arshjul_csrf') ?? ''}`, csrf: csrfIn(await page.text()) }
    },
    sqlite,
    tokens: { admin, editor },
    totalChanges: () => (changes.get() as { n: number }).n,
    takeChanges: () => {
      const rows = logged.all() as Array<{ tbl: string; n: number }>
      clearLog.run()
      return Object.fromEntries(rows.map(r => [r.tbl, r.n]))
    },
    takeErrors: () => { const e = errors; errors = []; return e },
    async close () {
      await app.close()
      await smtp.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
    switchedOff: said,
  }
}

// ---------------------------------------------------------------------------------------------------
// Real data from the seed, and the few rows the fuzzer creates to have ids for every route

async function api (target: Target, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${target.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${target.tokens.admin}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let json: Record<string, unknown> = {}
  try { json = JSON.parse(text) as Record<string, unknown> } catch { /* not JSON */ }
  return { status: res.status, json }
}

type Row = Record<string, unknown>
const listOf = async (target: Target, path: string): Promise<Row[]> => ((await api(target, 'GET', path)).json.data as Row[] | undefined) ?? []

async function discover (target: Target, progress: (line: string) => void): Promise<SeedData> {
  const municipalities = await listOf(target, '/api/v1/municipalities?limit=100')
  const oyer = municipalities.find(m => m.slug === 'oyer')
  const bodies = await listOf(target, '/api/v1/bodies?municipality=oyer&limit=100')
  const collaborations = await listOf(target, '/api/v1/collaborations?municipality=oyer&limit=20')
  const eventTypes = await listOf(target, '/api/v1/event-types?limit=500')
  const packages = await listOf(target, '/api/v1/packages?limit=100')
  const rules = await listOf(target, '/api/v1/rules?municipality=oyer&limit=20')
  const occurrences = await listOf(target, '/api/v1/occurrences?municipality=oyer&from=2027-01-01&to=2027-12-31&limit=20')
  const keyOf = (r: Row | undefined) => String(r?.key ?? r?.slug ?? r?.id ?? 'x')
  const ku = bodies.find(b => b.kind === 'kontrollutvalg')
  const ruleEventType = rules.find(r => typeof r.eventType === 'string')?.eventType
  const data: SeedData = {
    municipality: 'oyer',
    municipalities: municipalities.map(m => String(m.slug)),
    body: String(bodies.find(b => b.kind === 'kommunestyre')?.slug ?? bodies[0]?.slug ?? 'x'),
    kontrollutvalg: String(ku?.slug ?? bodies[0]?.slug ?? 'x'),
    collaboration: String(collaborations[0]?.slug ?? 'x'),
    eventType: typeof ruleEventType === 'string' ? ruleEventType : keyOf(eventTypes[0]),
    package: keyOf(packages[0]),
    occurrence: String(occurrences[0]?.id ?? '1-20270101'),
    county: String(oyer?.county ?? 'Innlandet'),
    targets: {},
    victims: {},
  }
  const t = data.targets
  const v = data.victims
  t['/api/v1/municipalities/{ref}'] = 'oyer'
  t['/api/v1/bodies/{ref}'] = data.body
  t['/api/v1/collaborations/{ref}'] = data.collaboration
  t['/api/v1/rules/{id}'] = String(rules[0]?.id ?? 1)
  t['/api/v1/occurrences/{id}'] = data.occurrence
  t['/feeds/{kind}'] = 'municipalities'
  t['/feeds/{file}'] = 'oyer.ics'
  t['/assets/{file}'] = 'arshjul.css'
  t['/docs/static/{file}'] = 'index.css'

  // Rows of our own for the writes: a PATCH or DELETE that succeeds then changes these, not the seed's.
  const created = async (path: string, body: Row, pick = (r: Row) => String(r.slug ?? r.id)): Promise<string | undefined> => {
    const { status, json } = await api(target, 'POST', path, body)
    if (status >= 300) { progress(`setup: POST ${path} answered ${status}: ${JSON.stringify(json).slice(0, 300)}`); return undefined }
    return pick(json)
  }
  const set = (map: Record<string, string>, key: string, value: string | undefined) => { if (value !== undefined) map[key] = value }
  const muni = (slug: string) => ({ slug, name: `Fuzz ${slug}`, kind: 'kommune' })
  set(t, '/api/v1/municipalities/{ref}', await created('/api/v1/municipalities', muni('fuzz-kommune')))
  set(v, '/api/v1/municipalities/{ref}', await created('/api/v1/municipalities', muni('fuzz-slett-kommune')))
  const organ = (slug: string) => ({ slug, name: `Fuzz ${slug}`, kind: 'formannskap', municipality: 'oyer' })
  set(t, '/api/v1/bodies/{ref}', await created('/api/v1/bodies', organ('fuzz-organ')))
  set(v, '/api/v1/bodies/{ref}', await created('/api/v1/bodies', organ('fuzz-slett-organ')))
  const samarbeid = (slug: string) => ({ slug, name: `Fuzz ${slug}`, legalForm: 'iks', participants: [{ municipality: 'oyer', role: 'eier', ownershipShare: 100 }] })
  set(t, '/api/v1/collaborations/{ref}', await created('/api/v1/collaborations', samarbeid('fuzz-samarbeid')))
  set(v, '/api/v1/collaborations/{ref}', await created('/api/v1/collaborations', samarbeid('fuzz-slett-samarbeid')))
  const rule = { eventType: data.eventType, municipality: 'oyer', dtstart: 'DTSTART;VALUE=DATE:20270630', rrule: 'FREQ=YEARLY', title: 'Fuzz-regel' }
  set(v, '/api/v1/rules/{id}', await created('/api/v1/rules', rule))
  // The valgperiode after the demo's (2023, loaded in startTarget), so that the fuzzer's own plans and assessments are new.
  const plan = { type: 'forvaltningsrevisjon', electionYear: 2027, title: 'Fuzz-plan', bodies: [data.kontrollutvalg] }
  const planId = await created('/api/v1/kontroll/plans', plan)
  const victimPlanId = await created('/api/v1/kontroll/plans', { ...plan, type: 'eierskapskontroll', title: 'Fuzz-plan som slettes' })
  set(t, '/api/v1/kontroll/plans/{id}', planId)
  set(v, '/api/v1/kontroll/plans/{id}', victimPlanId)
  const project = { title: 'Fuzz-prosjekt', plannedYear: 2027, subjects: [{ municipality: 'oyer', serviceArea: 'Barnevern' }] }
  if (planId) set(t, '/api/v1/kontroll/plans/{projectId}', await created(`/api/v1/kontroll/plans/${planId}/projects`, project))
  // The project to delete belongs to the plan that stays (a deleted plan takes its projects along).
  if (planId) {
    set(v, '/api/v1/kontroll/plans/{id}/projects/{projectId}#id', planId)
    set(v, '/api/v1/kontroll/plans/{id}/projects/{projectId}#projectId', await created(`/api/v1/kontroll/plans/${planId}/projects`, { ...project, title: 'Fuzz-prosjekt som slettes' }))
  }
  const assessment = (serviceArea: string) => ({ electionYear: 2027, municipality: 'oyer', serviceArea, risk: 3, materiality: 3 })
  set(t, '/api/v1/kontroll/assessments/{id}', await created('/api/v1/kontroll/assessments', assessment('Barnevern')))
  set(v, '/api/v1/kontroll/assessments/{id}', await created('/api/v1/kontroll/assessments', assessment('Renovasjon')))
  const subscription = (name: string) => ({ name, email: 'fuzz@example.org', municipality: 'oyer' })
  set(t, '/api/v1/subscriptions/{id}', await created('/api/v1/subscriptions', subscription('Fuzz-abonnement')))
  set(v, '/api/v1/subscriptions/{id}', await created('/api/v1/subscriptions', subscription('Fuzz-abonnement som slettes')))
  return data
}

/** The people the page forms go out as (issue 14): an admin, who may use every form, and a person with no role. */
export const PEOPLE: Array<{ name: string; email: string; roles: RoleRef[] }> = [
  { name: 'admin(session)', email: 'fuzz-admin@example.org', roles: [{ role: 'admin' }] },
  { name: 'no role(session)', email: 'fuzz-ingen@example.org', roles: [] },
  // Issue 15: the sekretariat of one kontrollutvalg (Øyer's), who may change its plans and not the joint one.
  { name: 'sekretariat(session)', email: 'fuzz-sekretariat@example.org', roles: [{ role: 'sekretariat', kontrollutvalg: 'oyer-kontrollutvalg' }] },
]

/**
 * The page forms' targets and valid fields (issue 14): a reminder of the admin person's own, a previewed
 * møteplan for the fuzzer's body, and every form's fields read from the page that shows it as the admin
 * person sees it. Writes rows (before the run's change log starts).
 */
async function discoverPages (target: Target, data: SeedData, admin: Session, progress: (line: string) => void): Promise<void> {
  const t = data.targets
  // A body of its own for the møteplan pages: PUT /api/v1/bodies/{ref}/moteplan changes the fuzzer's other body's meetings.
  const created = await api(target, 'POST', '/api/v1/bodies', { slug: 'fuzz-moteplan', name: 'Fuzz møteplan', kind: 'formannskap', municipality: 'oyer' })
  const body = created.status === 201 ? 'fuzz-moteplan' : t['/api/v1/bodies/{ref}'] ?? data.body
  const organ = t['/api/v1/bodies/{ref}'] ?? data.body
  const collaboration = t['/api/v1/collaborations/{ref}'] ?? data.collaboration
  const page = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${target.base}${path}`, { redirect: 'manual', ...init, headers: { cookie: admin.cookie, ...(init.headers as Record<string, string> | undefined) } })
    return { status: res.status, html: await res.text(), location: res.headers.get('location') }
  }
  const postForm = (path: string, fields: Array<[string, string]>) => page(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: ([['_csrf', admin.csrf], ...fields.filter(([k]) => k !== '_csrf')] as Array<[string, string]>).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
  })
  // Two reminders of the admin person's own: one to edit, one to delete.
  const reminderForm = formFieldsOf((await page('/mine-varsler')).html, '/mine-varsler') ?? []
  const reminder = [...reminderForm.filter(([k]) => !['folg', 'ukeoversikt'].includes(k)), ['folg', 'kommune:oyer'], ['ukeoversikt', 'ja']] as Array<[string, string]>
  for (let i = 0; i < 2; i++) {
    const r = await postForm('/mine-varsler', reminder)
    if (r.status !== 303) progress(`setup: POST /mine-varsler answered ${r.status}: ${/<div class="error-summary[\s\S]*?<\/div>/.exec(r.html)?.[0] ?? r.html.slice(0, 300)}`)
  }
  const reminderIds = [...new Set([...(await page('/mine-varsler')).html.matchAll(/\/mine-varsler\/(\d+)/g)].map(m => m[1]!))]
  const victimRow = await target.services.people.findByEmail('fuzz-offer@example.org')
  const victim = victimRow ? await target.services.people.get(victimRow.id) : undefined
  const toggled = await target.services.people.findByEmail('fuzz-av-og-pa@example.org')
  const tokens = await target.services.tokens.list()
  const ids: Record<string, string | undefined> = {
    '/hendelse/{id}': data.occurrence,
    '/moteplan/{body}': body,
    '/samarbeid/{slug}': collaboration,
    '/organ/{slug}': organ,
    '/mine-varsler/{id}': reminderIds[0],
    '/mine-varsler/{id}/slett': reminderIds[1] ?? reminderIds[0],
    '/admin/brukere/{id}': victim ? String(victim.id) : undefined,
    // Deactivated by its baseline: another person than the one whose sign-in links and roles the other forms use.
    '/admin/brukere/{id}/aktiv#id': toggled ? String(toggled.id) : undefined,
    '/admin/brukere/{id}/roller/{roleId}#roleId': victim?.roles[0] ? String(victim.roles[0].id) : undefined,
    '/admin/tokens/{id}': String(tokens.find(x => x.label === 'fuzz-victim')?.id ?? 1),
  }
  for (const op of PAGE_OPERATIONS.filter(o => o.session)) {
    for (const p of op.params.filter(p => p.in === 'path')) {
      const value = ids[`${op.path}#${p.name}`] ?? Object.entries(ids).filter(([k]) => !k.includes('#') && op.path.startsWith(k)).sort(([a], [b]) => b.length - a.length)[0]?.[1]
      if (value !== undefined) t[`${op.path}#${p.name}`] = value
    }
  }
  await discoverKontroll(target, data, page, progress)
  t['/logg-inn/lenke/{secret}#secret'] = (await target.services.people.issueLoginLink(LINK_PERSON, '')).url.split('/').pop()!
  const fill = (path: string) => path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(t[`${path}#${name}`] ?? ''))
  const fillAs = (template: string, opPath: string) => template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(t[`${opPath}#${name}`] ?? ''))

  // A meeting to cancel, then the møteplan upload as the page sends it: the keep form (its file and MACs),
  // kept by the run's first baseline (after that the meetings differ from the preview: 409).
  const extra = await postForm(`/moteplan/${body}/ekstra-mote`, [['dato', '2027-09-15'], ['start', '18:00'], ['slutt', '20:00'], ['tittel', 'Fuzz-møte som avlyses']])
  if (extra.status !== 303) progress(`setup: an extra meeting answered ${extra.status}`)
  const forms: Record<string, Array<[string, string]>> = {}
  const multipart = new FormData()
  multipart.set('_csrf', admin.csrf)
  multipart.set('fil', new Blob([MOTEPLAN_CSV], { type: 'text/csv' }), 'moteplan.csv')
  const preview = await page(`/moteplan/${body}/forhandsvis`, { method: 'POST', body: multipart })
  const keep = formFieldsOf(preview.html, `/moteplan/${body}/behold`)
  if (keep) forms['POST /moteplan/{body}/behold'] = keep
  else progress(`setup: the møteplan preview answered ${preview.status} without a keep form: ${/<(div|p) class="(error-summary|field-error)[\s\S]*?<\/\1>/.exec(preview.html)?.[0] ?? preview.html.slice(0, 300)}`)

  for (const op of PAGE_OPERATIONS.filter(o => o.form)) {
    const from = op.form!.from
    if (from === 'none' || from === 'preview') continue
    const shown = await page(fillAs(from, op.path))
    const fields = formFieldsOf(shown.html, fill(op.path))
    if (!fields) { progress(`setup: no form for ${op.path} on ${fillAs(from, op.path)} (${shown.status})`); continue }
    forms[`${op.method} ${op.path}`] = fields
  }
  data.forms = forms
}

/**
 * Issue 15's targets: Øyer's kontrollutvalg, its own forvaltningsrevisjon plan of the demo (its sekretariat
 * and the admin may change it) with two projects (one edited and stepped, one dropped and restored), a row of
 * the ranked list for «planlegg», and each id-parameterised page's path parameters.
 */
async function discoverKontroll (target: Target, data: SeedData, page: (path: string) => Promise<{ status: number; html: string }>, progress: (line: string) => void): Promise<void> {
  const t = data.targets
  const organ = 'oyer-kontrollutvalg'
  const plans = await listOf(target, `/api/v1/kontroll/plans?body=${organ}&valgperiode=2023&type=forvaltningsrevisjon&limit=10`)
  const plan = plans.find(p => (p.bodies as unknown[] | undefined)?.length === 1) ?? plans[0]
  if (!plan) { progress(`setup: no forvaltningsrevisjon plan of ${organ} in the demo`); return }
  const planId = String(plan.id)
  // A revision of the adopted plan, so that the run starts with a draft: the forms that add projects want one.
  const revised = await api(target, 'POST', `/api/v1/kontroll/plans/${planId}/revisions`, { reason: 'Fuzz: utkast til revisjon' })
  if (revised.status !== 201) progress(`setup: revising plan ${planId} answered ${revised.status}: ${JSON.stringify(revised.json).slice(0, 300)}`)
  const projects = await listOf(target, `/api/v1/kontroll/plans/${planId}/projects?limit=100`)
  if (projects.length < 2) progress(`setup: plan ${planId} has ${projects.length} projects (two wanted)`)
  const [edited, dropped] = [String(projects[0]?.id ?? 1), String(projects[1]?.id ?? projects[0]?.id ?? 1)]
  for (const op of PAGE_OPERATIONS.filter(o => o.path.startsWith('/kontroll'))) {
    for (const p of op.params.filter(p => p.in === 'path')) {
      const byName: Record<string, string> = { organ, id: planId, planId, n: '1', step: 'rapport', projectId: /\/(avlys|gjenopprett)$/.test(op.path) ? dropped : edited }
      const value = byName[p.name]
      if (value !== undefined) t[`${op.path}#${p.name}`] = value
    }
  }
  t['{prosjekt}'] = edited
  // A row of the ranked list not yet in a plan: the «planlegg» form's choice (its checkboxes are unchecked).
  // A forvaltningsrevisjon row: the plan of that kind is the one the run revises (a draft) before «planlegg».
  const planlegg = await page(`/kontroll/${organ}/planlegg?valgperiode=2023`)
  const fields = formFieldsOf(planlegg.html, `/kontroll/${organ}/planlegg`) ?? []
  const rows = [...planlegg.html.matchAll(/name="ta_med" value="(\d+)"/g)].map(m => m[1]!)
  const row = rows.find(r => fields.some(([k, v]) => k === `type_${r}` && v === 'forvaltningsrevisjon')) ?? rows[0]
  if (row === undefined) progress(`setup: /kontroll/${organ}/planlegg (${planlegg.status}) offers no row to plan`)
  else t['{planlegg-rad}'] = row
  // The new-project form's first subject (its select starts with «Velg …»).
  const ny = await page(`/kontroll/plan/${planId}/prosjekt/ny`)
  const emne = /<select[^>]*name="emne"[\s\S]*?<option value="([^"]+)"/.exec(ny.html)?.[1]
  if (emne === undefined) progress(`setup: /kontroll/plan/${planId}/prosjekt/ny (${ny.status}) offers no subject`)
  else t['{emne}'] = emne
}

// ---------------------------------------------------------------------------------------------------
// Sending

interface Sent { method: string; url: string; headers: Record<string, string>; body?: string | Uint8Array }

function toJson (v: unknown): string {
  if (v instanceof RawJson) return v.text
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`
  return JSON.stringify(v) ?? 'null'
}

/** Who sends a request: a bearer token, or a cookie (session or anonymous) with its CSRF token and another person's. */
interface Credential {
  name: string
  authorization?: string
  cookie?: string
  csrf?: string
  other?: string
  /** The signed-in person (PEOPLE), for a fresh session when a form ends it. */
  person?: (typeof PEOPLE)[number]
}

/** A page form's fields as multipart/form-data, with the upload's file part. */
function multipartOf (pairs: Array<[string, Val]>, file: RequestState['file']): { body: Uint8Array; type: string } {
  const boundary = '----fuzzFormBoundary7MA4YWxkTrZu0gW'
  const chunks: Buffer[] = []
  const text = (v: Val) => v instanceof Encoded ? v.text : v
  for (const [k, v] of pairs) chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${text(k)}"\r\n\r\n${text(v)}\r\n`))
  if (file) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="fil"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`))
    chunks.push(Buffer.from(file.data))
    chunks.push(Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: new Uint8Array(Buffer.concat(chunks)), type: `multipart/form-data; boundary=${boundary}` }
}

function requestOf (target: Target, plan: OperationPlan, state: RequestState, authorization: string | undefined, cred?: Credential): Sent {
  const sub = (v: Val): Val => v === CSRF ? (cred?.csrf ?? '') : v === OTHER_CSRF ? (cred?.other ?? '') : v
  const path = plan.op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encode(state.path[name] ?? ''))
  const query = state.query.map(([k, v]) => `${encode(k)}=${encode(sub(v))}`).join('&')
  const headers: Record<string, string> = { ...state.headers }
  if (authorization !== undefined) headers.authorization = authorization
  if (cred?.cookie) headers.cookie = cred.cookie
  let body: string | Uint8Array | undefined
  let formType: string | undefined
  if (state.raw !== undefined) body = state.raw
  else if (state.form !== undefined) {
    const pairs = state.form.map(([k, v]): [string, Val] => [k, sub(v)])
    if (state.formAs === 'json') {
      body = JSON.stringify(Object.fromEntries(pairs.map(([k, v]) => [k, v instanceof Encoded ? v.text : v])))
      formType = 'application/json'
    } else if (state.formAs === 'multipart') {
      const m = multipartOf(pairs, state.file)
      body = m.body
      formType = m.type
    } else {
      body = pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')
      formType = 'application/x-www-form-urlencoded'
    }
  } else if (state.json !== undefined) body = toJson(state.json)
  const type = state.contentType === undefined ? (formType ?? (body !== undefined ? 'application/json' : undefined)) : state.contentType
  if (type !== undefined && type !== null) headers['content-type'] = type
  const method = state.method ?? plan.op.method
  // fetch sends no body with GET or HEAD; the app never reads one there either.
  if (method === 'GET' || method === 'HEAD') body = undefined
  return { method, url: `${target.base}${path}${query ? `?${query}` : ''}`, headers, body }
}

const truncate = (s: string, n: number) => s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s
const bodyText = (b: string | Uint8Array | undefined) => b === undefined ? '' : typeof b === 'string' ? b : `<${b.length} bytes: ${Buffer.from(b.slice(0, 60)).toString('hex')}>`

/** The app's stack trace for a failed request, from its error log line (pino JSON). */
function stackOf (lines: string[]): string {
  for (const line of lines) {
    try {
      const entry = JSON.parse(line) as { err?: { stack?: string; message?: string }; msg?: string }
      if (entry.err?.stack) return entry.err.stack.split('\n').slice(0, 12).join('\n')
      if (entry.msg) return entry.msg
    } catch { return line.slice(0, 1000) }
  }
  return '(nothing logged)'
}

// ---------------------------------------------------------------------------------------------------
// The run

interface Case {
  plan: OperationPlan
  /** Index into plan.baselines. */
  baseline: number
  mutations: Mutation[]
  /** An Authorization header mutation, sent once instead of under the three credentials. */
  authorization?: { label: string; make: (validToken: string) => string }
}

/**
 * Orders the cases so that any prefix of the run is worth running: first every operation's baselines,
 * then issue 13's impossible dates and extreme numbers at every field, then everything else. In each
 * phase operations take turns, and within one the targets (parameters, fields, the request) take turns,
 * each target's mutations in order of interest. Mutations alternate between the two baselines.
 */
function orderCases (plans: OperationPlan[], random: ReturnType<typeof rng>): Case[] {
  const roundRobin = (lists: Case[][]) => {
    const out: Case[] = []
    const longest = Math.max(0, ...lists.map(c => c.length))
    for (let i = 0; i < longest; i++) for (const list of lists) if (list[i]) out.push(list[i]!)
    return out
  }
  const phase = (core: boolean) => roundRobin(plans.map(plan => {
    const groups = plan.groups.map(g => g.mutations.filter(m => (m.core ?? false) === core))
    for (let i = groups.length - 1; i > 0; i--) { const j = random.int(i + 1); [groups[i], groups[j]] = [groups[j]!, groups[i]!] }
    const cases = roundRobin(groups.map(g => g.map((m, round) => ({ plan, baseline: round % plan.baselines.length, mutations: [m] }))))
    // The Authorization header's own mutations, once per operation, early in the rest.
    if (!core) cases.splice(Math.min(cases.length, groups.length), 0, ...AUTH_VARIANTS.map(([label, make]) => ({ plan, baseline: 0, mutations: [{ label: `authorization: ${label}`, apply: () => {} }], authorization: { label, make } })))
    return cases
  }))
  const baselines = roundRobin(plans.map(plan => plan.baselines.map((_, i) => ({ plan, baseline: i, mutations: [] }))))
  return [...baselines, ...phase(true), ...phase(false)]
}

export async function runFuzz (opts: FuzzOptions): Promise<FuzzReport> {
  const progress = opts.progress ?? (() => {})
  const started = Date.now()
  const random = rng(opts.seed)
  const target = await startTarget()
  const report: FuzzReport = {
    seed: opts.seed,
    requests: 0,
    durationMs: 0,
    byClass: {},
    byRoute: {},
    baselineReplies: {},
    fiveHundreds: 0,
    leaks: 0,
    changedRows: 0,
    noReply: 0,
    csrfNotRefused: 0,
    failures: [],
    slow: [],
    acceptedControl: {},
    casesPlanned: 0,
    operations: 0,
    switchedOff: target.switchedOff,
    changeChecks: 0,
  }
  try {
    const data = await discover(target, progress)
    const people = await Promise.all(PEOPLE.map(async p => ({ person: p, session: await target.signIn(p.email, p.roles, p.name) })))
    await discoverPages(target, data, people[0]!.session, progress)
    const anonymous = await target.anonymous()
    // The page forms go out without a session (the anonymous visitor's CSRF cookie and token: the sign-in forms take it), as the admin person and as the person with no role.
    const sessionCredentials: Credential[] = [
      { name: 'none', cookie: anonymous.cookie, csrf: anonymous.csrf, other: people[0]!.session.csrf },
      ...people.map((p, i) => ({ name: p.person.name, cookie: p.session.cookie, csrf: p.session.csrf, other: people[(i + 1) % people.length]!.session.csrf, person: p.person })),
    ]
    const spec = await (await fetch(`${target.base}/docs/json`)).json() as Parameters<typeof operationsOf>[0]
    const documented = operationsOf(spec)
    const operations = [...documented, ...PAGE_OPERATIONS.filter(p => !documented.some(d => d.method === p.method && d.path === p.path))]
    // The register export is a valid import file: the baseline of POST /api/v1/imports (as a dry run).
    const exported = await fetch(`${target.base}/api/v1/collaborations/export?format=tsv`)
    const fileBody = { data: exported.ok ? await exported.text() : 'Navn\tKommune\n', type: 'text/tab-separated-values' }
    const plans = operations.map(op => planFor(op, data, fileBody))
    for (const p of plans) if (p.route === 'POST /api/v1/imports') for (const b of p.baselines) if (!b.query.some(([k]) => k === 'dryRun')) b.query.push(['dryRun', 'true'])
    const cases = orderCases(plans, random)
    report.operations = plans.length
    report.casesPlanned = cases.length
    progress(`${plans.length} operations (${documented.length} from /docs/json, ${plans.length - documented.length} pages), ${cases.length} cases × 3 credentials planned; seed ${opts.seed}`)

    target.takeChanges()
    const credentials: Array<[string, string | undefined]> = [
      ['none', undefined],
      ['admin', `Bearer ${target.tokens.admin}`],
      ['editor(oyer)', `Bearer ${target.tokens.editor}`],
    ]

    const send = async (c: Case, credName: string, authorization: string | undefined, validToken: boolean, given?: Credential) => {
      const state = structuredState(c.plan.baselines[c.baseline]!)
      let cred = given
      // Rows written to prepare a request (a fresh session for sign-out, a fresh sign-in link) are not its own.
      if (c.plan.op.form?.endsSession && cred?.person) cred = { ...cred, ...await target.signIn(cred.person.email, cred.person.roles, cred.person.name) }
      if (state.path.secret === FRESH_LINK) state.path.secret = (await target.services.people.issueLoginLink(LINK_PERSON, '')).url.split('/').pop()!
      if (cred || state.path.secret !== c.plan.baselines[c.baseline]!.path.secret) target.takeChanges()
      // A create's slug made unique per request, so that a mutation that passes validation reaches
      // the rules behind the uniqueness check instead of a 409 (a mutated slug stays as mutated).
      const baseSlug = (state.json as { slug?: unknown } | undefined)?.slug
      for (const m of c.mutations) m.apply(state)
      const json = state.json as { slug?: unknown } | undefined
      if (c.plan.op.method === 'POST' && typeof baseSlug === 'string' && json?.slug === baseSlug) json.slug = `${baseSlug}-${report.requests}`
      const req = requestOf(target, c.plan, state, authorization, cred)
      const what = c.mutations.map(m => m.label).join(' + ') || `baseline ${c.baseline === 0 ? 'minimal' : 'rich'}`
      const before = target.totalChanges()
      target.takeErrors()
      const t0 = Date.now()
      let status = 0
      let text = ''
      let headerText = ''
      try {
        // A signed-in page's 303 (a form's flash redirect, a sign-in redirect) is its reply: not followed.
        const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body as BodyInit | undefined, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: c.plan.op.session ? 'manual' : 'follow' })
        status = res.status
        // Header values count as the reply too (a Content-Disposition file name, an error in a header).
        text = Buffer.from(await res.arrayBuffer()).toString('utf8')
        headerText = [...res.headers.values()].join('\n')
      } catch (err) {
        status = 0
        text = String((err as Error).cause ?? err)
      }
      const ms = Date.now() - t0
      report.requests++
      const cls = status === 0 ? 'no reply' : `${Math.floor(status / 100)}xx`
      report.byClass[cls] = (report.byClass[cls] ?? 0) + 1
      const perRoute = report.byRoute[c.plan.route] ??= {}
      perRoute[String(status || 'no reply')] = (perRoute[String(status || 'no reply')] ?? 0) + 1
      if (c.plan.write && status >= 200 && status < 300) {
        for (const m of c.mutations.filter(m => m.control)) {
          const key = `${c.plan.route} ${m.label.replace(/ = .*\(/, ' (')}`
          report.acceptedControl[key] = (report.acceptedControl[key] ?? 0) + 1
        }
      }
      if (c.mutations.length === 0) (report.baselineReplies[c.plan.route] ??= []).push(status)
      // FUZZ_DEBUG=1: why a signed-in page's baseline was refused (its error summary), when a form's valid fields go stale.
      if (process.env.FUZZ_DEBUG && c.mutations.length === 0 && status >= 400 && c.plan.op.session) progress(`DEBUG ${c.plan.route} ${credName} ${status} ${req.body ? bodyText(req.body).slice(0, 200) : ''} ${req.headers.cookie ?? ''}: ${(/<(div|p) class="(error-summary|field-error)[\s\S]*?<\/\1>/.exec(text)?.[0] ?? /<main[\s\S]{0,600}/.exec(text)?.[0] ?? text.slice(0, 400)).replace(/\s+/g, ' ')}`)
      if (ms > SLOW_MS) report.slow.push({ route: c.plan.route, what, ms, status })
      const fail = (kind: FailureKind, detail: string) => {
        report.failures.push({
          kind, route: c.plan.route, what, credentials: credName, method: req.method, url: truncate(req.url, 300), body: truncate(bodyText(req.body), 300), status, reply: truncate(text, 600), detail,
        })
        // Told as they come (the first 20): a long run's failures are seen before its end.
        if (report.failures.length <= 20) progress(`failure: [${kind}] ${c.plan.route} — ${what} (${credName}) → ${status}: ${detail.split('\n')[0]!.slice(0, 200)}`)
      }
      if (status === 0) { report.noReply++; fail('no reply', text) }
      // A form post with a missing or wrong CSRF token, signed in (or on a sign-in form), is refused with 403 whatever else it holds.
      // A signed-in person is never told to sign in, unless the request ended the session itself: a
      // request that ends someone's session by accident. The run signs the person in again and goes on.
      if (status === 401 && cred?.person && given && !c.plan.op.form?.endsSession) {
        fail('session lost', `${credName} answered 401: the session ended before or during this request`)
        const fresh = await target.signIn(cred.person.email, cred.person.roles, cred.person.name)
        for (const other of sessionCredentials) if (other.other === given.csrf) other.other = fresh.csrf
        given.cookie = fresh.cookie
        given.csrf = fresh.csrf
        target.takeChanges()
      }
      if (c.mutations.length === 1 && c.mutations[0]!.csrfRefused && (cred?.person || c.plan.op.form?.anonymous) && status !== 403 && status !== 0) {
        report.csrfNotRefused++
        fail('csrf not refused', `expected 403 for ${c.mutations[0]!.label}, got ${status}`)
      }
      if (status >= 500) { report.fiveHundreds++; fail('5xx', stackOf(target.takeErrors())) }
      for (const [where, content] of [['body', text], ['headers', headerText]] as const) {
        const marker = status === 0 ? undefined : leakIn(content)
        if (!marker) continue
        report.leaks++
        const at = content.indexOf(marker)
        fail('leak', `"${marker}" in the reply's ${where}: …${content.slice(Math.max(0, at - 80), at + 120)}…`)
      }
      // total_changes() counts every row written on the app's connection (rolled back or not): one
      // for the token's last-use stamp when a valid token was sent; anything more, a look at the log.
      const moved = target.totalChanges() - before - (validToken && status !== 429 ? 1 : 0)
      if (moved > 0) {
        report.changeChecks++
        const written = Object.entries(target.takeChanges())
        if ((status >= 400 || status === 0) && written.length > 0) {
          report.changedRows++
          fail('changed rows', `committed writes: ${written.map(([t, n]) => `${t} (${n} rows)`).join(', ')}`)
        }
      }
    }

    let i = 0
    let printed = 0
    while (report.requests < opts.requests) {
      let c: Case
      if (i < cases.length) c = cases[i]!
      else {
        // All planned cases sent: random combinations of two or three mutations of one operation.
        const plan = random.pick(plans)
        const pool = plan.groups.flatMap(g => g.mutations)
        c = { plan, baseline: random.int(plan.baselines.length), mutations: Array.from({ length: 2 + random.int(2) }, () => random.pick(pool)) }
      }
      i++
      if (c.authorization) {
        await send(c, `authorization: ${c.authorization.label}`, c.authorization.make(target.tokens.admin), false)
      } else {
        if (c.plan.op.session) {
          for (const cred of sessionCredentials) {
            if (report.requests >= opts.requests) break
            await send(c, cred.name, undefined, false, cred)
          }
        } else {
          for (const [name, header] of credentials) {
            if (report.requests >= opts.requests) break
            await send(c, name, header, header !== undefined)
          }
        }
      }
      if (Math.floor(report.requests / 1000) > printed) {
        printed = Math.floor(report.requests / 1000)
        progress(`${report.requests} requests, ${report.failures.length} failures, ${((Date.now() - started) / 1000).toFixed(0)} s`)
      }
    }
  } finally {
    await target.close()
  }
  report.durationMs = Date.now() - started
  return report
}

function structuredState (s: RequestState): RequestState {
  return {
    method: s.method,
    path: { ...s.path },
    query: s.query.map(([k, v]) => [k, v]),
    json: s.json === undefined ? undefined : cloneJson(s.json),
    raw: s.raw,
    contentType: s.contentType,
    headers: { ...s.headers },
    form: s.form?.map(([k, v]) => [k, v]),
    formAs: s.formAs,
    file: s.file,
  }
}
function cloneJson (v: unknown): unknown {
  if (v instanceof RawJson || v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return v.map(cloneJson)
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneJson(x)]))
}

// ---------------------------------------------------------------------------------------------------
// The summary

/** Failures deduplicated by route and cause (kind, status and the first frame in src/, or the marker). */
export function distinctFailures (failures: Failure[]): Array<Failure & { count: number }> {
  const seen = new Map<string, Failure & { count: number }>()
  for (const f of failures) {
    const frame = /src\/[^\s)]+/.exec(f.detail)?.[0]?.replace(/:\d+:\d+$/, '') ?? f.detail.split('\n')[0]!.slice(0, 80)
    const key = `${f.route}|${f.kind}|${f.status}|${f.kind === 'changed rows' ? f.detail.replace(/\(.*?\)/g, '') : frame}`
    const known = seen.get(key)
    if (known) known.count++
    else seen.set(key, { ...f, count: 1 })
  }
  return [...seen.values()]
}

export function formatReport (r: FuzzReport): string {
  const lines: string[] = []
  lines.push(`npm run fuzz: seed ${r.seed}, ${r.operations} operations, ${r.casesPlanned} planned cases × 3 credentials`)
  lines.push(r.switchedOff.length ? `switched off for the run: ${r.switchedOff.join(', ')} (rate limits and load shedding are not replies to input)` : 'no rate-limit or overload switch in the configuration')
  lines.push('')
  lines.push('per route: status:count, and [the baselines\' replies: minimal and rich, each without credentials, admin, editor]:')
  for (const [route, counts] of Object.entries(r.byRoute).sort(([a], [b]) => a.localeCompare(b))) {
    const statuses = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s}:${n}`).join(' ')
    lines.push(`  ${route.padEnd(50)} ${statuses}  [${(r.baselineReplies[route] ?? []).join(' ')}]`)
  }
  if (r.slow.length) {
    lines.push('')
    lines.push(`slow replies (> ${SLOW_MS / 1000} s, not failures): ${r.slow.length}`)
    for (const s of r.slow.slice(0, 10)) lines.push(`  ${s.route}  ${s.what}  → ${s.status} in ${s.ms} ms`)
  }
  const accepted = Object.entries(r.acceptedControl)
  if (accepted.length) {
    lines.push('')
    lines.push(`control characters stored (a write answered 2xx; issue 13 item 5, not counted as failures): ${accepted.length}`)
    for (const [what, n] of accepted.sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${what} ×${n}`)
  }
  const distinct = distinctFailures(r.failures)
  if (distinct.length) {
    lines.push('')
    lines.push(`failures (${r.failures.length}, ${distinct.length} distinct by route and cause):`)
    for (const f of distinct) {
      lines.push(`- [${f.kind}] ${f.route} — ${f.what} (credentials: ${f.credentials}; ${f.count}×)`)
      lines.push(`    ${f.method} ${f.url}`)
      if (f.body) lines.push(`    body: ${f.body.replace(/\n/g, '\\n')}`)
      lines.push(`    reply ${f.status}: ${f.reply.replace(/\n/g, '\\n')}`)
      lines.push(...f.detail.split('\n').map(l => `    | ${l}`))
    }
  }
  lines.push('')
  lines.push(`status classes: ${Object.entries(r.byClass).sort(([a], [b]) => a.localeCompare(b)).map(([c, n]) => `${c} ${n}`).join(', ')}`)
  lines.push(`requests: ${r.requests} in ${(r.durationMs / 1000).toFixed(1)} s (seed ${r.seed}; change log read after ${r.changeChecks})`)
  lines.push(`5xx: ${r.fiveHundreds}   leaks: ${r.leaks}   changed rows after rejected requests: ${r.changedRows}   no reply: ${r.noReply}   CSRF not refused: ${r.csrfNotRefused}`)
  const goals = r.requests >= 10_000 && r.fiveHundreds === 0 && r.leaks === 0 && r.changedRows === 0 && r.noReply === 0 && r.csrfNotRefused === 0
  lines.push(`goals (≥ 10,000 requests, 0 × 5xx, 0 leaks, 0 changed rows): ${goals ? 'met' : r.requests < 10_000 && r.failures.length === 0 ? `clean, but only ${r.requests} requests` : 'NOT met'}`)
  return lines.join('\n')
}
