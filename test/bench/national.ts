// npm run bench:national — issue 11's national-scale goals, each printed with its figure and PASS/FAIL.
// Builds a synthetic nation through the product's services (test/bench/national-build.ts: every kommune and
// fylkeskommune onboarded, then ~80 regional registers, ~3,000 collaborations of every legal form, imported as one
// batch with packages and default meeting plans applied once) and prints the load time of each phase; then serves a working copy of it from a child process
// (test/bench/app-server.ts, clock fixed at 2027-03-15 08:00 Europe/Oslo) and measures over real HTTP:
// one municipality's year (Øyer, per item against Øyer in the seeded region, and the busiest municipality),
// every page of the nation's 2027 (limit 5,000), the wheel, follow-up and start pages, one morning's reminder
// planning, the server's peak RSS, and start-up of `src/server.ts` on the national database to its first
// correct answer.
// Env: BENCH_NATIONAL_DB=path keeps the built database there and reuses it (built when missing or built at
// another scale or by another version of national-build.ts); BENCH_NATIONAL_SCALE (default 1) shrinks the nation; BENCH_NATIONAL_TIMEOUT (seconds, 120)
// bounds each measurement: one that takes longer prints FAIL "> 120 s" and the server is restarted.
// DATABASE_URL=postgres://… (issue 16): the same on PostgreSQL. The bench creates its databases on that server
// (the built nation, a working copy made with CREATE DATABASE … TEMPLATE, the seeded region) and drops them after;
// the user needs CREATEDB. BENCH_NATIONAL_DB is not used then: the nation is built on every run, then
// VACUUM (ANALYZE)d as autovacuum would after a bulk load (printed, not part of the load time).
import { execFileSync, fork, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { redactUrl } from '../../src/db/pg.js'
import { BUILD_VERSION, type NationStats } from './national-build.js'
import { mb, sampleMemory, startAppServer, type AppServer } from './support/children.js'
import { createGoals, getOk, median, ms, request, TimeoutError, withTimeout } from './support/measure.js'

const SCALE = Number(process.env.BENCH_NATIONAL_SCALE ?? 1)
const TIMEOUT_MS = Number(process.env.BENCH_NATIONAL_TIMEOUT ?? 120) * 1000
const CLOCK = '2027-03-15T07:00:00Z' // 08:00 in Oslo, a Monday: the morning's reminders and the weekly digest
const YEAR = 2027
const ASOF = '2027-03-15'
const COMPARED = 'oyer'
const root = fileURLToPath(new URL('../../', import.meta.url))
const goals = createGoals()
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-national-'))
/** The PostgreSQL server to run on (issue 16), or undefined for SQLite files. */
const PG_SERVER = process.env.DATABASE_URL || undefined
if (PG_SERVER && !/^postgres(ql)?:\/\//.test(PG_SERVER)) throw new Error(`DATABASE_URL must be a postgres:// URL, not ${PG_SERVER}`)

/** PostgreSQL: the bench's databases on the server (created by createPgDatabase, dropped at the end). */
const pgDatabases: string[] = []
const pgPrefix = `arshjul_bench_${process.pid}_${Date.now().toString(36)}`
function pgUrl (database: string): string {
  const u = new URL(PG_SERVER!)
  u.pathname = `/${database}`
  return u.toString()
}
async function onPgServer<T> (work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: PG_SERVER })
  await admin.connect()
  try {
    return await work(admin)
  } finally {
    await admin.end()
  }
}
/** A new database `<prefix>_<name>` (a copy of `template` when given); its URL. */
async function createPgDatabase (name: string, template?: string): Promise<string> {
  const database = `${pgPrefix}_${name}`
  await onPgServer(admin => admin.query(`CREATE DATABASE ${database}${template ? ` TEMPLATE ${pgPrefix}_${template}` : ''}`))
  pgDatabases.push(database)
  return pgUrl(database)
}

interface OccurrencePage { data: Array<{ id: string; start: string | null; date: string; status: string }>; total: number }
const parse = (body: Buffer) => JSON.parse(body.toString('utf8')) as OccurrencePage

