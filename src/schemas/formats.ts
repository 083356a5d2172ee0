// The string formats every request schema shares (issue 13): one rule for what a date is, checked by
// the same functions the domain uses, so that no impossible date or far-off year reaches a service.
import { isSupportedDate, MAX_SUPPORTED_YEAR, MIN_SUPPORTED_YEAR } from '../domain/calendar-date.js'
import { isSupportedLocalDateTime } from '../domain/local-time.js'

const RFC3339_RE = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/

/** An RFC 3339 date-time (§ 5.6) with an offset, whose date is a supported date. */
export function isSupportedTimestamp (s: string): boolean {
  const m = RFC3339_RE.exec(s)
  if (!m || !isSupportedDate(m[1])) return false
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4])]
  const offsetOk = m[7] === undefined || (Number(m[7]) <= 23 && Number(m[8]) <= 59)
  return hour <= 23 && minute <= 59 && second <= 60 && offsetOk
}

/**
 * Format name → validator and the words a 400 uses for it. `date` and `date-time` replace ajv-formats'
 * own (which take year 0000 and 9999), so the OpenAPI document keeps the standard format names.
 */
export const FORMATS: Record<string, { validate: (s: string) => boolean; message: string }> = {
  date: {
    validate: isSupportedDate,
    message: `must be a real calendar date YYYY-MM-DD in the years ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}`,
  },
  'local-date-time': {
    validate: isSupportedLocalDateTime,
    message: `must be a real local time YYYY-MM-DDTHH:mm (Europe/Oslo) in the years ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}`,
  },
  'date-or-local-date-time': {
    validate: s => isSupportedDate(s) || isSupportedLocalDateTime(s),
    message: `must be a real calendar date YYYY-MM-DD or local time YYYY-MM-DDTHH:mm in the years ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}`,
  },
  'date-time': {
    validate: isSupportedTimestamp,
    message: `must be an RFC 3339 date-time with an offset (2027-02-08T09:00:00+01:00) in the years ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}`,
  },
}

/** Registers FORMATS on Fastify's Ajv after ajv-formats (`ajv.onCreate`), replacing its date formats. */
export function addFormats (ajv: { addFormat (name: string, format: { type: 'string'; validate: (s: string) => boolean }): unknown }): void {
  for (const [name, { validate }] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate })
}
