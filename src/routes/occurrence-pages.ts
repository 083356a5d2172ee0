import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { localDateOf } from '../domain/local-time.js'
import { pageScope } from '../plugins/pages.js'
import {
  occurrencePage, parseMoveForm, parseNoteForm, parseStatusForm, serviceProblem, statusDoneMessage,
  type FormProblem, type FormValues, type OccurrencePageContext,
} from '../pages/occurrence-page.js'
import { occurrencePageUrl } from '../presenters/urls.js'
import { Line, Text } from '../schemas/common.js'
import { OccurrenceIdParams } from '../schemas/governance.js'
import { viewerOf } from '../services/access.js'
import type { OccurrenceChange } from '../services/occurrences.js'

const ZONE = 'Europe/Oslo'

// The forms' fields are loose strings here (a form never gets a bare 400 page for a typo): the page
// module checks them and shows the form again naming the field.
const StatusForm = Type.Object({
  _csrf: Type.Optional(Line(200)),
  status: Type.Optional(Line(40)),
  dato: Type.Optional(Line(100)),
  saksnummer: Type.Optional(Line(1000)),
  saksUrl: Type.Optional(Line(2000)),
}, { additionalProperties: false })
const NoteForm = Type.Object({ _csrf: Type.Optional(Line(200)), notat: Type.Optional(Text(10_000)) }, { additionalProperties: false })
const MoveForm = Type.Object({ _csrf: Type.Optional(Line(200)), nyDato: Type.Optional(Line(100)), nyTid: Type.Optional(Line(100)) }, { additionalProperties: false })

type Form = Record<string, string | undefined>
/** A form read: the change and the message after saving it, or the problems naming the fields. */
type Parsed = { change: OccurrenceChange; message: string } | { errors: FormProblem['errors']; values: FormValues }

/**
 * One page per occurrence (issue 14): /hendelse/<id>, what feeds, reports and reminder e-mails link to.
 * Anyone who may see the occurrence reads it; a private body's occurrence is 404 to others. Those who
 * may change it (an editor of its municipality, an admin; signed in) get forms that post here and go
 * through `services.occurrences.change`, the service behind PATCH /api/v1/occurrences/:id: 401 without
 * a session, 403 (a page) outside the editor's scope, 400 with the form shown again for bad input.
 */
const routes: FastifyPluginAsync<{ baseUrl: string }> = async (app, { baseUrl }) => {
  await pageScope(app)
  const occurrences = app.services.occurrences
  const schema = { hide: true, params: OccurrenceIdParams }
  const context = (request: FastifyRequest): OccurrencePageContext =>
    ({ services: app.services, viewer: viewerOf(request.actor), actor: request.actor, baseUrl, today: localDateOf(app.clock.now(), ZONE), catalogue: app.catalogue })

  app.get<{ Params: { id: string } }>('/hendelse/:id', { schema }, async (request, reply) => {
    const data = await occurrencePage(context(request), request.params.id)
    return reply.page('hendelse', data)
  })

  /** Parses a form, calls the service, and either redirects with a message or shows the page again (400). */
  async function save (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, form: FormProblem['form'], parse: () => Promise<Parsed>) {
    const { id } = request.params
    // Who may change it is checked before any input is judged: a 401 or 403 says nothing about the form.
    await occurrences.get(id, viewerOf(request.actor))
    await occurrences.assertMayChange(id, request.actor)
    const parsed = await parse()
    if ('errors' in parsed) return reply.page('hendelse', await occurrencePage(context(request), id, { form, ...parsed }), 400)
    if (Object.keys(parsed.change).length === 0) return reply.flashRedirect(occurrencePageUrl('', id), 'Ingen endringer å lagre.')
    try {
      await occurrences.change(id, parsed.change, request.actor ?? null)
    } catch (err) {
      const problem = serviceProblem(err, form, request.body as FormValues)
      if (!problem) throw err
      return reply.page('hendelse', await occurrencePage(context(request), id, problem), 400)
    }
    return reply.flashRedirect(occurrencePageUrl('', id), parsed.message)
  }

  app.post<{ Params: { id: string }; Body: Form }>('/hendelse/:id/status', { schema: { ...schema, body: StatusForm } }, async (request, reply) =>
    save(request, reply, 'status', async () => {
      const parsed = parseStatusForm(request.body ?? {}, await occurrences.get(request.params.id, viewerOf(request.actor)))
      return 'errors' in parsed ? parsed : { change: parsed.change, message: statusDoneMessage(parsed.status) }
    }))

  app.post<{ Params: { id: string }; Body: Form }>('/hendelse/:id/notat', { schema: { ...schema, body: NoteForm } }, async (request, reply) =>
    save(request, reply, 'notat', async () => {
      const parsed = parseNoteForm(request.body ?? {})
      return 'errors' in parsed ? parsed : { change: parsed.change, message: parsed.change.note ? 'Notatet er lagret.' : 'Notatet er fjernet.' }
    }))

  app.post<{ Params: { id: string }; Body: Form }>('/hendelse/:id/flytt', { schema: { ...schema, body: MoveForm } }, async (request, reply) =>
    save(request, reply, 'flytt', async () => {
      const parsed = parseMoveForm(request.body ?? {}, (await occurrences.get(request.params.id, viewerOf(request.actor))).allDay)
      return 'errors' in parsed ? parsed : { change: parsed.change, message: 'Hendelsen er flyttet.' }
    }))
}
export default routes
