import { describe, expect, it } from 'vitest'
import { redactUrl } from '../src/db/pg.js'
import { TEST_DATABASE_URL, withDatabase } from './helpers/database.js'
import { expectOneLine, run } from './helpers/entry-points.js'

// PostgreSQL's counterpart of test/server.sqlite.test.ts: the database in DATABASE_URL is not there, or
// its server does not answer.
describe('npm start and a CLI command with a PostgreSQL database they cannot use', () => {
  const missing = () => withDatabase(TEST_DATABASE_URL!, `arshjul_finnes_ikke_${process.pid}`)
  const down = 'postgres://postgres@127.0.0.1:1/arshjul'

  it.each([
    ['a database that does not exist', missing, /finnes ikke/],
    ['a server that does not answer', () => down, /svarer ikke/],
    ['a password with an unencoded @, : and /', () => 'postgres://weird:p@ss:w/rd%x@127.0.0.1:1/arshjul', /prosentkodes/],
  ])('%s: one line naming the database and the problem, exit code 1', async (_name, url, problem) => {
    const r = await run('src/server.ts', { DATABASE_URL: url() })
    expectOneLine(r, redactUrl(url()), problem)
    expect(r.stderr).not.toContain('w/rd')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^Kan ikke åpne databasen /)
  }, 90_000)

  it("SSL asked of a server without it: the problem in one line after node-postgres's own warning about sslmode, exit code 1", async () => {
    const url = `${TEST_DATABASE_URL!}?sslmode=require`
    const r = await run('src/server.ts', { DATABASE_URL: url })
    expect(r.code).toBe(1)
    expect(r.stderr.split('\n').filter(l => l.startsWith('Kan ikke åpne databasen'))).toEqual([`Kan ikke åpne databasen ${redactUrl(url)}: serveren støtter ikke SSL, men DATABASE_URL ber om det (sslmode)`])
    expect(r.stderr).not.toContain('    at ')
  }, 90_000)

  it('npm run token -- list on a database that does not exist: one line, exit code 1', async () => {
    const r = await run('src/cli/token.ts', { DATABASE_URL: missing() }, ['list'])
    expectOneLine(r, redactUrl(missing()), /finnes ikke/)
    expect(r.code).toBe(1)
  }, 90_000)
})
