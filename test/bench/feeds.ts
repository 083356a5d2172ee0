// npm run bench — the seeded region's goals from issue 11, each printed with its figure and PASS/FAIL:
//   feed 304 ÷ node:http 304, feed 200 ÷ node:http 200 holding the same bytes, a ~500-event feed built
//   cold, /health p99 during four cold feed builds, and 60 s of the fixed mixed load.
// The app (test/bench/app-server.ts, seeded temp database, clock fixed at 2027-03-15 09:00 Europe/Oslo)
// and the yardstick (test/bench/plain-server.ts, plain node:http) each run in a child process; autocannon
// and the timed requests run here. Knobs: BENCH_SECONDS (10, each throughput run), BENCH_CONNECTIONS (10),
// BENCH_COLD_BUILDS (30), BENCH_HEALTH_SECONDS (10), BENCH_MIXED_SECONDS (60), BENCH_MIXED_CONNECTIONS (16).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type autocannon from 'autocannon'
import { startAppServer, startServer } from './support/children.js'
import { cannon, random, addDays } from './support/load.js'
import { createGoals, getOk, median, ms, percentile, request } from './support/measure.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const COLD_BUILDS = Number(process.env.BENCH_COLD_BUILDS ?? 30)
const HEALTH_SECONDS = Number(process.env.BENCH_HEALTH_SECONDS ?? 10)
const MIXED_SECONDS = Number(process.env.BENCH_MIXED_SECONDS ?? 60)
const MIXED_CONNECTIONS = Number(process.env.BENCH_MIXED_CONNECTIONS ?? 16)
const CLOCK = '2027-03-15T08:00:00Z'
const YEAR = 2027
const REGION = ['lillehammer', 'gausdal', 'oyer']
const FEED = '/feeds/municipalities/lillehammer.ics'
// Headers node:http writes itself; everything else the app sent, the yardstick sends too.
const OWN_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'])

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-bench-'))
const goals = createGoals()
const app = await startAppServer({ database: path.join(dir, 'bench.db'), seed: true, clock: CLOCK })
let plain: Awaited<ReturnType<typeof startServer>> | undefined
try {
  console.log(`npm run bench: seeded region (Lillehammer, Gausdal, Øyer), app clock fixed at ${CLOCK}, Node ${process.version}, ${os.cpus().length} CPUs`)

  // --- 304s and 200s against plain node:http holding the same bytes -------------------------------
  const first = await getOk(`${app.base}${FEED}`)
  const etag = String(first.headers.etag)
  const notModified = await request(`${app.base}${FEED}`, { headers: { 'if-none-match': etag } })
  if (notModified.status !== 304) throw new Error(`expected 304 for a matching If-None-Match, got ${notModified.status}`)
  const headersOf = (h: typeof first.headers) => Object.fromEntries(Object.entries(h).filter(([k]) => !OWN_HEADERS.has(k)).map(([k, v]) => [k, String(v)]))
  const specFile = path.join(dir, 'plain.json')
  fs.writeFileSync(specFile, JSON.stringify({ body: first.body.toString('base64'), etag, headers200: headersOf(first.headers), headers304: headersOf(notModified.headers) }))
  plain = await startServer('plain-server.ts', { BENCH_PLAIN_FILE: specFile })
  const events = first.body.toString('utf8').split('BEGIN:VEVENT').length - 1
  console.log(`\nfeed ${FEED}: ${first.body.length} bytes, ${events} events; ${CONNECTIONS} connections, ${SECONDS} s a run`)

  const run = (url: string, headers: Record<string, string> = {}, duration = SECONDS) => cannon({ url, connections: CONNECTIONS, duration, headers })
  const row = (name: string, r: autocannon.Result) =>
    console.log(`  ${name.padEnd(26)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p99 ${String(r.latency.p99).padStart(5)} ms   ${r.requests.total} responses, ${r.errors + r.timeouts} errors`)
  await run(`${app.base}${FEED}`, {}, Math.min(3, SECONDS))
  await run(`${plain.base}${FEED}`, {}, Math.min(3, SECONDS))
  const app200 = await run(`${app.base}${FEED}`)
  row('app feed 200', app200)
  const plain200 = await run(`${plain.base}${FEED}`)
  row('node:http 200, same bytes', plain200)
  const app304 = await run(`${app.base}${FEED}`, { 'if-none-match': etag })
  row('app feed 304', app304)
  const plain304 = await run(`${plain.base}${FEED}`, { 'if-none-match': etag })
  row('node:http 304', plain304)
  await plain.stop()
  plain = undefined
  const ratio304 = app304.requests.average / plain304.requests.average
  const ratio200 = app200.requests.average / plain200.requests.average
  goals.add({ measure: 'feed 304 ÷ node:http 304', goal: '≥ 0.5×', figure: `${ratio304.toFixed(2)}× (${app304.requests.average.toFixed(0)} ÷ ${plain304.requests.average.toFixed(0)} req/s)`, pass: ratio304 >= 0.5 })
  goals.add({ measure: 'feed 200 ÷ node:http 200, same bytes', goal: '≥ 0.9×', figure: `${ratio200.toFixed(2)}× (${app200.requests.average.toFixed(0)} ÷ ${plain200.requests.average.toFixed(0)} req/s)`, pass: ratio200 >= 0.9 })

  // --- a ~500-event feed built cold: every distinct from/to is a new cache key -----------------------
  const eventsIn = (body: Buffer) => body.toString('utf8').split('BEGIN:VEVENT').length - 1
  const yearEvents = eventsIn((await getOk(`${app.base}${FEED}?from=${YEAR}-01-01&to=${YEAR}-12-31`)).body)
  const span = Math.max(1, Math.round(365 * 500 / Math.max(1, yearEvents)))
  const coldUrl = (start: string) => `${app.base}${FEED}?from=${start}&to=${addDays(start, span - 1)}`
  const coldTimes: number[] = []
  const coldEvents: number[] = []
  for (let i = -2; i < COLD_BUILDS; i++) {
    const r = await getOk(coldUrl(addDays(`${YEAR}-01-01`, i + 2)))
    if (i < 0) continue // two warm-ups (JIT), also cold keys
    coldTimes.push(r.ms)
    coldEvents.push(eventsIn(r.body))
  }
  console.log(`\ncold builds: ${COLD_BUILDS} windows of ${span} days (${median(coldEvents)} events median, ${Math.min(...coldEvents)}–${Math.max(...coldEvents)}); ` +
    `median ${ms(median(coldTimes))}, p95 ${ms(percentile(coldTimes, 0.95))}, max ${ms(Math.max(...coldTimes))}`)
  goals.add({ measure: '500-event feed built cold', goal: '≤ 20 ms', figure: `median ${ms(median(coldTimes))}, p95 ${ms(percentile(coldTimes, 0.95))} (${median(coldEvents)} events, ${COLD_BUILDS} builds)`, pass: median(coldTimes) <= 20 })

  // --- /health while four cold feed builds run at a time ---------------------------------------------
  const healthTimes: number[] = []
  const buildTimes: number[] = []
  let start = `${YEAR + 3}-01-01` // keys no earlier request used
  let rounds = 0
  const healthUntil = performance.now() + HEALTH_SECONDS * 1000
  while (performance.now() < healthUntil || rounds < 5) {
    rounds++
    const running = { builds: 4 }
    const builds = [0, 1, 2, 3].map(() => {
      start = addDays(start, 1)
      return getOk(coldUrl(start)).then(r => { buildTimes.push(r.ms) }).finally(() => { running.builds-- })
    })
    // /health back to back for as long as any of the four builds runs.
    while (running.builds > 0) healthTimes.push((await getOk(`${app.base}/health`)).ms)
    await Promise.all(builds)
  }
  const p99 = percentile(healthTimes, 0.99)
  console.log(`\n/health during cold builds: ${rounds} rounds of 4 concurrent builds (each ${ms(median(buildTimes))} median); ` +
    `${healthTimes.length} /health samples: median ${ms(median(healthTimes))}, p99 ${ms(p99)}, max ${ms(Math.max(...healthTimes))}`)
  goals.add({ measure: '/health p99 during four cold feed builds', goal: '< 50 ms', figure: `p99 ${ms(p99)} (${healthTimes.length} samples, ${rounds} rounds)`, pass: p99 < 50 })

  // --- the fixed mixed load ------------------------------------------------------------------------
  await mixedLoad()
} finally {
  await plain?.stop()
  await app.stop()
  fs.rmSync(dir, { recursive: true, force: true })
}
goals.print('npm run bench — goals (issue 11)')

