// npm run bench:reminders — how long planning and enqueueing reminders takes for the seeded region,
// every morning of a year, and how fast the dispatcher delivers them to an SMTP server on loopback.
// BENCH_DAYS (default 365) and BENCH_STEP (default 1) choose the mornings.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createDependencies } from '../../src/composition.js'
import { seedIfEmpty } from '../../src/seed.js'
import { fixedClock } from '../../src/shared/clock.js'
import { loadConfig } from '../../src/config.js'
import { dispatcherFromConfig } from '../../src/reminders/setup.js'
import { addDays } from '../../src/domain/calendar-date.js'
import { localToInstant } from '../../src/domain/local-time.js'
import { startSmtpReceiver } from '../helpers/receivers.js'

const DAYS = Number(process.env.BENCH_DAYS ?? 365)
const STEP = Number(process.env.BENCH_STEP ?? 1)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-bench-'))
const smtp = await startSmtpReceiver()
try {
  const clock = fixedClock('2027-01-01T07:00:00Z')
  const deps = await createDependencies({ config: { BASE_URL: 'http://127.0.0.1', DATABASE_PATH: path.join(dir, 'bench.db') }, clock })
  const { repos, services } = deps
  await seedIfEmpty(deps)
  const at = clock.now().getTime()
  // Per region municipality: its kommunedirektør's staff (escalations, digest) and a general address;
  // plus one region-wide subscriber to every meeting.
  let n = 0
  for (const m of (await repos.municipalities.list({ inRegion: true, limit: 100, offset: 0 })).items) {
    const kd = (await repos.bodies.list({ municipality: m.slug, kind: 'kommunedirektor', limit: 1, offset: 0 })).items[0]!
    const base = { channel: 'email' as const, webhookUrl: null, webhookSecret: null, collaborationId: null, eventTypes: null, active: true }
    await repos.subscriptions.insert({ ...base, name: `KD ${m.name}`, email: `kd${n++}@bench.test`, municipalityId: null, bodyId: kd.id, digest: true }, at)
    await repos.subscriptions.insert({ ...base, name: `Post ${m.name}`, email: `post${n++}@bench.test`, municipalityId: m.id, bodyId: null, digest: false }, at)
  }
  await repos.subscriptions.insert({ name: 'Møter', channel: 'email', email: 'moter@bench.test', webhookUrl: null, webhookSecret: null, municipalityId: null, collaborationId: null, bodyId: null, eventTypes: ['mote'], digest: false, active: true }, at)
  const dispatcher = dispatcherFromConfig(loadConfig({ BASE_URL: 'https://arshjul.bench', SMTP_URL: smtp.url, REMINDER_RETRY_BASE_SECONDS: '60' }), { services, batchSize: 50 })

  // Every morning: plan and enqueue (timed), then deliver what is due to the SMTP server (timed apart).
  const times: number[] = []
  let rows = 0
  let sent = 0
  let deliverMs = 0
  for (let d = 0; d < DAYS; d += STEP) {
    const day = addDays('2027-01-01', d)
    clock.set(new Date(+localToInstant(`${day}T08:00`, 'Europe/Oslo')))
    const t0 = performance.now()
    rows += (await dispatcher.enqueue(clock.now(), { force: true })).enqueued
    const t1 = performance.now()
    times.push(t1 - t0)
    sent += (await dispatcher.deliver()).sent
    deliverMs += performance.now() - t1
  }
  const total = times.reduce((a, b) => a + b, 0)
  times.sort((a, b) => a - b)
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(0)
  const byStatus = await repos.outbox.countByStatus()
  console.log(`seeded region, ${(await repos.subscriptions.active()).length} subscriptions, ${times.length} mornings from 2027-01-01 (step ${STEP} day)`)
  console.log(`enqueue: ${rows} outbox rows in ${(total / 1000).toFixed(1)} s; per morning median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${pct(0.999)} ms`)
  console.log(`deliver: ${sent} e-mails in ${(deliverMs / 1000).toFixed(1)} s (${(sent / (deliverMs / 1000)).toFixed(0)} messages/s, one SMTP connection each, server parsing on the same core); sent ${byStatus.sent}, withdrawn ${byStatus.cancelled}, failed ${byStatus.failed}, pending ${byStatus.pending}`)
  console.log(`SMTP server received ${smtp.messages.length} messages, ${new Set(smtp.messages.map(m => m.parsed.messageId)).size} distinct Message-IDs`)
  dispatcher.close()
  await deps.close()
} finally {
  await smtp.close()
  fs.rmSync(dir, { recursive: true, force: true })
}
