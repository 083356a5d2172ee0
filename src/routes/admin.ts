import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ListOf, Strict, errorReplies } from '../schemas/common.js'
import { listReply } from '../schemas/list.js'
import { auditActor, requireAdmin } from '../plugins/auth.js'
import { iso } from '../repositories/shared.js'
import { importRegister } from '../register/register-service.js'
import { applyGovernance } from '../seed.js'

const AuditEntry = Type.Object({
  id: Type.Integer(), at: Type.String(), actor: Type.String(), action: Type.String(), entityType: Type.String(), entityId: Type.String(),
  before: Type.Unknown(), after: Type.Unknown(),
})
const ImportReport = Type.Object({
  dryRun: Type.Boolean(), entries: Type.Integer(), created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(),
  municipalitiesCreated: Type.Array(Type.String()),
  warnings: Type.Array(Type.Object({ line: Type.Integer(), code: Type.String(), message: Type.String() })),
})

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  app.get('/audit', {
    schema: {
      tags: ['Administrasjon'], summary: 'Revisjonslogg over alle endringer (admin)', security: [{ bearer: [] }],
      querystring: Strict({
        entityType: Type.Optional(Type.String({ maxLength: 50 })), entityId: Type.Optional(Type.String({ maxLength: 50 })),
        since: Type.Optional(Type.String({ format: 'date-time' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), offset: Type.Optional(Type.Integer({ minimum: 0 })),
      }),
      response: { 200: ListOf(AuditEntry), ...errorReplies(400, 401, 403) },
    },
  }, async request => {
    requireAdmin(request)
    const q = request.query
    const limit = q.limit ?? 100
    const offset = q.offset ?? 0
    const page = app.repos.audit.list({ ...q, since: q.since ? new Date(q.since).getTime() : undefined, limit, offset })
    return listReply({ items: page.items.map(e => ({ ...e, at: iso(e.at) })), total: page.total }, { baseUrl, path: '/api/v1/audit', query: q, limit, offset })
  })

  // The register arrives as the municipalities' own tab-separated text.
  app.addContentTypeParser(['text/tab-separated-values', 'text/plain'], { parseAs: 'string', bodyLimit: 2 * 1024 * 1024 }, (_req, body, done) => done(null, body))

  app.post('/imports', {
    schema: {
      tags: ['Administrasjon'], summary: 'Importer registeret (tabulatorseparert tekst)', security: [{ bearer: [] }],
      querystring: Strict({ dryRun: Type.Optional(Type.Boolean()) }),
      body: Type.String({ minLength: 1, maxLength: 2 * 1024 * 1024 }),
      response: { 200: ImportReport, ...errorReplies(400, 401, 403, 413, 415) },
    },
  }, async request => {
    const actor = requireAdmin(request)
    const dryRun = request.query.dryRun ?? false
    const report = importRegister(app.repos, app.db, request.body, { dryRun, actor: auditActor(actor) })
    if (!dryRun) applyGovernance(app.deps, auditActor(actor))
    return report
  })
}
export default routes
