// Which subscriptions' calendars hold which occurrences, for one planning run: the same answer as
// `occurrences.idsInCalendar` for each subscription's scope, but decided in memory from the index
// rows of the few occurrences that have reminders due, instead of one calendar query per scope (at
// national scale that was 715 queries over the planning window, about 40 s of the 70 s a morning took).
// `inCalendar` (domain/occurrence-engine.ts) is the rule the index's SQL mirrors, so the answers agree.
// An occurrence without a row in the index's horizon (a window the engine answers) is looked up the
// old way, one `idsInCalendar` per scope over just those occurrences' dates.
import { daysBetween } from '../domain/calendar-date.js'
import { inCalendar, type CalendarScope, type OccurrenceRow } from '../domain/occurrence-engine.js'
import type { OccurrenceIndexRepository } from '../repositories/occurrence-index.js'
import type { SubscriptionRow } from '../repositories/subscriptions.js'
import type { OccurrenceItem, OccurrencesService } from '../services/occurrences.js'

/** A subscription's calendar: a body's, a municipality's, a collaboration's, or (null) the whole region's. */
export type ScopeQuery = { body: number } | { municipality: number } | { collaboration: number }

export function scopeQueryOf (s: Pick<SubscriptionRow, 'bodyId' | 'municipalityId' | 'collaborationId'>): ScopeQuery | null {
  if (s.bodyId !== null) return { body: s.bodyId }
  if (s.municipalityId !== null) return { municipality: s.municipalityId }
  if (s.collaborationId !== null) return { collaboration: s.collaborationId }
  return null
}

export const scopeKeyOf = (q: ScopeQuery | null) => q === null ? '*' : 'body' in q ? `b${q.body}` : 'municipality' in q ? `m${q.municipality}` : `c${q.collaboration}`

export interface CalendarDeps {
  occurrences: Pick<OccurrencesService, 'calendar' | 'idsInCalendar'>
  occurrenceIndex: Pick<OccurrenceIndexRepository, 'select' | 'meta'>
}

/**
 * Membership of `items` in the calendars of these scopes: `holds(scopeKey, item)`. Region-wide
 * ('*') holds everything. Call after the items were read (the read made the index current).
 */
export async function calendarMembership (deps: CalendarDeps, scopes: ReadonlyArray<ScopeQuery | null>, items: readonly OccurrenceItem[]) {
  const meta = await deps.occurrenceIndex.meta()
  const horizon = meta?.validFrom && meta.validTo ? { from: meta.validFrom, to: meta.validTo } : null
  const rows = new Map<string, OccurrenceRow>()
  const outside: OccurrenceItem[] = []
  const inside: OccurrenceItem[] = []
  for (const o of items) (horizon && o.date >= horizon.from && o.date <= horizon.to ? inside : outside).push(o)
  // The rows, read in runs of nearby dates (a gap of more than a week starts a new read), each
  // limited to the event types due in it: a few reads, not one per occurrence.
  const sorted = [...inside].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
  for (let i = 0; i < sorted.length;) {
    let j = i + 1
    while (j < sorted.length && daysBetween(sorted[j - 1]!.date, sorted[j]!.date) <= 7) j++
    const run = sorted.slice(i, j)
    const wanted = new Set(run.map(o => o.id))
    const types = [...new Set(run.map(o => o.eventType))]
    const found = await deps.occurrenceIndex.select({ from: run[0]!.date, to: run.at(-1)!.date, scope: { type: 'all' }, hiddenBodyIds: new Set(), asOf: run[0]!.date, eventTypes: types })
    for (const r of found) if (wanted.has(r.id)) rows.set(r.id, r)
    i = j
  }
  // Not found (changed since it was read): the old way.
  for (const o of inside) if (!rows.has(o.id)) outside.push(o)
  const calendars = new Map<string, CalendarScope>()
  /** Per scope, the ids among `outside` its calendar holds (the engine's answer outside the horizon). */
  const outsideIds = new Map<string, Set<string>>()
  const window = outside.length
    ? { from: outside.reduce((m, o) => (o.date < m ? o.date : m), outside[0]!.date), to: outside.reduce((m, o) => (o.date > m ? o.date : m), outside[0]!.date) }
    : null
  for (const q of scopes) {
    const key = scopeKeyOf(q)
    if (q === null || calendars.has(key)) continue
    calendars.set(key, await deps.occurrences.calendar(q))
    if (window) outsideIds.set(key, await deps.occurrences.idsInCalendar(q, window))
  }
  return {
    holds (key: string, o: OccurrenceItem): boolean {
      if (key === '*') return true
      const row = rows.get(o.id)
      if (row) return inCalendar(row, calendars.get(key)!)
      return outsideIds.get(key)?.has(o.id) ?? false
    },
  }
}
