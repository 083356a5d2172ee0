import { readFileSync } from 'node:fs'
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { LEGAL_FORMS } from '../../src/domain/vocabulary.js'
import { legalFormLabel } from '../../src/register/legal-form.js'
import { parseRegister, type RegisterEntry } from '../../src/register/parse.js'
import { writeRegister, type WritableEntry } from '../../src/register/write.js'

const seed = readFileSync(new URL('../../seeds/register-2019-01-01.tsv', import.meta.url), 'utf8')
const REGION = ['Lillehammer', 'Gausdal', 'Øyer']
const HEADER = 'Pr. 01.01.2019\tType samarbeid §i kommuneloven\tLillehammer\tGausdal\tØyer\tKommentarer\n'

function entry (overrides: Partial<WritableEntry> & Pick<WritableEntry, 'name'>): WritableEntry {
  return {
    slug: '',
    area: null,
    legalForm: 'avtale',
    participants: [],
    host: null,
    extraParticipants: [],
    otherParticipantsNote: null,
    terminated: false,
    isUmbrella: false,
    parentSlug: null,
    comment: '',
    ...overrides,
  }
}

const write = (...entries: WritableEntry[]): string => writeRegister({ municipalityColumns: REGION, entries })
const rowsOf = (text: string): string[] => text.split('\n').slice(1, -1)
const withoutLine = ({ line: _line, ...rest }: RegisterEntry) => rest
const withoutLineAndRaw = ({ line: _line, legalFormRaw: _raw, ...rest }: RegisterEntry) => rest

describe('writeRegister on the 2019 register', () => {
  const parsed = parseRegister(seed)
  const written = writeRegister({ municipalityColumns: parsed.municipalityColumns, entries: parsed.entries })
  const reread = parseRegister(written)

  it('reproduces the seed, except for the repeated header, canonical spellings and a stray space', () => {
    const expected = seed
      .split('\n')
      .filter((line, i) => line !== '' && !(i > 0 && line.startsWith('Pr. ')))
      .map((line) => line
        .replace('\t§27\t', '\t§ 27\t')
        .replace('\t§28 – 1B\t', '\t§ 28 – 1B\t')
        .replace('Intermediære senger *', 'Intermediære senger*'))
    expect(written).toBe(expected.join('\n') + '\n')
  })

  it('reads back the same 57 entries; only the legal-form spelling changes, to the canonical one', () => {
    expect(reread.entries).toHaveLength(57)
    expect(reread.entries.map(withoutLineAndRaw)).toEqual(parsed.entries.map(withoutLineAndRaw))
    for (const e of reread.entries) expect(e.legalFormRaw).toBe(legalFormLabel(e.legalForm))
  })

  it('reads back the same warnings', () => {
    expect(reread.warnings.map((w) => [w.code, w.message])).toEqual(parsed.warnings.map((w) => [w.code, w.message]))
  })

  it('is stable: writing what it wrote gives the same text, and the same entries', () => {
    const again = writeRegister({ municipalityColumns: reread.municipalityColumns, entries: reread.entries })
    expect(again).toBe(written)
    expect(parseRegister(again).entries.map(withoutLine)).toEqual(reread.entries.map(withoutLine))
  })
})

