// The bench's server: the real app on a temp copy of the seeded database, plus the same bytes as a static file.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildApp } from '../../src/app.js'
import { createDependencies } from '../../src/composition.js'
import { seedIfEmpty } from '../../src/seed.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-bench-'))
const deps = createDependencies({ config: { BASE_URL: 'http://127.0.0.1', DATABASE_PATH: path.join(dir, 'bench.db') } })
await seedIfEmpty(deps)
const app = await buildApp(deps, { closeDatabase: true })

const feedPath = process.argv[2] ?? '/feeds/municipalities/lillehammer.ics'
const staticFile = path.join(dir, 'feed.ics')
app.get('/static/feed.ics', (_request, reply) => {
  reply.header('Content-Type', 'text/calendar; charset=utf-8')
  return reply.send(fs.createReadStream(staticFile))
})
await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address() as { port: number }
const first = await app.inject(feedPath)
fs.writeFileSync(staticFile, first.body)
process.send?.({ port: address.port, bytes: Buffer.byteLength(first.body), etag: first.headers.etag })
process.on('message', async () => {
  await app.close()
  fs.rmSync(dir, { recursive: true, force: true })
  process.exit(0)
})
