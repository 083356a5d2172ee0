// Whose calendar a page shows: one municipality, one body or one collaboration, named in the query.

import type { Repositories } from '../repositories/index.js'
import { presentBody, presentCollaboration, presentMunicipality } from '../presenters/register.js'
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
  /** The query string naming the subject, e.g. municipality=oyer (unescaped). */
  param: string
  feed: { https: string; webcal: string } | null
}

const TYPE_LABELS = { municipality: 'kommune', body: 'organ', collaboration: 'samarbeid' } as const

export function resolveSubject (repos: Pick<Repositories, 'municipalities' | 'bodies' | 'collaborations'>, q: SubjectQuery, baseUrl: string): Subject {
  const given = (['municipality', 'body', 'collaboration'] as const).filter(k => q[k] !== undefined && q[k] !== '')
  if (given.length !== 1) {
    throw new AppError(400, 'pages.subject', 'Velg nøyaktig én kommune, ett organ eller ett samarbeid (municipality=, body= eller collaboration=).')
  }
  const type = given[0]!
  const ref = q[type]!
  const missing = () => new AppError(404, 'pages.subject_not_found', `Fant ingen ${TYPE_LABELS[type]} «${ref}».`)
  if (type === 'municipality') {
    const m = repos.municipalities.find(ref)
    if (!m || m.deleted) throw missing()
    const p = presentMunicipality(m, baseUrl)
    return { type, slug: m.slug, name: m.name, typeLabel: TYPE_LABELS[type], filter: { municipality: m.id }, param: `${type}=${encodeURIComponent(m.slug)}`, feed: 'feed' in p ? p.feed : null }
  }
  if (type === 'body') {
    const row = repos.bodies.find(ref)
    if (!row || row.deleted) throw missing()
    const p = presentBody(repos.bodies.view(row), baseUrl)
    return { type, slug: row.slug, name: row.name, typeLabel: TYPE_LABELS[type], filter: { body: row.id }, param: `${type}=${encodeURIComponent(row.slug)}`, feed: 'feed' in p && p.feed ? p.feed : null }
  }
  const row = repos.collaborations.find(ref)
  if (!row || row.deleted) throw missing()
  const p = presentCollaboration(repos.collaborations.view(row), baseUrl)
  return { type, slug: row.slug, name: row.name, typeLabel: TYPE_LABELS[type], filter: { collaboration: row.id }, param: `${type}=${encodeURIComponent(row.slug)}`, feed: 'feed' in p ? p.feed : null }
}
