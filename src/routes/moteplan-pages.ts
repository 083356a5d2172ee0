// The møteplan pages (issue 14): a body's meetings, uploading its adopted plan (CSV or iCal) with issue 10's
// preview before anything is saved, an extra meeting, and cancelling one. Every change goes through the same
// services as the JSON API: services.moteplan (PUT /api/v1/bodies/:ref/moteplan), services.rules (POST
// /api/v1/rules) and services.occurrences.change (PATCH /api/v1/occurrences/:id).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import multipart from '@fastify/multipart'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { compareDates, isSupportedDate } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import { formatDtstart } from '../domain/recurrence.js'
import { verifyCsrf } from '../plugins/auth.js'
import { pageScope, requireSession } from '../plugins/pages.js'
import { feedLinks } from '../presenters/urls.js'
import { displayTitle, formatDateTimeLong, formatDate, statusLabel } from '../presenters/vocabulary.js'
import { viewerOf, type Actor } from '../services/access.js'
import type { BodyRow } from '../services/bodies.js'
import type { MoteplanAdoption, MoteplanSource } from '../services/moteplan.js'
import { AppError, ServiceError } from '../shared/errors.js'
import { Line } from '../schemas/common.js'

const ZONE = 'Europe/Oslo'
/** The largest plan file accepted (bytes). A council's plan for a year is a few kilobytes. */
export const MAX_PLAN_FILE_BYTES = 1024 * 1024
/** The keep form carries the file as base64url: 4/3 of the file, plus the other fields. */
const KEEP_BODY_LIMIT = Math.ceil(MAX_PLAN_FILE_BYTES * 4 / 3) + 16 * 1024
const FORMAT_LABELS = { csv: 'CSV', ical: 'iCal' } as const
type PlanFormat = keyof typeof FORMAT_LABELS

