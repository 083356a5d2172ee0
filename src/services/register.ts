// The municipalities' register (a tab- or semicolon-separated list of collaborations) in and out: the only
// place the register format meets the database. Decoding, parsing and writing stay pure in src/register/.
// The region is data: the municipalities a register has columns for are the region (issue 12).
import { rolledBack, type Executor, type Transactor } from '../db/executor.js'
import type { MunicipalitiesRepository, MunicipalityRow } from '../repositories/municipalities.js'
import type { CollaborationRow, CollaborationsRepository } from '../repositories/collaborations.js'
import type { ParticipationRole } from '../domain/vocabulary.js'
import type { Clock } from '../shared/clock.js'
import { invalid, requireSupportedDate } from '../shared/errors.js'
import { localDateOf } from '../domain/local-time.js'
import type { KommuneDirectory, OfficialUnit } from '../domain/kommuner.js'
import { checkedText, decodeRegister, DecodeError } from '../register/decode.js'
import { parseRegister, type ParseResult, type RegisterEntry, type RegisterWarning } from '../register/parse.js'
import { writeRegister } from '../register/write.js'
import { slugify } from '../register/slug.js'
import { type AccessService, type Actor } from './access.js'
import type { CollaborationInput, CollaborationsService, ParticipantInput } from './collaborations.js'
import type { Governance, OnboardingService } from './onboarding.js'

/** One file of a batch: its name (for messages), its bytes (or text already decoded), the charset the user named. */
export interface RegisterFile {
  name: string
  bytes: Uint8Array | string
  /** A charset label (Content-Type `charset=`, `?encoding=`, `--encoding`); wins over detection. */
  encoding?: string | null
}

/** A parser warning, with the file it concerns when a batch has several. */
export interface ImportWarning extends RegisterWarning { file?: string }

export interface ImportedFile {
  name: string
  /** The encoding the file was read in (WHATWG name: utf-8, utf-16le, windows-1252 …). */
  encoding: string
  entries: number
  /** The slugs of the municipalities its columns name: its region. */
  region: string[]
}

export interface ImportReport {
  dryRun: boolean
  /** The encoding of the file; for a batch, each distinct encoding, comma-separated. */
  encoding: string
  files: ImportedFile[]
  /** Rows read, in every file. */
  entries: number
  /** Collaborations created, updated and unchanged: one named in two files of the batch counts once (the later file's row is stored). */
  created: number
  updated: number
  unchanged: number
  municipalitiesCreated: string[]
  warnings: ImportWarning[]
  /** The governance packages and default meeting plans applied after the import (null in a dry run). */
  governance: Governance | null
}

export interface ImportOptions {
  dryRun: boolean
  /** Tracking start (YYYY-MM-DD) for the region's municipalities that have none; default today in Europe/Oslo. */
  trackingFrom?: string
}

const ZONE = 'Europe/Oslo'
const OWNER_FORMS = new Set(['iks', 'as', 'sa'])

/** A file read and resolved against the official list, before anything is written. */
interface PreparedFile {
  name: string
  encoding: string
  parsed: ParseResult
  /** Column header (as written) → its unit. */
  columns: Map<string, OfficialUnit>
  /** Per entry: the resolved host, extra participants and the note about other participants. */
  rows: PreparedEntry[]
  warnings: ImportWarning[]
}

interface PreparedEntry {
  entry: RegisterEntry
  participants: OfficialUnit[]
  host: OfficialUnit | null
  extras: OfficialUnit[]
  note: string | null
}

export interface RegisterServiceDeps {
  municipalitiesRepo: MunicipalitiesRepository
  collaborationsRepo: CollaborationsRepository
  collaborations: CollaborationsService
  onboarding: OnboardingService
  access: AccessService
  transactor: Transactor
  clock: Clock
}

const unitLabel = (u: OfficialUnit) => `${u.name} (${u.kommunenummer})`

