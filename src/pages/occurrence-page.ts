// One occurrence's own page (issue 14, /hendelse/<id>): what it is, its legal basis, dates, status and
// history, and for those who may change it the forms that do so through the same service as
// PATCH /api/v1/occurrences/:id. This module gathers and shapes; the route parses and renders.

import type { Catalogue } from '../catalogue/load.js'
import type { Services } from '../services/index.js'
import type { Actor, Viewer } from '../services/access.js'
import type { HistoryField, OccurrenceChange, OccurrenceHistoryEntry, OccurrenceItem } from '../services/occurrences.js'
import { type CalendarDate, isSupportedDate } from '../domain/calendar-date.js'
import { instantToLocal, isSupportedLocalDateTime } from '../domain/local-time.js'
import type { OccurrenceStatus } from '../domain/vocabulary.js'
import { OWNER_PREPARATION_TYPE } from '../domain/owner-preparation.js'
import { occurrencePageUrl, wheelUrl } from '../presenters/urls.js'
import { STATUS_LABELS, STATUS_ORDER, formatDate, formatTime, formatWhen } from '../presenters/vocabulary.js'
import { ServiceError } from '../shared/errors.js'
import { safeUrl } from './format.js'
import { bodyFeeds, occurrenceView } from './occurrence-view.js'
import { markShapes } from './wheel-view.js'

const ZONE = 'Europe/Oslo'

/** The form fields of the page, by the name the HTML gives them. */
export type FormField = 'status' | 'dato' | 'saksnummer' | 'saksUrl' | 'notat' | 'nyDato' | 'nyTid'
export interface FormError { field: FormField; message: string }
/** What the reader typed, kept when a form is shown again with errors. */
export type FormValues = Partial<Record<FormField, string>>

/** The form that failed: which one, its problems and the values typed. */
export interface FormProblem { form: 'status' | 'notat' | 'flytt'; errors: FormError[]; values: FormValues }

/** The fields' names as the error summary says them. */
export const FIELD_LABELS: Record<FormField, string> = {
  status: 'Status',
  dato: 'Dato for levert eller behandlet',
  saksnummer: 'Saksnummer',
  saksUrl: 'Lenke til saken',
  notat: 'Notat',
  nyDato: 'Ny dato',
  nyTid: 'Nytt klokkeslett',
}

/** The status buttons: the stored status each sets and its words (the "Behandlet" is the stored 'approved'). */
export const STATUS_BUTTONS: ReadonlyArray<{ status: OccurrenceStatus; label: string }> = [
  { status: 'in_progress', label: 'Under arbeid' },
  { status: 'delivered', label: 'Levert' },
  { status: 'approved', label: 'Behandlet' },
  { status: 'cancelled', label: 'Avlyst' },
  { status: 'planned', label: 'Planlagt' },
]

const HISTORY_LABELS: Record<HistoryField, string> = {
  status: 'Status',
  deliveredOn: 'Levert dato',
  approvedOn: 'Behandlet dato',
  caseNumber: 'Saksnummer',
  caseUrl: 'Lenke til saken',
  note: 'Notat',
  movedTo: 'Flyttet til',
}

const DONE_MESSAGES: Record<OccurrenceStatus | '', string> = {
  '': 'Saksreferansen er lagret.',
  planned: 'Status er satt til Planlagt.',
  in_progress: 'Status er satt til Under arbeid.',
  delivered: 'Registrert som levert.',
  approved: 'Registrert som behandlet.',
  cancelled: 'Registrert som avlyst.',
}

/** A stored value as the history shows it: a status's word, a date in words, text as it is; null: "tom". */
function historyValue (field: HistoryField, value: string | null): string {
  if (value === null) return '(tom)'
  if (field === 'status') return STATUS_LABELS[value as OccurrenceStatus] ?? value
  if (field === 'deliveredOn' || field === 'approvedOn') return isSupportedDate(value) ? formatDate(value) : value
  if (field === 'movedTo') return value.length > 10 ? `${formatDate(value.slice(0, 10))} ${formatTime(value)}` : isSupportedDate(value) ? formatDate(value) : value
  return value
}

/** An instant (epoch ms) as Norwegian wall time: '1. mars 2027 kl. 10.00'. */
export function formatInstant (ms: number): string {
  const local = instantToLocal(ms, ZONE)
  return `${formatDate(local.slice(0, 10))} ${formatTime(local)}`
}

