// Reading an adopted møteplan: the local meeting times (Europe/Oslo) in a JSON list, a CSV file or an
// iCal export of the municipality's political case system or mail program (issue 12). Pure: text in,
// meetings and warnings out, or a MoteplanError naming the line of the file (path `body/line/<n>`).
//
// iCal is read by ical.js (RFC 5545); a series is expanded by the app's recurrence engine
// (src/domain/recurrence.ts, the floating frame of STYLE trap 1): RRULE (COUNT, UNTIL in UTC or local),
// then RDATE, EXDATE and RECURRENCE-ID overrides here.
// A TZID is accepted when its offsets equal Europe/Oslo's at every time it is used for: a zone the file
// defines in its own VTIMEZONE (Outlook's "W. Europe Standard Time"), an IANA name (also behind a
// Mozilla/libical prefix such as /mozilla.org/20070129_1/Europe/Oslo), or a Windows name mapped through
// CLDR's table (windows-iana). Floating times (no TZID, no Z) are read as Norwegian wall time, with a
// warning: the file was uploaded for a Norwegian body.
import ICAL from 'ical.js'
import { parse as parseCsv } from 'csv-parse/sync'
import { findIana } from 'windows-iana'
import { addDays, addYears, isSupportedDate, MAX_SUPPORTED_YEAR, MIN_SUPPORTED_YEAR } from './calendar-date.js'
import { classifyLocal, instantToLocal, isSupportedLocalDateTime, isValidTimeZone, localToFloating, localToInstant, offsetAt } from './local-time.js'
import { RecurrenceError, expand, formatDtstart, validateRrule } from './recurrence.js'

export interface PlannedMeeting { local: string; durationMinutes: number | null }
/** Something the reader guessed or left out; `line` is the file's line (1-based), when there is one. */
export interface MoteplanWarning { line: number | null; message: string }
export interface MoteplanReading { meetings: PlannedMeeting[]; warnings: MoteplanWarning[] }
export class MoteplanError extends Error {
  constructor (readonly path: string, message: string) { super(message) }
}

const ZONE = 'Europe/Oslo'
/** A plan may hold at most this many meetings … */
export const MAX_MEETINGS = 1000
/** … spanning at most this many years (a series without an end is refused, not cut short). */
export const MAX_PLAN_YEARS = 10

const lineError = (line: number, message: string) => new MoteplanError(`body/line/${line}`, `linje ${line}: ${message}`)

const YEARS = `i årene ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}`

function checkLocal (local: string, path: string, where: string): string {
  if (!isSupportedLocalDateTime(local)) throw new MoteplanError(path, `${where}"${local}" er ikke et tidspunkt YYYY-MM-DDTHH:mm ${YEARS}`)
  if (classifyLocal(local, ZONE) !== 'ok') throw new MoteplanError(path, `${where}${local} finnes ikke nøyaktig én gang i ${ZONE} (overgang til eller fra sommertid)`)
  return local
}

function dedupeSorted (list: PlannedMeeting[]): PlannedMeeting[] {
  const byKey = new Map(list.map(m => [m.local, m]))
  return [...byKey.values()].sort((a, b) => a.local.localeCompare(b.local))
}

/** The limits every plan obeys, whatever its format. */
function bounded (meetings: PlannedMeeting[], path: string): PlannedMeeting[] {
  if (meetings.length > MAX_MEETINGS) throw new MoteplanError(path, `planen har ${meetings.length} møter; høyst ${MAX_MEETINGS} kan leses inn`)
  const first = meetings[0]?.local.slice(0, 10)
  const last = meetings.at(-1)?.local.slice(0, 10)
  if (first && last && last > addYears(first, MAX_PLAN_YEARS)) throw new MoteplanError(path, `planen går fra ${first} til ${last}; den kan spenne over høyst ${MAX_PLAN_YEARS} år`)
  return meetings
}

export function meetingsFromList (list: ReadonlyArray<{ start: string; durationMinutes?: number | null }>): PlannedMeeting[] {
  return bounded(dedupeSorted(list.map((m, i) => ({ local: checkLocal(m.start, `body/meetings/${i}/start`, ''), durationMinutes: m.durationMinutes ?? null }))), 'body/meetings')
}

// ── CSV ─────────────────────────────────────────────────────────────────────────────────────────

