import { describe, expect, it } from 'vitest'
import { csvDate, excelCsv } from '../../src/reports/csv.js'

describe('excelCsv', () => {
  it('starts with a BOM, separates with semicolons and ends lines with CRLF', () => {
    expect(excelCsv(['Frist', 'Hva'], [['22.02.2027', 'Årsregnskapet avlagt']])).toBe('\uFEFFFrist;Hva\r\n22.02.2027;Årsregnskapet avlagt\r\n')
  })

  it.each([
    ['a;b', '"a;b"'],
    ['sier "nei"', '"sier ""nei"""'],
    ['to\nlinjer', '"to\nlinjer"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['+47 123', "'+47 123"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ["'=1+1", "''=1+1"],
    ['\tx', "'\tx"],
    ['Øyer', 'Øyer'],
  ])('quotes or defuses %j as %j', (value, cell) => {
    expect(excelCsv(['x'], [[value]]).split('\r\n')[1]).toBe(cell)
  })

  it('writes numbers as they are and empty cells for null', () => {
    expect(excelCsv(['a', 'b', 'c'], [[-3, null, undefined]]).split('\r\n')[1]).toBe('-3;;')
  })
})

describe('csvDate', () => {
  it.each([['2027-02-22', '22.02.2027'], ['2028-12-31', '31.12.2028'], [null, ''], [undefined, '']])('%j → %j', (d, out) => {
    expect(csvDate(d)).toBe(out)
  })
})
