import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { isValidOrganisasjonsnummer } from '../../src/domain/organisasjonsnummer.js'

// Weights 3 2 7 6 5 4 3 2 on the first eight digits; check = 11 − (sum mod 11), 11 → 0, 10 → no valid number.
const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2]

describe('isValidOrganisasjonsnummer', () => {
  it.each([
    // 9·3 + 7·2 + 4·7 + 5·6 + 4·5 + 4·4 + 5·3 + 7·2 = 27+14+28+30+20+16+15+14 = 164; 164 mod 11 = 10 → check 1
    ['974544571'],
    // 9·3 + 4·2 + 5·7 + 5·6 + 7·5 + 8·4 + 5·3 + 6·2 = 27+8+35+30+35+32+15+12 = 194; 194 mod 11 = 7 → check 4
    ['945578564'],
    // 9·3 + 8·2 + 7·7 + 6·6 + 5·5 + 4·4 + 4·3 + 3·2 = 27+16+49+36+25+16+12+6 = 187 = 17·11 → remainder 0 → check 0
    ['987654430'],
    // 8·3 + 1·2 + 2·7 + 3·6 + 4·5 + 5·4 + 6·3 + 7·2 = 24+2+14+18+20+20+18+14 = 130; 130 mod 11 = 9 → check 2
    ['812345672'],
  ])('%s is valid', value => {
    expect(isValidOrganisasjonsnummer(value)).toBe(true)
  })

  it.each([
    ['974544570'], ['974544572'], ['945578565'], ['945578563'], ['987654431'], ['812345671'],
  ])('%s has the wrong check digit', value => {
    expect(isValidOrganisasjonsnummer(value)).toBe(false)
  })

  it.each([
    ['97454457'], ['9745445710'], [''], ['0'], ['9745445711234'],
  ])('%j has the wrong length', value => {
    expect(isValidOrganisasjonsnummer(value)).toBe(false)
  })

  it.each([
    ['97454457a'], ['974 544 571'], ['974-544-571'], [' 974544571'], ['974544571 '], ['９７４５４４５７１'], ['+74544571'], ['97454457.'],
  ])('%j contains something other than nine digits', value => {
    expect(isValidOrganisasjonsnummer(value)).toBe(false)
  })

  it('refuses every last digit when the check would be 10', () => {
    // 9·3 + 1·2 + 2·7 + 3·6 + 4·5 + 5·4 + 6·3 + 7·2 = 27+2+14+18+20+20+18+14 = 133; 133 mod 11 = 1 → check 10
    for (let last = 0; last <= 9; last++) expect(isValidOrganisasjonsnummer(`91234567${last}`)).toBe(false)
  })

  it('accepts exactly one last digit, or none, for any eight-digit prefix (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 }), prefix => {
      const valid = [...Array(10).keys()].filter(d => isValidOrganisasjonsnummer(prefix.join('') + d))
      const remainder = prefix.reduce((acc, digit, i) => acc + digit * WEIGHTS[i]!, 0) % 11
      expect(valid).toEqual(remainder === 1 ? [] : [remainder === 0 ? 0 : 11 - remainder])
    }))
  })
})
