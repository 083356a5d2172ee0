import { databaseErrorKind } from '../db/errors.js'
import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance } from 'fastify'
import type { FastifyRequest } from 'fastify'
import { AppError, SERVICE_ERROR_STATUS, ServiceError, type ErrorDetail } from '../shared/errors.js'
import { ErrorReply } from '../schemas/common.js'
import { RecurrenceError } from '../domain/recurrence.js'
import { FINITE_KEYWORD, FINITE_MESSAGE, FORMATS } from '../schemas/formats.js'
import { CSRF_MESSAGE, isCsrfError } from './auth.js'

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

type ValidationEntry = NonNullable<FastifyError['validation']>[number]

/**
 * A nullable field (`Nullable(DateString)` is anyOf [date, null]) fails three times in ajv: the date
 * format, "must be null" and "must match a schema in anyOf". Kept: the first, with "or null" added.
 */
function withoutNullAlternatives (entries: readonly ValidationEntry[]): Array<ValidationEntry & { orNull?: boolean }> {
  const anyOfPaths = new Set(entries.filter(v => v.keyword === 'anyOf').map(v => v.instancePath))
  const isNullAlternative = (v: ValidationEntry) => v.keyword === 'type' && (v.params as { type?: unknown }).type === 'null'
  return entries.flatMap(v => {
    if (!anyOfPaths.has(v.instancePath)) return [v]
    const siblings = entries.filter(o => o.instancePath === v.instancePath && o.keyword !== 'anyOf' && !isNullAlternative(o))
    if (siblings.length === 0) return [v]
    if (v.keyword === 'anyOf' || isNullAlternative(v)) return []
    return [{ ...v, orNull: entries.some(o => o.instancePath === v.instancePath && isNullAlternative(o)) }]
  })
}

function validationDetails (err: FastifyError): ErrorDetail[] {
  const context = err.validationContext ?? 'body'
  return withoutNullAlternatives(err.validation ?? []).map(v => {
    const params = v.params as Record<string, unknown>
    let path = `${context}${v.instancePath ?? ''}`
    if (typeof params.missingProperty === 'string') path += `/${params.missingProperty}`
    if (typeof params.additionalProperty === 'string') path += `/${params.additionalProperty}`
    let message = v.message ?? 'is invalid'
    if (typeof params.additionalProperty === 'string') message = 'unknown field'
    if (Array.isArray(params.allowedValues)) message += `: ${params.allowedValues.join(', ')}`
    if (v.keyword === 'format' && typeof params.format === 'string' && FORMATS[params.format]) message = FORMATS[params.format]!.message
    if (v.keyword === FINITE_KEYWORD) message = FINITE_MESSAGE
    if (v.orNull) message += ', or null'
    return { path, message }
  })
}

/**
 * Where a service's bare field name sits in the request: the path parameters, the query string or
 * the body (for a write). A field given with a location (`body/meetings/0/start`) is kept as it is.
 */
export function locateField (request: Pick<FastifyRequest, 'params' | 'query' | 'method'>, field: string): string {
  // Only `body/…` counts as located: a bare field may itself be called `body` (a subscription's target body).
  if (/^(params|querystring|headers)(\/|$)|^body\//.test(field)) return field
  const head = field.split('/')[0]!
  const has = (o: unknown) => typeof o === 'object' && o !== null && Object.hasOwn(o, head)
  if (has(request.params)) return `params/${field}`
  if (has(request.query)) return `querystring/${field}`
  return ['GET', 'HEAD', 'DELETE'].includes(request.method) ? `querystring/${field}` : `body/${field}`
}

// Every error reply has one shape, and never carries a stack trace or SQL.
export default fp(async function errorsPlugin (app: FastifyInstance) {
  app.addSchema(ErrorReply)

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const send = (statusCode: number, code: string, message: string, details: ErrorDetail[] = []) =>
      reply.code(statusCode).type('application/json; charset=utf-8').send({ statusCode, error: STATUS_TEXT[statusCode] ?? 'Error', code, message, details, requestId: request.id })

    if (err instanceof AppError) return send(err.statusCode, err.code, err.message, err.details)
    if (err instanceof ServiceError) {
      if (err.field === undefined) return send(SERVICE_ERROR_STATUS[err.kind], err.code, err.message)
      const path = locateField(request, err.field)
      return send(SERVICE_ERROR_STATUS[err.kind], err.code, `${path}: ${err.message}`, [{ path, message: err.message }])
    }
    // The recurrence engine is Fastify-free; its errors always concern the request body's rule fields.
    if (err instanceof RecurrenceError) {
      const path = err.field === 'window' ? 'querystring/from' : `body/${err.field}`
      return send(400, `rules.${err.code}`, `${path}: ${err.message}`, [{ path, message: err.message }])
    }
    if (isCsrfError(err)) return send(403, 'auth.csrf', CSRF_MESSAGE)
    if (err.validation) {
      const details = validationDetails(err)
      return send(400, 'validation_failed', details.map(d => `${d.path} ${d.message}`).join('; '), details)
    }
    const database = databaseErrorKind(err)
    if (database === 'busy') return send(503, 'busy', 'Databasen er opptatt, prøv igjen')
    if (database) {
      return send(409, 'conflict', database === 'foreign_key'
        ? 'Endringen peker på noe som ikke finnes, eller noe annet peker fortsatt hit'
        : 'Endringen er i konflikt med eksisterende data (f.eks. en slug som er i bruk)')
    }
    const status = err.statusCode ?? 500
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, wrong content type, too large): in Norwegian, no internals.
      if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return send(status, 'unsupported_media_type', mediaTypeMessage(request))
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        const limit = request.routeOptions.bodyLimit
        return send(status, 'payload_too_large', `Innholdet er for stort${limit ? `: grensen er ${Math.floor(limit / 1024)} KiB` : ''}`)
      }
      if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return send(status, 'invalid_body', 'Innholdet er ikke gyldig JSON')
      if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return send(status, 'invalid_body', 'Innholdet er tomt, men Content-Type sier application/json')
      return send(status, err.code?.startsWith('FST_ERR_CTP') ? 'invalid_body' : 'bad_request', err.message)
    }
    request.log.error({ err }, 'unhandled error')
    return send(500, 'internal', 'Det oppstod en intern feil')
  })

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ statusCode: 404, error: 'Not Found', code: 'route.not_found', message: `Ingen side på ${request.method} ${request.url.split('?')[0]}`, details: [], requestId: request.id })
  })
}, { name: 'errors' })

/** A 415's message: the type sent, and the types the route takes (its body schema's `content`, else JSON). */
function mediaTypeMessage (request: FastifyRequest): string {
  const sent = request.headers['content-type']?.split(';')[0]?.trim()
  const body = request.routeOptions.schema?.body as { content?: Record<string, unknown> } | undefined
  const accepted = body?.content ? Object.keys(body.content) : body ? ['application/json'] : []
  return `${sent ? `Innholdstypen «${sent}»` : 'Innhold uten Content-Type'} tas ikke imot her${accepted.length ? `; send ${accepted.join(', ')}` : ''}`
}
