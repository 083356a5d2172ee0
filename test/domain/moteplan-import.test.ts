// src/domain/moteplan-import.ts: reading an adopted møteplan from JSON, CSV and iCal (issue 12).
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { MAX_MEETINGS, MoteplanError, meetingsFromList, readMoteplanCsv, readMoteplanIcal } from '../../src/domain/moteplan-import.js'

const fixture = (name: string) => fs.readFileSync(new URL(`./fixtures/moteplan/${name}`, import.meta.url), 'utf8')
const times = (r: { meetings: Array<{ local: string; durationMinutes: number | null }> }) => r.meetings.map(m => `${m.local}/${m.durationMinutes}`)

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

describe('the real-world files (../shared/cases/moteplan)', () => {
  it('an Outlook export in "W. Europe Standard Time", defined by its own VTIMEZONE: 18 Feb and 17 Jun 2027, 18:00–21:00', () => {
    const r = readMoteplanIcal(fixture('outlook-w-europe-standard-time.ics'))
    expect(times(r)).toEqual(['2027-02-18T18:00/180', '2027-06-17T18:00/180'])
    expect(r.warnings).toEqual([])
  })

  it('a series every second Wednesday with UNTIL and two EXDATEs: 13 Jan, 10 Feb, 10 Mar, 24 Mar, 7 Apr 2027, 18:00–20:00', () => {
    const r = readMoteplanIcal(fixture('series-rrule-exdate.ics'))
    expect(times(r)).toEqual(['2027-01-13T18:00/120', '2027-02-10T18:00/120', '2027-03-10T18:00/120', '2027-03-24T18:00/120', '2027-04-07T18:00/120'])
    expect(r.warnings).toEqual([])
  })

  it('an Excel CSV with a BOM, "sep=;", a header row and CRLF: 11 Feb and 18 Mar 2027 at 18:00', () => {
    const r = readMoteplanCsv(fixture('excel-sep-line.csv'))
    expect(times(r)).toEqual(['2027-02-11T18:00/null', '2027-03-18T18:00/null'])
    expect(r.warnings).toEqual([])
  })
})

