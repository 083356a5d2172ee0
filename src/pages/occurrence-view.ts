// One occurrence as the pages show it: the words and links of its details, shared by the list under the
// wheel, the mark's pop-up (which copies the list's details) and the follow-up table.

import type { OccurrenceItem } from '../services/occurrences.js'
import type { BodiesService } from '../services/bodies.js'
import { feedLinks, occurrencePageUrl } from '../presenters/urls.js'
import {
  CATEGORY_LABELS, KIND_LABELS, STATUS_LABELS, TENTATIVE_WORD, capitalize, days, displayTitle, formatDate, formatDateLong, formatDateShort, formatTime, formatWhen,
  withTentative,
} from '../presenters/vocabulary.js'
import { safeUrl } from './format.js'
import { displayStatus } from './wheel-view.js'

export interface FeedLink { name: string; https: string; webcal: string }

/** Public feeds by body slug, so each occurrence can link to its responsible body's calendar: one query for all bodies. */
export async function bodyFeeds (bodies: Pick<BodiesService, 'listLiveSummaries'>, baseUrl: string): Promise<Map<string, FeedLink>> {
  const map = new Map<string, FeedLink>()
  // A private feed's address holds its secret, so it is never linked (as in presentBody).
  for (const b of await bodies.listLiveSummaries()) {
    if (b.feedVisibility === 'public') map.set(b.slug, { name: b.name, ...feedLinks(baseUrl, 'bodies', b.slug) })
  }
  return map
}

export function occurrenceView (o: OccurrenceItem, feeds: Map<string, FeedLink>, subjectFeed: FeedLink | null) {
  const status = displayStatus(o.effectiveStatus)
  const meeting = o.kind === 'meeting'
  const statusText = status === 'overdue'
    ? `${STATUS_LABELS.overdue} (${days(o.daysOverdue)} over fristen)`
    : status === 'not_recorded' && o.trackingFrom
      ? `${STATUS_LABELS.not_recorded} (før registreringsstart ${formatDate(o.trackingFrom)})`
      : status === 'delivered' && o.deliveredOn
        ? `${STATUS_LABELS.delivered} ${formatDate(o.deliveredOn)}${o.daysLate ? `, ${days(o.daysLate)} for sent` : ''}`
        : status === 'approved' && o.approvedOn
          ? `${STATUS_LABELS.approved} ${formatDate(o.approvedOn)}${o.daysLate ? `, ${days(o.daysLate)} for sent` : ''}`
          : STATUS_LABELS[status]
  const treating = o.treatedBy
    ? `${o.treatedBy.name}${o.treatingMeeting ? `, møte ${formatWhen(o.treatingMeeting)}` : ' (ingen møte før fristen)'}`
    : null
  const feed = (o.responsibleBody && feeds.get(o.responsibleBody.slug)) || subjectFeed
  return {
    id: o.id,
    /** The occurrence's own page (relative). */
    pageUrl: occurrencePageUrl('', o.id),
    date: o.date,
    dateShort: formatDateShort(o.date),
    when: formatWhen(o),
    whenLong: o.localStart ? `${capitalize(formatDateLong(o.date))} ${formatTime(o.localStart)}` : capitalize(formatDateLong(o.date)),
    dateLabel: meeting ? 'Møtetid' : 'Frist',
    // A placeholder says so in words wherever its title is read (WCAG 1.4.1: not by colour alone).
    title: withTentative(displayTitle(o), o.tentative),
    tentative: o.tentative,
    tentativeLabel: o.tentative ? capitalize(TENTATIVE_WORD) : null,
    /** A meeting's møteplan (its rule's title), shown among the details. */
    plan: meeting && displayTitle(o) !== o.title ? o.title : null,
    status,
    storedStatusLabel: STATUS_LABELS[o.status],
    statusLabel: STATUS_LABELS[status],
    statusText,
    daysOverdue: o.daysOverdue,
    kindLabel: KIND_LABELS[o.kind],
    categoryLabel: CATEGORY_LABELS[o.category],
    subjectName: o.subject.name,
    responsible: o.responsibleBody?.name ?? null,
    treating,
    legalBasis: o.legalBasis.map(l => ({ label: `${l.act} ${l.section}`, url: safeUrl(l.url) })),
    caseNumber: o.caseNumber,
    caseUrl: safeUrl(o.caseUrl),
    note: o.note,
    warnings: o.warnings.map(w => w.message),
    feed,
  }
}
export type OccurrenceView = ReturnType<typeof occurrenceView>
