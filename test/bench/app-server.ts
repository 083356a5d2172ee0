// The benches' server under test, run as a child process (see support/children.ts): the real app on a
// given SQLite file (or PostgreSQL database: BENCH_DATABASE=postgres://…, issue 16) with the app's clock fixed, an admin token made through the product's token service,
// no reminder dispatcher in the background. Answers the parent's messages:
//   stop            → closes the app and exits
//   plan-reminders  → plans and enqueues one morning's reminders (the dispatcher's enqueue), timed here
// Rate limits are off (the load comes from one address); the event-loop check stays as configured.
// Not run on its own; `npm run bench` and `npm run bench:national` fork it.
import { buildApp } from '../../src/app.js'
import { createDependencies } from '../../src/composition.js'
import { loadConfig } from '../../src/config.js'
import { dispatcherFromConfig } from '../../src/reminders/setup.js'
import { seedIfEmpty } from '../../src/seed.js'
import { fixedClock } from '../../src/shared/clock.js'

const database = process.env.BENCH_DATABASE
if (!database) throw new Error('BENCH_DATABASE is required')
const clock = fixedClock(process.env.BENCH_CLOCK ?? '2027-03-15T08:00:00Z')
const onPg = /^postgres(ql)?:\/\//.test(database)
const env = { ...process.env }
delete env.DATABASE_URL // the parent's server URL; the database under test is BENCH_DATABASE
const config = { ...loadConfig({ ...env, BASE_URL: 'http://127.0.0.1', ...onPg ? { DATABASE_URL: database } : { DATABASE_PATH: database }, REMINDERS: 'off', LOG_LEVEL: 'silent', RATE_LIMIT: 'off' }) }
console.log(`rate limit: ${config.RATE_LIMIT} (benchmark); event-loop check: ${config.MAX_EVENT_LOOP_DELAY_MS ? `503 above ${config.MAX_EVENT_LOOP_DELAY_MS} ms` : 'off'}`)
const deps = await createDependencies({ config, clock })
if (process.env.BENCH_SEED === '1') await seedIfEmpty(deps)
const { token } = await deps.services.tokens.create({ label: 'bench', role: 'admin', municipality: null })
const app = await buildApp(deps, { closeDatabase: true })
await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as { port: number }
process.send!({ type: 'ready', port, token })

process.on('message', (message: { type: string; at?: string }) => {
  const reply = (m: Record<string, unknown>) => process.send!({ type: message.type, ...m })
  if (message.type === 'stop') {
    app.close().then(() => process.exit(0), () => process.exit(1))
  } else if (message.type === 'plan-reminders') {
    (async () => {
      clock.set(message.at!)
      const dispatcher = dispatcherFromConfig(config, { services: deps.services })
      const t0 = performance.now()
      const report = await dispatcher.enqueue(clock.now(), { force: true })
      reply({ ms: performance.now() - t0, due: report.due, enqueued: report.enqueued, day: report.day })
      dispatcher.close()
    })().catch((err: Error) => reply({ error: err.stack ?? String(err) }))
  }
})
