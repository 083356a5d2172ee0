// Calendar feeds: which calendar a feed address opens (a private body's only with its secret), who is
// looking, and what the feed holds — the calendar's occurrences the viewer may see, plus each owner's
// preparation deadline before its jointly owned companies' owner meetings. The iCal text is the
// presenter's work (src/calendar/).
import type { Catalogue } from '../catalogue/load.js'
import { ownerPreparations, type OwnerPreparation } from '../domain/owner-preparation.js'
import type { AuditRepository } from '../repositories/audit.js'
import type { BodiesRepository } from '../repositories/bodies.js'
import type { CollaborationsRepository } from '../repositories/collaborations.js'
import type { MunicipalitiesRepository } from '../repositories/municipalities.js'
import { ServiceError, invalid } from '../shared/errors.js'
import { secretMatches } from '../shared/secrets.js'
import type { AccessService, Viewer } from './access.js'
import { addMonths } from '../domain/calendar-date.js'
import { assertWindow, type OccurrenceItem, type OccurrencesService } from './occurrences.js'

export type FeedKind = 'bodies' | 'municipalities' | 'collaborations'

/** The event type of the owners' preparation deadlines, which no rule holds (they are derived). */
export const OWNER_PREPARATION_TYPE = 'eierbehandling'
const OWNER_MEETING_KINDS = new Set(['representantskap', 'generalforsamling'])

export type FeedScope =
  | { type: 'body'; id: number; municipalityId: number | null; kind: string }
  | { type: 'municipality'; id: number; slug: string }
  | { type: 'collaboration'; id: number }

export interface OpenFeed {
  kind: FeedKind
  slug: string
  scope: FeedScope
  name: string
  description: string
  /** A private body's own feed, opened with its secret: not to be cached by shared caches. */
  isPrivate: boolean
  /** Who is looking: the request's actor, plus the body whose secret opened its feed. */
  viewer: Viewer
  /** The private bodies hidden from this viewer: feeds with the same set show the same items. */
  hiddenBodyIds: number[]
}

export interface FeedWindow { from: string; to: string; asOf: string; eventTypes?: string[] }

export interface OwnerPreparationItem extends OwnerPreparation {
  /** The owner meeting it prepares (its revision, subject and cancellation carry over). */
  meeting: OccurrenceItem
  /** The owner's formannskap, which treats the case. */
  preparedBy: string | null
}

export interface FeedContent {
  occurrences: OccurrenceItem[]
  preparations: OwnerPreparationItem[]
}

export interface FeedsServiceDeps {
  occurrences: OccurrencesService
  access: AccessService
  bodies: BodiesRepository
  municipalities: MunicipalitiesRepository
  collaborations: CollaborationsRepository
  audit: AuditRepository
  catalogue: Catalogue
}

// A private feed's existence must not leak: a missing or wrong secret is the same 404 as an unknown feed.
const feedNotFound = () => new ServiceError('not_found', 'feed.not_found', 'Ingen slik kalender')

