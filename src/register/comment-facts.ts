// The register's comment column carries facts that have no column of their own: which
// municipality hosts a vertskommune arrangement, which bodies outside the three columns take part,
// and whether the agreement has ended. This module reads them from free Norwegian text.

export interface CommentFacts {
  host: string | null
  /** Named participants that have no column of their own (never a column municipality, never the host). */
  extraParticipants: string[]
  /** Vague mentions of other participants ("Med flere kommuner"), kept as written. */
  otherParticipantsNote: string | null
  /**
   * Other collaborations or organisations the comment says this one works with ("Med Valdres natur- og
   * kulturpark"): a name followed by lower-case words is a longer name, not a municipality's.
   */
  relations: string[]
  terminated: boolean
}

// Abbreviations the register uses for bodies that are not among the column municipalities.
const ALIASES: ReadonlyMap<string, string> = new Map([['ofk', 'Oppland fylkeskommune']])

// Capitalised words that open sentences in the register but are never names.
const NOT_NAMES: ReadonlySet<string> = new Set([
  'med', 'er', 'og', 'i', 'som', 'for', 'fra', 'til', 'av', 'på', 'der', 'her', 'hvor', 'ikke',
  'flere', 'andre', 'alle', 'noen', 'mange', 'øvrige', 'også', 'samt', 'kommunene', 'kommuner',
  'kommune', 'avtalen', 'avtale', 'samarbeid', 'samarbeidet', 'vertskommune', 'vertskommunen',
  'ny', 'nye', 'jf', 'jfr', 'se', 'det', 'den', 'de', 'disse', 'dette', 'en', 'et', 'ei',
  // Nynorsk.
  'fleire', 'kommunane', 'kommunar', 'avtala', 'ikkje', 'òg', 'dei', 'desse', 'eit', 'ein', 'frå', 'sjå', 'kvar',
])
// Lower-case words that may follow a municipality's name in a "Med …" list without making it a longer name.
const AFTER_NAME: ReadonlySet<string> = new Set([
  'kommune', 'fylkeskommune', 'fra', 'frå', 'fom', 'f.o.m', 'i', 'som', 'er', 'var', 'der', 'til', 'på', 'og', 'samt',
  'inntil', 'siden', 'sidan', 'deltar', 'deltek', 'også', 'òg', 'vertskommune', 'vertskommunen', 'med',
])

// Official names with "og" inside (SSB's list, and former counties registers still use): never split as a list.
const JOINED_NAMES: readonly string[] = [
  'Nore og Uvdal', 'Evje og Hornnes', 'Møre og Romsdal', 'Sogn og Fjordane', 'Vestfold og Telemark', 'Troms og Finnmark',
]
const JOIN_MASK = '\uE000'

/** Splits a list ("A, B og C") without splitting a name that has "og" in it ("Nore og Uvdal"). */
function splitList (text: string): string[] {
  let masked = text
  for (const name of JOINED_NAMES) {
    masked = masked.replace(new RegExp(name.replace(/ /g, '\\s+'), 'giu'), (m) => m.replace(/\s+/g, JOIN_MASK))
  }
  return masked.split(LIST_SEPARATOR).map((item) => item.replaceAll(JOIN_MASK, ' '))
}

/** The joined name the words start (or end) with, with a following "fylkeskommune" when there is one. */
function joinedName (ws: readonly string[], at: 'start' | 'end'): string | null {
  const text = ws.join(' ').toLowerCase()
  for (const name of JOINED_NAMES) {
    const n = name.toLowerCase()
    if (at === 'start' && (text === n || text.startsWith(`${n} `))) {
      return ws[name.split(' ').length]?.toLowerCase() === 'fylkeskommune' ? `${name} fylkeskommune` : name
    }
    if (at === 'end' && (text === n || text.endsWith(` ${n}`))) return name
  }
  return null
}

