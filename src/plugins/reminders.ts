import fp from 'fastify-plugin'
import type { Exclusive } from '../db/exclusive.js'
import type { FastifyInstance } from 'fastify'
import { dispatcherFromConfig, type ReminderConfig } from '../reminders/setup.js'
import { createScheduler, type Scheduler } from '../reminders/scheduler.js'

declare module 'fastify' {
  interface FastifyInstance {
    reminders: Scheduler
  }
}

export interface RemindersPluginOptions {
  config: ReminderConfig
  intervalMs: number
  /** One run at a time across instances on one database (the composition root's `exclusive`). */
  exclusive?: Exclusive
}

/** The reminder dispatcher inside the server (REMINDERS=on): starts when the app is ready, stops before the database closes. */
export default fp<RemindersPluginOptions>(async function remindersPlugin (app: FastifyInstance, opts) {
  const dispatcher = dispatcherFromConfig(opts.config, { services: app.services, log: app.log })
  const scheduler = createScheduler({ dispatcher, intervalMs: opts.intervalMs, log: app.log, exclusive: opts.exclusive })
  app.decorate('reminders', scheduler)
  app.addHook('onReady', async () => { scheduler.start() })
  // preClose runs before any onClose hook, so a run in progress finishes while SQLite is still open.
  app.addHook('preClose', async () => {
    await scheduler.stop()
    dispatcher.close()
  })
}, { name: 'reminders', dependencies: ['db'] })
