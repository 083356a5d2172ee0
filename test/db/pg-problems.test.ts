import { describe, expect, it } from 'vitest'
import { postgresOpenProblem, redactUrl } from '../../src/db/pg.js'

// The operator's sentence for a PostgreSQL database that cannot be opened (src/db/pg.ts), for the errors
// node-postgres raises with a code and those it raises with a message only.
describe('postgresOpenProblem', () => {
  it('names a wrong password, a server that wants a password the URL lacks, SSL the server lacks, and an unparsable URL', () => {
    expect(postgresOpenProblem(Object.assign(new Error('password authentication failed'), { code: '28P01' }))).toMatch(/feil brukernavn eller passord/)
    expect(postgresOpenProblem(new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'))).toBe('serveren krever passord, men DATABASE_URL har ikke noe passord')
    expect(postgresOpenProblem(new Error('The server does not support SSL connections'))).toMatch(/støtter ikke SSL/)
    // What node's URL parser (under pg-connection-string) throws.
    expect(postgresOpenProblem(Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL' }))).toMatch(/prosentkodes/)
  })

  it('finds the problem in a cause, and leaves any other error to the caller', () => {
    expect(postgresOpenProblem(new Error('migrating failed', { cause: Object.assign(new Error('x'), { code: '3D000' }) }))).toMatch(/finnes ikke/)
    expect(postgresOpenProblem(new Error('something else'))).toBeUndefined()
  })
})

describe('redactUrl', () => {
  it('hides the password, also one with an unencoded @', () => {
    expect(redactUrl('postgres://arshjul:secret@db:5432/arshjul')).toBe('postgres://arshjul:***@db:5432/arshjul')
    expect(redactUrl('postgres://weird:p@ss:w/rd%x@127.0.0.1:1/arshjul')).toBe('postgres://weird:***@127.0.0.1:1/arshjul')
    expect(redactUrl('postgres://arshjul@db/arshjul')).toBe('postgres://arshjul@db/arshjul')
  })
})
