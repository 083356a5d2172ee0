import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { Line, ListOf, ListQueryBase, Strict, charsetOf, errorReplies } from '../schemas/common.js'
import { AuditEntry, ImportReport } from '../schemas/register.js'
import { listReply } from '../schemas/list.js'
import { presentAuditEntry } from '../presenters/register.js'
import { AppError, ServiceError, badRequest } from '../shared/errors.js'

const MAX_REGISTER = 2 * 1024 * 1024
const REGISTER_TYPES = ['text/tab-separated-values', 'text/csv', 'text/plain', 'application/octet-stream']
// The body is bytes (a Buffer), read by the service; no `type` keyword, which a Buffer would fail.
const RegisterBytes = Type.Unsafe<Buffer>({ description: 'Registeret som fil (bytes): tabulator- eller semikolonseparert tekst' })

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  // The log is append-only: nothing is ever deleted, so modified_since (or its older name since) lists
  // entries at or after that instant and there are no tombstones.
  app.get('/audit', {
    schema: {
      tags: ['Administrasjon'],
      summary: 'Revisjonslogg over alle endringer, nyeste først (admin)',
      security: [{ bearer: [] }],
      querystring: Strict({
        limit: ListQueryBase.limit,
        offset: ListQueryBase.offset,
        modified_since: ListQueryBase.modified_since,
        entityType: Type.Optional(Line(50)),
        entityId: Type.Optional(Line(50)),
        since: Type.Optional(Type.String({ format: 'date-time', description: 'Det samme som modified_since' })),
      }),
      response: { 200: ListOf(AuditEntry), ...errorReplies(400, 401, 403) },
    },
  }, async request => {
    const q = request.query
    const limit = q.limit ?? 100
    const offset = q.offset ?? 0
    const since = q.modified_since ?? q.since
    const page = await app.services.audit.list(request.actor, {
      entityType: q.entityType, entityId: q.entityId, since: since === undefined ? undefined : new Date(since).getTime(), limit, offset,
    })
    return listReply({ items: page.items.map(presentAuditEntry), total: page.total }, { baseUrl, path: '/api/v1/audit', query: q, limit, offset })
  })

  // The register arrives as the file the municipality saved, as bytes: the service finds its encoding (BOM, UTF-8,
  // else Windows-1252) unless the request names one. JSON is refused (415) in this plugin.
  app.removeContentTypeParser(['application/json'])
  app.addContentTypeParser(REGISTER_TYPES, { parseAs: 'buffer', bodyLimit: MAX_REGISTER }, (_req, body, done) => done(null, body))

  app.post('/imports', {
    schema: {
      tags: ['Administrasjon'],
      summary: 'Importer registeret (tabulator- eller semikolonseparert fil; admin)',
      security: [{ bearer: [] }],
      description: 'Oppdaterer samarbeidene registeret lister (idempotent). Kommunene i registerets kolonner er regionen. ' +
        'Filen sendes som den er lagret: UTF-8, UTF-16 med BOM eller Windows-1252 (Excels «Tekst (tabulatordelt)») finnes av seg selv; ' +
        'charset= i Content-Type eller ?encoding= bestemmer tegnsettet (encoding vinner). Med dryRun=true rulles alt tilbake, og svaret viser hva som ville skjedd.',
      querystring: Strict({
        dryRun: Type.Optional(Type.Boolean()),
        encoding: Type.Optional(Line(40, { minLength: 1, description: 'Tegnsettet filen er lagret i, f.eks. windows-1252' })),
      }),
      body: { content: Object.fromEntries(REGISTER_TYPES.map(type => [type, { schema: RegisterBytes }])) },
      response: { 200: ImportReport, ...errorReplies(400, 401, 403, 413, 415) },
    },
  }, async request => {
    const { dryRun = false, encoding } = request.query
    // Who asks comes before what they sent.
    app.services.access.requireAdmin(request.actor)
    const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
    if (bytes.length === 0) throw badRequest('register.empty', 'body', 'filen er tom')
    const charset = encoding ?? charsetOf(request.headers['content-type'])
    try {
      return await app.services.register.import(request.actor, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), { dryRun, encoding: charset })
    } catch (err) {
      // The service's `encoding` is this request's ?encoding= or its Content-Type charset; `body` is the file itself.
      if (err instanceof ServiceError && err.kind === 'invalid' && (err.field === 'body' || err.field === 'encoding')) {
        const path = err.field === 'body' ? 'body' : encoding === undefined ? 'headers/content-type' : 'querystring/encoding'
        throw new AppError(400, err.code, err.message, [{ path, message: err.message }])
      }
      throw err
    }
  })
}

export default routes