describe('writeRegister layout', () => {
  it('starts with the header line and ends every line with a newline', () => {
    const text = write(entry({ name: 'Regionråd', participants: REGION }))
    expect(text).toBe(`${HEADER}Regionråd\tAvtale\tx\tx\tx\t\n`)
  })

  it('writes only the header when there are no entries', () => {
    expect(write()).toBe(HEADER)
  })

  it('uses the header label given, and the default when a reader would not see it as a header', () => {
    const columns = { municipalityColumns: ['Gausdal'], entries: [] }
    expect(writeRegister({ ...columns, headerLabel: 'Pr. 01.01.2024' })).toBe('Pr. 01.01.2024\tType samarbeid §i kommuneloven\tGausdal\tKommentarer\n')
    expect(writeRegister({ ...columns, headerLabel: 'Oversikt 2024' })).toMatch(/^Pr\. 01\.01\.2019\t/)
  })

  it('writes one area row, with empty cells to full width, each time the area changes', () => {
    const text = write(
      entry({ name: 'A', area: 'Helse', participants: ['Gausdal'] }),
      entry({ name: 'B', area: 'Helse', participants: ['Gausdal'] }),
      entry({ name: 'C', area: 'NAV', participants: ['Gausdal'] }),
      entry({ name: 'D', area: 'Helse', participants: ['Gausdal'] })
    )
    expect(rowsOf(text)).toEqual([
      'Helse\t\t\t\t\t', 'A\tAvtale\t\tx\t\t', 'B\tAvtale\t\tx\t\t',
      'NAV\t\t\t\t\t', 'C\tAvtale\t\tx\t\t',
      'Helse\t\t\t\t\t', 'D\tAvtale\t\tx\t\t',
    ])
  })

  it('marks x in the columns of the participants, in column order and regardless of case', () => {
    expect(rowsOf(write(entry({ name: 'A', participants: ['øyer', 'Lillehammer'] })))).toEqual(['A\tAvtale\tx\t\tx\t'])
  })

  it('writes the canonical legal-form label, and annet as an empty cell', () => {
    const text = write(
      entry({ name: 'A', legalForm: 'vertskommune_administrativ', participants: ['Øyer'] }),
      entry({ name: 'B', legalForm: 'paragraf_27', participants: ['Øyer'] }),
      entry({ name: 'C', legalForm: 'annet', participants: ['Øyer'] })
    )
    expect(rowsOf(text).map((r) => r.split('\t')[1])).toEqual(['§ 28 – 1B', '§ 27', ''])
  })

  it('marks the umbrella with "Se under*" and its parts with *', () => {
    const text = write(
      entry({ name: 'Regionalt helsesamarbeid', slug: 'rh', isUmbrella: true, participants: REGION }),
      entry({ name: 'Legevakt', parentSlug: 'rh', participants: REGION })
    )
    expect(rowsOf(text).map((r) => r.split('\t')[0])).toEqual(['Regionalt helsesamarbeid <i>Se under*</i>', 'Legevakt*'])
    const [umbrella, part] = parseRegister(text).entries
    expect(part?.parentSlug).toBe(umbrella?.slug)
  })

  it('does not mark a part whose umbrella is not written before it in the same area, since no reader could link them', () => {
    const text = write(
      entry({ name: 'Overbygning', area: 'Helse', isUmbrella: true, participants: REGION }),
      entry({ name: 'Del', area: 'NAV', parentSlug: 'overbygning', participants: REGION })
    )
    expect(rowsOf(text)[3]).toBe('Del\tAvtale\tx\tx\tx\t')
  })

  it('skips an entry whose name is empty, since a reader would skip it', () => {
    expect(write(entry({ name: ' * ', participants: REGION }))).toBe(HEADER)
  })

  it('writes "Annet" for a row that would otherwise look like an area row', () => {
    const text = write(entry({ name: 'Uten noe', legalForm: 'annet' }))
    expect(rowsOf(text)).toEqual(['Uten noe\tAnnet\t\t\t\t'])
    expect(parseRegister(text).entries[0]).toMatchObject({ name: 'Uten noe', legalForm: 'annet', area: null })
  })

  it('escapes text a reader would take for HTML, and reads it back unchanged', () => {
    const name = 'Skole <ny> & barnehage &amp; SFO'
    const text = write(entry({ name, comment: 'Se <b>vedlegg</b>', participants: ['Gausdal'] }))
    expect(rowsOf(text)).toEqual(['Skole &lt;ny> & barnehage &amp;amp; SFO\tAvtale\t\tx\t\tSe &lt;b>vedlegg&lt;/b>'])
    expect(parseRegister(text).entries[0]).toMatchObject({ name, comment: 'Se <b>vedlegg</b>' })
  })

  it('replaces tabs and line breaks inside values by spaces', () => {
    const text = write(entry({ name: 'Felles\tIKT', comment: 'Linje 1\nLinje 2', participants: ['Gausdal'] }))
    expect(rowsOf(text)).toEqual(['Felles IKT\tAvtale\t\tx\t\tLinje 1 Linje 2'])
  })
})

