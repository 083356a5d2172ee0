// The register's edit pages (issue 14): a collaboration (name, legal form, host, participants with role and
// share, status, terminated date, comment) through services.collaborations.update, and a body (feed visibility)
// through services.bodies.update with its feed secret rotated by services.bodies.rotateFeedSecret — the same
// services as PATCH /api/v1/collaborations/:ref, PATCH /api/v1/bodies/:ref and POST /api/v1/bodies/:ref/feed-secret.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { isSupportedDate } from '../domain/calendar-date.js'
import { COLLABORATION_STATUSES, FEED_VISIBILITIES, LEGAL_FORMS, PARTICIPATION_ROLES, type CollaborationStatus, type LegalForm, type ParticipationRole } from '../domain/vocabulary.js'
import { pageScope, requireSession } from '../plugins/pages.js'
import { feedLinks } from '../presenters/urls.js'
import { LEGAL_FORM_LABELS } from '../presenters/vocabulary.js'
import type { CollaborationInput, CollaborationView, ParticipantInput } from '../services/collaborations.js'
import { AppError, ServiceError } from '../shared/errors.js'
import { Line } from '../schemas/common.js'

/** Empty participant rows offered for adding municipalities. */
const BLANK_ROWS = 2
const MAX_ROWS = 400
export const ROLE_LABELS: Record<ParticipationRole, string> = { deltaker: 'Deltaker', vertskommune: 'Vertskommune', eier: 'Eier' }
export const STATUS_LABELS: Record<CollaborationStatus, string> = { active: 'Aktivt', terminated: 'Avsluttet' }

const SlugParams = Type.Object({ slug: Line(80, { minLength: 1, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }) })
// Participant rows are numbered fields (d0-kommune, d0-rolle, d0-andel, d0-fjern, …): plain strings, read by readCollaborationForm.
const CollaborationFormBody = Type.Object({}, { additionalProperties: Type.String({ maxLength: 4000 }), maxProperties: 12 + 4 * MAX_ROWS })
const BodyForm = Type.Object({ _csrf: Type.Optional(Line(200)), synlighet: Type.Optional(Line(20)) })

/** A field's problem on a form: the input's id and a Norwegian message. */
export interface FieldProblem { field: string; message: string }
export type CollaborationForm = Record<string, string | undefined>

/**
 * Reads the collaboration form into the service's patch: the fields the page edits, participants as a full list
 * (rows with a municipality and not marked for removal). `known`: the municipality slugs one may choose.
 * Shares are percent (0–100, comma or point). Returns the patch, or every problem found, each naming its field.
 */
export function readCollaborationForm (form: CollaborationForm, known: ReadonlySet<string>): { patch: Partial<CollaborationInput> } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = []
  const text = (k: string) => (form[k] ?? '').trim()
  const name = text('navn')
  if (!name) problems.push({ field: 'navn', message: 'Navn mangler.' })
  else if (name.length > 200) problems.push({ field: 'navn', message: 'Navnet kan være høyst 200 tegn.' })
  const legalForm = text('form')
  if (!(LEGAL_FORMS as readonly string[]).includes(legalForm)) problems.push({ field: 'form', message: 'Velg en samarbeidsform fra listen.' })
  const host = text('vert')
  if (host && !known.has(host)) problems.push({ field: 'vert', message: `Vertskommunen «${host}» er ikke en kjent kommune.` })
  const status = text('status')
  if (!(COLLABORATION_STATUSES as readonly string[]).includes(status)) problems.push({ field: 'status-active', message: 'Velg status: aktivt eller avsluttet.' })
  const terminatedOn = text('avsluttet')
  if (terminatedOn && (!/^\d{4}-\d{2}-\d{2}$/.test(terminatedOn) || !isSupportedDate(terminatedOn))) problems.push({ field: 'avsluttet', message: `Avsluttet dato «${terminatedOn}» er ikke en gyldig dato (ÅÅÅÅ-MM-DD).` })
  else if (terminatedOn && status === 'active') problems.push({ field: 'avsluttet', message: 'Et aktivt samarbeid har ingen avsluttet dato: velg status «Avsluttet», eller tøm datoen.' })
  const comment = text('kommentar')
  if (comment.length > 2000) problems.push({ field: 'kommentar', message: 'Kommentaren kan være høyst 2000 tegn.' })

  const rows = Math.min(Number(/^\d{1,3}$/.test(text('rader')) ? text('rader') : 0), MAX_ROWS)
  const participants: ParticipantInput[] = []
  const seen = new Set<string>()
  for (let i = 0; i < rows; i++) {
    const municipality = text(`d${i}-kommune`)
    if (!municipality || form[`d${i}-fjern`] !== undefined) continue
    if (!known.has(municipality)) { problems.push({ field: `d${i}-kommune`, message: `Deltaker ${i + 1}: «${municipality}» er ikke en kjent kommune.` }); continue }
    if (seen.has(municipality)) { problems.push({ field: `d${i}-kommune`, message: `Deltaker ${i + 1}: kommunen står to ganger.` }); continue }
    seen.add(municipality)
    const role = text(`d${i}-rolle`) || 'deltaker'
    if (!(PARTICIPATION_ROLES as readonly string[]).includes(role)) problems.push({ field: `d${i}-rolle`, message: `Deltaker ${i + 1}: velg en rolle fra listen.` })
    const rawShare = text(`d${i}-andel`).replace(',', '.').replace(/\s*%$/, '')
    let ownershipShare: number | null = null
    if (rawShare) {
      ownershipShare = /^\d{1,3}(\.\d{1,4})?$/.test(rawShare) ? Number(rawShare) : NaN
      if (!(ownershipShare >= 0 && ownershipShare <= 100)) problems.push({ field: `d${i}-andel`, message: `Deltaker ${i + 1}: eierandelen «${text(`d${i}-andel`)}» må være et tall fra 0 til 100 (prosent).` })
    }
    participants.push({ municipality, role: role as ParticipationRole, ownershipShare })
  }
  if (problems.length) return { problems }
  return {
    patch: {
      name,
      legalForm: legalForm as LegalForm,
      hostMunicipality: host || null,
      status: status as CollaborationStatus,
      terminatedOn: terminatedOn || null,
      comment: comment || null,
      participants,
    },
  }
}

