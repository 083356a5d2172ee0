// «Mine varsler» (issue 14): the signed-in person's own e-mail reminders — a list with edit and delete,
// and a form to add one. Every change goes through services.subscriptions (createOwn, updateOwn,
// removeOwn): the same rules whichever way they come. Reminders go to the person's own verified
// address, so the form has no address field.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { pageScope, requireSession } from '../plugins/pages.js'
import { CATEGORY_LABELS } from '../presenters/vocabulary.js'
import type { Actor } from '../services/access.js'
import type { OwnSubscriptionChoices, OwnSubscriptionInput, OwnSubscriptionView } from '../services/subscriptions.js'
import { AppError, ServiceError } from '../shared/errors.js'
import { Line } from '../schemas/common.js'

/** A form field that may be given once or repeated (checkboxes). */
const Many = Type.Optional(Type.Union([Line(200), Type.Array(Line(200), { maxItems: 200 })]))
const Form = Type.Object({
  _csrf: Type.Optional(Line(200)),
  folg: Type.Optional(Line(200)),
  art: Many,
  varsling: Type.Optional(Line(20)),
  dager: Many,
  ukeoversikt: Type.Optional(Line(10)),
  aktiv: Type.Optional(Line(10)),
}, { additionalProperties: false })
/** The form as posted: strings, or lists of strings for the checkboxes. */
export interface ReminderForm { folg?: string; art?: string | string[]; varsling?: string; dager?: string | string[]; ukeoversikt?: string; aktiv?: string }
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 31 }) })

/** A field's problem on the form: the field's id and a Norwegian message. */
export interface FieldProblem { field: string; message: string }

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map(s => s.trim()).filter(Boolean)
const FOLLOW_KINDS = { kommune: 'municipality', organ: 'body', samarbeid: 'collaboration' } as const

/**
 * Reads the form into the service's input, or the problems it has by field: `folg` ('kommune:<slug>',
 * 'organ:<slug>' or 'samarbeid:<slug>'); `art` ('alle' or event type keys; 'alle' wins); `varsling`
 * ('standard' or 'egne', then `dager`: at least one number of days); `ukeoversikt` and `aktiv` ('ja').
 * Whether the slugs, keys and days exist is the service's to say.
 */
export function readReminderForm (form: ReminderForm): { input: OwnSubscriptionInput } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = []
  const input: OwnSubscriptionInput = {}
  const follow = /^(kommune|organ|samarbeid):([a-z0-9]+(?:-[a-z0-9]+)*)$/.exec((form.folg ?? '').trim())
  if (!follow) problems.push({ field: 'folg', message: 'Velg hva du vil følge: en kommune, et organ eller et samarbeid.' })
  else input[FOLLOW_KINDS[follow[1] as keyof typeof FOLLOW_KINDS]] = follow[2]!
  const kinds = list(form.art)
  if (kinds.length === 0) problems.push({ field: 'art', message: 'Velg «Alle hendelser» eller minst én type hendelse.' })
  input.eventTypes = kinds.includes('alle') ? null : kinds
  const own = (form.varsling ?? 'standard') === 'egne'
  if (!['standard', 'egne'].includes(form.varsling ?? 'standard')) problems.push({ field: 'varsling', message: 'Velg standard varsling eller egne tidspunkter.' })
  const days = list(form.dager)
  if (own) {
    if (days.length === 0) problems.push({ field: 'dager', message: 'Velg minst ett tidspunkt før fristen, eller velg standard varsling.' })
    else if (days.some(d => !/^\d{1,3}$/.test(d))) problems.push({ field: 'dager', message: 'Tidspunktene må være antall dager.' })
    else input.leadDays = [...new Set(days.map(Number))].sort((a, b) => b - a)
  } else {
    input.leadDays = null
  }
  input.digest = form.ukeoversikt === 'ja'
  input.active = form.aktiv === 'ja'
  return problems.length ? { problems } : { input }
}

