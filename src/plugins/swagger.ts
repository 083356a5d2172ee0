import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { docsCsp } from './protection.js'

/**
 * A stable operationId from the method and path, for client generators: `GET /api/v1/rules/:id` →
 * `getRulesById`, `PUT /api/v1/bodies/:ref/moteplan` → `putBodiesByRefMoteplan`.
 */
export function operationId (method: string, path: string): string {
  const words = path.replace(/^\/api\/v1/, '').split('/').filter(Boolean)
    .map(w => w.startsWith(':') ? `by-${w.slice(1)}` : w)
    .join('-').split(/[^A-Za-z0-9]+/).filter(Boolean)
  return method.toLowerCase() + words.map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('')
}

// Must be registered before the routes, or they are missing from the spec (STYLE.md trap 6).
export default fp<{ version: string }>(async function swaggerPlugin (app: FastifyInstance, opts) {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Årshjul API', version: opts.version, description: 'Styringskalender for kommuner og interkommunale samarbeid', license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' } },
      // Relative: the API is served from the same origin as this document.
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      // Reads are open to anyone, and show more (private bodies) with a token; writes declare bearer themselves.
      security: [{}, { bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string | undefined) ?? `def-${i}` },
    // A '/' route under a prefix answers both with and without the slash, but fastify rewrites the route
    // options swagger kept from onRoute to the slashed URL; document the canonical one, without it.
    transform: ({ schema, url, route }) => {
      const path = url.length > 1 ? url.replace(/\/+$/, '') : url
      const method = [route.method].flat()[0]!
      return { schema: schema && !('operationId' in schema) ? { ...schema, operationId: operationId(method, path) } : schema, url: path }
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs', transformStaticCSP: docsCsp })
}, { name: 'swagger' })
