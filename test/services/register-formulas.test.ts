// The register's TSV export neutralises what a spreadsheet would run as a formula, and its import takes
// exactly that escape off again (src/shared/spreadsheet.ts): export → import → export is exact, and the
// database does not change. Service level, and over real HTTP (GET …/export, POST /api/v1/imports).
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { writeRegister, type WritableEntry } from '../../src/register/write.js'
import type { Actor } from '../../src/services/access.js'

const ACTOR: Actor = { tokenId: null, label: 'test-import', role: 'admin', municipalityIds: [] }
const DAY = 24 * 60 * 60 * 1000
const HYPERLINK = '=HYPERLINK("http://x","y")'
const DDE = "+cmd|' /C calc'!A0"

const open: TestApp[] = []
async function app (opts: { seed?: boolean } = {}): Promise<TestApp> {
  const t = await buildTestApp(opts)
  open.push(t)
  return t
}
afterEach(async () => {
  for (const t of open.splice(0)) await t.close()
})

function entry (e: Partial<WritableEntry> & Pick<WritableEntry, 'name'>): WritableEntry {
  return { slug: '', area: null, legalForm: 'avtale', participants: ['Gausdal'], host: null, extraParticipants: [], otherParticipantsNote: null, terminated: false, isUmbrella: false, parentSlug: null, comment: '', ...e }
}

// Names, areas and comments as a user might type them into the API: each would run in a spreadsheet.
const FORMULA_REGISTER = writeRegister({
  municipalityColumns: ['Lillehammer', 'Gausdal', 'Øyer'],
  entries: [
    entry({ name: HYPERLINK, area: '@SUM(A1)', comment: DDE }),
    entry({ name: '-2+3', area: '@SUM(A1)', comment: '=1+1', participants: ['Øyer'] }),
    entry({ name: "'=allerede escapet", area: '@SUM(A1)', comment: "'@x", participants: ['Lillehammer'] }),
    entry({ name: '@Felles IKT', area: '-Helse', comment: 'Vanlig kommentar' }),
  ],
})

/** Every data or area cell of an export that starts with one of the triggers after the escape. */
const cellsOf = (tsv: string) => tsv.split('\n').flatMap(line => line.split('\t'))
const stored = async (t: TestApp) => (await t.services.collaborations.listAll()).map(c => [c.name, c.area, c.comment]).sort()

describe('register export and import with formula-like values', () => {
  it('imports the escaped cells as the exact values, exports them escaped again, and re-importing the export changes nothing', async () => {
    const t = await app({ seed: false })
    expect(await t.services.register.import(ACTOR, FORMULA_REGISTER, { dryRun: false })).toMatchObject({ entries: 4, created: 4 })
    expect(await stored(t)).toEqual([
      ["'=allerede escapet", '@SUM(A1)', "'@x"],
      ['-2+3', '@SUM(A1)', '=1+1'],
      ['=HYPERLINK("http://x","y")', '@SUM(A1)', DDE],
      ['@Felles IKT', '-Helse', 'Vanlig kommentar'],
    ])

    const exported = await t.services.register.export()
    expect(exported).toBe(FORMULA_REGISTER)
    for (const cell of [`'${HYPERLINK}`, `'${DDE}`, "'@SUM(A1)", "'-2+3", "'=1+1", "''=allerede escapet", "''@x", "'@Felles IKT", "'-Helse"]) {
      expect(cellsOf(exported)).toContain(cell)
    }
    for (const cell of cellsOf(exported)) expect(cell).not.toMatch(/^[=+\-@\t\r]/)

    const before = await t.snapshot()
    t.clock.advance(DAY)
    expect(await t.services.register.import(ACTOR, exported, { dryRun: false })).toMatchObject({ created: 0, updated: 0, unchanged: 4 })
    expect(await t.snapshot()).toBe(before)
    expect(await t.services.register.export()).toBe(exported)
  })

  it('over HTTP: a comment and area set through the API come out escaped, and the export posted back to /imports leaves the database as it was', async () => {
    const t = await app()
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const address = t.app.server.address()
    if (!address || typeof address === 'string') throw new Error('no port')
    const base = `http://127.0.0.1:${address.port}`
    const admin = { authorization: `Bearer ${t.tokens.admin}` }
    const exportTsv = async () => {
      const res = await fetch(`${base}/api/v1/collaborations/export?format=tsv`)
      expect(res.status).toBe(200)
      return res.text()
    }
    const importTsv = async (tsv: string) => {
      const res = await fetch(`${base}/api/v1/imports`, { method: 'POST', body: tsv, headers: { ...admin, 'content-type': 'text/tab-separated-values; charset=utf-8' } })
      expect(res.status).toBe(200)
      return res.json() as Promise<{ created: number; updated: number; unchanged: number }>
    }

    // A collaboration whose comment the export writes as it is (no host, no outside participants, active).
    const plain = (await t.services.collaborations.listAll()).find(c => c.host === null && c.otherParticipants === null && c.status === 'active' && c.parentSlug === null && c.participants.length > 0 && c.participants.every(p => ['lillehammer', 'gausdal', 'oyer'].includes(p.slug)))!
    expect(plain).toBeDefined()
    const patched = await fetch(`${base}/api/v1/collaborations/${plain.slug}`, { method: 'PATCH', body: JSON.stringify({ comment: DDE, area: '@SUM(A1)' }), headers: { ...admin, 'content-type': 'application/json' } })
    expect(patched.status, await patched.clone().text()).toBe(200)

    // The first import of the seed's export re-spells three legal-form cells (test/services/register.test.ts); from then on it is a fixed point.
    await importTsv(await exportTsv())
    const exported = await exportTsv()
    expect(exported.split('\n')).toContain(`'@SUM(A1)${'\t'.repeat(exported.split('\n')[0]!.split('\t').length - 1)}`)
    expect(exported.split('\n').find(line => line.endsWith(`\t'${DDE}`))).toBeDefined()
    for (const cell of cellsOf(exported)) expect(cell).not.toMatch(/^[=+\-@\t\r]/)

    const before = await t.snapshot()
    t.clock.advance(DAY)
    expect(await importTsv(exported)).toMatchObject({ created: 0, updated: 0, unchanged: 57 })
    expect(await t.snapshot()).toBe(before)
    expect(await exportTsv()).toBe(exported)
    const again = await t.services.collaborations.get(plain.slug)
    expect([again.comment, again.area]).toEqual([DDE, '@SUM(A1)'])
  })
})
