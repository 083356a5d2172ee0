import { parse as parseCsv, CsvError } from 'csv-parse/sync'
import type { LegalForm } from '../domain/vocabulary.js'
import { mentionsHost, readCommentFacts } from './comment-facts.js'
import { normaliseLegalForm } from './legal-form.js'
import { restoreFormula } from '../shared/spreadsheet.js'
import { slugify } from './slug.js'

export interface RegisterEntry {
  /** 1-based line in the input. */
  line: number
  name: string
  /** Unique within one parse result. */
  slug: string
  area: string | null
  legalForm: LegalForm
  legalFormRaw: string
  /** The municipality column headers marked with x. */
  participants: string[]
  host: string | null
  extraParticipants: string[]
  otherParticipantsNote: string | null
  /** Other collaborations the comment names ("Med Valdres natur- og kulturpark"): never municipalities. */
  relations: string[]
  terminated: boolean
  /** The agreement whose parts are listed below it, marked "Se under*". */
  isUmbrella: boolean
  parentSlug: string | null
  comment: string
}

/** `line` is 0 when the warning concerns the whole document. Messages are in bokmål, for users. */
export interface RegisterWarning {
  line: number
  code: string
  message: string
}

export interface ParseResult {
  /** The column separator found on the header row: a tab, or ';' for Excel's CSV. */
  delimiter: '\t' | ';'
  municipalityColumns: string[]
  entries: RegisterEntry[]
  warnings: RegisterWarning[]
}

const HEADER_LABEL = /^Pr\.\s*\d/
const LEGAL_FORM_HEADER = /type\s+samarbeid|kommunelov|^(?:samarbeids|organisasjons)form$/i
// Bokmål and nynorsk: kommentarer/kommentarar, merknader/merknadar.
const COMMENT_HEADER = /^(?:kommentar(?:er|ar)?|merknad(?:er|ar)?)$/i
// "Se under", "se nedenfor"; nynorsk "Sjå under", "sjå nedanfor".
const UMBRELLA_MARKER = /\(?\s*(?<!\p{L})(?:se|sjå)\s+(?:under|neden?for|nedanfor)(?!\p{L})\s*\**\s*\)?[:.]?/giu
const HAS_UMBRELLA_MARKER = new RegExp(UMBRELLA_MARKER.source, 'iu')
const PART_MARKER = /\*\s*$/
const FALLBACK_SLUG = 'samarbeid'

interface Column {
  index: number
  name: string
}

interface Layout {
  legalFormIndex: number | null
  commentIndex: number | null
  municipalities: Column[]
}

interface Umbrella {
  slug: string
  area: string | null
}

/**
 * Reads the register table: tab- or semicolon-separated text with RFC 4180 quoting (a quoted cell may
 * hold line breaks and doubled quotes). Never throws: every anomaly becomes a warning. Lines are the
 * file's own, 1-based; a row that spans several lines is named by its first.
 */
export function parseRegister (text: string): ParseResult {
  const columns: string[] = []
  const entries: RegisterEntry[] = []
  const { delimiter, records, warnings } = readRecords(typeof text === 'string' ? text : '')
  const slugs = new Set<string>()
  let layout: Layout | null = null
  let area: string | null = null
  let umbrella: Umbrella | null = null

  for (const { line, cells: rawCells } of records) {
    // The writer's formula escape ('=…) is undone last, on the text a reader sees (shared/spreadsheet.ts).
    const cells = rawCells.map((cell) => restoreFormula(cleanCell(cell)))
    const [first = '', ...rest] = cells
    if (cells.every((c) => c === '')) continue

    if (isHeader(cells)) {
      layout = readLayout(cells)
      warnings.push(...layoutWarnings(layout, line))
      for (const m of layout.municipalities) if (!columns.includes(m.name)) columns.push(m.name)
      continue
    }
    // Anything before the first header is the document's prose.
    if (layout === null) continue

    if (first !== '' && rest.every((c) => c === '')) {
      area = first
      continue
    }
    // Cells are already clean: cleaning again would decode an escaped '&lt;' into a tag and strip it.
    const name = plainName(first)
    if (name === '') {
      warnings.push({ line, code: 'no_name', message: 'Raden har innhold, men mangler navn. Raden er hoppet over.' })
      continue
    }

    const slug = uniqueSlug(name, slugs, line, warnings)
    const isUmbrella = HAS_UMBRELLA_MARKER.test(first)
    const parentSlug = isUmbrella || !PART_MARKER.test(first) ? null : parentOf(name, area, umbrella, line, warnings)
    if (isUmbrella) umbrella = { slug, area }

    const legalFormRaw = cellAt(cells, layout.legalFormIndex)
    const comment = cellAt(cells, layout.commentIndex)
    const participants = readParticipants(name, cells, layout, line, warnings)
    const facts = readCommentFacts(comment, layout.municipalities.map((m) => m.name))
    const legalForm = readLegalForm(name, legalFormRaw, line, warnings)

    if (participants.length === 0) warnings.push(noParticipantWarning(name, facts.host, line))
    if (facts.host === null && mentionsHost(comment)) {
      warnings.push({
        line,
        code: 'unknown_host',
        message: `Kommentaren til «${name}» nevner vertskommune, men det går ikke å lese hvilken kommune det er.`,
      })
    }

    entries.push({
      line,
      name,
      slug,
      area,
      legalForm,
      legalFormRaw,
      participants,
      host: facts.host,
      extraParticipants: facts.extraParticipants,
      otherParticipantsNote: facts.otherParticipantsNote,
      relations: facts.relations,
      terminated: facts.terminated,
      isUmbrella,
      parentSlug,
      comment,
    })
  }

  if (layout === null) {
    warnings.push({
      line: 0,
      code: 'no_header',
      message: 'Fant ingen overskriftslinje (en linje som begynner med «Pr.» og en dato). Ingen rader er lest.',
    })
  }
  return { delimiter, municipalityColumns: columns, entries, warnings }
}