const MAX_NAME_WORDS = 4
// A name word, or a glued official name: "Herøy (Nordland)", "Deatnu - Tana" (see words()).
const NAME_WORD = /^\p{Lu}[\p{L}\p{M}]*(?:-\p{L}[\p{L}\p{M}]*)*(?: - \p{Lu}[\p{L}\p{M}]*(?:-\p{L}[\p{L}\p{M}]*)*)*(?: \(\p{Lu}[\p{L} ]*\))?$/u
const HOST_WORD = /^vertskommunen?$/i
const HOST_MENTION = /(?<!\p{L})vertskommunen?(?!\p{L})/iu
// Plural nouns that say "others take part" without naming them: "flere kommuner", "5 eierkommuner".
// Nynorsk: kommunar, kommunane, deltakarar, eigarar.
const VAGUE_OTHERS = /(?<!\p{L})\p{L}*(?:kommuner|kommunene|kommunar|kommunane|deltakere|deltakarar|eiere|eigarar)(?!\p{L})/iu
// "Avtalen er sagt opp", "avtalen er oppsagt"; nynorsk "Avtala er sagt opp", "avvikla", "nedlagd", "lagt ned".
const TERMINATED = /(?<!\b(?:ikke|ikkje)\s+)(?:sagt\s+opp|oppsagt|avviklet|avvikla|nedlagt|nedlagd|lagt\s+ned|opphørt|opphøyrd)(?!\p{L})/iu
const WITH = /(?<![\p{L}\p{N}])med(?![\p{L}\p{N}])/iu
// "Nord-Fron er med", "Ringebu deltar"; nynorsk "er òg med", "deltek", "tek del".
const JOINS = /^(.*?)\s+(?:er\s+(?:også\s+|òg\s+)?med|deltar|deltek|tek\s+del)(?!\p{L})/iu
const LIST_SEPARATOR = /\s*,\s*|\s+(?:og|samt)\s+/iu

/** True when the comment speaks of a vertskommune at all, whether or not a name can be read. */
export function mentionsHost (comment: string): boolean {
  return HOST_MENTION.test(comment)
}

export function readCommentFacts (comment: string, knownMunicipalities: readonly string[] = []): CommentFacts {
  const names = new NameReader(knownMunicipalities)
  let host: string | null = null
  const named: string[] = []
  const notes: string[] = []
  const relations: string[] = []
  let terminated = false

  for (const sentence of sentences(comment)) {
    if (TERMINATED.test(sentence)) terminated = true
    for (const clause of sentence.split(',')) {
      // A later statement corrects an earlier one, which is also how the writer appends facts.
      host = names.hostIn(clause) ?? host
      if (VAGUE_OTHERS.test(clause)) notes.push(clause.trim())
    }
    const listed = names.listedAfterWith(sentence)
    named.push(...listed.names, ...names.saidToJoin(sentence))
    relations.push(...listed.relations)
  }

  const extraParticipants = unique(named).filter((name) => !sameName(name, host) && !names.isKnown(name))
  const otherParticipantsNote = notes.length > 0 ? unique(notes).join('. ') : null
  return { host, extraParticipants, otherParticipantsNote, relations: unique(relations), terminated }
}

export function sameName (a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase()
}

function sentences (text: string): string[] {
  return text.split(/[.\n]/).map((s) => s.trim()).filter((s) => s !== '')
}

// Joins the parts of one official name into one word: SSB writes "Herøy (Nordland)" for the two Herøy
// and "Deatnu - Tana" for a bilingual municipality. The marks are not whitespace or parentheses, so
// splitting and dropping asides ("(fra 2020)") leave them alone; they become spaces and parentheses again.
const GLUE = '\u2060'
const OPEN = '\u2061'
const CLOSE = '\u2062'
// SSB's counties (2024 structure): the only asides that are part of a name.
const COUNTY_ASIDE = /(\p{L})\s+\((Agder|Akershus|Buskerud|Finnmark|Innlandet|Møre og Romsdal|Nordland|Oslo|Rogaland|Telemark|Troms|Trøndelag|Vestfold|Vestland|Østfold)\)/gu

