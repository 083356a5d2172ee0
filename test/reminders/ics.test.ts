// The e-mail's .ics attachment (src/reminders/ics.ts, render.ts): RFC 5545 to the letter, and the same
// METHOD rule as the feeds (none, so no `method=` on its Content-Type either). Checked as rendered and
// as received by a real SMTP server on loopback.
import { afterEach, describe, expect, it } from 'vitest'
import ICAL from 'ical.js'
import nodeIcal from 'node-ical'
import { renderEmail } from '../../src/reminders/render.js'
import { loadReminderTemplates } from '../../src/reminders/templates.js'
import { createSmtpTransport } from '../../src/reminders/mailer.js'
import type { OccurrenceSnapshot, ReminderPayload } from '../../src/reminders/payload.js'
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/receivers.js'

const templates = loadReminderTemplates()

function payload (occurrence: Partial<OccurrenceSnapshot>): ReminderPayload {
  return {
    type: 'reminder',
    reminder: { key: 'before-14@2027-02-22', kind: 'before', sendOn: '2027-02-08', dueDate: '2027-02-22', daysLeft: 14, daysOverdue: null, number: null, escalated: false, escalatedTo: null },
    occurrence: {
      id: '17-20270222',
      eventType: 'arsregnskap_avlagt',
      kind: 'deadline',
      title: 'Årsregnskapet avlagt',
      description: null,
      date: '2027-02-22',
      allDay: true,
      localStart: null,
      start: null,
      end: null,
      revision: 2,
      status: 'open',
      modified: Date.parse('2027-01-10T12:00:00Z'),
      subject: { type: 'municipality', slug: 'oyer', name: 'Øyer' },
      responsibleBody: { slug: 'oyer-kommunedirektor', name: 'Kommunedirektøren i Øyer' },
      treatedBy: null,
      treatingMeeting: null,
      legalBasis: [{ act: 'kommuneloven', section: '§ 14-6', url: 'https://lovdata.no/lov/2018-06-22-83/§14-6' }],
      caseNumber: null,
      caseUrl: null,
      url: 'https://arshjul.test/api/v1/occurrences/17-20270222',
      ...occurrence,
    },
    recipient: { subscriptionId: 1, name: 'Kari Nordmann', scope: 'Øyer' },
  }
}

const DEADLINE = payload({})
const MEETING = payload({
  id: '40-20270318',
  eventType: 'mote',
  kind: 'meeting',
  title: 'Kommunestyret',
  date: '2027-03-18',
  allDay: false,
  localStart: '2027-03-18T18:00',
  start: '2027-03-18T17:00:00.000Z',
  end: '2027-03-18T20:00:00.000Z',
  responsibleBody: { slug: 'oyer-kommunestyre', name: 'Kommunestyret i Øyer' },
  legalBasis: [],
})

/** The attachment's text must hold: CRLF after every line (the last too), no METHOD, parsable by both parsers. */
function expectRfc5545 (text: string, uid: string) {
  expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true)
  // Every line break is a CRLF: no bare LF or CR anywhere.
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
  for (const line of text.split('\r\n').slice(0, -1)) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75)
  expect(text).not.toMatch(/^METHOD[:;]/m)
  expect(text).not.toMatch(/^ORGANIZER[:;]/m)
  const cal = new ICAL.Component(ICAL.parse(text))
  expect(cal.getFirstPropertyValue('method')).toBeNull()
  expect(cal.getAllSubcomponents('vevent').map(v => v.getFirstPropertyValue('uid'))).toEqual([uid])
  const parsed = Object.values(nodeIcal.sync.parseICS(text)).filter(c => c?.type === 'VEVENT')
  expect(parsed.map(e => (e as { uid: string }).uid)).toEqual([uid])
}

describe('the e-mail .ics attachment', () => {
  it.each([['a deadline', DEADLINE, 'frist.ics'], ['a meeting', MEETING, 'mote.ics']] as const)('for %s: CRLF after every line and after END:VCALENDAR, no METHOD, and a Content-Type without method=', (_what, p, filename) => {
    const [ics, ...rest] = renderEmail(p, templates, 'arshjul.test').attachments
    expect(rest).toHaveLength(0)
    expect(ics).toMatchObject({ filename, contentType: 'text/calendar; charset=utf-8' })
    expectRfc5545(ics!.content, `${p.occurrence.id}@arshjul.test`)
  })
})

describe('the .ics attachment as received over SMTP', () => {
  let smtp: SmtpReceiver | undefined
  afterEach(async () => { await smtp?.close() })

  it('arrives byte for byte, ending with CRLF, as text/calendar with no method parameter (RFC 5545 §3.7.2, RFC 6047 §2.4)', async () => {
    smtp = await startSmtpReceiver()
    const transport = createSmtpTransport(smtp.url)
    const email = renderEmail(MEETING, templates, 'arshjul.test')
    await transport.send({ ...email, from: 'arshjul@arshjul.test', to: { name: 'Kari', address: 'kari@oyer.kommune.no' }, messageId: '<ics-test@arshjul.test>', headers: {} })
    transport.close()
    const [mail] = await smtp.waitFor(1)
    const [attachment] = mail!.parsed.attachments
    const contentType = attachment!.headers.get('content-type') as { value: string; params: Record<string, string> }
    expect(mail!.raw).not.toMatch(/method=/i)
    expect(contentType.value).toBe('text/calendar')
    expect(contentType.params).not.toHaveProperty('method')
    expect(contentType.params.charset).toBe('utf-8')
    const received = attachment!.content.toString('utf8')
    expect(received).toBe(email.attachments[0]!.content)
    expectRfc5545(received, '40-20270318@arshjul.test')
  })
})