/** The page size the goals ask for, or the route's maximum when it refuses 5,000 (said in the output). */
let pageLimit = 5000
async function discoverPageLimit (base: string) {
  const r = await request(`${base}/api/v1/occurrences?from=${YEAR}-01-01&to=${YEAR}-01-01&limit=${pageLimit}`)
  const max = /limit must be <= (\d+)/.exec(r.body.toString('utf8'))?.[1]
  if (r.status === 400 && max) {
    console.log(`note: GET /api/v1/occurrences refuses limit=${pageLimit} (400: limit must be <= ${max}); pages of ${max} are used instead`)
    pageLimit = Number(max)
  }
}

/** A subject's (or, without one, the nation's) whole year, page by page; time from the first request to the last byte. */
async function year (base: string, scope: string, limit = pageLimit) {
  const t0 = performance.now()
  const items: OccurrencePage['data'] = []
  let pages = 0
  let total = 0
  do {
    const page = parse((await getOk(`${base}/api/v1/occurrences?${scope}from=${YEAR}-01-01&to=${YEAR}-12-31&asOf=${ASOF}&limit=${limit}&offset=${items.length}`, {}, TIMEOUT_MS)).body)
    pages++
    total = page.total
    items.push(...page.data)
    if (page.data.length === 0) break
  } while (items.length < total)
  return { ms: performance.now() - t0, items, pages, total }
}

/** One warm-up, then `runs` timed: the median, with the item count. */
async function yearMedian (base: string, scope: string, runs = 5) {
  const first = await year(base, scope)
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push((await year(base, scope)).ms)
  return { first: first.ms, median: median(times), items: first.total, answer: first.items }
}

async function buildNation (file: string): Promise<NationStats> {
  const meta = `${file}.json`
  if (!PG_SERVER && fs.existsSync(file) && fs.existsSync(meta)) {
    const stats = JSON.parse(fs.readFileSync(meta, 'utf8')) as NationStats
    if (stats.scale === SCALE && stats.version === BUILD_VERSION) {
      console.log(`reusing the national database ${file} (built at scale ${SCALE}; load time then ${ms(stats.loadMs)})`)
      return stats
    }
    console.log(`${file} was built at scale ${stats.scale} by build version ${stats.version}; rebuilding at scale ${SCALE}, version ${BUILD_VERSION}`)
  }
  if (!PG_SERVER) for (const f of [file, `${file}-wal`, `${file}-shm`, meta]) fs.rmSync(f, { force: true })
  console.log(`building the nation at scale ${SCALE} into ${PG_SERVER ? redactUrl(file) : file} …`)
  const child = fork(fileURLToPath(new URL('./national-build.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, BENCH_BUILD_DB: file, BENCH_CLOCK: CLOCK },
  })
  const reply = await new Promise<{ stats?: NationStats; error?: string }>((resolve, reject) => {
    child.once('message', m => resolve(m as never))
    child.once('exit', code => reject(new Error(`national-build.ts exited with ${code}`)))
  })
  if (!reply.stats) throw new Error(reply.error)
  if (!PG_SERVER) fs.writeFileSync(meta, JSON.stringify(reply.stats, null, 2))
  return reply.stats
}

/** Runs one measurement under the timeout; a timeout or failure is a FAIL line, and the server is restarted. */
async function measure (names: Array<{ measure: string; goal: string }>, fn: () => Promise<void>, restart: () => Promise<void>) {
  try {
    await withTimeout(TIMEOUT_MS, fn)
  } catch (err) {
    const figure = err instanceof TimeoutError ? `> ${TIMEOUT_MS / 1000} s` : `error: ${(err as Error).message.split('\n')[0]}`
    for (const n of names) goals.add({ ...n, figure, pass: false })
    await restart()
  }
}

const freePort = () => new Promise<number>(resolve => {
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as net.AddressInfo
    server.close(() => resolve(port))
  })
})

