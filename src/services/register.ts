// The municipalities' register (a tab-separated list of collaborations) in and out: the only place the
// register format meets the database. Parsing and writing stay pure in src/register/.
import type { Transactor } from '../db/executor.js'
import type { MunicipalitiesRepository } from '../repositories/municipalities.js'
import type { CollaborationsRepository } from '../repositories/collaborations.js'
import type { ParticipationRole } from '../domain/vocabulary.js'
import { parseRegister, type RegisterEntry, type RegisterWarning } from '../register/parse.js'
import { writeRegister } from '../register/write.js'
import { slugify } from '../register/slug.js'
import { auditActor, type AccessService, type Actor } from './access.js'
import type { PackagesService } from './packages.js'
import type { MunicipalitiesService } from './municipalities.js'
import type { CollaborationInput, CollaborationsService, ParticipantInput } from './collaborations.js'

export interface ImportReport {
  dryRun: boolean
  entries: number
  created: number
  updated: number
  unchanged: number
  municipalitiesCreated: string[]
  warnings: RegisterWarning[]
  /** The governance packages and default meeting plans applied after the import (null in a dry run). */
  governance: { created: number; existing: number; perPackage: Record<string, number>; moteplaner: number } | null
}

/** The region the product starts with; everyone else named in the register is an outside participant. */
export const REGION = [
  { slug: 'lillehammer', name: 'Lillehammer' },
  { slug: 'gausdal', name: 'Gausdal' },
  { slug: 'oyer', name: 'Øyer' },
] as const

const FYLKESKOMMUNE = /fylkeskommune$/i

/** Thrown at the end of a dry run's transaction so that everything it wrote is rolled back. */
class DryRunRollback extends Error {}

async function participantsOf (entry: RegisterEntry, slugOf: (name: string) => Promise<string>, ownerForm: boolean): Promise<ParticipantInput[]> {
  const byName = new Map<string, ParticipationRole>()
  const baseRole: ParticipationRole = ownerForm ? 'eier' : 'deltaker'
  for (const name of [...entry.participants, ...entry.extraParticipants]) byName.set(name, baseRole)
  // The host is stored as host; it is a participant only where the register marks it as one.
  if (entry.host && byName.has(entry.host)) byName.set(entry.host, 'vertskommune')
  // One at a time: slugOf may create a municipality, and writes inside a transaction do not overlap.
  const out: ParticipantInput[] = []
  for (const [name, role] of byName) out.push({ municipality: await slugOf(name), role })
  return out
}

export interface RegisterServiceDeps {
  municipalitiesRepo: MunicipalitiesRepository
  collaborationsRepo: CollaborationsRepository
  municipalities: MunicipalitiesService
  collaborations: CollaborationsService
  packages: PackagesService
  access: AccessService
  transactor: Transactor
}

