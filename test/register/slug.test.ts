import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { MAX_SLUG_LENGTH, slugify } from '../../src/register/slug.js'

describe('slugify', () => {
  it.each([
    ['Regionråd', 'regionrad'],
    ['Felles formannskapsmøter', 'felles-formannskapsmoter'],
    ['Felles renovasjonsselskap: GLØR', 'felles-renovasjonsselskap-glor'],
    ['Næringsenhet: Lillehammerregionen Vekst', 'naeringsenhet-lillehammerregionen-vekst'],
    ['ÆØÅ æøå', 'aeoa-aeoa'],
    ['Intermediære senger *', 'intermediaere-senger'],
    ['Felles 110 nødalarmingsentral', 'felles-110-nodalarmingsentral'],
    ['Samfunnsmedisin – kommuneoverlegene', 'samfunnsmedisin-kommuneoverlegene'],
    ['Café Ünïcode Señor', 'cafe-unicode-senor'],
    ['  --Gudbrandsdal   Energi (GE)--  ', 'gudbrandsdal-energi-ge'],
  ])('turns %j into %j', (name, slug) => {
    expect(slugify(name)).toBe(slug)
  })

  it('gives an empty slug when the name has no letters or digits', () => {
    expect(slugify('* – §')).toBe('')
  })

  it(`cuts at ${MAX_SLUG_LENGTH} characters without leaving a trailing hyphen`, () => {
    const name = `${'a'.repeat(79)} bcd`
    expect(slugify(name)).toBe('a'.repeat(79))
    expect(slugify('ord '.repeat(40))).toHaveLength(79)
  })

  it('always yields lowercase ASCII words joined by single hyphens, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (name) => {
        const slug = slugify(name)
        expect(slug).toMatch(/^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$/)
        expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH)
        expect(slugify(slug)).toBe(slug)
      })
    )
  })
})