let server: AppServer | undefined
let seeded: AppServer | undefined
try {
  console.log(`npm run bench:national: scale ${SCALE}, app clock fixed at ${CLOCK} (08:00 Europe/Oslo), year ${YEAR}, Node ${process.version}, ${os.cpus().length} CPUs, timeout ${TIMEOUT_MS / 1000} s a measurement`)
  if (PG_SERVER) {
    const version = await onPgServer(async admin => (await admin.query('SHOW server_version')).rows[0].server_version as string)
    console.log(`database: PostgreSQL ${version} at ${redactUrl(PG_SERVER)} (databases ${pgPrefix}_*, dropped at the end)`)
  } else {
    console.log('database: SQLite files')
  }
  const dbFile = PG_SERVER
    ? await createPgDatabase('built')
    : process.env.BENCH_NATIONAL_DB ? path.resolve(process.env.BENCH_NATIONAL_DB) : path.join(tmp, 'national.db')
  const stats = await buildNation(dbFile)
  console.log(`nation: ${stats.municipalities} municipalities in ${stats.regions} regions, ${stats.collaborations} collaborations (${stats.participations} participations; ` +
    `${Object.entries(stats.byLegalForm).sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f} ${n}`).join(', ')}), ` +
    `${stats.rules} rules (${Object.entries(stats.rulesByOrigin).map(([o, n]) => `${o} ${n}`).join(', ')}), ${stats.subscriptions} subscriptions`)
  console.log(`load time: ${ms(stats.loadMs)} (${Object.entries(stats.phasesMs).map(([p, v]) => `${p} ${ms(v)}${stats.phasesCpuMs?.[p] === undefined ? '' : ` [CPU ${ms(stats.phasesCpuMs[p])}]`}`).join(', ')})`)
  console.log(`registers: ${stats.registers.files} regional registers (${stats.registers.rows} rows, ${(stats.registers.bytes / 1024).toFixed(0)} KiB) imported as one batch in ${ms(stats.phasesMs['register import'] ?? 0)} (CPU ${ms(stats.phasesCpuMs?.['register import'] ?? 0)}), ` +
    `${stats.registers.created} collaborations created; warnings: ${Object.entries(stats.registers.warnings).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`)
  goals.add({ measure: 'load time, national (through the services)', goal: 'printed', figure: ms(stats.loadMs), pass: null })
  const importMs = stats.phasesMs['register import'] ?? 0
  goals.add({ measure: `register import, ${stats.registers.files} regional registers in one batch`, goal: SCALE >= 1 ? '< 30 s' : 'printed', figure: ms(importMs), pass: SCALE >= 1 ? importMs < 30_000 : null })

  // PostgreSQL after a bulk load: autovacuum's next pass sets the visibility map (index-only scans, which
  // SQLite's covering indexes get without it) and the planner's statistics. The bench does that pass
  // now, as VACUUM (ANALYZE), rather than measure whichever minute autovacuum happens to come; its time
  // is printed and is not part of the load time. SQLite has no counterpart to wait for.
  if (PG_SERVER) {
    const t0 = performance.now()
    const built = new pg.Client({ connectionString: dbFile })
    await built.connect()
    try { await built.query('VACUUM (ANALYZE)') } finally { await built.end() }
    console.log(`VACUUM (ANALYZE) after the load (autovacuum's pass after a bulk load): ${ms(performance.now() - t0)}`)
  }

  // A working copy, so that a run's writes (tokens, reminder outbox) leave the kept database as built.
  let work = path.join(tmp, 'work.db')
  if (PG_SERVER) work = await createPgDatabase('work', 'built')
  else fs.copyFileSync(dbFile, work)

  // The seeded region, for the per-item comparison.
  seeded = await startAppServer({ database: PG_SERVER ? await createPgDatabase('seeded') : path.join(tmp, 'seeded.db'), seed: true, clock: CLOCK })
  await discoverPageLimit(seeded.base)
  const seededYear = await withTimeout(TIMEOUT_MS, () => yearMedian(seeded!.base, `municipality=${COMPARED}&`))
  await seeded.stop()
  seeded = undefined
  console.log(`seeded region: ${COMPARED}'s ${YEAR}: ${seededYear.items} items, median ${ms(seededYear.median)} (first ${ms(seededYear.first)}), ${(1000 * seededYear.median / seededYear.items).toFixed(1)} µs an item`)

  const memory = sampleMemory(() => server?.child.pid)
  const start = async () => { server = await startAppServer({ database: work, clock: CLOCK }) }
  const restart = async () => {
    memory.take()
    server?.kill()
    await new Promise(resolve => setTimeout(resolve, 200))
    await start()
    console.log(`  (server restarted in ${ms(server!.startMs)})`)
  }
  await start()
  console.log(`national server listening after ${ms(server!.startMs)} (first start on the working copy)`)

  // One municipality's year.
  let expected: OccurrencePage['data'] | undefined
  await measure([
    { measure: "one municipality's year, per item, national ÷ seeded", goal: '≤ 1.2×' },
    { measure: "one municipality's year at national scale", goal: '≤ 50 ms' },
  ], async () => {
    const national = await yearMedian(server!.base, `municipality=${COMPARED}&`)
    expected = national.answer
    const busiest = await yearMedian(server!.base, `municipality=${stats.busiest.slug}&`)
    const perItem = national.median / national.items
    const ratio = perItem / (seededYear.median / seededYear.items)
    console.log(`national: ${COMPARED}'s ${YEAR}: ${national.items} items, median ${ms(national.median)} (first ${ms(national.first)}), ${(1000 * perItem).toFixed(1)} µs an item; ` +
      `busiest municipality ${stats.busiest.slug} (${stats.busiest.collaborations} collaborations): ${busiest.items} items, median ${ms(busiest.median)} (first ${ms(busiest.first)})`)
    goals.add({
      measure: "one municipality's year, per item, national ÷ seeded",
      goal: '≤ 1.2×',
      figure: `${ratio.toFixed(2)}× (${COMPARED} both: ${(1000 * perItem).toFixed(1)} µs × ${national.items} items ÷ ${(1000 * seededYear.median / seededYear.items).toFixed(1)} µs × ${seededYear.items} items)`,
      pass: ratio <= 1.2,
    })
    const worst = Math.max(national.median, busiest.median)
    goals.add({
      measure: "one municipality's year at national scale",
      goal: '≤ 50 ms',
      figure: `${COMPARED} ${ms(national.median)} (${national.items} items), ${stats.busiest.slug} ${ms(busiest.median)} (${busiest.items} items); medians of 5`,
      pass: worst <= 50,
    })
  }, restart)

  // The whole nation's year, every page of 5,000.
  await measure([{ measure: "every page of the whole nation's year (limit 5,000)", goal: '< 1 s in total' }], async () => {
    const all = await year(server!.base, '')
    console.log(`nation's ${YEAR}: ${all.total} items in ${all.pages} pages of ${pageLimit}, ${ms(all.ms)}`)
    goals.add({ measure: "every page of the whole nation's year (limit 5,000)", goal: '< 1 s in total', figure: `${ms(all.ms)} (${all.total} items, ${all.pages} pages of ${pageLimit})`, pass: all.ms < 1000 })
  }, restart)

  // The pages: the first request, then the median of three.
  for (const [name, url] of [
    ['wheel', `/arshjul?municipality=${COMPARED}&year=${YEAR}`],
    ['follow-up', `/oppfolging?municipality=${COMPARED}`],
    ['start page', '/'],
  ] as const) {
    const label = `${name} ${url}, national`
    await measure([{ measure: label, goal: '< 100 ms' }], async () => {
      const first = await getOk(`${server!.base}${url}`, {}, TIMEOUT_MS)
      const times: number[] = []
      for (let i = 0; i < 3; i++) times.push((await getOk(`${server!.base}${url}`, {}, TIMEOUT_MS)).ms)
      goals.add({ measure: label, goal: '< 100 ms', figure: `median ${ms(median(times))} of 3 after the first (${ms(first.ms)}), ${(first.body.length / 1024).toFixed(0)} kB`, pass: median(times) < 100 })
    }, restart)
  }

  // One morning's reminder planning, in the server process.
  await measure([{ measure: 'reminder planning for one morning, national', goal: '< 1 s' }], async () => {
    const r = await server!.ask<{ ms: number; due: number; enqueued: number; day: string }>({ type: 'plan-reminders', at: CLOCK })
    goals.add({ measure: 'reminder planning for one morning, national', goal: '< 1 s', figure: `${ms(r.ms)} (${r.day}: ${r.due} due, ${r.enqueued} enqueued, ${stats.subscriptions} subscriptions)`, pass: r.ms < 1000 })
  }, restart)

  memory.stop()
  await server!.stop()
  server = undefined
  goals.add({ measure: 'RSS, national, peak (server process)', goal: '< 300 MB', figure: `${mb(memory.peak)} (sampled every 100 ms and the kernel's VmHWM)`, pass: memory.peak > 0 && memory.peak < 300 * 1024 * 1024 })

  // Start-up of the real server on the national database, to its first correct answer: the production
  // build (`npm run build`, then `node dist/server.js`) for the goal, and `npm start` (tsx, which
  // compiles TypeScript as it loads) for information.
  const startUp = async (label: string, args: string[]): Promise<{ elapsed: number; figure: string }> => {
    if (!expected) throw new Error("no reference answer (one municipality's year failed)")
    const want = JSON.stringify(expected.map(o => [o.id, o.start, o.date, o.status]))
    const port = await freePort()
    const t0 = performance.now()
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ...PG_SERVER ? { DATABASE_URL: work } : { DATABASE_PATH: work }, PORT: String(port), HOST: '127.0.0.1', SEED: 'off', REMINDERS: 'off', LOG_LEVEL: 'warn' },
    })
    try {
      let tries = 0
      for (;;) {
        tries++
        const answer = await request(`http://127.0.0.1:${port}/api/v1/occurrences?municipality=${COMPARED}&from=${YEAR}-01-01&to=${YEAR}-12-31&asOf=${ASOF}&limit=${pageLimit}`, { timeoutMs: TIMEOUT_MS })
          .catch(() => null)
        if (answer?.status === 200 && JSON.stringify(parse(answer.body).data.map(o => [o.id, o.start, o.date, o.status])) === want) break
        if (answer && answer.status !== 200) throw new Error(`the first answer was ${answer.status}`)
        if (answer) throw new Error('the first answer differs from the running server\'s')
        if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}`)
        await new Promise(resolve => setTimeout(resolve, 10))
      }
      const elapsed = performance.now() - t0
      return { elapsed, figure: `${ms(elapsed)} (${label} from spawn to ${COMPARED}'s ${YEAR}, ${expected.length} items, equal to the bench server's; ${tries} tries)` }
    } finally {
      child.kill('SIGKILL')
    }
  }
  await measure([{ measure: 'start-up to the first correct answer, national DB', goal: '< 2 s' }], async () => {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' })
    const built = await startUp('node dist/server.js', ['dist/server.js'])
    goals.add({ measure: 'start-up to the first correct answer, national DB', goal: '< 2 s', figure: built.figure, pass: built.elapsed < 2000 })
    const dev = await startUp('npm start (tsx src/server.ts)', ['--import', 'tsx', 'src/server.ts'])
    console.log(`  (for information) start-up with ${dev.figure}`)
  }, async () => {})
} finally {
  server?.kill()
  seeded?.kill()
  fs.rmSync(tmp, { recursive: true, force: true })
  if (pgDatabases.length) {
    await onPgServer(async admin => {
      for (const database of pgDatabases) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    })
  }
}
goals.print(`npm run bench:national — goals (issue 11), scale ${SCALE}, ${PG_SERVER ? 'PostgreSQL' : 'SQLite'}`)
