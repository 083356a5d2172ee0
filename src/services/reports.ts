// The overdue, upcoming and late reports (issue 5) for the API, the pages and the CSV downloads. They
// read occurrences through the occurrences service with the caller's viewer, so a private body's
// items never appear in a report to someone who may not see them.
import type { Catalogue } from '../catalogue/load.js'
import { type CalendarDate, addDays, addYears, compareDates, yearOf } from '../domain/calendar-date.js'
import { localDateOf } from '../domain/local-time.js'
import { OWNER_PREPARATION_TYPE } from '../domain/owner-preparation.js'
import type { OutboxRepository } from '../repositories/outbox.js'
import {
  type LateRow, type OverdueRow, type ReportItem, type UpcomingRow,
  lateCsv, lateRows, overdueCsv, overdueRows, upcomingCsv, upcomingRows,
} from '../reports/reports.js'
import type { Clock } from '../shared/clock.js'
import { invalid } from '../shared/errors.js'
import type { Viewer } from './access.js'
import type { OccurrencesService, ResolvedScope, SubjectRef } from './occurrences.js'

const ZONE = 'Europe/Oslo'
/** How far back the overdue report may reach. */
export const MAX_OVERDUE_YEARS = 10
/**
 * The earliest due date a list of what is overdue reaches back to: as far as the overdue report may
 * (MAX_OVERDUE_YEARS), so what an earlier year left undone stays until it is done (issue 15: a plan
 * adoption due two years ago must still show in follow-up).
 */
export const overdueReachFrom = (asOf: CalendarDate): CalendarDate => addDays(addYears(asOf, -MAX_OVERDUE_YEARS), 1)

/**
 * The calendar a report covers (ids), the event types it is limited to, and (for clients that sync)
 * only the occurrences changed since an instant (epoch ms).
 */
export interface ReportScope extends ResolvedScope { eventTypes?: string[]; modifiedSince?: number }

/** A report's calendar as the API names it: slugs (or ids), and event types comma-separated. */
export interface ReportScopeQuery { municipality?: SubjectRef; body?: SubjectRef; collaboration?: SubjectRef; eventType?: string; modifiedSince?: number }

export interface ReportsServiceDeps {
  occurrences: OccurrencesService
  outbox: OutboxRepository
  catalogue: Catalogue
  clock: Clock
  baseUrl: string
}

export function createReportsService (deps: ReportsServiceDeps) {
  const { occurrences, outbox, catalogue, clock, baseUrl } = deps
  const today = () => localDateOf(clock.now(), ZONE)

  async function read (viewer: Viewer, scope: ReportScope, from: CalendarDate, to: CalendarDate, asOf: CalendarDate): Promise<ReportItem[]> {
    const { modifiedSince, ...calendar } = scope
    const items = await occurrences.list({ ...calendar, from, to, asOf }, viewer)
    return modifiedSince === undefined ? items : items.filter(o => o.modified >= modifiedSince)
  }

  const service = {
    /** Resolves slugs (404 naming the field) and checks the event types (400). */
    async scope (q: ReportScopeQuery): Promise<ReportScope> {
      const eventTypes = q.eventType?.split(',').map(s => s.trim())
      const unknown = eventTypes?.find(t => t !== OWNER_PREPARATION_TYPE && !catalogue.eventTypes.has(t))
      if (unknown !== undefined) throw invalid('reports.event_type', 'eventType', `unknown event type "${unknown}"`)
      const resolved = await occurrences.resolveScope({ municipality: q.municipality, body: q.body, collaboration: q.collaboration })
      return { ...resolved, ...(eventTypes ? { eventTypes } : {}), ...(q.modifiedSince !== undefined ? { modifiedSince: q.modifiedSince } : {}) }
    },

    /**
     * Everything overdue as of `asOf` (due from `from` on), most overdue first, with the last reminder
     * sent; with `includeNotRecorded`, also what is "ikke registrert" (due before its subject's tracking
     * start and never recorded), as status 'not_recorded'.
     */
    async overdue (viewer: Viewer, scope: ReportScope, asOf: CalendarDate, from: CalendarDate = addYears(asOf, -1), includeNotRecorded = false): Promise<OverdueRow[]> {
      const items = (await read(viewer, scope, from, asOf, asOf)).filter(o => o.overdue || (includeNotRecorded && o.notRecorded))
      return overdueRows(items, await outbox.lastSentByOccurrence(items.map(o => o.id)), baseUrl, includeNotRecorded ? asOf : undefined)
    },

    /** What falls due in the next `days` days (from `asOf`, inclusive) and is not done. */
    async upcoming (viewer: Viewer, scope: ReportScope, asOf: CalendarDate, days: number, meetings = false): Promise<UpcomingRow[]> {
      return upcomingRows(await read(viewer, scope, asOf, addDays(asOf, days), asOf), asOf, meetings, baseUrl)
    },

    /** Due in `year` and late: delivered or approved after the due date, or still not done as of `asOf`. */
    async late (viewer: Viewer, scope: ReportScope, year: number, asOf: CalendarDate): Promise<LateRow[]> {
      return lateRows(await read(viewer, scope, `${year}-01-01`, `${year}-12-31`, asOf), baseUrl)
    },

    /** The overdue report as the API asks for it: defaults and the window's limits. */
    async overdueReport (viewer: Viewer, q: ReportScopeQuery & { asOf?: CalendarDate; from?: CalendarDate; includeNotRecorded?: boolean }) {
      const asOf = q.asOf ?? today()
      const from = q.from ?? addYears(asOf, -1)
      if (compareDates(from, asOf) > 0) throw invalid('reports.window', 'from', 'must be on or before asOf')
      if (compareDates(from, addYears(asOf, -MAX_OVERDUE_YEARS)) < 0) throw invalid('reports.window_too_large', 'from', `may reach back at most ${MAX_OVERDUE_YEARS} years`)
      return { rows: await service.overdue(viewer, await service.scope(q), asOf, from, q.includeNotRecorded ?? false), asOf, from }
    },

    async upcomingReport (viewer: Viewer, q: ReportScopeQuery & { asOf?: CalendarDate; days?: number; meetings?: boolean }) {
      const asOf = q.asOf ?? today()
      const days = q.days ?? 30
      return { rows: await service.upcoming(viewer, await service.scope(q), asOf, days, q.meetings ?? false), asOf, to: addDays(asOf, days) }
    },

    async lateReport (viewer: Viewer, q: ReportScopeQuery & { asOf?: CalendarDate; year?: number }) {
      const asOf = q.asOf ?? today()
      const year = q.year ?? yearOf(asOf)
      return { rows: await service.late(viewer, await service.scope(q), year, asOf), year, asOf }
    },

    overdueCsv,
    upcomingCsv,
    lateCsv,
  }
  return service
}
export type ReportsService = ReturnType<typeof createReportsService>
