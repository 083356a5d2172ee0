// From an outbox row's snapshot to what is sent: an e-mail (text and .ics) or a webhook body.
import type { OutboxRow } from '../repositories/outbox.js'
import { ICS_CONTENT_TYPE, occurrenceIcs } from './ics.js'
import type { DigestItem, DigestPayload, OutboxPayload, ReminderPayload } from './payload.js'
import { renderTemplate, type ReminderTemplates, type TemplateName, type TemplateValues } from './templates.js'
import { nonWorkingDayNote } from './format.js'
import { days, daysLeft, formatDateLong, formatDateTimeLong, numericDate } from '../presenters/vocabulary.js'

export interface EmailContent {
  subject: string
  text: string
  attachments: Array<{ filename: string; content: string; contentType: string }>
}

const DIGEST_LIST_MAX = 50

function summaryOf (p: ReminderPayload): string {
  const o = p.occurrence
  return o.kind === 'meeting' ? `Møte: ${o.responsibleBody?.name ?? o.title}` : `Frist: ${o.title} – ${o.subject.name}`
}

function occurrenceValues (p: ReminderPayload): TemplateValues {
  const o = p.occurrence
  const r = p.reminder
  const meeting = o.treatingMeeting
  return {
    mottaker: p.recipient.name,
    abonnement: p.recipient.scope,
    lenke: o.url,
    tittel: o.title,
    gjelder: o.subject.name,
    frist: numericDate(o.date),
    fristLang: formatDateLong(o.date),
    beskrivelse: o.description,
    ansvarlig: o.responsibleBody?.name,
    behandles: o.treatedBy && `${o.treatedBy.name}${meeting ? `, møte ${meeting.localStart ? formatDateTimeLong(meeting.localStart) : formatDateLong(meeting.date)}` : ''}`,
    lovgrunnlag: o.legalBasis.map(l => `${l.act} ${l.section} (${l.url})`).join('; '),
    saksnummer: o.caseNumber,
    sakslenke: o.caseUrl,
    fridag: r.kind === 'before' && o.kind !== 'meeting' ? nonWorkingDayNote(o.date) : null,
    organ: o.responsibleBody?.name ?? o.title,
    motetid: o.localStart ? formatDateTimeLong(o.localStart) : formatDateLong(o.date),
    dagerIgjen: r.daysLeft === null ? null : daysLeft(r.daysLeft),
    dager: r.daysLeft,
    dagerOverTid: r.daysOverdue,
    nummer: r.number,
    eskalert: r.escalated && r.escalatedTo ? `Kommunedirektøren i ${r.escalatedTo} får også denne påminnelsen.` : null,
    kommune: r.escalatedTo,
  }
}

function listOf (items: DigestItem[], line: (i: DigestItem) => string): string {
  if (items.length === 0) return 'Ingen.'
  const shown = items.slice(0, DIGEST_LIST_MAX).map(line)
  if (items.length > DIGEST_LIST_MAX) shown.push(`… og ${items.length - DIGEST_LIST_MAX} til (se hele oversikten)`)
  return shown.join('\n')
}

function digestValues (p: DigestPayload): TemplateValues {
  const who = (i: DigestItem) => `${i.title} – ${i.subject}${i.responsibleBody ? ` (${i.responsibleBody})` : ''}`
  return {
    mottaker: p.recipient.name,
    abonnement: p.recipient.scope,
    lenke: p.url,
    kommune: p.municipality.name,
    uke: p.digest.week,
    dato: formatDateLong(p.digest.asOf),
    antallForfalt: p.overdue.length,
    antallKommende: p.upcoming.length,
    forfalt: listOf(p.overdue, i => `– ${numericDate(i.date)}  ${who(i)}: ${days(i.daysOverdue)} over fristen\n  ${i.url}`),
    kommende: listOf(p.upcoming, i => `– ${numericDate(i.date)}  ${who(i)}\n  ${i.url}`),
  }
}

export function templateFor (payload: OutboxPayload): TemplateName {
  if (payload.type === 'digest') return 'digest'
  if (payload.reminder.kind === 'before') return payload.occurrence.kind === 'meeting' ? 'meeting' : 'before'
  return payload.reminder.kind
}

export function renderEmail (payload: OutboxPayload, templates: ReminderTemplates, uidHost: string): EmailContent {
  const template = templates[templateFor(payload)]
  if (payload.type === 'digest') return { ...renderTemplate(template, digestValues(payload)), attachments: [] }
  const { subject, text } = renderTemplate(template, occurrenceValues(payload))
  const filename = payload.occurrence.kind === 'meeting' ? 'mote.ics' : 'frist.ics'
  return {
    subject,
    text,
    attachments: [{ filename, content: occurrenceIcs(payload.occurrence, uidHost, summaryOf(payload)), contentType: ICS_CONTENT_TYPE }],
  }
}

export function webhookEvent (payload: OutboxPayload): string {
  return payload.type === 'digest' ? 'digest.weekly' : `reminder.${payload.reminder.kind}`
}

/** The JSON a webhook receives; the same bytes on every attempt (the timestamp is in a header). */
export function webhookBody (row: Pick<OutboxRow, 'created'>, deliveryId: string, payload: OutboxPayload): string {
  return JSON.stringify({ id: deliveryId, event: webhookEvent(payload), createdAt: new Date(row.created).toISOString(), ...payload })
}
