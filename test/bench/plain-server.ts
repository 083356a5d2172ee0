// The yardstick for the feed figures of `npm run bench`, run as a child process like the app: a plain
// node:http server holding the feed's exact bytes in a Buffer, sending the same headers the app sent
// (ETag, Last-Modified, Cache-Control, Vary, …), and answering 304 when If-None-Match matches.
// BENCH_PLAIN_FILE: a JSON file { body: base64, etag, headers200, headers304 } (headers as the app sent
// them, minus those node:http adds itself). Not run on its own.
import fs from 'node:fs'
import http from 'node:http'

interface Spec { body: string; etag: string; headers200: Record<string, string>; headers304: Record<string, string> }
const spec = JSON.parse(fs.readFileSync(process.env.BENCH_PLAIN_FILE!, 'utf8')) as Spec
const body = Buffer.from(spec.body, 'base64')
const headers = { ...spec.headers200, 'content-length': String(body.length) }

const server = http.createServer((req, res) => {
  const inm = req.headers['if-none-match']
  if (inm !== undefined && inm.split(',').some(t => t.trim().replace(/^W\//, '') === spec.etag)) {
    res.writeHead(304, spec.headers304)
    res.end()
    return
  }
  res.writeHead(200, headers)
  res.end(body)
})
server.keepAliveTimeout = 72_000
server.listen(0, '127.0.0.1', () => process.send!({ type: 'ready', port: (server.address() as { port: number }).port, token: '' }))
process.on('message', () => server.close(() => process.exit(0)))
