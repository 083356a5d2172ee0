// `npm run lint:openapi`: builds the app over a fresh, migrated SQLite file, writes the spec it
// serves at /docs/json to a temp file and lints it with the locally installed Redocly CLI
// (redocly.yaml). Exits with Redocly's status. `--out <file>` keeps a copy of the spec.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildApp } from '../../src/app.js'
import { createDependencies } from '../../src/composition.js'

const root = path.resolve(import.meta.dirname, '../..')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-openapi-'))
let status = 1
try {
  const deps = await createDependencies({ config: { BASE_URL: 'https://arshjul.example', DATABASE_PATH: path.join(dir, 'spec.db') } })
  const app = await buildApp(deps, { closeDatabase: true })
  await app.ready()
  const specFile = path.join(dir, 'openapi.json')
  fs.writeFileSync(specFile, JSON.stringify(app.swagger(), null, 2))
  await app.close()

  const outIndex = process.argv.indexOf('--out')
  const out = outIndex > 0 ? process.argv[outIndex + 1] : undefined
  if (out) fs.copyFileSync(specFile, out)

  const redocly = path.join(root, 'node_modules', '.bin', 'redocly')
  const run = spawnSync(redocly, ['lint', specFile, '--config', path.join(root, 'redocly.yaml')], {
    cwd: root,
    stdio: 'inherit',
    // Nothing leaves the machine: no usage telemetry, no check for a newer version.
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  })
  if (run.error) throw run.error
  status = run.status ?? 1
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
process.exit(status)
