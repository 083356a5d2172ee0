import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type TObject } from 'typebox'
import { DateString, Int, Line, ListOf, ListQueryBase, RefParams, Slug, Strict, Timestamp, charsetOf, errorReplies } from '../schemas/common.js'
import { listReply } from '../schemas/list.js'
import { MoteplanQuery, MoteplanReply } from '../schemas/governance.js'
import { EventType, Package } from '../catalogue/schema.js'
import { AppError, badRequest } from '../shared/errors.js'
import { MAX_MEETINGS } from '../domain/moteplan-import.js'
import type { MoteplanSource } from '../services/moteplan.js'

const ApplyBody = Strict({ package: Type.Optional(Line(80)), municipality: Type.Optional(Slug), collaboration: Type.Optional(Slug) })
const MoteplanFile = Type.Unsafe<Buffer>({ description: 'Møteplanen som fil (bytes): UTF-8, UTF-16 med BOM eller Windows-1252; charset= i Content-Type bestemmer' })
const MoteplanJson = Strict({ meetings: Type.Array(Strict({ start: Type.String({ format: 'local-date-time', maxLength: 16, description: 'Lokal tid Europe/Oslo, YYYY-MM-DDTHH:mm' }), durationMinutes: Type.Optional(Int(1, 1440)) }), { minItems: 1, maxItems: MAX_MEETINGS }) })

const { q: _q, ...listQuery } = ListQueryBase
const CATALOGUE_MODIFIED = 'Katalogen (templates/) endres bare ved en ny versjon: modified er tidspunktet katalogen ble lastet, og modified_since etter det gir en tom liste.'
/** A catalogue item as listed: the item, and the catalogue's load time as `modified`. */
const listed = <T extends TObject>(schema: T, id: string) => Type.Object({ ...schema.properties, modified: Timestamp }, { $id: id })
const EventTypeItem = listed(EventType, 'EventTypeItem')
const PackageItem = listed(Package, 'PackageItem')
const ValgperiodeItem = Type.Object({
  electionYear: Type.Integer(),
  label: Type.String(),
  electionDay: DateString,
  decreed: Type.Boolean(),
  constitutionDeadline: DateString,
  start: DateString,
  startIsActual: Type.Boolean(),
  end: DateString,
  modified: Timestamp,
}, { $id: 'Valgperiode' })
const CatalogueQuery = Strict(listQuery)
const ValgperiodeQuery = Strict({ from: Type.Optional(DateString), to: Type.Optional(DateString), ...listQuery })

