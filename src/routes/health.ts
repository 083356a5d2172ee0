import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'

// Probes answer also while the server sheds load (config.underPressure): they tell whether the
// process and the database live, not whether the event loop is busy.
const routes: FastifyPluginAsyncTypebox<{ version: string }> = async (app, { version }) => {
  app.get('/health', {
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

  app.get('/health/live', {
    config: { underPressure: false },
    schema: {
      tags: ['Drift'],
      summary: 'Lever prosessen? (liveness; spør ikke databasen)',
      response: {
        200: Type.Object({ status: Type.Literal('ok'), version: Type.String() }),
      },
    },
  }, async () => ({ status: 'ok' as const, version }))

  app.get('/health/ready', {
    config: { underPressure: false },
    schema: {
      tags: ['Drift'],
      summary: 'Klar for trafikk? (readiness: databasen svarer og har alle migreringer)',
      response: {
        200: Type.Object({ status: Type.Literal('ok'), version: Type.String() }),
        503: Type.Object({ status: Type.Literal('error'), reason: Type.String({ description: 'Hvorfor ikke, kort og på norsk' }), version: Type.String() }),
      },
    },
  }, async (_request, reply) => {
    const readiness = await app.services.health.readiness()
    if (readiness.ready) return { status: 'ok' as const, version }
    return reply.code(503).send({ status: 'error' as const, reason: readiness.reason, version })
  })
}
export default routes
