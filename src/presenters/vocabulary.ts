// The Norwegian (bokmål) words and date formats users read, in one place, so that a status has the
// same word on the pages, in the feeds, in the CSV reports and in the e-mails (issue 10). Pure.

import { type CalendarDate, parseDate, weekday } from '../domain/calendar-date.js'
import type { EventCategory, EventKind, LegalForm, OccurrenceStatus } from '../domain/vocabulary.js'

// ── Statuses ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * A stored status, 'overdue' (past its due date and not delivered, approved or cancelled) or
 * 'not_recorded' (due before its subject's tracking start and never recorded: history, not an alarm).
 */
export type DisplayStatus = OccurrenceStatus | 'overdue' | 'not_recorded'

/** The one word for each status, as a label ("Godkjent"). Use `statusWord` inside a sentence. */
export const STATUS_LABELS: Record<DisplayStatus, string> = {
  planned: 'Planlagt',
  in_progress: 'Under arbeid',
  delivered: 'Levert',
  approved: 'Godkjent',
  cancelled: 'Avlyst',
  overdue: 'Forfalt',
  not_recorded: 'Ikke registrert',
}

/** The shape that tells statuses apart without colour (the wheel's marks and the legend). */
export const STATUS_SHAPES: Record<DisplayStatus, string> = {
  planned: 'åpen sirkel',
  in_progress: 'halvfylt sirkel',
  delivered: 'fylt firkant',
  approved: 'sirkel med hake',
  overdue: 'trekant med utropstegn',
  cancelled: 'kryss',
  not_recorded: 'stiplet sirkel',
}

export const STATUS_ORDER: readonly DisplayStatus[] = ['planned', 'in_progress', 'delivered', 'approved', 'overdue', 'not_recorded', 'cancelled']

/**
 * A default (not adopted) møteplan's meeting is a placeholder (issue 12): this word follows its title
 * in feeds, lists and the wheel ("Møte: Kommunestyret (foreløpig)"), so it is told apart without colour.
 */
export const TENTATIVE_WORD = 'foreløpig'

/** 'Møte: Kommunestyret' → 'Møte: Kommunestyret (foreløpig)' for a placeholder; unchanged otherwise. */
export function withTentative (text: string, tentative: boolean): string {
  return tentative ? `${text} (${TENTATIVE_WORD})` : text
}

/** "Godkjent"; an unknown status is shown as it is. */
export function statusLabel (status: string): string {
  return Object.hasOwn(STATUS_LABELS, status) ? STATUS_LABELS[status as DisplayStatus] : status
}

/** "godkjent", for use inside a sentence ("Status: godkjent", "forekomsten er godkjent"). */
export function statusWord (status: string): string {
  return Object.hasOwn(STATUS_LABELS, status) ? STATUS_LABELS[status as DisplayStatus].toLowerCase() : status
}

// ── Kinds, categories, legal forms ──────────────────────────────────────────────────────────────────

export const KIND_LABELS: Record<EventKind, string> = {
  deadline: 'Frist', meeting: 'Møte', report: 'Rapport', plan: 'Plan',
}

export function kindLabel (kind: string): string {
  return Object.hasOwn(KIND_LABELS, kind) ? KIND_LABELS[kind as EventKind] : kind
}

/** Categories are the rings of the årshjul. */
export const CATEGORY_LABELS: Record<EventCategory, string> = {
  political: 'Politiske møter', economy: 'Økonomi', ownership: 'Eierstyring', control: 'Kontroll',
}

export const LEGAL_FORM_LABELS: Record<LegalForm, string> = {
  avtale: 'Avtale',
  uformelt: 'Uformelt samarbeid',
  vedtak: 'Vedtak',
  nettverk: 'Nettverk',
  prosjekt: 'Prosjekt',
  kjop_av_tjenester: 'Kjøp av tjenester',
  iks: 'IKS',
  as: 'AS',
  sa: 'SA',
  paragraf_27: '§ 27-samarbeid',
  vertskommune_administrativ: 'Administrativt vertskommunesamarbeid',
  vertskommune_felles_nemnd: 'Vertskommune med felles folkevalgt nemnd',
  kommunalt_oppgavefellesskap: 'Kommunalt oppgavefellesskap',
  interkommunalt_politisk_rad: 'Interkommunalt politisk råd',
  stiftelse: 'Stiftelse',
  annet: 'Annet',
}

export function legalFormLabel (form: string): string {
  return Object.hasOwn(LEGAL_FORM_LABELS, form) ? LEGAL_FORM_LABELS[form as LegalForm] : form
}

/**
 * What an occurrence is called where people read it (pages, feeds, e-mails). A meeting's rule title
 * names its møteplan ("Standard møteplan (ikke vedtatt)"), so a meeting is called after its body.
 */
export function displayTitle (o: { kind: string; title: string; responsibleBody: { name: string } | null }): string {
  return o.kind === 'meeting' && o.responsibleBody ? `Møte: ${o.responsibleBody.name}` : o.title
}

// ── Dates ───────────────────────────────────────────────────────────────────────────────────────────

export const MONTHS = ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'desember'] as const
export const MONTHS_SHORT = ['jan.', 'feb.', 'mars', 'apr.', 'mai', 'juni', 'juli', 'aug.', 'sep.', 'okt.', 'nov.', 'des.'] as const
export const WEEKDAYS = ['mandag', 'tirsdag', 'onsdag', 'torsdag', 'fredag', 'lørdag', 'søndag'] as const

export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** '22.02.2027' (CSV, feeds, e-mail subjects). */
export function numericDate (date: CalendarDate): string {
  return `${date.slice(8, 10)}.${date.slice(5, 7)}.${date.slice(0, 4)}`
}

/** '22. februar 2027' */
export function formatDate (date: CalendarDate): string {
  const { year, month, day } = parseDate(date)
  return `${day}. ${MONTHS[month - 1]} ${year}`
}

/** 'mandag 22. februar 2027' */
export function formatDateLong (date: CalendarDate): string {
  return `${WEEKDAYS[weekday(date) - 1]} ${formatDate(date)}`
}

/** '22. feb.' */
export function formatDateShort (date: CalendarDate): string {
  const { month, day } = parseDate(date)
  return `${day}. ${MONTHS_SHORT[month - 1]}`
}

/** '22. feb. 2027' */
export function formatDateMedium (date: CalendarDate): string {
  const { year, month, day } = parseDate(date)
  return `${day}. ${MONTHS_SHORT[month - 1]} ${year}`
}

/** 'kl. 18.00' from a wall-clock time 'YYYY-MM-DDTHH:mm' (Norwegian writes the time with a full stop). */
export function formatTime (local: string): string {
  return `kl. ${local.slice(11, 13)}.${local.slice(14, 16)}`
}

/** 'mandag 22. februar 2027 kl. 18.00' */
export function formatDateTimeLong (local: string): string {
  return `${formatDateLong(local.slice(0, 10))} ${formatTime(local)}`
}

/** '22. februar 2027 kl. 18.00' for a meeting, the date alone for an all-day deadline. */
export function formatWhen (o: { date: CalendarDate; localStart: string | null }): string {
  return o.localStart ? `${formatDate(o.date)} ${formatTime(o.localStart)}` : formatDate(o.date)
}

/** '1 dag', '160 dager' */
export function days (n: number): string {
  return `${n} ${n === 1 ? 'dag' : 'dager'}`
}

/** 'i dag', 'i morgen', 'om 14 dager' */
export function daysLeft (n: number): string {
  return n === 0 ? 'i dag' : n === 1 ? 'i morgen' : `om ${n} dager`
}
