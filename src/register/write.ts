import { neutraliseFormula } from '../shared/spreadsheet.js'
import { readCommentFacts, sameName } from './comment-facts.js'
import { legalFormLabel } from './legal-form.js'
import { isHeaderLabel, plainName, type RegisterEntry } from './parse.js'

export type WritableEntry = Pick<
  RegisterEntry,
  | 'name' | 'area' | 'legalForm' | 'participants' | 'host' | 'extraParticipants' | 'otherParticipantsNote'
  | 'terminated' | 'isUmbrella' | 'parentSlug' | 'comment' | 'slug'
>

export interface WriteRegisterInput {
  /** Defaults to "Pr. 01.01.2019". A label a reader would not see as a header is replaced by the default. */
  headerLabel?: string
  municipalityColumns: string[]
  entries: WritableEntry[]
  /**
   * Whether two spellings name the same municipality (default: the same name, ignoring case). The export
   * passes the official list's, so that a comment's "Oppland fylkeskommune" stands for the stored Innlandet
   * fylkeskommune and is not written again.
   */
  sameMunicipality?: (a: string, b: string) => boolean
}

type Same = (a: string | null, b: string | null) => boolean

export const DEFAULT_HEADER_LABEL = 'Pr. 01.01.2019'
export const LEGAL_FORM_HEADER = 'Type samarbeid §i kommuneloven'
export const COMMENT_HEADER = 'Kommentarer'
const UMBRELLA_SUFFIX = ' <i>Se under*</i>'
const PART_SUFFIX = '*'
// Written only where every other cell would be empty, since a reader takes such a row for an area.
const OTHER_FORM_LABEL = 'Annet'

/**
 * Writes entries in the register's layout, in input order. The text is plain: values are escaped so
 * that reading the output gives them back unchanged. A part is marked '*' only when an umbrella
 * precedes it in the same area, because that is all a reader has to find its parent. Every cell a
 * spreadsheet would run as a formula (a name, area or comment starting with = + - @) gets one leading
 * apostrophe (shared/spreadsheet.ts), which parseRegister takes off again.
 */
export function writeRegister (input: WriteRegisterInput): string {
  const columns = [...new Set(input.municipalityColumns.map(plainText).filter((c) => c !== ''))]
  const width = columns.length + 3
  const label = isHeaderLabel(plainText(input.headerLabel ?? '')) ? plainText(input.headerLabel ?? '') : DEFAULT_HEADER_LABEL
  const rows: string[][] = [[escapeHtml(label), LEGAL_FORM_HEADER, ...columns.map(escapeHtml), COMMENT_HEADER]]
  let area: string | null = null
  let umbrellaArea: string | null | undefined

  for (const entry of input.entries) {
    // A reader skips a row without a name, so writing one would make the output unstable.
    if (plainName(entry.name) === '') continue
    const entryArea = plainText(entry.area ?? '')
    // The format cannot go back to "no area" once an area row is written: such entries stay in the current one.
    if (entryArea !== '' && entryArea !== area) {
      area = entryArea
      rows.push([escapeHtml(entryArea), ...Array<string>(width - 1).fill('')])
    }
    const isPart = !entry.isUmbrella && entry.parentSlug !== null && umbrellaArea === area
    if (entry.isUmbrella) umbrellaArea = area
    rows.push(dataRow(entry, isPart, columns, sameAs(input.sameMunicipality)))
  }
  return rows.map((row) => row.map(neutraliseFormula).join('\t') + '\n').join('')
}

/**
 * The stored comment, plus a sentence for each fact a reader would not find in it. A reader takes
 * the last host it finds, so an appended host overrides a different one earlier in the comment.
 */
export function commentWithFacts (entry: WritableEntry, columns: readonly string[], same: Same = sameName): string {
  const comment = plainText(entry.comment)
  const facts = readCommentFacts(comment, columns)
  const host = plainText(entry.host ?? '')
  const additions: string[] = []
  if (host !== '' && !same(facts.host, host)) additions.push(`${host} vertskommune.`)
  for (const name of entry.extraParticipants.map(plainText)) {
    const alreadyRead = facts.extraParticipants.some((read) => same(read, name))
    if (name !== '' && !alreadyRead && !same(name, host)) additions.push(`Med ${name}.`)
  }
  const note = plainText(entry.otherParticipantsNote ?? '')
  // A note the comment already holds (a relation read from it, "Med Valdres natur- og kulturpark") is not repeated.
  if (note !== '' && facts.otherParticipantsNote === null && !comment.toLowerCase().includes(note.replace(/[.]$/, '').toLowerCase())) additions.push(asSentence(note))
  if (entry.terminated && !facts.terminated) additions.push('Avtalen er sagt opp.')
  if (additions.length === 0) return comment
  return [comment === '' ? '' : asSentence(comment), ...additions].filter((s) => s !== '').join(' ')
}

function sameAs (custom: WriteRegisterInput['sameMunicipality']): Same {
  return custom ? (a, b) => sameName(a, b) || (a !== null && b !== null && custom(a, b)) : sameName
}

function dataRow (entry: WritableEntry, isPart: boolean, columns: readonly string[], same: Same): string[] {
  const marker = entry.isUmbrella ? UMBRELLA_SUFFIX : isPart ? PART_SUFFIX : ''
  // Participants and extras that have a column are marked x; the rest must survive in the comment.
  const named = [...entry.participants, ...entry.extraParticipants]
  const marked = columns.map((column) => (named.some((name) => sameName(name, column)) ? 'x' : ''))
  const outside = named.filter((name) => !columns.some((column) => sameName(name, column)))
  const comment = commentWithFacts({ ...entry, extraParticipants: outside }, columns, same)
  const looksLikeArea = legalFormLabel(entry.legalForm) === '' && comment === '' && !marked.includes('x')
  return [
    escapeHtml(plainName(entry.name)) + marker,
    looksLikeArea ? OTHER_FORM_LABEL : legalFormLabel(entry.legalForm),
    ...marked,
    escapeHtml(comment),
  ]
}

function plainText (text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** Only what a reader would otherwise take for markup: every '<', and '&' where it starts an entity. */
function escapeHtml (text: string): string {
  return text.replace(/&(?=#x[0-9a-f]+;|#\d+;|[a-z]+;)/gi, '&amp;').replace(/</g, '&lt;')
}

function asSentence (text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`
}