interface RawRecord { line: number; cells: string[] }

/**
 * Splits the text into records with csv-parse (RFC 4180, quotes relaxed: a quote inside an unquoted
 * cell is kept). The separator is the header row's: ';' when that row has semicolons and no tab, or an
 * Excel `sep=` first line; otherwise a tab. Line ends are normalised first, so that a file mixing CRLF
 * and LF (Excel writes CRLF, a line break inside a cell as LF) reads as one kind.
 */
function readRecords (text: string): { delimiter: '\t' | ';'; records: RawRecord[]; warnings: RegisterWarning[] } {
  let body = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  let offset = 0
  let delimiter: '\t' | ';' = '\t'
  const sep = /^sep=(.)\n/i.exec(body)
  if (sep) {
    // Excel's hint line; only the two separators the register uses are understood.
    if (sep[1] === ';') delimiter = ';'
    body = body.slice(sep[0].length)
    offset = 1
  } else {
    const header = body.split('\n').find((l) => HEADER_LABEL.test(l.replace(/^"/, '').trim()))
    if (header !== undefined && !header.includes('\t') && header.includes(';')) delimiter = ';'
  }
  const options = { delimiter, record_delimiter: '\n', relax_quotes: true, relax_column_count: true, info: true, raw: true, skip_empty_lines: false } as const
  type Row = { record: string[]; info: { lines: number }; raw: string }
  // With info and raw set, csv-parse returns { record, info, raw } per record (its typings say string[][]).
  const toRecords = (rows: unknown) => (rows as Row[]).map(({ record, info, raw }) => {
    // info.lines is the line the record ends on; its own line breaks (inside quoted cells) come before.
    const breaks = (raw.match(/\n/g)?.length ?? 0) - (raw.endsWith('\n') ? 1 : 0)
    return { line: info.lines - breaks + offset, cells: record }
  })
  try {
    return { delimiter, records: toRecords(parseCsv(body, options)), warnings: [] }
  } catch (err) {
    if (!(err instanceof CsvError)) throw err
    // An opening quote never closed would swallow the rest of the file: read it again with quotes as text.
    const records = toRecords(parseCsv(body, { ...options, quote: false }))
    const opened = records.find((r) => r.cells.some((c) => c.startsWith('"') && (c.length === 1 || !c.endsWith('"'))))
    const warning: RegisterWarning = {
      line: opened?.line ?? 0,
      code: 'unclosed_quote',
      message: 'Et anførselstegn åpner en celle, men lukker den aldri. Filen er lest med anførselstegn som vanlig tekst.',
    }
    return { delimiter, records, warnings: [warning] }
  }
}

/** Removes HTML tags and entities and collapses whitespace: what a reader of the cell sees. */
export function cleanCell (cell: string): string {
  // Inline tags (<i>, <b>) sit inside words; line and block tags separate them.
  // [^<>] rather than [^>] keeps a run of unclosed '<' linear.
  const text = cell.replace(/<\/?(?:br|p|div|li|tr|td)\b[^<>]*>/gi, ' ').replace(/<[^<>]*>/g, '')
  return decodeEntities(text).replace(/\s+/g, ' ').trim()
}

/** The collaboration's own name from a raw cell, without the umbrella marker or the trailing part marker. */
export function cleanName (cell: string): string {
  return plainName(cleanCell(cell))
}

/** As cleanName, for text that is already plain (no HTML). */
export function plainName (text: string): string {
  // Whitespace is collapsed first, and trailing marks trimmed by hand, to keep long runs linear.
  const name = text.replace(/\s+/g, ' ').replace(UMBRELLA_MARKER, ' ').replace(/\s+/g, ' ')
  let end = name.length
  while (end > 0 && (name[end - 1] === '*' || name[end - 1] === ' ')) end--
  return name.slice(0, end).trim()
}

export function isHeaderLabel (text: string): boolean {
  return HEADER_LABEL.test(text.trim())
}

function decodeEntities (text: string): string {
  const named: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    const lower = body.toLowerCase()
    if (lower.startsWith('#')) {
      const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10)
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity
    }
    return Object.hasOwn(named, lower) ? named[lower] ?? entity : entity
  })
}

