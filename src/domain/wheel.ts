// The årshjul's geometry: dates to angles, categories to rings, occurrences to mark positions.
// Angles are degrees clockwise from twelve o'clock (1 January at the top); SVG's y axis points down.

import { type CalendarDate, dateFromParts, daysBetween, isLeapYear, isValidDate, yearOf } from './calendar-date.js'
import { EVENT_CATEGORIES, type EventCategory } from './vocabulary.js'

export interface Point { x: number; y: number }

export function daysInYear (year: number): number {
  return isLeapYear(year) ? 366 : 365
}

/** 1 for 1 January … 365 or 366 for 31 December. */
export function dayOfYear (date: CalendarDate): number {
  return daysBetween(dateFromParts(yearOf(date), 1, 1), date) + 1
}

/** Where a date's day begins: 1 January at 0°, the year's length spread over 360°. */
export function angleOfDate (date: CalendarDate): number {
  if (!isValidDate(date)) throw new RangeError(`Invalid calendar date: ${JSON.stringify(date)}`)
  return ((dayOfYear(date) - 1) / daysInYear(yearOf(date))) * 360
}

/** The angle of the middle of a day, where a mark for that date sits. */
export function angleOfDayMiddle (date: CalendarDate): number {
  return ((dayOfYear(date) - 0.5) / daysInYear(yearOf(date))) * 360
}

export function normalizeAngle (angle: number): number {
  const a = angle % 360
  return a < 0 ? a + 360 : a
}

/** The point at `radius` from `center` in the direction `angle` (0° up, clockwise). */
export function polar (center: Point, radius: number, angle: number): Point {
  const rad = (angle * Math.PI) / 180
  return { x: center.x + radius * Math.sin(rad), y: center.y - radius * Math.cos(rad) }
}

export interface MonthSector { month: number; start: number; end: number; mid: number }

/** The twelve months as angular sectors; their sizes follow the months' lengths. */
export function monthSectors (year: number): MonthSector[] {
  return Array.from({ length: 12 }, (_, i) => {
    const month = i + 1
    const start = angleOfDate(dateFromParts(year, month, 1))
    const end = month === 12 ? 360 : angleOfDate(dateFromParts(year, month + 1, 1))
    return { month, start, end, mid: (start + end) / 2 }
  })
}

export interface WheelDimensions {
  center: Point
  /** The white hub in the middle that carries the title. */
  hubRadius: number
  /** The outer edge of the outermost ring. */
  outerRadius: number
  markRadius: number
  /** The least free space between two marks. */
  markGap: number
  /** Space at each ring's inner edge reserved for the ring's name. */
  labelTrack: number
  /** Rings from the hub outwards, with their share of the width. */
  rings: ReadonlyArray<{ category: EventCategory; weight: number }>
}

// Political meetings are the most numerous, so they get the outermost, longest ring.
export const DEFAULT_WHEEL: WheelDimensions = {
  center: { x: 500, y: 500 },
  hubRadius: 118,
  outerRadius: 440,
  markRadius: 6.5,
  markGap: 2,
  labelTrack: 16,
  rings: [
    { category: 'control', weight: 60 },
    { category: 'ownership', weight: 72 },
    { category: 'economy', weight: 86 },
    { category: 'political', weight: 104 },
  ],
}

export interface Ring {
  category: EventCategory
  inner: number
  outer: number
  /** Radii of the circles marks are placed on, nearest the middle of the ring first. */
  lanes: number[]
}

export function ringLayout (dims: WheelDimensions = DEFAULT_WHEEL): Ring[] {
  const total = dims.rings.reduce((s, r) => s + r.weight, 0)
  const width = dims.outerRadius - dims.hubRadius
  const spacing = 2 * dims.markRadius + dims.markGap
  let inner = dims.hubRadius
  return dims.rings.map(({ category, weight }) => {
    const outer = inner + (width * weight) / total
    const first = inner + dims.labelTrack + dims.markRadius
    const last = outer - dims.markRadius - dims.markGap
    const count = Math.max(1, Math.floor((last - first) / spacing) + 1)
    const used = (count - 1) * spacing
    const start = first + (last - first - used) / 2
    const radii = Array.from({ length: count }, (_, i) => start + i * spacing)
    const middle = (count - 1) / 2
    const lanes = radii.map((r, i) => ({ r, d: Math.abs(i - middle), i }))
      .sort((a, b) => a.d - b.d || a.i - b.i).map(l => l.r)
    const ring = { category, inner, outer, lanes }
    inner = outer
    return ring
  })
}

export function ringFor (rings: readonly Ring[], category: EventCategory): Ring {
  const ring = rings.find(r => r.category === category)
  if (!ring) throw new RangeError(`No ring for category ${category}`)
  return ring
}

const fmt = (n: number) => (Math.round(n * 100) / 100).toString()

