import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Dependencies } from './composition.js'
import { importRegister, type ImportReport } from './register/register-service.js'
import type { AuditActor } from './repositories/audit.js'

export const SEED_REGISTER = fileURLToPath(new URL('../seeds/register-2019-01-01.tsv', import.meta.url))
export const SYSTEM_ACTOR = { tokenId: null, label: 'system:seed' }

type SeedDeps = Pick<Dependencies, 'repos' | 'catalogue' | 'database'>

/** The first start shows the real region: the 2019 register, its governance packages and default meeting plans. */
export async function seedIfEmpty (deps: SeedDeps): Promise<ImportReport | null> {
  const { repos, database, catalogue } = deps
  if (repos.municipalities.list({ limit: 1, offset: 0 }).total > 0) return null
  const report = importRegister(repos, database.db, fs.readFileSync(SEED_REGISTER, 'utf8'), { dryRun: false, actor: SYSTEM_ACTOR })
  applyGovernance(deps, SYSTEM_ACTOR)
  return report
}

/** Idempotent: packages for every subject, and a default meeting plan for every body that has none. */
export function applyGovernance (deps: Pick<Dependencies, 'repos' | 'catalogue'>, actor: AuditActor) {
  const packages = deps.repos.rules.applyPackages(deps.catalogue, {}, actor)
  const moteplaner = deps.repos.rules.applyDefaultMoteplaner(deps.catalogue, actor)
  return { ...packages, moteplaner }
}
