import type { FastifyPluginAsync } from 'fastify'

// Issue 15: filled in by the plans helper.
const routes: FastifyPluginAsync<{ baseUrl: string }> = async () => {}
export default routes
