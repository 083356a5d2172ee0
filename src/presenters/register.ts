// The register's objects as the API shows them (OParl envelope: id, created, modified, deleted).
import type { MunicipalityRow } from '../services/municipalities.js'
import type { BodyView } from '../services/bodies.js'
import type { CollaborationView } from '../services/collaborations.js'
import type { AuditRow } from '../services/audit.js'
import { feedLinks } from './urls.js'

const iso = (ms: number) => new Date(ms).toISOString()

/** A tombstone keeps only what a syncing client needs to drop its copy. */
function tombstone (row: { id: number; slug: string; created: number; modified: number }) {
  return { id: row.id, slug: row.slug, created: iso(row.created), modified: iso(row.modified), deleted: true as const }
}

export function presentMunicipality (m: MunicipalityRow, baseUrl: string) {
  if (m.deleted) return tombstone(m)
  return {
    id: m.id,
    slug: m.slug,
    name: m.name,
    kind: m.kind,
    county: m.county,
    organisasjonsnummer: m.organisasjonsnummer,
    inRegion: m.inRegion,
    kommunenummer: m.kommunenummer,
    trackingFrom: m.trackingFrom,
    feed: feedLinks(baseUrl, 'municipalities', m.slug),
    created: iso(m.created),
    modified: iso(m.modified),
    deleted: false as const,
  }
}

/** A private body is listed (its existence is public) without a feed link; its secret is never shown here. */
export function presentBody (b: BodyView, baseUrl: string) {
  if (b.deleted) return tombstone(b)
  return {
    id: b.id,
    slug: b.slug,
    name: b.name,
    kind: b.kind,
    owner: b.owner,
    feedVisibility: b.feedVisibility,
    // A private feed's address includes its secret, which is only shown when it is created.
    ...(b.feedVisibility === 'public' ? { feed: feedLinks(baseUrl, 'bodies', b.slug) } : {}),
    created: iso(b.created),
    modified: iso(b.modified),
    deleted: false as const,
  }
}

export function presentCollaboration (c: CollaborationView, baseUrl: string) {
  if (c.deleted) return tombstone(c)
  return {
    id: c.id,
    slug: c.slug,
    name: c.name,
    legalForm: c.legalForm,
    legalFormRaw: c.legalFormRaw,
    area: c.area,
    host: c.host,
    parent: c.parentSlug,
    status: c.status,
    terminatedOn: c.terminatedOn,
    statusNote: c.statusNote,
    otherParticipants: c.otherParticipants,
    comment: c.comment,
    validFrom: c.validFrom,
    validTo: c.validTo,
    participants: c.participants.map(p => ({ municipality: p.slug, name: p.name, role: p.role, ownershipShare: p.ownershipShare })),
    bodies: c.bodies.map(b => ({ slug: b.slug, name: b.name, kind: b.kind })),
    feed: feedLinks(baseUrl, 'collaborations', c.slug),
    created: iso(c.created),
    modified: iso(c.modified),
    deleted: false as const,
  }
}

export function presentAuditEntry (e: AuditRow) {
  return {
    id: e.id,
    at: iso(e.at),
    actor: e.actor,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    before: e.before,
    after: e.after,
  }
}
