// The string formats every request schema shares (issue 13): one rule for what a date is, checked by
// the same functions the domain uses, so that no impossible date or far-off year reaches a service.
import { isSupportedDate, MAX_SUPPORTED_YEAR, MIN_SUPPORTED_YEAR } from '../domain/calendar-date.js'
import { isSupportedLocalDateTime } from '../domain/local-time.js'
import { parseOccurrenceId } from '../domain/occurrences.js'
import { BIDI_CONTROLS, CONTROL_CHARS, LINE_CONTROL_CHARS, LONE_SURROGATE } from '../shared/text.js'

/** The largest id a path or query may name: SQLite's rowids fit, and so does every JSON client's int32. */
export const MAX_ID = 2_147_483_647

/**
 * One line of text (a name, a title, a case number): no control character, not even a line break or a
 * tab, and no bidirectional control that could make it display as another text.
 */
export function isSingleLine (s: string): boolean {
  return !LINE_CONTROL_CHARS.test(s) && !BIDI_CONTROLS.test(s) && !LONE_SURROGATE.test(s)
}

/**
 * Text of one or more lines (a note, a comment): line breaks and tabs, but no other control character.
 * Bidirectional controls stay allowed here: prose quoting Arabic or Hebrew needs isolates.
 */
export function isMultiLine (s: string): boolean {
  return !CONTROL_CHARS.test(s) && !LONE_SURROGATE.test(s)
}

/** An occurrence id (`12-20270630`, `12-20270114T1800`, `…-eier-oyer`) whose rule id and date the service can look up. */
export function isOccurrenceId (s: string): boolean {
  const ref = parseOccurrenceId(s)
  return ref !== null && ref.ruleId >= 1 && ref.ruleId <= MAX_ID && isSupportedDate(ref.originalKey.slice(0, 10))
}

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
  'occurrence-id': {
    validate: isOccurrenceId,
    message: `must be an occurrence id: rule id and original date, 12-20270630 or 12-20270114T1800, rule id 1–${MAX_ID}, years ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}`,
  },
  'single-line': {
    validate: isSingleLine,
    message: 'must be one line of text, without control characters (NUL, line breaks, tabs …), bidirectional controls (U+202A–U+202E, U+2066–U+2069) or lone surrogates',
  },
  'multi-line': {
    validate: isMultiLine,
    message: 'must be text without control characters (NUL …) or lone surrogates; line breaks and tabs are allowed',
  },
}

/**
 * The keyword that makes a number finite. Ajv (8.20, strictNumbers on by default) coerces the strings
 * "Infinity" and "1e400" to Infinity without checking the type again, and then skips minimum/maximum for
 * a non-finite number: `?offset=Infinity` passed a bounded integer. Every integer and number schema of a
 * request carries it (Int, Num in src/schemas/common.ts).
 */
export const FINITE_KEYWORD = 'x-finite'
export const FINITE_MESSAGE = 'must be a finite number'

type AjvLike = {
  addFormat (name: string, format: { type: 'string'; validate: (s: string) => boolean }): unknown
  addKeyword (definition: { keyword: string; schemaType: 'boolean'; errors: false; validate: (schema: boolean, data: unknown) => boolean }): unknown
}

/**
 * Registers FORMATS on Fastify's Ajv after ajv-formats (`ajv.onCreate`), replacing its date formats,
 * and the keyword FINITE_KEYWORD.
 */
export function addFormats (ajv: AjvLike): void {
  for (const [name, { validate }] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate })
  ajv.addKeyword({
    keyword: FINITE_KEYWORD,
    schemaType: 'boolean',
    errors: false,
    // No `type`: a keyword of type number sits behind ajv's own isFinite guard and would never see Infinity.
    validate: (finite, data) => !finite || typeof data !== 'number' || Number.isFinite(data),
  })
}
