import { Type, type TSchema, type TProperties, type TNumberOptions, type TStringOptions } from 'typebox'
import { MAX_SUPPORTED_YEAR, MIN_SUPPORTED_YEAR } from '../domain/calendar-date.js'
import { FINITE_KEYWORD, MAX_ID } from './formats.js'

/** Request objects refuse unknown fields (STYLE.md trap 5). */
export const Strict = <T extends TProperties>(properties: T, options: Record<string, unknown> = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options })

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/**
 * A whole number in [minimum, maximum], finite (formats.ts, FINITE_KEYWORD): what every integer of a
 * request is, so that `1e21`, `2^63` or `Infinity` is a 400 naming the field, never a 500.
 */
export const Int = (minimum: number, maximum: number, options: TNumberOptions = {}) =>
  Type.Integer({ minimum, maximum, [FINITE_KEYWORD]: true, ...options })
/** A number (not only whole) in [minimum, maximum], finite. */
export const Num = (minimum: number, maximum: number, options: TNumberOptions = {}) =>
  Type.Number({ minimum, maximum, [FINITE_KEYWORD]: true, ...options })
/** A row id in a path or query: 1 … 2³¹ − 1. */
export const Id = Int(1, MAX_ID)
/** A calendar year the service takes (1900–2200, src/domain/calendar-date.ts). */
export const Year = (options: TNumberOptions = {}) => Int(MIN_SUPPORTED_YEAR, MAX_SUPPORTED_YEAR, options)
/** The furthest a list may be paged: far beyond any list we hold, far below what SQLite or a page number overflows on. */
export const MAX_OFFSET = 1_000_000
export const Offset = Int(0, MAX_OFFSET, { default: 0 })

/** A name: 1–200 characters of one line (formats.ts `single-line`: no control or bidirectional characters). */
export const Name = (options: TStringOptions = {}) => Type.String({ minLength: 1, maxLength: 200, format: 'single-line', ...options })
/** A one-line field (a title, a case number, a search): no control or bidirectional characters (formats.ts `single-line`). */
export const Line = (maxLength: number, options: TStringOptions = {}) => Type.String({ maxLength, format: 'single-line', ...options })
/** Free text (a note, a comment): line breaks and tabs, no other control characters (formats.ts `multi-line`). */
export const Text = (maxLength: number, options: TStringOptions = {}) => Type.String({ maxLength, format: 'multi-line', ...options })

export const Slug = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 1, maxLength: 80 })
/** A real calendar date in 1900–2200 (formats.ts); anything else is a 400 naming the field. */
export const DateString = Type.String({ format: 'date', description: 'Kalenderdato YYYY-MM-DD (1900–2200)' })
export const Timestamp = Type.String({ description: 'Tidspunkt, ISO 8601 med offset' })
/** A municipality/collaboration/body reference in a path: numeric id or slug. */
export const RefParams = Strict({ ref: Line(80, { minLength: 1 }) })

export const ErrorReply = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  code: Type.String(),
  message: Type.String(),
  details: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
  requestId: Type.String({ description: 'Forespørselens id, også i serverens logg og i svarhodet X-Request-Id' }),
}, { $id: 'ErrorReply' })

export const ErrorRef = Type.Ref('ErrorReply')

export const errorReplies = (...codes: number[]) =>
  Object.fromEntries(codes.map(c => [c, ErrorRef])) as Record<number, typeof ErrorRef>

export const ListQueryBase = {
  limit: Type.Optional(Int(1, 500, { default: 100 })),
  offset: Type.Optional(Offset),
  modified_since: Type.Optional(Type.String({ format: 'date-time' })),
  q: Type.Optional(Line(200)),
}

export const Pagination = Type.Object({
  totalElements: Type.Integer(),
  elementsPerPage: Type.Integer(),
  currentPage: Type.Integer(),
  totalPages: Type.Integer(),
})

export const Links = Type.Object({
  first: Type.String(),
  prev: Type.Optional(Type.String()),
  self: Type.String(),
  next: Type.Optional(Type.String()),
  last: Type.String(),
})

export const ListOf = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), pagination: Pagination, links: Links })

export const FeedLinks = Type.Object({ https: Type.String(), webcal: Type.String() })

export const Tombstone = Type.Object({
  id: Type.Integer(), slug: Type.String(), created: Timestamp, modified: Timestamp, deleted: Type.Literal(true),
}, { $id: 'Tombstone' })

/** The charset parameter of a Content-Type header (RFC 9110 § 8.3.1), unquoted; null without one. */
export function charsetOf (contentType: string | undefined): string | null {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? '')
  const value = match?.[1] ?? match?.[2] ?? ''
  return value === '' ? null : value
}
