// npm run import -- <fil> [<fil> …] [--encoding <tegnsett>] [--dry-run]
// Imports one or more registers (one per region) in one transaction; packages are applied once at the end.
import fs from 'node:fs'
import path from 'node:path'
import { fail, readArgs } from './args.js'
import { openCliContext } from './context.js'
import type { Actor } from '../services/access.js'
import { ServiceError } from '../shared/errors.js'

const USAGE = [
  'Bruk: npm run import -- <fil> [<fil> …] [--encoding <tegnsett>] [--dry-run]',
  '  <fil>        registeret, tabulator- eller semikolonseparert (UTF-8, UTF-16 med BOM eller Windows-1252)',
  '  --encoding   tegnsettet filene er lagret i (utf-8, windows-1252, utf-16le …); uten: finnes fra filen',
  '  --dry-run    vis hva som ville skjedd, uten å lagre',
].join('\n')

// What the operating system's refusal means, in the user's words.
const FILE_PROBLEMS: Record<string, string> = { ENOENT: 'filen finnes ikke', EACCES: 'ingen tilgang til filen', EPERM: 'ingen tilgang til filen', EISDIR: 'det er en mappe, ikke en fil' }

const { positionals, values } = readArgs({ 'dry-run': { type: 'boolean', default: false }, encoding: { type: 'string' } }, USAGE)
if (positionals.length === 0) fail(USAGE)
const files = positionals.map(file => {
  try {
    return { name: path.basename(file), bytes: new Uint8Array(fs.readFileSync(file)), encoding: values.encoding ?? null }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return fail(`Kan ikke lese ${file}: ${(code && FILE_PROBLEMS[code]) ?? code ?? (err as Error).message}`)
  }
})
const context = await openCliContext()
try {
  // Whoever runs the command on the server acts as an administrator.
  const actor: Actor = { tokenId: null, label: 'cli-import', role: 'admin', municipalityIds: [] }
  const t0 = performance.now()
  const report = await context.services.register.importMany(actor, files, { dryRun: values['dry-run'] ?? false })
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  process.stderr.write(`${files.length} fil(er), ${report.entries} rader, ${Math.round(performance.now() - t0)} ms\n`)
} catch (err) {
  if (err instanceof ServiceError && err.kind === 'invalid') {
    await context.close()
    fail(`Importen ble avvist (${err.code}): ${err.message}`)
  }
  throw err
} finally {
  await context.close()
}
