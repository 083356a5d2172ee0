// `npm run fuzz [-- --requests N --seed S]`: the schema-driven fuzzer of issue 13 (test/tools/fuzz-core.ts).
// Builds the app over a copy of the seeded database, sends N real HTTP requests built from /docs/json and
// the page routes — wrong types, impossible dates, extreme numbers, unknown fields, long strings, control
// characters, broken bodies — without and with credentials, and prints its counts and every failure.
// Exit code 1 on any 5xx, leak (stack trace, SQL, file path in a reply) or row changed by a rejected request.
import { readArgs, fail } from '../../src/cli/args.js'
import { formatReport, runFuzz } from './fuzz-core.js'

const USAGE = `Bruk: npm run fuzz -- [--requests N] [--seed S]
  --requests N  antall HTTP-forespørsler (standard 10000)
  --seed S      frø for rekkefølgen og de tilfeldige kombinasjonene (standard 13)`

const { values } = readArgs({ requests: { type: 'string' }, seed: { type: 'string' } }, USAGE)
const requests = Number(values.requests ?? 10_000)
const seed = Number(values.seed ?? 13)
if (!Number.isInteger(requests) || requests < 1) fail(`--requests må være et positivt heltall.\n${USAGE}`)
if (!Number.isInteger(seed)) fail(`--seed må være et heltall.\n${USAGE}`)

const report = await runFuzz({ requests, seed, progress: line => process.stderr.write(`${line}\n`) })
console.log(formatReport(report))
process.exit(report.failures.length > 0 ? 1 : 0)
