import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  addDays, addMonths, addYears, compareDates, dateFromParts, dayOf, daysBetween, daysInMonth, eachDate,
  endOfMonth, endOfYear, fromBasicDate, fromDayNumber, isLeapYear, isSupportedDate, isValidDate, maxDate, minDate, monthOf,
  parseDate, startOfMonth, startOfYear, toBasicDate, toDayNumber, weekday, yearOf, MAX_SUPPORTED_YEAR, MIN_SUPPORTED_YEAR,
} from '../../src/domain/calendar-date.js'

const HOST_ZONES = ['UTC', 'America/New_York', 'Europe/Oslo', 'Pacific/Auckland']

const arbDate = fc.date({ min: new Date(Date.UTC(1800, 0, 1)), max: new Date(Date.UTC(2200, 11, 31)), noInvalidDate: true })
  .map(d => d.toISOString().slice(0, 10))

describe('isSupportedDate: a real date in the years the service takes (issue 13)', () => {
  it.each([
    ['1900-01-01', true], ['2200-12-31', true], ['2027-02-28', true], ['2028-02-29', true],
    ['1899-12-31', false], ['2201-01-01', false], ['9999-01-01', false], ['0000-00-00', false], ['0001-01-01', false],
    ['2027-02-30', false], ['2027-02-29', false], ['2027-13-01', false], ['2027-00-01', false], ['2027-04-31', false],
    ['2027-4-1', false], ['20270401', false], ['2027-04-01T00:00', false], ['', false],
  ])('%s → %s', (s, ok) => {
    expect(isSupportedDate(s)).toBe(ok)
  })

  it('spans 1900–2200 and refuses non-strings', () => {
    expect([MIN_SUPPORTED_YEAR, MAX_SUPPORTED_YEAR]).toEqual([1900, 2200])
    expect(isSupportedDate(undefined)).toBe(false)
    expect(isSupportedDate(20270101)).toBe(false)
  })
})

describe('isValidDate', () => {
  it.each([
    ['2024-02-29', true], ['2023-02-29', false], ['1900-02-29', false], ['2000-02-29', true],
    ['2027-12-31', true], ['2027-13-01', false], ['2027-00-10', false], ['2027-04-31', false],
    ['2027-4-1', false], ['20270401', false], ['2027-04-01T00:00', false], [' 2027-04-01', false],
    ['0000-01-01', false], ['0001-01-01', true], ['9999-12-31', true], ['', false],
  ])('%s → %s', (s, ok) => {
    expect(isValidDate(s)).toBe(ok)
  })

  it('rejects non-strings', () => {
    expect(isValidDate(undefined)).toBe(false)
    expect(isValidDate(20270101)).toBe(false)
    expect(isValidDate(new Date())).toBe(false)
  })
})

describe('parts', () => {
  it('parses and rebuilds', () => {
    expect(parseDate('2027-02-22')).toEqual({ year: 2027, month: 2, day: 22 })
    expect(dateFromParts(2027, 2, 22)).toBe('2027-02-22')
    expect(dateFromParts(5, 1, 9)).toBe('0005-01-09')
    expect(yearOf('2027-02-22')).toBe(2027)
    expect(monthOf('2027-02-22')).toBe(2)
    expect(dayOf('2027-02-22')).toBe(22)
  })

  it('refuses impossible parts and strings', () => {
    expect(() => dateFromParts(2027, 2, 29)).toThrow(RangeError)
    expect(() => dateFromParts(2027, 1.5, 1)).toThrow(RangeError)
    expect(() => parseDate('2027-02-30')).toThrow(RangeError)
    expect(() => addDays('not a date', 1)).toThrow(RangeError)
  })

  it('knows leap years and month lengths', () => {
    expect([1900, 2000, 2024, 2027, 2100].map(isLeapYear)).toEqual([false, true, true, false, false])
    expect(daysInMonth(2028, 2)).toBe(29)
    expect(daysInMonth(2027, 2)).toBe(28)
    expect(daysInMonth(2027, 4)).toBe(30)
    expect(daysInMonth(2027, 12)).toBe(31)
  })
})

describe('addDays', () => {
  it.each([
    ['2027-12-31', 1, '2028-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2027-03-01', -1, '2027-02-28'],
    ['2027-03-27', 2, '2027-03-29'], // across the spring-forward Sunday: no 23-hour day
    ['2027-10-30', 2, '2027-11-01'], // across the fall-back Sunday: no 25-hour day
    ['2027-01-01', 365, '2028-01-01'],
    ['2028-01-01', 366, '2029-01-01'],
    ['1970-01-01', -1, '1969-12-31'],
    ['2027-06-15', 0, '2027-06-15'],
  ])('%s + %i = %s', (d, n, expected) => {
    expect(addDays(d, n)).toBe(expected)
  })

  it('refuses non-integers', () => {
    expect(() => addDays('2027-01-01', 0.5)).toThrow(RangeError)
  })

  it('is the inverse of subtracting (property)', () => {
    fc.assert(fc.property(arbDate, fc.integer({ min: -5000, max: 5000 }), (d, n) => {
      expect(addDays(addDays(d, n), -n)).toBe(d)
      expect(daysBetween(d, addDays(d, n))).toBe(n)
    }))
  })
})

