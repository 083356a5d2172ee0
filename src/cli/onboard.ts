// npm run onboard -- <kommune> [<kommune> …] [--county <fylke>] [--all] [--tracking-from ÅÅÅÅ-MM-DD] [--dry-run]
// Puts kommuner and fylkeskommuner from SSB's list (seeds/kommuner-2026.tsv) in the region, with their bodies,
// packages and default møteplaner, in one transaction. Prints the report as JSON and a summary line.
import { fail, readArgs } from './args.js'
import { openCliContext } from './context.js'
import type { Actor } from '../services/access.js'
import { ServiceError } from '../shared/errors.js'

const USAGE = [
  'Bruk: npm run onboard -- <kommune> [<kommune> …] [--county <fylke>] [--all] [--tracking-from ÅÅÅÅ-MM-DD] [--dry-run]',
  '  <kommune>        kommunenummer eller navn: 3405, Gausdal, "Herøy (Nordland)", Tana, "Innlandet fylkeskommune"',
  '  --county         fylkesnummer eller fylke (34, Innlandet): alle kommunene og fylkeskommunen',
  '  --all            hele SSBs liste (357 kommuner og 14 fylkeskommuner; Oslo er begge)',
  '  --tracking-from  sporingsstart for dem som ikke har en (standard: i dag); det som forfalt før, er «ikke registrert»',
  '  --dry-run        vis hva som ville skjedd, uten å lagre',
].join('\n')

const { positionals, values } = readArgs({
  county: { type: 'string' },
  all: { type: 'boolean', default: false },
  'tracking-from': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
}, USAGE)
if (positionals.length === 0 && values.county === undefined && !values.all) fail(USAGE)

// The service names fields as the API does; the command's user typed options and positions.
const OPTION_OF: Record<string, string> = { county: '--county', trackingFrom: '--tracking-from', municipalities: '<kommune>' }
const optionOf = (field: string | undefined) => {
  const m = /^municipalities\/(\d+)$/.exec(field ?? '')
  return m ? `<kommune> nr. ${Number(m[1]) + 1}` : OPTION_OF[field ?? ''] ?? field ?? ''
}

const context = await openCliContext()
try {
  // Whoever runs the command on the server acts as an administrator.
  const actor: Actor = { tokenId: null, label: 'cli-onboard', role: 'admin', municipalityIds: [] }
  const t0 = performance.now()
  const report = await context.services.onboarding.onboard(actor, {
    municipalities: positionals.length ? positionals : undefined,
    county: values.county,
    all: values.all || undefined,
    trackingFrom: values['tracking-from'],
  }, { dryRun: values['dry-run'] })
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  const n = (status: string) => report.onboarded.filter(u => u.status === status).length
  process.stderr.write(`${report.dryRun ? 'Prøvekjøring (ikke lagret): ' : ''}${report.onboarded.length} enheter: ${n('created')} opprettet, ` +
    `${n('restored')} gjenopprettet, ${n('joined')} lagt til i regionen, ${n('already')} var med fra før; ` +
    `sporingsstart ${report.trackingFrom}; ${report.governance.created} nye regler fra pakkene, ${report.governance.moteplaner} standard møteplaner; ` +
    `${Math.round(performance.now() - t0)} ms\n`)
  for (const u of report.onboarded) if (u.note) process.stderr.write(`  ${u.kommunenummer} ${u.name}: ${u.note}\n`)
} catch (err) {
  if (err instanceof ServiceError && err.kind === 'invalid') {
    await context.close()
    fail(`Avvist (${optionOf(err.field)}): ${err.message}`)
  }
  throw err
} finally {
  await context.close()
}
