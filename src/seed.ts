import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Db } from './db/client.js'
import type { Repositories } from './plugins/db.js'
import { importRegister, type ImportReport } from './register/register-service.js'
import type { Catalogue } from './catalogue/load.js'
import type { AuditActor } from './repositories/audit.js'

export const SEED_REGISTER = fileURLToPath(new URL('../seeds/register-2019-01-01.tsv', import.meta.url))
export const SYSTEM_ACTOR = { tokenId: null, label: 'system:seed' }

/** The first start shows the real region: the 2019 register, its governance packages and default meeting plans. */
export function seedIfEmpty (repos: Repositories, db: Db, catalogue: Catalogue): ImportReport | null {
  if (repos.municipalities.list({ limit: 1, offset: 0 }).total > 0) return null
  const report = importRegister(repos, db, fs.readFileSync(SEED_REGISTER, 'utf8'), { dryRun: false, actor: SYSTEM_ACTOR })
  applyGovernance(repos, catalogue, SYSTEM_ACTOR)
  return report
}

/** Idempotent: packages for every subject, and a default meeting plan for every body that has none. */
export function applyGovernance (repos: Repositories, catalogue: Catalogue, actor: AuditActor) {
  const packages = repos.rules.applyPackages(catalogue, {}, actor)
  const moteplaner = repos.rules.applyDefaultMoteplaner(catalogue, actor)
  return { ...packages, moteplaner }
}
