import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Db } from './db/client.js'
import type { Repositories } from './plugins/db.js'
import { importRegister, type ImportReport } from './register/register-service.js'

export const SEED_REGISTER = fileURLToPath(new URL('../seeds/register-2019-01-01.tsv', import.meta.url))
export const SYSTEM_ACTOR = { tokenId: null, label: 'system:seed' }

/** The first start shows the real region: an empty database gets the 2019 register. */
export function seedIfEmpty (repos: Repositories, db: Db): ImportReport | null {
  if (repos.municipalities.list({ limit: 1, offset: 0 }).total > 0) return null
  return importRegister(repos, db, fs.readFileSync(SEED_REGISTER, 'utf8'), { dryRun: false, actor: SYSTEM_ACTOR })
}
