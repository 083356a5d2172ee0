// Wall-clock times as 'YYYY-MM-DDTHH:mm' plus an IANA zone, and their conversion to instants.
// Nothing here reads the host zone: offsets come from Intl via tzOffset, and local fields are
// computed with UTC arithmetic. TZDate's own constructor from fields is avoided on purpose, because
// it resolves ambiguous autumn times differently per host zone (date-fns/tz#40).

import { TZDate, tzOffset } from '@date-fns/tz'
import { type CalendarDate, isSupportedDate, isValidDate } from './calendar-date.js'

/** A local wall-clock time, 'YYYY-MM-DDTHH:mm'. Meaningless without a zone. */
export type LocalDateTime = string

export interface LocalDateTimeParts {
  date: CalendarDate
  year: number
  month: number // 1–12
  day: number
  hour: number // 0–23
  minute: number // 0–59
}

export type LocalClassification = 'ok' | 'nonexistent' | 'ambiguous'

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/
const MINUTE_MS = 60_000
// Wider than any real transition (Samoa skipped a whole day in 2011), so both offsets around a gap
// or overlap are sampled.
const PROBE_MS = 36 * 3_600_000
const knownZones = new Set<string>()

export function isValidLocalDateTime (s: unknown): s is LocalDateTime {
  if (typeof s !== 'string') return false
  const m = LOCAL_RE.exec(s)
  if (!m || !isValidDate(s.slice(0, 10))) return false
  return Number(m[4]) <= 23 && Number(m[5]) <= 59
}

/** A real wall time 'YYYY-MM-DDTHH:mm' whose date is a supported date (1900–2200). */
export function isSupportedLocalDateTime (s: unknown): s is LocalDateTime {
  return isValidLocalDateTime(s) && isSupportedDate(s.slice(0, 10))
}

export function parseLocalDateTime (s: LocalDateTime): LocalDateTimeParts {
  if (!isValidLocalDateTime(s)) throw new RangeError(`Invalid local date-time: ${JSON.stringify(s)}`)
  return {
    date: s.slice(0, 10),
    year: Number(s.slice(0, 4)),
    month: Number(s.slice(5, 7)),
    day: Number(s.slice(8, 10)),
    hour: Number(s.slice(11, 13)),
    minute: Number(s.slice(14, 16)),
  }
}

export function formatLocalDateTime (date: CalendarDate, hour: number, minute: number): LocalDateTime {
  const s = `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`
  if (!isValidLocalDateTime(s)) throw new RangeError(`Invalid local date-time: ${s}`)
  return s
}

/** A real IANA zone name (or 'UTC'); offset strings like '+01:00' are refused. */
export function isValidTimeZone (zone: unknown): zone is string {
  if (typeof zone !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return false
  if (knownZones.has(zone)) return true
  try {
    // Constructing the format is the check: it throws a RangeError for an unknown zone.
    new Intl.DateTimeFormat('en', { timeZone: zone }) // eslint-disable-line no-new
  } catch {
    return false
  }
  knownZones.add(zone)
  return true
}

/** The zone's UTC offset in minutes at an instant (+60 for Oslo in winter). */
export function offsetAt (instant: Date | number, zone: string): number {
  assertZone(zone)
  return tzOffset(zone, new Date(+instant))
}

/** The wall-clock time at an instant, truncated to the minute. */
export function instantToLocal (instant: Date | number, zone: string): LocalDateTime {
  const ms = +instant
  if (!Number.isFinite(ms)) throw new RangeError('Invalid instant')
  return floatingToLocal(ms + offsetAt(ms, zone) * MINUTE_MS)
}

export function localDateOf (instant: Date | number, zone: string): CalendarDate {
  return instantToLocal(instant, zone).slice(0, 10)
}

/**
 * Whether a wall-clock time exists once, never (spring-forward gap) or twice (autumn overlap) in
 * the zone. Same answer in every host zone (stack-notes §4.3).
 */
export function classifyLocal (local: LocalDateTime, zone: string): LocalClassification {
  const n = candidateInstants(local, zone).hits.length
  return n === 0 ? 'nonexistent' : n === 1 ? 'ok' : 'ambiguous'
}

/**
 * The instant a wall-clock time denotes, as a TZDate in `zone`. Follows RFC 5545 § 3.3.5: an
 * ambiguous time means its first occurrence, and a nonexistent one is read with the offset in force
 * before the gap (Oslo 02:30 on spring-forward day → 03:30 CEST).
 */
export function localToInstant (local: LocalDateTime, zone: string): TZDate {
  return new TZDate(localToEpochMs(local, zone), zone)
}

// Every body's meetings fall on the same few thousand wall-clock times, and asking the zone database
// is the costliest step of building the occurrence index.
const EPOCH_CACHE_MAX = 50_000
const epochCache = new Map<string, number>()

/** As localToInstant, in epoch ms (memoised: at most 50,000 times, then the memo starts over). */
export function localToEpochMs (local: LocalDateTime, zone: string): number {
  const memo = `${zone} ${local}`
  const hit = epochCache.get(memo)
  if (hit !== undefined) return hit
  const { floating, hits } = candidateInstants(local, zone)
  const ms = hits.length > 0
    ? Math.min(...hits)
    : floating - tzOffset(zone, new Date(floating - PROBE_MS)) * MINUTE_MS
  if (epochCache.size >= EPOCH_CACHE_MAX) epochCache.clear()
  epochCache.set(memo, ms)
  return ms
}

/** Wall-clock fields encoded as UTC fields: the "floating" frame rrule iterates in. */
export function localToFloating (local: LocalDateTime): number {
  const p = parseLocalDateTime(local)
  return floatingMs(p.year, p.month, p.day, p.hour, p.minute)
}

export function floatingToLocal (ms: number): LocalDateTime {
  const d = new Date(ms)
  const y = d.getUTCFullYear()
  return `${String(y).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` +
    `T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`
}

/** Whether the zone's offset differs between the start and the end of a local date. */
export function isTransitionDay (date: CalendarDate, zone: string): boolean {
  assertZone(zone)
  if (!isValidDate(date)) throw new RangeError(`Invalid calendar date: ${JSON.stringify(date)}`)
  const start = localToInstant(`${date}T00:00`, zone)
  return offsetAt(start, zone) !== offsetAt(+start + 24 * 3_600_000, zone)
}

/** Whether the zone observes daylight saving time in the given year. */
export function observesDst (zone: string, year: number): boolean {
  assertZone(zone)
  return tzOffset(zone, new Date(Date.UTC(year, 0, 15))) !== tzOffset(zone, new Date(Date.UTC(year, 6, 15)))
}

function candidateInstants (local: LocalDateTime, zone: string): { floating: number, hits: number[] } {
  assertZone(zone)
  const floating = localToFloating(local)
  const offsets = new Set([-PROBE_MS, 0, PROBE_MS].map(dt => tzOffset(zone, new Date(floating + dt))))
  const hits = [...offsets]
    .map(o => floating - o * MINUTE_MS)
    .filter(ms => instantToLocal(ms, zone) === local)
  return { floating, hits: [...new Set(hits)] }
}

function floatingMs (year: number, month: number, day: number, hour: number, minute: number): number {
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  d.setUTCHours(hour, minute, 0, 0)
  return d.getTime()
}

function assertZone (zone: string): void {
  if (!isValidTimeZone(zone)) throw new RangeError(`Unknown time zone: ${JSON.stringify(zone)}`)
}

function pad2 (n: number): string {
  return String(n).padStart(2, '0')
}
