import { describe, expect, it } from 'vitest'
import { csvCell } from '../../src/kontroll/coverage-csv.js'

describe('csvCell', () => {
  it.each([
    ['GLØR IKS', 'GLØR IKS'], ['a;b', '"a;b"'], ['si "hei"', '"si ""hei"""'], ['to\nlinjer', '"to\nlinjer"'],
    ['=SUM(A1)', "'=SUM(A1)"], ['+47', "'+47"], ['-1', "'-1"], ['@x', "'@x"], [12, '12'], [null, ''], [undefined, ''], ['', ''],
  ] as const)('%j → %j', (input, out) => {
    expect(csvCell(input)).toBe(out)
  })
})
