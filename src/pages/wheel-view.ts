// Turns a year of occurrences into what the wheel template draws: sectors, rings, marks, needle, legend.
// Pure: geometry comes from src/domain/wheel.ts, words from src/presenters/vocabulary.ts; the template escapes every string.

import { type CalendarDate, dateFromParts, yearOf } from '../domain/calendar-date.js'
import { DEFAULT_WHEEL, angleOfDate, angleOfDayMiddle, annularSectorPath, arcPath, layoutMarks, monthSectors, polar, ringLayout, type Point } from '../domain/wheel.js'
import type { Valgperiode } from '../domain/valgperiode.js'
import type { EventCategory, EventKind } from '../domain/vocabulary.js'
import {
  CATEGORY_LABELS, KIND_LABELS, MONTHS, STATUS_LABELS, STATUS_ORDER, STATUS_SHAPES, TENTATIVE_WORD, capitalize, formatDate, formatWhen,
  type DisplayStatus,
} from '../presenters/vocabulary.js'
import { wrapText } from './format.js'

export interface WheelOccurrence {
  id: string
  title: string
  date: CalendarDate
  localStart: string | null
  category: EventCategory
  kind: EventKind
  effectiveStatus: string
  subject: { name: string }
  /** A placeholder meeting from a default møteplan ("foreløpig"): drawn with a dashed edge and named so. */
  tentative?: boolean
}

/** One SVG element: a tag from this module and attribute values the template escapes. */
export interface Shape { tag: 'circle' | 'path' | 'rect' | 'polygon'; attrs: Record<string, string | number> }

export interface WheelMark {
  id: string
  status: DisplayStatus
  tentative: boolean
  category: EventCategory
  title: string
  when: string
  label: string
  x: number
  y: number
  shapes: Shape[]
  hitRadius: number
}

export const WHEEL_WIDTH = 1400
export const WHEEL_HEIGHT = 1000

const STATUS_COLOURS: Record<DisplayStatus, { fill: string; stroke: string }> = {
  planned: { fill: '#ffffff', stroke: '#1d5fa8' },
  in_progress: { fill: '#1d5fa8', stroke: '#1d5fa8' },
  delivered: { fill: '#2e7d32', stroke: '#1b5e20' },
  approved: { fill: '#1b5e20', stroke: '#0d3b12' },
  overdue: { fill: '#c62828', stroke: '#7f0000' },
  cancelled: { fill: '#6b6b6b', stroke: '#6b6b6b' },
  not_recorded: { fill: '#ffffff', stroke: '#6b6b6b' },
}

/** How a placeholder's mark differs in shape, not colour alone: a dashed edge (and "foreløpig" in its label). */
export const TENTATIVE_SHAPE = 'stiplet kant'

export const RING_STYLES: Record<EventCategory, { fill: string; text: string }> = {
  control: { fill: '#efe8f8', text: '#4e3478' },
  ownership: { fill: '#fbefdc', text: '#7a4d0c' },
  economy: { fill: '#e4f2e6', text: '#24592f' },
  political: { fill: '#e3ecf8', text: '#1f4576' },
}

const r2 = (n: number) => Math.round(n * 100) / 100

export function displayStatus (s: string): DisplayStatus {
  return (STATUS_ORDER as readonly string[]).includes(s) ? s as DisplayStatus : 'planned'
}

/**
 * A mark's drawing: a distinct shape per status, so colour is never the only cue. A placeholder
 * ("foreløpig") gets a dashed edge on the same shape.
 */
export function markShapes (status: DisplayStatus, x: number, y: number, r: number, tentative = false): Shape[] {
  const shapes = statusShapes(status, x, y, r)
  if (!tentative) return shapes
  const [first, ...rest] = shapes
  return [{ tag: first!.tag, attrs: { ...first!.attrs, 'stroke-dasharray': '3 2' } }, ...rest]
}