/** The form field a service error names (the service speaks of its own input's fields). */
function fieldOf (serviceField: string | undefined): string {
  const f = serviceField ?? ''
  if (['municipality', 'collaboration', 'body'].includes(f)) return 'folg'
  if (f.startsWith('eventTypes')) return 'art'
  if (f.startsWith('leadDays')) return 'dager'
  if (f === 'digest') return 'ukeoversikt'
  return 'folg'
}

const dayWords = (days: number[]) => {
  const words = days.map(d => (d === 1 ? '1 dag' : `${d} dager`))
  return words.length === 1 ? `${words[0]} før` : `${words.slice(0, -1).join(', ')} og ${words.at(-1)} før`
}

/** The form's values (posted, or from a subscription) for re-showing it. */
interface FormValues { folg: string; art: string[]; varsling: 'standard' | 'egne'; dager: string[]; ukeoversikt: boolean; aktiv: boolean }
const EMPTY: FormValues = { folg: '', art: ['alle'], varsling: 'standard', dager: [], ukeoversikt: false, aktiv: true }
const valuesOfForm = (form: ReminderForm): FormValues => ({
  folg: form.folg ?? '',
  art: list(form.art),
  varsling: form.varsling === 'egne' ? 'egne' : 'standard',
  dager: list(form.dager),
  ukeoversikt: form.ukeoversikt === 'ja',
  aktiv: form.aktiv === 'ja',
})
const valuesOfView = (s: OwnSubscriptionView): FormValues => ({
  folg: `${({ municipality: 'kommune', body: 'organ', collaboration: 'samarbeid' } as const)[s.follow.type]}:${s.follow.slug}`,
  art: s.eventTypes ?? ['alle'],
  varsling: s.leadDays ? 'egne' : 'standard',
  dager: (s.leadDays ?? []).map(String),
  ukeoversikt: s.digest,
  aktiv: s.active,
})

