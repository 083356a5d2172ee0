// Which subscriptions' calendars hold which occurrences, for one planning run: the same answer as
// `occurrences.idsInCalendar` for each subscription's scope, decided for the few occurrences that
// have reminders due in one call, instead of one calendar query per scope (at national scale that was
// 715 queries over the planning window, about 40 s of the 70 s a morning took).
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
  occurrences: Pick<OccurrencesService, 'calendarsHolding'>
}

/**
 * Membership of `items` in the calendars of these scopes: `holds(scopeKey, item)`. Region-wide
 * ('*') holds everything. One call for every scope (occurrences.calendarsHolding).
 */
export async function calendarMembership (deps: CalendarDeps, scopes: ReadonlyArray<ScopeQuery | null>, items: readonly OccurrenceItem[]) {
  const distinct = new Map<string, ScopeQuery>()
  for (const q of scopes) if (q !== null) distinct.set(scopeKeyOf(q), q)
  const keys = [...distinct.keys()]
  const held = await deps.occurrences.calendarsHolding([...new Set(items.map(o => o.id))], [...distinct.values()])
  return {
    holds (key: string, o: OccurrenceItem): boolean {
      if (key === '*') return true
      const i = keys.indexOf(key)
      return i >= 0 && (held.get(o.id)?.has(i) ?? false)
    },
  }
}
