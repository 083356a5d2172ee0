// Issue 12: the register as people really save it. The seed register in every encoding and line ending Excel
// and editors write imports to exactly the data of the UTF-8 original, and the real-world cases in
// ../shared/cases/register/ (copied to test/register/fixtures/) give what their README says.
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { refusal } from '../helpers/services.js'
import { SEED_REGISTER } from '../../src/seed.js'
import { decodeWindows1252 } from '../../src/register/decode.js'
import type { Actor } from '../../src/services/access.js'

const ACTOR: Actor = { tokenId: null, label: 'test-import', role: 'admin', municipalityIds: [] }
const SEED_TEXT = fs.readFileSync(SEED_REGISTER, 'utf8')
const fixture = (name: string) => new Uint8Array(fs.readFileSync(new URL(`../register/fixtures/${name}`, import.meta.url)))
const DAY = 24 * 60 * 60 * 1000

const CP1252 = new Map(Array.from({ length: 256 }, (_, b) => [decodeWindows1252(Uint8Array.of(b)), b] as const))
function windows1252 (text: string): Uint8Array {
  return Uint8Array.from([...text].map(c => {
    const b = CP1252.get(c)
    if (b === undefined) throw new Error(`${c} has no Windows-1252 byte`)
    return b
  }))
}
function utf16le (text: string): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2)
  out.set([0xff, 0xfe])
  for (let i = 0; i < text.length; i++) out.set([text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8], 2 + i * 2)
  return out
}
const utf8 = (text: string) => new TextEncoder().encode(text)
const withBom = (bytes: Uint8Array) => Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes])

const SAVED_AS: Array<[string, (text: string) => Uint8Array, string]> = [
  ['UTF-8', utf8, 'utf-8'],
  ['UTF-8 with BOM', text => withBom(utf8(text)), 'utf-8'],
  ['Windows-1252', windows1252, 'windows-1252'],
  ['UTF-16LE with BOM', utf16le, 'utf-16le'],
]
const VARIANTS = SAVED_AS.flatMap(([name, encode, encoding]) => [
  [`${name}, LF`, encode(SEED_TEXT), encoding] as const,
  [`${name}, CRLF`, encode(SEED_TEXT.replace(/\n/g, '\r\n')), encoding] as const,
])

const tables = async (t: TestApp) => ({
  municipalities: await t.sql.all('select slug, name, kind, county, kommunenummer, in_region, deleted from municipality order by slug'),
  collaborations: await t.sql.all('select slug, name, legal_form, legal_form_raw, area, status, status_note, other_participants, comment, (select slug from municipality where id = host_municipality_id) as host, (select slug from collaboration p where p.id = c.parent_id) as parent from collaboration c order by slug'),
  participations: await t.sql.all('select c.slug as collaboration, m.slug as municipality, p.role from participation p join collaboration c on c.id = p.collaboration_id join municipality m on m.id = p.municipality_id order by 1, 2'),
})

