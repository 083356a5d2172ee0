import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { LEGAL_FORMS, type LegalForm } from '../../src/domain/vocabulary.js'
import { legalFormLabel, normaliseLegalForm } from '../../src/register/legal-form.js'

describe('normaliseLegalForm', () => {
  it('does not read a name and a paragraph that disagree: "IPR (§ 19-1)"', () => {
    expect(normaliseLegalForm('IPR (§ 19-1)')).toEqual({ form: 'annet', known: false, empty: false })
  })

  it.each<[string, LegalForm]>([
    // Spellings found in the 2019 register
    ['§ 28 – 1B', 'vertskommune_administrativ'],
    ['§28 – 1B', 'vertskommune_administrativ'],
    ['§ 27', 'paragraf_27'],
    ['§27', 'paragraf_27'],
    ['IKS', 'iks'],
    ['AS', 'as'],
    ['Avtale', 'avtale'],
    ['Uformelt', 'uformelt'],
    ['Vedtak', 'vedtak'],
    // Other spellings of the 1992 act's paragraphs
    ['§ 28-1 b', 'vertskommune_administrativ'],
    ['§ 28 — 1 b', 'vertskommune_administrativ'],
    ['28-1b', 'vertskommune_administrativ'],
    ['koml. § 28-1 b', 'vertskommune_administrativ'],
    ['§ 28 – 1C', 'vertskommune_felles_nemnd'],
    ['§28-1c', 'vertskommune_felles_nemnd'],
    // The 2018 act
    ['§ 20-2', 'vertskommune_administrativ'],
    ['§ 20-4', 'vertskommune_felles_nemnd'],
    ['§ 19-1', 'kommunalt_oppgavefellesskap'],
    ['Kommunalt oppgavefellesskap', 'kommunalt_oppgavefellesskap'],
    ['§ 18-1', 'interkommunalt_politisk_rad'],
    ['interkommunalt politisk råd', 'interkommunalt_politisk_rad'],
    ['IPR', 'interkommunalt_politisk_rad'],
    ['IPR (§ 18-1)', 'interkommunalt_politisk_rad'],
    ['Interkommunalt politisk råd (IPR)', 'interkommunalt_politisk_rad'],
    ['KO', 'kommunalt_oppgavefellesskap'],
    ['KO (§ 19-1)', 'kommunalt_oppgavefellesskap'],
    ['kommunelova § 19-1', 'kommunalt_oppgavefellesskap'],
    ['kommuneloven § 20-2', 'vertskommune_administrativ'],
    ['Administrativt vertskommunesamarbeid (§ 20-2)', 'vertskommune_administrativ'],
    ['§ 20 – 4', 'vertskommune_felles_nemnd'],
    ['§ 28-1 c', 'vertskommune_felles_nemnd'],
    ['koml. § 27', 'paragraf_27'],
    ['Interkommunalt selskap (IKS)', 'iks'],
    // Nynorsk
    ['Kommunalt oppgåvefellesskap', 'kommunalt_oppgavefellesskap'],
    ['Vertskommunesamarbeid med felles folkevald nemnd', 'vertskommune_felles_nemnd'],
    ['Kjøp av tenester', 'kjop_av_tjenester'],
    ['Avtala', 'avtale'],
    ['Samvirkeføretak', 'sa'],
    // Words, in any case and with stray whitespace
    ['  iks ', 'iks'],
    ['as', 'as'],
    ['SA', 'sa'],
    ['Nettverk', 'nettverk'],
    ['Prosjekt', 'prosjekt'],
    ['Kjøp av tjenester', 'kjop_av_tjenester'],
    ['KJØP  AV TJENESTER', 'kjop_av_tjenester'],
    ['Stiftelse', 'stiftelse'],
    ['Annet', 'annet'],
  ])('reads %j as %s', (raw, form) => {
    expect(normaliseLegalForm(raw)).toEqual({ form, known: true, empty: false })
  })

  it.each(['', '   ', '\u00a0'])('reports an empty cell (%j) as empty, not as an unknown form', (raw) => {
    expect(normaliseLegalForm(raw)).toEqual({ form: 'annet', known: false, empty: true })
  })

  it.each(['Samkommune', '§ 29', '§ 28-1 d', 'ASA', 'constructor', 'toString'])(
    'stores an unrecognised form (%j) as annet and says it is unknown',
    (raw) => {
      expect(normaliseLegalForm(raw)).toEqual({ form: 'annet', known: false, empty: false })
    }
  )
})

describe('legalFormLabel', () => {
  it('uses the spellings of the register itself', () => {
    expect(legalFormLabel('vertskommune_administrativ')).toBe('§ 28 – 1B')
    expect(legalFormLabel('vertskommune_felles_nemnd')).toBe('§ 28 – 1C')
    expect(legalFormLabel('paragraf_27')).toBe('§ 27')
    expect(legalFormLabel('iks')).toBe('IKS')
    expect(legalFormLabel('as')).toBe('AS')
    expect(legalFormLabel('avtale')).toBe('Avtale')
    expect(legalFormLabel('kjop_av_tjenester')).toBe('Kjøp av tjenester')
  })

  it('writes annet as an empty cell', () => {
    expect(legalFormLabel('annet')).toBe('')
  })

  it.each(LEGAL_FORMS.filter((f) => f !== 'annet'))('reads the label of %s back as the same form', (form) => {
    expect(normaliseLegalForm(legalFormLabel(form))).toEqual({ form, known: true, empty: false })
  })

  it('never throws and always answers with a form from the vocabulary', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (raw) => {
        const { form, known, empty } = normaliseLegalForm(raw)
        expect(LEGAL_FORMS).toContain(form)
        expect(known && empty).toBe(false)
      })
    )
  })
})
