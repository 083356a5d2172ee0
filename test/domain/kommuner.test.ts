import { describe, expect, it } from 'vitest'
import { createKommuneDirectory, loadKommuneDirectory, parseKommuneList } from '../../src/domain/kommuner.js'

const directory = loadKommuneDirectory()

describe('the official list (seeds/kommuner-2026.tsv)', () => {
  const kommuner = directory.units.filter(u => u.kind === 'kommune')
  const fylkeskommuner = directory.units.filter(u => u.kind === 'fylkeskommune')

  it('has the 357 kommuner of 1 January 2026 and one fylkeskommune per county except Oslo', () => {
    expect(kommuner).toHaveLength(357)
    expect(new Set(kommuner.map(u => u.countyNumber)).size).toBe(15)
    expect(fylkeskommuner.map(u => u.kommunenummer)).toEqual(['11', '15', '18', '31', '32', '33', '34', '39', '40', '42', '46', '50', '55', '56'])
  })

  it('gives every unit a unique number and slug', () => {
    expect(new Set(directory.units.map(u => u.kommunenummer)).size).toBe(directory.units.length)
    expect(new Set(directory.units.map(u => u.slug)).size).toBe(directory.units.length)
  })

  it.each([
    ['3405', 'Lillehammer', 'lillehammer', '34', 'Innlandet'],
    ['3441', 'Gausdal', 'gausdal', '34', 'Innlandet'],
    ['3440', 'Øyer', 'oyer', '34', 'Innlandet'],
    ['1818', 'Herøy (Nordland)', 'heroy-nordland', '18', 'Nordland'],
    ['5628', 'Deatnu - Tana', 'deatnu-tana', '56', 'Finnmark'],
    ['0301', 'Oslo - Oslove', 'oslo-oslove', '03', 'Oslo'],
    ['34', 'Innlandet fylkeskommune', 'innlandet-fylkeskommune', '34', 'Innlandet'],
  ])('%s is %s (slug %s, county %s %s)', (n, name, slug, countyNumber, county) => {
    expect(directory.byNumber(n)).toMatchObject({ name, slug, countyNumber, county })
  })

  it('parses a list with CRLF, a source header and a header row', () => {
    const units = parseKommuneList('# source\r\nkommunenummer\tnavn\tfylkesnummer\tfylke\r\n3405\tLillehammer\t34\tInnlandet\r\n')
    expect(units).toEqual([
      { kommunenummer: '3405', name: 'Lillehammer', kind: 'kommune', countyNumber: '34', county: 'Innlandet', slug: 'lillehammer' },
      { kommunenummer: '34', name: 'Innlandet fylkeskommune', kind: 'fylkeskommune', countyNumber: '34', county: 'Innlandet', slug: 'innlandet-fylkeskommune' },
    ])
  })

  it('refuses a malformed row, naming its line', () => {
    expect(() => parseKommuneList('kommunenummer\tnavn\tfylkesnummer\tfylke\n34O5\tLillehammer\t34\tInnlandet\n')).toThrow(/line 2/)
  })
})

describe('resolve: what registers write → the official unit', () => {
  // [spelling, kommunenummer found, a note expected?]
  it.each([
    ['Lillehammer', '3405', false],
    ['lillehammer', '3405', false],
    ['  LILLEHAMMER ', '3405', false],
    ['Lillehammer kommune', '3405', false],
    ['Øyer', '3440', false],
    ['Oyer', '3440', true],
    ['3405', '3405', false],
    ['Nord-Aurdal', '3451', false],
    ['Nord - Aurdal', '3451', false],
    ['Herøy (Nordland)', '1818', false],
    ['Herøy Nordland', '1818', false],
    ['Herøy i Nordland', '1818', false],
    ['herøy (nordland)', '1818', false],
    ['Herøy kommune (Møre og Romsdal)', null, false],
    ['Herøy (Møre og Romsdal)', '1515', false],
    ['Våler (Hedmark)', '3419', true],
    ['Våler i Viken', '3114', true],
    ['Deatnu - Tana', '5628', false],
    ['Deatnu-Tana', '5628', false],
    ['Tana', '5628', true],
    ['Deatnu', '5628', true],
    ['Tana kommune', '5628', true],
    ['Kautokeino', '5612', true],
    ['Oslo', '0301', true],
    ['301', '0301', true],
    ['Innlandet fylkeskommune', '34', false],
    ['innlandet fylkeskommune (FK)', '34', false],
    ['Innlandet FK', '34', true],
    ['Innlandet', '34', true],
    ['Oppland fylkeskommune', '34', true],
    ['Oppland fylkeskommune (OFK)', '34', true],
    ['OFK', '34', true],
    ['Hedmark fylkeskommune', '34', true],
    ['Sør-Trøndelag fylkeskommune', '50', true],
    ['Hordaland fylkeskommune', '46', true],
    ['Sogn og Fjordane fylkeskommune', '46', true],
    ['Vest-Agder fylkeskommune', '42', true],
    ['Troms fylkeskommune', '55', false],
    ['Oslo fylkeskommune', '0301', true],
    ['03', '0301', true],
    ['34', '34', false],
  ])('%s → %s (note: %s)', (spelling, kommunenummer, withNote) => {
    const r = directory.resolve(spelling)
    if (kommunenummer === null) {
      expect(r.status).not.toBe('found')
      return
    }
    expect(r).toMatchObject({ status: 'found', unit: { kommunenummer } })
    if (r.status === 'found') expect(r.note !== null).toBe(withNote)
  })

  it('says in bokmål what a former county was taken to mean', () => {
    const r = directory.resolve('Oppland fylkeskommune')
    expect(r.status === 'found' && r.note).toBe('«Oppland fylkeskommune» er tolket som Innlandet fylkeskommune (34): Oppland og Hedmark ble Innlandet i 2020')
  })

  it.each([
    ['Herøy', ['1515', '1818']],
    ['Våler', ['3114', '3419']],
    ['Våler kommune', ['3114', '3419']],
    ['Viken fylkeskommune', ['31', '32', '33']],
    ['Viken', ['31', '32', '33']],
    ['HFK', ['34', '46']],
  ])('%s is ambiguous between %j', (spelling, numbers) => {
    const r = directory.resolve(spelling)
    expect(r.status).toBe('ambiguous')
    if (r.status === 'ambiguous') expect(r.candidates.map(u => u.kommunenummer).sort()).toEqual(numbers)
  })

  it.each([
    [''], ['   '], ['9999'], ['99'], ['Atlantis'], ['Med Valdres natur- og kulturpark'], ['Innlandet kommune'],
    ['Herøy (Troms)'], ['Atlantis fylkeskommune'], ['�yer'],
  ])('%j is unknown', (spelling) => {
    expect(directory.resolve(spelling)).toEqual({ status: 'unknown' })
  })

  it('works over any list, not only the shipped one', () => {
    const small = createKommuneDirectory(parseKommuneList('kommunenummer\tnavn\tfylkesnummer\tfylke\n9901\tA - B\t99\tTestfylke\n'))
    expect(small.resolve('B')).toMatchObject({ status: 'found', unit: { kommunenummer: '9901' } })
    expect(small.resolve('Testfylke fylkeskommune')).toMatchObject({ status: 'found', unit: { kommunenummer: '99' }, note: null })
  })
})