/** An SVG path for the band between two radii and two angles (a month of a ring, a ring). */
export function annularSectorPath (center: Point, r0: number, r1: number, a0: number, a1: number): string {
  if (a1 - a0 >= 360) {
    // A full ring: two half circles each way, the inner one reversed to cut the hole.
    const [o1, o2, i1, i2] = [polar(center, r1, 0), polar(center, r1, 180), polar(center, r0, 0), polar(center, r0, 180)]
    return `M${fmt(o1.x)} ${fmt(o1.y)}A${fmt(r1)} ${fmt(r1)} 0 1 1 ${fmt(o2.x)} ${fmt(o2.y)}A${fmt(r1)} ${fmt(r1)} 0 1 1 ${fmt(o1.x)} ${fmt(o1.y)}Z` +
      `M${fmt(i1.x)} ${fmt(i1.y)}A${fmt(r0)} ${fmt(r0)} 0 1 0 ${fmt(i2.x)} ${fmt(i2.y)}A${fmt(r0)} ${fmt(r0)} 0 1 0 ${fmt(i1.x)} ${fmt(i1.y)}Z`
  }
  const large = a1 - a0 > 180 ? 1 : 0
  const [p1, p2, p3, p4] = [polar(center, r1, a0), polar(center, r1, a1), polar(center, r0, a1), polar(center, r0, a0)]
  return `M${fmt(p1.x)} ${fmt(p1.y)}A${fmt(r1)} ${fmt(r1)} 0 ${large} 1 ${fmt(p2.x)} ${fmt(p2.y)}` +
    `L${fmt(p3.x)} ${fmt(p3.y)}A${fmt(r0)} ${fmt(r0)} 0 ${large} 0 ${fmt(p4.x)} ${fmt(p4.y)}Z`
}

/** A clockwise arc, for text that follows a ring. */
export function arcPath (center: Point, r: number, a0: number, a1: number): string {
  const [p1, p2] = [polar(center, r, a0), polar(center, r, a1)]
  return `M${fmt(p1.x)} ${fmt(p1.y)}A${fmt(r)} ${fmt(r)} 0 ${a1 - a0 > 180 ? 1 : 0} 1 ${fmt(p2.x)} ${fmt(p2.y)}`
}

export interface MarkInput { date: CalendarDate; category: EventCategory }
export interface PlacedMark<T> {
  item: T
  /** The angle of the date itself. */
  dateAngle: number
  /** Where the mark is drawn: the date's angle, nudged sideways when the lanes there are full. */
  angle: number
  r: number
  x: number
  y: number
}

/**
 * Places one mark per item in its category's ring at its date, so that no two marks overlap: a mark
 * takes the free lane nearest the ring's middle at its own date; when all lanes there are taken it
 * moves the least possible distance along the ring (a polar beeswarm), never across new year. Results
 * keep the input order.
 */
export function layoutMarks<T extends MarkInput> (items: readonly T[], year: number, dims: WheelDimensions = DEFAULT_WHEEL): PlacedMark<T>[] {
  const rings = ringLayout(dims)
  const spacing = 2 * dims.markRadius + dims.markGap
  const placedByRing = new Map<EventCategory, Point[]>(EVENT_CATEGORIES.map(c => [c, []]))
  const order = items.map((item, index) => ({ item, index, dateAngle: angleOfDayMiddle(checkYear(item.date, year)) }))
    .sort((a, b) => a.dateAngle - b.dateAngle || a.index - b.index)
  const out = new Array<PlacedMark<T>>(items.length)
  for (const { item, index, dateAngle } of order) {
    const ring = ringFor(rings, item.category)
    const placed = placedByRing.get(item.category)!
    const free = (p: Point) => placed.every(q => (p.x - q.x) ** 2 + (p.y - q.y) ** 2 >= spacing * spacing - 1e-6)
    let found: { angle: number; r: number; p: Point } | undefined
    // Up to 120 steps each way: far more than a real year needs, and it bounds the work.
    // eslint-disable-next-line no-labels -- one labelled break leaves three nested loops at the first free place
    search: for (let k = 0; k <= 120; k++) {
      for (const sign of k === 0 ? [1] : [1, -1]) {
        for (const r of ring.lanes) {
          // The step whose chord is one spacing: the next free place along the lane.
          const angle = dateAngle + sign * k * 2 * Math.asin(spacing / (2 * r)) * (180 / Math.PI)
          // Never nudge a mark across new year: 31 December drawn in January would mislead.
          if (angle < 0 || angle >= 360) continue
          const p = polar(dims.center, r, angle)
          if (free(p)) {
            found = { angle, r, p }
            break search // eslint-disable-line no-labels
          }
        }
      }
    }
    found ??= { angle: dateAngle, r: ring.lanes[0]!, p: polar(dims.center, ring.lanes[0]!, dateAngle) }
    placed.push(found.p)
    out[index] = { item, dateAngle, angle: normalizeAngle(found.angle), r: found.r, x: found.p.x, y: found.p.y }
  }
  return out
}

function checkYear (date: CalendarDate, year: number): CalendarDate {
  if (!isValidDate(date) || yearOf(date) !== year) throw new RangeError(`${date} is not in ${year}`)
  return date
}

/** Whether two placed marks overlap (used by tests and by the drawing's own checks). */
export function marksOverlap (a: Point, b: Point, dims: WheelDimensions = DEFAULT_WHEEL): boolean {
  return Math.hypot(a.x - b.x, a.y - b.y) < 2 * dims.markRadius + dims.markGap - 1e-6
}
