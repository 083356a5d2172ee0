// CSV that opens correctly in Norwegian Excel: UTF-8 with a BOM (else Excel guesses Windows-1252 and
// breaks æøå), semicolons (the list separator where the decimal separator is a comma), CRLF, and
// dates as dd.mm.yyyy. Cells that Excel would run as a formula are prefixed with an apostrophe.
import { numericDate } from '../presenters/vocabulary.js'

export type Cell = string | number | null | undefined

function cell (v: Cell): string {
  if (v === null || v === undefined) return ''
  let s = String(v)
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function excelCsv (header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return '\uFEFF' + [header, ...rows].map(r => r.map(cell).join(';')).join('\r\n') + '\r\n'
}

/** 2027-02-22 → 22.02.2027 (the vocabulary's numeric date); empty for none. */
export function csvDate (date: string | null | undefined): string {
  return date ? numericDate(date) : ''
}
