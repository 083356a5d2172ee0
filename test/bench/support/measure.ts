// Shared by the benches: timed HTTP requests, percentiles, timeouts and the goal lines they print.
import http from 'node:http'

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })

export interface Timed { status: number; ms: number; body: Buffer; headers: http.IncomingHttpHeaders }

/** One request over a kept-alive connection; the time runs from sending to the last byte. Rejects after timeoutMs. */
export function request (url: string, opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, body: Buffer.concat(chunks), headers: res.headers }))
      res.on('error', reject)
    })
    req.setTimeout(opts.timeoutMs ?? 120_000, () => req.destroy(new TimeoutError(opts.timeoutMs ?? 120_000)))
    req.on('error', reject)
    req.end(opts.body)
  })
}

/** GET that must answer 2xx/304; returns the parsed JSON body when asked. */
export async function getOk (url: string, headers: Record<string, string> = {}, timeoutMs?: number): Promise<Timed> {
  const r = await request(url, { headers, timeoutMs })
  if (r.status >= 400) throw new Error(`GET ${url} → ${r.status}: ${r.body.toString('utf8').slice(0, 300)}`)
  return r
}

export class TimeoutError extends Error {
  constructor (readonly ms: number) { super(`timed out after ${ms / 1000} s`) }
}

/** Runs fn; rejects with TimeoutError when it has not settled after ms (fn keeps running; the caller cleans up). */
export async function withTimeout<T> (ms: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([fn(), new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new TimeoutError(ms)), ms) })])
  } finally {
    clearTimeout(timer)
  }
}

/** Nearest-rank percentile (p in 0..1) of unsorted values. */
export function percentile (values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}
export const median = (values: number[]) => percentile(values, 0.5)

export const ms = (v: number) => v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`

/** The goal lines, printed as a table at the end and one by one as they are measured. */
export interface Goal { measure: string; goal: string; figure: string; pass: boolean | null }
export function createGoals () {
  const goals: Goal[] = []
  return {
    add (g: Goal) {
      goals.push(g)
      console.log(`  → ${line(g)}`)
    },
    print (title: string) {
      const w = Math.max(...goals.map(g => g.measure.length))
      const gw = Math.max(...goals.map(g => g.goal.length))
      console.log(`\n${title}\n${'measure'.padEnd(w)} | ${'goal'.padEnd(gw)} | figure | result`)
      for (const g of goals) console.log(`${g.measure.padEnd(w)} | ${g.goal.padEnd(gw)} | ${g.figure} | ${verdict(g)}`)
      const met = goals.filter(g => g.pass === true).length
      console.log(`${met} of ${goals.length} goals met`)
    },
  }
}
const verdict = (g: Goal) => g.pass === null ? 'n/a' : g.pass ? 'PASS' : 'FAIL'
const line = (g: Goal) => `${g.measure} | ${g.goal} | ${g.figure} | ${verdict(g)}`
