import { describe, expect, it } from 'vitest'
import { MoteplanError, meetingsFromCsv, meetingsFromIcal, meetingsFromList } from '../../src/domain/moteplan-import.js'

function moteplanError (fn: () => unknown): MoteplanError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(MoteplanError)
    return e as MoteplanError
  }
  throw new Error('expected a MoteplanError')
}

const ical = (...eventLines: string[][]) => [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//EN',
  ...eventLines.flatMap((lines, i) => ['BEGIN:VEVENT', `UID:m${i}@test`, ...lines, 'END:VEVENT']),
  'END:VCALENDAR', '',
].join('\r\n')

describe('meetingsFromList', () => {
  it('sorts by local time and keeps one meeting per time', () => {
    expect(meetingsFromList([
      { start: '2027-03-18T18:00', durationMinutes: 180 },
      { start: '2027-02-18T18:00' },
      { start: '2027-03-18T18:00', durationMinutes: 240 },
      { start: '2027-02-04T09:00', durationMinutes: null },
    ])).toEqual([
      { local: '2027-02-04T09:00', durationMinutes: null },
      { local: '2027-02-18T18:00', durationMinutes: null },
      { local: '2027-03-18T18:00', durationMinutes: 240 },
    ])
  })

  it('gives an empty plan for an empty list', () => {
    expect(meetingsFromList([])).toEqual([])
  })

  it.each([
    ['2027-02-30T18:00'], ['2027-02-18T24:00'], ['2027-02-18 18:00'], ['2027-02-18'], ['2027-02-18T18:00:00'], ['18.02.2027 18:00'],
  ])('refuses %j and names the entry', bad => {
    const err = moteplanError(() => meetingsFromList([{ start: '2027-01-14T18:00' }, { start: bad }]))
    expect(err.path).toBe('body/meetings/1/start')
    expect(err.message).toContain(bad)
  })

  it('refuses 02:30 on the spring-forward Sunday, which does not exist in Oslo', () => {
    const err = moteplanError(() => meetingsFromList([{ start: '2027-03-28T02:30' }]))
    expect(err.path).toBe('body/meetings/0/start')
    expect(err.message).toMatch(/does not exist once/)
  })

  it('refuses 02:30 on the fall-back Sunday, which happens twice', () => {
    expect(moteplanError(() => meetingsFromList([{ start: '2027-10-31T02:30' }])).path).toBe('body/meetings/0/start')
  })

  it('accepts the hours either side of the gap', () => {
    expect(meetingsFromList([{ start: '2027-03-28T03:00' }, { start: '2027-03-28T01:59' }]).map(m => m.local))
      .toEqual(['2027-03-28T01:59', '2027-03-28T03:00'])
  })
})

