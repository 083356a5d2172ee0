// Shapes repository rows into API objects (OParl envelope: id, created, modified, deleted).
import type { MunicipalityRow } from '../repositories/municipalities.js'
import type { BodyView } from '../repositories/bodies.js'
import type { CollaborationView } from '../repositories/collaborations.js'
import { iso } from '../repositories/shared.js'
import { feedLinks } from '../presenters/urls.js'

/** A tombstone keeps only what a syncing client needs to drop its copy. */
function tombstone (row: { id: number; slug: string; created: number; modified: number }) {
  return { id: row.id, slug: row.slug, created: iso(row.created), modified: iso(row.modified), deleted: true as const }
}

export function presentMunicipality (m: MunicipalityRow, baseUrl: string) {
  if (m.deleted) return tombstone(m)
  return {
    id: m.id, slug: m.slug, name: m.name, kind: m.kind, county: m.county, organisasjonsnummer: m.organisasjonsnummer,
    inRegion: m.inRegion, feed: feedLinks(baseUrl, 'municipalities', m.slug),
    created: iso(m.created), modified: iso(m.modified), deleted: false,
  }
}

export function presentBody (b: BodyView, baseUrl: string) {
  if (b.deleted) return tombstone(b)
  return {
    id: b.id, slug: b.slug, name: b.name, kind: b.kind, owner: b.owner, feedVisibility: b.feedVisibility,
    // A private feed's address includes its secret, which is only shown when it is created.
    ...(b.feedVisibility === 'public' ? { feed: feedLinks(baseUrl, 'bodies', b.slug) } : {}),
    created: iso(b.created), modified: iso(b.modified), deleted: false,
  }
}

export function presentCollaboration (c: CollaborationView, baseUrl: string) {
  if (c.deleted) return tombstone(c)
  return {
    id: c.id, slug: c.slug, name: c.name, legalForm: c.legalForm, legalFormRaw: c.legalFormRaw, area: c.area,
    host: c.host, parent: c.parentSlug, status: c.status, terminatedOn: c.terminatedOn, statusNote: c.statusNote,
    otherParticipants: c.otherParticipants, comment: c.comment, validFrom: c.validFrom, validTo: c.validTo,
    participants: c.participants.map(p => ({ municipality: p.slug, name: p.name, role: p.role, ownershipShare: p.ownershipShare })),
    bodies: c.bodies.map(b => ({ slug: b.slug, name: b.name, kind: b.kind })),
    feed: feedLinks(baseUrl, 'collaborations', c.slug),
    created: iso(c.created), modified: iso(c.modified), deleted: false,
  }
}
