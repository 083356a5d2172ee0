// CSV that Norwegian Excel opens as it should: UTF-8 with a BOM, semicolons, CRLF line ends.

const BOM = '\uFEFF'

/** A cell that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection); plain numbers stay numbers. */
function cell (value: string): string {
  const v = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(,\d+)?$/.test(value) ? `'${value}` : value
  return /[";\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v
}

export function toCsv (header: readonly string[], rows: readonly (readonly string[])[]): string {
  return BOM + [header, ...rows].map(r => r.map(cell).join(';')).join('\r\n') + '\r\n'
}
