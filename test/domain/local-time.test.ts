import { afterEach, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TZDate } from '@date-fns/tz'
import {
  classifyLocal, floatingToLocal, formatLocalDateTime, instantToLocal, isTransitionDay, isValidLocalDateTime,
  isValidTimeZone, localDateOf, localToFloating, localToInstant, observesDst, offsetAt, parseLocalDateTime,
} from '../../src/domain/local-time.js'

const OSLO = 'Europe/Oslo'
const HOST_ZONES = ['UTC', 'America/New_York', 'Europe/Oslo', 'Pacific/Auckland']
const ORIGINAL_TZ = process.env.TZ
afterEach(() => { process.env.TZ = ORIGINAL_TZ })

const iso = (d: Date) => new Date(+d).toISOString()

describe('parseLocalDateTime', () => {
  it('reads the fields', () => {
    expect(parseLocalDateTime('2027-01-14T18:00')).toEqual({
      date: '2027-01-14', year: 2027, month: 1, day: 14, hour: 18, minute: 0,
    })
  })

  it.each([
    '2027-01-14T24:00', '2027-01-14T18:60', '2027-02-29T10:00', '2027-01-14 18:00', '2027-01-14T18:00:00',
    '2027-01-14T18:00Z', '2027-01-14', '', '2027-1-14T18:00',
  ])('refuses %j', s => {
    expect(isValidLocalDateTime(s)).toBe(false)
    expect(() => parseLocalDateTime(s)).toThrow(RangeError)
  })

  it('formats', () => {
    expect(formatLocalDateTime('2027-01-14', 9, 5)).toBe('2027-01-14T09:05')
    expect(() => formatLocalDateTime('2027-01-14', 24, 0)).toThrow(RangeError)
  })
})

describe('isValidTimeZone', () => {
  it.each([
    ['Europe/Oslo', true], ['UTC', true], ['America/New_York', true], ['Pacific/Auckland', true],
    ['Europe/Olso', false], ['Foo/Bar', false], ['', false], ['+01:00', false], ['-0500', false],
    ['Europe/Oslo ', false],
  ])('%j → %s', (zone, ok) => {
    expect(isValidTimeZone(zone)).toBe(ok)
  })

  it('refuses non-strings', () => {
    expect(isValidTimeZone(undefined)).toBe(false)
    expect(isValidTimeZone(1)).toBe(false)
  })
})

describe('localToInstant and instantToLocal (Europe/Oslo)', () => {
  it.each([
    ['2027-01-14T18:00', '2027-01-14T17:00:00.000Z'], // CET
    ['2027-07-01T18:00', '2027-07-01T16:00:00.000Z'], // CEST
    ['2027-03-28T01:59', '2027-03-28T00:59:00.000Z'], // just before spring forward
    ['2027-03-28T03:00', '2027-03-28T01:00:00.000Z'], // just after
    ['2027-10-31T01:59', '2027-10-30T23:59:00.000Z'],
    ['2027-10-31T03:00', '2027-10-31T02:00:00.000Z'],
    ['2027-12-31T23:59', '2027-12-31T22:59:00.000Z'],
  ])('%s → %s and back', (local, utc) => {
    const instant = localToInstant(local, OSLO)
    expect(instant).toBeInstanceOf(TZDate)
    expect(instant.timeZone).toBe(OSLO)
    expect(iso(instant)).toBe(utc)
    expect(instantToLocal(instant, OSLO)).toBe(local)
    expect(instantToLocal(new Date(utc), OSLO)).toBe(local)
  })

  it('reads a nonexistent time with the offset before the gap (RFC 5545 § 3.3.5)', () => {
    const i = localToInstant('2027-03-28T02:30', OSLO)
    expect(iso(i)).toBe('2027-03-28T01:30:00.000Z')
    expect(instantToLocal(i, OSLO)).toBe('2027-03-28T03:30')
  })

  it('reads an ambiguous time as its first occurrence (RFC 5545 § 3.3.5)', () => {
    expect(iso(localToInstant('2027-10-31T02:30', OSLO))).toBe('2027-10-31T00:30:00.000Z')
  })

  it('truncates seconds and gives the local date', () => {
    expect(instantToLocal(new Date('2027-06-30T21:59:59.999Z'), OSLO)).toBe('2027-06-30T23:59')
    expect(localDateOf(new Date('2027-06-30T22:00:00Z'), OSLO)).toBe('2027-07-01')
    expect(localDateOf(new Date('2027-12-31T23:30:00Z'), OSLO)).toBe('2028-01-01')
    expect(localDateOf(Date.UTC(2027, 11, 31, 23, 30), 'UTC')).toBe('2027-12-31')
  })

  it('refuses an unknown zone', () => {
    expect(() => localToInstant('2027-01-14T18:00', 'Mars/Olympus')).toThrow(RangeError)
    expect(() => instantToLocal(new Date(), 'Mars/Olympus')).toThrow(RangeError)
  })

  it('round-trips every existing Oslo wall time (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: Date.UTC(1990, 0, 1) / 60_000, max: Date.UTC(2100, 0, 1) / 60_000 }),
      minutes => {
        const ms = minutes * 60_000
        const local = instantToLocal(ms, OSLO)
        const kind = classifyLocal(local, OSLO)
        expect(kind).not.toBe('nonexistent')
        // In the autumn overlap the wall time maps back to its first occurrence.
        if (kind === 'ok') expect(+localToInstant(local, OSLO)).toBe(ms)
        else expect(+localToInstant(local, OSLO)).toBeLessThanOrEqual(ms)
      }
    ))
  })
})

