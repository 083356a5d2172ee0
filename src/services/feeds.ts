// Calendar feeds: which calendar a feed address opens (a private body's only with its secret), who is
// looking, and what the feed holds — the calendar's occurrences the viewer may see, exactly as the
// occurrence API lists them (owners' preparations included). The iCal text is the presenter's work
// (src/calendar/).
import type { Catalogue } from '../catalogue/load.js'
import { OWNER_PREPARATION_TYPE } from '../domain/owner-preparation.js'
import type { BodiesRepository } from '../repositories/bodies.js'
import type { CollaborationsRepository } from '../repositories/collaborations.js'
import type { MunicipalitiesRepository } from '../repositories/municipalities.js'
import { ServiceError, invalid } from '../shared/errors.js'
import { secretMatches } from '../shared/secrets.js'
import type { AccessService, Viewer } from './access.js'
import type { CalendarRevisions } from './occurrence-index.js'
import { addMonths } from '../domain/calendar-date.js'
import { assertWindow, type OccurrenceItem, type OccurrencesService } from './occurrences.js'

export type FeedKind = 'bodies' | 'municipalities' | 'collaborations'

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
  /** A private body's feed opened with its secret: the secret's hash (a cached copy checks the secret against it). */
  secretHash: string | null
}

export interface FeedWindow { from: string; to: string; asOf: string; eventTypes?: string[] }

export interface FeedContent {
  occurrences: OccurrenceItem[]
}

export interface FeedsServiceDeps {
  occurrences: OccurrencesService
  access: AccessService
  bodies: BodiesRepository
  municipalities: MunicipalitiesRepository
  collaborations: CollaborationsRepository
  catalogue: Catalogue
  revisions: CalendarRevisions
}

// A private feed's existence must not leak: a missing or wrong secret is the same 404 as an unknown feed.
const feedNotFound = () => new ServiceError('not_found', 'feed.not_found', 'Ingen slik kalender')

export function createFeedsService (deps: FeedsServiceDeps) {
  const { occurrences, access, bodies, municipalities, collaborations, catalogue, revisions } = deps

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
      let secretHash: string | null = null
      let seen = viewer
      if (kind === 'bodies') {
        const body = await bodies.find(slug)
        if (!body || body.deleted) throw feedNotFound()
        if (body.feedVisibility === 'private') {
          isPrivate = true
          const opened = token !== undefined && body.feedSecretHash !== null && secretMatches(token, body.feedSecretHash)
          if (opened) {
            seen = { ...viewer, bodyIds: new Set([...viewer.bodyIds, body.id]) }
            secretHash = body.feedSecretHash
          } else if (!(await access.visibility(viewer)).canSeeBody(body.id)) throw feedNotFound()
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
      return { kind, slug, scope, name, description, isPrivate, viewer: seen, hiddenBodyIds, secretHash }
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

    /**
     * The calendars whose revisions a feed's content depends on ('m:12', 'c:4', 'b:30'), with their
     * current sequence numbers: a body's own and its owner's; a municipality's and every collaboration
     * it takes part in or hosts; a collaboration's. Names, visibility and secrets count as changes too.
     */
    async dependencies (feed: OpenFeed): Promise<Array<{ key: string; seq: number }>> {
      const s = feed.scope
      let keys: string[]
      if (s.type === 'body') {
        const b = await bodies.find(s.id)
        keys = [`b:${s.id}`, b?.municipalityId != null ? `m:${b.municipalityId}` : `c:${b?.collaborationId}`]
      } else if (s.type === 'municipality') {
        const scope = await occurrences.calendar({ municipality: s.id })
        keys = [`m:${s.id}`, ...(scope.type === 'municipality' ? [...scope.involvedCollaborationIds].map(c => `c:${c}`) : [])]
      } else {
        keys = [`c:${s.id}`]
      }
      return keys.map(key => ({ key, seq: revisions.get(key) }))
    },

    /** The current revision of a calendar, from memory (no database work). */
    revisionOf (key: string): number {
      return revisions.get(key)
    },

    /** What the feed holds in the window, for its viewer: the same occurrences the API lists for the calendar. */
    async content (feed: OpenFeed, w: FeedWindow): Promise<FeedContent> {
      service.checkEventTypes(w.eventTypes)
      const { scope, viewer } = feed
      const subject = scope.type === 'body' ? { body: scope.id } : scope.type === 'municipality' ? { municipality: scope.id } : { collaboration: scope.id }
      return { occurrences: await occurrences.list({ from: w.from, to: w.to, asOf: w.asOf, ...subject, eventTypes: w.eventTypes }, viewer) }
    },
  }
  return service
}
export type FeedsService = ReturnType<typeof createFeedsService>
