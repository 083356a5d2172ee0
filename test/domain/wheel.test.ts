import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  DEFAULT_WHEEL, angleOfDate, angleOfDayMiddle, annularSectorPath, dayOfYear, daysInYear, layoutMarks, marksOverlap,
  monthSectors, normalizeAngle, polar, ringFor, ringLayout,
} from '../../src/domain/wheel.js'
import { addDays, dateFromParts } from '../../src/domain/calendar-date.js'
import { EVENT_CATEGORIES, type EventCategory } from '../../src/domain/vocabulary.js'

const close = (a: number, b: number, eps = 1e-9) => expect(Math.abs(a - b)).toBeLessThan(eps)

describe('angleOfDate: 1 January at the top, clockwise', () => {
  it.each([
    ['2027-01-01', 0],
    ['2028-01-01', 0],
    ['2027-07-02', (182 / 365) * 360], // 179.5°: day 183 of 365
    ['2028-07-02', 180], // leap year: day 184 of 366 starts exactly half way
    ['2027-04-01', (90 / 365) * 360],
    ['2028-03-01', (60 / 366) * 360], // 29 February pushes March on by a day
    ['2027-12-31', (364 / 365) * 360],
    ['2028-12-31', (365 / 366) * 360],
  ])('%s → %f°', (date, angle) => {
    close(angleOfDate(date), angle)
  })

  it('2 July is about half way round in every year', () => {
    for (const year of [2026, 2027, 2028, 2100, 2000]) expect(Math.abs(angleOfDate(`${year}-07-02`) - 180)).toBeLessThanOrEqual(0.5)
  })

  it('29 February exists only in leap years and sits just before 1 March', () => {
    expect(dayOfYear('2028-02-29')).toBe(60)
    expect(angleOfDate('2028-02-29')).toBeLessThan(angleOfDate('2028-03-01'))
    expect(() => angleOfDate('2027-02-29')).toThrow(RangeError)
  })

  it('counts days in the year and day of the year', () => {
    expect([daysInYear(2027), daysInYear(2028), daysInYear(1900), daysInYear(2000)]).toEqual([365, 366, 365, 366])
    expect([dayOfYear('2027-01-01'), dayOfYear('2027-12-31'), dayOfYear('2028-12-31')]).toEqual([1, 365, 366])
  })

  it('increases strictly through the year and stays in [0, 360) (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1990, max: 2100 }), fc.integer({ min: 0, max: 364 }), (year, n) => {
      const date = addDays(dateFromParts(year, 1, 1), n)
      const next = addDays(date, 1)
      const a = angleOfDate(date)
      expect(a).toBeGreaterThanOrEqual(0)
      expect(a).toBeLessThan(360)
      if (next.startsWith(String(year))) expect(angleOfDate(next)).toBeGreaterThan(a)
      expect(angleOfDayMiddle(date)).toBeGreaterThan(a)
    }))
  })
})

describe('polar and paths', () => {
  const c = { x: 500, y: 500 }
  it.each([
    [0, 500, 400], [90, 600, 500], [180, 500, 600], [270, 400, 500],
  ])('%i° at radius 100 → (%i, %i): 0° up, 90° right', (angle, x, y) => {
    const p = polar(c, 100, angle)
    close(p.x, x)
    close(p.y, y)
  })

  it('normalises angles into [0, 360)', () => {
    expect([normalizeAngle(-1), normalizeAngle(360), normalizeAngle(725)]).toEqual([359, 0, 5])
  })

  it('draws a sector with a large-arc flag only past 180°', () => {
    expect(annularSectorPath(c, 100, 200, 0, 90)).toMatch(/^M500 300A200 200 0 0 1 700 500L600 500A100 100 0 0 0 500 400Z$/)
    expect(annularSectorPath(c, 100, 200, 0, 270)).toContain('A200 200 0 1 1')
    expect(annularSectorPath(c, 100, 200, 0, 360).match(/Z/g)).toHaveLength(2)
  })
})

describe('monthSectors', () => {
  it('tiles the circle with twelve sectors sized by the months, January first at the top', () => {
    for (const year of [2027, 2028]) {
      const s = monthSectors(year)
      expect(s).toHaveLength(12)
      expect(s[0]!.start).toBe(0)
      expect(s[11]!.end).toBe(360)
      for (let i = 1; i < 12; i++) close(s[i]!.start, s[i - 1]!.end)
    }
    close(monthSectors(2027)[1]!.end - monthSectors(2027)[1]!.start, (28 / 365) * 360)
    close(monthSectors(2028)[1]!.end - monthSectors(2028)[1]!.start, (29 / 366) * 360)
    close(monthSectors(2027)[6]!.start, angleOfDate('2027-07-01'))
  })
})