describe('classifyLocal', () => {
  it.each([
    ['2025-03-30T02:30', 'nonexistent'], ['2025-10-26T02:30', 'ambiguous'],
    ['2027-03-28T02:00', 'nonexistent'], ['2027-03-28T02:59', 'nonexistent'], ['2027-03-28T01:59', 'ok'],
    ['2027-03-28T03:00', 'ok'], ['2027-10-31T02:00', 'ambiguous'], ['2027-10-31T02:59', 'ambiguous'],
    ['2027-10-31T01:59', 'ok'], ['2027-10-31T03:00', 'ok'], ['2027-10-30T02:30', 'ok'], ['2026-03-29T02:15', 'nonexistent'],
    ['2026-10-25T02:15', 'ambiguous'],
  ])('%s in Oslo is %s', (local, kind) => {
    expect(classifyLocal(local, OSLO)).toBe(kind)
  })

  it('handles other zones', () => {
    expect(classifyLocal('2027-03-14T02:30', 'America/New_York')).toBe('nonexistent')
    expect(classifyLocal('2027-11-07T01:30', 'America/New_York')).toBe('ambiguous')
    expect(classifyLocal('2027-04-04T02:30', 'Pacific/Auckland')).toBe('ambiguous')
    expect(classifyLocal('2027-09-26T02:30', 'Pacific/Auckland')).toBe('nonexistent')
    expect(classifyLocal('2027-03-28T02:30', 'UTC')).toBe('ok')
    // Samoa skipped 30 December 2011 entirely.
    expect(classifyLocal('2011-12-30T12:00', 'Pacific/Apia')).toBe('nonexistent')
  })
})

describe('transition helpers', () => {
  it('finds transition days', () => {
    expect(isTransitionDay('2027-03-28', OSLO)).toBe(true)
    expect(isTransitionDay('2027-10-31', OSLO)).toBe(true)
    expect(isTransitionDay('2027-03-27', OSLO)).toBe(false)
    expect(isTransitionDay('2027-10-31', 'UTC')).toBe(false)
  })

  it('knows which zones observe DST', () => {
    expect(observesDst(OSLO, 2027)).toBe(true)
    expect(observesDst('UTC', 2027)).toBe(false)
    expect(observesDst('Asia/Tokyo', 2027)).toBe(false)
  })

  it('gives offsets in minutes', () => {
    expect(offsetAt(new Date('2027-01-01T00:00Z'), OSLO)).toBe(60)
    expect(offsetAt(new Date('2027-07-01T00:00Z'), OSLO)).toBe(120)
  })

  it('maps the floating frame', () => {
    expect(localToFloating('2027-03-28T02:30')).toBe(Date.UTC(2027, 2, 28, 2, 30))
    expect(floatingToLocal(Date.UTC(2027, 2, 28, 2, 30))).toBe('2027-03-28T02:30')
  })
})

describe('host zone independence', () => {
  it('gives identical conversions and classifications under every host zone', () => {
    const locals = [
      '2027-01-14T18:00', '2027-03-28T01:59', '2027-03-28T02:30', '2027-03-28T03:00', '2027-10-31T02:00',
      '2027-10-31T02:30', '2027-10-31T03:00', '2027-07-01T18:00', '2025-10-26T02:30',
    ]
    const run = () => locals.map(l => {
      const i = localToInstant(l, OSLO)
      return [l, classifyLocal(l, OSLO), iso(i), instantToLocal(i, OSLO), i.getHours(), isTransitionDay(l.slice(0, 10), OSLO)]
    })
    const offsets = new Set<number>()
    const results = HOST_ZONES.map(zone => {
      process.env.TZ = zone
      offsets.add(new Date(0).getTimezoneOffset())
      return run()
    })
    expect(offsets.size).toBe(HOST_ZONES.length)
    for (const r of results) expect(r).toEqual(results[0])
    expect(results[0]?.find(r => r[0] === '2025-10-26T02:30')?.[2]).toBe('2025-10-26T00:30:00.000Z')
  })
})