describe('the seed register saved in every encoding and line ending', () => {
  let seeded: TestApp
  beforeAll(async () => {
    seeded = await buildTestApp({ seed: false })
    await seeded.services.register.import(ACTOR, utf8(SEED_TEXT), { dryRun: false })
  }, 60_000)
  afterAll(async () => { await seeded.close() })

  it.each(VARIANTS)('%s imported over the UTF-8 original changes nothing, and says how it was read', async (_, bytes, encoding) => {
    const before = await seeded.snapshot()
    seeded.clock.advance(DAY)
    const report = await seeded.services.register.import(ACTOR, bytes, { dryRun: false })
    expect(report).toMatchObject({ encoding, entries: 57, created: 0, updated: 0, unchanged: 57, municipalitiesCreated: [] })
    expect(report.warnings.some(w => w.code === 'encoding_guessed')).toBe(encoding === 'windows-1252')
    expect(await seeded.snapshot()).toBe(before)
  })

  it('Windows-1252 with CRLF into an empty database gives the same municipalities, collaborations and participations as UTF-8', async () => {
    const t = await buildTestApp({ seed: false })
    try {
      const report = await t.services.register.import(ACTOR, windows1252(SEED_TEXT.replace(/\n/g, '\r\n')), { dryRun: false })
      expect(report).toMatchObject({ encoding: 'windows-1252', created: 57 })
      expect(report.warnings[0]).toMatchObject({ line: 0, code: 'encoding_guessed', message: expect.stringContaining('Windows-1252') })
      expect(await tables(t)).toEqual(await tables(seeded))
      expect(await t.services.register.export()).toBe(await seeded.services.register.export())
    } finally {
      await t.close()
    }
  }, 60_000)

  it('the real Excel "Tekst (tabulatordelt)" file (../shared/cases/register/seed-register-windows-1252.tsv) changes nothing', async () => {
    const before = await seeded.snapshot()
    seeded.clock.advance(DAY)
    const report = await seeded.services.register.import(ACTOR, fixture('seed-register-windows-1252.tsv'), { dryRun: false })
    expect(report).toMatchObject({ encoding: 'windows-1252', created: 0, updated: 0, unchanged: 57, municipalitiesCreated: [] })
    expect(await seeded.snapshot()).toBe(before)
    // What went wrong before: a municipality named "�yer".
    expect((await tables(seeded)).municipalities.map(m => (m as { name: string }).name)).not.toContain('\uFFFDyer')
  })

  it('an unknown charset is refused with a 400 naming it, and nothing is written', async () => {
    const before = await seeded.snapshot()
    const err = await refusal(seeded.services.register.import(ACTOR, utf8(SEED_TEXT), { dryRun: false, encoding: 'klingon' }))
    expect(err).toMatchObject({ code: 'register.unknown_charset', field: 'encoding', message: expect.stringContaining('«klingon»') })
    expect(await seeded.snapshot()).toBe(before)
  })

  it('an empty file, or one of blank lines only, is refused as empty (400 naming the file), also in a batch, and nothing is written', async () => {
    const before = await seeded.snapshot()
    for (const bytes of [new Uint8Array(0), utf8('\r\n  \n\t\n')]) {
      const err = await refusal(seeded.services.register.importMany(ACTOR, [{ name: 'seed.tsv', bytes: utf8(SEED_TEXT) }, { name: 'tom.tsv', bytes }], { dryRun: false }))
      expect(err).toMatchObject({ code: 'register.empty', field: 'body', message: 'tom.tsv: filen er tom' })
    }
    expect(await seeded.snapshot()).toBe(before)
  })
})

describe('cells quoted the RFC 4180 way (../shared/cases/register/excel-quoted-cells.tsv)', () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() }, 60_000)
  afterAll(async () => { await t.close() })

  it('keeps Felles personvernombud\'s host and outside participant, adds no area heading, and reads the doubled quotes', async () => {
    const areasBefore = await t.sql.all('select distinct area from collaboration order by 1')
    const collaborationsBefore = await t.sql.get('select count(*) as n from collaboration')
    const report = await t.services.register.import(ACTOR, fixture('excel-quoted-cells.tsv'), { dryRun: false })
    expect(report).toMatchObject({ encoding: 'utf-8', entries: 3, created: 0, municipalitiesCreated: [] })
    expect(report.warnings).toEqual([])

    const ombud = await t.services.collaborations.get('felles-personvernombud')
    expect(ombud.host?.slug).toBe('lillehammer')
    expect(ombud.comment).toBe('Med Ringebu. Lillehammer vertskommune')
    expect(ombud.participants.map(p => `${p.slug}:${p.role}`).sort()).toEqual(['gausdal:deltaker', 'lillehammer:vertskommune', 'oyer:deltaker', 'ringebu:deltaker'])
    // The line after the break is not a row of its own, so no area heading "Lillehammer vertskommune" appeared.
    expect(await t.sql.all('select distinct area from collaboration order by 1')).toEqual(areasBefore)
    expect(await t.sql.get('select count(*) as n from collaboration')).toEqual(collaborationsBefore)
    expect((await t.services.collaborations.get('radmannsutvalg')).area).toBe('Administrativt samarbeid')

    const ika = await t.services.collaborations.get('interkommunalt-arkiv-ika-opplandene')
    expect(ika.comment).toBe('Kommunene i Oppland, kalt "IKA" i avtalen')
  })
})
