import { describe, expect, it } from 'vitest'
import ICAL from 'ical.js'
import nodeIcal from 'node-ical'
import { alarmTextOf, buildFeed, createFeedBuilder, withFinalCrlf, type FeedEvent, type FeedInput } from '../../src/calendar/ical.js'

const deadline: FeedEvent = {
  id: '12-20270222',
  title: 'Årsregnskapet avlagt',
  kind: 'deadline',
  eventType: 'arsregnskap_avlagt',
  allDay: true,
  date: '2027-02-22',
  localStart: null,
  durationMinutes: 0,
  status: 'open',
  revision: 1,
  modified: Date.parse('2027-01-10T12:00:00Z'),
  subjectName: 'Øyer',
  responsibleBody: 'Kommunedirektøren i Øyer',
  treatedBy: null,
  treatingMeetingDate: null,
  legalBasis: [{ act: 'kommuneloven', section: '§ 14-6' }],
  caseNumber: null,
  caseUrl: null,
  url: 'https://arshjul.test/api/v1/occurrences/12-20270222',
  reminderOffsetsDays: [14, 1, 0],
  cancelledAt: null,
  tentative: false,
}
const meeting: FeedEvent = {
  ...deadline,
  id: '40-20270318T1800',
  title: 'Kommunestyret',
  kind: 'meeting',
  eventType: 'mote',
  allDay: false,
  date: '2027-03-18',
  localStart: '2027-03-18T18:00',
  durationMinutes: 180,
  responsibleBody: 'Kommunestyret i Øyer',
  legalBasis: [],
  reminderOffsetsDays: [3],
}
const input = (events: FeedEvent[], alarms = false): FeedInput => ({ name: 'Øyer kommune – årshjul', description: 'Styringskalender', uidHost: 'arshjul.test', events, alarms, refreshSeconds: 3600 })

describe('buildFeed', () => {
  it.each([
    ['no events', input([])],
    ['a deadline and a meeting', input([deadline, meeting])],
    ['alarms', input([deadline, meeting], true)],
  ])('with %s: CRLF after every line, END:VCALENDAR included; no METHOD, no ORGANIZER; both parsers read it', (_what, feed) => {
    const text = buildFeed(feed)
    expect(text.endsWith('\r\nEND:VCALENDAR\r\n')).toBe(true)
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
    expect(text).not.toMatch(/^(METHOD|ORGANIZER)[:;]/m)
    const cal = new ICAL.Component(ICAL.parse(text))
    expect(cal.getFirstPropertyValue('method')).toBeNull()
    expect(cal.getAllSubcomponents('vevent').map(v => v.getFirstPropertyValue('uid'))).toEqual(feed.events.map(e => `${e.id}@arshjul.test`))
    expect(Object.values(nodeIcal.sync.parseICS(text)).filter(c => c?.type === 'VEVENT')).toHaveLength(feed.events.length)
  })

  it('gives the same bytes as the server’s builder, built afresh and from its kept event texts', async () => {
    const build = createFeedBuilder()
    const feed = input([deadline, meeting], true)
    expect(await build(feed)).toBe(buildFeed(feed))
    expect(await build(feed)).toBe(buildFeed(feed))
  })

  it('writes a short alarm text per offset, not the summary again', () => {
    const text = buildFeed(input([deadline], true))
    const alarms = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!.getAllSubcomponents('valarm')
    expect(alarms.map(a => [a.getFirstPropertyValue('action'), a.getFirstPropertyValue('trigger')?.toString(), a.getFirstPropertyValue('description')])).toEqual([
      ['DISPLAY', '-P14D', 'Frist om 14 dager'], ['DISPLAY', '-P1D', 'Frist i morgen'], ['DISPLAY', 'PT0S', 'Frist i dag'],
    ])
    expect(alarmTextOf(meeting, 3)).toBe('Møte om 3 dager')
    expect(alarmTextOf(deadline, -2)).toBe('Frist for 2 dager siden')
  })
})

describe('withFinalCrlf', () => {
  it.each([['END:VCALENDAR', 'END:VCALENDAR\r\n'], ['END:VCALENDAR\r\n', 'END:VCALENDAR\r\n'], ['', '\r\n']])('%j → %j', (text, out) => {
    expect(withFinalCrlf(text)).toBe(out)
  })
})
