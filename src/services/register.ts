// Applies a parsed register to the database and writes it back: the only place the register format meets the repositories.
import type { Repositories } from '../repositories/index.js'
import type { AuditActor } from '../repositories/audit.js'
import type { CollaborationInput, ParticipantInput } from '../repositories/collaborations.js'
import type { ParticipationRole } from '../domain/vocabulary.js'
import { parseRegister, type RegisterEntry, type RegisterWarning } from './parse.js'
import { writeRegister } from './write.js'
import { slugify } from './slug.js'

export interface ImportReport {
  dryRun: boolean
  entries: number
  created: number
  updated: number
  unchanged: number
  municipalitiesCreated: string[]
  warnings: RegisterWarning[]
}

/** The region the product starts with; everyone else named in the register is an outside participant. */
export const REGION = [
  { slug: 'lillehammer', name: 'Lillehammer' },
  { slug: 'gausdal', name: 'Gausdal' },
  { slug: 'oyer', name: 'Øyer' },
] as const

const FYLKESKOMMUNE = /fylkeskommune$/i

class DryRunRollback extends Error {}

export function ensureRegion (repos: Repositories, actor: AuditActor): string[] {
  const created: string[] = []
  for (const m of REGION) {
    const existing = repos.municipalities.find(m.slug)
    if (!existing) {
      repos.municipalities.create({ slug: m.slug, name: m.name, kind: 'kommune', county: 'Innlandet', inRegion: true }, actor)
      created.push(m.slug)
    } else if (existing.deleted) {
      // The register's columns name it, so it is needed again; reported like a new one, as a restored collaboration is.
      repos.municipalities.restore(existing.id, actor)
      created.push(m.slug)
    }
  }
  return created
}

function ensureMunicipality (repos: Repositories, name: string, actor: AuditActor, created: string[]): string {
  const slug = slugify(name)
  const existing = repos.municipalities.find(slug)
  if (!existing) {
    repos.municipalities.create({ slug, name, kind: FYLKESKOMMUNE.test(name) ? 'fylkeskommune' : 'kommune', inRegion: false }, actor)
    created.push(slug)
  } else if (existing.deleted) {
    // update() refuses a tombstone: naming a deleted municipality again must bring it back, not fail the import.
    repos.municipalities.restore(existing.id, actor)
    created.push(slug)
  }
  return slug
}

function participantsOf (entry: RegisterEntry, slugOf: (name: string) => string, ownerForm: boolean): ParticipantInput[] {
  const byName = new Map<string, ParticipationRole>()
  const baseRole: ParticipationRole = ownerForm ? 'eier' : 'deltaker'
  for (const name of [...entry.participants, ...entry.extraParticipants]) byName.set(name, baseRole)
  // The host is stored as host; it is a participant only where the register marks it as one.
  if (entry.host && byName.has(entry.host)) byName.set(entry.host, 'vertskommune')
  return [...byName].map(([name, role]) => ({ municipality: slugOf(name), role }))
}

/** All-or-nothing: one transaction; a dry run rolls it back and reports what would have happened. */
export function importRegister (repos: Repositories, db: { transaction: <T>(fn: (tx: unknown) => T) => T }, text: string, opts: { dryRun: boolean; actor: AuditActor }): ImportReport {
  const parsed = parseRegister(text)
  let report: ImportReport | undefined
  try {
    db.transaction(() => {
      const municipalitiesCreated = ensureRegion(repos, opts.actor)
      const known = new Map<string, string>(REGION.map(m => [m.name.toLowerCase(), m.slug]))
      const slugOf = (name: string) => known.get(name.toLowerCase()) ?? ensureMunicipality(repos, name, opts.actor, municipalitiesCreated)
      let created = 0
      let updated = 0
      let unchanged = 0
      // Rows whose fields were unchanged; a new parent in the second pass makes them updated after all.
      const unchangedFields = new Set<string>()
      for (const pass of ['fields', 'parents'] as const) {
        for (const entry of parsed.entries) {
          const existing = repos.collaborations.find(entry.slug)
          if (pass === 'parents') {
            const parentChanged = existing !== undefined && ((existing.parentId === null) !== (entry.parentSlug === null) ||
              (entry.parentSlug !== null && repos.collaborations.find(entry.parentSlug)?.id !== existing.parentId))
            if (existing && parentChanged) {
              repos.collaborations.update(existing.id, { parent: entry.parentSlug }, opts.actor)
              if (unchangedFields.delete(entry.slug)) {
                unchanged--
                updated++
              }
            }
            continue
          }
          const input: CollaborationInput = {
            slug: entry.slug, name: entry.name, legalForm: entry.legalForm, legalFormRaw: entry.legalFormRaw || null,
            area: entry.area, hostMunicipality: entry.host ? slugOf(entry.host) : null,
            status: entry.terminated ? 'terminated' : 'active',
            statusNote: entry.terminated ? 'Avtalen er sagt opp (kilde: registeret)' : null,
            otherParticipants: entry.otherParticipantsNote, comment: entry.comment || null,
            participants: participantsOf(entry, slugOf, entry.legalForm === 'iks' || entry.legalForm === 'as' || entry.legalForm === 'sa'),
          }
          if (!existing || existing.deleted) {
            if (existing?.deleted) {
              repos.collaborations.restore(existing.id, opts.actor)
              repos.collaborations.update(existing.id, input, opts.actor)
            } else repos.collaborations.create(input, opts.actor)
            created++
          } else if (repos.collaborations.update(existing.id, input, opts.actor).changed) updated++
          else {
            unchanged++
            unchangedFields.add(entry.slug)
          }
        }
      }
      report = { dryRun: opts.dryRun, entries: parsed.entries.length, created, updated, unchanged, municipalitiesCreated, warnings: parsed.warnings }
      if (opts.dryRun) throw new DryRunRollback()
    })
  } catch (err) {
    if (!(err instanceof DryRunRollback)) throw err
  }
  return report!
}

/** Writes the database back in the register's own layout; importing it reproduces the same data. */
export function exportRegister (repos: Repositories): string {
  const region = repos.municipalities.listInRegion().sort((a, b) => a.id - b.id)
  const regionIds = new Set(region.map(m => m.id))
  const all = repos.collaborations.listAllActiveAndTerminated()
  const parentIds = new Set(all.map(c => c.parentId).filter((id): id is number => id !== null))
  // Keep register order: grouped by area, in the order areas first appear.
  const areaOrder = [...new Set(all.map(c => c.area ?? ''))]
  const ordered = [...all].sort((a, b) => areaOrder.indexOf(a.area ?? '') - areaOrder.indexOf(b.area ?? '') || a.id - b.id)
  return writeRegister({
    municipalityColumns: region.map(m => m.name),
    entries: ordered.map(c => ({
      slug: c.slug, name: c.name, area: c.area, legalForm: c.legalForm,
      participants: c.participants.filter(p => regionIds.has(p.municipalityId)).map(p => p.name),
      host: c.host?.name ?? null,
      extraParticipants: c.participants.filter(p => !regionIds.has(p.municipalityId) && p.slug !== c.host?.slug).map(p => p.name),
      otherParticipantsNote: c.otherParticipants, terminated: c.status === 'terminated',
      isUmbrella: parentIds.has(c.id), parentSlug: c.parentSlug, comment: c.comment ?? '',
    })),
  })
}