async function mixedLoad () {
  const feeds = [
    ...REGION.map(m => `/feeds/municipalities/${m}.ics`),
    ...REGION.flatMap(m => [`/feeds/bodies/${m}-kommunestyre.ics`, `/feeds/bodies/${m}-kontrollutvalg.ics`]),
  ]
  const collaborations = (JSON.parse((await getOk(`${app.base}/api/v1/collaborations?limit=100`)).body.toString('utf8')) as { data: Array<{ slug: string }> }).data
  feeds.push(...collaborations.slice(0, 6).map(c => `/feeds/collaborations/${c.slug}.ics`))
  // Feeds that do not exist in this seed would count as errors: keep the ones that answer.
  const etags = new Map<string, string>()
  for (const f of feeds) {
    const r = await request(`${app.base}${f}`)
    if (r.status === 200) etags.set(f, String(r.headers.etag))
  }
  const feedPaths = [...etags.keys()]
  const listed = JSON.parse((await getOk(`${app.base}/api/v1/occurrences?municipality=oyer&from=${YEAR}-01-01&to=${YEAR}-12-31&limit=200`)).body.toString('utf8')) as { data: Array<{ id: string }> }
  const patchIds = listed.data.map(o => o.id)

  type Category = 'feed 304' | 'feed 200' | 'occurrence list' | 'html page' | 'patch'
  const tally = new Map<Category, Map<number, number>>()
  const count = (c: Category, status: number) => {
    const byStatus = tally.get(c) ?? new Map<number, number>()
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
    tally.set(c, byStatus)
  }
  const months = Array.from({ length: 12 }, (_, i) => `${YEAR}-${String(i + 1).padStart(2, '0')}`)
  const lastDay = (month: string) => addDays(`${addDays(`${month}-28`, 4).slice(0, 7)}-01`, -1)
  const pages = ['/', ...REGION.map(m => `/arshjul?municipality=${m}&year=${YEAR}`), ...REGION.map(m => `/oppfolging?municipality=${m}`)]
  const counters = { feed: 0, list: 0, page: 0, patch: 0 }

  // Each request: its category and what to send. Lists ask for a month, a quarter or the whole year.
  const build: Record<Category, (req: autocannon.Request, context: { feed?: string }) => autocannon.Request> = {
    'feed 304': (req, context) => {
      const f = feedPaths[counters.feed++ % feedPaths.length]!
      context.feed = f
      return { ...req, method: 'GET', path: f, headers: { 'if-none-match': etags.get(f)! }, body: undefined }
    },
    'feed 200': req => ({ ...req, method: 'GET', path: feedPaths[counters.feed++ % feedPaths.length]!, headers: {}, body: undefined }),
    'occurrence list': req => {
      const i = counters.list++
      const span = [1, 3, 12][i % 3]!
      const first = span === 12 ? 0 : (i * 7) % (13 - span)
      const limit = [25, 50, 100][i % 3]!
      const offset = i % 4 === 0 ? limit : 0
      const query = `municipality=${REGION[i % REGION.length]}&from=${months[first]}-01&to=${lastDay(months[first + span - 1]!)}&limit=${limit}&offset=${offset}`
      return { ...req, method: 'GET', path: `/api/v1/occurrences?${query}`, headers: {}, body: undefined }
    },
    'html page': req => ({ ...req, method: 'GET', path: pages[counters.page++ % pages.length]!, headers: {}, body: undefined }),
    patch: req => {
      const i = counters.patch++
      // Every other visit to an occurrence clears the note the visit before set.
      const note = Math.floor(i / patchIds.length) % 2 === 0 ? `bench ${i}` : null
      return {
        ...req,
        method: 'PATCH',
        path: `/api/v1/occurrences/${patchIds[i % patchIds.length]}`,
        headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ note }),
      }
    },
  }
  // The fixed mix, 20 requests a cycle, shuffled once; all connections draw the next request from it in turn.
  const schedule = random(11).shuffle<Category>([
    ...Array<Category>(8).fill('feed 304'), ...Array<Category>(2).fill('feed 200'),
    ...Array<Category>(6).fill('occurrence list'), ...Array<Category>(3).fill('html page'), 'patch',
  ])
  let drawn = 0
  const mixed: autocannon.Request = {
    setupRequest: (req, context) => {
      const c = context as { category?: Category; feed?: string }
      c.category = schedule[drawn++ % schedule.length]!
      return build[c.category](req, c)
    },
    onResponse: (status, _body, context, headers) => {
      const c = context as { category?: Category; feed?: string }
      count(c.category!, status)
      // A write changed the feed: a calendar client keeps the new ETag for its next conditional GET.
      const etag = (headers as Record<string, string> | undefined)?.etag
      if (c.category === 'feed 304' && status === 200 && etag && c.feed) etags.set(c.feed, etag)
    },
  }
  console.log(`\nmixed load: ${MIXED_CONNECTIONS} connections, ${MIXED_SECONDS} s; one autocannon instance whose connections draw each next request from one fixed shuffled cycle of 20 ` +
    `(8 conditional feed GETs, 2 unconditional, 6 occurrence list pages, 3 HTML pages, 1 PATCH); ${feedPaths.length} feeds, ${patchIds.length} occurrences patched in turn (note set, then cleared)`)
  const result = await cannon({ url: app.base, connections: MIXED_CONNECTIONS, duration: MIXED_SECONDS, requests: [mixed], timeout: 10 })
  let total = 0
  let bad = 0
  for (const byStatus of tally.values()) {
    for (const [status, k] of byStatus) {
      total += k
      if (status < 200 || status >= 400) bad += k
    }
  }
  console.log('  mix achieved:')
  for (const c of ['feed 304', 'feed 200', 'occurrence list', 'html page', 'patch'] as Category[]) {
    const byStatus = tally.get(c) ?? new Map<number, number>()
    const k = [...byStatus.values()].reduce((a, b) => a + b, 0)
    const statuses = [...byStatus].sort((a, b) => a[0] - b[0]).map(([s, v]) => `${s}×${v}`).join(', ')
    console.log(`    ${c.padEnd(16)} ${(100 * k / Math.max(1, total)).toFixed(1).padStart(5)} %  (${statuses || 'none'})`)
  }
  const errors = bad + result.errors // autocannon counts timeouts among its errors
  const rps = result.requests.total / MIXED_SECONDS
  console.log(`  ${result.requests.total} responses in ${MIXED_SECONDS} s: ${rps.toFixed(1)} req/s; latency median ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; ` +
    `errors: ${bad} non-2xx/3xx, ${result.errors} socket errors (${result.timeouts} timeouts > 10 s)`)
  goals.add({
    measure: `${MIXED_SECONDS} s mixed load (${MIXED_CONNECTIONS} connections)`,
    goal: '≥ 600 req/s, 0 errors, p99 < 100 ms',
    figure: `${rps.toFixed(1)} req/s, ${errors} errors, p99 ${result.latency.p99} ms`,
    pass: rps >= 600 && errors === 0 && result.latency.p99 < 100,
  })
}
