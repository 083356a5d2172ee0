// CI's bounded run of the fuzzer (issue 13): a fixed seed and a few thousand real HTTP requests against
// the app over a copy of the seeded database. `npm run fuzz` runs the full 10,000 and prints the counts.
import { describe, expect, it } from 'vitest'
import { distinctFailures, formatReport, leakIn, runFuzz, startTarget } from './fuzz-core.js'
import { Encoded, encode, valuesFor } from './fuzz-cases.js'

const REQUESTS = 3000
const SEED = 13

describe('the fuzzer', () => {
  it(`${REQUESTS} requests (seed ${SEED}) over every documented operation and the pages: no 5xx, no leak, no row changed by a rejected request`, async () => {
    const report = await runFuzz({ requests: REQUESTS, seed: SEED })
    const summary = formatReport(report)
    // One line per distinct failure; the whole summary (stack traces, replies) when it fails.
    expect(distinctFailures(report.failures).map(f => `[${f.kind}] ${f.route} — ${f.what}`), summary).toEqual([])
    expect(report.requests).toBe(REQUESTS)
    // Every operation was reached, and the mutations reached past validation as well as into it.
    expect(Object.keys(report.byRoute).sort()).toHaveLength(report.operations)
    expect(report.byClass['2xx'] ?? 0, summary).toBeGreaterThan(REQUESTS / 20)
    expect(report.byClass['4xx'] ?? 0, summary).toBeGreaterThan(REQUESTS / 4)
  }, 600_000)

  it('sees what a request committed, per table, and nothing of a rolled-back transaction or a token\'s last-use stamp', async () => {
    const target = await startTarget()
    try {
      const post = (body: unknown) => fetch(`${target.base}/api/v1/municipalities`, {
        method: 'POST', headers: { authorization: `Bearer ${target.tokens.admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
      })
      target.takeChanges()
      const before = target.totalChanges()
      expect((await post({ slug: 'fuzz-logg', name: 'Fuzz logg', kind: 'kommune' })).status).toBe(201)
      expect(target.takeChanges()).toMatchObject({ municipality: 1 })
      expect(target.totalChanges()).toBeGreaterThan(before)

      expect((await post({ slug: 'fuzz-logg', name: 'Fuzz logg', kind: 'fuzz-unknown' })).status).toBe(400)
      expect(target.takeChanges()).toEqual({})

      const rolledBack = target.sqlite.transaction(() => {
        target.sqlite.prepare("update municipality set name = 'Endret' where slug = 'fuzz-logg'").run()
        throw new Error('roll back')
      })
      expect(rolledBack).toThrow('roll back')
      expect(target.takeChanges()).toEqual({})
    } finally {
      await target.close()
    }
  })

  it('knows a leak when it sees one: a stack frame, SQL or the driver, a server path; not an ordinary error reply', () => {
    expect(leakIn('TypeError: x\n    at Object.list (file.js:1:2)')).toBe('    at ')
    expect(leakIn('{"message":"SQLITE_CONSTRAINT_UNIQUE"}')).toBe('SQLITE_')
    expect(leakIn('near "SELECT * FROM rule"')).toBe('SELECT ')
    expect(leakIn('ENOENT: /work/main/data/arshjul.db')).toBe('/work/')
    expect(leakIn('at src/services/rules.ts:12')).toBeDefined()
    expect(leakIn('{"statusCode":400,"code":"validation_failed","message":"querystring/from must be a date","requestId":"r-1"}')).toBeUndefined()
  })

  it('sends a lone surrogate in a URL as the invalid UTF-8 of its code unit, and malformed escapes as given', () => {
    expect(encode('a\uD800b')).toBe('a%ED%A0%80b')
    expect(encode('👍')).toBe('%F0%9F%91%8D')
    expect(encode(new Encoded('%ZZ'))).toBe('%ZZ')
  })

  it('tries the impossible dates and extreme numbers of issue 13 on date and integer fields', () => {
    const dates = valuesFor('from', { type: 'string', format: 'date' }, 'query').map(([, v]) => v)
    expect(dates).toEqual(expect.arrayContaining(['2027-02-30', '0000-00-00', '2027-13-01', '9999-12-31']))
    const numbers = valuesFor('offset', { type: 'integer', minimum: 0 }, 'query').map(([, v]) => v)
    expect(numbers).toEqual(expect.arrayContaining(['1e21', '9223372036854775808', '-1', 'Infinity', 'NaN', '1.5']))
  })
})
