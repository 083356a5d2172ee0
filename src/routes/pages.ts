import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { localDateOf } from '../domain/local-time.js'
import { yearOf } from '../domain/calendar-date.js'
import { AppError } from '../shared/errors.js'
import { pageTemplatesDir } from '../pages/render.js'
import { pageScope, requireSession } from '../plugins/pages.js'
import { resolveSubject } from '../pages/subject.js'
import {
  BULK_MARKS, FIRST_YEAR, FOLLOW_UP_STATUS_FILTERS, LAST_YEAR, filterParams, followUpCsv, followUpPage, followUpRows, parseBulkForm, wheelData, wheelPage,
  type FollowUpFilter, type FollowUpStatusFilter, type PageContext,
} from '../pages/pages.js'
import { followUpUrl } from '../presenters/urls.js'
import { MAX_BULK_CHANGE } from '../services/occurrences.js'
import { collaborationsPage, municipalityPage, startPage } from '../pages/start-page.js'
import { viewerOf } from '../services/access.js'
import { Line } from '../schemas/common.js'

const ZONE = 'Europe/Oslo'

// The pages' CSP and X-Content-Type-Options are helmet's (src/plugins/protection.ts). The standalone SVG's own, stricter one never
// runs script, also when opened directly rather than through <img>, and any site may frame it.
const SVG_HELMET = {
  contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'none'"], 'style-src': ["'unsafe-inline'"], 'frame-ancestors': ['*'] } },
  xFrameOptions: false,
} as const

const ASSETS: Record<string, string> = { 'arshjul.css': 'text/css; charset=utf-8', 'kontroll.css': 'text/css; charset=utf-8', 'arshjul.js': 'text/javascript; charset=utf-8' }

const SubjectQuery = Type.Object({
  municipality: Type.Optional(Line(200)),
  body: Type.Optional(Line(200)),
  collaboration: Type.Optional(Line(200)),
  year: Type.Optional(Line(20)),
})
type SubjectQuery = { municipality?: string; body?: string; collaboration?: string; year?: string }
const MunicipalityQuery = Type.Object({ municipality: Type.Optional(Line(200)) })
// The follow-up list's filters: a responsible body's slug, an event type's key, a situation (Forfalt, Snart frist, Kommer) or "under arbeid".
const FollowUpQuery = Type.Object({
  ...SubjectQuery.properties,
  responsible: Type.Optional(Line(200)),
  type: Type.Optional(Line(200)),
  status: Type.Optional(Line(40)),
})
type FollowUpQuery = SubjectQuery & { responsible?: string; type?: string; status?: string }
// The bulk form's fields are loose strings: the page module checks them and shows the form again naming the field.
const BulkBody = Type.Object({
  _csrf: Type.Optional(Line(200)),
  id: Type.Optional(Type.Union([Line(200), Type.Array(Line(200), { maxItems: MAX_BULK_CHANGE })])),
  merk: Type.Optional(Line(40)),
  dato: Type.Optional(Line(100)),
  saksnummer: Type.Optional(Line(1000)),
  ...FollowUpQuery.properties,
}, { additionalProperties: false })
type BulkBody = FollowUpQuery & { id?: string | string[]; merk?: string; dato?: string; saksnummer?: string }
const CollaborationsQuery = Type.Object({ q: Type.Optional(Line(200)), page: Type.Optional(Line(20)) })

/**
 * The human pages: start page, a municipality's page, the collaborations (paged), the årshjul (HTML and standalone SVG) and the follow-up list (HTML and CSV).
 * They read through the services with the request's viewer: a private body's items appear only to admins
 * and editors of its municipality (Authorization: Bearer). The HTML pages are hidden from the API spec;
 * the SVG and the CSV, which other systems fetch, are documented with their media types.
 */
