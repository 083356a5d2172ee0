import type {} from '@fastify/compress'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { DateString, Strict } from '../schemas/common.js'
import { AppError, badRequest } from '../shared/errors.js'
import { addDays, addYears, compareDates } from '../domain/calendar-date.js'
import { localDateOf, localToInstant } from '../domain/local-time.js'
import { buildFeed, FEED_ZONE } from '../calendar/ical.js'
import { defaultWindow, feedEvents, type FeedScope } from '../calendar/feed-data.js'
import { createFeedCache, notModified } from '../calendar/feed-cache.js'

const REFRESH_SECONDS = 3600
const FeedParams = Strict({ kind: Type.Enum(['bodies', 'municipalities', 'collaborations']), file: Type.String({ pattern: '^[a-z0-9-]+\\.ics$', maxLength: 90 }) })
const FeedQuery = Strict({
  types: Type.Optional(Type.String({ maxLength: 1000, description: 'Hendelsestyper, kommaseparert' })),
  alarms: Type.Optional(Type.Enum(['0', '1'])),
  from: Type.Optional(DateString), to: Type.Optional(DateString),
  cancelled: Type.Optional(Type.Enum(['show', 'hide'])),
  token: Type.Optional(Type.String({ maxLength: 200 })),
})

// A private feed's existence must not leak: a missing or wrong secret is the same 404 as an unknown feed.
const feedNotFound = () => new AppError(404, 'feed.not_found', 'Ingen slik kalender')

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string; compress: boolean }> = async (app, opts) => {
  const cache = createFeedCache()
  const uidHost = new URL(opts.baseUrl).hostname

  app.get('/feeds/:kind/:file', {
    schema: {
      tags: ['Kalenderfeeder'], summary: 'Abonnerbar iCal-feed for et organ, en kommune eller et samarbeid',
      params: FeedParams, querystring: FeedQuery,
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', contentMediaType: 'text/calendar' }), 304: Type.Null(), 400: Type.Ref('ErrorReply'), 404: Type.Ref('ErrorReply') },
    },
    compress: opts.compress ? undefined : false,
  }, async (request, reply) => {
    const { kind, file } = request.params
    const q = request.query
    const slug = file.slice(0, -'.ics'.length)
    const { repos } = app

    let scope: FeedScope
    let name: string
    let description: string
    let isPrivate = false
    if (kind === 'bodies') {
      const body = repos.bodies.find(slug)
      if (!body || body.deleted) throw feedNotFound()
      if (body.feedVisibility === 'private') {
        if (!repos.bodies.feedSecretMatches(body, q.token)) throw feedNotFound()
        isPrivate = true
      }
      const view = repos.bodies.view(body)
      scope = { type: 'body', id: body.id, municipalityId: body.municipalityId, kind: body.kind }
      name = `${body.name} – årshjul`
      description = `Møter, frister og saker for ${body.name} (${view.owner.name}). Frister er lovens dato; abonnerte kalendere kan ligge inntil et døgn etter.`
    } else if (kind === 'municipalities') {
      const m = repos.municipalities.find(slug)
      if (!m || m.deleted) throw feedNotFound()
      scope = { type: 'municipality', id: m.id, slug: m.slug }
      name = `${m.name} kommune – årshjul`
      description = `Styringskalender for ${m.name}: kommunens organer og de interkommunale samarbeidene kommunen deltar i.`
    } else {
      const c = repos.collaborations.find(slug)
      if (!c || c.deleted) throw feedNotFound()
      scope = { type: 'collaboration', id: c.id }
      name = `${c.name} – årshjul`
      description = `Frister og møter for ${c.name}.`
    }

    const now = app.clock.now()
    const today = localDateOf(now, FEED_ZONE)
    const window = defaultWindow(today)
    const from = q.from ?? window.from
    const to = q.to ?? window.to
    if (compareDates(from, to) > 0) throw badRequest('feed.window', 'querystring/to', 'must be on or after from')
    if (compareDates(to, addDays(addYears(from, 10), -1)) > 0) throw badRequest('feed.window_too_large', 'querystring/to', 'the window may span at most 10 years')
    const types = q.types?.split(',').map(t => t.trim()).filter(Boolean)
    const unknown = types?.find(t => t !== 'eierbehandling' && !app.catalogue.eventTypes.has(t))
    if (unknown) throw badRequest('feed.unknown_type', 'querystring/types', `unknown event type "${unknown}"`)

    // Every write is audited, so the newest audit row plus today's date identify the feed's data.
    const rev = repos.audit.revision()
    const revision = `${rev.id}:${today}`
    const key = `${kind}/${slug}?${from}&${to}&${types?.join(',') ?? ''}&${q.alarms ?? '0'}&${q.cancelled ?? 'show'}`
    let entry = cache.get(key, revision)
    if (!entry) {
      const events = feedEvents(repos, scope, { from, to, today, now: now.getTime(), eventTypes: types, hideCancelled: q.cancelled === 'hide', baseUrl: opts.baseUrl })
      const body = buildFeed({ name, description, uidHost, events, alarms: q.alarms === '1', refreshSeconds: REFRESH_SECONDS })
      // Monotonic: the last write, or the start of today (window roll-off and cancelled items expiring).
      const lastModified = Math.max(rev.at, localToInstant(`${today}T00:00`, FEED_ZONE).getTime())
      entry = cache.set(key, revision, body, lastModified)
    }

    reply
      .header('Content-Type', 'text/calendar; charset=utf-8')
      .header('ETag', entry.etag)
      .header('Last-Modified', new Date(entry.lastModified).toUTCString())
      .header('Cache-Control', `${isPrivate ? 'private' : 'public'}, max-age=${REFRESH_SECONDS}`)
      .header('X-Content-Type-Options', 'nosniff')
    if (notModified(request.headers as Record<string, string | undefined>, entry.etag, entry.lastModified)) {
      return reply.code(304).send(null)
    }
    return entry.body
  })
}
export default routes
