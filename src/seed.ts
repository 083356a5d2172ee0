import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Dependencies } from './composition.js'
import type { ImportReport } from './services/register.js'
import type { Actor } from './services/access.js'

export const SEED_REGISTER = fileURLToPath(new URL('../seeds/register-2019-01-01.tsv', import.meta.url))
/** The seed imports the register as an administrator would (audited as admin:seed). */
export const SEED_ACTOR: Actor = { tokenId: null, label: 'seed', role: 'admin', municipalityIds: [] }

type SeedDeps = Pick<Dependencies, 'services'>

/**
 * The first start shows the real region: the 2019 register, its governance packages and default
 * meeting plans (the register import applies those). Does nothing when there is data already.
 */
export async function seedIfEmpty (deps: SeedDeps): Promise<ImportReport | null> {
  if ((await deps.services.municipalities.list({ limit: 1, offset: 0 })).total > 0) return null
  return deps.services.register.import(SEED_ACTOR, fs.readFileSync(SEED_REGISTER, 'utf8'), { dryRun: false })
}
