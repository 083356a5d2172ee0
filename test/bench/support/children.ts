// Shared by the benches: the servers under test run in child processes, so that the requests (made by
// the parent) and the server never share an event loop, and the server's memory can be read on its own.
import { fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface AppServerOptions {
  /** The SQLite file the app opens (created and migrated when missing). */
  database: string
  /** Seed the Lillehammer region (seedIfEmpty) before listening. */
  seed?: boolean
  /** ISO instant the app's clock is fixed at. */
  clock: string
  /** Extra environment (e.g. a RATE_LIMIT switch). */
  env?: Record<string, string>
}

export interface AppServer {
  child: ChildProcess
  base: string
  /** An admin token created through the product's token service in the child. */
  token: string
  /** ms from fork to listening. */
  startMs: number
  /** Sends a message and waits for the reply of the same type. */
  ask<T> (message: { type: string } & Record<string, unknown>): Promise<T>
  stop (): Promise<void>
  kill (): void
}

const here = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url))

/** Forks test/bench/app-server.ts and waits until it listens. */
export function startAppServer (opts: AppServerOptions): Promise<AppServer> {
  return startServer('app-server.ts', { ...opts.env, BENCH_DATABASE: opts.database, BENCH_SEED: opts.seed ? '1' : '0', BENCH_CLOCK: opts.clock })
}

/** Forks one of the bench's server scripts (it sends { port, token } once it listens). */
export async function startServer (script: string, env: Record<string, string>): Promise<AppServer> {
  const t0 = performance.now()
  const child = fork(here(script), [], {
    // BENCH_PROFILE_DIR=dir writes a CPU profile of each server (read it with Chrome DevTools).
    // BENCH_SERVER_FLAGS adds Node flags to each server (e.g. --trace-gc).
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []),
      ...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  })
  const ready = await new Promise<{ port: number; token: string }>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${script} exited with ${code} before listening`))
    child.once('exit', onExit)
    child.once('message', m => { child.off('exit', onExit); resolve(m as { port: number; token: string }) })
  })
  const startMs = performance.now() - t0
  let asking = Promise.resolve<unknown>(undefined)
  return {
    child,
    base: `http://127.0.0.1:${ready.port}`,
    token: ready.token,
    startMs,
    ask<T> (message: { type: string } & Record<string, unknown>): Promise<T> {
      // One question at a time; replies carry the question's type.
      const next = asking.then(() => new Promise<T>((resolve, reject) => {
        const onExit = () => reject(new Error('app server exited'))
        const onMessage = (m: unknown) => {
          const reply = m as { type?: string; error?: string }
          if (reply.type !== message.type) return
          child.off('message', onMessage)
          child.off('exit', onExit)
          if (reply.error) reject(new Error(reply.error))
          else resolve(m as T)
        }
        child.on('message', onMessage)
        child.once('exit', onExit)
        child.send(message)
      }))
      asking = next.catch(() => undefined)
      return next
    },
    stop () {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
      return new Promise(resolve => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        child.once('exit', () => { clearTimeout(timer); resolve() })
        child.send({ type: 'stop' })
      })
    },
    kill () { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') },
  }
}

/** Resident set size of a process now and its peak so far (Linux /proc; null elsewhere), in bytes. */
export function memoryOf (pid: number | undefined): { rss: number; peak: number } | null {
  if (pid === undefined) return null
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
    return { rss: kb('VmRSS'), peak: kb('VmHWM') }
  } catch {
    return null
  }
}

/** Samples a process's RSS every intervalMs and keeps the highest (also reading the kernel's own peak). */
export function sampleMemory (pid: () => number | undefined, intervalMs = 100) {
  let peak = 0
  const take = () => {
    const m = memoryOf(pid())
    // A process on its way out may have no VmRSS line any more: NaN is skipped, not kept.
    if (m) peak = Math.max(peak, ...[m.rss, m.peak].filter(v => Number.isFinite(v)))
  }
  const timer = setInterval(take, intervalMs)
  timer.unref()
  return {
    take,
    get peak () { return peak },
    stop () { take(); clearInterval(timer) },
  }
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`
