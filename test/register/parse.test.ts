import { readFileSync } from 'node:fs'
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { parseRegister, type ParseResult, type RegisterEntry } from '../../src/register/parse.js'

const seed = readFileSync(new URL('../../seeds/register-2019-01-01.tsv', import.meta.url), 'utf8')
const HEADER = 'Pr. 01.01.2019\tType samarbeid §i kommuneloven\tLillehammer\tGausdal\tØyer\tKommentarer'
const UMBRELLA_SLUG = 'regionalt-helsesamarbeid-overbygning-med-felles-hovedavtale-og-6-delavtaler'

const row = (...cells: string[]): string => cells.join('\t')
const table = (...lines: string[]): string => lines.join('\n') + '\n'
const codes = (result: ParseResult): string[] => result.warnings.map((w) => w.code)

function entryNamed (result: ParseResult, prefix: string): RegisterEntry {
  const matches = result.entries.filter((e) => e.name.startsWith(prefix))
  if (matches.length !== 1) throw new Error(`expected one entry starting with «${prefix}», found ${matches.length}`)
  return matches[0]!
}

describe('parseRegister on the 2019 register', () => {
  const result = parseRegister(seed)
  const entry = (prefix: string) => entryNamed(result, prefix)

  it('finds the three municipality columns by their header text', () => {
    expect(result.municipalityColumns).toEqual(['Lillehammer', 'Gausdal', 'Øyer'])
  })

  // Counted by hand: 73 lines = 2 header lines + 1 blank line + 13 area rows + 57 collaborations.
  it('reads one entry per collaboration row: 57', () => {
    expect(result.entries).toHaveLength(57)
  })

  it('reads the 13 areas in the order they appear', () => {
    expect([...new Set(result.entries.map((e) => e.area))]).toEqual([
      'Regionråd og annet politisk samarbeid',
      'Administrativt samarbeid',
      'Tekniske tjenester',
      'Næringsutvikling',
      'Landbruk',
      'Reiseliv, natur og kultur',
      'Brannvesen',
      'Renovasjon',
      'Energi',
      'Kompetanse, opplæring, oppvekst',
      'Helse og omsorg',
      'NAV',
      'Ungdom',
    ])
  })

  it('gives every entry its own slug', () => {
    const slugs = result.entries.map((e) => e.slug)
    expect(new Set(slugs).size).toBe(slugs.length)
  })

  it('reads the first collaboration completely', () => {
    expect(result.entries[0]).toEqual({
      line: 3,
      name: 'Regionråd',
      slug: 'regionrad',
      area: 'Regionråd og annet politisk samarbeid',
      legalForm: 'avtale',
      legalFormRaw: 'Avtale',
      participants: ['Lillehammer', 'Gausdal', 'Øyer'],
      host: null,
      extraParticipants: ['Oppland fylkeskommune'],
      otherParticipantsNote: null,
      relations: [],
      terminated: false,
      isUmbrella: false,
      parentSlug: null,
      comment: 'Med Oppland fylkeskommune',
    })
  })

  it('reads "Felles personvernombud": § 28-1 b hosted by Lillehammer, with Ringebu', () => {
    expect(entry('Felles personvernombud')).toMatchObject({
      line: 8,
      slug: 'felles-personvernombud',
      area: 'Administrativt samarbeid',
      legalForm: 'vertskommune_administrativ',
      legalFormRaw: '§ 28 – 1B',
      participants: ['Lillehammer', 'Gausdal', 'Øyer'],
      host: 'Lillehammer',
      extraParticipants: ['Ringebu'],
      otherParticipantsNote: null,
    })
  })

  it('reads "Fellesenhet skatt…": hosted by Øyer, with Nord-Fron', () => {
    expect(entry('Fellesenhet skatt')).toMatchObject({
      name: 'Fellesenhet skatt, innfordring, arbeidsgiverkontroll',
      legalForm: 'vertskommune_administrativ',
      host: 'Øyer',
      extraParticipants: ['Nord-Fron'],
    })
  })

  it('reads "Interkommunal barnevernvakt": hosted by Ringsaker, outside the region', () => {
    expect(entry('Interkommunal barnevernvakt')).toMatchObject({
      host: 'Ringsaker',
      extraParticipants: [],
      participants: ['Lillehammer', 'Gausdal', 'Øyer'],
    })
  })

  it('reads "Felles 110 nødalarmingsentral": "§28 – 1B", hosted by Hamar, 46 municipalities in all', () => {
    expect(entry('Felles 110')).toMatchObject({
      legalForm: 'vertskommune_administrativ',
      legalFormRaw: '§28 – 1B',
      host: 'Hamar',
      otherParticipantsNote: '46 kommuner',
      extraParticipants: [],
    })
  })

  it('reads "INNOFF…": § 27, with Oppland fylkeskommune and others, terminated', () => {
    expect(entry('INNOFF')).toMatchObject({
      name: 'INNOFF Innkjøpssamarbeid, felles anbud',
      legalForm: 'paragraf_27',
      terminated: true,
      extraParticipants: ['Oppland fylkeskommune'],
      otherParticipantsNote: 'Med flere kommuner og OFK',
    })
  })

  it('reads "Eioff…": no legal form, Lillehammer and Gausdal, terminated, with a warning', () => {
    const eioff = entry('Eioff')
    expect(eioff).toMatchObject({
      line: 23,
      name: 'Eioff (eiendomsforvaltning/driftskontroll)',
      legalForm: 'annet',
      legalFormRaw: '',
      participants: ['Lillehammer', 'Gausdal'],
      extraParticipants: ['Oppland fylkeskommune'],
      terminated: true,
    })
    expect(result.warnings).toContainEqual(expect.objectContaining({ line: 23, code: 'empty_legal_form' }))
  })

  it('reads "Regionalt helsesamarbeid" as the umbrella, without its "Se under*" marker', () => {
    expect(entry('Regionalt helsesamarbeid')).toMatchObject({
      line: 59,
      name: 'Regionalt helsesamarbeid – overbygning med felles hovedavtale og 6 delavtaler.',
      slug: UMBRELLA_SLUG,
      isUmbrella: true,
      parentSlug: null,
      legalForm: 'vedtak',
      extraParticipants: ['Ringebu'],
      otherParticipantsNote: 'Flere kommuner i deler av samarbeidet',
      comment: 'Med Ringebu. Flere kommuner i deler av samarbeidet. Kommunalsjefgruppe koordinerer.',
    })
  })

  it('links the six parts marked * to the umbrella, with the * removed from their names', () => {
    const parts = result.entries.filter((e) => e.parentSlug !== null)
    expect(parts.map((e) => [e.name, e.host])).toEqual([
      ['Miljørettet helsevern', 'Ringebu'],
      ['Legevaktsamarbeid', 'Lillehammer'],
      ['Intermediære senger', 'Lillehammer'],
      ['Øyeblikkelighjelp-senger', 'Lillehammer'],
      ['Gerica elektronisk pasientjournal', 'Lillehammer'],
      ['Frisklivsentral', 'Gausdal'],
    ])
    expect(new Set(parts.map((e) => e.parentSlug))).toEqual(new Set([UMBRELLA_SLUG]))
    expect(parts.every((e) => !e.isUmbrella)).toBe(true)
  })

  // A row with no municipality marked is an anomaly even when the comment names a host: the
  // entry is kept, and the warning says what the comment claims.
  it('keeps "Øyeblikkelighjelp-senger", which has no municipality marked, and warns about it', () => {
    expect(entry('Øyeblikkelighjelp-senger')).toMatchObject({ line: 63, participants: [], host: 'Lillehammer' })
    const warning = result.warnings.find((w) => w.line === 63)
    expect(warning?.code).toBe('no_participant')
    expect(warning?.message).toContain('Øyeblikkelighjelp-senger')
    expect(warning?.message).toContain('Lillehammer')
  })

  it('reads "Gudbrandsdalsmusea AS": an AS with only Øyer', () => {
    expect(entry('Gudbrandsdalsmusea')).toMatchObject({
      legalForm: 'as',
      participants: ['Øyer'],
      host: null,
      comment: 'Samarbeidsavtale',
    })
  })

  it('reads "Felles brann- og feiertjeneste": § 27 with Lillehammer as host', () => {
    expect(entry('Felles brann- og feiertjeneste')).toMatchObject({
      area: 'Brannvesen',
      legalForm: 'paragraf_27',
      legalFormRaw: '§ 27',
      host: 'Lillehammer',
    })
  })

  it('reads "IKOMM AS": an AS with five more owners, none named', () => {
    expect(entry('IKOMM')).toMatchObject({
      legalForm: 'as',
      otherParticipantsNote: '5 eierkommuner i tillegg',
      extraParticipants: [],
    })
  })

  it('reads "Kontrollutvalgssekretariat": "§27" without a space, with OFK spelled out', () => {
    expect(entry('Kontrollutvalgssekretariat')).toMatchObject({
      legalForm: 'paragraf_27',
      legalFormRaw: '§27',
      extraParticipants: ['Oppland fylkeskommune'],
    })
  })

  it('does not take a purchase from Lillehammer or a shareholding for participation', () => {
    expect(entry('Innkjøpssamarbeid')).toMatchObject({ host: null, extraParticipants: [], otherParticipantsNote: null })
    expect(entry('Lillehammer og Gausdal Energiverk')).toMatchObject({ extraParticipants: [], participants: ['Lillehammer', 'Gausdal'] })
  })

  it('skips the repeated header and the blank line before it, and keeps the area going', () => {
    expect(result.entries.map((e) => e.line)).not.toContain(42)
    expect(result.entries.some((e) => e.name.startsWith('Pr.'))).toBe(false)
    expect(entry('Felles renovasjonsselskap')).toMatchObject({ line: 40, slug: 'felles-renovasjonsselskap-glor', area: 'Renovasjon' })
    expect(entry('Lillehammer og Gausdal Energiverk')).toMatchObject({ line: 44, area: 'Energi' })
  })

  it('reads the last line although the file does not end with a newline', () => {
    expect(seed.endsWith('\n')).toBe(false)
    expect(result.entries.at(-1)).toMatchObject({
      line: 73,
      name: 'UMK: Ungdommens kulturmønstring',
      area: 'Ungdom',
      participants: ['Gausdal', 'Øyer'],
      comment: '',
    })
  })

  it('warns exactly about the three rows without a legal form and the row without participants', () => {
    expect(result.warnings.map(({ line, code }) => ({ line, code }))).toEqual([
      { line: 23, code: 'empty_legal_form' },
      { line: 34, code: 'empty_legal_form' },
      { line: 56, code: 'empty_legal_form' },
      { line: 63, code: 'no_participant' },
    ])
  })
})

