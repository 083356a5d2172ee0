// Bytes to text for the register import, the way spreadsheet programs save text files (issue 12):
// Excel's "Tekst (tabulatordelt)" is Windows-1252, its "Unicode-tekst" UTF-16LE with a BOM, and
// "CSV UTF-8" UTF-8 with a BOM. A byte order mark decides (Unicode §23.8); otherwise valid UTF-8 is
// UTF-8 and anything else is taken for Windows-1252, since every byte sequence is valid there. A
// charset the user names (Content-Type `charset=`, `?encoding=`, `--encoding`) wins over both.
import { BIDI_CONTROLS, CONTROL_CHARS } from '../shared/text.js'

/** The encodings the decoder reports, by their WHATWG Encoding Standard names. */
export type RegisterEncoding = string

export interface DecodedText {
  text: string
  /** The WHATWG name of the encoding used: 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252', … */
  encoding: RegisterEncoding
  /** True when the file began with a byte order mark (removed from `text`). */
  bom: boolean
  /** How the encoding was chosen: named by the user, by the BOM, or guessed from the bytes. */
  source: 'declared' | 'bom' | 'utf-8' | 'guessed'
}

/** Why bytes cannot be read as a register; `code` is stable, `message` is bokmål for users. */
export class DecodeError extends Error {
  constructor (readonly code: 'unknown_charset' | 'invalid_bytes' | 'not_text', message: string) {
    super(message)
    this.name = 'DecodeError'
  }
}

const BOMS: ReadonlyArray<readonly [encoding: string, bytes: readonly number[]]> = [
  ['utf-8', [0xef, 0xbb, 0xbf]],
  ['utf-16le', [0xff, 0xfe]],
  ['utf-16be', [0xfe, 0xff]],
]
// A .xlsx workbook is a zip archive; an .xls workbook a Compound File (OLE2).
const WORKBOOK_SIGNATURES: ReadonlyArray<readonly number[]> = [[0x50, 0x4b, 0x03, 0x04], [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]]

// Windows-1252's 0x80–0x9F (WHATWG index-windows-1252); the rest is Latin-1. Node 20's TextDecoder decodes
// 'windows-1252' as ISO-8859-1 (C1 controls instead of € – « …), so the table is applied here.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'

/** Windows-1252 to text; every byte has a character, so this never fails. */
export function decodeWindows1252 (bytes: Uint8Array): string {
  let out = ''
  const CHUNK = 8192
  for (let i = 0; i < bytes.length; i += CHUNK) {
    const chunk = bytes.subarray(i, i + CHUNK)
    out += String.fromCharCode(...chunk).replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!)
  }
  return out
}

function decodeWith (encoding: string, bytes: Uint8Array, fatal: boolean): string {
  return encoding === 'windows-1252' ? decodeWindows1252(bytes) : new TextDecoder(encoding, { fatal, ignoreBOM: true }).decode(bytes)
}

function startsWith (bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b)
}

/** The WHATWG name for a charset label ('latin1' and 'iso-8859-1' are 'windows-1252'), or null when unknown. */
export function encodingName (label: string): string | null {
  try {
    return new TextDecoder(label.trim()).encoding
  } catch {
    return null
  }
}

/**
 * Decodes a register file. `declared` is the charset the user named (empty or undefined: none).
 * Throws DecodeError: `unknown_charset` for a label the Encoding Standard does not know,
 * `invalid_bytes` when the bytes are not valid in a declared UTF encoding, `not_text` for a
 * spreadsheet workbook or binary data.
 */
export function decodeRegister (bytes: Uint8Array, declared?: string | null): DecodedText {
  if (WORKBOOK_SIGNATURES.some((sig) => startsWith(bytes, sig))) {
    throw new DecodeError('not_text', 'Filen er en regnearkfil (Excel-arbeidsbok), ikke tekst. Lagre registeret som «Tekst (tabulatordelt)» eller «Unicode-tekst» og prøv igjen.')
  }
  const decoded = declared ? decodeDeclared(bytes, declared) : decodeDetected(bytes)
  return { ...decoded, text: checkedText(decoded.text, decoded.encoding) }
}

