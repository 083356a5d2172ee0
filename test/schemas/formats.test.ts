import { describe, expect, it } from 'vitest'
import { Ajv } from 'ajv'
import { FINITE_KEYWORD, FORMATS, addFormats, isMultiLine, isOccurrenceId, isSingleLine, isSupportedTimestamp } from '../../src/schemas/formats.js'
import { Id, Int, Line, MAX_OFFSET, Offset, Text } from '../../src/schemas/common.js'

describe('isSingleLine (names, titles, case numbers)', () => {
  it.each([
    ['Øyer kommune', true], ['Deatnu - Tana', true], ['Herøy (Nordland)', true], ['', true], ['2027/123 😀', true],
    ['a\u0000b', false], ['a\u0007b', false], ['a\tb', false], ['a\nb', false], ['a\rb', false], ['a\u007fb', false],
    ['a\u0085b', false], ['a\u009fb', false], ['a\u202ab', false], ['a\u202eb', false], ['a\u2066b', false], ['a\u2069b', false],
    ['a\ud800b', false], ['a\udfffb', false],
  ])('%j → %s', (s, ok) => {
    expect(isSingleLine(s)).toBe(ok)
  })
})

describe('isMultiLine (notes, comments)', () => {
  it.each([
    ['Linje 1\nLinje 2\r\n\tinnrykket', true], ['sitat \u2067مرحبا\u2069', true], ['😀', true],
    ['a\u0000b', false], ['a\u000bb', false], ['a\u000cb', false], ['a\u001bb', false], ['a\u007fb', false], ['a\u0080b', false],
    ['a\ud800b', false],
  ])('%j → %s', (s, ok) => {
    expect(isMultiLine(s)).toBe(ok)
  })
})

describe('isOccurrenceId', () => {
  it.each([
    ['12-20270630', true], ['12-20270114T1800', true], ['12-20270114T1800-eier-oyer', true], ['2147483647-22001231', true],
    ['12-20270230', false], ['12-00000000', false], ['12-99991231', false], ['12-18991231', false], ['12-20271301', false],
    ['12-20270114T2400', false], ['0-20270630', false], ['2147483648-20270630', false], ['99999999999999999999-20270630', false],
    ['12-2027063', false], ['x', false],
  ])('%s → %s', (s, ok) => {
    expect(isOccurrenceId(s)).toBe(ok)
  })
})

describe('isSupportedTimestamp (RFC 3339 § 5.6 with an offset)', () => {
  it.each([
    ['2027-02-08T09:00:00+01:00', true], ['2027-02-08T09:00:00Z', true], ['2027-02-08T09:00:00.123Z', true], ['1900-01-01T00:00:00Z', true],
    ['2027-02-30T09:00:00Z', false], ['9999-01-01T00:00:00Z', false], ['1899-12-31T23:59:59Z', false], ['2027-02-08T24:00:00Z', false],
    ['2027-02-08T09:00:00', false], ['2027-02-08T09:00Z', false], ['2027-02-08T09:00:00+24:00', false],
  ])('%s → %s', (s, ok) => {
    expect(isSupportedTimestamp(s)).toBe(ok)
  })
})

describe('the formats and the finite keyword on an Ajv like Fastify\'s (coerceTypes)', () => {
  // The options of src/app.ts (ajv's strict defaults, strictNumbers among them, stay on, as in Fastify).
  const ajv = new Ajv({ removeAdditional: false, coerceTypes: true, useDefaults: true })
  addFormats(ajv)
  const valid = (schema: object, value: unknown) => ajv.validate({ type: 'object', properties: { v: schema } }, { v: value })

  it('refuses the Infinity that coercion makes of "Infinity" and "1e400", which minimum/maximum alone let through', () => {
    const bare = { type: 'integer', minimum: 0, maximum: 10 }
    expect(valid(bare, 'Infinity')).toBe(true) // ajv 8: why the keyword exists
    for (const schema of [Int(0, 10), Offset, Id]) {
      for (const value of ['Infinity', '-Infinity', '1e400', 1e21, '9223372036854775808', -1]) expect(valid(schema, value), `${JSON.stringify(schema)} ${value}`).toBe(false)
    }
    expect(ajv.errorsText()).toMatch(/x-finite|must be/)
    expect(valid(Offset, String(MAX_OFFSET))).toBe(true)
    expect(valid(Offset, String(MAX_OFFSET + 1))).toBe(false)
    expect(valid(Id, '2147483647')).toBe(true)
    expect(valid(Id, '2147483648')).toBe(false)
    expect(Int(1, 5)).toMatchObject({ [FINITE_KEYWORD]: true, minimum: 1, maximum: 5 })
  })

  it('checks text with single-line and multi-line', () => {
    expect(valid(Line(20), 'Øyer')).toBe(true)
    expect(valid(Line(20), 'Ø\u0000yer')).toBe(false)
    expect(valid(Text(20), 'a\nb')).toBe(true)
    expect(valid(Text(20), 'a\u0000b')).toBe(false)
  })

  it('has a message for every format, naming the years where there are years', () => {
    for (const name of ['date', 'date-time', 'local-date-time', 'date-or-local-date-time', 'occurrence-id']) expect(FORMATS[name]!.message).toContain('1900–2200')
    for (const name of ['single-line', 'multi-line']) expect(FORMATS[name]!.message).toMatch(/control characters/)
  })
})