describe('parseRegister on other inputs', () => {
  it('reads CRLF line endings exactly as LF', () => {
    expect(parseRegister(seed.replace(/\n/g, '\r\n'))).toEqual(parseRegister(seed))
  })

  it('finds the columns by their header text when they come in another order', () => {
    const result = parseRegister(table(
      row('Pr. 01.01.2020', 'Øyer', 'Kommentarer', 'Lillehammer', 'Type samarbeid §i kommuneloven', 'Gausdal'),
      row('Geodata', 'x', 'Gausdal vertskommune', '', '§ 28 – 1B', 'x')
    ))
    expect(result.municipalityColumns).toEqual(['Øyer', 'Lillehammer', 'Gausdal'])
    expect(result.entries[0]).toMatchObject({
      name: 'Geodata',
      legalForm: 'vertskommune_administrativ',
      participants: ['Øyer', 'Gausdal'],
      host: 'Gausdal',
      area: null,
    })
  })

  it('ignores the prose before the first header, even a line that starts like one', () => {
    const result = parseRegister(table(
      'Oversikt over interkommunale samarbeid per 1. januar 2019',
      '',
      'Pr. 1. januar 2019 hadde regionen mange samarbeid\tog denne linjen har en tabulator.',
      '- Nettverk',
      HEADER,
      row('Landbruk', '', '', '', '', ''),
      row('Regional landbruksplan', 'Vedtak', 'x', 'x', 'x', '')
    ))
    expect(result.warnings).toEqual([])
    expect(result.entries).toHaveLength(1)
    expect(result.entries[0]).toMatchObject({ line: 7, name: 'Regional landbruksplan', area: 'Landbruk' })
  })

  it('trims stray whitespace, strips HTML and reads x in any case', () => {
    const result = parseRegister(table(
      HEADER,
      row('  Felles  <b>IT</b>-drift<br>og&nbsp;støtte  ', ' avtale ', ' X ', '', 'x  ', '  Lillehammer   vertskommune &amp; drift ')
    ))
    expect(result.entries[0]).toMatchObject({
      name: 'Felles IT-drift og støtte',
      legalForm: 'avtale',
      legalFormRaw: 'avtale',
      participants: ['Lillehammer', 'Øyer'],
      host: 'Lillehammer',
      comment: 'Lillehammer vertskommune & drift',
    })
  })

  it('reads rows that end early as having empty cells', () => {
    const result = parseRegister(table(HEADER, row('Kort rad', 'IKS', 'x')))
    expect(result.entries[0]).toMatchObject({ participants: ['Lillehammer'], comment: '' })
    expect(result.warnings).toEqual([])
  })

  it('stores an unknown legal form as annet, keeps the raw text and warns', () => {
    const result = parseRegister(table(HEADER, row('Samkommunen', 'Samkommune', 'x', 'x', '', '')))
    expect(result.entries[0]).toMatchObject({ legalForm: 'annet', legalFormRaw: 'Samkommune' })
    expect(result.warnings).toEqual([
      { line: 2, code: 'unknown_legal_form', message: expect.stringContaining('«Samkommune»') },
    ])
  })

  it('keeps a part marked * with no umbrella before it, without a parent, and warns', () => {
    const result = parseRegister(table(
      HEADER,
      row('Helse', '', '', '', '', ''),
      row('Foreldreløs del*', 'Vedtak', 'x', '', '', '')
    ))
    expect(result.entries[0]).toMatchObject({ name: 'Foreldreløs del', parentSlug: null, isUmbrella: false })
    expect(codes(result)).toEqual(['orphan_part'])
  })

  it('does not give a part an umbrella from another area', () => {
    const result = parseRegister(table(
      HEADER,
      row('Helse', '', '', '', '', ''),
      row('Overbygning (se under)', 'Vedtak', 'x', 'x', 'x', ''),
      row('Del A*', 'Vedtak', 'x', '', '', ''),
      row('NAV', '', '', '', '', ''),
      row('Del B *', 'Vedtak', 'x', '', '', '')
    ))
    expect(result.entries.map((e) => [e.name, e.isUmbrella, e.parentSlug])).toEqual([
      ['Overbygning', true, null],
      ['Del A', false, 'overbygning'],
      ['Del B', false, null],
    ])
    expect(result.warnings).toEqual([expect.objectContaining({ line: 6, code: 'orphan_part' })])
  })

  it('suffixes a repeated slug with -2, -3 and warns each time', () => {
    const result = parseRegister(table(
      HEADER,
      row('Felles IKT', 'Avtale', 'x', '', '', ''),
      row('Felles-IKT', 'Avtale', 'x', '', '', ''),
      row('felles ikt', 'Avtale', 'x', '', '', '')
    ))
    expect(result.entries.map((e) => e.slug)).toEqual(['felles-ikt', 'felles-ikt-2', 'felles-ikt-3'])
    expect(result.warnings.map(({ line, code }) => ({ line, code }))).toEqual([
      { line: 3, code: 'duplicate_slug' },
      { line: 4, code: 'duplicate_slug' },
    ])
  })

  it('does not count anything but x as participation, and warns about it', () => {
    const result = parseRegister(table(HEADER, row('Uklart', 'Avtale', 'x', '(x)', 'ja', ''), row('Ekstra', 'Avtale', 'x', '', '', '', 'løs celle')))
    expect(result.entries.map((e) => e.participants)).toEqual([['Lillehammer'], ['Lillehammer']])
    expect(result.warnings.map(({ line, code }) => ({ line, code }))).toEqual([
      { line: 2, code: 'unexpected_cell' },
      { line: 2, code: 'unexpected_cell' },
      { line: 3, code: 'unexpected_cell' },
    ])
    expect(result.warnings[0]?.message).toContain('«(x)»')
    expect(result.warnings[0]?.message).toContain('«Gausdal»')
  })

  it('warns when a comment speaks of a vertskommune it does not name', () => {
    const result = parseRegister(table(HEADER, row('Barnevern', '§ 28-1 b', 'x', 'x', '', 'Vertskommune ikke avklart')))
    expect(result.entries[0]?.host).toBeNull()
    expect(codes(result)).toEqual(['unknown_host'])
  })

  it('warns about a row with no municipality marked and nobody named', () => {
    const result = parseRegister(table(HEADER, row('Tomt samarbeid', 'Avtale', '', '', '', '')))
    expect(result.entries).toHaveLength(1)
    expect(codes(result)).toEqual(['no_participant'])
  })

  it('skips a row without a name, with a warning', () => {
    const result = parseRegister(table(HEADER, row('', 'Avtale', 'x', '', '', '')))
    expect(result.entries).toEqual([])
    expect(codes(result)).toEqual(['no_name'])
  })

  it.each([
    ['an empty text', ''],
    ['prose only', 'Oversikt over interkommunale samarbeid\n\nIngen tabell her.'],
    ['a table without its header', row('Regionråd', 'Avtale', 'x', 'x', 'x', '')],
  ])('reads no entries from %s, and says there is no header', (_, text) => {
    const result = parseRegister(text)
    expect(result).toEqual({
      delimiter: '\t',
      municipalityColumns: [],
      entries: [],
      warnings: [{ line: 0, code: 'no_header', message: expect.stringContaining('overskriftslinje') }],
    })
  })

  it('warns about a header without municipality columns', () => {
    const result = parseRegister(table(row('Pr. 01.01.2019', 'Type samarbeid', 'Kommentarer')))
    expect(codes(result)).toEqual(['no_municipality_columns'])
  })
})