describe('writeRegister neutralises what a spreadsheet would run as a formula', () => {
  const HYPERLINK = '=HYPERLINK("http://x","y")'
  const DDE = "+cmd|' /C calc'!A0"
  const entries = [
    entry({ name: HYPERLINK, area: '@SUM(A1)', comment: DDE, participants: ['Gausdal'] }),
    entry({ name: '-2+3', area: '@SUM(A1)', comment: '=1+1', participants: ['Øyer'] }),
    entry({ name: "'=allerede", area: '@SUM(A1)', comment: "'@x", participants: ['Lillehammer'] }),
  ]
  const text = write(...entries)

  it('writes one leading apostrophe before every name, area and comment that starts with = + - @, and one more before an apostrophe-led one', () => {
    expect(rowsOf(text)).toEqual([
      "'@SUM(A1)\t\t\t\t\t",
      `'${HYPERLINK}\tAvtale\t\tx\t\t'${DDE}`,
      "'-2+3\tAvtale\t\t\tx\t'=1+1",
      "''=allerede\tAvtale\tx\t\t\t''@x",
    ])
    // No cell of the file starts with a formula trigger.
    for (const cell of text.split('\n').flatMap((line) => line.split('\t'))) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
  })

  it('reads back every value exactly: parse takes off exactly the one apostrophe it added', () => {
    const read = parseRegister(text).entries
    expect(read.map((e) => [e.name, e.area, e.comment])).toEqual(entries.map((e) => [e.name, e.area, e.comment]))
  })

  it('is a fixed point: writing what was read gives the same text', () => {
    const parsed = parseRegister(text)
    expect(writeRegister({ municipalityColumns: parsed.municipalityColumns, entries: parsed.entries })).toBe(text)
  })

  it('reads a file saved by a spreadsheet that took the apostrophe as its text marker: the same text, except one apostrophe before an apostrophe-led value', () => {
    // Such a program keeps the cell's text without its first apostrophe and saves that.
    const saved = text.replace(/(^|\t)'/gm, '$1')
    const read = parseRegister(saved).entries
    expect(read.map((e) => [e.name, e.area, e.comment])).toEqual([
      [HYPERLINK, '@SUM(A1)', DDE],
      ['-2+3', '@SUM(A1)', '=1+1'],
      ['=allerede', '@SUM(A1)', '@x'],
    ])
  })
})

describe('writeRegister keeps the facts that live in the comment', () => {
  const commentOf = (e: WritableEntry): string => rowsOf(write(e))[0]!.split('\t').at(-1)!

  it('keeps the stored comment as it is when it already states every fact', () => {
    const e = entry({
      name: 'A',
      participants: REGION,
      host: 'Lillehammer',
      extraParticipants: ['Ringebu'],
      terminated: true,
      comment: 'Med Ringebu. Lillehammer vertskommune. Avtalen er sagt opp.',
    })
    expect(commentOf(e)).toBe('Med Ringebu. Lillehammer vertskommune. Avtalen er sagt opp.')
  })

  it('appends the host when the comment does not name it', () => {
    expect(commentOf(entry({ name: 'A', participants: REGION, host: 'Hamar', comment: '46 kommuner' })))
      .toBe('46 kommuner. Hamar vertskommune.')
  })

  it('appends the host when the comment names another, and the appended host is the one read back', () => {
    const e = entry({ name: 'A', participants: REGION, host: 'Lillehammer', comment: 'Gausdal vertskommune' })
    expect(commentOf(e)).toBe('Gausdal vertskommune. Lillehammer vertskommune.')
    expect(parseRegister(write(e)).entries[0]?.host).toBe('Lillehammer')
  })

  it('appends each extra participant the comment does not name', () => {
    const e = entry({ name: 'A', participants: REGION, extraParticipants: ['Ringebu', 'Oppland fylkeskommune'], comment: 'Med OFK' })
    expect(commentOf(e)).toBe('Med OFK. Med Ringebu.')
  })

  it('marks an extra participant that has a column with x instead of naming it', () => {
    expect(rowsOf(write(entry({ name: 'A', participants: ['Gausdal'], extraParticipants: ['Øyer'] })))).toEqual(['A\tAvtale\t\tx\tx\t'])
  })

  it('names a participant that has no column in the comment', () => {
    const e = entry({ name: 'A', participants: ['Gausdal', 'Ringsaker'] })
    expect(commentOf(e)).toBe('Med Ringsaker.')
    expect(parseRegister(write(e)).entries[0]).toMatchObject({ participants: ['Gausdal'], extraParticipants: ['Ringsaker'] })
  })

  it('appends termination and the note on other participants', () => {
    const e = entry({ name: 'A', participants: REGION, terminated: true, otherParticipantsNote: 'Med flere kommuner' })
    expect(commentOf(e)).toBe('Med flere kommuner. Avtalen er sagt opp.')
    expect(parseRegister(write(e)).entries[0]).toMatchObject({ terminated: true, otherParticipantsNote: 'Med flere kommuner' })
  })
})

describe('writeRegister on generated registers', () => {
  const place = fc.constantFrom('Ringebu', 'Nord-Fron', 'Oppland fylkeskommune', 'Hamar', 'Lillehammer', 'Øyer')
  const realisticEntry = fc.record({
    slug: fc.constantFrom('', 'a', 'rh'),
    name: fc.constantFrom('Felles IKT', 'Legevakt', 'Barnevern & familie', 'Skole <ny>', 'Pr. 2 samarbeid', 'Regionråd', 'Felles-IKT', '=HYPERLINK("http://x","y")', '-2+3', "'=Felles", '@SUM(A1)'),
    area: fc.option(fc.constantFrom('Helse og omsorg', 'NAV', 'Landbruk', '+Helse', "'-NAV")),
    legalForm: fc.constantFrom(...LEGAL_FORMS),
    participants: fc.subarray([...REGION, 'Ringsaker']),
    host: fc.option(place),
    extraParticipants: fc.uniqueArray(place, { maxLength: 3 }),
    otherParticipantsNote: fc.option(fc.constantFrom('Med flere kommuner', '5 eierkommuner i tillegg')),
    terminated: fc.boolean(),
    isUmbrella: fc.boolean(),
    parentSlug: fc.option(fc.constantFrom('rh', 'regionrad')),
    comment: fc.constantFrom('', 'Samarbeidsavtale', 'Med flere kommuner', 'Med Ringebu', 'Gausdal vertskommune', 'Avtalen er sagt opp.', "+cmd|' /C calc'!A0", '=1+1'),
  })
  const anyText = fc.string({ unit: 'binary', maxLength: 30 })
  const anyEntry = fc.record({
    slug: anyText,
    name: anyText,
    area: fc.option(anyText),
    legalForm: fc.constantFrom(...LEGAL_FORMS),
    participants: fc.array(anyText, { maxLength: 3 }),
    host: fc.option(anyText),
    extraParticipants: fc.array(anyText, { maxLength: 3 }),
    otherParticipantsNote: fc.option(anyText),
    terminated: fc.boolean(),
    isUmbrella: fc.boolean(),
    parentSlug: fc.option(anyText),
    comment: anyText,
  })

  it('is stable: write(parse(write(x))) === write(x), for realistic and arbitrary values', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(realisticEntry, anyEntry), { maxLength: 12 }), (entries) => {
        const once = writeRegister({ municipalityColumns: REGION, entries })
        const parsed = parseRegister(once)
        const twice = writeRegister({ municipalityColumns: parsed.municipalityColumns, entries: parsed.entries })
        expect(twice).toBe(once)
      }),
      { numRuns: 300 }
    )
  })

  it('keeps name, form, umbrella, participants, host, extra participants and termination', () => {
    fc.assert(
      fc.property(fc.array(realisticEntry, { maxLength: 12 }), (entries) => {
        const read = parseRegister(writeRegister({ municipalityColumns: REGION, entries })).entries
        expect(read).toHaveLength(entries.length)
        entries.forEach((written, i) => {
          const back = read[i]!
          expect(back.name).toBe(written.name)
          expect(back.legalForm).toBe(written.legalForm)
          expect(back.isUmbrella).toBe(written.isUmbrella)
          if (written.area !== null) expect(back.area).toBe(written.area)
          if (written.host !== null) expect(back.host).toBe(written.host)
          if (written.terminated) expect(back.terminated).toBe(true)
          const everyone = [...back.participants, ...back.extraParticipants, back.host]
          for (const name of [...written.participants, ...written.extraParticipants]) expect(everyone).toContain(name)
        })
      }),
      { numRuns: 300 }
    )
  })
})