function isHeader (cells: readonly string[]): boolean {
  // A prose sentence, or a collaboration's name, may also start with "Pr. 1"; a header names its columns.
  return HEADER_LABEL.test(cells[0] ?? '') && cells.slice(1).some((c) => LEGAL_FORM_HEADER.test(c) || COMMENT_HEADER.test(c))
}

function readLayout (cells: readonly string[]): Layout {
  let legalFormIndex: number | null = null
  let commentIndex: number | null = null
  const municipalities: Column[] = []
  cells.forEach((cell, index) => {
    if (index === 0 || cell === '') return
    if (legalFormIndex === null && LEGAL_FORM_HEADER.test(cell)) legalFormIndex = index
    else if (commentIndex === null && COMMENT_HEADER.test(cell)) commentIndex = index
    else municipalities.push({ index, name: cell })
  })
  return { legalFormIndex, commentIndex, municipalities }
}

function layoutWarnings (layout: Layout, line: number): RegisterWarning[] {
  const warnings: RegisterWarning[] = []
  if (layout.municipalities.length === 0) {
    warnings.push({ line, code: 'no_municipality_columns', message: 'Overskriftslinjen har ingen kolonner for kommuner.' })
  }
  if (layout.legalFormIndex === null) {
    warnings.push({ line, code: 'missing_column', message: 'Overskriftslinjen mangler kolonnen «Type samarbeid».' })
  }
  if (layout.commentIndex === null) {
    warnings.push({ line, code: 'missing_column', message: 'Overskriftslinjen mangler kolonnen «Kommentarer».' })
  }
  return warnings
}

function cellAt (cells: readonly string[], index: number | null): string {
  return index === null ? '' : cells[index] ?? ''
}

function uniqueSlug (name: string, taken: Set<string>, line: number, warnings: RegisterWarning[]): string {
  const base = slugify(name) || FALLBACK_SLUG
  let slug = base
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`
  taken.add(slug)
  if (slug !== base) {
    warnings.push({
      line,
      code: 'duplicate_slug',
      message: `«${name}» gir samme nøkkel som en tidligere rad («${base}»). Raden har fått nøkkelen «${slug}».`,
    })
  }
  return slug
}

function parentOf (
  name: string, area: string | null, umbrella: Umbrella | null, line: number, warnings: RegisterWarning[]
): string | null {
  if (umbrella !== null && umbrella.area === area) return umbrella.slug
  warnings.push({
    line,
    code: 'orphan_part',
    message: `«${name}» er merket med * som del av en overbygning, men det finnes ingen overbygning («Se under») før den i samme område.`,
  })
  return null
}

function readParticipants (
  name: string, cells: readonly string[], layout: Layout, line: number, warnings: RegisterWarning[]
): string[] {
  const participants: string[] = []
  const read = new Set<number>([0, ...[layout.legalFormIndex, layout.commentIndex].filter((i) => i !== null)])
  for (const column of layout.municipalities) {
    read.add(column.index)
    const value = cells[column.index] ?? ''
    if (value.toLowerCase() === 'x') participants.push(column.name)
    else if (value !== '') warnings.push(unexpectedCell(name, value, `kolonnen «${column.name}»`, line))
  }
  cells.forEach((value, index) => {
    if (!read.has(index) && value !== '') warnings.push(unexpectedCell(name, value, 'en kolonne uten overskrift', line))
  })
  return participants
}

function unexpectedCell (name: string, value: string, where: string, line: number): RegisterWarning {
  return {
    line,
    code: 'unexpected_cell',
    message: `Uventet verdi «${value}» i ${where} for «${name}». Bare «x» eller tom celle blir lest.`,
  }
}

function readLegalForm (name: string, raw: string, line: number, warnings: RegisterWarning[]): LegalForm {
  const { form, known, empty } = normaliseLegalForm(raw)
  if (empty) {
    warnings.push({ line, code: 'empty_legal_form', message: `«${name}» mangler samarbeidsform. Lagret som «annet».` })
  } else if (!known) {
    warnings.push({
      line,
      code: 'unknown_legal_form',
      message: `«${name}» har ukjent samarbeidsform «${raw}». Lagret som «annet».`,
    })
  }
  return form
}

function noParticipantWarning (name: string, host: string | null, line: number): RegisterWarning {
  const hostNote = host === null ? '' : ` Kommentaren nevner ${host} som vertskommune, men det er ikke krysset av.`
  return { line, code: 'no_participant', message: `Ingen kommune er krysset av for «${name}».${hostNote}` }
}