function words (text: string): string[] {
  return text
    .replace(COUNTY_ASIDE, (_m, end: string, county: string) => `${end}${GLUE}${OPEN}${county.replace(/ /g, GLUE)}${CLOSE}`)
    .replace(/(\p{L})\s+-\s+(?=\p{Lu})/gu, `$1${GLUE}-${GLUE}`)
    .replace(/\([^()]*\)/g, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^[("'«»:;]+|[)"'«»:;!?]+$/g, ''))
    .filter((w) => w !== '')
    .map((w) => w.replaceAll(GLUE, ' ').replaceAll(OPEN, '(').replaceAll(CLOSE, ')'))
}

function unique (values: readonly string[]): string[] {
  const seen = new Set<string>()
  return values.filter((v) => {
    const key = v.toLowerCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

class NameReader {
  private readonly known: ReadonlyMap<string, string>

  constructor (knownMunicipalities: readonly string[]) {
    this.known = new Map(knownMunicipalities.map((m) => [m.trim().toLowerCase(), m.trim()]))
  }

  isKnown (name: string): boolean {
    return this.known.has(name.toLowerCase())
  }

  /** "Lillehammer vertskommune", "Ringsaker er vertskommune", "vertskommune: Hamar". */
  hostIn (clause: string): string | null {
    const ws = words(clause)
    const at = ws.findIndex((w) => HOST_WORD.test(w))
    if (at < 0) return null
    const before = dropWhile(ws.slice(0, at).reverse(), isLinkWord).reverse()
    const after = dropWhile(ws.slice(at + 1), isLinkWord)
    return this.trailingName(before) ?? this.leadingName(after)
  }

  /**
   * "Med Ringebu", "Med A, B og C", "Med flere kommuner og OFK" (only OFK is a name). A name followed
   * by lower-case words ("Med Valdres natur- og kulturpark") starts a relation: the rest of the list.
   */
  listedAfterWith (sentence: string): { names: string[]; relations: string[] } {
    const names: string[] = []
    const relations: string[] = []
    for (const segment of sentence.split(WITH).slice(1)) {
      const items = splitList(segment)
      for (const item of items) {
        const ws = words(item)
        const name = this.leadingName(ws)
        if (name === null) continue
        const next = ws[name.split(' ').length]
        // A lower-case word (not a dash between the halves of a bilingual name, "Oslo - Oslove").
        if (next !== undefined && /\p{Ll}/u.test(next) && next === next.toLowerCase() && !AFTER_NAME.has(next.toLowerCase()) && !this.isKnown(name)) {
          // The rest of the segment, from this item on, as written.
          const start = segment.indexOf(item)
          relations.push(segment.slice(start).trim().replace(/[,;:]+$/, ''))
          break
        }
        names.push(name)
      }
    }
    return { names, relations }
  }

  /** "Nord-Fron er med", "Ringebu og Sør-Fron deltar". */
  saidToJoin (sentence: string): string[] {
    const before = JOINS.exec(sentence)?.[1]
    if (!before) return []
    const [first = '', ...rest] = splitList(before)
    return [this.trailingName(words(first)), ...rest.map((item) => this.wholeName(words(item)))]
      .filter((name): name is string => name !== null)
  }

  private isNameWord (word: string): boolean {
    const lower = word.toLowerCase()
    if (this.known.has(lower)) return true
    if (ALIASES.has(lower)) return word === word.toUpperCase()
    return NAME_WORD.test(word) && !NOT_NAMES.has(lower)
  }

  private canonical (phrase: string): string {
    const lower = phrase.toLowerCase()
    return this.known.get(lower) ?? ALIASES.get(lower) ?? phrase
  }

  private leadingName (ws: readonly string[]): string | null {
    const joined = joinedName(ws, 'start')
    if (joined) return this.canonical(joined)
    const run: string[] = []
    for (const w of ws) {
      if (run.length >= MAX_NAME_WORDS || !this.isNameWord(w)) break
      run.push(w)
    }
    if (run.length === 0) return null
    const county = ws[run.length]?.toLowerCase() === 'fylkeskommune' ? ' fylkeskommune' : ''
    return this.canonical(run.join(' ') + county)
  }

  private trailingName (ws: readonly string[]): string | null {
    const [body, county] = withoutKommuneSuffix(ws)
    const joined = joinedName(body, 'end')
    if (joined) return this.canonical(joined + county)
    const run: string[] = []
    for (const w of [...body].reverse()) {
      if (run.length >= MAX_NAME_WORDS || !this.isNameWord(w)) break
      run.unshift(w)
    }
    if (run.length === 0) return null
    // Prefer a known municipality at the end of the run over a capitalised sentence opener before it.
    if (county === '') {
      for (let i = 0; i < run.length; i++) {
        const candidate = run.slice(i).join(' ')
        if (this.isKnown(candidate)) return this.canonical(candidate)
      }
    }
    return this.canonical(run.join(' ') + county)
  }

  private wholeName (ws: readonly string[]): string | null {
    const [body, county] = withoutKommuneSuffix(ws)
    const joined = joinedName(body, 'start')
    if (joined && joined.split(' ').length === body.length) return this.canonical(joined + county)
    if (body.length === 0 || body.length > MAX_NAME_WORDS || !body.every((w) => this.isNameWord(w))) return null
    return this.canonical(body.join(' ') + county)
  }
}

function isLinkWord (word: string): boolean {
  return /^(?:er|som|blir|var|ble|=|-|–|—)$/i.test(word)
}

function dropWhile<T> (items: readonly T[], predicate: (item: T) => boolean): T[] {
  const start = items.findIndex((item) => !predicate(item))
  return start < 0 ? [] : items.slice(start)
}

/** "Ringebu kommune" names Ringebu; "Oppland fylkeskommune" keeps its suffix, it is part of the name. */
function withoutKommuneSuffix (ws: readonly string[]): [string[], string] {
  const last = ws.at(-1)?.toLowerCase()
  if (last === 'kommune') return [ws.slice(0, -1), '']
  if (last === 'fylkeskommune') return [ws.slice(0, -1), ' fylkeskommune']
  return [[...ws], '']
}
