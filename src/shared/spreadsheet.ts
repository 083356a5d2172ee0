// Formula neutralisation for every text file a spreadsheet may open: the CSV reports, the coverage CSV
// and the register's TSV export (whose reader undoes it). One rule, in one place, both directions.
//
// Excel, LibreOffice Calc and Google Sheets run a cell that starts with = + - @ (and, in some versions,
// a tab or CR before one) as a formula: OWASP "CSV Injection", CWE-1236. A leading apostrophe stops that.
// What the program then shows differs: typed into a cell, the apostrophe is Excel's and Calc's hidden
// "text" marker; read from a CSV/TSV file, Excel and Calc (with "Evaluate formulas" off, its default)
// keep it as a visible character of the text. Either way nothing runs, and the text can go back in:
// - kept visible, a file saved again still has `'=…`, and the register's reader takes the apostrophe off;
// - taken as a marker, the cell's text is the original `=…`, saved as such, and read as plain text.
// Only a value that itself starts with apostrophes before a trigger (`'=x`) can lose one on that second
// path; that is why the escape covers /^'*[…]/, so such values at least survive the first.

/** A cell a spreadsheet would run, possibly already escaped: apostrophes, then a formula trigger. */
const NEEDS_ESCAPE = /^'*[=+\-@\t\r]/
/** A cell escaped by `neutraliseFormula`: at least one apostrophe, then a trigger. */
const ESCAPED = /^'+[=+\-@\t\r]/

/**
 * Prefixes one apostrophe to text a spreadsheet would run as a formula (`=HYPERLINK(…)` →
 * `'=HYPERLINK(…)`), and to text that already starts with apostrophes before such a character
 * (`'=x` → `''=x`), so that `restoreFormula` gives every value back exactly. Other text is unchanged.
 */
export function neutraliseFormula (text: string): string {
  return NEEDS_ESCAPE.test(text) ? `'${text}` : text
}

/** The inverse of `neutraliseFormula`: drops exactly one leading apostrophe before apostrophes and a trigger. */
export function restoreFormula (text: string): string {
  return ESCAPED.test(text) ? text.slice(1) : text
}
