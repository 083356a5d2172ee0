import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'

const routes: FastifyPluginAsyncTypebox<{ version: string }> = async (app, { version }) => {
  app.get('/health', {
    // Answers also while the server sheds load: it tells whether the process and the database live.
    config: { underPressure: false },
    schema: {
      tags: ['Drift'],
      summary: 'Helsesjekk',
      response: {
        200: Type.Object({ status: Type.Literal('ok'), db: Type.Literal('ok'), version: Type.String() }),
        503: Type.Object({ status: Type.Literal('error'), db: Type.Literal('error'), version: Type.String() }),
      },
    },
  }, async (_request, reply) => {
    if (await app.services.health.databaseAnswers()) return { status: 'ok' as const, db: 'ok' as const, version }
    return reply.code(503).send({ status: 'error' as const, db: 'error' as const, version })
  })
}
export default routes
