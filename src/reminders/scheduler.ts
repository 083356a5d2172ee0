// Runs the dispatcher every interval inside the server: the first run right away, the next one an
// interval after the previous finished (never two at once in one process, nor, through `exclusive`,
// in two instances on one PostgreSQL database: the one that finds a run under way skips its turn).
import { runAlways, type Exclusive } from '../db/exclusive.js'
import type { Dispatcher, RunReport } from './dispatcher.js'

/** The name under which one instance at a time runs the reminders (src/db/exclusive.ts). */
export const REMINDER_RUN_LOCK = 'reminder-run'

export interface SchedulerLog { error (obj: object, msg: string): void; debug? (obj: object, msg: string): void }

export function createScheduler (opts: { dispatcher: Pick<Dispatcher, 'run'>; intervalMs: number; log: SchedulerLog; exclusive?: Exclusive }) {
  const exclusive = opts.exclusive ?? runAlways
  let timer: NodeJS.Timeout | null = null
  let current: Promise<RunReport | null> | null = null
  let running = false
  let runs = 0

  function tick (): void {
    timer = null
    current = exclusive(REMINDER_RUN_LOCK, () => opts.dispatcher.run())
      .then(report => {
        if (report) opts.log.debug?.({ report }, 'reminder run')
        else opts.log.debug?.({}, 'reminder run skipped: another instance is running one')
        return report ?? null
      })
      .catch((err: unknown) => { opts.log.error({ err }, 'reminder run failed'); return null })
      .finally(() => {
        runs++
        current = null
        if (running) {
          timer = setTimeout(tick, opts.intervalMs)
          timer.unref()
        }
      })
  }

  return {
    start (): void {
      if (running) return
      running = true
      tick()
    },
    /** Stops the timer and waits for a run in progress, so the database can close after it. */
    async stop (): Promise<void> {
      running = false
      if (timer) clearTimeout(timer)
      timer = null
      await current
    },
    /** Resolves once no run is in progress. */
    async idle (): Promise<void> {
      await current
    },
    get runs (): number { return runs },
  }
}
export type Scheduler = ReturnType<typeof createScheduler>