describe('readMoteplanIcal: zones', () => {
  it('reads Exchange\'s quoted TZID with a colon inside, defined by its VTIMEZONE', () => {
    expect(times(readMoteplanIcal(fixture('exchange-quoted-tzid.ics')))).toEqual(['2027-02-10T09:00/180', '2027-05-12T09:00/180'])
  })

  it('also reads the display-name zone when an export leaves it unquoted', () => {
    const unquoted = fixture('exchange-quoted-tzid.ics').replace(/TZID="([^"]*)"/g, 'TZID=$1')
    expect(unquoted).toContain('DTSTART;TZID=(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna:20270210T090000')
    expect(times(readMoteplanIcal(unquoted))).toEqual(['2027-02-10T09:00/180', '2027-05-12T09:00/180'])
  })

  it('maps the Windows name "W. Europe Standard Time" through CLDR when there is no VTIMEZONE, also with ;VALUE=DATE-TIME', () => {
    expect(times(readMoteplanIcal(fixture('outlook-value-date-time.ics')))).toEqual(['2027-02-04T09:00/180', '2027-09-02T09:00/180'])
  })

  it('strips the Mozilla, libical and Citadel prefixes (/mozilla.org/20070129_1/Europe/Oslo …), with or without a VTIMEZONE', () => {
    expect(times(readMoteplanIcal(fixture('thunderbird-mozilla-prefix.ics')))).toEqual(['2027-02-18T18:00/180', '2027-06-17T18:00/180', '2027-10-21T18:00/180'])
  })

  it('accepts another zone whose offsets are Oslo\'s on the dates concerned (Europe/Stockholm)', () => {
    expect(times(readMoteplanIcal(ical(['DTSTART;TZID=Europe/Stockholm:20270218T180000', 'DTEND;TZID=Europe/Stockholm:20270218T200000'])))).toEqual(['2027-02-18T18:00/120'])
  })

  it('refuses a zone that differs from Oslo\'s on a meeting\'s date, naming the line (a VTIMEZONE without summer time)', () => {
    const err = moteplanError(() => readMoteplanIcal(fixture('zone-without-summer-time.ics')))
    expect(err.path).toBe('body/line/18')
    expect(err.message).toMatch(/^linje 18: .*UTC\+01:00 2027-06-17.*UTC\+02:00/)
  })

  it('refuses a zone with other offsets (America/New_York) and an unknown zone, naming the line', () => {
    const ny = moteplanError(() => readMoteplanIcal(ical(['DTSTART;TZID=Europe/Oslo:20270218T180000'], ['DTSTART;TZID=America/New_York:20270218T180000'])))
    expect(ny.path).toBe('body/line/10')
    expect(ny.message).toContain('America/New_York')
    const unknown = moteplanError(() => readMoteplanIcal(ical(['DTSTART;TZID=Norsk tid:20270218T180000'])))
    expect(unknown.path).toBe('body/line/6')
    expect(unknown.message).toMatch(/ukjent tidssone TZID=Norsk tid/)
  })

  it('converts UTC to Oslo time, with winter and summer offsets', () => {
    expect(readMoteplanIcal(ical(
      ['DTSTART:20270114T170000Z'], // CET, UTC+1
      ['DTSTART:20270617T160000Z'], // CEST, UTC+2
      ['DTSTART:20271231T233000Z'] // already the next day in Oslo
    )).meetings.map(m => m.local)).toEqual(['2027-01-14T18:00', '2027-06-17T18:00', '2028-01-01T00:30'])
  })

  it('reads floating times (no zone) as Oslo wall time, with one warning naming the first line', () => {
    const r = readMoteplanIcal(ical(['DTSTART:20270218T180000', 'DTEND:20270218T210000'], ['DTSTART:20270617T180000']))
    expect(times(r)).toEqual(['2027-02-18T18:00/180', '2027-06-17T18:00/null'])
    expect(r.warnings).toEqual([{ line: 6, message: expect.stringMatching(/ingen tidssone.*norsk tid/) }])
  })
})