describe('parseRegister reads files as spreadsheet programs save them (RFC 4180, csv-parse)', () => {
  it('a quoted cell with a line break and doubled quotes is one cell, and the row is named by its first line', () => {
    const result = parseRegister(table(HEADER, row('Område', '', '', '', '', ''), row('Felles personvernombud', '§ 28 – 1B', 'x', 'x', 'x', '"Med Ringebu.\nLillehammer vertskommune"'), row('IKA', '§27', 'x', 'x', 'x', '"Kalt ""IKA"" i avtalen"'), row('Neste', 'Avtale', 'x', '', '', '')))
    expect(result.entries.map((e) => [e.line, e.name, e.area, e.host, e.extraParticipants, e.comment])).toEqual([
      [3, 'Felles personvernombud', 'Område', 'Lillehammer', ['Ringebu'], 'Med Ringebu. Lillehammer vertskommune'],
      [5, 'IKA', 'Område', null, [], 'Kalt "IKA" i avtalen'],
      [6, 'Neste', 'Område', null, [], ''],
    ])
    expect(result.warnings).toEqual([])
  })

  it('reads CRLF, and a file mixing CRLF with LF inside cells, as the same rows', () => {
    const text = table(HEADER, row('Felles', 'IKS', 'x', '', 'x', '"a\nb"'))
    expect(parseRegister(text.replace(/\n(?!b)/g, '\r\n')).entries).toEqual(parseRegister(text).entries)
  })

  it('reads semicolon-separated text (Excel\'s CSV), found from the header row, and a "sep=;" first line', () => {
    const semi = table(HEADER.replace(/\t/g, ';'), 'Felles;IKS;x;;x;"Med Ringebu; og mer"')
    for (const text of [semi, `sep=;\n${semi}`]) {
      const result = parseRegister(text)
      expect(result.delimiter).toBe(';')
      expect(result.entries.map((e) => [e.name, e.participants, e.comment])).toEqual([['Felles', ['Lillehammer', 'Øyer'], 'Med Ringebu; og mer']])
    }
    expect(parseRegister(`sep=;\n${semi}`).entries[0]!.line).toBe(3)
  })

  it('keeps a quote inside an unquoted cell, and reads on with a warning after a quote that never closes', () => {
    expect(parseRegister(table(HEADER, row('Kalt "IKA"', 'IKS', 'x', '', '', ''))).entries[0]!.name).toBe('Kalt "IKA"')
    const result = parseRegister(table(HEADER, row('A', 'IKS', 'x', '', '', '"åpen'), row('B', 'AS', 'x', '', '', '')))
    expect(result.entries.map((e) => e.name)).toEqual(['A', 'B'])
    expect(result.warnings).toEqual([{ line: 2, code: 'unclosed_quote', message: expect.stringContaining('lukker den aldri') }])
  })

  it('reads nynorsk headers and "Sjå under*" umbrellas with their * parts', () => {
    const header = 'Pr. 01.01.2024\tType samarbeid § i kommunelova\tVang\tEtnedal\tKommentarar'
    const result = parseRegister(table(header, 'IKT\t\t\t\t', 'Valdres IKT <i>Sjå under*</i>\tKO\tx\tx\t', 'Servicedesk*\t§ 20-2\tx\tx\tVang vertskommune'))
    expect(result.warnings).toEqual([])
    expect(result.entries.map((e) => [e.name, e.isUmbrella, e.parentSlug, e.legalForm, e.host])).toEqual([
      ['Valdres IKT', true, null, 'kommunalt_oppgavefellesskap', null],
      ['Servicedesk', false, 'valdres-ikt', 'vertskommune_administrativ', 'Vang'],
    ])
  })
})