const routes: FastifyPluginAsyncTypebox<{ baseUrl: string }> = async (app, { baseUrl }) => {
  const packages = app.services.packages
  const moteplan = app.services.moteplan
  const modified = new Date(packages.catalogueModified).toISOString()

  /** One page of a catalogue list; items count as modified when the catalogue was loaded. */
  function page<T> (all: T[], path: string, q: { limit?: number; offset?: number; modified_since?: string }) {
    const limit = q.limit ?? 100
    const offset = q.offset ?? 0
    const items = q.modified_since !== undefined && new Date(q.modified_since).getTime() > packages.catalogueModified ? [] : all
    return listReply({ items: items.slice(offset, offset + limit).map(i => ({ ...i, modified })), total: items.length }, { baseUrl, path, query: q, limit, offset })
  }

  app.get('/event-types', { schema: { tags: ['Katalog'], summary: 'Hendelsestypene med lovgrunnlag', description: CATALOGUE_MODIFIED, querystring: CatalogueQuery, response: { 200: ListOf(EventTypeItem), ...errorReplies(400) } } }, async request =>
    page(packages.eventTypes(), '/api/v1/event-types', request.query))

  app.get('/packages', { schema: { tags: ['Katalog'], summary: 'Styringspakkene: hvilke hendelsestyper som gjelder hvem', description: CATALOGUE_MODIFIED, querystring: CatalogueQuery, response: { 200: ListOf(PackageItem), ...errorReplies(400) } } }, async request =>
    page(packages.packages(), '/api/v1/packages', request.query))

  app.post('/packages/apply', {
    schema: { tags: ['Katalog'], summary: 'Bruk pakker (idempotent); uten filter: alle pakker på alle (admin)', security: [{ bearer: [] }], body: ApplyBody, response: { 200: Type.Object({ created: Type.Integer(), existing: Type.Integer(), perPackage: Type.Record(Type.String(), Type.Integer()) }), ...errorReplies(400, 401, 403, 404) } },
  }, async request => packages.apply(request.body, request.actor))

  app.get('/valgperioder', {
    schema: { tags: ['Katalog'], summary: 'Valgperiodene (konstituering til konstituering)', description: `Uten from/to: fra 2019 til åtte år fram. ${CATALOGUE_MODIFIED}`, querystring: ValgperiodeQuery, response: { 200: ListOf(ValgperiodeItem), ...errorReplies(400) } },
  }, async request => page(packages.valgperioder(request.query), '/api/v1/valgperioder', request.query))

  // An adopted møteplan arrives as JSON, CSV or an iCal export from the political case system.
  // Files come as the bytes saved: the service finds the encoding (Excel's CSV is often Windows-1252) unless charset= names it.
  app.addContentTypeParser(['text/csv', 'text/calendar'], { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body))

  app.put('/bodies/:ref/moteplan', {
    schema: {
      tags: ['Organer'],
      summary: 'Last inn vedtatt møteplan (JSON, text/csv eller text/calendar) for en periode; dryRun=true forhåndsviser',
      description: [
        'Planen erstatter standardplanen eller en tidligere vedtatt plan **bare for perioden** (from–to; uten dem: hele kalenderårene planens møter ligger i).',
        'Møter i perioden på et tidspunkt planen også har, beholdes med status, saksnummer og notat; møter i perioden som planen ikke har, blir avlyst',
        '(de står som STATUS:CANCELLED i kalenderne i 30 dager); møter utenfor perioden og møter lagt inn som egne regler (f.eks. et ekstraordinært møte) røres ikke.',
        'Samme plan to ganger endrer ingenting.',
        '',
        '`dryRun=true` lagrer ingenting og svarer nøyaktig det en opplasting ville svart: møtene som legges til (`added`), avlyses (`removed`) og beholdes (`kept`, med id-ene de får), `changed` og advarsler.',
        '',
        'iCal: TZID må ha norsk tids forskyvning (egen VTIMEZONE, IANA-navn, også bak /mozilla.org/…-prefiks, eller Windows-navn som «W. Europe Standard Time»);',
        'RRULE (COUNT/UNTIL), RDATE, EXDATE og RECURRENCE-ID (flyttet eller avlyst møte) leses; tider uten tidssone leses som norsk tid, med en advarsel.',
        'CSV: første linje `sep=;` følges; overskrifter i vilkårlig rekkefølge (Dato; Tid/Start/Klokkeslett; Slutt/Til; Varighet; Utvalg/Organ; Sted), andre kolonner ignoreres;',
        'rader for et annet utvalg hoppes over med en advarsel. Det som ikke kan leses, avvises med 400 som nevner linjen (`body/line/<n>`).',
      ].join('\n'),
      security: [{ bearer: [] }],
      params: RefParams,
      querystring: MoteplanQuery,
      body: { content: { 'application/json': { schema: MoteplanJson }, 'text/csv': { schema: MoteplanFile }, 'text/calendar': { schema: MoteplanFile } } },
      response: { 200: MoteplanReply, ...errorReplies(400, 401, 403, 404, 413, 415) },
    },
  }, async request => {
    const contentType = request.headers['content-type'] ?? ''
    const body = request.body as Buffer | { meetings: Array<{ start: string; durationMinutes?: number }> }
    let source: MoteplanSource
    if (Buffer.isBuffer(body)) {
      if (body.length === 0) throw badRequest('moteplan.empty', 'body', 'fila er tom')
      const bytes = new Uint8Array(body.buffer, body.byteOffset, body.length)
      const charset = charsetOf(contentType)
      if (contentType.startsWith('text/calendar')) source = { format: 'ical', bytes, charset }
      else source = { format: 'csv', bytes, charset }
    } else if (typeof body === 'object' && body !== null) source = { format: 'json', meetings: body.meetings }
    else throw new AppError(415, 'unsupported_media_type', 'Send møteplanen som application/json, text/csv eller text/calendar')
    const { dryRun = false, from, to } = request.query
    if (dryRun) return { ...await moteplan.preview(request.params.ref, source, request.actor, { from, to }), dryRun: true }
    return { ...await moteplan.adopt(request.params.ref, source, request.actor, { from, to }), dryRun: false }
  })
}
export default routes