describe('ringLayout', () => {
  const rings = ringLayout()
  it('stacks the four category rings from the hub to the rim without gaps, political outermost', () => {
    expect(rings.map(r => r.category)).toEqual(['control', 'ownership', 'economy', 'political'])
    expect(rings[0]!.inner).toBe(DEFAULT_WHEEL.hubRadius)
    close(rings[3]!.outer, DEFAULT_WHEEL.outerRadius)
    for (let i = 1; i < 4; i++) close(rings[i]!.inner, rings[i - 1]!.outer)
    expect(new Set(rings.map(r => r.category))).toEqual(new Set(EVENT_CATEGORIES))
  })

  it('keeps every lane inside its ring, clear of the label track, with room for a whole mark', () => {
    const { markRadius, markGap, labelTrack } = DEFAULT_WHEEL
    for (const r of rings) {
      expect(r.lanes.length).toBeGreaterThanOrEqual(2)
      for (const lane of r.lanes) {
        expect(lane - markRadius).toBeGreaterThanOrEqual(r.inner + labelTrack - 1e-9)
        expect(lane + markRadius).toBeLessThanOrEqual(r.outer)
      }
      const sorted = [...r.lanes].sort((a, b) => a - b)
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(2 * markRadius + markGap - 1e-9)
    }
  })
})

describe('layoutMarks', () => {
  const item = (date: string, category: EventCategory, id = date) => ({ id, date, category })

  it('puts a lone mark at its date in the middle of its ring', () => {
    const [m] = layoutMarks([item('2027-07-02', 'economy')], 2027)
    const ring = ringFor(ringLayout(), 'economy')
    expect(m!.angle).toBe(m!.dateAngle)
    close(m!.dateAngle, angleOfDayMiddle('2027-07-02'))
    expect(m!.r).toBe(ring.lanes[0])
    expect(m!.r).toBeGreaterThan(ring.inner)
    expect(m!.r).toBeLessThan(ring.outer)
  })

  it('gives one mark per item, in input order, none overlapping, even fifteen on one day', () => {
    const items = [
      ...Array.from({ length: 15 }, (_, i) => item('2027-03-11', 'political', `m${i}`)),
      ...Array.from({ length: 14 }, (_, i) => item('2027-03-31', 'ownership', `o${i}`)),
      item('2027-01-01', 'control'), item('2027-12-31', 'control'), item('2027-03-12', 'political', 'next-day'),
    ]
    const marks = layoutMarks(items, 2027)
    expect(marks.map(m => m.item)).toEqual(items)
    for (let i = 0; i < marks.length; i++) {
      for (let j = i + 1; j < marks.length; j++) expect(marksOverlap(marks[i]!, marks[j]!), `${items[i]!.id} × ${items[j]!.id}`).toBe(false)
    }
    // A crowded day spreads over the lanes first and then only a little along the ring.
    const crowd = marks.slice(0, 15)
    expect(new Set(crowd.map(m => m.r)).size).toBe(ringFor(ringLayout(), 'political').lanes.length)
    for (const m of crowd) expect(Math.abs(m.angle - m.dateAngle)).toBeLessThan(4)
  })

  it('stays in the ring of its category (property)', () => {
    const rings = ringLayout()
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 364 }), fc.constantFrom(...EVENT_CATEGORIES)), { maxLength: 80 }), list => {
      const items = list.map(([n, c], i) => item(addDays('2027-01-01', n), c, String(i)))
      for (const m of layoutMarks(items, 2027)) {
        const ring = ringFor(rings, m.item.category)
        expect(m.r).toBeGreaterThan(ring.inner)
        expect(m.r).toBeLessThan(ring.outer)
        expect(m.angle).toBeGreaterThanOrEqual(0)
        expect(m.angle).toBeLessThan(360)
      }
    }), { numRuns: 50 })
  })

  it('refuses a date outside the year it draws', () => {
    expect(() => layoutMarks([item('2026-12-31', 'economy')], 2027)).toThrow(RangeError)
  })
})
