import { isSupportedDate, MAX_SUPPORTED_YEAR, MIN_SUPPORTED_YEAR } from '../domain/calendar-date.js'

export interface ErrorDetail { path: string; message: string }

/** An error meant for the client: a status, a stable code clients can switch on, a clear message. */
export class AppError extends Error {
  constructor (
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = []
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const notFound = (what: string, id: string | number) =>
  new AppError(404, `${what}.not_found`, `${what} ${id} finnes ikke`)

export const badRequest = (code: string, path: string, message: string) =>
  new AppError(400, code, `${path}: ${message}`, [{ path, message }])

export const conflict = (code: string, message: string, details: ErrorDetail[] = []) =>
  new AppError(409, code, message, details)

export const forbidden = (message = 'Tokenet har ikke rettigheter til denne endringen') =>
  new AppError(403, 'auth.forbidden', message)

/**
 * What a service throws when the work cannot be done: a kind (the route layer maps it to a status),
 * a stable code clients switch on, a message, and the input field it concerns. The field is a bare
 * name (`responsibleBody`, `from`); the error handler places it under `params/`, `querystring/` or
 * `body/` by where the request carried it.
 */
export type ServiceErrorKind = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict'

export class ServiceError extends Error {
  constructor (
    readonly kind: ServiceErrorKind,
    readonly code: string,
    message: string,
    readonly field?: string
  ) {
    super(message)
    this.name = 'ServiceError'
  }
}

/** The HTTP status each kind answers with, for the API's error handler and the pages' alike. */
export const SERVICE_ERROR_STATUS: Readonly<Record<ServiceErrorKind, number>> = { invalid: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409 }

export const invalid = (code: string, field: string, message: string) => new ServiceError('invalid', code, message, field)

/**
 * A tracking start (or other date) a service takes: `value` when it is a supported calendar date
 * (1900–2200, domain/calendar-date.ts), else an `invalid` error `code` naming `field`.
 */
export function requireSupportedDate (value: string, code: string, field: string): string {
  if (!isSupportedDate(value)) throw invalid(code, field, `må være en dato (ÅÅÅÅ-MM-DD) i årene ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}`)
  return value
}
export const missing = (what: string, id: string | number, field?: string) =>
  new ServiceError('not_found', `${what}.not_found`, `${what} ${id} finnes ikke`, field)
export const denied = (message = 'Du har ikke rettigheter til denne endringen') => new ServiceError('forbidden', 'auth.forbidden', message)
export const unauthenticated = (message = 'Skriving krever innlogging eller et API-token: Authorization: Bearer <token>') =>
  new ServiceError('unauthorized', 'auth.unauthorized', message)
export const conflicting = (code: string, message: string, field?: string) => new ServiceError('conflict', code, message, field)
