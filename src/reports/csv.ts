// CSV that opens correctly in Norwegian Excel: UTF-8 with a BOM (else Excel guesses Windows-1252 and
// breaks æøå), semicolons (the list separator where the decimal separator is a comma), CRLF, and
// dates as dd.mm.yyyy. Text Excel would run as a formula is neutralised (shared/spreadsheet.ts).
import { numericDate } from '../presenters/vocabulary.js'
import { neutraliseFormula } from '../shared/spreadsheet.js'

export type Cell = string | number | null | undefined

/**
 * One cell: text neutralised, then quoted (RFC 4180 style) when it holds ';', '"' or a line break.
 * Numbers are written as they are: their digits, sign and point can never form a formula.
 */
export function csvCell (v: Cell): string {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'string' ? neutraliseFormula(v) : String(v)
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The whole file: BOM, header and rows separated by ';', every line (the last too) ended by CRLF. */
export function excelCsv (header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return '\uFEFF' + [header, ...rows].map(r => r.map(csvCell).join(';')).join('\r\n') + '\r\n'
}

/** 2027-02-22 → 22.02.2027 (the vocabulary's numeric date); empty for none. */
export function csvDate (date: string | null | undefined): string {
  return date ? numericDate(date) : ''
}
