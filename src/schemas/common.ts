import { Type, type TSchema, type TProperties } from 'typebox'

/** Request objects refuse unknown fields (STYLE.md trap 5). */
export const Strict = <T extends TProperties>(properties: T, options: Record<string, unknown> = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options })

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const Slug = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 1, maxLength: 80 })
/** A real calendar date in 1900–2200 (formats.ts); anything else is a 400 naming the field. */
export const DateString = Type.String({ format: 'date', description: 'Kalenderdato YYYY-MM-DD (1900–2200)' })
export const Timestamp = Type.String({ description: 'Tidspunkt, ISO 8601 med offset' })
/** A municipality/collaboration/body reference in a path: numeric id or slug. */
export const RefParams = Strict({ ref: Type.String({ minLength: 1, maxLength: 80 }) })

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
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  modified_since: Type.Optional(Type.String({ format: 'date-time' })),
  q: Type.Optional(Type.String({ maxLength: 200 })),
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