describe('meetingsFromCsv', () => {
  it('reads ; with DD.MM.YYYY dates, a header row and durations', () => {
    expect(meetingsFromCsv('dato;tid;varighet\n18.03.2027;18:00;180\n4.2.2027;9.30;\n')).toEqual([
      { local: '2027-02-04T09:30', durationMinutes: null },
      { local: '2027-03-18T18:00', durationMinutes: 180 },
    ])
  })

  it('reads , with ISO dates, CRLF and a byte order mark', () => {
    expect(meetingsFromCsv('\uFEFFdate,time,duration\r\n2027-06-17,18:00,240\r\n2027-02-18,18:00,150\r\n')).toEqual([
      { local: '2027-02-18T18:00', durationMinutes: 150 },
      { local: '2027-06-17T18:00', durationMinutes: 240 },
    ])
  })

  it('reads a file without a header and with quoted cells', () => {
    expect(meetingsFromCsv('"2027-02-18";"18:00"\n"2027-01-14";"09:00";"90"')).toEqual([
      { local: '2027-01-14T09:00', durationMinutes: 90 },
      { local: '2027-02-18T18:00', durationMinutes: null },
    ])
  })

  it('de-duplicates rows for the same time, the last one winning', () => {
    expect(meetingsFromCsv('dato;tid;varighet\n18.02.2027;18:00;120\n18.02.2027;18:00;180')).toEqual([
      { local: '2027-02-18T18:00', durationMinutes: 180 },
    ])
  })

  it('names the line of a bad date, counting the header', () => {
    const err = moteplanError(() => meetingsFromCsv('dato;tid\n18.02.2027;18:00\n31.02.2027;18:00\n'))
    expect(err.path).toBe('body/line/3')
    expect(err.message).toContain('31.02.2027')
  })

  it('names the line of a bad date without a header', () => {
    expect(moteplanError(() => meetingsFromCsv('2027-02-18;18:00\n2027-13-01;18:00')).path).toBe('body/line/2')
  })

  it('names the line as the file numbers it, blank lines included', () => {
    const err = moteplanError(() => meetingsFromCsv('dato;tid\n\n18.02.2027;18:00\n\n18.03.2027;25:00\n'))
    expect(err.path).toBe('body/line/5')
  })

  it.each([
    ['18'], ['18:0'], ['kl 18'], [''], ['1800'],
  ])('names the line of a bad time %j', time => {
    const err = moteplanError(() => meetingsFromCsv(`dato;tid\n18.02.2027;18:00\n18.03.2027;${time}`))
    expect(err.path).toBe('body/line/3')
    expect(err.message).toMatch(/not a time/)
  })

  it('refuses an hour past 23 as a local time', () => {
    expect(moteplanError(() => meetingsFromCsv('dato;tid\n18.03.2027;24:00')).path).toBe('body/line/2')
  })

  it.each([['0'], ['-30'], ['1.5'], ['1441'], ['to timer']])('refuses the duration %j', d => {
    const err = moteplanError(() => meetingsFromCsv(`dato;tid;varighet\n18.03.2027;18:00;${d}`))
    expect(err.path).toBe('body/line/2')
    expect(err.message).toMatch(/duration/)
  })

  it('refuses 02:30 on 28 March 2027 as nonexistent', () => {
    const err = moteplanError(() => meetingsFromCsv('dato;tid\n28.03.2027;02:30'))
    expect(err.path).toBe('body/line/2')
    expect(err.message).toMatch(/daylight saving/)
  })

  it('refuses an empty file', () => {
    expect(moteplanError(() => meetingsFromCsv('\uFEFF\n  \n')).path).toBe('body')
  })
})

