import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'

/**
 * Every string in a parsed value in Unicode Normalization Form C (UAX #15), in place for objects and
 * arrays: "Øyer" typed as O + U+0308 … and as the one character Ø are then the same name, in the
 * database, in a search and in a slug lookup. Buffers (uploaded files) are left alone: their readers
 * decode and normalise them (src/register/decode.ts, src/services/moteplan.ts).
 */
export function normalizeStrings<T> (value: T): T {
  if (typeof value === 'string') return value.normalize('NFC') as T
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = normalizeStrings(value[i])
  } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const record = value as Record<string, unknown>
    for (const key of Object.keys(record)) record[key] = normalizeStrings(record[key])
  }
  return value
}

// Before validation, so that schemas, services and the database only ever see NFC text (issue 13).
export default fp(async function normalizePlugin (app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    request.body = normalizeStrings(request.body)
    request.query = normalizeStrings(request.query)
    request.params = normalizeStrings(request.params)
  })
}, { name: 'normalize' })
