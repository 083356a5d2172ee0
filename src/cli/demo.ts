// npm run demo [-- --file seeds/demo-kontroll.json]: loads the invented example plans for the kontrollutvalg
// (seeds/demo-kontroll.json) into the database. Never run by `npm start`. Seeds the register first if the
// database is empty; running it twice changes nothing.
import { openCliContext } from './context.js'
import { readArgs } from './args.js'
import { seedIfEmpty } from '../seed.js'
import { DEMO_ACTOR, DEMO_KONTROLL_FILE, loadDemoKontroll, readDemoKontroll } from '../kontroll/demo.js'

const USAGE = `Bruk: npm run demo [-- --file seeds/demo-kontroll.json]
Legger inn de oppdiktede eksempelplanene for kontrollutvalgene. Kjører man den to ganger, endres ingenting.`
const { values } = readArgs({ file: { type: 'string', default: DEMO_KONTROLL_FILE } }, USAGE)
const context = await openCliContext()
const { config, services } = context
try {
  const seeded = await seedIfEmpty(context)
  const data = readDemoKontroll(values.file)
  const report = await loadDemoKontroll(services.kontroll, data, DEMO_ACTOR)
  process.stdout.write(`${JSON.stringify({ database: config.DATABASE_PATH, seededRegister: seeded !== null, note: data._note, ...report }, null, 2)}\n`)
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 1
} finally {
  await context.close()
}