export function createFeedsService (deps: FeedsServiceDeps) {
  const { occurrences, access, bodies, municipalities, collaborations, audit, catalogue } = deps

  const service = {
    /**
     * The calendar a feed address names, for this viewer. A private body's feed opens with its secret
     * (`token`) or for a viewer who may see the body; otherwise, like an unknown feed, it is a 404.
     */
    async open (kind: FeedKind, slug: string, token: string | undefined, viewer: Viewer): Promise<OpenFeed> {
      let scope: FeedScope
      let name: string
      let description: string
      let isPrivate = false
      let seen = viewer
      if (kind === 'bodies') {
        const body = await bodies.find(slug)
        if (!body || body.deleted) throw feedNotFound()
        if (body.feedVisibility === 'private') {
          isPrivate = true
          const opened = token !== undefined && body.feedSecretHash !== null && secretMatches(token, body.feedSecretHash)
          if (opened) seen = { ...viewer, bodyIds: new Set([...viewer.bodyIds, body.id]) }
          else if (!(await access.visibility(viewer)).canSeeBody(body.id)) throw feedNotFound()
        }
        const view = await bodies.view(body)
        scope = { type: 'body', id: body.id, municipalityId: body.municipalityId, kind: body.kind }
        name = `${body.name} – årshjul`
        description = `Møter, frister og saker for ${body.name} (${view.owner.name}). Frister er lovens dato; abonnerte kalendere kan ligge inntil et døgn etter.`
      } else if (kind === 'municipalities') {
        const m = await municipalities.find(slug)
        if (!m || m.deleted) throw feedNotFound()
        scope = { type: 'municipality', id: m.id, slug: m.slug }
        name = `${m.name} kommune – årshjul`
        description = `Styringskalender for ${m.name}: kommunens organer og de interkommunale samarbeidene kommunen deltar i.`
      } else {
        const c = await collaborations.find(slug)
        if (!c || c.deleted) throw feedNotFound()
        scope = { type: 'collaboration', id: c.id }
        name = `${c.name} – årshjul`
        description = `Frister og møter for ${c.name}.`
      }
      const hiddenBodyIds = [...(await access.visibility(seen)).hiddenBodyIds].sort((a, b) => a - b)
      return { kind, slug, scope, name, description, isPrivate, viewer: seen, hiddenBodyIds }
    },

    /** Unknown event types are refused; the owners' preparation deadlines have a type of their own. */
    /**
     * The feed's window: `from`/`to` as given (local dates, both inclusive, at most ten years), each
     * defaulting to 12 months before / 36 months after today. Throws `invalid` naming `to`.
     */
    window (from: string | undefined, to: string | undefined, today: string): { from: string; to: string } {
      const window = { from: from ?? addMonths(today, -12), to: to ?? addMonths(today, 36) }
      assertWindow(window.from, window.to, 'feed')
      return window
    },

    checkEventTypes (types: readonly string[] | undefined): void {
      const unknown = types?.find(t => t !== OWNER_PREPARATION_TYPE && !catalogue.eventTypes.has(t))
      if (unknown) throw invalid('feed.unknown_type', 'types', `unknown event type "${unknown}"`)
    },

    /** Every write is audited, so the newest audit row identifies the data a feed was built from. */
    async revision (): Promise<{ id: number; at: number }> {
      return audit.revision()
    },

    /** What the feed holds in the window, for its viewer. */
    async content (feed: OpenFeed, w: FeedWindow): Promise<FeedContent> {
      service.checkEventTypes(w.eventTypes)
      const ruleTypes = w.eventTypes?.filter(t => t !== OWNER_PREPARATION_TYPE)
      const base = { from: w.from, to: w.to, asOf: w.asOf }
      const { scope, viewer } = feed
      const subject = scope.type === 'body' ? { body: scope.id } : scope.type === 'municipality' ? { municipality: scope.id } : { collaboration: scope.id }
      const items = ruleTypes && ruleTypes.length === 0 ? [] : await occurrences.list({ ...base, ...subject, eventTypes: ruleTypes }, viewer)

      // Each owner prepares the meetings of its jointly owned companies: in its municipality feed and its formannskap's.
      const preparations: OwnerPreparationItem[] = []
      const ownerId = scope.type === 'municipality' ? scope.id : scope.type === 'body' && scope.kind === 'formannskap' ? scope.municipalityId : null
      const wanted = !w.eventTypes || w.eventTypes.includes('mote') || w.eventTypes.includes(OWNER_PREPARATION_TYPE)
      if (ownerId !== null && wanted) {
        const owner = await municipalities.find(ownerId)
        if (owner && !owner.deleted) {
          const candidates = scope.type === 'municipality' && !ruleTypes ? items : await occurrences.list({ ...base, municipality: ownerId, eventTypes: ['mote'] }, viewer)
          const meetings = candidates.filter(o => o.eventType === 'mote' && o.subject.type === 'collaboration' && o.responsibleBody && OWNER_MEETING_KINDS.has(o.responsibleBody.kind))
          const formannskap = (await bodies.list({ municipality: owner.slug, kind: 'formannskap', limit: 1, offset: 0 })).items[0]
          const byId = new Map(meetings.map(m => [m.id, m]))
          const derived = ownerPreparations(meetings.map(m => ({ id: m.id, date: m.date, status: m.status, bodyName: m.responsibleBody!.name, subjectName: m.subject.name, modified: m.modified })), owner.slug)
          for (const p of derived) {
            if (p.date < w.from || p.date > w.to) continue
            preparations.push({ ...p, meeting: byId.get(p.meetingId)!, preparedBy: formannskap?.name ?? null })
          }
        }
      }
      return { occurrences: items, preparations }
    },
  }
  return service
}
export type FeedsService = ReturnType<typeof createFeedsService>
