// Reading an adopted møteplan: a list of local meeting times from JSON, CSV or an iCal export of the
// municipality's political case system. Pure: text in, local times (Europe/Oslo) out, or a clear error.
import { isValidDate } from './calendar-date.js'
import { classifyLocal, instantToLocal, isValidLocalDateTime, localToInstant } from './local-time.js'

export interface PlannedMeeting { local: string; durationMinutes: number | null }
export class MoteplanError extends Error {
  constructor (readonly path: string, message: string) { super(message) }
}

const ZONE = 'Europe/Oslo'

function checkLocal (local: string, path: string): string {
  if (!isValidLocalDateTime(local)) throw new MoteplanError(path, `"${local}" is not a local date-time YYYY-MM-DDTHH:mm`)
  if (classifyLocal(local, ZONE) !== 'ok') throw new MoteplanError(path, `${local} does not exist once in ${ZONE} (daylight saving change)`)
  return local
}

function dedupeSorted (list: PlannedMeeting[]): PlannedMeeting[] {
  const byKey = new Map(list.map(m => [m.local, m]))
  return [...byKey.values()].sort((a, b) => a.local.localeCompare(b.local))
}

export function meetingsFromList (list: ReadonlyArray<{ start: string; durationMinutes?: number | null }>): PlannedMeeting[] {
  return dedupeSorted(list.map((m, i) => ({ local: checkLocal(m.start, `body/meetings/${i}/start`), durationMinutes: m.durationMinutes ?? null })))
}

/** CSV with a header: date;time[;duration] or date,time[,duration] (date YYYY-MM-DD or DD.MM.YYYY, time HH:mm). */
export function meetingsFromCsv (text: string): PlannedMeeting[] {
  // Blank lines are skipped but keep their place, so an error names the line as the file numbers it.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
    .map((l, i) => ({ text: l.trim(), number: i + 1 })).filter(l => l.text !== '')
  if (lines.length === 0) throw new MoteplanError('body', 'the CSV file is empty')
  const sep = lines[0]!.text.includes(';') ? ';' : ','
  const cells = (line: string) => line.split(sep).map(c => c.trim().replace(/^"|"$/g, ''))
  // A header is a first line whose first cell is not a date; a quoted date ("2027-02-18") is data.
  const rows = /^\d/.test(cells(lines[0]!.text)[0] ?? '') ? lines : lines.slice(1)
  return dedupeSorted(rows.map(({ text: line, number }) => {
    const [rawDate = '', rawTime = '', rawDuration = ''] = cells(line)
    const path = `body/line/${number}`
    const nor = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(rawDate)
    const date = nor ? `${nor[3]}-${nor[2]!.padStart(2, '0')}-${nor[1]!.padStart(2, '0')}` : rawDate
    if (!isValidDate(date)) throw new MoteplanError(path, `"${rawDate}" is not a date (YYYY-MM-DD or DD.MM.YYYY)`)
    const time = /^(\d{1,2})[:.](\d{2})$/.exec(rawTime)
    if (!time) throw new MoteplanError(path, `"${rawTime}" is not a time HH:mm`)
    const duration = rawDuration === '' ? null : Number(rawDuration)
    if (duration !== null && !(Number.isInteger(duration) && duration > 0 && duration <= 1440)) throw new MoteplanError(path, `"${rawDuration}" is not a duration in minutes`)
    return { local: checkLocal(`${date}T${time[1]!.padStart(2, '0')}:${time[2]}`, path), durationMinutes: duration }
  }))
}

/** VEVENTs of an iCal file: DTSTART with TZID=Europe/Oslo, or in UTC (converted); cancelled events are skipped. */
export function meetingsFromIcal (text: string): PlannedMeeting[] {
  const lines = text.replace(/\r?\n[ \t]/g, '').split(/\r?\n/)
  if (!lines.some(l => l.trim() === 'BEGIN:VCALENDAR')) throw new MoteplanError('body', 'not an iCalendar file (no BEGIN:VCALENDAR)')
  const out: PlannedMeeting[] = []
  let event: Record<string, string> | null = null
  // Components nested in a VEVENT (VALARM) have properties of their own, e.g. an alarm's DURATION.
  let nested = 0
  let n = 0
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') { event = {}; nested = 0; continue }
    if (event && /^BEGIN:/.test(line)) { nested++; continue }
    if (event && nested > 0) { if (/^END:/.test(line)) nested--; continue }
    if (line === 'END:VEVENT' && event) {
      n++
      const path = `body/vevent/${n}`
      if (event.STATUS?.toUpperCase() !== 'CANCELLED') {
        const start = event.DTSTART
        if (!start) throw new MoteplanError(path, 'VEVENT has no DTSTART')
        const { local, instant } = readTime(start, path)
        out.push({ local: checkLocal(local, path), durationMinutes: durationOf(event, instant, path) })
      }
      event = null
      continue
    }
    if (!event) continue
    const m = /^([A-Z-]+)((?:;[^:]*)?):(.*)$/.exec(line)
    if (m) event[m[1]!] = m[1] === 'DTSTART' || m[1] === 'DTEND' ? `${m[2]}:${m[3]}` : m[3]!
  }
  if (n === 0) throw new MoteplanError('body', 'the iCalendar file has no VEVENT')
  return dedupeSorted(out)
}

/** A DTSTART/DTEND value as Oslo wall-clock time, with the instant it denotes. */
function readTime (prop: string, path: string): { local: string; instant: number } {
  const m = /^((?:;[^:]*)?):(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})\d{2}(Z?))?$/.exec(prop)
  if (!m) throw new MoteplanError(path, `cannot read DTSTART "${prop}"`)
  if (m[5] === undefined) throw new MoteplanError(path, 'an all-day VEVENT is not a meeting (DTSTART needs a time)')
  const local = `${m[2]}-${m[3]}-${m[4]}T${m[5]}:${m[6]}`
  if (!isValidLocalDateTime(local)) throw new MoteplanError(path, `"${local}" is not a valid date-time`)
  if (m[7] === 'Z') {
    const instant = Date.parse(`${local}:00Z`)
    return { local: instantToLocal(instant, ZONE), instant }
  }
  const tzid = /TZID=("?)([^;:"]+)\1/.exec(m[1]!)?.[2]
  if (tzid && tzid !== ZONE) throw new MoteplanError(path, `DTSTART in ${tzid}; only ${ZONE} or UTC is read`)
  if (!tzid) throw new MoteplanError(path, 'DTSTART without a time zone (floating time) cannot be placed')
  return { local, instant: +localToInstant(local, ZONE) }
}

/** From DURATION, else from DTEND (which most exports give instead); null unless 1–1440 minutes. */
function durationOf (event: Record<string, string>, startInstant: number, path: string): number | null {
  const d = event.DURATION && /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(event.DURATION)
  let minutes: number | null = null
  if (d) minutes = Number(d[1] ?? 0) * 60 + Number(d[2] ?? 0)
  else if (event.DTEND) {
    try {
      minutes = Math.round((readTime(event.DTEND, path).instant - startInstant) / 60_000)
    } catch {
      return null // an unreadable DTEND only loses the duration
    }
  }
  return minutes !== null && minutes > 0 && minutes <= 1440 ? minutes : null
}
