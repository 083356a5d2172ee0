import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Dependencies } from './composition.js'
import type { ImportReport } from './services/register.js'
import type { Actor } from './services/access.js'

export const SEED_REGISTER = fileURLToPath(new URL('../seeds/register-2019-01-01.tsv', import.meta.url))
/** The seed onboards and imports as an administrator would (audited as admin:seed). */
export const SEED_ACTOR: Actor = { tokenId: null, label: 'seed', role: 'admin', municipalityIds: [] }

/** The region the first start shows: Lillehammer, Gausdal and Øyer, by SSB kommunenummer (seeds/kommuner-2026.tsv). */
export const SEED_REGION = ['3405', '3441', '3440'] as const

type SeedDeps = Pick<Dependencies, 'services'>

/**
 * The first start shows the real region: it onboards the Lillehammer region (bodies, packages, default møteplaner)
 * with an explicit tracking start — `trackingFrom`, by default the day of the first start in Europe/Oslo, so nothing
 * due before it shows as overdue — then imports the 2019 register (its report is returned). Both steps are idempotent, so the import may
 * ensure the same municipalities again. Does nothing when there is data already.
 */
export async function seedIfEmpty (deps: SeedDeps, opts: { trackingFrom?: string } = {}): Promise<ImportReport | null> {
  if ((await deps.services.municipalities.list({ limit: 1, offset: 0 })).total > 0) return null
  const onboarding = await deps.services.onboarding.onboard(SEED_ACTOR, { municipalities: [...SEED_REGION], trackingFrom: opts.trackingFrom })
  return deps.services.register.import(SEED_ACTOR, fs.readFileSync(SEED_REGISTER, 'utf8'), { dryRun: false, trackingFrom: onboarding.trackingFrom })
}
