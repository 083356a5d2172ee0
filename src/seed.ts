import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Dependencies } from './composition.js'
import type { ImportReport } from './services/register.js'
import type { Actor } from './services/access.js'
import type { AuditActor } from './repositories/audit.js'

export const SEED_REGISTER = fileURLToPath(new URL('../seeds/register-2019-01-01.tsv', import.meta.url))
export const SYSTEM_ACTOR = { tokenId: null, label: 'system:seed' }
/** The seed imports the register as an administrator would (audited as admin:seed). */
export const SEED_ACTOR: Actor = { tokenId: null, label: 'seed', role: 'admin', municipalityIds: [] }

type SeedDeps = Pick<Dependencies, 'repos' | 'services' | 'catalogue' | 'database'>

/** The first start shows the real region: the 2019 register, its governance packages and default meeting plans. */
export async function seedIfEmpty (deps: SeedDeps): Promise<ImportReport | null> {
  if ((await deps.services.municipalities.list({ limit: 1, offset: 0 })).total > 0) return null
  const report = await deps.services.register.import(SEED_ACTOR, fs.readFileSync(SEED_REGISTER, 'utf8'), { dryRun: false })
  await applyGovernance(deps, SYSTEM_ACTOR)
  return report
}

/** Idempotent: packages for every subject, and a default meeting plan for every body that has none. */
export async function applyGovernance (deps: Pick<Dependencies, 'services'>, actor: AuditActor) {
  const packages = await deps.services.packages.applyEverywhere(actor)
  const moteplaner = await deps.services.packages.applyDefaultMoteplaner(actor)
  return { ...packages, moteplaner }
}