const BodyParams = Type.Object({ body: Line(80, { minLength: 1, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }) })
const KeepForm = Type.Object({
  _csrf: Type.Optional(Line(200)),
  format: Type.Union([Type.Literal('csv'), Type.Literal('ical')]),
  filnavn: Type.Optional(Type.String({ maxLength: 300 })),
  fra: Type.Optional(Type.String({ maxLength: 10, pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' })),
  til: Type.Optional(Type.String({ maxLength: 10, pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' })),
  fil: Type.String({ minLength: 1, maxLength: KEEP_BODY_LIMIT, pattern: '^[A-Za-z0-9_-]+$' }),
  kontroll: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
  utfall: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
})
type KeepForm = { _csrf?: string; format: PlanFormat; filnavn?: string; fra?: string; til?: string; fil: string; kontroll: string; utfall: string }
/** The period a plan replaces, as the form gives it (empty: the calendar years of its meetings). */
type Period = { from?: string; to?: string }
const ExtraForm = Type.Object({
  _csrf: Type.Optional(Line(200)),
  dato: Type.Optional(Line(40)),
  start: Type.Optional(Line(20)),
  slutt: Type.Optional(Line(20)),
  tittel: Type.Optional(Line(300)),
})
type ExtraForm = { dato?: string; start?: string; slutt?: string; tittel?: string }
const CancelForm = Type.Object({ _csrf: Type.Optional(Line(200)), mote: Line(120, { minLength: 1, pattern: '^\\d+-\\d{8}T\\d{4}$' }) })

/** A field's problem on a form: the field's id and a Norwegian message. */
export interface FieldProblem { field: string; message: string }

/**
 * Reads the extra-meeting form: date (YYYY-MM-DD), start and optional end (HH:mm, the same day, after the start).
 * Returns the local start 'YYYY-MM-DDTHH:mm' and the duration in minutes (null: the event type's default), or the problems.
 */
export function readExtraMeeting (form: ExtraForm): { local: string; durationMinutes: number | null; title: string | null } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = []
  const date = (form.dato ?? '').trim()
  const start = (form.start ?? '').trim()
  const end = (form.slutt ?? '').trim()
  const time = /^([01]\d|2[0-3]):[0-5]\d$/
  if (!date) problems.push({ field: 'dato', message: 'Dato mangler.' })
  else if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !isSupportedDate(date)) problems.push({ field: 'dato', message: `Dato «${date}» er ikke en gyldig dato (ÅÅÅÅ-MM-DD).` })
  if (!start) problems.push({ field: 'start', message: 'Starttid mangler.' })
  else if (!time.test(start)) problems.push({ field: 'start', message: `Starttid «${start}» er ikke et klokkeslett (TT:MM).` })
  let durationMinutes: number | null = null
  if (end) {
    if (!time.test(end)) problems.push({ field: 'slutt', message: `Sluttid «${end}» er ikke et klokkeslett (TT:MM).` })
    else if (time.test(start)) {
      const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))
      durationMinutes = minutes(end) - minutes(start)
      if (durationMinutes <= 0) problems.push({ field: 'slutt', message: 'Sluttid må være etter starttid samme dag.' })
    }
  }
  if (problems.length) return { problems }
  const title = (form.tittel ?? '').trim()
  return { local: `${date}T${start}`, durationMinutes, title: title || null }
}

/** The plan format: from the file name's extension, else from the content (an iCal file begins with BEGIN:VCALENDAR). */
export function planFormatOf (filename: string, bytes: Uint8Array): PlanFormat {
  if (/\.(ics|ical|ifb|icalendar)$/i.test(filename)) return 'ical'
  if (/\.(csv|txt)$/i.test(filename)) return 'csv'
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1').replace(/\0/g, '')
  return /BEGIN:VCALENDAR/i.test(head) ? 'ical' : 'csv'
}

/** What the person saw in the preview, as a short hash: the period and the meetings added, removed and kept (wall times). */
export function outcomeHash (change: Pick<MoteplanAdoption, 'period' | 'added' | 'removed' | 'kept'>): string {
  const seen = { period: change.period, added: change.added.map(m => m.local), removed: change.removed.map(m => m.local), kept: change.kept.map(m => m.local) }
  return createHash('sha256').update(JSON.stringify(seen)).digest('base64url').slice(0, 43)
}

/** A service's complaint about the file, as the page shows it: 'Linje 4: …' for a line of the file. */
function fileProblem (err: ServiceError): string {
  const line = /^(?:body\/)?line\/(\d+)/.exec(err.field ?? '')
  return line ? `Linje ${line[1]}: ${err.message}` : err.message
}

const routes: FastifyPluginAsync<{ baseUrl: string }> = async (app, { baseUrl }) => {
  await pageScope(app)
  // Only these routes read multipart bodies (the file upload); every other route keeps refusing them.
  await app.register(multipart, { limits: { fileSize: MAX_PLAN_FILE_BYTES, files: 1, fields: 6, fieldSize: 1000, parts: 8 } })
  const services = app.services
  // Binds a preview's keep form to the file it previewed: the file travels through the browser, so a
  // changed file is refused without keeping state on the server (any instance can take the second POST).
  const macKey = await services.people.deploymentSecret('moteplan-forhandsvisning')
  const mac = (bodyId: number, format: string, period: Period, fil: string) =>
    createHmac('sha256', macKey).update(`${bodyId}\n${format}\n${period.from ?? ''}\n${period.to ?? ''}\n${fil}`).digest('base64url')
  const today = () => localDateOf(app.clock.now(), ZONE)

  /** The body the page is about: 404 when it is unknown, deleted or private to this reader. */
  async function pageBody (request: FastifyRequest, slug: string): Promise<{ row: BodyRow; ownerName: string; mayChange: boolean }> {
    const row = await services.bodies.find(slug)
    const hidden = () => new AppError(404, 'pages.body_not_found', 'Organet finnes ikke.')
    if (!row || row.deleted) throw hidden()
    const visibility = await services.access.visibility(viewerOf(request.actor))
    if (!visibility.canSeeBody(row.id)) throw hidden()
    const view = await services.bodies.view(row)
    const mayChange = await services.access.mayChange(request.actor, { bodyIds: [row.id] })
    return { row, ownerName: view.owner.name, mayChange }
  }

  /** The body's meetings this year and next (cancelled ones too), for the page. */
  async function meetingsOf (request: FastifyRequest, body: BodyRow) {
    const day = today()
    const from = `${day.slice(0, 4)}-01-01`
    const to = `${Number(day.slice(0, 4)) + 1}-12-31`
    const items = await services.occurrences.list({ from, to, body: body.slug }, viewerOf(request.actor))
    return {
      from,
      to,
      meetings: items.filter(o => o.kind === 'meeting' && o.responsibleBody?.id === body.id && o.localStart !== null).map(o => ({
        id: o.id,
        when: formatDateTimeLong(o.localStart!),
        title: displayTitle(o),
        status: o.status,
        statusLabel: statusLabel(o.status),
        plan: o.origin === 'moteplan_adopted' ? 'Vedtatt møteplan' : o.origin === 'moteplan_default' ? 'Foreløpig (standardplan)' : o.origin === 'manual' ? 'Eget møte' : 'Annet',
        past: compareDates(o.date, day) < 0,
      })),
    }
  }

  interface PageState { problems?: FieldProblem[]; extra?: ExtraForm; uploadProblem?: string | null; period?: Period }

  async function showPage (request: FastifyRequest, reply: FastifyReply, slug: string, state: PageState = {}, status = 200) {
    const { row, ownerName, mayChange } = await pageBody(request, slug)
    const { from, to, meetings } = await meetingsOf(request, row)
    return reply.page('moteplan', {
      pageTitle: `Møteplan for ${row.name}`,
      body: { slug: row.slug, name: row.name, ownerName },
      period: `${formatDate(from)}–${formatDate(to)}`,
      meetings,
      feed: row.feedVisibility === 'public' ? { name: row.name, ...feedLinks(baseUrl, 'bodies', row.slug) } : null,
      mayChange,
      signedIn: request.actor?.via === 'session',
      maxMb: MAX_PLAN_FILE_BYTES / 1024 / 1024,
      problems: state.problems ?? [],
      extra: state.extra ?? {},
      uploadProblem: state.uploadProblem ?? null,
      planPeriod: { fra: state.period?.from ?? '', til: state.period?.to ?? '' },
    }, status)
  }

  /** Renders the preview with its keep form (the file as base64url, bound to it by a MAC). */
  function showPreview (reply: FastifyReply, body: BodyRow, preview: MoteplanAdoption, file: { format: PlanFormat; bytes: Uint8Array; filename: string; period: Period }, notice: string | null, status = 200) {
    const fil = Buffer.from(file.bytes).toString('base64url')
    const row = (m: { local: string }) => formatDateTimeLong(m.local)
    return reply.page('moteplan-forhandsvisning', {
      pageTitle: `Forhåndsvisning av møteplan for ${body.name}`,
      body: { slug: body.slug, name: body.name },
      notice,
      filename: file.filename,
      formatLabel: FORMAT_LABELS[file.format],
      period: `${formatDate(preview.period.from)}–${formatDate(preview.period.to)}`,
      meetings: preview.meetings,
      changed: preview.changed,
      added: preview.added.map(row),
      removed: preview.removed.map(row),
      kept: preview.kept.map(row),
      warnings: preview.warnings.map(w => (w.line !== null ? `Linje ${w.line}: ${w.message}` : w.message)),
      keep: { format: file.format, filnavn: file.filename, fra: file.period.from ?? '', til: file.period.to ?? '', fil, kontroll: mac(body.id, file.format, file.period, fil), utfall: outcomeHash(preview) },
    }, status)
  }

  app.get<{ Params: { body: string } }>('/moteplan/:body', { schema: { hide: true, params: BodyParams } }, async (request, reply) =>
    showPage(request, reply, request.params.body))

  // (a) The upload: multipart, so the CSRF token is read from the form's fields and checked here.
  app.post<{ Params: { body: string } }>('/moteplan/:body/forhandsvis', {
    schema: { hide: true, params: BodyParams },
    config: { csrf: 'handler' },
    bodyLimit: MAX_PLAN_FILE_BYTES + 64 * 1024,
  }, async (request, reply) => {
    const actor = requireSession(request)
    if (!request.isMultipart()) throw new AppError(415, 'pages.multipart', 'Skjemaet må sendes som filopplasting (multipart/form-data).')
    let token: string | undefined
    const period: Period = {}
    const periodProblems: FieldProblem[] = []
    let file: { filename: string; bytes: Uint8Array } | null = null
    let tooLarge = false
    // A body the multipart parser cannot read (no boundary, cut off before its end) is the sender's mistake:
    // 400, not a 500 (found by `npm run fuzz`). Errors of @fastify/multipart itself carry their own status.
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (part.fieldname === '_csrf' && typeof part.value === 'string') token = part.value
          else if ((part.fieldname === 'fra' || part.fieldname === 'til') && typeof part.value === 'string' && part.value.trim() !== '') {
            const value = part.value.trim()
            const label = part.fieldname === 'fra' ? 'Gjelder fra' : 'Gjelder til'
            if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !isSupportedDate(value)) periodProblems.push({ field: part.fieldname, message: `${label}: «${value.slice(0, 40)}» er ikke en gyldig dato (ÅÅÅÅ-MM-DD).` })
            else period[part.fieldname === 'fra' ? 'from' : 'to'] = value
          }
        } else if (part.fieldname === 'fil') {
          const buffer = await part.toBuffer().catch((err: { code?: string }) => {
            if (err.code === 'FST_REQ_FILE_TOO_LARGE') { tooLarge = true; return null }
            throw err
          })
          if (buffer && part.filename) file = { filename: part.filename.slice(0, 200), bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length) }
        } else await part.toBuffer()
      }
    } catch (err) {
      if (err instanceof AppError || typeof (err as { statusCode?: unknown }).statusCode === 'number') throw err
      throw new AppError(400, 'pages.multipart_invalid', 'Skjemaet med filen kom ikke fram helt. Velg filen og prøv igjen.')
    }
    await verifyCsrf(app, request, reply, token)
    const slug = request.params.body
    const { row, mayChange } = await pageBody(request, slug)
    if (!mayChange) await services.access.assertMayChange(actor, { bodyIds: [row.id] })
    if (tooLarge) return showPage(request, reply, slug, { uploadProblem: `Filen er for stor. Største tillatte størrelse er ${MAX_PLAN_FILE_BYTES / 1024 / 1024} MB.` }, 413)
    if (periodProblems.length) return showPage(request, reply, slug, { problems: periodProblems, period }, 400)
    if (!file || file.bytes.length === 0) return showPage(request, reply, slug, { uploadProblem: file ? 'Filen er tom.' : 'Velg en fil med møteplanen (CSV eller iCal).', period }, 400)
    const format = planFormatOf(file.filename, file.bytes)
    const source: MoteplanSource = { format, bytes: file.bytes }
    let preview: MoteplanAdoption
    try {
      preview = await services.moteplan.preview(row.slug, source, actor, period)
    } catch (err) {
      if (err instanceof ServiceError && err.kind === 'invalid') {
        if (err.field === 'from' || err.field === 'to') return showPage(request, reply, slug, { problems: [{ field: err.field === 'from' ? 'fra' : 'til', message: `Perioden: ${err.message}` }], period }, 400)
        return showPage(request, reply, slug, { uploadProblem: `Filen «${file.filename}» kunne ikke leses som ${FORMAT_LABELS[format]}: ${fileProblem(err)}`, period }, 400)
      }
      throw err
    }
    return showPreview(reply, row, preview, { format, bytes: file.bytes, filename: file.filename, period }, null)
  })

  // Keeping the previewed plan: the same file again (checked against the preview's MAC), adopted only when the
  // outcome is still the one the person saw.
  app.post<{ Params: { body: string }; Body: KeepForm }>('/moteplan/:body/behold', {
    schema: { hide: true, params: BodyParams, body: KeepForm },
    bodyLimit: KEEP_BODY_LIMIT,
  }, async (request, reply) => {
    const actor = requireSession(request)
    const { row } = await pageBody(request, request.params.body)
    await services.access.assertMayChange(actor, { bodyIds: [row.id] })
    const form = request.body
    const period: Period = { ...(form.fra ? { from: form.fra } : {}), ...(form.til ? { to: form.til } : {}) }
    const expected = Buffer.from(mac(row.id, form.format, period, form.fil))
    const given = Buffer.from(form.kontroll)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new AppError(400, 'pages.moteplan_changed', 'Filen i skjemaet er ikke den som ble forhåndsvist. Last opp møteplanen på nytt.')
    }
    const bytes = new Uint8Array(Buffer.from(form.fil, 'base64url'))
    const source: MoteplanSource = { format: form.format, bytes }
    const filename = (form.filnavn ?? '').slice(0, 200)
    const now = await services.moteplan.preview(row.slug, source, actor, period)
    if (outcomeHash(now) !== form.utfall) {
      // Someone changed the body's meetings after the preview: show what keeping it would do now.
      return showPreview(reply, row, now, { format: form.format, bytes, filename, period },
        'Møtene er endret siden forhåndsvisningen, så ingenting er lagret. Se over endringene på nytt før du beholder planen.', 409)
    }
    const adopted = await services.moteplan.adopt(row.slug, source, actor, period)
    const message = adopted.changed
      ? `Møteplanen er lagret: ${adopted.added.length} lagt til, ${adopted.removed.length} avlyst, ${adopted.kept.length} beholdt.`
      : 'Møteplanen var allerede lagret; ingenting er endret.'
    return reply.flashRedirect(`/moteplan/${row.slug}`, message)
  })

  // (b) An extra meeting: a rule of its own (origin 'manual'), as POST /api/v1/rules makes it; an adopted plan never touches it.
  app.post<{ Params: { body: string }; Body: ExtraForm }>('/moteplan/:body/ekstra-mote', {
    schema: { hide: true, params: BodyParams, body: ExtraForm },
  }, async (request, reply) => {
    const actor = requireSession(request)
    const slug = request.params.body
    const { row } = await pageBody(request, slug)
    await services.access.assertMayChange(actor, { bodyIds: [row.id] })
    const read = readExtraMeeting(request.body)
    if ('problems' in read) return showPage(request, reply, slug, { problems: read.problems, extra: request.body }, 400)
    const view = await services.bodies.view(row)
    try {
      await services.rules.create({
        eventType: 'mote',
        ...(view.owner.type === 'municipality' ? { municipality: view.owner.slug } : { collaboration: view.owner.slug }),
        responsibleBody: row.slug,
        title: read.title,
        dtstart: formatDtstart({ allDay: false, local: read.local, timeZone: ZONE }),
        ...(read.durationMinutes !== null ? { durationMinutes: read.durationMinutes } : {}),
      }, actor as Actor)
    } catch (err) {
      // The schedule checks (e.g. no start between 02:00 and 03:00 on the autumn DST night) name the time field.
      if (err instanceof ServiceError && err.kind === 'invalid') return showPage(request, reply, slug, { problems: [{ field: 'start', message: err.message }], extra: request.body }, 400)
      throw err
    }
    return reply.flashRedirect(`/moteplan/${row.slug}`, `Ekstra møte ${formatDateTimeLong(read.local)} er lagt til.`)
  })

  // (c) Cancelling one meeting: its status becomes cancelled, as PATCH /api/v1/occurrences/:id does; calendars get STATUS:CANCELLED.
  app.post<{ Params: { body: string }; Body: { mote: string } }>('/moteplan/:body/avlys', {
    schema: { hide: true, params: BodyParams, body: CancelForm },
  }, async (request, reply) => {
    const actor = requireSession(request)
    const { row } = await pageBody(request, request.params.body)
    await services.access.assertMayChange(actor, { bodyIds: [row.id] })
    const meeting = await services.occurrences.get(request.body.mote, viewerOf(actor))
    if (meeting.responsibleBody?.id !== row.id || meeting.kind !== 'meeting') throw new AppError(404, 'pages.meeting_not_found', 'Møtet finnes ikke i dette organets møteplan.')
    await services.occurrences.change(meeting.id, { status: 'cancelled' }, actor)
    return reply.flashRedirect(`/moteplan/${row.slug}`, `Møtet ${formatDateTimeLong(meeting.localStart ?? meeting.date)} er avlyst.`)
  })
}
export default routes
