// Builds the dispatcher from configuration, for the server and for the cron command alike.
import { mailDomainOf, type Config } from '../config.js'
import type { RemindersService } from '../services/reminders.js'
import { createDispatcher, type DispatcherLog, type DispatcherOptions } from './dispatcher.js'
import { createSmtpTransport } from './mailer.js'
import { createWebhookTransport } from './webhook.js'
import { loadReminderTemplates } from './templates.js'
import type { ReminderPolicy } from '../domain/reminder-policy.js'

export type ReminderConfig = Pick<Config,
  'BASE_URL' | 'MAIL_FROM' | 'SMTP_URL' | 'REMINDER_SEND_HOUR' | 'REMINDER_OVERDUE_EVERY_DAYS' | 'REMINDER_OVERDUE_MAX' |
  'REMINDER_ESCALATE_AFTER_DAYS' | 'REMINDER_CATCH_UP_DAYS' | 'REMINDER_MAX_ATTEMPTS' | 'REMINDER_RETRY_BASE_SECONDS' | 'REMINDER_LEASE_SECONDS' | 'DIGEST_WEEKDAY'>

export function policyOf (config: ReminderConfig): ReminderPolicy {
  return {
    overdueEveryDays: config.REMINDER_OVERDUE_EVERY_DAYS,
    overdueMax: config.REMINDER_OVERDUE_MAX,
    escalateAfterDays: config.REMINDER_ESCALATE_AFTER_DAYS,
    catchUpDays: config.REMINDER_CATCH_UP_DAYS,
  }
}

/** The dispatcher over the services of one composition root (`deps.services`). */
export function dispatcherFromConfig (config: ReminderConfig, opts: {
  services: { reminders: RemindersService }; log?: DispatcherLog
} & Partial<Pick<DispatcherOptions, 'workerId' | 'leaseMs' | 'batchSize' | 'templates'>>) {
  const { services, ...rest } = opts
  return createDispatcher({
    leaseMs: config.REMINDER_LEASE_SECONDS * 1000,
    ...rest,
    deps: services.reminders.jobDeps(),
    templates: opts.templates ?? loadReminderTemplates(),
    policy: policyOf(config),
    sendHour: config.REMINDER_SEND_HOUR,
    digestWeekday: config.DIGEST_WEEKDAY,
    baseUrl: config.BASE_URL,
    mailDomain: mailDomainOf(config.BASE_URL),
    mailFrom: config.MAIL_FROM,
    email: config.SMTP_URL ? createSmtpTransport(config.SMTP_URL) : null,
    webhook: createWebhookTransport(),
    maxAttempts: config.REMINDER_MAX_ATTEMPTS,
    retryBaseMs: config.REMINDER_RETRY_BASE_SECONDS * 1000,
  })
}
