import { describe, expect, it } from 'vitest'
import { defaultCollaborationBodies, defaultMunicipalityBodies } from '../../src/domain/default-bodies.js'
import { LEGAL_FORMS, type LegalForm } from '../../src/domain/vocabulary.js'

const kinds = (legalForm: LegalForm, isRegionrad = false) => defaultCollaborationBodies(legalForm, 'X', isRegionrad).map(b => b.kind)

describe('defaultMunicipalityBodies', () => {
  it('gives every kommune its four statutory organs (koml. § 5-1)', () => {
    expect(defaultMunicipalityBodies('Alstahaug')).toEqual([
      { kind: 'kommunestyre', slugSuffix: 'kommunestyre', name: 'Kommunestyret i Alstahaug' },
      { kind: 'formannskap', slugSuffix: 'formannskap', name: 'Formannskapet i Alstahaug' },
      { kind: 'kontrollutvalg', slugSuffix: 'kontrollutvalg', name: 'Kontrollutvalget i Alstahaug' },
      { kind: 'kommunedirektor', slugSuffix: 'kommunedirektor', name: 'Kommunedirektøren i Alstahaug' },
    ])
  })

  it('puts the name in unchanged', () => {
    expect(defaultMunicipalityBodies('Hemnes').map(b => b.name.endsWith(' i Hemnes'))).toEqual([true, true, true, true])
  })

  it('gives a fylkeskommune its own organs under the council kinds (koml. § 5-1 second paragraph)', () => {
    expect(defaultMunicipalityBodies('Innlandet fylkeskommune', 'fylkeskommune')).toEqual([
      { kind: 'kommunestyre', slugSuffix: 'fylkesting', name: 'Fylkestinget i Innlandet fylkeskommune' },
      { kind: 'formannskap', slugSuffix: 'fylkesutvalg', name: 'Fylkesutvalget i Innlandet fylkeskommune' },
      { kind: 'kontrollutvalg', slugSuffix: 'kontrollutvalg', name: 'Kontrollutvalget i Innlandet fylkeskommune' },
      { kind: 'kommunedirektor', slugSuffix: 'fylkeskommunedirektor', name: 'Fylkeskommunedirektøren i Innlandet fylkeskommune' },
    ])
  })

  it('a kommune is the default kind', () => {
    expect(defaultMunicipalityBodies('Hemnes', 'kommune')).toEqual(defaultMunicipalityBodies('Hemnes'))
  })
})

describe('defaultCollaborationBodies', () => {
  it('gives an IKS a representantskap and a styre (IKS-loven §§ 6, 10)', () => {
    expect(defaultCollaborationBodies('iks', 'Helgeland Avfallsforedling IKS')).toEqual([
      { kind: 'representantskap', slugSuffix: 'representantskap', name: 'Representantskapet i Helgeland Avfallsforedling IKS' },
      { kind: 'styre', slugSuffix: 'styre', name: 'Styret i Helgeland Avfallsforedling IKS' },
    ])
  })

  it.each([['as'], ['sa']] as const)('gives an %s a generalforsamling and a styre', form => {
    expect(defaultCollaborationBodies(form, 'Havnen AS')).toEqual([
      { kind: 'generalforsamling', slugSuffix: 'generalforsamling', name: 'Generalforsamlingen i Havnen AS' },
      { kind: 'styre', slugSuffix: 'styre', name: 'Styret i Havnen AS' },
    ])
  })

  it('gives a kommunalt oppgavefellesskap a representantskap only (koml. § 19-3)', () => {
    expect(defaultCollaborationBodies('kommunalt_oppgavefellesskap', 'Legevakt KO')).toEqual([
      { kind: 'representantskap', slugSuffix: 'representantskap', name: 'Representantskapet i Legevakt KO' },
    ])
  })

  it('gives an interkommunalt politisk råd its representantskap, with a slug-safe suffix (koml. § 18-3)', () => {
    expect(defaultCollaborationBodies('interkommunalt_politisk_rad', 'Helgelandsrådet')).toEqual([
      { kind: 'interkommunalt_politisk_rad', slugSuffix: 'interkommunalt-politisk-rad', name: 'Representantskapet i Helgelandsrådet' },
    ])
  })

  it('treats a regionråd as an IPR whatever form the register gives it', () => {
    expect(defaultCollaborationBodies('avtale', 'Regionrådet', true)).toEqual([
      { kind: 'interkommunalt_politisk_rad', slugSuffix: 'interkommunalt-politisk-rad', name: 'Representantskapet i Regionrådet' },
    ])
    expect(kinds('avtale', false)).toEqual([])
  })

  it('gives a § 27 samarbeid a styre', () => {
    expect(defaultCollaborationBodies('paragraf_27', 'Krisesenteret')).toEqual([
      { kind: 'styre', slugSuffix: 'styre', name: 'Styret i Krisesenteret' },
    ])
  })

  it('gives a vertskommune with felles nemnd the nemnd', () => {
    expect(defaultCollaborationBodies('vertskommune_felles_nemnd', 'Barnevernet')).toEqual([
      { kind: 'felles_nemnd', slugSuffix: 'felles-nemnd', name: 'Den felles folkevalgte nemnda i Barnevernet' },
    ])
  })

  it.each([
    ['avtale'], ['uformelt'], ['vedtak'], ['nettverk'], ['prosjekt'], ['kjop_av_tjenester'],
    ['vertskommune_administrativ'], ['stiftelse'], ['annet'],
  ] as const)('gives %s no organs of its own', form => {
    expect(defaultCollaborationBodies(form, 'X')).toEqual([])
  })

  it('covers every legal form, each body kind at most once', () => {
    for (const form of LEGAL_FORMS) {
      const list = kinds(form)
      expect(new Set(list).size).toBe(list.length)
      for (const b of defaultCollaborationBodies(form, 'X')) expect(b.slugSuffix).toMatch(/^[a-z]+(-[a-z]+)*$/)
    }
  })
})