const routes: FastifyPluginAsync<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const render = app.pageRenderer
  const assets = Object.fromEntries(Object.keys(ASSETS).map(name => [name, readFileSync(path.join(pageTemplatesDir, 'assets', name), 'utf8')]))
  const context = (request: FastifyRequest): PageContext =>
    ({ services: app.services, viewer: viewerOf(request.actor), actor: request.actor, baseUrl, today: localDateOf(app.clock.now(), ZONE) })
  const html = (reply: FastifyReply, template: string, data: object) => reply.page(template, data)
  const schema = { hide: true, querystring: SubjectQuery }
  const tags = ['Sider']
  const described = (summary: string, mediaType: string, description: string) => ({
    tags,
    summary,
    querystring: SubjectQuery,
    response: {
      200: { description, content: { [mediaType]: { schema: { type: 'string' } } } },
      400: { description: 'Ugyldig adresse (feilside)', content: { 'text/html': { schema: { type: 'string' } } } },
      404: { description: 'Ukjent eller skjult kommune, organ eller samarbeid (feilside)', content: { 'text/html': { schema: { type: 'string' } } } },
    },
  })

  function parseYear (raw: string | undefined, today: string): number {
    if (raw === undefined || raw === '') return yearOf(today)
    const year = /^\d{4}$/.test(raw) ? Number(raw) : NaN
    if (!(year >= FIRST_YEAR && year <= LAST_YEAR)) throw new AppError(400, 'pages.year', `Året må være et årstall fra ${FIRST_YEAR} til ${LAST_YEAR}.`)
    return year
  }

  // Pages answer errors with a page, in Norwegian; the API's JSON error handler stays as it is.
  await pageScope(app)

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const data = await startPage(context(request))
    return html(reply, data.template, data)
  })

  app.get<{ Querystring: { municipality?: string } }>('/kommune', { schema: { hide: true, querystring: MunicipalityQuery } }, async (request, reply) =>
    html(reply, 'kommune', await municipalityPage(context(request), request.query.municipality)))

  app.get<{ Querystring: { q?: string; page?: string } }>('/samarbeid', { schema: { hide: true, querystring: CollaborationsQuery } }, async (request, reply) =>
    html(reply, 'samarbeid', await collaborationsPage(context(request), request.query)))

  app.get<{ Querystring: SubjectQuery }>('/arshjul', { schema }, async (request, reply) => {
    const ctx = context(request)
    const subject = await resolveSubject(ctx, request.query)
    return html(reply, 'arshjul', await wheelPage(ctx, subject, parseYear(request.query.year, ctx.today)))
  })

  app.get<{ Querystring: SubjectQuery }>('/arshjul.svg', {
    helmet: SVG_HELMET,
    schema: described('Årshjulet som frittstående SVG (for <img>)', 'image/svg+xml', 'SVG-bilde av årshjulet for én kommune, ett organ eller ett samarbeid'),
  }, async (request, reply) => {
    const ctx = context(request)
    const subject = await resolveSubject(ctx, request.query)
    const { wheel } = await wheelData(ctx, subject, parseYear(request.query.year, ctx.today))
    // What an anonymous reader sees may be cached by anyone; a signed-in view only by the reader's own browser.
    return reply.type('image/svg+xml; charset=utf-8')
      .header('cache-control', `${request.actor ? 'private' : 'public'}, max-age=300`).header('vary', 'Authorization')
      .send(`<?xml version="1.0" encoding="UTF-8"?>\n${render('wheel-svg', { wheel, standalone: true })}`)
  })

  /** The filter from the query: 400 naming `status` for an unknown status; a body or type that matches nothing just shows no rows. */
  function parseFilter (q: FollowUpQuery): FollowUpFilter {
    const status = q.status || undefined
    if (status !== undefined && !(FOLLOW_UP_STATUS_FILTERS as readonly string[]).includes(status)) {
      throw new AppError(400, 'pages.status', `Ukjent status «${status}»: velg ${FOLLOW_UP_STATUS_FILTERS.join(', ')}.`)
    }
    return { responsible: q.responsible || undefined, type: q.type || undefined, status: status as FollowUpStatusFilter | undefined }
  }

  app.get<{ Querystring: FollowUpQuery }>('/oppfolging', { schema: { hide: true, querystring: FollowUpQuery } }, async (request, reply) => {
    const ctx = context(request)
    return html(reply, 'oppfolging', await followUpPage(ctx, await resolveSubject(ctx, request.query), parseFilter(request.query)))
  })

  app.get<{ Querystring: FollowUpQuery }>('/oppfolging.csv', {
    schema: { ...described('Oppfølgingslisten som CSV (norsk Excel)', 'text/csv', 'Forfalte, snart forfalte (innen 14 dager) og kommende frister, semikolonseparert, UTF-8 med BOM; kolonnen Situasjon sier hvilken'), querystring: FollowUpQuery },
  }, async (request, reply) => {
    const ctx = context(request)
    const subject = await resolveSubject(ctx, request.query)
    const { rows } = await followUpRows(ctx, subject, parseFilter(request.query))
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="oppfolging-${subject.slug}-${ctx.today}.csv"`)
      .send(followUpCsv(rows))
  })

  // Marks several rows of the follow-up list delivered or treated in one step (issue 14), through the same
  // service as PATCH /api/v1/occurrences/:id: all or nothing. 401 without a session; 403 (a page naming the
  // item, nothing changed) when any row is outside the person's scope; 400 with the page shown again for bad input.
  app.post<{ Body: BulkBody }>('/oppfolging/marker', { schema: { hide: true, body: BulkBody } }, async (request, reply) => {
    const actor = requireSession(request)
    const ctx = context(request)
    const body = request.body ?? {}
    const subject = await resolveSubject(ctx, body)
    const filter = parseFilter(body)
    const back = `${followUpUrl(subject)}${filterParams(filter)}`
    const parsed = parseBulkForm(body, ctx.today)
    if ('errors' in parsed) return reply.page('oppfolging', await followUpPage(ctx, subject, filter, parsed), 400)
    const changed = await app.services.occurrences.changeMany(parsed.ids, parsed.change, actor)
    return reply.flashRedirect(back, `${changed.length} ${changed.length === 1 ? 'frist' : 'frister'} markert som ${BULK_MARKS[parsed.status].word}.`)
  })

  app.get<{ Params: { file: string } }>('/assets/:file', { schema: { hide: true } }, async (request, reply) => {
    const type = Object.hasOwn(ASSETS, request.params.file) ? ASSETS[request.params.file] : undefined
    if (!type) throw new AppError(404, 'pages.asset_not_found', 'Filen finnes ikke.')
    return reply.type(type).header('cache-control', 'public, max-age=3600').send(assets[request.params.file])
  })
}
export default routes
