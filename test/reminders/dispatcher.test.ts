// The dispatcher end to end with real parts: a seeded database (SQLite file or PostgreSQL), a real SMTP server and a real
// HTTP receiver on loopback, the real nodemailer and fetch transports. The clock is fixed and moved
// by hand; nothing waits on wall time.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import ICAL from 'ical.js'
import pg from 'pg'
import { BASE_URL, buildTestApp, catalogue, type TestApp } from '../helpers/app.js'
import { startSmtpReceiver, startWebhookReceiver, type ReceivedMail, type SmtpReceiver, type WebhookReceiver } from '../helpers/receivers.js'
import { loadConfig } from '../../src/config.js'
import { openDatabase, type DatabaseHandle } from '../../src/db/client.js'
import { createDependencies } from '../../src/composition.js'
import { dispatcherFromConfig } from '../../src/reminders/setup.js'
import { verifyWebhookSignature } from '../../src/reminders/webhook.js'
import { fixedClock } from '../../src/shared/clock.js'
import { openPgTestDatabase } from '../helpers/database.js'
import type { Services } from '../../src/services/index.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const MINUTE = 60_000
/** Monday 8 February 2027, 08:00 in Oslo: 14 days before Øyer's årsregnskap is due (22 February, koml. § 14-6). */
const FEB_8 = '2027-02-08T07:00:00Z'

let t: TestApp
let smtp: SmtpReceiver
let hooks: WebhookReceiver
beforeEach(async () => {
  t = await buildTestApp({ now: FEB_8 })
  smtp = await startSmtpReceiver()
  hooks = await startWebhookReceiver()
})
afterEach(async () => {
  await t.close()
  await smtp.close()
  await hooks.close()
})

const config = (env: Record<string, string> = {}) => loadConfig({ BASE_URL, SMTP_URL: smtp.url, ...env })
/** A dispatcher over the test app's services (its clock), or over another composition root's. */
function dispatcher (opts: { env?: Record<string, string>; services?: Services; workerId?: string; batchSize?: number } = {}) {
  return dispatcherFromConfig(config(opts.env), { services: opts.services ?? t.services, workerId: opts.workerId, batchSize: opts.batchSize })
}
async function subscribe (body: Record<string, unknown>, token = t.tokens.admin) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: t.auth(token), payload: body })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: number; webhookSecret?: string }
}
const outbox = async () => (await t.repos.outbox.list({ limit: 500, offset: 0 })).items
const oyerOccurrence = async (eventType: string, date: string) => {
  const res = await t.app.inject(`/api/v1/occurrences?municipality=oyer&eventType=${eventType}&from=${date}&to=${date}`)
  return (res.json().data as Array<{ id: string; subject: { slug: string } }>).find(o => o.subject.slug === 'oyer')!
}
const kari = { name: 'Kari Nordmann', email: 'kari@oyer.kommune.no', municipality: 'oyer', eventTypes: ['arsregnskap_avlagt'] }
/** The test app's database for another process: SQLite's file, or PostgreSQL's URL. */
function databaseEnv (): Record<string, string> {
  const database = t.deps.database
  return database.dialect === 'sqlite' ? { DATABASE_PATH: database.sqlite.name } : { DATABASE_URL: database.pool.options.connectionString! }
}
/** The test app's database opened once more, as by another instance: SQLite's file by name, or a new pool on PostgreSQL's URL. */
function openSecond (): DatabaseHandle {
  const database = t.deps.database
  return database.dialect === 'sqlite' ? openDatabase(database.sqlite.name) : openPgTestDatabase(database.pool.options.connectionString!)
}
/**
 * Holds every write to the outbox from another connection until the returned release: SQLite's
 * write lock (BEGIN IMMEDIATE on a second connection), on PostgreSQL an EXCLUSIVE lock on the table
 * (reads go on). Writers wait: SQLite's for up to busy_timeout (5 s), PostgreSQL's for as long as it is held.
 */