describe('readMoteplanIcal: series', () => {
  it('applies several EXDATE lines in UTC (one a comma list), and warns about the EXDATE that matches no meeting', () => {
    const r = readMoteplanIcal(fixture('series-exdate-utc-lines.ics'))
    expect(r.meetings.map(m => m.local)).toEqual(['2027-01-07T18:00', '2027-02-04T18:00', '2027-02-18T18:00', '2027-03-18T18:00', '2027-04-01T18:00', '2027-04-29T18:00', '2027-05-13T18:00'])
    expect(r.warnings).toEqual([{ line: 27, message: 'EXDATE 2027-04-22T18:00 treffer ikke noe møte i serien' }])
  })

  it('moves an instance overridden by RECURRENCE-ID and removes one overridden with STATUS:CANCELLED (UNTIL in local time)', () => {
    expect(times(readMoteplanIcal(fixture('series-recurrence-id.ics')))).toEqual([
      '2027-01-13T10:00/120', '2027-02-10T10:00/120', '2027-03-17T19:00/120', '2027-04-14T10:00/120', '2027-06-09T10:00/120',
    ])
  })

  it('counts COUNT and adds RDATEs (TZID and UTC)', () => {
    expect(times(readMoteplanIcal(fixture('series-count-rdate.ics')))).toEqual([
      '2027-03-01T17:00/90', '2027-03-08T17:00/90', '2027-03-15T17:00/90', '2027-04-26T17:00/90', '2027-06-07T17:00/90',
    ])
  })

  it('keeps a weekly 18:00 meeting at 18:00 across the last Sunday of March and of October', () => {
    expect(readMoteplanIcal(fixture('series-dst-weeks.ics')).meetings.map(m => m.local)).toEqual([
      '2027-03-18T18:00', '2027-03-25T18:00', '2027-04-01T18:00', '2027-04-08T18:00',
      '2027-10-21T18:00', '2027-10-28T18:00', '2027-11-04T18:00', '2027-11-11T18:00',
    ])
  })

  it('lets a date EXDATE remove that day\'s meeting, and reads an RDATE period by its start', () => {
    expect(readMoteplanIcal(ical([
      'DTSTART;TZID=Europe/Oslo:20270113T180000', 'RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE;VALUE=DATE:20270120',
      'RDATE;VALUE=PERIOD:20270301T170000Z/20270301T190000Z',
    ])).meetings.map(m => m.local)).toEqual(['2027-01-13T18:00', '2027-01-27T18:00', '2027-03-01T18:00'])
  })

  it('takes an override whose RECURRENCE-ID is not in the series as a meeting of its own, with a warning', () => {
    const text = ical(['DTSTART;TZID=Europe/Oslo:20270113T180000', 'RRULE:FREQ=WEEKLY;COUNT=2'])
      .replace('END:VCALENDAR', ['BEGIN:VEVENT', 'UID:m0@test', 'RECURRENCE-ID;TZID=Europe/Oslo:20270210T180000', 'DTSTART;TZID=Europe/Oslo:20270211T180000', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n'))
    const r = readMoteplanIcal(text)
    expect(r.meetings.map(m => m.local)).toEqual(['2027-01-13T18:00', '2027-01-20T18:00', '2027-02-11T18:00'])
    expect(r.warnings).toEqual([{ line: 11, message: expect.stringMatching(/RECURRENCE-ID 2027-02-10T18:00 finnes ikke i serien/) }])
  })

  it('keeps a series with a UTC DTSTART at its first meeting\'s Oslo time across DST, with a warning', () => {
    const r = readMoteplanIcal(ical(['DTSTART:20270318T170000Z', 'RRULE:FREQ=WEEKLY;COUNT=3']))
    expect(r.meetings.map(m => m.local)).toEqual(['2027-03-18T18:00', '2027-03-25T18:00', '2027-04-01T18:00'])
    expect(r.warnings).toEqual([{ line: 7, message: expect.stringMatching(/DTSTART i UTC/) }])
  })

  it('expands BYMONTH with BYMONTHDAY as RFC 5545 says (no 31 April: only DTSTART)', () => {
    expect(readMoteplanIcal(ical(['DTSTART;TZID=Europe/Oslo:20270113T180000', 'RRULE:FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4,5;COUNT=2'])).meetings.map(m => m.local))
      .toEqual(['2027-01-13T18:00', '2027-05-31T18:00', '2028-05-31T18:00'])
  })

  it('skips a cancelled series with its overrides', () => {
    const r = readMoteplanIcal(ical(
      ['DTSTART;TZID=Europe/Oslo:20270113T100000', 'RRULE:FREQ=WEEKLY;COUNT=3', 'STATUS:CANCELLED'],
      ['DTSTART;TZID=Europe/Oslo:20270318T180000']
    ))
    expect(r.meetings.map(m => m.local)).toEqual(['2027-03-18T18:00'])
  })

  it('refuses a series without an end that runs past ten years, naming the RRULE line', () => {
    const err = moteplanError(() => readMoteplanIcal(ical(['DTSTART;TZID=Europe/Oslo:20270113T180000', 'RRULE:FREQ=MONTHLY'])))
    expect(err.path).toBe('body/line/7')
    expect(err.message).toMatch(/10 år/)
  })

  it(`refuses a series of more than ${MAX_MEETINGS} meetings`, () => {
    expect(moteplanError(() => readMoteplanIcal(ical(['DTSTART;TZID=Europe/Oslo:20270113T180000', 'RRULE:FREQ=DAILY;COUNT=1200']))).path).toBe('body/line/7')
  })

  it.each([
    ['FREQ=FOO', /invalid frequency/],
    ['BYDAY=MO', /FREQ/],
    ['FREQ=WEEKLY;BYDAY=XX', /BYDAY/],
    ['FREQ=WEEKLY;INTERVAL=0', /INTERVAL=0/],
  ])('refuses the unreadable RRULE %s, naming its line', (rule, message) => {
    const err = moteplanError(() => readMoteplanIcal(ical(['DTSTART;TZID=Europe/Oslo:20270113T180000', `RRULE:${rule}`])))
    expect(err.path).toBe('body/line/7')
    expect(err.message).toMatch(message)
  })
})

describe('readMoteplanIcal: single events', () => {
  it('reads TZID=Europe/Oslo times and durations, sorted', () => {
    expect(times(readMoteplanIcal(ical(
      ['DTSTART;TZID=Europe/Oslo:20270318T180000', 'DURATION:PT3H'],
      ['DTSTART;TZID=Europe/Oslo:20270218T090000', 'DURATION:PT1H30M'],
      ['DTSTART;TZID="Europe/Oslo":20270114T180000']
    )))).toEqual(['2027-01-14T18:00/null', '2027-02-18T09:00/90', '2027-03-18T18:00/180'])
  })

  it('takes the duration from DTEND when there is no DURATION', () => {
    expect(times(readMoteplanIcal(ical(
      ['DTSTART;TZID=Europe/Oslo:20270318T180000', 'DTEND;TZID=Europe/Oslo:20270318T203000'],
      ['DTSTART:20270617T160000Z', 'DTEND:20270617T190000Z']
    )))).toEqual(['2027-03-18T18:00/150', '2027-06-17T18:00/180'])
  })

  it('does not take an alarm\'s DURATION for the meeting\'s', () => {
    expect(times(readMoteplanIcal(ical([
      'DTSTART;TZID=Europe/Oslo:20270318T180000', 'DURATION:PT2H',
      'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT30M', 'DURATION:PT5M', 'REPEAT:2', 'DESCRIPTION:Møte', 'END:VALARM',
    ])))).toEqual(['2027-03-18T18:00/120'])
  })

  it('unfolds folded lines (RFC 5545 § 3.1) and still names lines as the file numbers them', () => {
    const text = ical([
      'SUMMARY:Kommunestyret – ordinært møte med en svært lang tittel som må',
      '  brettes over flere linjer',
      'DTSTART;TZID=Europe/',
      ' Oslo:20270218T1800',
      '\t00',
    ], ['DTSTART;VALUE=DATE:20270318'])
    expect(moteplanError(() => readMoteplanIcal(text)).path).toBe('body/line/14')
    expect(times(readMoteplanIcal(text.replace('DTSTART;VALUE=DATE:20270318', 'DTSTART:20270318T170000Z')))).toEqual(['2027-02-18T18:00/null', '2027-03-18T18:00/null'])
  })

  it('skips cancelled events, whatever the case of the status', () => {
    expect(readMoteplanIcal(ical(
      ['DTSTART;TZID=Europe/Oslo:20270218T180000', 'STATUS:CANCELLED'],
      ['DTSTART;TZID=Europe/Oslo:20270318T180000', 'STATUS:CONFIRMED'],
      ['DTSTART;VALUE=DATE:20270401', 'STATUS:Cancelled']
    )).meetings.map(m => m.local)).toEqual(['2027-03-18T18:00'])
  })

  it('de-duplicates two events at the same time', () => {
    expect(readMoteplanIcal(ical(['DTSTART;TZID=Europe/Oslo:20270218T180000'], ['DTSTART:20270218T170000Z'])).meetings).toEqual([{ local: '2027-02-18T18:00', durationMinutes: null }])
  })

  it('refuses an all-day VEVENT, naming its DTSTART line', () => {
    const err = moteplanError(() => readMoteplanIcal(ical(['DTSTART;TZID=Europe/Oslo:20270218T180000'], ['DTSTART;VALUE=DATE:20270318'])))
    expect(err.path).toBe('body/line/10')
    expect(err.message).toMatch(/heldagshendelse/)
  })

  it('refuses a VEVENT without DTSTART, naming its BEGIN line', () => {
    expect(moteplanError(() => readMoteplanIcal(ical(['SUMMARY:Møte']))).path).toBe('body/line/4')
  })

  it('refuses an impossible date instead of rolling it over', () => {
    expect(moteplanError(() => readMoteplanIcal(ical(['DTSTART:20270230T170000Z']))).path).toBe('body/line/6')
    expect(moteplanError(() => readMoteplanIcal(ical(['DTSTART;TZID=Europe/Oslo:20270218T250000']))).path).toBe('body/line/6')
  })

  it('refuses a line ical.js cannot read, naming it', () => {
    const err = moteplanError(() => readMoteplanIcal(ical(['DTSTART;TZID=Europe/Oslo:20270218T180000', 'this is not a property'])))
    expect(err.path).toBe('body/line/7')
  })

  it('refuses a calendar with no VEVENT, and text that is not iCalendar', () => {
    expect(moteplanError(() => readMoteplanIcal('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n')).message).toMatch(/ingen VEVENT/)
    expect(moteplanError(() => readMoteplanIcal('dato;tid\n18.02.2027;18:00')).message).toMatch(/BEGIN:VCALENDAR/)
  })

  it('refuses 02:30 on 28 March 2027 as nonexistent', () => {
    const err = moteplanError(() => readMoteplanIcal(ical(['DTSTART;TZID=Europe/Oslo:20270328T023000'])))
    expect(err.path).toBe('body/line/6')
    expect(err.message).toMatch(/sommertid/)
  })
})

describe('readMoteplanCsv', () => {
  const body = { name: 'Kommunestyret i Gausdal', slug: 'gausdal-kommunestyre' }

  it('reads headers in any order with extra columns; Slutt gives the duration; a row for another Utvalg is skipped with a warning; quoted cells', () => {
    const r = readMoteplanCsv(fixture('csv-headers-any-order.csv'), body)
    expect(times(r)).toEqual(['2027-06-17T18:00/180', '2027-12-09T18:00/270'])
    expect(r.warnings).toEqual([{ line: 3, message: 'raden gjelder «Formannskapet», ikke Kommunestyret i Gausdal; den er hoppet over' }])
  })

  it('reads ; with DD.MM.YYYY and d.m.yyyy dates, a header row and durations in minutes or H:MM', () => {
    expect(times(readMoteplanCsv('dato;tid;varighet\n18.03.2027;18:00;180\n4.2.2027;9.30;\n1.9.2027;18:00;2:30\n'))).toEqual([
      '2027-02-04T09:30/null', '2027-03-18T18:00/180', '2027-09-01T18:00/150',
    ])
  })

  it('reads , with ISO dates, CRLF, a byte order mark and English headers', () => {
    expect(times(readMoteplanCsv('\uFEFFdate,time,duration\r\n2027-06-17,18:00,240\r\n2027-02-18,18:00,150\r\n'))).toEqual(['2027-02-18T18:00/150', '2027-06-17T18:00/240'])
  })

  it('reads a file without a header (date;time[;duration]) and with quoted cells', () => {
    expect(times(readMoteplanCsv('"2027-02-18";"18:00"\n"2027-01-14";"09:00";"90"'))).toEqual(['2027-01-14T09:00/90', '2027-02-18T18:00/null'])
  })

  it('reads Start and Til, and a time range in the time column', () => {
    expect(times(readMoteplanCsv('Start;Dato;Til\n18:00;11.02.2027;20:00\n'))).toEqual(['2027-02-11T18:00/120'])
    expect(times(readMoteplanCsv('Dato;Klokkeslett\n11.02.2027;18:00–21:30\n'))).toEqual(['2027-02-11T18:00/210'])
  })

  it('honours sep=, when the first line says so', () => {
    expect(times(readMoteplanCsv('sep=,\nDato,Tid,Sted\n11.02.2027,18:00,"Salen, 2. etg"\n'))).toEqual(['2027-02-11T18:00/null'])
  })

  it('keeps rows naming this body (its name, short name or slug) and rows without a body', () => {
    const r = readMoteplanCsv('Dato;Tid;Organ\n11.02.2027;18:00;Kommunestyret\n12.02.2027;18:00;kommunestyret i gausdal\n13.02.2027;18:00;gausdal-kommunestyre\n14.02.2027;18:00;\n', body)
    expect(r.meetings).toHaveLength(4)
    expect(r.warnings).toEqual([])
  })

  it('de-duplicates rows for the same time, the last one winning', () => {
    expect(times(readMoteplanCsv('dato;tid;varighet\n18.02.2027;18:00;120\n18.02.2027;18:00;180'))).toEqual(['2027-02-18T18:00/180'])
  })

  it('names the line of a bad date, counting the header, the sep line and blank lines', () => {
    const err = moteplanError(() => readMoteplanCsv('dato;tid\n18.02.2027;18:00\n31.02.2027;18:00\n'))
    expect(err.path).toBe('body/line/3')
    expect(err.message).toContain('31.02.2027')
    expect(moteplanError(() => readMoteplanCsv('\uFEFFsep=;\r\nDato;Tid\r\n\r\n18.02.2027;18:00\r\n\r\n18.03.2027;25:00\r\n')).path).toBe('body/line/6')
    expect(moteplanError(() => readMoteplanCsv('2027-02-18;18:00\n2027-13-01;18:00')).path).toBe('body/line/2')
  })

  it.each([['18'], ['18:0'], ['kl 18'], [''], ['1800'], ['24:00']])('names the line of a bad time %j', time => {
    const err = moteplanError(() => readMoteplanCsv(`dato;tid\n18.02.2027;18:00\n18.03.2027;${time}`))
    expect(err.path).toBe('body/line/3')
    expect(err.message).toMatch(/klokkeslett/)
  })

  it.each([['0'], ['-30'], ['1.5'], ['1441'], ['to timer']])('refuses the duration %j', d => {
    const err = moteplanError(() => readMoteplanCsv(`dato;tid;varighet\n18.03.2027;18:00;${d}`))
    expect(err.path).toBe('body/line/2')
    expect(err.message).toMatch(/varighet/)
  })

  it('refuses an end before the start', () => {
    expect(moteplanError(() => readMoteplanCsv('Dato;Tid;Slutt\n18.03.2027;18:00;17:00')).path).toBe('body/line/2')
  })

  it('refuses a header without a date column, and a first line that is neither a header nor a date', () => {
    expect(moteplanError(() => readMoteplanCsv('Tid;Sted\n18:00;Salen')).message).toMatch(/ingen kolonne Dato/)
    expect(moteplanError(() => readMoteplanCsv('Møte;Når\nx;y')).path).toBe('body/line/1')
  })

  it('refuses 02:30 on 28 March 2027 as nonexistent', () => {
    const err = moteplanError(() => readMoteplanCsv('dato;tid\n28.03.2027;02:30'))
    expect(err.path).toBe('body/line/2')
    expect(err.message).toMatch(/sommertid/)
  })

  it('refuses an empty file', () => {
    expect(moteplanError(() => readMoteplanCsv('\uFEFF\n  \n')).path).toBe('body')
  })
})

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

  it('refuses 02:30 on the spring-forward and on the fall-back Sunday, and accepts the hours either side', () => {
    expect(moteplanError(() => meetingsFromList([{ start: '2027-03-28T02:30' }])).path).toBe('body/meetings/0/start')
    expect(moteplanError(() => meetingsFromList([{ start: '2027-10-31T02:30' }])).path).toBe('body/meetings/0/start')
    expect(meetingsFromList([{ start: '2027-03-28T03:00' }, { start: '2027-03-28T01:59' }]).map(m => m.local)).toEqual(['2027-03-28T01:59', '2027-03-28T03:00'])
  })

  it('refuses a plan spanning more than ten years', () => {
    expect(moteplanError(() => meetingsFromList([{ start: '2027-01-14T18:00' }, { start: '2037-02-14T18:00' }])).path).toBe('body/meetings')
  })
})