/** The history as the page shows it: newest first, one line per changed field. */
export function historyView (entries: readonly OccurrenceHistoryEntry[]) {
  return entries.map(e => ({
    when: formatInstant(e.at),
    datetime: new Date(e.at).toISOString(),
    actor: e.actor,
    changes: e.changes.length
      ? e.changes.map(c => `${HISTORY_LABELS[c.field]}: ${historyValue(c.field, c.from)} → ${historyValue(c.field, c.to)}`)
      : ['Lagret uten endringer'],
  }))
}

export interface OccurrencePageContext {
  services: Pick<Services, 'occurrences' | 'bodies'>
  viewer: Viewer
  actor: Actor | null | undefined
  baseUrl: string
  today: CalendarDate
  /** The event types' descriptions ("what it is"). */
  catalogue: Pick<Catalogue, 'eventTypes'>
}

/**
 * Everything the occurrence page shows. 404 (the service's `missing`) for an id that names no
 * occurrence, or a private body's occurrence the viewer may not see. `problem`: a form shown again.
 */
export async function occurrencePage (ctx: OccurrencePageContext, id: string, problem?: FormProblem) {
  const o = await ctx.services.occurrences.get(id, ctx.viewer)
  const [history, feeds, mayChange, projectStep] = await Promise.all([
    ctx.services.occurrences.history(id, ctx.viewer),
    bodyFeeds(ctx.services.bodies, ctx.baseUrl),
    ctx.services.occurrences.mayChange(id, ctx.actor),
    ctx.services.occurrences.projectStepOf(id),
  ])
  const view = occurrenceView(o, feeds, null)
  const year = Number(o.date.slice(0, 4))
  const subject = { type: o.subject.type, slug: o.subject.slug }
  const values: FormValues = {
    dato: ctx.today,
    saksnummer: o.caseNumber ?? '',
    saksUrl: o.caseUrl ?? '',
    notat: o.note ?? '',
    nyDato: o.date,
    nyTid: o.localStart ? o.localStart.slice(11, 16) : '',
    ...(problem?.values ?? {}),
  }
  return {
    pageTitle: `${view.title} – ${view.subjectName}`,
    o: view,
    item: o,
    description: ctx.catalogue.eventTypes.get(o.eventType)?.description ?? null,
    year,
    meeting: o.kind === 'meeting',
    allDay: o.allDay,
    // An owner's preparation follows its meeting (the service refuses to move it on its own).
    movable: o.eventType !== OWNER_PREPARATION_TYPE,
    movedFrom: o.moved ? formatWhen({ date: o.originalKey.slice(0, 10), localStart: o.allDay ? null : o.originalKey }) : null,
    wheelUrl: wheelUrl(subject, year, o.id),
    pageUrl: occurrencePageUrl('', o.id),
    history: historyView(history),
    mayChange,
    // A kontroll project's step is recorded on its project page (issue 15).
    projectStep: projectStep ? { title: projectStep.title, url: `/kontroll/plan/${projectStep.planId}/prosjekt/${projectStep.projectId}` } : null,
    statusButtons: o.kind === 'meeting' ? STATUS_BUTTONS.filter(b => b.status === 'cancelled' || b.status === 'planned') : STATUS_BUTTONS,
    today: ctx.today,
    values,
    problem: problem ?? null,
    errorsOf: (form: FormProblem['form']) => problem?.form === form ? problem.errors : [],
    fieldLabels: FIELD_LABELS,
    icons: Object.fromEntries(STATUS_ORDER.map(s => [s, markShapes(s, 9, 9, 6.5)])),
  }
}

type Form = Record<string, string | undefined>
const text = (v: string | undefined) => (v ?? '').trim()

/**
 * The status form (status buttons, date, saksnummer, case link) as a change for the service, or the
 * problems naming the fields. An empty `status` saves the case reference alone. Delivered and treated
 * take the date (empty: the service's today); back to planned or in progress clears both dates.
 */