describe('addMonths (domstolloven § 148)', () => {
  it.each([
    ['2027-01-31', 1, '2027-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2027-03-31', 1, '2027-04-30'],
    ['2027-03-31', -1, '2027-02-28'],
    ['2027-01-15', 1, '2027-02-15'],
    ['2027-11-30', 3, '2028-02-29'],
    ['2027-12-31', 2, '2028-02-29'],
    ['2027-06-30', 1, '2027-07-30'],
    ['2027-01-01', -1, '2026-12-01'],
    ['2027-05-31', -15, '2026-02-28'],
    ['2027-05-20', 0, '2027-05-20'],
  ])('%s + %i months = %s', (d, n, expected) => {
    expect(addMonths(d, n)).toBe(expected)
  })

  it('addYears keeps 29 Feb only in leap years', () => {
    expect(addYears('2028-02-29', 1)).toBe('2029-02-28')
    expect(addYears('2028-02-29', 4)).toBe('2032-02-29')
    expect(addYears('2027-12-31', -1)).toBe('2026-12-31')
  })

  it('lands on the same day number or the last day of the month (property)', () => {
    fc.assert(fc.property(arbDate, fc.integer({ min: -240, max: 240 }), (d, n) => {
      const r = addMonths(d, n)
      const { year, month, day } = parseDate(d)
      const p = parseDate(r)
      expect((p.year * 12 + p.month) - (year * 12 + month)).toBe(n)
      expect(p.day).toBe(Math.min(day, daysInMonth(p.year, p.month)))
    }))
  })
})

describe('comparing and counting', () => {
  it('compares', () => {
    expect(compareDates('2027-01-01', '2027-01-02')).toBe(-1)
    expect(compareDates('2027-01-02', '2027-01-02')).toBe(0)
    expect(compareDates('2028-01-01', '2027-12-31')).toBe(1)
    expect(minDate('2027-05-01', '2027-04-30')).toBe('2027-04-30')
    expect(maxDate('2027-05-01', '2027-04-30')).toBe('2027-05-01')
  })

  it('counts b − a in whole days', () => {
    expect(daysBetween('2027-01-01', '2027-12-31')).toBe(364)
    expect(daysBetween('2028-01-01', '2028-12-31')).toBe(365)
    expect(daysBetween('2027-03-31', '2027-03-01')).toBe(-30)
    expect(daysBetween('2027-03-27', '2027-03-29')).toBe(2)
  })

  it('round-trips day numbers', () => {
    expect(toDayNumber('1970-01-01')).toBe(0)
    expect(toDayNumber('1970-01-02')).toBe(1)
    expect(fromDayNumber(toDayNumber('0001-01-01'))).toBe('0001-01-01')
    expect(fromDayNumber(toDayNumber('9999-12-31'))).toBe('9999-12-31')
    expect(() => fromDayNumber(toDayNumber('9999-12-31') + 1)).toThrow(RangeError)
  })
})

describe('weekday (1 = Monday … 7 = Sunday)', () => {
  it.each([
    ['1970-01-01', 4], ['2027-03-28', 7], ['2027-10-31', 7], ['2026-02-22', 7], ['2027-05-15', 6],
    ['2029-06-30', 6], ['2027-09-13', 1], ['2023-09-11', 1], ['2000-01-01', 6], ['1900-01-01', 1],
  ])('%s → %i', (d, wd) => {
    expect(weekday(d)).toBe(wd)
  })

  it('agrees with Date.getUTCDay (property)', () => {
    fc.assert(fc.property(arbDate, d => {
      expect(weekday(d)).toBe(((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7) + 1)
    }))
  })
})

describe('ranges and months', () => {
  it('eachDate is inclusive and crosses month and year ends', () => {
    expect(eachDate('2027-12-30', '2028-01-02')).toEqual(['2027-12-30', '2027-12-31', '2028-01-01', '2028-01-02'])
    expect(eachDate('2027-05-05', '2027-05-05')).toEqual(['2027-05-05'])
    expect(eachDate('2027-05-06', '2027-05-05')).toEqual([])
    expect(eachDate('2027-03-27', '2027-03-29')).toHaveLength(3)
  })

  it('gives month and year boundaries', () => {
    expect(startOfMonth('2028-02-17')).toBe('2028-02-01')
    expect(endOfMonth('2028-02-17')).toBe('2028-02-29')
    expect(endOfMonth('2027-02-01')).toBe('2027-02-28')
    expect(endOfMonth('2027-04-30')).toBe('2027-04-30')
    expect(startOfYear(2027)).toBe('2027-01-01')
    expect(endOfYear(2027)).toBe('2027-12-31')
  })

  it('converts to and from the RFC 5545 basic format', () => {
    expect(toBasicDate('2027-02-22')).toBe('20270222')
    expect(fromBasicDate('20270222')).toBe('2027-02-22')
    expect(() => fromBasicDate('20270230')).toThrow(RangeError)
    expect(() => fromBasicDate('2027-02-22')).toThrow(RangeError)
  })
})

describe('host zone independence', () => {
  it('gives the same answers under every host zone', () => {
    const original = process.env.TZ
    const run = () => [
      addDays('2027-03-27', 1), addDays('2027-10-30', 1), addMonths('2027-01-31', 1), weekday('2027-03-28'),
      daysBetween('2027-03-01', '2027-11-30'), eachDate('2027-10-30', '2027-11-01'), endOfMonth('2028-02-10'),
      addDays('0050-01-01', 1),
    ]
    try {
      const offsets = new Set<number>()
      const results = HOST_ZONES.map(zone => {
        process.env.TZ = zone
        offsets.add(new Date(0).getTimezoneOffset())
        return run()
      })
      expect(offsets.size).toBe(HOST_ZONES.length) // the assignment really changed the host zone
      for (const r of results) expect(r).toEqual(results[0])
    } finally {
      process.env.TZ = original
    }
  })
})