/** Which column a header names (lower case, without spaces or dots). Other columns are ignored. */
const HEADERS: Record<string, 'date' | 'time' | 'end' | 'duration' | 'body' | 'place'> = {
  dato: 'date',
  date: 'date',
  møtedato: 'date',
  tid: 'time',
  start: 'time',
  starttid: 'time',
  klokkeslett: 'time',
  kl: 'time',
  time: 'time',
  fra: 'time',
  slutt: 'end',
  til: 'end',
  sluttid: 'end',
  end: 'end',
  varighet: 'duration',
  duration: 'duration',
  minutter: 'duration',
  utvalg: 'body',
  organ: 'body',
  styre: 'body',
  sted: 'place',
  møtested: 'place',
  place: 'place',
}
const headerOf = (cell: string) => HEADERS[cell.trim().toLowerCase().replace(/[\s.]/g, '')]

/** The body the plan is uploaded for: a CSV row naming another Utvalg/Organ is skipped with a warning. */
export interface PlanBody { name: string; slug: string }

function sameBody (cell: string, body: PlanBody): boolean {
  const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ')
  const v = norm(cell)
  const name = norm(body.name)
  // "Kommunestyret" names "Kommunestyret i Gausdal"; a file for one municipality rarely repeats its name.
  return v === '' || v === name || v === norm(body.slug) || name.startsWith(`${v} `) || v.startsWith(`${name} `)
}

const NOR_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/
const TIME = /^(\d{1,2})[:.](\d{2})$/

function csvDate (raw: string, line: number): string {
  const nor = NOR_DATE.exec(raw)
  const date = nor ? `${nor[3]}-${nor[2]!.padStart(2, '0')}-${nor[1]!.padStart(2, '0')}` : raw
  if (!isSupportedDate(date)) throw lineError(line, `"${raw}" er ikke en dato (dd.mm.åååå eller åååå-mm-dd) ${YEARS}`)
  return date
}

function csvTime (raw: string, line: number, what: string): { hour: number; minute: number } {
  const t = TIME.exec(raw)
  if (!t || Number(t[1]) > 23 || Number(t[2]) > 59) throw lineError(line, `"${raw}" er ikke et klokkeslett TT:MM (${what})`)
  return { hour: Number(t[1]), minute: Number(t[2]) }
}

function csvDuration (raw: string, line: number): number {
  const hm = /^(\d{1,2}):(\d{2})$/.exec(raw)
  const minutes = hm ? Number(hm[1]) * 60 + Number(hm[2]) : /^\d+$/.test(raw) ? Number(raw) : NaN
  if (!(minutes > 0 && minutes <= 1440)) throw lineError(line, `"${raw}" er ikke en varighet i minutter eller T:MM (1–1440 minutter)`)
  return minutes
}

/**
 * A CSV møteplan: a first line `sep=;` (Excel) is honoured, else `;`, `,` or tab is detected. A header
 * row names the columns in any order (Dato; Tid/Start/Klokkeslett; Slutt/Til; Varighet in minutes or
 * T:MM; Utvalg/Organ; Sted); other columns are ignored. Without a header, the columns are date;time
 * [;duration]. Dates dd.mm.åååå, d.m.åååå or ISO; times TT:MM or TT.MM. Rows naming another
 * Utvalg/Organ than `body` are skipped with a warning. Errors name the line.
 */