describe('parseRegister never throws', () => {
  const tableish = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          HEADER, 'Pr. 1', '\t', '\n', '\r\n', '\r', 'x', 'X', '*', ' *', '<i>Se under*</i>', '(se under)', '<', '>',
          '&amp;', '&#0;', '&#x110000;', '§ 28 – 1B', 'Avtale', '', 'Helse', 'Lillehammer vertskommune', 'Med OFK',
          'sagt opp', 'Kommentarer', 'Type samarbeid', '\uFEFF'
        ),
        fc.string({ unit: 'binary', maxLength: 12 })
      ),
      { maxLength: 60 }
    )
    .map((parts) => parts.join(''))

  it('on any string, and what it returns is consistent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), tableish), (text) => {
        const result = parseRegister(text)
        const slugs = result.entries.map((e) => e.slug)
        expect(new Set(slugs).size).toBe(slugs.length)
        const lines = result.entries.map((e) => e.line)
        expect(lines).toEqual([...lines].sort((a, b) => a - b))
        for (const e of result.entries) {
          expect(e.name).not.toBe('')
          if (e.parentSlug !== null) {
            const parent = result.entries.find((p) => p.slug === e.parentSlug)
            expect(parent?.isUmbrella).toBe(true)
            expect(parent!.line).toBeLessThan(e.line)
          }
        }
      }),
      { numRuns: 500 }
    )
  })
})
