// npm run bench: requests/s and p99 latency for the largest municipality feed: dynamic, static bytes, and 304.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const DURATION = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)

async function largestFeed (): Promise<string> {
  // The three region municipalities; Lillehammer takes part in the most collaborations.
  return '/feeds/municipalities/lillehammer.ics'
}

function run (url: string, headers: Record<string, string> = {}): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers }, (err, result) => (err ? reject(err) : resolve(result)))
  })
}

const feedPath = await largestFeed()
const server = fork(fileURLToPath(new URL('./feed-server.ts', import.meta.url)), [feedPath], { execArgv: ['--import', 'tsx'], stdio: 'inherit' })
const info = await new Promise<{ port: number; bytes: number; etag: string }>(resolve => server.once('message', m => resolve(m as never)))
const base = `http://127.0.0.1:${info.port}`
console.log(`feed ${feedPath}: ${info.bytes} bytes; ${CONNECTIONS} connections, ${DURATION} s each`)

await run(`${base}${feedPath}`) // warm-up
const dynamic = await run(`${base}${feedPath}`)
const staticFile = await run(`${base}/static/feed.ics`)
const conditional = await run(`${base}${feedPath}`, { 'if-none-match': info.etag })
server.send('stop')

const row = (name: string, r: autocannon.Result) =>
  `${name.padEnd(22)} ${r.requests.average.toFixed(0).padStart(8)} req/s   p99 ${String(r.latency.p99).padStart(5)} ms   responses ${r.requests.total}`
console.log(row('dynamic feed (200)', dynamic))
console.log(row('static file (200)', staticFile))
console.log(row('conditional (304)', conditional))
console.log(`dynamic/static ${(dynamic.requests.average / staticFile.requests.average).toFixed(2)} (goal ≥ 0.70)`)
console.log(`304/static     ${(conditional.requests.average / staticFile.requests.average).toFixed(2)} (goal ≥ 0.90)`)
