import { describe, expect, it } from 'vitest'
import { DecodeError, checkedText, decodeRegister, encodingName } from '../../src/register/decode.js'

const TEXT = 'Pr. 01.01.2019\tKommentarer\nØyer\tÅsnes – «Herøy» €\n'
const utf8 = (s: string) => new TextEncoder().encode(s)
const bytes = (...parts: Array<number[] | Uint8Array>) => Uint8Array.from(parts.flatMap(p => [...p]))
/** Windows-1252 for the characters used here (Latin-1 plus the en dash, guillemets are Latin-1, € at 0x80). */
function cp1252 (s: string): Uint8Array {
  const extra: Record<string, number> = { '€': 0x80, '–': 0x96 }
  return Uint8Array.from([...s].map(c => extra[c] ?? c.charCodeAt(0)))
}
function utf16 (s: string, bigEndian = false): Uint8Array {
  const out: number[] = []
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i)
    out.push(...(bigEndian ? [u >> 8, u & 0xff] : [u & 0xff, u >> 8]))
  }
  return Uint8Array.from(out)
}

describe('decodeRegister without a declared charset', () => {
  it.each<[string, Uint8Array, string, boolean, string]>([
    ['UTF-8', utf8(TEXT), 'utf-8', false, 'utf-8'],
    ['UTF-8 with BOM (Excel "CSV UTF-8")', bytes([0xef, 0xbb, 0xbf], utf8(TEXT)), 'utf-8', true, 'bom'],
    ['UTF-16LE with BOM (Excel "Unicode-tekst")', bytes([0xff, 0xfe], utf16(TEXT)), 'utf-16le', true, 'bom'],
    ['UTF-16BE with BOM', bytes([0xfe, 0xff], utf16(TEXT, true)), 'utf-16be', true, 'bom'],
    ['Windows-1252 (Excel "Tekst (tabulatordelt)")', cp1252(TEXT), 'windows-1252', false, 'guessed'],
  ])('%s', (_, input, encoding, bom, source) => {
    expect(decodeRegister(input)).toEqual({ text: TEXT, encoding, bom, source })
  })

  it('reads ASCII as UTF-8 (it is both)', () => {
    expect(decodeRegister(utf8('Pr. 1.1.2019\tA\n'))).toMatchObject({ encoding: 'utf-8', source: 'utf-8' })
  })

  it('reads an empty file as empty UTF-8', () => {
    expect(decodeRegister(new Uint8Array())).toEqual({ text: '', encoding: 'utf-8', bom: false, source: 'utf-8' })
  })
})

describe('decodeRegister with a declared charset (Content-Type charset=, ?encoding=, --encoding)', () => {
  it.each<[string, Uint8Array, string]>([
    ['windows-1252', cp1252(TEXT), 'windows-1252'],
    ['latin1', cp1252(TEXT), 'windows-1252'],
    ['ISO-8859-1', cp1252(TEXT), 'windows-1252'],
    ['cp1252', cp1252(TEXT), 'windows-1252'],
    ['utf-8', utf8(TEXT), 'utf-8'],
    ['UTF-16LE', utf16(TEXT), 'utf-16le'],
    ['utf-16be', utf16(TEXT, true), 'utf-16be'],
  ])('%s', (label, input, encoding) => {
    expect(decodeRegister(input, label)).toEqual({ text: TEXT, encoding, bom: false, source: 'declared' })
  })

  it('wins over the guess: UTF-8 bytes declared as windows-1252 read as windows-1252', () => {
    expect(decodeRegister(utf8('Øyer'), 'windows-1252').text).toBe('Ã˜yer')
  })

  it('removes the BOM of the declared encoding', () => {
    expect(decodeRegister(bytes([0xef, 0xbb, 0xbf], utf8(TEXT)), 'utf-8')).toEqual({ text: TEXT, encoding: 'utf-8', bom: true, source: 'declared' })
  })

  it('refuses a charset it does not know, naming it', () => {
    const err = (() => { try { decodeRegister(utf8(TEXT), 'klingon-8') } catch (e) { return e } })()
    expect(err).toBeInstanceOf(DecodeError)
    expect(err).toMatchObject({ code: 'unknown_charset', message: expect.stringContaining('«klingon-8»') })
  })

  it('refuses bytes that are not valid in a declared UTF-8, naming the line', () => {
    expect(() => decodeRegister(bytes(utf8('a\nb\n'), [0xd8], utf8('yer\n')), 'utf-8')).toThrow(/ikke gyldig utf-8 \(linje 3\)/)
  })
})

describe('decodeRegister refuses what is not text', () => {
  it.each<[string, Uint8Array, RegExp]>([
    ['an .xlsx workbook (zip)', bytes([0x50, 0x4b, 0x03, 0x04], utf8('[Content_Types].xml')), /regnearkfil/],
    ['an .xls workbook (OLE2)', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), /regnearkfil/],
    ['binary data', Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256), /ikke ut som tekst.*kontrolltegnet/],
    ['UTF-16LE without its BOM', utf16(TEXT), /kontrolltegnet U\+0000/],
  ])('%s', (_, input, message) => {
    expect(() => decodeRegister(input)).toThrow(message)
  })
})

describe('encodingName', () => {
  it.each([['latin1', 'windows-1252'], ['UTF8', 'utf-8'], [' utf-16 ', 'utf-16le'], ['nope', null]])('%s → %s', (label, name) => {
    expect(encodingName(label)).toBe(name)
  })
})

describe('checkedText: what the importers keep (issue 13)', () => {
  it('keeps tabs and line breaks, and gives NFC', () => {
    expect(checkedText('Va\u030aler\tIKS\r\nA\u030asnes\n', 'utf-8')).toBe('Våler\tIKS\r\nÅsnes\n')
  })

  it.each<[string, string, RegExp]>([
    ['NUL, with the UTF-16 hint', 'a\tb\nc\u0000d\n', /linje 2, kolonne 2 har kontrolltegnet U\+0000 \(lest som utf-8\)\. En UTF-16-fil/],
    ['a bell', 'ab\u0007', /linje 1, kolonne 3 har kontrolltegnet U\+0007/],
    ['a form feed', 'x\n\n\fy', /linje 3, kolonne 1 har kontrolltegnet U\+000C/],
    ['DEL', 'x\u007f', /linje 1, kolonne 2 har kontrolltegnet U\+007F/],
    ['a C1 control', 'x\u0081', /kontrolltegnet U\+0081/],
    ['a right-to-left override', 'Brann\u202evesen', /retningstegn \(U\+202E\) på linje 1, kolonne 6/],
    ['an isolate before a control character', '\u2066x\u0000', /retningstegn \(U\+2066\) på linje 1, kolonne 1/],
  ])('refuses %s, naming line and column', (_, text, message) => {
    const err = (() => { try { checkedText(text, 'utf-8') } catch (e) { return e } })()
    expect(err).toBeInstanceOf(DecodeError)
    expect(err).toMatchObject({ code: 'not_text', message: expect.stringMatching(message) })
  })

  it('decodeRegister gives NFC text and refuses Windows-1252 bytes that are no character there (0x81)', () => {
    expect(decodeRegister(utf8('A\u030asnes\n')).text).toBe('Åsnes\n')
    expect(() => decodeRegister(Uint8Array.from([0x41, 0x81, 0xe5]))).toThrow(/kontrolltegnet U\+0081 \(lest som windows-1252\)/)
  })
})
