// Makes one template database for `npm run test:pg` (called by pg-global-setup.ts in a process of its
// own: vitest's global-setup module loader does not load rrule's CommonJS build as Node does).
//   node --import tsx test/helpers/pg-template.ts <database url> seeded|empty
import { createDependencies } from '../../src/composition.js'
import { openPostgres } from '../../src/db/pg.js'
import { seedIfEmpty } from '../../src/seed.js'
import { fixedClock } from '../../src/shared/clock.js'
import { defaultTemplatesDir, loadCatalogue } from '../../src/catalogue/load.js'
import { BASE_URL, SEED_TRACKING_FROM, TEMPLATE_NOW } from './constants.js'

const [url, kind] = process.argv.slice(2)
const deps = await createDependencies({
  config: { BASE_URL, DATABASE_PATH: ':memory:', DATABASE_URL: url },
  clock: fixedClock(TEMPLATE_NOW),
  catalogue: loadCatalogue(defaultTemplatesDir),
  database: openPostgres(url!, { max: 2 }),
})
if (kind === 'seeded') await seedIfEmpty(deps, { trackingFrom: SEED_TRACKING_FROM })
await deps.close()
