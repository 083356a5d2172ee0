// CI's bounded run of the fuzzer (issue 13): a fixed seed and a few thousand real HTTP requests against
// the app over a copy of the seeded database. `npm run fuzz` runs the full 10,000 and prints the counts.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { distinctFailures, formatReport, leakIn, runFuzz, startTarget } from './fuzz-core.js'
import { CSRF, Encoded, PAGE_OPERATIONS, encode, formFieldsOf, planFor, valuesFor, type SeedData } from './fuzz-cases.js'

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
    // Issue 14's page forms: each baseline, as the admin person, gets past the session, the CSRF token and
    // validation (so the mutations reach the handler), and the person with no role is refused or sent on.
    for (const op of PAGE_OPERATIONS.filter(o => o.form)) {
      const [none, admin, noRole] = report.baselineReplies[`${op.method} ${op.path}`] ?? []
      expect(admin, `${op.path} as admin\n${summary}`).toBeLessThan(400)
      // The sign-in forms take the anonymous visitor's token; every other form wants a session.
      if (op.form!.anonymous) expect(none, `${op.path} without a session`).toBeLessThan(400)
      else expect(none, `${op.path} without a session`).toBe(401)
      expect(noRole, `${op.path} with no role`).toBeGreaterThanOrEqual(200)
    }
    expect(report.csrfNotRefused).toBe(0)
    // Issue 15's workspace pages resolve over the demo's plan, project and analyse: the admin reads each.
    for (const op of PAGE_OPERATIONS.filter(o => o.path.startsWith('/kontroll') && o.method === 'GET')) {
      expect(report.baselineReplies[`GET ${op.path}`]?.[1], `${op.path} as admin\n${summary}`).toBe(200)
    }
  }, 600_000)

  it('lists every page and form of the kontrollutvalg workspace (src/routes/kontroll-pages), with the routes\' own paths', () => {
    const dir = path.join(import.meta.dirname, '../../src/routes/kontroll-pages')
    const routes = fs.readdirSync(dir).filter(f => f.endsWith('.ts')).flatMap(f =>
      [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/app\.(get|post)(?:<[^(]*?>)?\('([^']+)'/g)].map(m => `${m[1]!.toUpperCase()} ${m[2]!.replace(/:(\w+)/g, '{$1}')}`))
    expect(routes.length).toBeGreaterThanOrEqual(20)
    const listed = PAGE_OPERATIONS.filter(o => o.path.startsWith('/kontroll')).map(o => `${o.method} ${o.path}`)
    expect(listed.sort()).toEqual([...new Set(routes)].sort())
  })

  it('reads a page form\'s fields as a browser sends them: inputs, checked boxes, a select\'s choice, a textarea; not buttons', () => {
    const html = `<form method="get" action="/x"><input name="q" value="no"></form>
      <form class="form" method="post" action="/x/lagre" novalidate>
        <input type="hidden" name="_csrf" value="tok">
        <input type="text" name="navn" value="Øyer &amp; Gausdal &quot;IKS&quot;">
        <input type="checkbox" name="art" value="a" checked><input type="checkbox" name="art" value="b">
        <input type="radio" name="status" value="active"><input type="radio" name="status" value="ended" checked>
        <select name="vert"><option value="">Velg …</option><option value="oyer" selected>Øyer</option></select>
        <select name="form"><option value="iks">IKS</option><option value="as">AS</option></select>
        <textarea name="kommentar">linje 1
linje 2</textarea>
        <input type="text" name="av" value="x" disabled>
        <button type="submit" name="knapp" value="1">Lagre</button>
      </form>`
    expect(formFieldsOf(html, '/x/lagre')).toEqual([
      ['_csrf', 'tok'], ['navn', 'Øyer & Gausdal "IKS"'], ['art', 'a'], ['status', 'ended'], ['vert', 'oyer'], ['form', 'iks'], ['kommentar', 'linje 1\nlinje 2'],
    ])
    expect(formFieldsOf(html, '/x')).toBeUndefined()
  })

  it('sends every page form with the CSRF token, and mutates the token so that a signed-in post without a valid one must get 403', () => {
    const data: SeedData = { municipality: 'oyer', municipalities: ['oyer'], body: 'b', kontrollutvalg: 'k', collaboration: 'c', eventType: 'e', package: 'p', occurrence: '1-20270101', county: 'Innlandet', targets: {}, victims: {} }
    const forms = PAGE_OPERATIONS.filter(o => o.form)
    expect(forms.length).toBeGreaterThanOrEqual(24)
    for (const op of forms) {
      const plan = planFor(op, data)
      expect(plan.baselines[0]!.form?.[0], op.path).toEqual(['_csrf', CSRF])
      const token = plan.groups.find(g => g.target === 'form._csrf')!.mutations
      expect(token.filter(m => m.csrfRefused).map(m => m.label), op.path).toEqual(expect.arrayContaining(['_csrf missing', '_csrf wrong', '_csrf of another person\'s session']))
      expect(token.map(m => m.label), op.path).toContain('_csrf twice (duplicate, both valid)')
    }
    const status = planFor(forms.find(o => o.path === '/hendelse/{id}/status')!, data)
    const dato = status.groups.find(g => g.target === 'form.dato')!.mutations.map(m => m.label)
    expect(dato).toEqual(expect.arrayContaining(['form.dato = "2027-02-30" (impossible date)', 'form.dato = "9999-12-31" (year 9999)', 'form.dato repeated (a list where one value is expected)', 'form.dato missing']))
    expect(dato.some(l => l.includes('%FF'))).toBe(true)
  })

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