export function readMoteplanCsv (text: string, body?: PlanBody): MoteplanReading {
  const clean = text.replace(/^\uFEFF/, '')
  const firstLine = /^[^\r\n]*/.exec(clean)![0]
  const sep = /^sep=(.)\s*$/i.exec(firstLine)
  const sample = sep ? '' : clean.split(/\r?\n/).find(l => l.trim() !== '') ?? ''
  const delimiter = sep ? sep[1]! : [';', '\t', ','].map(d => ({ d, n: sample.split(d).length })).sort((a, b) => b.n - a.n)[0]!.d
  let records: Array<{ record: string[]; info: { lines: number } }>
  try {
    records = parseCsv(clean, { delimiter, from_line: sep ? 2 : 1, relax_column_count: true, skip_empty_lines: true, skip_records_with_empty_values: true, trim: true, info: true }) as unknown as typeof records
  } catch (err) {
    const line = (err as { lines?: number }).lines
    throw line ? lineError(line, `kan ikke leses som CSV: ${(err as Error).message}`) : new MoteplanError('body', `kan ikke leses som CSV: ${(err as Error).message}`)
  }
  if (records.length === 0) throw new MoteplanError('body', 'CSV-fila er tom')
  const first = records[0]!
  const named = first.record.map(headerOf)
  let columns: Partial<Record<NonNullable<ReturnType<typeof headerOf>>, number>>
  let rows = records
  if (named.some(n => n !== undefined)) {
    columns = {}
    named.forEach((n, i) => { if (n && columns[n] === undefined) columns[n] = i })
    if (columns.date === undefined) throw lineError(first.info.lines, 'overskriftsraden har ingen kolonne Dato')
    if (columns.time === undefined) throw lineError(first.info.lines, 'overskriftsraden har ingen kolonne Tid (eller Start, Klokkeslett)')
    rows = records.slice(1)
  } else if (/^\d/.test(first.record[0] ?? '')) {
    columns = { date: 0, time: 1, duration: 2 }
  } else {
    throw lineError(first.info.lines, `ukjent overskrift "${first.record.join(delimiter)}"; bruk Dato${delimiter}Tid (og gjerne Slutt, Varighet, Utvalg, Sted)`)
  }
  const warnings: MoteplanWarning[] = []
  const meetings: PlannedMeeting[] = []
  for (const { record, info } of rows) {
    const line = info.lines
    const cell = (c: number | undefined) => (c === undefined ? '' : record[c] ?? '')
    const bodyCell = cell(columns.body)
    if (body && !sameBody(bodyCell, body)) {
      warnings.push({ line, message: `raden gjelder «${bodyCell}», ikke ${body.name}; den er hoppet over` })
      continue
    }
    const date = csvDate(cell(columns.date), line)
    // "18:00–21:00" in the time column gives the end too.
    const [rawStart = '', rawEnd = ''] = cell(columns.time).split(/\s*[-–]\s*/)
    const start = csvTime(rawStart, line, 'start')
    const local = checkLocal(`${date}T${String(start.hour).padStart(2, '0')}:${String(start.minute).padStart(2, '0')}`, `body/line/${line}`, `linje ${line}: `)
    let durationMinutes: number | null = null
    const rawDuration = cell(columns.duration)
    const endText = rawEnd || cell(columns.end)
    if (rawDuration !== '') durationMinutes = csvDuration(rawDuration, line)
    else if (endText !== '') {
      const end = csvTime(endText, line, 'slutt')
      durationMinutes = end.hour * 60 + end.minute - (start.hour * 60 + start.minute)
      if (durationMinutes <= 0) throw lineError(line, `slutt ${endText} er ikke etter start ${rawStart}`)
    }
    meetings.push({ local, durationMinutes })
  }
  return { meetings: bounded(dedupeSorted(meetings), 'body'), warnings }
}

// ── iCal ────────────────────────────────────────────────────────────────────────────────────────

interface LogicalLine { text: string; line: number }

/** RFC 5545 § 3.1 unfolding, keeping the physical line each logical line starts on. */
function logicalLines (text: string): LogicalLine[] {
  const out: LogicalLine[] = []
  text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).forEach((raw, i) => {
    if (/^[ \t]/.test(raw) && out.length > 0) out[out.length - 1]!.text += raw.slice(1)
    else out.push({ text: raw, line: i + 1 })
  })
  for (const l of out) l.text = quoteDisplayNameZones(l.text)
  return out
}

/**
 * Exchange's display-name zones carry a colon ("(UTC+01:00) Amsterdam, …"). Quoted, as RFC 5545 § 3.2
 * requires, ical.js reads them; some exports leave them unquoted, which would end the parameters at
 * that colon. The name runs to the next ';' or to the value's colon (the last one: a date-time has none).
 */