/**
 * Access: importing is for admins (it may touch every municipality); the export is public, like the lists.
 * Errors (400, nothing written): `register.unknown_charset` (field `encoding`), `register.empty`, `register.invalid_bytes`,
 * `register.not_text`, `register.no_header`, `register.no_municipality_columns`, `register.unknown_column`,
 * `register.ambiguous_column` (field `body`), `register.no_files`.
 */
export function createRegisterService (deps: RegisterServiceDeps) {
  const { municipalitiesRepo, collaborationsRepo, collaborations, onboarding, access, transactor, clock } = deps
  const directory: KommuneDirectory = onboarding.directory

  /** Decodes, parses and resolves one file's municipalities; throws a 400 naming the file, writes nothing. */
  function prepare (file: RegisterFile, resolved: Map<string, ReturnType<KommuneDirectory['resolve']>>): PreparedFile {
    let text: string
    let encoding = 'utf-8'
    let guessed = false
    try {
      if (typeof file.bytes === 'string') text = checkedText(file.bytes, encoding)
      else {
        const decoded = decodeRegister(file.bytes, file.encoding)
        text = decoded.text
        encoding = decoded.encoding
        guessed = decoded.source === 'guessed'
      }
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err
      throw invalid(`register.${err.code}`, err.code === 'unknown_charset' ? 'encoding' : 'body', `${file.name}: ${err.message}`)
    }
    if (text.trim() === '') throw invalid('register.empty', 'body', `${file.name}: filen er tom`)
    const parsed = parseRegister(text)
    const tag = (w: RegisterWarning): ImportWarning => ({ ...w, file: file.name })
    const warnings: ImportWarning[] = []
    if (guessed) {
      warnings.push(tag({
        line: 0,
        code: 'encoding_guessed',
        message: 'Filen er ikke UTF-8 og har ingen byte order mark; den er lest som Windows-1252 (Excels «Tekst (tabulatordelt)»). Oppgi tegnsettet hvis navn med æ, ø og å ser feil ut.',
      }))
    }
    const noHeader = parsed.warnings.find((w) => w.code === 'no_header')
    if (noHeader) throw invalid('register.no_header', 'body', `${file.name}: ${noHeader.message}`)
    const noColumns = parsed.warnings.find((w) => w.code === 'no_municipality_columns')
    if (noColumns) throw invalid('register.no_municipality_columns', 'body', `${file.name}, linje ${noColumns.line}: ${noColumns.message}`)
    warnings.push(...parsed.warnings.map(tag))

    const resolve = (spelling: string) => {
      const key = spelling.trim().toLowerCase()
      let r = resolved.get(key)
      if (!r) resolved.set(key, r = directory.resolve(spelling))
      return r
    }

    // The columns are the region: each must be an official unit. A name shared by two municipalities
    // ("Herøy") is read as the one in the county of the other columns.
    const columns = new Map<string, OfficialUnit>()
    const ambiguous: Array<[string, OfficialUnit[]]> = []
    for (const name of parsed.municipalityColumns) {
      const r = resolve(name)
      if (r.status === 'found') {
        columns.set(name, r.unit)
        if (r.note) warnings.push(tag({ line: 0, code: 'municipality_guessed', message: `Kolonnen ${r.note}.` }))
      } else if (r.status === 'ambiguous') ambiguous.push([name, r.candidates])
      else throw invalid('register.unknown_column', 'body', `${file.name}: kolonnen «${name}» er ikke en kommune eller fylkeskommune i SSBs liste. Skriv kommunens navn eller kommunenummer i overskriften.`)
    }
    const regionCounties = new Set([...columns.values()].map((u) => u.countyNumber))
    for (const [name, candidates] of ambiguous) {
      const inCounty = candidates.filter((u) => regionCounties.has(u.countyNumber))
      if (inCounty.length !== 1) {
        throw invalid('register.ambiguous_column', 'body', `${file.name}: kolonnen «${name}» kan være ${candidates.map(unitLabel).join(' eller ')}. Skriv navnet med fylket, for eksempel «${candidates[0]!.name}».`)
      }
      columns.set(name, inCounty[0]!)
      warnings.push(tag({ line: 0, code: 'municipality_guessed', message: `Kolonnen «${name}» er tolket som ${unitLabel(inCounty[0]!)}, i samme fylke som de andre kolonnene.` }))
    }
    const byColumnName = new Map([...columns].map(([name, unit]) => [name.toLowerCase(), unit]))

    /** A name from a comment → its unit, or null with a warning (it then stays only in the comment). */
    const unitNamed = (name: string, entry: RegisterEntry, what: string): OfficialUnit | null => {
      const column = byColumnName.get(name.trim().toLowerCase())
      if (column) return column
      const r = resolve(name)
      if (r.status === 'found') {
        if (r.note) warnings.push(tag({ line: entry.line, code: 'municipality_guessed', message: `«${entry.name}»: ${r.note}.` }))
        return r.unit
      }
      if (r.status === 'ambiguous') {
        const inCounty = r.candidates.filter((u) => regionCounties.has(u.countyNumber))
        if (inCounty.length === 1) {
          warnings.push(tag({ line: entry.line, code: 'municipality_guessed', message: `«${entry.name}»: «${name}» er tolket som ${unitLabel(inCounty[0]!)}, i samme fylke som registerets kommuner.` }))
          return inCounty[0]!
        }
        warnings.push(tag({
          line: entry.line,
          code: 'ambiguous_municipality',
          message: `«${entry.name}»: ${what} «${name}» kan være ${r.candidates.map(unitLabel).join(' eller ')}. Den er ikke lagt til; skriv navnet med fylket.`,
        }))
        return null
      }
      warnings.push(tag({
        line: entry.line,
        code: 'unknown_municipality',
        message: `«${entry.name}»: ${what} «${name}» er ikke en kommune eller fylkeskommune i SSBs liste. Den er ikke lagt til som deltaker, og står bare i kommentaren.`,
      }))
      return null
    }

    const rows = parsed.entries.map((entry): PreparedEntry => {
      const participants = entry.participants.map((name) => byColumnName.get(name.toLowerCase())!).filter(Boolean)
      const host = entry.host === null ? null : unitNamed(entry.host, entry, 'vertskommunen')
      const extras = entry.extraParticipants.map((name) => unitNamed(name, entry, 'deltakeren')).filter((u): u is OfficialUnit => u !== null)
      const notes = entry.otherParticipantsNote === null ? [] : [entry.otherParticipantsNote]
      for (const relation of entry.relations) {
        // Another collaboration or organisation, never a municipality: kept as a note, and said.
        notes.push(`Med ${relation}`)
        warnings.push(tag({
          line: entry.line,
          code: 'relation',
          message: `«${entry.name}»: «${relation}» er ikke en kommune, men et annet samarbeid eller en organisasjon. Lagret som merknad om andre deltakere.`,
        }))
      }
      return { entry, participants, host, extras, note: notes.length ? notes.join('. ') : null }
    })
    // By line, the document's own warnings (line 0) first; stable, so the parser's order stays within a line.
    warnings.sort((x, y) => x.line - y.line)
    return { name: file.name, encoding, parsed, columns, rows, warnings }
  }

  async function importFiles (actor: Actor | null | undefined, files: RegisterFile[], opts: ImportOptions): Promise<ImportReport> {
    const a = access.requireAdmin(actor)
    if (files.length === 0) throw invalid('register.no_files', 'files', 'Ingen filer å importere')
    const trackingFrom = opts.trackingFrom ?? localDateOf(clock.now(), ZONE)
    requireSupportedDate(trackingFrom, 'register.invalid_tracking_from', 'trackingFrom')
    const resolved = new Map<string, ReturnType<KommuneDirectory['resolve']>>()
    const prepared = files.map((f) => prepare(f, resolved))

    const work = async (tx: Executor): Promise<ImportReport> => {
      const report = await apply(a, prepared, trackingFrom, opts.dryRun, tx)
      // Packages and default møteplaner once for the whole batch; the occurrence index follows at commit.
      if (!opts.dryRun) report.governance = await onboarding.applyGovernance(a, tx)
      return report
    }
    return opts.dryRun ? rolledBack(transactor, work) : transactor.transaction(work)
  }

  async function apply (actor: Actor, files: PreparedFile[], trackingFrom: string, dryRun: boolean, tx: Executor): Promise<ImportReport> {
    // The region first (every file's columns), then those named only in comments, outside the region.
    const regionUnits = uniqueUnits(files.flatMap((f) => [...f.columns.values()]))
    const inRegion = new Set(regionUnits.map((u) => u.kommunenummer))
    const outsideUnits = uniqueUnits(files.flatMap((f) => f.rows.flatMap((r) => [...(r.host ? [r.host] : []), ...r.extras])))
      .filter((u) => !inRegion.has(u.kommunenummer))
    const liveBefore = new Set((await municipalitiesRepo.listAll(tx)).filter((m) => !m.deleted).map((m) => m.id))
    const rows = new Map<string, MunicipalityRow>([
      ...await onboarding.ensureUnits(actor, regionUnits, { inRegion: true, trackingFrom }, tx),
      ...outsideUnits.length ? await onboarding.ensureUnits(actor, outsideUnits, { inRegion: false, trackingFrom }, tx) : [],
    ])
    const municipalitiesCreated = [...regionUnits, ...outsideUnits].map((u) => rows.get(u.kommunenummer)!).filter((m) => !liveBefore.has(m.id)).map((m) => m.slug)
    const slugOf = (u: OfficialUnit) => rows.get(u.kommunenummer)!.slug

    let created = 0
    let updated = 0
    let unchanged = 0
    const warnings: ImportWarning[] = []
    // What the database holds before the batch (tombstones included), read once: slugs and who is involved.
    const known = new Map((await collaborationsRepo.listAllRows(tx)).map(c => [c.slug, c]))
    const involved = await collaborationsRepo.involvedMunicipalityIdsOf([...known.values()].filter(c => !c.deleted).map(c => c.id), tx)
    // Slugs taken in this batch, with the region (municipality ids) of the file that took each.
    const claimed = new Map<string, ReadonlySet<number>>()
    // What the batch says of each collaboration, in the order first named; a later file's row wins over an
    // earlier one (the same region's register twice), so a batch run twice writes nothing the second time.
    const planned = new Map<string, { input: CollaborationInput; parentSlug: string | null; file: string; line: number }>()
    for (const file of files) {
      warnings.push(...file.warnings)
      const regionIds = new Set([...file.columns.values()].map((u) => rows.get(u.kommunenummer)!.id))
      const regionKey = slugify(file.columns.values().next().value?.name ?? file.name)
      // The file's own slugs → the slugs stored (a name another region uses already gets the region's).
      const stored = new Map<string, string>()
      for (const r of file.rows) {
        const slug = claimSlug(r.entry.slug, regionKey, regionIds, claimed, known, involved)
        stored.set(r.entry.slug, slug)
        if (slug !== r.entry.slug) {
          warnings.push({ line: r.entry.line, code: 'slug_in_use', file: file.name, message: `«${r.entry.name}» har samme nøkkel som et samarbeid i en annen region; lagret som «${slug}».` })
        }
      }
      for (const r of file.rows) {
        const { entry } = r
        const slug = stored.get(entry.slug)!
        const input: CollaborationInput = {
          slug,
          name: entry.name,
          legalForm: entry.legalForm,
          legalFormRaw: entry.legalFormRaw || null,
          area: entry.area,
          hostMunicipality: r.host ? slugOf(r.host) : null,
          status: entry.terminated ? 'terminated' : 'active',
          statusNote: entry.terminated ? 'Avtalen er sagt opp (kilde: registeret)' : null,
          otherParticipants: r.note,
          comment: entry.comment || null,
          participants: participantsOf(r, slugOf),
        }
        const parentSlug = entry.parentSlug === null ? null : stored.get(entry.parentSlug) ?? null
        const earlier = planned.get(slug)
        if (earlier && JSON.stringify([earlier.input, earlier.parentSlug]) !== JSON.stringify([input, parentSlug])) {
          warnings.push({
            line: entry.line,
            code: 'repeated_in_batch',
            file: file.name,
            message: `«${entry.name}» står også i ${earlier.file} (linje ${earlier.line}) med andre opplysninger. Raden i ${file.name} er lagret.`,
          })
        }
        planned.set(slug, { input, parentSlug, file: file.name, line: entry.line })
      }
    }
    // Each collaboration written once: new ones together, existing ones updated (or restored) one by one.
    const fresh: CollaborationInput[] = []
    const parents: Array<{ slug: string; parentSlug: string | null; unchangedFields: boolean }> = []
    for (const [slug, { input, parentSlug }] of planned) {
      const existing = known.get(slug)
      let unchangedFields = false
      if (!existing) {
        fresh.push(input)
        created++
      } else if (existing.deleted) {
        await collaborations.restore(actor, existing.id)
        await collaborations.update(actor, existing.id, input)
        created++
      } else if ((await collaborations.update(actor, existing.id, input)).changed) updated++
      else {
        unchanged++
        unchangedFields = true
      }
      parents.push({ slug, parentSlug, unchangedFields })
    }
    // Parents last: an umbrella may come after its parts in another file's order, and must exist first. The rows
    // written above set no umbrella, so the rows read before the batch and those just created tell the current one.
    const bySlug = new Map<string, { id: number; parentId: number | null }>(known)
    for (const v of await collaborations.createMany(actor, fresh)) bySlug.set(v.slug, v)
    for (const p of parents) {
      const row = bySlug.get(p.slug)!
      const parentId = p.parentSlug === null ? null : bySlug.get(p.parentSlug)?.id ?? null
      if (parentId === row.parentId) continue
      await collaborations.update(actor, row.id, { parent: p.parentSlug })
      if (p.unchangedFields) {
        unchanged--
        updated++
      }
    }
    return {
      dryRun,
      encoding: [...new Set(files.map((f) => f.encoding))].join(', '),
      files: files.map((f) => ({ name: f.name, encoding: f.encoding, entries: f.parsed.entries.length, region: [...new Set([...f.columns.values()].map(slugOf))] })),
      entries: files.reduce((n, f) => n + f.parsed.entries.length, 0),
      created,
      updated,
      unchanged,
      municipalitiesCreated,
      warnings,
      governance: null,
    }
  }

  /**
   * The slug a file's row is stored under: its own, unless a collaboration of another region (no
   * municipality in common) has it, in the database or earlier in the batch; then the region's qualified
   * slug (`renovasjon-nord-aurdal`), so that each region's "Renovasjon" is its own. The same region's
   * register twice in one batch is the same collaborations. `known` and `involved`: the database before the batch.
   */
  function claimSlug (base: string, regionKey: string, regionIds: ReadonlySet<number>, claimed: Map<string, ReadonlySet<number>>,
    known: ReadonlyMap<string, CollaborationRow>, involved: ReadonlyMap<number, number[]>): string {
    const candidates = [base, `${base}-${regionKey}`.slice(0, 80).replace(/-+$/, '')]
    for (let i = 2; ; i++) {
      const slug = candidates.shift() ?? `${base}-${regionKey}-${i}`.slice(0, 80)
      const claimant = claimed.get(slug)
      if (claimant) {
        if ([...claimant].some((id) => regionIds.has(id))) return slug
        continue
      }
      const existing = known.get(slug)
      if (existing && !existing.deleted) {
        const ids = involved.get(existing.id) ?? []
        if (ids.length > 0 && !ids.some((id) => regionIds.has(id))) continue
      }
      claimed.set(slug, regionIds)
      return slug
    }
  }

  return {
    /**
     * Idempotent upsert of every collaboration one register lists: importMany of one file. `input` is the
     * file's bytes (decoded as decodeRegister says), or text already decoded.
     */
    async import (actor: Actor | null | undefined, input: Uint8Array | string, opts: ImportOptions & { encoding?: string | null; name?: string }): Promise<ImportReport> {
      return importFiles(actor, [{ name: opts.name ?? 'registeret', bytes: input, encoding: opts.encoding }], opts)
    },

    /**
     * Imports several registers (one per region) all or nothing in one transaction: each file's
     * municipality columns are put in the region (with kommunenummer, bodies and tracking start, through
     * onboarding), outside participants named in comments are made as outside units, every collaboration is
     * upserted; then the governance packages and default meeting plans are applied once for the batch.
     * Every guess is a warning. A dry run does it all and rolls it back. 400 before anything is written
     * when a file cannot be read (see createRegisterService).
     */
    async importMany (actor: Actor | null | undefined, files: RegisterFile[], opts: ImportOptions): Promise<ImportReport> {
      return importFiles(actor, files, opts)
    },

    /** The database in the register's own layout; importing it reproduces the same data. */
    async export (): Promise<string> {
      // The region's kommuner in the order they joined it (the order of the register that brought them).
      const region = (await municipalitiesRepo.listInRegion()).sort((a, b) => a.id - b.id)
      const regionIds = new Set(region.map(m => m.id))
      const all = await collaborationsRepo.listAllActiveAndTerminated()
      const parentIds = new Set(all.map(c => c.parentId).filter((id): id is number => id !== null))
      // Keep register order: grouped by area, in the order areas first appear.
      const areaOrder = [...new Set(all.map(c => c.area ?? ''))]
      const ordered = [...all].sort((a, b) => areaOrder.indexOf(a.area ?? '') - areaOrder.indexOf(b.area ?? '') || a.id - b.id)
      const numberOf = (name: string) => {
        const r = directory.resolve(name)
        return r.status === 'found' ? r.unit.kommunenummer : null
      }
      return writeRegister({
        municipalityColumns: region.map(m => m.name),
        sameMunicipality: (a, b) => numberOf(a) !== null && numberOf(a) === numberOf(b),
        entries: ordered.map(c => ({
          slug: c.slug,
          name: c.name,
          area: c.area,
          legalForm: c.legalForm,
          participants: c.participants.filter(p => regionIds.has(p.municipalityId)).map(p => p.name),
          host: c.host?.name ?? null,
          extraParticipants: c.participants.filter(p => !regionIds.has(p.municipalityId) && p.slug !== c.host?.slug).map(p => p.name),
          otherParticipantsNote: c.otherParticipants,
          terminated: c.status === 'terminated',
          isUmbrella: parentIds.has(c.id),
          parentSlug: c.parentSlug,
          comment: c.comment ?? '',
        })),
      })
    },
  }
}
export type RegisterService = ReturnType<typeof createRegisterService>

function uniqueUnits (units: readonly OfficialUnit[]): OfficialUnit[] {
  const seen = new Map<string, OfficialUnit>()
  for (const u of units) if (!seen.has(u.kommunenummer)) seen.set(u.kommunenummer, u)
  return [...seen.values()]
}

function participantsOf (r: PreparedEntry, slugOf: (u: OfficialUnit) => string): ParticipantInput[] {
  const baseRole: ParticipationRole = OWNER_FORMS.has(r.entry.legalForm) ? 'eier' : 'deltaker'
  const byNumber = new Map<string, { unit: OfficialUnit; role: ParticipationRole }>()
  for (const unit of [...r.participants, ...r.extras]) if (!byNumber.has(unit.kommunenummer)) byNumber.set(unit.kommunenummer, { unit, role: baseRole })
  // The host is stored as host; it is a participant only where the register marks it as one.
  const host = r.host ? byNumber.get(r.host.kommunenummer) : undefined
  if (host) host.role = 'vertskommune'
  return [...byNumber.values()].map(({ unit, role }) => ({ municipality: slugOf(unit), role }))
}
