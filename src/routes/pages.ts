import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { localDateOf } from '../domain/local-time.js'
import { yearOf } from '../domain/calendar-date.js'
import { AppError } from '../shared/errors.js'
import { pageTemplatesDir } from '../pages/render.js'
import { pageScope } from '../plugins/pages.js'
import { resolveSubject } from '../pages/subject.js'
import { FIRST_YEAR, LAST_YEAR, followUpCsv, followUpPage, followUpRows, wheelData, wheelPage, type PageContext } from '../pages/pages.js'
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

const ASSETS: Record<string, string> = { 'arshjul.css': 'text/css; charset=utf-8', 'arshjul.js': 'text/javascript; charset=utf-8' }

const SubjectQuery = Type.Object({
  municipality: Type.Optional(Line(200)),
  body: Type.Optional(Line(200)),
  collaboration: Type.Optional(Line(200)),
  year: Type.Optional(Line(20)),
})
type SubjectQuery = { municipality?: string; body?: string; collaboration?: string; year?: string }
const MunicipalityQuery = Type.Object({ municipality: Type.Optional(Line(200)) })
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
    ({ services: app.services, viewer: viewerOf(request.actor), baseUrl, today: localDateOf(app.clock.now(), ZONE) })
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

  app.get<{ Querystring: SubjectQuery }>('/oppfolging', { schema }, async (request, reply) => {
    const ctx = context(request)
    return html(reply, 'oppfolging', await followUpPage(ctx, await resolveSubject(ctx, request.query)))
  })

  app.get<{ Querystring: SubjectQuery }>('/oppfolging.csv', {
    schema: described('Oppfølgingslisten som CSV (norsk Excel)', 'text/csv', 'Forfalte og kommende frister, semikolonseparert, UTF-8 med BOM'),
  }, async (request, reply) => {
    const ctx = context(request)
    const subject = await resolveSubject(ctx, request.query)
    const { rows } = await followUpRows(ctx, subject)
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="oppfolging-${subject.slug}-${ctx.today}.csv"`)
      .send(followUpCsv(rows))
  })

  app.get<{ Params: { file: string } }>('/assets/:file', { schema: { hide: true } }, async (request, reply) => {
    const type = Object.hasOwn(ASSETS, request.params.file) ? ASSETS[request.params.file] : undefined
    if (!type) throw new AppError(404, 'pages.asset_not_found', 'Filen finnes ikke.')
    return reply.type(type).header('cache-control', 'public, max-age=3600').send(assets[request.params.file])
  })
}
export default routes
