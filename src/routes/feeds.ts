import type {} from '@fastify/compress'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { DateString, Line, Strict } from '../schemas/common.js'
import { localDateOf } from '../domain/local-time.js'
import { secretMatches } from '../shared/secrets.js'
import { createFeedBuilder, FEED_ZONE } from '../calendar/ical.js'
import { feedEvents } from '../calendar/feed-data.js'
import { createFeedCache, notModified } from '../calendar/feed-cache.js'
import { viewerOf } from '../services/access.js'

const REFRESH_SECONDS = 3600
const FeedParams = Strict({ kind: Type.Enum(['bodies', 'municipalities', 'collaborations']), file: Type.String({ pattern: '^[a-z0-9-]+\\.ics$', maxLength: 90 }) })
const FeedQuery = Strict({
  types: Type.Optional(Line(1000, { description: 'Hendelsestyper, kommaseparert' })),
  alarms: Type.Optional(Type.Enum(['0', '1'])),
  from: Type.Optional(DateString),
  to: Type.Optional(DateString),
  cancelled: Type.Optional(Type.Enum(['show', 'hide'])),
  token: Type.Optional(Line(200)),
})

/** Subscribable calendars. Reads go through the feeds service (who may see what); this only presents. */
const routes: FastifyPluginAsyncTypebox<{ baseUrl: string; compress: boolean }> = async (app, opts) => {
  const cache = createFeedCache({ onLookup: app.metrics.feedCacheLookup })
  const buildFeed = createFeedBuilder()
  const uidHost = new URL(opts.baseUrl).hostname
  const { feeds } = app.services

  app.get('/feeds/:kind/:file', {
    schema: {
      tags: ['Kalenderfeeder'],
      summary: 'Abonnerbar iCal-feed for et organ, en kommune eller et samarbeid',
      description: 'Private organers hendelser er bare med for administratorer og redaktører i organets kommune (Authorization: Bearer), ' +
        'og i organets egen feed med hemmeligheten (token=).',
      params: FeedParams,
      querystring: FeedQuery,
      response: {
        200: { description: 'iCalendar (RFC 5545)', content: { 'text/calendar': { schema: { type: 'string' } } } },
        304: Type.Null({ description: 'Uendret siden forrige henting (ETag/Last-Modified)' }),
        400: Type.Ref('ErrorReply'),
        404: Type.Ref('ErrorReply'),
      },
    },
    compress: opts.compress ? undefined : false,
  }, async (request, reply) => {
    const { kind, file } = request.params
    const q = request.query
    const slug = file.slice(0, -'.ics'.length)
    const now = app.clock.now()
    const today = localDateOf(now, FEED_ZONE)
    const types = q.types?.split(',').map(t => t.trim()).filter(Boolean)
    // Who is looking is part of the key (what they may see differs); a secret is checked on every hit.
    // So is their scope as of this request: a person whose roles change must not get the feed cached before.
    const actor = request.actor
    const scope = actor ? `:m${[...actor.municipalityIds].sort().join('.')}:k${[...(actor.kontrollutvalgIds ?? [])].sort().join('.')}` : ''
    const key = `${kind}/${slug}?${q.from ?? ''}&${q.to ?? ''}&${types?.join(',') ?? ''}&${q.alarms ?? '0'}&${q.cancelled ?? 'show'}@${actor ? `${actor.role}:t${actor.tokenId ?? ''}:u${actor.userId ?? ''}${scope}` : '-'}`

    // A feed that has not changed is answered from memory, before any database work.
    let entry = cache.get(key, today, feeds.revisionOf)
    if (entry && entry.secretHash !== null && !(q.token !== undefined && secretMatches(q.token, entry.secretHash))) entry = undefined
    let isPrivate = entry ? entry.secretHash !== null : false
    if (!entry) {
      const feed = await feeds.open(kind, slug, q.token, viewerOf(actor))
      isPrivate = feed.isPrivate
      const { from, to } = feeds.window(q.from, q.to, today)
      feeds.checkEventTypes(types)
      // Revisions are read before the content: a change committed meanwhile makes the next request rebuild.
      const dependencies = await feeds.dependencies(feed)
      const content = await feeds.content(feed, { from, to, asOf: today, eventTypes: types })
      const events = feedEvents(content, { baseUrl: opts.baseUrl, now: now.getTime(), hideCancelled: q.cancelled === 'hide' })
      const body = await buildFeed({ name: feed.name, description: feed.description, uidHost, events, alarms: q.alarms === '1', refreshSeconds: REFRESH_SECONDS })
      entry = cache.set(key, body, { now: now.getTime(), day: today, dependencies, secretHash: feed.secretHash })
    }

    // A feed read with credentials or a secret may hold private items: no shared caches.
    const personal = isPrivate || actor != null
    reply
      .header('Content-Type', 'text/calendar; charset=utf-8')
      .header('ETag', entry.etag)
      .header('Last-Modified', new Date(entry.lastModified).toUTCString())
      .header('Cache-Control', `${personal ? 'private' : 'public'}, max-age=${REFRESH_SECONDS}`)
      .header('Vary', 'Authorization')
      .header('X-Content-Type-Options', 'nosniff')
    if (notModified(request.headers as Record<string, string | undefined>, entry.etag, entry.lastModified)) {
      return reply.code(304).send(null)
    }
    return entry.body
  })
}
export default routes
