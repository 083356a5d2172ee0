// Whose calendar a page shows: one municipality, one body or one collaboration, named in the query.
// A private body the viewer may not see is answered like an unknown one (404).

import { presentBody, presentCollaboration, presentMunicipality } from '../presenters/register.js'
import type { Services } from '../services/index.js'
import type { Viewer } from '../services/access.js'
import { subjectParam, type FeedLinks } from '../presenters/urls.js'
import { AppError } from '../shared/errors.js'

export interface SubjectQuery { municipality?: string; body?: string; collaboration?: string }

export interface Subject {
  type: 'municipality' | 'body' | 'collaboration'
  slug: string
  name: string
  /** 'kommune', 'organ', 'samarbeid' */
  typeLabel: string
  /** The occurrence query's subject filter. */
  filter: { municipality?: number; body?: number; collaboration?: number }
  /** The query string naming the subject, e.g. municipality=oyer. */
  param: string
  feed: FeedLinks | null
}

const TYPE_LABELS = { municipality: 'kommune', body: 'organ', collaboration: 'samarbeid' } as const

export interface SubjectContext {
  services: Pick<Services, 'municipalities' | 'bodies' | 'collaborations' | 'access'>
  viewer: Viewer
  baseUrl: string
}

export async function resolveSubject ({ services, viewer, baseUrl }: SubjectContext, q: SubjectQuery): Promise<Subject> {
  const given = (['municipality', 'body', 'collaboration'] as const).filter(k => q[k] !== undefined && q[k] !== '')
  if (given.length !== 1) {
    throw new AppError(400, 'pages.subject', 'Velg nøyaktig én kommune, ett organ eller ett samarbeid (municipality=, body= eller collaboration=).')
  }
  const type = given[0]!
  const ref = q[type]!
  const missing = () => new AppError(404, 'pages.subject_not_found', `Fant ingen ${TYPE_LABELS[type]} «${ref}».`)
  const subject = (slug: string, name: string, filter: Subject['filter'], feed: FeedLinks | null): Subject =>
    ({ type, slug, name, typeLabel: TYPE_LABELS[type], filter, param: subjectParam({ type, slug }), feed })
  if (type === 'municipality') {
    const m = await services.municipalities.find(ref)
    if (!m || m.deleted) throw missing()
    const p = presentMunicipality(m, baseUrl)
    return subject(m.slug, m.name, { municipality: m.id }, 'feed' in p ? p.feed : null)
  }
  if (type === 'body') {
    const row = await services.bodies.find(ref)
    if (!row || row.deleted) throw missing()
    if (!(await services.access.visibility(viewer)).canSeeBody(row.id)) throw missing()
    const p = presentBody(await services.bodies.view(row), baseUrl)
    return subject(row.slug, row.name, { body: row.id }, 'feed' in p && p.feed ? p.feed : null)
  }
  const row = await services.collaborations.find(ref)
  if (!row || row.deleted) throw missing()
  const p = presentCollaboration(await services.collaborations.view(row), baseUrl)
  return subject(row.slug, row.name, { collaboration: row.id }, 'feed' in p ? p.feed : null)
}