const routes: FastifyPluginAsync<{ baseUrl: string }> = async app => {
  await pageScope(app)
  const { subscriptions } = app.services

  /** The choices, shaped for the template: options grouped per municipality, event types per category. */
  async function choicesFor (actor: Actor) {
    const c: OwnSubscriptionChoices = await subscriptions.ownChoices(actor)
    const typeNames = new Map(c.eventTypes.flatMap(g => g.types.map(t => [t.key, t.name] as const)))
    return {
      groups: [
        ...c.municipalities.map(m => ({
          label: m.name,
          options: [{ value: `kommune:${m.slug}`, label: `${m.name} kommune – alt` }, ...m.bodies.map(b => ({ value: `organ:${b.slug}`, label: b.name }))],
        })),
        {
          label: 'Interkommunale samarbeid',
          options: c.collaborations.map(s => ({ value: `samarbeid:${s.slug}`, label: s.name })),
        },
      ],
      eventTypes: c.eventTypes.map(g => ({ label: CATEGORY_LABELS[g.category], types: g.types })),
      leadDays: c.leadDays.map(d => ({ value: String(d), label: d === 1 ? '1 dag før' : `${d} dager før` })),
      typeNames,
    }
  }

  /** One row of the list, in words. */
  function describe (s: OwnSubscriptionView, typeNames: Map<string, string>) {
    const kind = { municipality: 'Kommune', body: 'Organ', collaboration: 'Samarbeid' }[s.follow.type]
    return {
      id: s.id,
      follow: s.follow.type === 'municipality' ? `${s.follow.name} kommune` : s.follow.name,
      kind,
      events: s.eventTypes ? s.eventTypes.map(t => typeNames.get(t) ?? t).join(', ') : 'Alle hendelser',
      lead: s.leadDays ? dayWords(s.leadDays) : 'Som fristen sier (standard)',
      digest: s.digest ? 'Ja' : 'Nei',
      active: s.active,
    }
  }

  interface FormState { values?: FormValues; problems?: FieldProblem[] }

  async function showList (request: FastifyRequest, reply: FastifyReply, state: FormState = {}, status = 200) {
    const actor = requireSession(request)
    const choices = await choicesFor(actor)
    const mine = await subscriptions.listOwn(actor)
    const user = await app.services.people.get(actor.userId!)
    return reply.page('mine-varsler', {
      pageTitle: 'Mine varsler',
      email: user.email,
      verified: user.emailVerifiedAt !== null,
      items: mine.map(s => describe(s, choices.typeNames)),
      choices,
      values: state.values ?? EMPTY,
      problems: state.problems ?? [],
      action: '/mine-varsler',
      submitLabel: 'Lagre varselet',
      formTitle: 'Nytt varsel',
    }, status)
  }

  async function showEdit (request: FastifyRequest, reply: FastifyReply, id: number, state: FormState = {}, status = 200) {
    const actor = requireSession(request)
    const current = await subscriptions.getOwn(actor, id)
    const choices = await choicesFor(actor)
    return reply.page('mine-varsler-endre', {
      pageTitle: 'Endre varsel',
      id,
      email: current.email,
      summary: describe(current, choices.typeNames),
      choices,
      values: state.values ?? valuesOfView(current),
      problems: state.problems ?? [],
      action: `/mine-varsler/${id}`,
      submitLabel: 'Lagre endringene',
      formTitle: 'Endre varsel',
    }, status)
  }

  /** Runs a change; an invalid input re-shows the form (400) with the field named and the values kept. */
  async function change (request: FastifyRequest, reply: FastifyReply, form: ReminderForm, work: (input: OwnSubscriptionInput) => Promise<unknown>, reshow: (state: FormState) => Promise<unknown>) {
    const read = readReminderForm(form)
    if ('problems' in read) return reshow({ values: valuesOfForm(form), problems: read.problems })
    try {
      await work(read.input)
    } catch (err) {
      if (err instanceof ServiceError && err.kind === 'invalid') return reshow({ values: valuesOfForm(form), problems: [{ field: fieldOf(err.field), message: `${err.message[0]!.toUpperCase()}${err.message.slice(1)}.` }] })
      throw err
    }
    return null
  }

  const notFound = () => new AppError(404, 'subscriptions.not_found', 'Varselet finnes ikke, eller det er ikke ditt.')
  const own = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work
    } catch (err) {
      if (err instanceof ServiceError && err.kind === 'not_found') throw notFound()
      throw err
    }
  }

  app.get('/mine-varsler', { schema: { hide: true } }, async (request, reply) => showList(request, reply))

  app.post<{ Body: ReminderForm }>('/mine-varsler', { schema: { hide: true, body: Form } }, async (request, reply) => {
    const actor = requireSession(request)
    const failed = await change(request, reply, request.body, input => subscriptions.createOwn(actor, input), state => showList(request, reply, state, 400))
    if (failed !== null) return failed
    return reply.flashRedirect('/mine-varsler', 'Varselet er lagret. Påminnelsene går til e-postadressen din.')
  })

  app.get<{ Params: { id: number } }>('/mine-varsler/:id', { schema: { hide: true, params: IdParams } }, async (request, reply) =>
    own(showEdit(request, reply, request.params.id)))

  app.post<{ Params: { id: number }; Body: ReminderForm }>('/mine-varsler/:id', { schema: { hide: true, params: IdParams, body: Form } }, async (request, reply) => {
    const actor = requireSession(request)
    const { id } = request.params
    await own(subscriptions.getOwn(actor, id))
    const failed = await change(request, reply, request.body, input => own(subscriptions.updateOwn(actor, id, input)), state => showEdit(request, reply, id, state, 400))
    if (failed !== null) return failed
    return reply.flashRedirect('/mine-varsler', 'Endringene i varselet er lagret.')
  })

  app.post<{ Params: { id: number } }>('/mine-varsler/:id/slett', {
    schema: { hide: true, params: IdParams, body: Type.Object({ _csrf: Type.Optional(Line(200)) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const actor = requireSession(request)
    await own(subscriptions.removeOwn(actor, request.params.id))
    return reply.flashRedirect('/mine-varsler', 'Varselet er slettet.')
  })
}
export default routes
