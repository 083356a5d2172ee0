import { describe, expect, it } from 'vitest'
import { toCsv } from '../../src/pages/csv.js'

describe('toCsv', () => {
  it('writes UTF-8 with a BOM, semicolons and CRLF, as Norwegian Excel expects', () => {
    const csv = toCsv(['Frist', 'Hva'], [['30.06.2027', 'Årsregnskap']])
    expect(csv).toBe('\uFEFFFrist;Hva\r\n30.06.2027;Årsregnskap\r\n')
  })

  it('quotes separators, quotes and line breaks', () => {
    expect(toCsv(['a'], [['Tom & "Jerry"; AS'], ['to\nlinjer']])).toBe('\uFEFFa\r\n"Tom & ""Jerry""; AS"\r\n"to\nlinjer"\r\n')
  })

  it('defuses cells a spreadsheet would run as formulas, but keeps negative numbers', () => {
    const lines = toCsv(['x'], [['=HYPERLINK("http://evil")'], ['+1+1'], ['@SUM(A1)'], ['-12'], ['-cmd']]).split('\r\n')
    expect(lines.slice(1, 6)).toEqual([`"'=HYPERLINK(""http://evil"")"`, "'+1+1", "'@SUM(A1)", '-12', "'-cmd"])
  })
})