function quoteDisplayNameZones (line: string): string {
  const at = line.search(/;TZID=\(UTC/i)
  if (at < 0) return line
  const start = at + 6
  const valueColon = line.lastIndexOf(':')
  const semi = line.indexOf(';', start)
  const end = semi >= 0 && semi < valueColon ? semi : valueColon
  return end > start ? `${line.slice(0, start)}"${line.slice(start, end)}"${line.slice(end)}` : line
}

/** Where each VEVENT of the calendar (in order) and each of its properties (by name, in order) stand in the file. */
interface EventLines { begin: number; props: Map<string, number[]> }
function eventLines (lines: LogicalLine[]): EventLines[] {
  const out: EventLines[] = []
  const stack: string[] = []
  let current: EventLines | null = null
  for (const { text, line } of lines) {
    const m = /^(BEGIN|END):(.+)$/i.exec(text.trim())
    if (m) {
      const name = m[2]!.toUpperCase()
      if (m[1]!.toUpperCase() === 'BEGIN') {
        stack.push(name)
        if (name === 'VEVENT' && stack.length === 2) out.push(current = { begin: line, props: new Map() })
      } else {
        if (stack.at(-1) === 'VEVENT' && stack.length === 2) current = null
        stack.pop()
      }
      continue
    }
    if (current && stack.length === 2) {
      const name = /^[^;:]*/.exec(text)![0].toUpperCase()
      const list = current.props.get(name) ?? []
      list.push(line)
      current.props.set(name, list)
    }
  }
  return out
}

/** ical.js names no line in its errors: find the first line it cannot read on its own. */
function parseError (lines: LogicalLine[], err: unknown): MoteplanError {
  const message = err instanceof Error ? err.message : String(err)
  for (const { text, line } of lines) {
    if (text.trim() === '' || /^(BEGIN|END):/i.test(text)) continue
    try {
      ICAL.parse.property(text)
    } catch (e) {
      return lineError(line, `kan ikke leses (${e instanceof Error ? e.message : String(e)})`)
    }
  }
  return new MoteplanError('body', `iCal-fila kan ikke leses: ${message}`)
}

/** Exchange writes its zones' display names; these four are Norway's offsets (CLDR's Windows ids). */
const WINDOWS_DISPLAY_NAMES: Record<string, string> = {
  '(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna': 'W. Europe Standard Time',
  '(UTC+01:00) Belgrade, Bratislava, Budapest, Ljubljana, Prague': 'Central Europe Standard Time',
  '(UTC+01:00) Brussels, Copenhagen, Madrid, Paris': 'Romance Standard Time',
  '(UTC+01:00) Sarajevo, Skopje, Warsaw, Zagreb': 'Central European Standard Time',
}

/** An IANA name inside a libical/Mozilla/Citadel path: '/mozilla.org/20070129_1/Europe/Oslo' → 'Europe/Oslo'. */
function ianaInPath (tzid: string): string | undefined {
  if (!tzid.startsWith('/')) return undefined
  const parts = tzid.split('/').filter(Boolean)
  for (let i = 0; i < parts.length; i++) {
    const name = parts.slice(i).join('/')
    if (name.includes('/') && isValidTimeZone(name)) return name
  }
  return undefined
}

type Wall = { year: number; month: number; day: number; hour: number; minute: number }
const wallLocal = (t: Wall) => `${String(t.year).padStart(4, '0')}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}T${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`
const fmtOffset = (min: number) => `UTC${min < 0 ? '−' : '+'}${String(Math.floor(Math.abs(min) / 60)).padStart(2, '0')}:${String(Math.abs(min) % 60).padStart(2, '0')}`

/** How a TZID gives its UTC offset (minutes) at a wall time; undefined when the zone is unknown. */
type ZoneOffset = (local: string) => number
function zoneOffsetOf (tzid: string, vtimezones: Map<string, ICAL.Timezone>): ZoneOffset | undefined {
  const own = vtimezones.get(tzid)
  if (own) {
    // RFC 5545 § 3.2.19: a TZID names the file's own VTIMEZONE, whatever the name says.
    return local => own.utcOffset(ICAL.Time.fromDateTimeString(`${local}:00`)) / 60
  }
  const iana = (name: string): ZoneOffset => local => offsetAt(localToInstant(local, name), name)
  const windows = WINDOWS_DISPLAY_NAMES[tzid] ?? tzid
  const named = ianaInPath(tzid) ?? (isValidTimeZone(tzid) && tzid.includes('/') ? tzid : undefined)
  if (named) return iana(named)
  const zones = findIana(windows)
  if (zones.length) return iana(zones.includes(ZONE) ? ZONE : zones[0]!)
  return undefined
}

interface IcalContext {
  /** The logical lines by the line they start on: ical.js rolls 30 February over, so values are checked as written. */
  text: Map<number, string>
  checked: Set<number>
  vtimezones: Map<string, ICAL.Timezone>
  zones: Map<string, ZoneOffset | undefined>
  warnings: MoteplanWarning[]
  floatingLine: number | null
}

/**
 * One date-time value as Oslo wall time: UTC is converted; a TZID must give Oslo's offset at that
 * time (else the line is refused); floating time is taken as Oslo's. Date values are null (all-day).
 */
function osloLocal (value: ICAL.Time, tzid: string | null, line: number, ctx: IcalContext): string | null {
  checkWritten(line, ctx)
  if (value.isDate) return null
  const written = wallLocal(value)
  if (!isSupportedLocalDateTime(written)) throw lineError(line, `"${value.toString()}" er ikke et gyldig tidspunkt ${YEARS}`)
  if (value.zone?.tzid === 'UTC' && tzid === null) {
    return instantToLocal(Date.UTC(value.year, value.month - 1, value.day, value.hour, value.minute), ZONE)
  }
  if (tzid === null) {
    ctx.floatingLine ??= line
    return checkLocal(written, `body/line/${line}`, `linje ${line}: `)
  }
  if (!ctx.zones.has(tzid)) ctx.zones.set(tzid, zoneOffsetOf(tzid, ctx.vtimezones))
  const offset = ctx.zones.get(tzid)
  if (!offset) throw lineError(line, `ukjent tidssone TZID=${tzid}: fila har ingen VTIMEZONE for den, og navnet er verken en IANA-sone eller en Windows-sone`)
  checkLocal(written, `body/line/${line}`, `linje ${line}: `)
  const theirs = offset(written)
  const oslo = offsetAt(localToInstant(written, ZONE), ZONE)
  if (theirs !== oslo) {
    throw lineError(line, `tidssonen ${tzid} er ${fmtOffset(theirs)} ${written.slice(0, 10)}, men norsk tid er ${fmtOffset(oslo)}; møteplanen må være i norsk tid`)
  }
  return written
}

/** Every date and date-time on the line as written: a real day, hours below 24. */
function checkWritten (line: number, ctx: IcalContext): void {
  if (ctx.checked.has(line)) return
  ctx.checked.add(line)
  const value = (ctx.text.get(line) ?? '').replace(/^(?:[^:"]|"[^"]*")*:/, '')
  for (const m of value.matchAll(/(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?/g)) {
    const date = `${m[1]}-${m[2]}-${m[3]}`
    if (!isSupportedDate(date) || (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 60))) throw lineError(line, `"${m[0]}" er ikke en gyldig dato eller et gyldig tidspunkt ${YEARS}`)
  }
}

const tzidOf = (p: ICAL.Property): string | null => {
  const v = p.getParameter('tzid')
  return typeof v === 'string' ? v : Array.isArray(v) ? v[0] ?? null : null
}

/** A property's values as times (a PERIOD gives its start). */
const timesOf = (p: ICAL.Property): ICAL.Time[] => p.getValues().map(v => (v instanceof ICAL.Period ? v.start : v) as ICAL.Time)

interface ReadEvent {
  index: number
  lines: EventLines
  uid: string | null
  recurrenceId: string | null
  cancelled: boolean
  start: string
  durationMinutes: number | null
  component: ICAL.Component
}

/** DTSTART, duration, status and RECURRENCE-ID of one VEVENT. */
function readEvent (component: ICAL.Component, index: number, lines: EventLines, ctx: IcalContext): ReadEvent | null {
  const lineOf = (name: string, i = 0) => lines.props.get(name)?.[i] ?? lines.begin
  const cancelled = String(component.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED'
  const dtstart = component.getFirstProperty('dtstart')
  if (!dtstart) {
    if (cancelled) return null
    throw lineError(lines.begin, 'VEVENT har ingen DTSTART')
  }
  const startValue = dtstart.getFirstValue() as ICAL.Time
  if (startValue.isDate) {
    if (cancelled) return null
    throw lineError(lineOf('DTSTART'), 'en heldagshendelse (DTSTART;VALUE=DATE) er ikke et møte; møtet trenger et klokkeslett')
  }
  const start = osloLocal(startValue, tzidOf(dtstart), lineOf('DTSTART'), ctx)!
  let durationMinutes: number | null = null
  const duration = component.getFirstPropertyValue('duration') as ICAL.Duration | null
  const dtend = component.getFirstProperty('dtend')
  if (duration) durationMinutes = Math.round(duration.toSeconds() / 60)
  else if (dtend) {
    try {
      const end = osloLocal(dtend.getFirstValue() as ICAL.Time, tzidOf(dtend), lineOf('DTEND'), ctx)
      if (end) durationMinutes = Math.round((localToInstant(end, ZONE).getTime() - localToInstant(start, ZONE).getTime()) / 60_000)
    } catch {
      durationMinutes = null // an unreadable DTEND only loses the duration
    }
  }
  if (durationMinutes !== null && !(durationMinutes > 0 && durationMinutes <= 1440)) durationMinutes = null
  const rid = component.getFirstProperty('recurrence-id')
  return {
    index,
    lines,
    uid: (component.getFirstPropertyValue('uid') as string | null) ?? null,
    recurrenceId: rid ? osloLocal(rid.getFirstValue() as ICAL.Time, tzidOf(rid), lineOf('RECURRENCE-ID'), ctx) ?? (rid.getFirstValue() as ICAL.Time).toString() : null,
    cancelled,
    start,
    durationMinutes,
    component,
  }
}

/** The series of a master VEVENT: DTSTART, RRULE instances and RDATEs, less EXDATEs (warning for one that removes nothing). */
function expandSeries (e: ReadEvent, ctx: IcalContext): Map<string, PlannedMeeting> {
  const out = new Map<string, PlannedMeeting>([[e.start, { local: e.start, durationMinutes: e.durationMinutes }]])
  const add = (local: string, line: number) => {
    out.set(local, { local, durationMinutes: e.durationMinutes })
    if (out.size > MAX_MEETINGS) throw lineError(line, `serien gir mer enn ${MAX_MEETINGS} møter`)
  }
  const dtstart = e.component.getFirstProperty('dtstart')!
  const tzid = tzidOf(dtstart)
  const limit = addYears(e.start.slice(0, 10), MAX_PLAN_YEARS)
  const utcStart = tzid === null && (dtstart.getFirstValue() as ICAL.Time).zone?.tzid === 'UTC'
  e.component.getAllProperties('rrule').forEach((_p, i) => {
    const line = e.lines.props.get('RRULE')?.[i] ?? e.lines.begin
    if (utcStart && i === 0) ctx.warnings.push({ line, message: `serien har DTSTART i UTC; møtene er lagt på samme norske klokkeslett som det første (${e.start.slice(11)})` })
    const text = (ctx.text.get(line) ?? '').replace(/^(?:[^:"]|"[^"]*")*:/, '')
    if (/(^|;)INTERVAL=0*(;|$)/i.test(text)) throw lineError(line, 'RRULE har INTERVAL=0')
    // The series is expanded by the app's own recurrence engine, in the floating frame with Oslo's DST
    // rules (the zone was checked to be Oslo's), exactly as the adopted rule's meetings will be.
    const start = { allDay: false as const, local: e.start, timeZone: ZONE }
    let instances: string[]
    try {
      const rule = validateRrule(text, start)
      const { count, until } = rule.rule.options
      if ((count === null || count === undefined) && (until === null || until === undefined)) throw lineError(line, `serien har ingen slutt; gi den UNTIL eller COUNT (høyst ${MAX_PLAN_YEARS} år)`)
      if (rule.rule.after(new Date(localToFloating(`${limit}T00:00`)), true)) throw lineError(line, `serien varer mer enn ${MAX_PLAN_YEARS} år`)
      instances = expand({ dtstart: formatDtstart(start), rrule: rule.text }, { from: e.start.slice(0, 10), to: addDays(limit, -1) }).map(o => o.key)
    } catch (err) {
      if (err instanceof RecurrenceError) throw lineError(line, `RRULE kan ikke leses: ${err.message}`)
      throw err
    }
    for (const wall of instances) {
      // Every instance is checked in its own right: the zone must be Oslo's also on the other side of a DST change.
      const local = tzid === null ? checkLocal(wall, `body/line/${line}`, `linje ${line}: `) : osloLocal(ICAL.Time.fromDateTimeString(`${wall}:00`), tzid, line, ctx)!
      add(local, line)
    }
  })
  e.component.getAllProperties('rdate').forEach((p, i) => {
    const line = e.lines.props.get('RDATE')?.[i] ?? e.lines.begin
    for (const t of timesOf(p)) {
      const local = osloLocal(t, tzidOf(p), line, ctx)
      if (local === null) throw lineError(line, 'RDATE uten klokkeslett (VALUE=DATE) er ikke et møte')
      add(local, line)
    }
  })
  e.component.getAllProperties('exdate').forEach((p, i) => {
    const line = e.lines.props.get('EXDATE')?.[i] ?? e.lines.begin
    for (const t of timesOf(p)) {
      const local = osloLocal(t, tzidOf(p), line, ctx)
      // A date EXDATE removes that day's meeting.
      const keys = local !== null ? (out.has(local) ? [local] : []) : [...out.keys()].filter(k => k.startsWith(`${String(t.year).padStart(4, '0')}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`))
      if (keys.length === 0) ctx.warnings.push({ line, message: `EXDATE ${local ?? t.toString()} treffer ikke noe møte i serien` })
      for (const k of keys) out.delete(k)
    }
  })
  return out
}

/**
 * The meetings of an iCal file. VEVENTs with STATUS:CANCELLED are skipped; a series is expanded
 * (RRULE, RDATE, EXDATE), and its RECURRENCE-ID overrides move an instance or, cancelled, remove it.
 * Refused, naming the line: unreadable text, an all-day VEVENT, an unknown zone or one whose offsets
 * are not Oslo's, an RRULE without FREQ, a series past MAX_MEETINGS or MAX_PLAN_YEARS.
 */
export function readMoteplanIcal (text: string): MoteplanReading {
  const lines = logicalLines(text)
  if (!lines.some(l => l.text.trim().toUpperCase() === 'BEGIN:VCALENDAR')) throw new MoteplanError('body', 'dette er ikke en iCal-fil (ingen BEGIN:VCALENDAR)')
  let root: ICAL.Component
  try {
    root = new ICAL.Component(ICAL.parse(lines.map(l => l.text).join('\r\n')) as unknown[])
  } catch (err) {
    throw parseError(lines, err)
  }
  const calendar = root.name === 'vcalendar' ? root : root.getFirstSubcomponent('vcalendar') ?? root
  const ctx: IcalContext = { text: new Map(lines.map(l => [l.line, l.text])), checked: new Set(), vtimezones: new Map(), zones: new Map(), warnings: [], floatingLine: null }
  for (const vt of calendar.getAllSubcomponents('vtimezone')) {
    const tzid = vt.getFirstPropertyValue('tzid')
    if (typeof tzid === 'string') ctx.vtimezones.set(tzid, new ICAL.Timezone(vt))
  }
  const positions = eventLines(lines)
  const components = calendar.getAllSubcomponents('vevent')
  if (components.length === 0) throw new MoteplanError('body', 'iCal-fila har ingen VEVENT')
  const events = components.map((c, i) => readEvent(c, i, positions[i] ?? { begin: 1, props: new Map() }, ctx)).filter((e): e is ReadEvent => e !== null)
  const masters = new Map<string, ReadEvent>()
  for (const e of events) if (e.recurrenceId === null && e.uid !== null) masters.set(e.uid, e)
  const meetings: PlannedMeeting[] = []
  const series = new Map<string, Map<string, PlannedMeeting>>()
  for (const e of events) {
    if (e.recurrenceId !== null) continue
    if (e.cancelled) continue
    const expanded = expandSeries(e, ctx)
    if (e.uid !== null) series.set(e.uid, expanded)
    else meetings.push(...expanded.values())
  }
  for (const e of events) {
    if (e.recurrenceId === null) continue
    const line = e.lines.props.get('RECURRENCE-ID')?.[0] ?? e.lines.begin
    const master = e.uid !== null ? masters.get(e.uid) : undefined
    // The instances of a cancelled series are all gone, overrides too.
    if (master?.cancelled) continue
    const instances = e.uid !== null ? series.get(e.uid) : undefined
    if (!instances || !instances.has(e.recurrenceId)) {
      if (e.cancelled) ctx.warnings.push({ line, message: `RECURRENCE-ID ${e.recurrenceId} avlyser et møte som ikke finnes i serien` })
      else {
        ctx.warnings.push({ line, message: `RECURRENCE-ID ${e.recurrenceId} finnes ikke i serien; møtet ${e.start} er tatt med som eget møte` })
        meetings.push({ local: e.start, durationMinutes: e.durationMinutes })
      }
      continue
    }
    instances.delete(e.recurrenceId)
    if (!e.cancelled) instances.set(e.start, { local: e.start, durationMinutes: e.durationMinutes })
  }
  for (const s of series.values()) meetings.push(...s.values())
  if (ctx.floatingLine !== null) {
    ctx.warnings.unshift({ line: ctx.floatingLine, message: 'tidspunktene har ingen tidssone (flytende tid); de er lest som norsk tid (Europe/Oslo)' })
  }
  return { meetings: bounded(dedupeSorted(meetings), 'body'), warnings: ctx.warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) }
}
