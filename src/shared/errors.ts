export interface ErrorDetail { path: string; message: string }

/** An error meant for the client: a status, a stable code clients can switch on, a clear message. */
export class AppError extends Error {
  constructor (
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
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
