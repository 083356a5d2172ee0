// Two real server processes on one PostgreSQL database (issue 16), as a load balancer would run them:
// `node --import tsx src/server.ts` twice, on a fresh copy of the seeded database, with a loopback SMTP
// server that tells the instances apart by their SMTP user. Writes go through both over real HTTP.
// What must hold: a write on one is in the other's feeds (new ETag) and pages at once; a user signed in on
// one is signed in on the other; each reminder is sent once however the two instances' runs overlap; and
// an instance killed -9 after the SMTP server accepted a reminder but before it recorded the send loses
// nothing: the other sends that reminder once more, with the same Message-ID, once the lease runs out.
import { spawn, type ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { catalogue } from './helpers/app.js'
import { createPgTestDatabase, openPgTestDatabase } from './helpers/database.js'
import { csrfOf } from './helpers/people.js'
import { createDependencies } from '../src/composition.js'
import { localDateOf } from '../src/domain/local-time.js'
import { horizonFor } from '../src/services/occurrence-index.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BASE_URL = 'http://arshjul.multi.test'
/** The lease the instances run with (REMINDER_LEASE_SECONDS): a reminder of a killed instance waits this long. */
const LEASE_SECONDS = 3
const INTERVAL_SECONDS = 5
/** src/db/pg.ts's writer lock (every service transaction takes it): held here to keep an instance from recording a send. */
const WRITER_LOCK = 0x41_72_73_68_01

interface Instance {
  name: string
  child: ChildProcess
  url: string
  output: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

interface Received { user: string; messageId: string; subject: string; to: string }

let database: { url: string; drop: () => Promise<void> }
let admin: string
let signInUrl: string
let smtp: SMTPServer
let smtpPort: number
const received: Received[] = []
/** Called for each whole message before it is answered; answers it itself when it returns true. */
let intercept: ((m: Received, accept: () => void, sessionId: string) => boolean) | null = null
const closedSessions = new Set<string>()
const sessionWaiters: Array<{ id: string; resolve: () => void }> = []
const instances: Instance[] = []
let pgClient: pg.Client

function startInstance (name: string): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: database.url,
      PORT: '0',
      HOST: '127.0.0.1',
      BASE_URL,
      SEED: 'off',
      LOG_LEVEL: 'info',
      RATE_LIMIT: 'off',
      // Each instance logs in to the SMTP server as itself.
      SMTP_URL: `smtp://${name}:secret@127.0.0.1:${smtpPort}`,
      MAIL_FROM: 'Årshjul <arshjul@multi.test>',
      REMINDERS: 'on',
      REMINDER_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
      REMINDER_LEASE_SECONDS: String(LEASE_SECONDS),
      REMINDER_SEND_HOUR: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve => child.once('exit', (code, signal) => resolve({ code, signal })))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance ${name} did not start:\n${output.join('')}`)), 120_000)
    child.stderr!.on('data', (c: Buffer) => output.push(c.toString()))
    child.stdout!.on('data', (c: Buffer) => {
      const text = c.toString()
      output.push(text)
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(text)
      if (m) {
        clearTimeout(timer)
        const instance = { name, child, url: m[1]!, output, exited }
        instances.push(instance)
        resolve(instance)
      }
    })
    exited.then(r => { clearTimeout(timer); reject(new Error(`instance ${name} exited (${r.code ?? r.signal}):\n${output.join('')}`)) }, () => {})
  })
}

/** A request over real HTTP; `token` (default: the admin's) as a bearer, or none (null). */
const call = (i: Instance, path: string, init: RequestInit = {}, token: string | null = admin) =>
  fetch(`${i.url}${path}`, { redirect: 'manual', ...init, headers: { ...token !== null ? { authorization: `Bearer ${token}` } : {}, ...init.headers as Record<string, string> } })
/** An iCalendar text with its folded lines joined (RFC 5545 § 3.1). */
const unfolded = async (res: Response) => (await res.text()).replace(/\r\n[ \t]/g, '')
/** On failure, what the instances logged (the last lines of each). */
const showLogsOnFailure = () => onTestFailed(async () => {
  console.error(`--- outbox ---\n${JSON.stringify(await outbox())}\n--- received ---\n${JSON.stringify(received)}`)
  for (const i of instances) console.error(`--- instance ${i.name} ---\n${i.output.join('').split('\n').slice(-40).join('\n')}`)
})
const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const cookiesOf = (res: Response) => new Map(res.headers.getSetCookie().map(c => {
  const [pair] = c.split(';')
  const i = pair!.indexOf('=')
  return [pair!.slice(0, i), pair!.slice(i + 1)] as const
}))
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
async function until<T> (what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}
const outbox = async () => (await pgClient.query<{ id: number; status: string; message_id: string; attempts: number; recipient: string }>(
  "SELECT id, status, message_id, attempts, recipient FROM reminder_outbox WHERE channel = 'email' ORDER BY id")).rows
/** Every row has its outcome: none waits or is claimed (a withdrawn reminder is 'cancelled', not sent). */
const settled = (list: Awaited<ReturnType<typeof outbox>>) => list.length > 0 && list.every(r => r.status !== 'pending' && r.status !== 'sending') && list
const sentIds = (list: Awaited<ReturnType<typeof outbox>>) => new Set(list.filter(r => r.status === 'sent').map(r => r.message_id))
const perMessageId = (list: readonly Received[]) => {
  const counts = new Map<string, number>()
  for (const m of list) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1)
  return counts
}

beforeAll(async () => {
  database = await createPgTestDatabase('seeded')
  pgClient = new pg.Client({ connectionString: database.url })
  await pgClient.connect()
  // Before the instances start: an admin token and a person with a sign-in link, made with the services.
  const deps = await createDependencies({ config: { BASE_URL, DATABASE_PATH: ':memory:' }, catalogue, database: openPgTestDatabase(database.url) })
  try {
    admin = (await deps.services.tokens.create({ label: 'multi-instance test', role: 'admin' })).token
    await deps.services.people.ensure({ email: 'kari@multi.test', name: 'Kari Flerinstans', roles: [{ role: 'admin' }] }, null)
    signInUrl = (await deps.services.people.issueLoginLink('kari@multi.test', '')).url
  } finally {
    await deps.close()
  }

  smtp = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    onAuth (a, _session, callback) { callback(null, { user: a.username }) },
    onData (stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        const header = (name: string) => new RegExp(`^${name}: *(.*)$`, 'mi').exec(raw)?.[1]?.trim() ?? ''
        const m: Received = { user: String(session.user), messageId: header('Message-ID'), subject: header('Subject'), to: session.envelope.rcptTo.map(r => r.address).join(',') }
        received.push(m)
        if (!intercept?.(m, () => callback(), session.id)) callback()
      })
    },
    onClose (session) {
      closedSessions.add(session.id)
      for (const w of sessionWaiters.filter(w => w.id === session.id)) w.resolve()
    },
  })
  await new Promise<void>(resolve => smtp.listen(0, '127.0.0.1', resolve))
  smtpPort = (smtp.server.address() as AddressInfo).port
  // Both at once, as a deployment starts them: each migrates (once, under a lock) and starts its reminder runs.
  await Promise.all([startInstance('a'), startInstance('b')])
}, 240_000)

afterAll(async () => {
  for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGTERM')
  await Promise.all(instances.map(i => i.exited))
  await new Promise<void>(resolve => smtp?.close(() => resolve()))
  await pgClient?.end()
  await database?.drop()
}, 60_000)

describe('two server instances on one PostgreSQL database', () => {
  it('a write on A is in B\'s feed (a new ETag) and B\'s pages at once', async () => {
    showLogsOnFailure()
    const [a, b] = instances
    const feed = '/feeds/bodies/oyer-formannskap.ics'
    const year = new Date().getUTCFullYear() + 1
    const before = await call(b!, feed)
    expect(before.status).toBe(200)
    const etag = before.headers.get('etag')!
    // The new meetings' start (the feed names a meeting by its body; the page shows the rule's title).
    const first = `DTSTART;TZID=Europe/Oslo:${year}0318T180000`
    const third = `DTSTART;TZID=Europe/Oslo:${year}0401T180000`
    expect(await unfolded(before)).not.toContain(first)
    // B answers the unchanged feed from memory.
    expect((await call(b!, feed, { headers: { 'if-none-match': etag } })).status).toBe(304)

    const rule = { eventType: 'mote', municipality: 'oyer', responsibleBody: 'oyer-formannskap', durationMinutes: 120, title: 'Flerinstansmøte' }
    const created = await call(a!, '/api/v1/rules', json({ ...rule, dtstart: `DTSTART;TZID=Europe/Oslo:${year}0318T180000`, rrule: 'FREQ=WEEKLY;COUNT=2' }))
    expect(created.status, await created.clone().text()).toBe(201)

    // The very next request to B, with B's old ETag: A's commit notified B before A answered.
    const after = await call(b!, feed, { headers: { 'if-none-match': etag } })
    expect(after.status).toBe(200)
    expect(after.headers.get('etag')).not.toBe(etag)
    expect(await unfolded(after)).toContain(first)

    const page = await call(b!, `/arshjul?body=oyer-formannskap&year=${year}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Flerinstansmøte')

    // And the other way round: a write on B, read on A.
    const aBefore = await call(a!, feed)
    const aEtag = aBefore.headers.get('etag')!
    expect(await unfolded(aBefore)).not.toContain(third)
    const ruleId = ((await created.json()) as { id: number }).id
    const longer = await call(b!, `/api/v1/rules/${ruleId}`, { ...json({ rrule: 'FREQ=WEEKLY;COUNT=3' }), method: 'PATCH' })
    expect(longer.status, await longer.clone().text()).toBe(200)
    const aAfter = await call(a!, feed, { headers: { 'if-none-match': aEtag } })
    expect(aAfter.status).toBe(200)
    expect(await unfolded(aAfter)).toContain(third)
  }, 60_000)

  it('a user signed in on A is signed in on B, and signed out on both after signing out on B', async () => {
    showLogsOnFailure()
    const [a, b] = instances
    const confirm = await call(a!, signInUrl, {}, null)
    expect(confirm.status).toBe(200)
    const csrfCookie = cookiesOf(confirm).get('arshjul_csrf')!
    const form = new URLSearchParams({ _csrf: csrfOf(await confirm.text()) })
    const signedIn = await call(a!, signInUrl, { method: 'POST', headers: { cookie: `arshjul_csrf=${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }, null)
    expect(signedIn.status, await signedIn.clone().text()).toBe(303)
    const cookie = `arshjul_sesjon=${cookiesOf(signedIn).get('arshjul_sesjon')!}; arshjul_csrf=${csrfCookie}`

    const onB = await call(b!, '/', { headers: { cookie } }, null)
    expect(onB.status).toBe(200)
    const html = await onB.text()
    expect(html).toContain('Kari Flerinstans')
    expect(await (await call(b!, '/', {}, null)).text()).not.toContain('Kari Flerinstans')

    // Signing out on B ends the session on A too.
    const out = await call(b!, '/logg-ut', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrfOf(html) }).toString() }, null)
    expect(out.status).toBe(303)
    expect(await (await call(a!, '/', { headers: { cookie } }, null)).text()).not.toContain('Kari Flerinstans')
  }, 60_000)

  it('both instances run reminders: each is sent exactly once', async () => {
    showLogsOnFailure()
    const [a, b] = instances
    const subscribed = await call(a!, '/api/v1/subscriptions', json({ name: 'Ola Øyer', email: 'ola@oyer.multi.test', municipality: 'oyer' }))
    expect(subscribed.status, await subscribed.clone().text()).toBe(201)
    const rows = await until('reminders enqueued and sent', async () => settled(await outbox()))
    expect(rows.filter(r => r.status === 'sent').length).toBeGreaterThan(0)
    // Both instances keep running every few seconds meanwhile: two more rounds each.
    await sleep(2 * INTERVAL_SECONDS * 1000 + 500)
    expect(await outbox()).toEqual(rows)
    const counts = perMessageId(received)
    expect(new Set(counts.keys())).toEqual(sentIds(rows))
    expect([...counts.values()].every(n => n === 1), JSON.stringify([...counts])).toBe(true)
    expect(a!.child.exitCode).toBeNull()
    expect(b!.child.exitCode).toBeNull()

    // Both also rolled the index's horizon forward at start (the seeded copy was indexed in 2027): one
    // built, the other skipped; the build ran to its end.
    const meta = await until('the index rolled forward', async () => {
      const [m] = (await pgClient.query<{ cursor: number | null; valid_from: string; valid_to: string; target_from: string; target_to: string }>('SELECT * FROM occurrence_index_meta')).rows
      return m && m.cursor === null && m.valid_from === m.target_from && m.valid_to === m.target_to && m
    }, 120_000)
    expect({ from: meta.target_from, to: meta.target_to }).toEqual(horizonFor(localDateOf(new Date(), 'Europe/Oslo')))
  }, 240_000)

  it('an instance killed -9 between the SMTP server\'s acceptance and its record of the send: the other sends it once more, same Message-ID, after the lease; nothing is lost', async () => {
    showLogsOnFailure()
    const [a, b] = instances
    const earlier = received.length
    const known = new Set((await outbox()).map(r => r.id))
    const lock = new pg.Client({ connectionString: database.url })
    await lock.connect()
    let victim: Instance | undefined
    let first: Received | undefined
    const killed = new Promise<void>((resolve, reject) => {
      intercept = (m, accept, sessionId) => {
        intercept = null
        first = m
        victim = instances.find(i => i.name === m.user)
        ;(async () => {
          // Every service transaction takes the writer lock first: held here, the sender cannot record the send.
          await lock.query('SELECT pg_advisory_lock($1)', [WRITER_LOCK])
          const hungUp = new Promise<void>(resolve => {
            if (closedSessions.has(sessionId)) resolve()
            else sessionWaiters.push({ id: sessionId, resolve })
          })
          accept() // 250
          // nodemailer hangs up only once it has read the reply to DATA: the sender heard the 250.
          await hungUp
          victim!.child.kill('SIGKILL')
          expect(await victim!.exited).toEqual({ code: null, signal: 'SIGKILL' })
          await lock.query('SELECT pg_advisory_unlock($1)', [WRITER_LOCK])
        })().then(resolve, reject)
        return true
      }
    })
    try {
      // A write through B makes new reminders; whichever instance runs next sends them.
      const subscribed = await call(b!, '/api/v1/subscriptions', json({ name: 'Per Gausdal', email: 'per@gausdal.multi.test', municipality: 'gausdal' }))
      expect(subscribed.status, await subscribed.clone().text()).toBe(201)
      await Promise.race([killed, sleep(90_000).then(() => { throw new Error('no new reminder reached the SMTP server') })])
    } finally {
      intercept = null
      await lock.end()
    }
    expect(victim).toBeDefined()
    const survivor = victim === a ? b! : a!
    const row = (await outbox()).find(r => r.message_id === first!.messageId)!
    expect(row).toMatchObject({ status: 'sending', attempts: 1 })

    // The survivor takes the dead instance's claims over once their lease runs out, and sends them.
    const rows = await until('every new reminder sent', async () => settled((await outbox()).filter(r => !known.has(r.id))), 90_000)
    const mine = received.slice(earlier)
    const counts = perMessageId(mine)
    expect(new Set(counts.keys())).toEqual(sentIds(rows))
    // The one the SMTP server accepted from the dead instance: twice, both times with its Message-ID; every other once.
    expect(counts.get(first!.messageId)).toBe(2)
    for (const [id, n] of counts) if (id !== first!.messageId) expect(n, id).toBe(1)
    expect(mine.filter(m => m.messageId === first!.messageId).map(m => m.user)).toEqual([victim!.name, survivor.name])
    expect(rows.find(r => r.id === row.id)).toMatchObject({ status: 'sent', attempts: 2 })
    expect(mine.slice(1).every(m => m.user === survivor.name)).toBe(true)
  }, 180_000)
})