function statusShapes (status: DisplayStatus, x: number, y: number, r: number): Shape[] {
  const { fill, stroke } = STATUS_COLOURS[status]
  const X = r2(x)
  const Y = r2(y)
  const at = (dx: number, dy: number) => `${r2(x + dx * r)} ${r2(y + dy * r)}`
  switch (status) {
    case 'planned':
      return [{ tag: 'circle', attrs: { cx: X, cy: Y, r: r2(r - 1), fill, stroke, 'stroke-width': 2.2 } }]
    case 'in_progress':
      return [
        { tag: 'circle', attrs: { cx: X, cy: Y, r: r2(r - 1), fill: '#ffffff', stroke, 'stroke-width': 2.2 } },
        { tag: 'path', attrs: { d: `M${at(0, -1 + 1 / r)}A${r2(r - 1)} ${r2(r - 1)} 0 0 0 ${at(0, 1 - 1 / r)}Z`, fill } },
      ]
    case 'delivered':
      return [{ tag: 'rect', attrs: { x: r2(x - 0.85 * r), y: r2(y - 0.85 * r), width: r2(1.7 * r), height: r2(1.7 * r), fill, stroke, 'stroke-width': 1 } }]
    case 'approved':
      return [
        { tag: 'circle', attrs: { cx: X, cy: Y, r: r2(r), fill, stroke, 'stroke-width': 1 } },
        { tag: 'path', attrs: { d: `M${at(-0.5, 0)}L${at(-0.12, 0.4)}L${at(0.52, -0.38)}`, fill: 'none', stroke: '#ffffff', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' } },
      ]
    case 'overdue':
      return [
        { tag: 'polygon', attrs: { points: [[0, -1.2], [1.15, 0.85], [-1.15, 0.85]].map(([dx, dy]) => at(dx!, dy!).replace(' ', ',')).join(' '), fill, stroke, 'stroke-width': 1, 'stroke-linejoin': 'round' } },
        { tag: 'path', attrs: { d: `M${at(0, -0.55)}L${at(0, 0.12)}`, stroke: '#ffffff', 'stroke-width': 1.8, 'stroke-linecap': 'round' } },
        { tag: 'circle', attrs: { cx: X, cy: r2(y + 0.5 * r), r: 1, fill: '#ffffff' } },
      ]
    case 'cancelled':
      return [{ tag: 'path', attrs: { d: `M${at(-0.7, -0.7)}L${at(0.7, 0.7)}M${at(0.7, -0.7)}L${at(-0.7, 0.7)}`, fill: 'none', stroke, 'stroke-width': 2.6, 'stroke-linecap': 'round' } }]
    case 'not_recorded':
      // "Ikke registrert": a dotted grey ring, history rather than a state anyone set.
      return [{ tag: 'circle', attrs: { cx: X, cy: Y, r: r2(r - 1), fill, stroke, 'stroke-width': 1.8, 'stroke-dasharray': '1.5 2' } }]
  }
}

export interface WheelInput {
  year: number
  subjectName: string
  occurrences: readonly WheelOccurrence[]
  today: CalendarDate
  /** The valgperioder that share a day with the year, in order. */
  valgperioder: readonly Valgperiode[]
}

export function buildWheel (input: WheelInput) {
  const dims = DEFAULT_WHEEL
  const { center, hubRadius, outerRadius, markRadius } = dims
  const { year } = input
  const rimOuter = outerRadius + 36
  const rings = ringLayout(dims)
  const line = (a: number, r0: number, r1: number) => {
    const [p, q] = [polar(center, r0, a), polar(center, r1, a)]
    return { x1: r2(p.x), y1: r2(p.y), x2: r2(q.x), y2: r2(q.y) }
  }

  const months = monthSectors(year).map(s => {
    // Month names follow the rim; in the lower half the arc runs backwards so the text stays upright.
    const bottom = s.mid > 90 && s.mid < 270
    const half = (s.end - s.start) / 2 - 1
    const labelArc = bottom
      ? reverseArc(center, outerRadius + 25, s.mid - half, s.mid + half)
      : arcPath(center, outerRadius + 13, s.mid - half, s.mid + half)
    return {
      month: s.month,
      name: capitalize(MONTHS[s.month - 1]!),
      shaded: s.month % 2 === 0,
      sector: annularSectorPath(center, hubRadius, rimOuter, s.start, s.end),
      boundary: line(s.start, hubRadius, rimOuter),
      labelArcId: `wheel-month-${s.month}`,
      labelArc,
    }
  })

  const counts = new Map<EventCategory, number>()
  for (const o of input.occurrences) counts.set(o.category, (counts.get(o.category) ?? 0) + 1)
  const ringViews = rings.map(r => ({
    category: r.category,
    label: CATEGORY_LABELS[r.category],
    count: counts.get(r.category) ?? 0,
    fill: RING_STYLES[r.category].fill,
    text: RING_STYLES[r.category].text,
    band: annularSectorPath(center, r.inner, r.outer, 0, 360),
    inner: r.inner,
    outer: r.outer,
    // The ring's name runs along its inner edge, centred on the top.
    labelArcId: `wheel-ring-${r.category}`,
    labelArc: arcPath(center, r.inner + 11.5, -40, 40),
  }))

  const marks: WheelMark[] = layoutMarks(input.occurrences, year, dims).map(m => {
    const o = m.item
    const status = displayStatus(o.effectiveStatus)
    const when = formatWhen(o)
    const tentative = o.tentative ?? false
    return {
      id: o.id,
      status,
      tentative,
      category: o.category,
      title: o.title,
      when,
      label: `${o.title}, ${when}, ${STATUS_LABELS[status].toLowerCase()}${tentative && !o.title.includes(`(${TENTATIVE_WORD})`) ? `, ${TENTATIVE_WORD}` : ''} (${KIND_LABELS[o.kind].toLowerCase()}, ${o.subject.name})`,
      x: r2(m.x),
      y: r2(m.y),
      shapes: markShapes(status, m.x, m.y, markRadius, tentative),
      hitRadius: markRadius + 2,
    }
  })

  const needle = yearOf(input.today) === year
    ? (() => {
        const a = angleOfDayMiddle(input.today)
        const tip = polar(center, rimOuter + 8, a)
        const left = polar(center, rimOuter - 6, a - 1.6)
        const right = polar(center, rimOuter - 6, a + 1.6)
        return { ...line(a, hubRadius, rimOuter - 4), points: [tip, left, right].map(p => `${r2(p.x)},${r2(p.y)}`).join(' '), label: `I dag: ${formatDate(input.today)}` }
      })()
    : null

  // A new valgperiode starting within the year gets a dashed line at its start.
  const periods = input.valgperioder
  const current = periods[0]
  const change = periods.find(p => p.start > dateFromParts(year, 1, 1) && p.start <= dateFromParts(year, 12, 31))
  const valgperiode = {
    label: current ? `Valgperiode ${current.label}` : '',
    change: change
      ? (() => {
          const label = `Ny valgperiode ${change.label} fra ${formatDate(change.start)}${change.startIsActual ? '' : ' (frist for konstituering)'}`
          return { ...line(angleOfDate(change.start), hubRadius, rimOuter), label, lines: wrapText(label, 38, 3) }
        })()
      : null,
  }

  const hubLines = wrapText(input.subjectName, 17, 3)
  const legendX = 1030
  const statusLegend = STATUS_ORDER.map((s, i) => {
    const y = 128 + i * 34
    const count = marks.filter(m => m.status === s).length
    return { status: s, label: STATUS_LABELS[s], shape: STATUS_SHAPES[s], count, y, shapes: markShapes(s, legendX + 10, y, 8) }
  })
  // Placeholders are a mark of their own in the legend: the planned circle with a dashed edge.
  const tentativeY = 128 + statusLegend.length * 34
  statusLegend.push({ status: 'planned', label: capitalize(TENTATIVE_WORD), shape: `${TENTATIVE_SHAPE} (standard møteplan)`, count: marks.filter(m => m.tentative).length, y: tentativeY, shapes: markShapes('planned', legendX + 10, tentativeY, 8, true) })
  const ringsY = tentativeY + 102
  const ringLegend = [...ringViews].reverse().map((r, i) => ({ ...r, y: ringsY + i * 34 }))

  return {
    width: WHEEL_WIDTH,
    height: WHEEL_HEIGHT,
    center,
    hubRadius,
    outerRadius,
    rimOuter,
    title: `Årshjul ${year} – ${input.subjectName}`,
    description: `${marks.length} hendelser i ${year} for ${input.subjectName}, tegnet som merker i fire ringer etter kategori (innerst kontroll, så eierstyring, økonomi og ytterst politiske møter), med januar øverst og månedene med klokka. Form og farge viser status; foreløpige møter har stiplet kant.`,
    months,
    rings: ringViews,
    marks,
    needle,
    valgperiode,
    hub: hubText(hubLines, center, hubRadius, year),
    legend: { x: legendX, statuses: statusLegend, rings: ringLegend, linesY: ringsY + ringLegend.length * 34 + 40 },
  }
}
export type WheelView = ReturnType<typeof buildWheel>

/** The name above the year in the hub: smaller type when a line would not fit the circle. */
function hubText (lines: string[], center: Point, hubRadius: number, year: number) {
  const longest = Math.max(1, ...lines.map(l => l.length))
  // About 0.6 em per character of the system sans-serif at weight 700; keep lines within about 1.5 r, the chord above the year.
  const fontSize = r2(Math.min(22, (1.5 * hubRadius) / (0.6 * longest)))
  const lineHeight = r2(fontSize * 1.18)
  return { lines, year: String(year), fontSize, lineHeight, firstLineY: r2(center.y - 16 - (lines.length - 1) * lineHeight) }
}

/** An arc from a1 back to a0 (counter-clockwise), so text on it reads upright at the bottom of the wheel. */
function reverseArc (center: Point, r: number, a0: number, a1: number): string {
  const [p1, p2] = [polar(center, r, a1), polar(center, r, a0)]
  return `M${r2(p1.x)} ${r2(p1.y)}A${r2(r)} ${r2(r)} 0 ${a1 - a0 > 180 ? 1 : 0} 0 ${r2(p2.x)} ${r2(p2.y)}`
}

// ── The phone wheel (issue 14): one cell per month and ring instead of a mark per item ─────────────────
// At 375 px the full wheel is about a quarter of its drawn size: month names of about 4 px and marks of
// about 5 px. A year of 150+ items cannot be drawn as 24 px targets on a 340 px circle, so the phone shows
// the same rings and months with a count per cell (and the overdue triangle), each cell a link to that
// month in the list; the full wheel stays one link away as the standalone SVG.

/** The phone wheel's drawing box (user units); drawn about 325 px wide at 375 px, so one unit ≈ 0.8 px. */
export const PHONE_WHEEL_SIZE = 400
const PHONE = { center: { x: 200, y: 200 }, hub: 48, ring: 31, labelRadius: 186, labelSize: 16, countSize: 15 }

export interface PhoneWheelInput {
  year: number
  subjectName: string
  occurrences: ReadonlyArray<Pick<WheelOccurrence, 'date' | 'category' | 'effectiveStatus'>>
  today: CalendarDate
}

/**
 * The phone layout of the wheel: 12 month labels on the rim (straight, 16 units ≈ 13 px), four rings in
 * the big wheel's order (innermost first) cut into months, and for each month and ring the number of
 * items and how many are overdue. Cells are at least 31 units (≈ 25 px at 325 px wide) each way, across their middle too, so each is a tap
 * target of at least 24 px. Pure; the template escapes every string.
 */
export function buildPhoneWheel (input: PhoneWheelInput) {
  const { center, hub, ring, labelRadius } = PHONE
  const order = ringLayout(DEFAULT_WHEEL).map(r => r.category)
  const sectors = monthSectors(input.year)
  const monthOfDate = (d: CalendarDate) => Number(d.slice(5, 7))
  const cells = sectors.flatMap(s => order.map((category, i) => {
    const items = input.occurrences.filter(o => o.category === category && monthOfDate(o.date) === s.month)
    const overdue = items.filter(o => o.effectiveStatus === 'overdue').length
    const r0 = hub + i * ring
    const r1 = r0 + ring
    const c = polar(center, (r0 + r1) / 2, s.mid)
    const month = capitalize(MONTHS[s.month - 1]!)
    return {
      month: s.month,
      category,
      count: items.length,
      overdue,
      path: annularSectorPath(center, r0, r1, s.start, s.end),
      fill: RING_STYLES[category].fill,
      text: RING_STYLES[category].text,
      x: r2(c.x),
      y: r2(c.y),
      // The overdue triangle beside the count: shape as well as colour.
      overdueShapes: overdue ? markShapes('overdue', c.x + 8, c.y - 1, 5) : [],
      label: `${month}, ${CATEGORY_LABELS[category].toLowerCase()}: ${items.length} ${items.length === 1 ? 'hendelse' : 'hendelser'}${overdue ? `, ${overdue} forfalt` : ''}. Gå til ${MONTHS[s.month - 1]} i listen.`,
      href: `#maned-${s.month}`,
    }
  }))
  const months = sectors.map(s => {
    const p = polar(center, labelRadius, s.mid)
    return { month: s.month, name: capitalize(MONTHS[s.month - 1]!.slice(0, 3)), fullName: capitalize(MONTHS[s.month - 1]!), x: r2(p.x), y: r2(p.y), boundary: [polar(center, hub, s.start), polar(center, hub + 4 * ring, s.start)].map(q => ({ x: r2(q.x), y: r2(q.y) })) }
  })
  const needle = yearOf(input.today) === input.year
    ? (() => {
        const a = angleOfDayMiddle(input.today)
        // A tick across the rim, outside the cells, so it never covers a count.
        const [p, q] = [polar(center, hub + 4 * ring - 3, a), polar(center, hub + 4 * ring + 9, a)]
        return { x1: r2(p.x), y1: r2(p.y), x2: r2(q.x), y2: r2(q.y), label: `I dag: ${formatDate(input.today)}` }
      })()
    : null
  return {
    size: PHONE_WHEEL_SIZE,
    center,
    hub,
    outer: hub + 4 * ring,
    labelSize: PHONE.labelSize,
    countSize: PHONE.countSize,
    title: `Årshjul ${input.year} – ${input.subjectName}, måned for måned`,
    description: 'Antall hendelser per måned i fire ringer (innerst kontroll, så eierstyring, økonomi og ytterst politiske møter), januar øverst og med klokka. En trekant betyr at noe er forfalt. Trykk på en rute for å gå til måneden i listen.',
    year: String(input.year),
    rings: order.map(category => ({ category, label: CATEGORY_LABELS[category], fill: RING_STYLES[category].fill, text: RING_STYLES[category].text })),
    cells,
    months,
    needle,
  }
}
export type PhoneWheelView = ReturnType<typeof buildPhoneWheel>
