// Every address the service hands out, built in one place: the occurrence's page (the link in feeds,
// reports and e-mails: meant for people) and its API address, feed subscription links and the pages'
// own links. Pure.

export type FeedKind = 'bodies' | 'municipalities' | 'collaborations'
export type SubjectType = 'municipality' | 'body' | 'collaboration'

export interface FeedLinks { https: string; webcal: string }

/** The occurrence's API address (the JSON's own `url`, for machines). */
export function occurrenceUrl (baseUrl: string, id: string): string {
  return `${baseUrl}/api/v1/occurrences/${encodeURIComponent(id)}`
}

/**
 * The occurrence's page (issue 14): what a feed event, a report row and a reminder e-mail link to.
 * `baseUrl` '' gives the site-relative path the pages use: '/hendelse/12-20270222'.
 */
export function occurrencePageUrl (baseUrl: string, id: string): string {
  return `${baseUrl}/hendelse/${encodeURIComponent(id)}`
}

export function feedPath (kind: FeedKind, slug: string, token?: string): string {
  return `/feeds/${kind}/${encodeURIComponent(slug)}.ics${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`
}

/** The same feed over https and as webcal:// (which calendar apps open as a subscription). */
export function feedLinks (baseUrl: string, kind: FeedKind, slug: string, token?: string): FeedLinks {
  const https = `${baseUrl}${feedPath(kind, slug, token)}`
  return { https, webcal: https.replace(/^https?:\/\//, 'webcal://') }
}

export const FEED_KIND_OF: Record<SubjectType, FeedKind> = { municipality: 'municipalities', body: 'bodies', collaboration: 'collaborations' }

/** The query string naming a page's subject: 'municipality=oyer'. */
export function subjectParam (subject: { type: SubjectType; slug: string }): string {
  return `${subject.type}=${encodeURIComponent(subject.slug)}`
}

type SubjectRef = { type: SubjectType; slug: string }

/** '/arshjul?body=oyer-kommunestyre&year=2027#occ-12-20270222' (relative: pages link within the site). */
export function wheelUrl (subject: SubjectRef, year: number, occurrenceId?: string): string {
  return `/arshjul?${subjectParam(subject)}&year=${year}${occurrenceId === undefined ? '' : `#occ-${occurrenceId}`}`
}

/** The standalone SVG; without a year it shows the current year. */
export function wheelSvgUrl (subject: SubjectRef, year?: number): string {
  return `/arshjul.svg?${subjectParam(subject)}${year === undefined ? '' : `&year=${year}`}`
}

export function followUpUrl (subject: SubjectRef): string {
  return `/oppfolging?${subjectParam(subject)}`
}

export function followUpCsvUrl (subject: SubjectRef): string {
  return `/oppfolging.csv?${subjectParam(subject)}`
}

/** The overdue report as CSV for one municipality (linked from the weekly digest). */
export function overdueReportCsvUrl (baseUrl: string, municipalitySlug: string): string {
  return `${baseUrl}/api/v1/reports/overdue?municipality=${encodeURIComponent(municipalitySlug)}&format=csv`
}