async function holdOutboxWrites (): Promise<() => Promise<void>> {
  const database = t.deps.database
  if (database.dialect === 'sqlite') {
    const lock = openDatabase(database.sqlite.name)
    try {
      lock.sqlite.exec('BEGIN IMMEDIATE')
    } catch (err) {
      lock.sqlite.close()
      throw err
    }
    return async () => {
      if (lock.sqlite.inTransaction) lock.sqlite.exec('ROLLBACK')
      lock.sqlite.close()
    }
  }
  const client = new pg.Client({ connectionString: database.pool.options.connectionString })
  await client.connect()
  try {
    await client.query('BEGIN')
    await client.query('LOCK TABLE reminder_outbox IN EXCLUSIVE MODE')
  } catch (err) {
    await client.end()
    throw err
  }
  return async () => {
    try {
      await client.query('ROLLBACK')
    } finally {
      await client.end()
    }
  }
}
/** `npm run reminders -- --now <now>` as cron runs it: a child process on the test app's database. */
const remindersCommand = (now: string) => spawn(process.execPath, ['--import', 'tsx', 'src/cli/reminders.ts', '--now', now], {
  cwd: ROOT, env: { ...process.env, ...databaseEnv(), SMTP_URL: smtp.url, BASE_URL, LOG_LEVEL: 'silent' }, stdio: 'ignore',
})
/** The parts of a received e-mail that a repeat must carry unchanged (Date and MIME boundaries differ). */
const contentOf = (m: ReceivedMail) => ({
  to: m.to,
  messageId: m.parsed.messageId,
  reminder: m.parsed.headers.get('x-arshjul-reminder'),
  subject: m.parsed.subject,
  text: m.parsed.text,
  attachments: m.parsed.attachments.map(a => [a.filename, a.contentType, a.content.toString('utf8')]),
})