/**
 * Text as the importers keep it: in Unicode Normalization Form C (UAX #15), so that a name written with
 * a combining ring (a + U+030A) is the same name as one written with å. Throws DecodeError `not_text`
 * naming the line and column (1-based, in characters) of the first control character other than tab,
 * line feed and carriage return, or of a bidirectional control. `encoding` is named in the message.
 */
export function checkedText (text: string, encoding: string): string {
  const control = CONTROL_CHARS.exec(text)
  const bidi = BIDI_CONTROLS.exec(text)
  const found = control && (!bidi || control.index < bidi.index) ? control : bidi
  if (found) {
    const before = text.slice(0, found.index)
    const line = before.split('\n').length
    const column = found.index - before.lastIndexOf('\n')
    const code = `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`
    const at = `linje ${line}, kolonne ${column}`
    if (found === bidi) {
      throw new DecodeError('not_text', `Filen har et retningstegn (${code}) på ${at}: det kan få teksten til å vises i en annen rekkefølge enn den er lagret. Fjern tegnet og prøv igjen.`)
    }
    const hint = found[0] === '\u0000'
      ? ' En UTF-16-fil («Unicode-tekst») uten byte order mark blir lest slik: oppgi tegnsettet (utf-16le eller utf-16be), eller lagre fila på nytt som «Unicode-tekst».'
      : ' Fjern tegnet og prøv igjen.'
    throw new DecodeError('not_text', `Filen ser ikke ut som tekst: ${at} har kontrolltegnet ${code} (lest som ${encoding}).${hint}`)
  }
  return text.normalize('NFC')
}

function decodeDeclared (bytes: Uint8Array, label: string): DecodedText {
  const encoding = encodingName(label)
  if (encoding === null) throw new DecodeError('unknown_charset', `Ukjent tegnsett «${label}». Bruk for eksempel utf-8, windows-1252 eller utf-16le.`)
  const bom = BOMS.find(([name, sig]) => name === encoding && startsWith(bytes, sig))
  const fatal = encoding.startsWith('utf-')
  try {
    // ignoreBOM keeps the mark in the text, so that we know whether there was one; it is removed below.
    const text = decodeWith(encoding, bytes, fatal)
    return { text: bom ? text.slice(1) : text, encoding, bom: bom !== undefined, source: 'declared' }
  } catch {
    throw new DecodeError('invalid_bytes', `Filen er ikke gyldig ${encoding}${invalidAt(bytes, encoding)}. Oppgi riktig tegnsett, eller utelat det for å la importen finne det.`)
  }
}

function decodeDetected (bytes: Uint8Array): DecodedText {
  for (const [encoding, sig] of BOMS) {
    if (!startsWith(bytes, sig)) continue
    try {
      const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(sig.length))
      return { text, encoding, bom: true, source: 'bom' }
    } catch {
      throw new DecodeError('invalid_bytes', `Filen begynner med byte order mark for ${encoding}, men er ikke gyldig ${encoding}${invalidAt(bytes.subarray(sig.length), encoding)}.`)
    }
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', bom: false, source: 'utf-8' }
  } catch {
    return { text: decodeWindows1252(bytes), encoding: 'windows-1252', bom: false, source: 'guessed' }
  }
}

/** " (linje N)": the line of the first invalid byte, for UTF-8 (the only encoding where it can be found cheaply). */
function invalidAt (bytes: Uint8Array, encoding: string): string {
  if (encoding !== 'utf-8') return ''
  // Bisect for the shortest prefix a fatal decode refuses: its last byte is the first invalid one.
  let lo = 0
  let hi = bytes.length
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    try {
      // Streaming: a prefix that ends inside a valid sequence is not an error.
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true })
      lo = mid
    } catch {
      hi = mid
    }
  }
  let line = 1
  for (let i = 0; i < lo; i++) if (bytes[i] === 0x0a) line++
  return ` (linje ${line})`
}
