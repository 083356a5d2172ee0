// npm run import -- <file> [--dry-run]
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { openCliContext } from './context.js'
import { importRegister } from '../register/register-service.js'
import { applyGovernance } from '../seed.js'

const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false } } })
const file = positionals[0]
if (!file) {
  process.stderr.write('Bruk: npm run import -- <fil> [--dry-run]\n')
  process.exit(2)
}
const text = fs.readFileSync(file, 'utf8')
const context = openCliContext()
const { catalogue, repos } = context
const { sqlite, db } = context.database
try {
  const actor = { tokenId: null, label: 'cli:import' }
  const dryRun = values['dry-run'] ?? false
  const report = importRegister(repos, db, text, { dryRun, actor })
  // New collaborations get their governance packages and meeting plans right away.
  const governance = dryRun ? null : applyGovernance(context, actor)
  process.stdout.write(`${JSON.stringify({ ...report, governance }, null, 2)}\n`)
} finally {
  sqlite.close()
}