describe('meetingsFromIcal', () => {
  it('reads TZID=Europe/Oslo times and durations, sorted', () => {
    expect(meetingsFromIcal(ical(
      ['DTSTART;TZID=Europe/Oslo:20270318T180000', 'DURATION:PT3H'],
      ['DTSTART;TZID=Europe/Oslo:20270218T090000', 'DURATION:PT1H30M'],
      ['DTSTART;TZID="Europe/Oslo":20270114T180000']
    ))).toEqual([
      { local: '2027-01-14T18:00', durationMinutes: null },
      { local: '2027-02-18T09:00', durationMinutes: 90 },
      { local: '2027-03-18T18:00', durationMinutes: 180 },
    ])
  })

  it('takes the duration from DTEND when there is no DURATION', () => {
    expect(meetingsFromIcal(ical(
      ['DTSTART;TZID=Europe/Oslo:20270318T180000', 'DTEND;TZID=Europe/Oslo:20270318T203000'],
      ['DTSTART:20270617T160000Z', 'DTEND:20270617T190000Z']
    ))).toEqual([
      { local: '2027-03-18T18:00', durationMinutes: 150 },
      { local: '2027-06-17T18:00', durationMinutes: 180 },
    ])
  })

  it('does not take an alarm\'s DURATION for the meeting\'s', () => {
    expect(meetingsFromIcal(ical([
      'DTSTART;TZID=Europe/Oslo:20270318T180000', 'DURATION:PT2H',
      'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT30M', 'DURATION:PT5M', 'REPEAT:2', 'DESCRIPTION:Møte', 'END:VALARM',
    ]))).toEqual([{ local: '2027-03-18T18:00', durationMinutes: 120 }])
  })

  it('unfolds folded lines (RFC 5545 § 3.1)', () => {
    const text = ical([
      'SUMMARY:Kommunestyret – ordinært møte med en svært lang tittel som må',
      '  brettes over flere linjer',
      'DTSTART;TZID=Europe/',
      ' Oslo:20270218T1800',
      '\t00',
    ])
    expect(meetingsFromIcal(text)).toEqual([{ local: '2027-02-18T18:00', durationMinutes: null }])
  })

  it('converts UTC to Oslo time, with winter and summer offsets', () => {
    expect(meetingsFromIcal(ical(
      ['DTSTART:20270114T170000Z'], // CET, UTC+1
      ['DTSTART:20270617T160000Z'], // CEST, UTC+2
      ['DTSTART:20271231T233000Z'] // already the next day in Oslo
    )).map(m => m.local)).toEqual(['2027-01-14T18:00', '2027-06-17T18:00', '2028-01-01T00:30'])
  })

  it('skips cancelled events', () => {
    expect(meetingsFromIcal(ical(
      ['DTSTART;TZID=Europe/Oslo:20270218T180000', 'STATUS:CANCELLED'],
      ['DTSTART;TZID=Europe/Oslo:20270318T180000', 'STATUS:CONFIRMED'],
      ['DTSTART;VALUE=DATE:20270401', 'STATUS:Cancelled']
    )).map(m => m.local)).toEqual(['2027-03-18T18:00'])
  })

  it('de-duplicates two events at the same time', () => {
    expect(meetingsFromIcal(ical(
      ['DTSTART;TZID=Europe/Oslo:20270218T180000'],
      ['DTSTART:20270218T170000Z']
    ))).toEqual([{ local: '2027-02-18T18:00', durationMinutes: null }])
  })

  it('refuses an all-day VEVENT and names it', () => {
    const err = moteplanError(() => meetingsFromIcal(ical(['DTSTART;TZID=Europe/Oslo:20270218T180000'], ['DTSTART;VALUE=DATE:20270318'])))
    expect(err.path).toBe('body/vevent/2')
    expect(err.message).toMatch(/all-day/)
  })

  it('refuses a floating time', () => {
    const err = moteplanError(() => meetingsFromIcal(ical(['DTSTART:20270218T180000'])))
    expect(err.path).toBe('body/vevent/1')
    expect(err.message).toMatch(/floating/)
  })

  it('refuses another zone', () => {
    const err = moteplanError(() => meetingsFromIcal(ical(['DTSTART;TZID=Europe/Stockholm:20270218T180000'])))
    expect(err.path).toBe('body/vevent/1')
    expect(err.message).toContain('Europe/Stockholm')
  })

  it('refuses a VEVENT without DTSTART', () => {
    expect(moteplanError(() => meetingsFromIcal(ical(['SUMMARY:Møte']))).path).toBe('body/vevent/1')
  })

  it('refuses an impossible date instead of rolling it over', () => {
    expect(moteplanError(() => meetingsFromIcal(ical(['DTSTART:20270230T170000Z']))).path).toBe('body/vevent/1')
    expect(moteplanError(() => meetingsFromIcal(ical(['DTSTART;TZID=Europe/Oslo:20270218T250000']))).path).toBe('body/vevent/1')
  })

  it('refuses a calendar with no VEVENT', () => {
    const err = moteplanError(() => meetingsFromIcal('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n'))
    expect(err.path).toBe('body')
    expect(err.message).toMatch(/no VEVENT/)
  })

  it('refuses text that is not iCalendar', () => {
    expect(moteplanError(() => meetingsFromIcal('dato;tid\n18.02.2027;18:00')).message).toMatch(/BEGIN:VCALENDAR/)
  })

  it('refuses 02:30 on 28 March 2027 as nonexistent', () => {
    const err = moteplanError(() => meetingsFromIcal(ical(['DTSTART;TZID=Europe/Oslo:20270328T023000'])))
    expect(err.path).toBe('body/vevent/1')
    expect(err.message).toMatch(/does not exist once/)
  })
})