/** The form's values for a collaboration as stored (the first view of the page). */
function formOf (c: CollaborationView): CollaborationForm {
  const form: CollaborationForm = {
    navn: c.name, form: c.legalForm, vert: c.host?.slug ?? '', status: c.status, avsluttet: c.terminatedOn ?? '', kommentar: c.comment ?? '', rader: String(c.participants.length + BLANK_ROWS),
  }
  c.participants.forEach((p, i) => {
    form[`d${i}-kommune`] = p.slug
    form[`d${i}-rolle`] = p.role
    form[`d${i}-andel`] = p.ownershipShare === null ? '' : String(p.ownershipShare).replace('.', ',')
  })
  return form
}

/** Where a service's complaint belongs on the form. */
function fieldOf (err: ServiceError): string {
  const f = err.field ?? ''
  if (f.startsWith('participants')) return 'd0-kommune'
  return ({ name: 'navn', legalForm: 'form', hostMunicipality: 'vert', terminatedOn: 'avsluttet', comment: 'kommentar', status: 'status-active' } as Record<string, string>)[f] ?? 'navn'
}

const routes: FastifyPluginAsync<{ baseUrl: string }> = async (app, { baseUrl }) => {
  await pageScope(app)
  const services = app.services

  async function municipalityChoices () {
    const { items } = await services.municipalities.list({ limit: 1000, offset: 0 })
    return items.map(m => ({ slug: m.slug, name: m.name }))
  }

  /** The collaboration to edit, for a person who may change it (else 403 and a clear page). */
  async function editableCollaboration (request: FastifyRequest, slug: string) {
    const actor = requireSession(request)
    const row = await services.collaborations.find(slug)
    if (!row || row.deleted) throw new AppError(404, 'pages.collaboration_not_found', 'Samarbeidet finnes ikke.')
    if (!await services.access.mayChange(actor, { collaborationIds: [row.id] })) {
      throw new AppError(403, 'auth.forbidden', `Du kan ikke endre «${row.name}»: bare administratorer og redaktører i kommuner som deltar i samarbeidet kan det.`)
    }
    return { actor, view: await services.collaborations.view(row) }
  }

  async function showCollaboration (reply: FastifyReply, view: CollaborationView, form: CollaborationForm, problems: FieldProblem[] = [], status = 200) {
    const rows = Math.max(Number(form.rader ?? 0) || 0, 1)
    return reply.page('samarbeid-rediger', {
      pageTitle: `Rediger ${view.name}`,
      collaboration: { slug: view.slug, name: view.name },
      form,
      rows,
      problems,
      municipalities: await municipalityChoices(),
      legalForms: LEGAL_FORMS.map(f => ({ value: f, label: LEGAL_FORM_LABELS[f] })),
      roles: PARTICIPATION_ROLES.map(r => ({ value: r, label: ROLE_LABELS[r] })),
      statuses: COLLABORATION_STATUSES.map(s => ({ value: s, label: STATUS_LABELS[s] })),
    }, status)
  }

  app.get<{ Params: { slug: string } }>('/samarbeid/:slug/rediger', { schema: { hide: true, params: SlugParams } }, async (request, reply) => {
    const { view } = await editableCollaboration(request, request.params.slug)
    return showCollaboration(reply, view, formOf(view))
  })

  app.post<{ Params: { slug: string }; Body: CollaborationForm }>('/samarbeid/:slug/rediger', {
    schema: { hide: true, params: SlugParams, body: CollaborationFormBody },
  }, async (request, reply) => {
    const { actor, view } = await editableCollaboration(request, request.params.slug)
    const known = new Set((await municipalityChoices()).map(m => m.slug))
    const read = readCollaborationForm(request.body, known)
    if ('problems' in read) return showCollaboration(reply, view, request.body, read.problems, 400)
    try {
      const { changed } = await services.collaborations.update(actor, view.slug, read.patch)
      return reply.flashRedirect(`/samarbeid/${view.slug}/rediger`, changed ? `Endringene i «${read.patch.name}» er lagret.` : 'Ingenting var endret.')
    } catch (err) {
      if (err instanceof ServiceError && (err.kind === 'invalid' || err.kind === 'conflict')) {
        return showCollaboration(reply, view, request.body, [{ field: fieldOf(err), message: err.message }], err.kind === 'invalid' ? 400 : 409)
      }
      throw err
    }
  })

  /** The body to edit, for a person who may change it. */
  async function editableBody (request: FastifyRequest, slug: string) {
    const actor = requireSession(request)
    const row = await services.bodies.find(slug)
    if (!row || row.deleted) throw new AppError(404, 'pages.body_not_found', 'Organet finnes ikke.')
    if (!await services.access.mayChange(actor, { bodyIds: [row.id] })) {
      throw new AppError(403, 'auth.forbidden', `Du kan ikke endre «${row.name}»: bare administratorer og redaktører i kommunen som eier organet kan det.`)
    }
    return { actor, view: await services.bodies.view(row) }
  }

  function showBody (reply: FastifyReply, view: Awaited<ReturnType<typeof editableBody>>['view'], extra: { newFeed?: { https: string; webcal: string } | null; problems?: FieldProblem[] } = {}, status = 200) {
    return reply.page('organ-rediger', {
      pageTitle: `Rediger ${view.name}`,
      body: { slug: view.slug, name: view.name, ownerName: view.owner.name, feedVisibility: view.feedVisibility, hasSecret: view.feedSecretHash !== null },
      publicFeed: feedLinks(baseUrl, 'bodies', view.slug),
      newFeed: extra.newFeed ?? null,
      problems: extra.problems ?? [],
    }, status)
  }

  app.get<{ Params: { slug: string } }>('/organ/:slug/rediger', { schema: { hide: true, params: SlugParams } }, async (request, reply) => {
    const { view } = await editableBody(request, request.params.slug)
    return showBody(reply, view)
  })

  app.post<{ Params: { slug: string }; Body: { synlighet?: string } }>('/organ/:slug/rediger', {
    schema: { hide: true, params: SlugParams, body: BodyForm },
  }, async (request, reply) => {
    const { actor, view } = await editableBody(request, request.params.slug)
    const visibility = request.body.synlighet ?? ''
    if (!(FEED_VISIBILITIES as readonly string[]).includes(visibility)) {
      return showBody(reply, view, { problems: [{ field: 'synlighet-public', message: 'Velg om organets kalender er åpen eller privat.' }] }, 400)
    }
    await services.bodies.update(actor, view.slug, { feedVisibility: visibility as 'public' | 'private' })
    return reply.flashRedirect(`/organ/${view.slug}/rediger`, visibility === 'private' ? `«${view.name}» er nå privat: kalenderen vises bare for innloggede i kommunen og via den hemmelige adressen.` : `«${view.name}» er nå åpen for alle.`)
  })

  // The new secret address is shown on this reply only (never stored in clear, never in a redirect or a flash cookie).
  app.post<{ Params: { slug: string } }>('/organ/:slug/ny-kalenderadresse', {
    schema: { hide: true, params: SlugParams, body: Type.Object({ _csrf: Type.Optional(Line(200)) }) },
  }, async (request, reply) => {
    const { actor, view } = await editableBody(request, request.params.slug)
    const { secret } = await services.bodies.rotateFeedSecret(actor, view.slug)
    const after = await services.bodies.get(view.slug)
    // reply.page marks a signed-in page 'private, no-store': the address is in no cache.
    return showBody(reply, after, { newFeed: feedLinks(baseUrl, 'bodies', view.slug, secret) })
  })
}
export default routes
