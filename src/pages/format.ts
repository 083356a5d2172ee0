// Norwegian bokmål words and date formats for the pages. Pure; the templates escape whatever these return.

import { type CalendarDate, parseDate, weekday } from '../domain/calendar-date.js'
import type { EventCategory, EventKind, LegalForm, OccurrenceStatus } from '../domain/vocabulary.js'

export const MONTHS = ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'desember'] as const
export const MONTHS_SHORT = ['jan.', 'feb.', 'mars', 'apr.', 'mai', 'juni', 'juli', 'aug.', 'sep.', 'okt.', 'nov.', 'des.'] as const
const WEEKDAYS = ['mandag', 'tirsdag', 'onsdag', 'torsdag', 'fredag', 'lørdag', 'søndag'] as const

export type DisplayStatus = OccurrenceStatus | 'overdue'

export const STATUS_LABELS: Record<DisplayStatus, string> = {
  planned: 'Planlagt', in_progress: 'Under arbeid', delivered: 'Levert', approved: 'Godkjent', overdue: 'Forfalt', cancelled: 'Avlyst',
}
/** The shape that tells statuses apart without colour. */
export const STATUS_SHAPES: Record<DisplayStatus, string> = {
  planned: 'åpen sirkel', in_progress: 'halvfylt sirkel', delivered: 'fylt firkant', approved: 'sirkel med hake', overdue: 'trekant med utropstegn', cancelled: 'kryss',
}
export const STATUS_ORDER: readonly DisplayStatus[] = ['planned', 'in_progress', 'delivered', 'approved', 'overdue', 'cancelled']

export const CATEGORY_LABELS: Record<EventCategory, string> = {
  political: 'Politiske møter', economy: 'Økonomi', ownership: 'Eierstyring', control: 'Kontroll',
}
export const KIND_LABELS: Record<EventKind, string> = {
  deadline: 'Frist', meeting: 'Møte', report: 'Rapport', plan: 'Plan',
}

export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

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

/**
 * What an occurrence is called on the pages. A meeting's rule title names its møteplan ("Standard
 * møteplan (ikke vedtatt)"), so a meeting is called after its body instead.
 */
export function displayTitle (o: { kind: EventKind; title: string; responsibleBody: { name: string } | null }): string {
  return o.kind === 'meeting' && o.responsibleBody ? `Møte: ${o.responsibleBody.name}` : o.title
}


/** '22. februar 2027 kl. 18.00' for a meeting, the date alone for an all-day deadline. */
export function formatWhen (o: { date: CalendarDate; localStart: string | null }): string {
  return o.localStart ? `${formatDate(o.date)} kl. ${o.localStart.slice(11, 13)}.${o.localStart.slice(14, 16)}` : formatDate(o.date)
}

/** '1 dag', '160 dager' */
export function days (n: number): string {
  return `${n} ${n === 1 ? 'dag' : 'dager'}`
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** For markup built outside a template (the embed snippet); templates escape on their own. */
export function escapeHtml (s: string): string {
  return s.replace(/[&<>"']/g, c => HTML_ESCAPES[c]!)
}

/** Only http(s) links reach an href; anything else (javascript:, data:) is dropped. */
export function safeUrl (url: string | null | undefined): string | null {
  return url && /^https?:\/\/[^\s]+$/i.test(url) ? url : null
}

/** Breaks a name into at most `maxLines` lines of about `width` characters, for the wheel's hub. */
export function wrapText (text: string, width: number, maxLines: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  if (lines.length <= maxLines) return lines
  const kept = lines.slice(0, maxLines)
  kept[maxLines - 1] = `${kept[maxLines - 1]!.slice(0, Math.max(1, width - 1))}…`
  return kept
}

export const LEGAL_FORM_LABELS: Record<LegalForm, string> = {
  avtale: 'Avtale', uformelt: 'Uformelt samarbeid', vedtak: 'Vedtak', nettverk: 'Nettverk', prosjekt: 'Prosjekt',
  kjop_av_tjenester: 'Kjøp av tjenester', iks: 'IKS', as: 'AS', sa: 'SA', paragraf_27: '§ 27-samarbeid',
  vertskommune_administrativ: 'Administrativt vertskommunesamarbeid', vertskommune_felles_nemnd: 'Vertskommune med felles folkevalgt nemnd',
  kommunalt_oppgavefellesskap: 'Kommunalt oppgavefellesskap', interkommunalt_politisk_rad: 'Interkommunalt politisk råd',
  stiftelse: 'Stiftelse', annet: 'Annet',
}

export function legalFormLabel (form: string): string {
  return LEGAL_FORM_LABELS[form as LegalForm] ?? form
}
