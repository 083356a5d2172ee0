// Builds the dispatcher from configuration, for the server and for the cron command alike.
import { mailDomainOf, type Config } from '../config.js'
import type { Catalogue } from '../catalogue/load.js'
import type { Repositories } from '../repositories/index.js'
import type { Clock } from '../shared/clock.js'
import { createDispatcher, type DispatcherLog, type DispatcherOptions } from './dispatcher.js'
import { createSmtpTransport } from './mailer.js'
import { createWebhookTransport } from './webhook.js'
import { loadReminderTemplates } from './templates.js'
import type { ReminderPolicy } from '../domain/reminder-policy.js'

export type ReminderConfig = Pick<Config,
  'BASE_URL' | 'MAIL_FROM' | 'SMTP_URL' | 'REMINDER_SEND_HOUR' | 'REMINDER_OVERDUE_EVERY_DAYS' | 'REMINDER_OVERDUE_MAX' |
  'REMINDER_ESCALATE_AFTER_DAYS' | 'REMINDER_CATCH_UP_DAYS' | 'REMINDER_MAX_ATTEMPTS' | 'REMINDER_RETRY_BASE_SECONDS' | 'DIGEST_WEEKDAY'>

export function policyOf (config: ReminderConfig): ReminderPolicy {
  return {
    overdueEveryDays: config.REMINDER_OVERDUE_EVERY_DAYS, overdueMax: config.REMINDER_OVERDUE_MAX,
    escalateAfterDays: config.REMINDER_ESCALATE_AFTER_DAYS, catchUpDays: config.REMINDER_CATCH_UP_DAYS,
  }
}

export function dispatcherFromConfig (config: ReminderConfig, deps: {
  repos: Repositories; catalogue: Catalogue; clock: Clock; log?: DispatcherLog
} & Partial<Pick<DispatcherOptions, 'workerId' | 'leaseMs' | 'batchSize' | 'templates'>>) {
  return createDispatcher({
    ...deps,
    templates: deps.templates ?? loadReminderTemplates(),
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