describe('e-mail reminders over real SMTP', () => {
  it('sends the reminder 14 days before, in Norwegian, with a Message-ID from the outbox key and the deadline as an all-day .ics', async () => {
    await subscribe(kari, t.tokens.editorOyer)
    const occ = await oyerOccurrence('arsregnskap_avlagt', '2027-02-22')
    const d = dispatcher()
    const report = await d.run()
    expect(report).toMatchObject({ day: '2027-02-08', enqueued: 1, sent: 1, failed: 0 })

    expect(smtp.messages).toHaveLength(1)
    const [mail] = smtp.messages
    const row = (await outbox())[0]!
    expect(mail!.to).toEqual(['kari@oyer.kommune.no'])
    expect(mail!.parsed.subject).toBe('Påminnelse: Årsregnskapet avlagt – Øyer – frist 22.02.2027')
    expect(mail!.parsed.messageId).toBe(row.messageId)
    expect(row.messageId).toMatch(/^<[0-9a-f]{40}@arshjul\.test>$/)
    expect(mail!.parsed.headers.get('auto-submitted')).toBe('auto-generated')
    const text = mail!.parsed.text!
    expect(text).toContain('Hei Kari Nordmann,')
    expect(text).toContain('fristen for «Årsregnskapet avlagt» for Øyer er mandag 22. februar 2027 – om 14 dager.')
    expect(text).toContain('Lovgrunnlag: kommuneloven § 14-6 siste ledd (https://lovdata.no/lov/2018-06-22-83/§14-6)')
    expect(text).toContain('Ansvarlig: ')
    expect(text).toContain(`Se og oppdater status her: ${BASE_URL}/hendelse/${occ.id}`)
    expect(text).toContain('abonnerer på påminnelser for Øyer (Årsregnskapet avlagt)')
    expect(text).not.toMatch(/\{\{|undefined|null/)

    const [ics] = mail!.parsed.attachments
    expect(ics).toMatchObject({ filename: 'frist.ics', contentType: 'text/calendar' })
    const event = new ICAL.Component(ICAL.parse(ics!.content.toString('utf8'))).getFirstSubcomponent('vevent')!
    const start = event.getFirstPropertyValue('dtstart') as ICAL.Time
    expect(start.isDate).toBe(true)
    expect(start.toString()).toBe('2027-02-22')
    expect(event.getFirstPropertyValue('uid')).toBe(`${occ.id}@arshjul.test`)
    expect(ics!.content.toString('utf8')).toContain('DTSTART;VALUE=DATE:20270222')

    expect(row).toMatchObject({ status: 'sent', attempts: 1, kind: 'before', occurrenceId: occ.id, reminderKey: 'before-14@2027-02-22', recipient: 'mailto:kari@oyer.kommune.no', sentAt: Date.parse(FEB_8) })
    const log = await t.app.inject({ url: `/api/v1/reminders?occurrence=${occ.id}`, headers: t.auth(t.tokens.editorOyer) })
    expect(log.json().data).toEqual([expect.objectContaining({ status: 'sent', recipient: 'mailto:kari@oyer.kommune.no', municipality: 'oyer', messageId: row.messageId })])

    // The same morning again, and the next day: nothing new.
    expect(await d.run({ force: true })).toMatchObject({ enqueued: 0, sent: 0 })
    t.clock.set('2027-02-09T07:00:00Z')
    expect(await d.run()).toMatchObject({ enqueued: 0, sent: 0 })
    // Three days before (Friday 19 February) the next one.
    t.clock.set('2027-02-19T07:00:00Z')
    await d.run()
    expect(smtp.messages.map(m => m.parsed.subject)).toHaveLength(2)
    expect(smtp.messages[1]!.parsed.text).toContain('– om 3 dager.')
    d.close()
  })

  it('not before the send hour: at 06:30 the day is still yesterday', async () => {
    await subscribe(kari)
    const d = dispatcher({ env: { REMINDER_SEND_HOUR: '7' } })
    t.clock.set('2027-02-08T05:30:00Z') // 06:30 in Oslo
    expect(await d.run()).toMatchObject({ day: '2027-02-07', sent: 0 })
    t.clock.set('2027-02-08T06:00:00Z') // 07:00
    expect(await d.run()).toMatchObject({ day: '2027-02-08', sent: 1 })
    d.close()
  })

  it('a meeting reminder carries the meeting as Oslo wall time with its time zone', async () => {
    await subscribe({ name: 'Ola', email: 'ola@oyer.kommune.no', body: 'oyer-kommunestyre', eventTypes: ['mote'] })
    // An adopted plan's meeting: a default plan's placeholders are not reminded (issue 12).
    const adopt = await t.app.inject({ method: 'PUT', url: '/api/v1/bodies/oyer-kommunestyre/moteplan', headers: t.auth(t.tokens.admin), payload: { meetings: [{ start: '2027-03-18T18:00' }] } })
    expect(adopt.statusCode).toBe(200)
    t.clock.set('2027-03-04T07:00:00Z') // 14 days before Thursday 18 March 18:00
    const d = dispatcher()
    await d.run()
    expect(smtp.messages).toHaveLength(1)
    const mail = smtp.messages[0]!.parsed
    expect(mail.subject).toMatch(/^Møte torsdag 18\. mars 2027 kl\. 18\.00: /)
    expect(mail.text).toContain('– om 14 dager.')
    const ics = mail.attachments[0]!
    expect(ics.filename).toBe('mote.ics')
    const text = ics.content.toString('utf8')
    expect(text).toContain('DTSTART;TZID=Europe/Oslo:20270318T180000')
    expect(text).toContain('BEGIN:VTIMEZONE')
    const event = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!
    expect(event.getFirstProperty('dtstart')!.getParameter('tzid')).toBe('Europe/Oslo')
    d.close()
  })

  it('sends nothing for a delivered occurrence, and withdraws a queued reminder when it is delivered before sending', async () => {
    await subscribe(kari)
    const occ = await oyerOccurrence('arsregnskap_avlagt', '2027-02-22')
    const d = dispatcher()
    await d.enqueue(t.clock.now())
    expect((await outbox()).map(r => r.status)).toEqual(['pending'])
    const patch = await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${occ.id}`, headers: t.auth(t.tokens.admin), payload: { status: 'delivered', deliveredOn: '2027-02-05' } })
    expect(patch.statusCode).toBe(200)
    expect(await d.deliver()).toMatchObject({ sent: 0, cancelled: 1 })
    expect((await outbox())[0]).toMatchObject({ status: 'cancelled', lastError: 'forekomsten er levert' })
    for (const day of ['2027-02-19', '2027-02-22', '2027-03-01', '2027-03-08']) {
      t.clock.set(`${day}T07:00:00Z`)
      expect(await d.run()).toMatchObject({ enqueued: 0, sent: 0 })
    }
    expect(smtp.messages).toHaveLength(0)
    d.close()
  })

  it('a moved occurrence: the queued reminder for the old date is withdrawn, and reminders follow the new date', async () => {
    await subscribe(kari)
    const occ = await oyerOccurrence('arsregnskap_avlagt', '2027-02-22')
    const d = dispatcher()
    await d.enqueue(t.clock.now())
    const moved = await t.app.inject({ method: 'PATCH', url: `/api/v1/occurrences/${occ.id}`, headers: t.auth(t.tokens.admin), payload: { movedTo: '2027-03-01' } })
    expect(moved.statusCode).toBe(200)
    expect(await d.run()).toMatchObject({ sent: 0, cancelled: 1, enqueued: 0 })
    expect((await outbox())[0]).toMatchObject({ status: 'cancelled', lastError: 'forekomsten er flyttet' })
    t.clock.set('2027-02-15T07:00:00Z') // 14 days before the new date
    expect(await d.run()).toMatchObject({ enqueued: 1, sent: 1 })
    expect(smtp.messages.map(m => m.parsed.subject)).toEqual(['Påminnelse: Årsregnskapet avlagt – Øyer – frist 01.03.2027'])
    expect((await outbox()).map(r => r.reminderKey)).toEqual(['before-14@2027-03-01', 'before-14@2027-02-22'])
    d.close()
  })

  it('escalates to the kommunedirektør after 14 days overdue, who then gets the later overdue reminders too', async () => {
    // The kontrollutvalg's statement on the accounts, due Saturday 15 May 2027: not in the kommunedirektør's calendar.
    await subscribe({ name: 'Kari', email: 'kari@oyer.kommune.no', body: 'oyer-kontrollutvalg', eventTypes: ['ku_uttalelse_regnskap'] })
    await subscribe({ name: 'Kommunedirektørens stab', email: 'kd@oyer.kommune.no', body: 'oyer-kommunedirektor', eventTypes: ['ku_uttalelse_regnskap'] })
    const d = dispatcher()
    const sent = () => smtp.messages.map(m => `${m.to[0]}: ${m.parsed.subject}`)

    t.clock.set('2027-05-21T06:00:00Z') // Friday 08:00, overdue-1 (22 May is a Saturday)
    await d.run()
    expect(sent()).toEqual(['kari@oyer.kommune.no: Fristen er passert: Kontrollutvalgets uttalelse om årsregnskap og årsberetning – Øyer – 6 dager over fristen'])

    t.clock.set('2027-05-28T06:00:00Z') // overdue-2 and the escalation, both moved to Friday
    await d.run()
    expect(sent().slice(1).sort()).toEqual([
      'kari@oyer.kommune.no: Fristen er passert: Kontrollutvalgets uttalelse om årsregnskap og årsberetning – Øyer – 13 dager over fristen',
      'kd@oyer.kommune.no: Til kommunedirektøren: Kontrollutvalgets uttalelse om årsregnskap og årsberetning – Øyer er 13 dager over fristen',
    ])
    expect(smtp.messages.find(m => m.to[0] === 'kd@oyer.kommune.no')!.parsed.text).toContain('løftet til kommunedirektøren i Øyer')

    t.clock.set('2027-06-04T06:00:00Z')
    await d.run()
    expect(sent().slice(3).sort()).toEqual([
      'kari@oyer.kommune.no: Fristen er passert: Kontrollutvalgets uttalelse om årsregnskap og årsberetning – Øyer – 20 dager over fristen',
      'kd@oyer.kommune.no: Fristen er passert: Kontrollutvalgets uttalelse om årsregnskap og årsberetning – Øyer – 20 dager over fristen',
    ])
    expect(smtp.messages[4]!.parsed.text).toContain('Kommunedirektøren i Øyer får også denne påminnelsen.')
    d.close()
  })

  it('escalates after the configured number of days', async () => {
    await subscribe({ name: 'Kommunedirektørens stab', email: 'kd@oyer.kommune.no', body: 'oyer-kommunedirektor', eventTypes: ['ku_uttalelse_regnskap'] })
    const d = dispatcher({ env: { REMINDER_ESCALATE_AFTER_DAYS: '7' } })
    t.clock.set('2027-05-21T06:00:00Z')
    await d.run()
    expect(smtp.messages.map(m => m.parsed.subject)).toEqual(['Til kommunedirektøren: Kontrollutvalgets uttalelse om årsregnskap og årsberetning – Øyer er 6 dager over fristen'])
    d.close()
  })

  it('sends the weekly digest of overdue and coming deadlines to the kommunedirektør on Monday', async () => {
    await subscribe({ name: 'Kommunedirektørens stab', email: 'kd@oyer.kommune.no', body: 'oyer-kommunedirektor', eventTypes: ['kostra_regnskap'], digest: true })
    const d = dispatcher()
    t.clock.set('2027-05-31T06:00:00Z') // Monday 08:00
    await d.run()
    const digest = smtp.messages.find(m => m.parsed.subject?.startsWith('Ukeoversikt'))!
    expect(digest.parsed.subject).toMatch(/^Ukeoversikt uke 22 for Øyer: \d+ forfalt, \d+ de neste 30 dagene$/)
    expect(digest.parsed.text).toContain('her er ukeoversikten over styringskalenderen for Øyer per mandag 31. mai 2027.')
    // Most overdue first: owner preparations of 2026's meetings lead, each line with its days over.
    const daysOver = [...digest.parsed.text!.matchAll(/– \d\d\.\d\d\.\d{4} {2}.+: (\d+) dager over fristen/g)].map(m => Number(m[1]))
    expect(daysOver.length).toBeGreaterThan(5)
    expect(daysOver).toEqual([...daysOver].sort((a, b) => b - a))
    expect(digest.parsed.text).toMatch(/– \d\d\.\d\d\.2026 {2}Eierbehandling før møte i .+ – Øyer \(Formannskapet i Øyer\): \d+ dager over fristen/)
    expect(digest.parsed.text).toMatch(/– 30\.06\.2027 {2}.+/)
    expect(digest.parsed.text).toContain(`${BASE_URL}/api/v1/reports/overdue?municipality=oyer&format=csv`)
    expect(digest.parsed.attachments).toHaveLength(0)
    // Once a week: Tuesday adds nothing.
    t.clock.set('2027-06-01T06:00:00Z')
    await d.run()
    expect(smtp.messages.filter(m => m.parsed.subject?.startsWith('Ukeoversikt'))).toHaveLength(1)
    d.close()
  })

  it("gives those who subscribe later in the week that week's digest, each municipality its own, and nobody a second one", async () => {
    await subscribe({ name: 'Kommunedirektørens stab', email: 'kd@oyer.kommune.no', body: 'oyer-kommunedirektor', digest: true })
    const d = dispatcher()
    const digests = () => smtp.messages.filter(m => m.parsed.subject?.startsWith('Ukeoversikt')).map(m => [m.to.join(), m.parsed.subject!.replace(/:.*/, '')])
    t.clock.set('2027-05-31T06:00:00Z') // Monday 08:00
    await d.run()
    expect(digests()).toEqual([['kd@oyer.kommune.no', 'Ukeoversikt uke 22 for Øyer']])
    // Tuesday: a second recipient in Øyer and one in Lillehammer catch up on the week's digest.
    await subscribe({ name: 'Rådgiver', email: 'radgiver@oyer.kommune.no', municipality: 'oyer', digest: true })
    await subscribe({ name: 'Kommunedirektøren i Lillehammer', email: 'kd@lillehammer.kommune.no', body: 'lillehammer-kommunedirektor', digest: true })
    t.clock.set('2027-06-01T06:00:00Z')
    await d.run()
    expect(digests().sort()).toEqual([
      ['kd@lillehammer.kommune.no', 'Ukeoversikt uke 22 for Lillehammer'],
      ['kd@oyer.kommune.no', 'Ukeoversikt uke 22 for Øyer'],
      ['radgiver@oyer.kommune.no', 'Ukeoversikt uke 22 for Øyer'],
    ])
    d.close()
  })
})

describe('webhooks over real HTTP', () => {
  it('signs each POST; a receiver answering 500 twice and then 200 gets exactly one successful delivery', async () => {
    const secret = 'test-secret-0123456789abcdef'
    await subscribe({ name: 'Saksbehandlingssystemet', webhookUrl: hooks.url, webhookSecret: secret, municipality: 'oyer', eventTypes: ['arsregnskap_avlagt'] })
    hooks.respondWith(500, 500)
    const d = dispatcher({ env: { REMINDER_RETRY_BASE_SECONDS: '60' } })

    expect(await d.run()).toMatchObject({ sent: 0, retried: 1 })
    expect((await outbox())[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'webhook: HTTP 500 nope', nextAttemptAt: Date.parse(FEB_8) + MINUTE })
    // Not before the backoff has passed.
    t.clock.advance(30_000)
    expect(await d.run()).toMatchObject({ sent: 0, retried: 0 })
    t.clock.advance(31_000)
    expect(await d.run()).toMatchObject({ sent: 0, retried: 1 })
    expect((await outbox())[0]!.nextAttemptAt).toBe(t.clock.now().getTime() + 2 * MINUTE) // doubled
    t.clock.advance(2 * MINUTE)
    expect(await d.run()).toMatchObject({ sent: 1 })
    t.clock.advance(60 * MINUTE)
    expect(await d.run()).toMatchObject({ sent: 0, retried: 0 })

    expect(hooks.deliveries.map(x => x.status)).toEqual([500, 500, 200])
    const bodies = new Set(hooks.deliveries.map(x => x.body))
    expect(bodies.size).toBe(1) // the same bytes every time
    for (const x of hooks.deliveries) {
      const ts = Number(x.headers['x-arshjul-timestamp'])
      expect(x.headers['x-arshjul-signature']).toMatch(/^sha256=[0-9a-f]{64}$/)
      // Signed with the real time (receivers check freshness against their own clocks), whatever the dispatcher's clock says.
      expect(verifyWebhookSignature(secret, { timestamp: String(ts), signature: String(x.headers['x-arshjul-signature']) }, x.body, Math.floor(Date.now() / 1000))).toBe(true)
      expect(verifyWebhookSignature('another-secret-0123456789', { timestamp: String(ts), signature: String(x.headers['x-arshjul-signature']) }, x.body, ts)).toBe(false)
      expect(x.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(x.headers['x-arshjul-event']).toBe('reminder.before')
    }
    const body = JSON.parse([...bodies][0]!)
    expect(body).toMatchObject({
      event: 'reminder.before',
      type: 'reminder',
      reminder: { kind: 'before', dueDate: '2027-02-22', daysLeft: 14, key: 'before-14@2027-02-22' },
      occurrence: { eventType: 'arsregnskap_avlagt', date: '2027-02-22', subject: { slug: 'oyer' } },
      recipient: { name: 'Saksbehandlingssystemet' },
    })
    expect(body.id).toBe(hooks.deliveries[0]!.headers['x-arshjul-delivery'])
    expect(JSON.stringify(body)).not.toContain(secret)
    expect((await outbox())[0]).toMatchObject({ status: 'sent', attempts: 3, lastResponse: 'HTTP 200 ok', lastError: null })
    d.close()
  })

  it('gives up after the configured number of attempts and records the error', async () => {
    await subscribe({ name: 'Hook', webhookUrl: hooks.url, municipality: 'oyer', eventTypes: ['arsregnskap_avlagt'] })
    hooks.respondWith(503, 503, 503)
    const d = dispatcher({ env: { REMINDER_MAX_ATTEMPTS: '3', REMINDER_RETRY_BASE_SECONDS: '1' } })
    for (let i = 0; i < 5; i++) {
      await d.run()
      t.clock.advance(MINUTE)
    }
    expect(hooks.deliveries).toHaveLength(3)
    expect((await outbox())[0]).toMatchObject({ status: 'failed', attempts: 3, lastError: 'webhook: HTTP 503 nope' })
    d.close()
  })
})

describe('crash safety', () => {
  /**
   * A new dispatcher on the same file after a crash at 07:00 (Oslo 08:00): it leaves the row alone
   * while the dead one's 10-minute lease holds, then sends it once and records it; a later forced run
   * sends nothing. Returns the dispatcher, still open.
   */
  async function restartAfterLease () {
    const d = dispatcher()
    t.clock.set('2027-02-08T07:05:00Z')
    expect(await d.run()).toMatchObject({ sent: 0 })
    t.clock.set('2027-02-08T07:20:00Z')
    expect(await d.run()).toMatchObject({ sent: 1 })
    t.clock.set('2027-02-08T09:00:00Z')
    expect(await d.run({ force: true })).toMatchObject({ sent: 0 })
    return d
  }

  it('a row claimed by a dispatcher that died is sent by the next run once the lease runs out, with the same Message-ID; a sent row never again', async () => {
    await subscribe(kari)
    const d = dispatcher()
    await d.enqueue(t.clock.now())
    // Another dispatcher claims the row and dies before recording anything.
    const [claimed] = await t.repos.outbox.claim({ worker: 'crashed', now: t.clock.now().getTime(), leaseMs: 10 * MINUTE, limit: 10, channels: ['email', 'webhook'] })
    expect(claimed).toMatchObject({ status: 'sending', claimedBy: 'crashed', attempts: 1 })
    expect(await d.run()).toMatchObject({ sent: 0 }) // still leased
    t.clock.advance(10 * MINUTE)
    expect(await d.run()).toMatchObject({ sent: 1 })
    expect(smtp.messages.map(m => m.parsed.messageId)).toEqual([claimed!.messageId])
    expect((await outbox())[0]).toMatchObject({ status: 'sent', attempts: 2, claimedBy: null })
    // Recorded as sent: no later run, however late, sends it again.
    t.clock.advance(24 * 60 * MINUTE)
    await d.run({ force: true })
    expect(await t.repos.outbox.claim({ worker: 'x', now: t.clock.now().getTime() + 365 * 86_400_000, leaseMs: MINUTE, limit: 10, channels: ['email'] })).toEqual([])
    expect(smtp.messages).toHaveLength(1)
    d.close()
  })

  it('a process killed BEFORE the SMTP server accepts (it has the whole message but has not answered 250): the restart sends it once more, under the same Message-ID', async () => {
    await subscribe(kari)
    smtp.hold() // the server takes the whole message but does not answer 250
    const child = remindersCommand('2027-02-08T08:00')
    const exited = new Promise(resolve => child.once('exit', resolve))
    await smtp.waitFor(1)
    child.kill('SIGKILL')
    await exited
    smtp.release()
    const [row] = await outbox()
    expect(row).toMatchObject({ status: 'sending', attempts: 1 })
    expect(row!.claimedBy).not.toBeNull()

    // The restarted dispatcher (same file) leaves it alone while the dead one's lease holds, then sends it.
    const d = await restartAfterLease()

    expect(smtp.messages).toHaveLength(2)
    expect(new Set(smtp.messages.map(m => m.parsed.messageId))).toEqual(new Set([row!.messageId]))
    expect(smtp.messages[1]!.parsed.text).toBe(smtp.messages[0]!.parsed.text)
    expect(await outbox()).toEqual([expect.objectContaining({ status: 'sent', attempts: 2 })])
    d.close()
  }, 120_000) // a child process starting under tsx: up to 34 s seen on a loaded 2-core machine

  it('a process killed -9 AFTER the SMTP server accepted (250) but before it recorded the send: the restart re-sends it exactly once, with the same Message-ID and body; then never again', async () => {
    await subscribe(kari)
    smtp.hold()
    const child = remindersCommand('2027-02-08T08:00')
    const exited = new Promise<[number | null, NodeJS.Signals | null]>(resolve => child.once('exit', (code, signal) => resolve([code, signal])))
    await smtp.waitFor(1) // the whole message is in; the child waits for the reply to DATA
    // Between claiming and sending the dispatcher only reads; the first write after the send is the
    // "sent" record. Holding the outbox's writes from a second connection BEFORE the 250 goes out
    // means the child cannot record the send however fast it is: no race. On SQLite its transactor
    // retries BEGIN IMMEDIATE for up to busy_timeout (5 s) and would then fail on its own.
    const release = await holdOutboxWrites()
    try {
      smtp.release() // 250
      // nodemailer hangs up only after it has read the reply to DATA: the child heard the 250.
      await smtp.hungUpAfterAcceptance(1)
      // Still alive (not failed on its own, e.g. after the 5 s), so the kill below lands in the window.
      expect([child.exitCode, child.signalCode]).toEqual([null, null])
      child.kill('SIGKILL')
      expect(await exited).toEqual([null, 'SIGKILL'])
    } finally {
      await release()
    }
    expect(smtp.messages).toHaveLength(1)
    const [row] = await outbox()
    expect(row).toMatchObject({ status: 'sending', attempts: 1, sentAt: null })
    expect(row!.claimedBy).not.toBeNull()

    const restarted = await restartAfterLease()
    restarted.close()

    expect(smtp.messages).toHaveLength(2)
    const [first, second] = smtp.messages.map(contentOf)
    expect(first!.messageId).toBe(row!.messageId)
    expect(second).toEqual(first)
    expect(await outbox()).toEqual([expect.objectContaining({ status: 'sent', attempts: 2, claimedBy: null, lastResponse: expect.stringMatching(/^250 /) })])
    expect(await t.repos.outbox.claim({ worker: 'x', now: t.clock.now().getTime() + 365 * 86_400_000, leaseMs: MINUTE, limit: 10, channels: ['email', 'webhook'] })).toEqual([])
  }, 120_000)

  it('its writes never join a transaction a request has open on the same connection, so that one rolling back loses none of them', async () => {
    await subscribe(kari)
    const d = dispatcher()
    const state = { finished: false }
    const running = d.run().finally(() => { state.finished = true })
    // A request's transaction stays open while the dispatcher works, then rolls back. Before the
    // dispatcher went through the transactor, its enqueue, claim and "sent" joined this transaction
    // and vanished with it: the e-mail went out and the outbox forgot it.
    const request = t.deps.transactor.transaction(async () => {
      const until = Date.now() + 300
      while (!state.finished && Date.now() < until) await new Promise(resolve => setTimeout(resolve, 5))
      throw new Error('the request fails')
    })
    await expect(request).rejects.toThrow('the request fails')
    const report = await running
    expect(report).toMatchObject({ enqueued: 1, sent: 1 })
    expect((await outbox()).map(r => [r.status, r.attempts])).toEqual([['sent', 1]])
    expect(smtp.messages).toHaveLength(1)
    d.close()
  })

  it('two dispatchers on one database (two connections, or two pools) send each reminder exactly once', async () => {
    // Every meeting in the region, to two people: many reminders due on Tuesday 1 June 2027.
    await subscribe({ name: 'A', email: 'a@region.no', eventTypes: ['mote'] })
    await subscribe({ name: 'B', email: 'b@region.no', eventTypes: ['mote'] })
    // As if every body had adopted its default plan: placeholders are not reminded (issue 12).
    await t.sql.run("update rule set origin = 'moteplan_adopted' where origin = 'moteplan_default'")
    t.clock.set('2027-06-01T06:00:00Z')
    const second = openSecond()
    const deps2 = await createDependencies({ config: { BASE_URL, DATABASE_PATH: t.file ?? ':memory:' }, clock: fixedClock(t.clock.now()), catalogue, database: second, migrate: false })
    try {
      const d1 = dispatcher({ workerId: 'server', batchSize: 2 })
      const d2 = dispatcher({ workerId: 'cron', batchSize: 2, services: deps2.services })
      const [r1, r2] = await Promise.all([d1.run(), d2.run()])
      const rows = await outbox()
      expect(rows.length).toBeGreaterThan(20)
      expect(r1.enqueued + r2.enqueued).toBe(rows.length)
      expect(r1.sent + r2.sent).toBe(rows.length)
      expect(r1.sent).toBeGreaterThan(0)
      expect(r2.sent).toBeGreaterThan(0)
      expect(rows.every(r => r.status === 'sent' && r.attempts === 1)).toBe(true)
      const ids = smtp.messages.map(m => m.parsed.messageId)
      expect(ids).toHaveLength(rows.length)
      expect(new Set(ids).size).toBe(rows.length)
      d1.close()
      d2.close()
    } finally {
      await deps2.close()
    }
  }, 60_000)
})

describe('npm run reminders -- --dry-run', () => {
  it('lists what would be sent at --now and writes and sends nothing', async () => {
    await subscribe(kari)
    const before = await t.snapshot()
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/reminders.ts', '--dry-run', '--now', '2027-02-08T08:00'], {
        cwd: ROOT, env: { ...process.env, ...databaseEnv(), SMTP_URL: smtp.url, BASE_URL }, stdio: ['ignore', 'pipe', 'inherit'],
      })
      let stdout = ''
      child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8') })
      child.once('error', reject)
      child.once('exit', code => resolve({ code, stdout }))
    })
    expect(out.code).toBe(0)
    expect(out.stdout).toContain('Påminnelser for 08.02.2027 (tidspunkt 08.02.2027 kl. 08:00 Europe/Oslo) – tørrkjøring')
    expect(out.stdout).toMatch(/Ville blitt sendt nå \(1\):\n {2}frist 22\.02\.2027 {2}14 dager før +Årsregnskapet avlagt – Øyer {2}→ kari@oyer\.kommune\.no \(e-post\)/)
    expect(out.stdout).toMatch(/Forfalt i dag, men uten abonnent \(\d+\):/)
    expect(await t.snapshot()).toBe(before)
    expect(smtp.messages).toHaveLength(0)
  }, 60_000)
})

describe('the dispatcher inside the server', () => {
  it('runs when the app is ready and stops before the database closes', async () => {
    const app = await buildTestApp({ now: FEB_8, reminders: { config: config(), intervalMs: 3600_000 } })
    try {
      await app.repos.subscriptions.insert({ name: 'Kari', channel: 'email', email: 'kari@oyer.kommune.no', webhookUrl: null, webhookSecret: null, municipalityId: (await app.repos.municipalities.find('oyer'))!.id, collaborationId: null, bodyId: null, eventTypes: ['arsregnskap_avlagt'], digest: false, active: true }, Date.now())
      await app.app.ready()
      await app.app.reminders.idle()
      expect(app.app.reminders.runs).toBe(1)
      expect(smtp.messages.map(m => m.parsed.subject)).toEqual(['Påminnelse: Årsregnskapet avlagt – Øyer – frist 22.02.2027'])
    } finally {
      await app.close()
    }
    expect(t.app.hasDecorator('reminders')).toBe(false) // REMINDERS=off: no dispatcher at all
  })
})
