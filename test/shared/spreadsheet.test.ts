import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { neutraliseFormula, restoreFormula } from '../../src/shared/spreadsheet.js'

describe('neutraliseFormula', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    // Already starting with apostrophes before a trigger: one more, so that restoring gives it back.
    ["'=x", "''=x"],
    ["''-1", "'''-1"],
    // Harmless text, an apostrophe before ordinary text, and a trigger later in the text stay as they are.
    ['Øyer', 'Øyer'],
    ["'s Hertogenbosch", "'s Hertogenbosch"],
    ['a=b', 'a=b'],
    ["'", "'"],
    ['', ''],
  ])('%j → %j', (text, cell) => {
    expect(neutraliseFormula(text)).toBe(cell)
    expect(restoreFormula(cell)).toBe(text)
  })
})

describe('restoreFormula', () => {
  it('takes off exactly one apostrophe, and only before apostrophes and a trigger', () => {
    expect(restoreFormula("'''=x")).toBe("''=x")
    expect(restoreFormula("'x")).toBe("'x")
    expect(restoreFormula('=x')).toBe('=x')
  })

  it('undoes neutraliseFormula for any text, and a neutralised cell never starts with a trigger', () => {
    const text = fc.string({ unit: fc.constantFrom("'", '=', '+', '-', '@', '\t', '\r', 'a', ' ', 'ø') })
    fc.assert(fc.property(text, (s) => {
      const cell = neutraliseFormula(s)
      expect(restoreFormula(cell)).toBe(s)
      expect(cell).not.toMatch(/^[=+\-@\t\r]/)
    }))
  })
})
