import type { LegalForm } from '../domain/vocabulary.js'

export interface NormalisedLegalForm {
  form: LegalForm
  /** False when the cell was empty or not recognised; `form` is then 'annet'. A cell saying "Annet" is known. */
  known: boolean
  empty: boolean
}

const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D-]/g

// Matched against the compacted paragraph number (no '§', spaces or dash variants), e.g. "28-1b".
const PARAGRAPHS: ReadonlyArray<readonly [RegExp, LegalForm]> = [
  [/^28-?1-?b$/, 'vertskommune_administrativ'],
  [/^28-?1-?c$/, 'vertskommune_felles_nemnd'],
  [/^27$/, 'paragraf_27'],
  [/^20-?2$/, 'vertskommune_administrativ'],
  [/^20-?[34]$/, 'vertskommune_felles_nemnd'],
  [/^19-?1$/, 'kommunalt_oppgavefellesskap'],
  [/^18-?1$/, 'interkommunalt_politisk_rad'],
]

// Keys are compacted too: lowercase with all whitespace removed. A Map, so that a cell such as
// "constructor" cannot reach Object.prototype.
const WORDS: ReadonlyMap<string, LegalForm> = new Map(Object.entries({
  avtale: 'avtale',
  samarbeidsavtale: 'avtale',
  uformelt: 'uformelt',
  uformell: 'uformelt',
  vedtak: 'vedtak',
  nettverk: 'nettverk',
  prosjekt: 'prosjekt',
  kjøpavtjenester: 'kjop_av_tjenester',
  tjenestekjøp: 'kjop_av_tjenester',
  iks: 'iks',
  interkommunaltselskap: 'iks',
  as: 'as',
  aksjeselskap: 'as',
  sa: 'sa',
  samvirkeforetak: 'sa',
  stiftelse: 'stiftelse',
  kommunaltoppgavefellesskap: 'kommunalt_oppgavefellesskap',
  interkommunaltpolitiskråd: 'interkommunalt_politisk_rad',
  administrativtvertskommunesamarbeid: 'vertskommune_administrativ',
  vertskommunesamarbeidmedfellesfolkevalgtnemnd: 'vertskommune_felles_nemnd',
  annet: 'annet',
  annen: 'annet',
  anna: 'annet',
  // The 2018 act's abbreviations (kommuneloven 2018: IPR § 18-1, KO § 19-1).
  ipr: 'interkommunalt_politisk_rad',
  ko: 'kommunalt_oppgavefellesskap',
  // Nynorsk.
  avtala: 'avtale',
  samarbeidsavtala: 'avtale',
  kjøpavtenester: 'kjop_av_tjenester',
  tenestekjøp: 'kjop_av_tjenester',
  samvirkeføretak: 'sa',
  stifting: 'stiftelse',
  kommunaltoppgåvefellesskap: 'kommunalt_oppgavefellesskap',
  vertskommunesamarbeidmedfellesfolkevaldnemnd: 'vertskommune_felles_nemnd',
} satisfies Record<string, LegalForm>))

const LABELS: Readonly<Record<LegalForm, string>> = {
  avtale: 'Avtale',
  uformelt: 'Uformelt',
  vedtak: 'Vedtak',
  nettverk: 'Nettverk',
  prosjekt: 'Prosjekt',
  kjop_av_tjenester: 'Kjøp av tjenester',
  iks: 'IKS',
  as: 'AS',
  sa: 'SA',
  paragraf_27: '§ 27',
  vertskommune_administrativ: '§ 28 – 1B',
  vertskommune_felles_nemnd: '§ 28 – 1C',
  kommunalt_oppgavefellesskap: '§ 19-1',
  interkommunalt_politisk_rad: '§ 18-1',
  stiftelse: 'Stiftelse',
  annet: '',
}

function compact (raw: string): string {
  return raw.toLowerCase().replace(DASHES, '-').replace(/\s+/g, '').replace(/[.,;:]+$/, '')
}

function paragraphForm (compacted: string): LegalForm | null {
  // "koml. § 27", "kommuneloven § 20-2", nynorsk "kommunelova § 19-1"; "§ 28-1 b" and "§ 28 – 1B" alike.
  const match = /^(?:koml\.?|kommunelov(?:en|a)?)?§+(.*)$/.exec(compacted)
  const number = match ? match[1] ?? '' : compacted
  for (const [pattern, form] of PARAGRAPHS) if (pattern.test(number)) return form
  return null
}

function formOf (compacted: string): LegalForm | null {
  return WORDS.get(compacted) ?? paragraphForm(compacted)
}

/**
 * Reads a legal-form cell, whatever spelling variant of the same form the register uses: the words
 * (bokmål or nynorsk), the abbreviations (IKS, AS, SA, IPR, KO) and the paragraphs of the 1992 act
 * (§ 27, § 28-1 b/c) and the 2018 act (§ 18-1, § 19-1, § 20-2, § 20-4). A name with its abbreviation
 * or paragraph in parentheses ("Kommunalt oppgavefellesskap (§ 19-1)", "IPR (§ 18-1)") is read when
 * its parts agree.
 */
export function normaliseLegalForm (raw: string): NormalisedLegalForm {
  const compacted = compact(raw)
  if (compacted === '') return { form: 'annet', known: false, empty: true }
  let form = formOf(compacted)
  const parts = /^([^()]*)\(([^()]*)\)$/.exec(compacted)
  if (form === null && parts) {
    const outer = parts[1] === '' ? null : formOf(parts[1]!.replace(/[.,;:]+$/, ''))
    const inner = formOf(parts[2]!)
    form = outer !== null && inner !== null && outer !== inner ? null : outer ?? inner
  }
  return form ? { form, known: true, empty: false } : { form: 'annet', known: false, empty: false }
}

/** The canonical register spelling of a form; 'annet' is written as an empty cell. */
export function legalFormLabel (form: LegalForm): string {
  return LABELS[form]
}