/** Access: importing is for admins (it may touch every municipality); the export is public, like the lists. */
export function createRegisterService (deps: RegisterServiceDeps) {
  const { municipalitiesRepo, collaborationsRepo, municipalities, collaborations, packages, access, transactor } = deps

  /** The region's municipalities exist and are live; returns the slugs created or restored. */
  async function ensureRegion (actor: Actor): Promise<string[]> {
    const created: string[] = []
    for (const m of REGION) {
      const existing = await municipalitiesRepo.find(m.slug)
      if (!existing) {
        await municipalities.create(actor, { slug: m.slug, name: m.name, kind: 'kommune', county: 'Innlandet', inRegion: true })
        created.push(m.slug)
      } else if (existing.deleted) {
        // The register's columns name it, so it is needed again; reported like a new one, as a restored collaboration is.
        await municipalities.restore(actor, existing.id)
        created.push(m.slug)
      }
    }
    return created
  }

  async function ensureMunicipality (actor: Actor, name: string, created: string[]): Promise<string> {
    const slug = slugify(name)
    const existing = await municipalitiesRepo.find(slug)
    if (!existing) {
      await municipalities.create(actor, { slug, name, kind: FYLKESKOMMUNE.test(name) ? 'fylkeskommune' : 'kommune', inRegion: false })
      created.push(slug)
    } else if (existing.deleted) {
      // Naming a deleted municipality again brings it back rather than failing the import.
      await municipalities.restore(actor, existing.id)
      created.push(slug)
    }
    return slug
  }

  async function apply (actor: Actor, parsed: ReturnType<typeof parseRegister>, dryRun: boolean): Promise<ImportReport> {
    const municipalitiesCreated = await ensureRegion(actor)
    const known = new Map<string, string>(REGION.map(m => [m.name.toLowerCase(), m.slug]))
    const slugOf = async (name: string) => known.get(name.toLowerCase()) ?? ensureMunicipality(actor, name, municipalitiesCreated)
    let created = 0
    let updated = 0
    let unchanged = 0
    // Rows whose fields were unchanged; a new parent in the second pass makes them updated after all.
    const unchangedFields = new Set<string>()
    for (const pass of ['fields', 'parents'] as const) {
      for (const entry of parsed.entries) {
        const existing = await collaborationsRepo.find(entry.slug)
        if (pass === 'parents') {
          const parentId = entry.parentSlug === null ? null : (await collaborationsRepo.find(entry.parentSlug))?.id
          if (existing && parentId !== existing.parentId) {
            await collaborations.update(actor, existing.id, { parent: entry.parentSlug })
            if (unchangedFields.delete(entry.slug)) {
              unchanged--
              updated++
            }
          }
          continue
        }
        const input: CollaborationInput = {
          slug: entry.slug,
          name: entry.name,
          legalForm: entry.legalForm,
          legalFormRaw: entry.legalFormRaw || null,
          area: entry.area,
          hostMunicipality: entry.host ? await slugOf(entry.host) : null,
          status: entry.terminated ? 'terminated' : 'active',
          statusNote: entry.terminated ? 'Avtalen er sagt opp (kilde: registeret)' : null,
          otherParticipants: entry.otherParticipantsNote,
          comment: entry.comment || null,
          participants: await participantsOf(entry, slugOf, entry.legalForm === 'iks' || entry.legalForm === 'as' || entry.legalForm === 'sa'),
        }
        if (!existing || existing.deleted) {
          if (existing?.deleted) {
            await collaborations.restore(actor, existing.id)
            await collaborations.update(actor, existing.id, input)
          } else await collaborations.create(actor, input)
          created++
        } else if ((await collaborations.update(actor, existing.id, input)).changed) updated++
        else {
          unchanged++
          unchangedFields.add(entry.slug)
        }
      }
    }
    return { dryRun, entries: parsed.entries.length, created, updated, unchanged, municipalitiesCreated, warnings: parsed.warnings, governance: null }
  }

  return {
    /**
     * Idempotent upsert of every collaboration the register lists, all or nothing in one transaction.
     * New subjects get their governance packages and every body without one a default meeting plan,
     * in the same transaction. A dry run does the import and rolls it back, reporting what would have happened.
     */
    async import (actor: Actor | null | undefined, text: string, opts: { dryRun: boolean }): Promise<ImportReport> {
      const a = access.requireAdmin(actor)
      const parsed = parseRegister(text)
      let report: ImportReport | undefined
      try {
        await transactor.transaction(async () => {
          report = await apply(a, parsed, opts.dryRun)
          if (opts.dryRun) throw new DryRunRollback()
          const applied = await packages.applyEverywhere(auditActor(a))
          report.governance = { ...applied, moteplaner: await packages.applyDefaultMoteplaner(auditActor(a)) }
        })
      } catch (err) {
        if (!(err instanceof DryRunRollback)) throw err
      }
      return report!
    },

    /** The database in the register's own layout; importing it reproduces the same data. */
    async export (): Promise<string> {
      const region = (await municipalitiesRepo.listInRegion()).sort((a, b) => a.id - b.id)
      const regionIds = new Set(region.map(m => m.id))
      const all = await collaborationsRepo.listAllActiveAndTerminated()
      const parentIds = new Set(all.map(c => c.parentId).filter((id): id is number => id !== null))
      // Keep register order: grouped by area, in the order areas first appear.
      const areaOrder = [...new Set(all.map(c => c.area ?? ''))]
      const ordered = [...all].sort((a, b) => areaOrder.indexOf(a.area ?? '') - areaOrder.indexOf(b.area ?? '') || a.id - b.id)
      return writeRegister({
        municipalityColumns: region.map(m => m.name),
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
