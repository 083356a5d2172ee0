// npm run import -- <file> [--dry-run]
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { openCliContext } from './context.js'
import type { Actor } from '../services/access.js'

const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false } } })
const file = positionals[0]
if (!file) {
  process.stderr.write('Bruk: npm run import -- <fil> [--dry-run]\n')
  process.exit(2)
}
const text = fs.readFileSync(file, 'utf8')
const context = openCliContext()
try {
  // Whoever runs the command on the server acts as an administrator.
  const actor: Actor = { tokenId: null, label: 'cli-import', role: 'admin', municipalityIds: [] }
  const dryRun = values['dry-run'] ?? false
  // New collaborations get their governance packages and meeting plans in the same transaction.
  const report = await context.services.register.import(actor, text, { dryRun })
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
} finally {
  context.close()
}