export function parseStatusForm (form: Form, current: Pick<OccurrenceItem, 'caseNumber' | 'caseUrl'>): { change: OccurrenceChange; status: OccurrenceStatus | '' } | { errors: FormError[]; values: FormValues } {
  const values: FormValues = { dato: text(form.dato), saksnummer: text(form.saksnummer), saksUrl: text(form.saksUrl) }
  const errors: FormError[] = []
  const status = text(form.status)
  if (status !== '' && !STATUS_BUTTONS.some(b => b.status === status)) errors.push({ field: 'status', message: 'Velg en av statusknappene.' })
  if (values.dato && !isSupportedDate(values.dato)) errors.push({ field: 'dato', message: 'Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2027-03-01.' })
  if (values.saksnummer!.length > 50) errors.push({ field: 'saksnummer', message: 'Saksnummeret kan ha høyst 50 tegn.' })
  if (values.saksUrl && (values.saksUrl.length > 500 || !safeUrl(values.saksUrl))) errors.push({ field: 'saksUrl', message: 'Lenken må begynne med https:// eller http:// og ha høyst 500 tegn, uten mellomrom.' })
  if (errors.length) return { errors, values }
  const change: OccurrenceChange = {}
  if ((values.saksnummer || null) !== current.caseNumber) change.caseNumber = values.saksnummer || null
  if ((values.saksUrl || null) !== current.caseUrl) change.caseUrl = values.saksUrl || null
  const s = status as OccurrenceStatus | ''
  if (s !== '') change.status = s
  if (s === 'delivered' && values.dato) change.deliveredOn = values.dato
  if (s === 'approved' && values.dato) change.approvedOn = values.dato
  if (s === 'planned' || s === 'in_progress') Object.assign(change, { deliveredOn: null, approvedOn: null })
  return { change, status: s }
}

/** The note form: the note (empty clears it), at most 2,000 characters. */
export function parseNoteForm (form: Form): { change: OccurrenceChange } | { errors: FormError[]; values: FormValues } {
  const notat = (form.notat ?? '').replace(/\r\n/g, '\n').trim()
  if (notat.length > 2000) return { errors: [{ field: 'notat', message: 'Notatet kan ha høyst 2000 tegn.' }], values: { notat } }
  return { change: { note: notat || null } }
}

/** The move form: a date (all-day), or a date and a wall time in Europe/Oslo (a meeting). */
export function parseMoveForm (form: Form, allDay: boolean): { change: OccurrenceChange } | { errors: FormError[]; values: FormValues } {
  const values: FormValues = { nyDato: text(form.nyDato), nyTid: text(form.nyTid) }
  const errors: FormError[] = []
  if (!isSupportedDate(values.nyDato)) errors.push({ field: 'nyDato', message: 'Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2027-03-01.' })
  if (!allDay && !/^([01]\d|2[0-3])[:.][0-5]\d$/.test(values.nyTid!)) errors.push({ field: 'nyTid', message: 'Skriv klokkeslettet som TT:MM, for eksempel 18:00.' })
  if (errors.length) return { errors, values }
  const target = allDay ? values.nyDato! : `${values.nyDato}T${values.nyTid!.replace('.', ':')}`
  if (!allDay && !isSupportedLocalDateTime(target)) return { errors: [{ field: 'nyTid', message: 'Tidspunktet finnes ikke.' }], values }
  return { change: { movedTo: target } }
}

/** The service's refusal of a form's input, as a problem naming the form's field; other errors are not the form's. */
export function serviceProblem (err: unknown, form: FormProblem['form'], values: FormValues): FormProblem | null {
  if (!(err instanceof ServiceError) || err.kind !== 'invalid') return null
  const fields: Record<string, FormField> = { deliveredOn: 'dato', approvedOn: 'dato', movedTo: 'nyDato', caseNumber: 'saksnummer', caseUrl: 'saksUrl', note: 'notat', status: 'status' }
  const field = fields[err.field ?? ''] ?? (form === 'flytt' ? 'nyDato' : form === 'notat' ? 'notat' : 'status')
  const message = err.code === 'occurrences.future_delivery' || err.code === 'occurrences.future_approval'
    ? 'Datoen kan ikke være fram i tid.'
    : err.code === 'occurrences.invalid_move'
      ? /owner/.test(err.message)
        ? 'Eierens forberedelse følger møtet sitt; flytt møtet i stedet.'
        : /at most/.test(err.message) ? 'En hendelse kan flyttes høyst ett år fra opprinnelig dato.' : 'Den nye datoen er ugyldig.'
      : err.message
  return { form, errors: [{ field, message }], values }
}

/** The flash message after a saved status form. */
export function statusDoneMessage (status: OccurrenceStatus | ''): string {
  return DONE_MESSAGES[status]
}
