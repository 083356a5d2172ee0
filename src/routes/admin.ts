import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ListOf, ListQueryBase, Strict, errorReplies } from '../schemas/common.js'
import { AuditEntry, ImportReport } from '../schemas/register.js'
import { listReply } from '../schemas/list.js'
import { presentAuditEntry } from '../presenters/register.js'

const MAX_REGISTER = 2 * 1024 * 1024
const RegisterText = Type.String({ minLength: 1, maxLength: MAX_REGISTER })

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
        entityType: Type.Optional(Type.String({ maxLength: 50 })),
        entityId: Type.Optional(Type.String({ maxLength: 50 })),
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

  // The register arrives as the municipalities' own tab-separated text; JSON is refused (415) in this plugin.
  app.removeContentTypeParser(['application/json'])
  app.addContentTypeParser(['text/tab-separated-values', 'text/plain'], { parseAs: 'string', bodyLimit: MAX_REGISTER }, (_req, body, done) => done(null, body))

  app.post('/imports', {
    schema: {
      tags: ['Administrasjon'],
      summary: 'Importer registeret (tabulatorseparert tekst; admin)',
      security: [{ bearer: [] }],
      description: 'Oppdaterer samarbeidene registeret lister (idempotent). Med dryRun=true rulles alt tilbake, og svaret viser hva som ville skjedd.',
      querystring: Strict({ dryRun: Type.Optional(Type.Boolean()) }),
      body: { content: { 'text/tab-separated-values': { schema: RegisterText }, 'text/plain': { schema: RegisterText } } },
      response: { 200: ImportReport, ...errorReplies(400, 401, 403, 413, 415) },
    },
  }, async request => {
    const dryRun = request.query.dryRun ?? false
    return app.services.register.import(request.actor, request.body as string, { dryRun })
  })
}
export default routes
