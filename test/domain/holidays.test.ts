import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  dayFlags, easterSunday, holidayName, isWorkingDay, nextWorkingDay, previousWorkingDay, publicHolidays,
  workingDayOnOrAfter, workingDayOnOrBefore,
} from '../../src/domain/holidays.js'
import { daysBetween, weekday } from '../../src/domain/calendar-date.js'

describe('easterSunday', () => {
  it.each([
    [2024, '2024-03-31'], [2025, '2025-04-20'], [2026, '2026-04-05'], [2027, '2027-03-28'],
    [2028, '2028-04-16'], [2029, '2029-04-01'], [2000, '2000-04-23'], [2038, '2038-04-25'],
    [1818, '1818-03-22'], [2285, '2285-03-22'], [1943, '1943-04-25'], [2008, '2008-03-23'],
    [2011, '2011-04-24'], [1954, '1954-04-18'], [1981, '1981-04-19'], [1583, '1583-04-10'],
    [2019, '2019-04-21'], [2100, '2100-03-28'],
  ])('%i → %s', (year, date) => {
    expect(easterSunday(year)).toBe(date)
  })

  it('is always a Sunday between 22 March and 25 April (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1583, max: 9999 }), year => {
      const e = easterSunday(year)
      expect(weekday(e)).toBe(7)
      expect(e >= `${year}-03-22` && e <= `${year}-04-25`).toBe(true)
    }))
  })

  it('refuses years outside the Gregorian range', () => {
    expect(() => easterSunday(1582)).toThrow(RangeError)
    expect(() => easterSunday(2027.5)).toThrow(RangeError)
  })
})

describe('publicHolidays (helligdagsloven § 2, LOV-1947-04-26-1)', () => {
  it('lists the twelve named days of 2027 in order', () => {
    expect(publicHolidays(2027).map(h => [h.date, h.name, h.kind])).toEqual([
      ['2027-01-01', '1. nyttårsdag', 'helligdag'],
      ['2027-03-25', 'Skjærtorsdag', 'helligdag'],
      ['2027-03-26', 'Langfredag', 'helligdag'],
      ['2027-03-28', '1. påskedag', 'helligdag'],
      ['2027-03-29', '2. påskedag', 'helligdag'],
      ['2027-05-01', '1. mai', 'hoytidsdag'],
      ['2027-05-06', 'Kristi himmelfartsdag', 'helligdag'],
      ['2027-05-16', '1. pinsedag', 'helligdag'],
      ['2027-05-17', '17. mai', 'hoytidsdag'],
      ['2027-05-17', '2. pinsedag', 'helligdag'],
      ['2027-12-25', '1. juledag', 'helligdag'],
      ['2027-12-26', '2. juledag', 'helligdag'],
    ])
  })

  // governance-obligations §12 table.
  it.each([
    [2026, '2026-04-02', '2026-04-03', '2026-04-05', '2026-04-06', '2026-05-14', '2026-05-24', '2026-05-25'],
    [2027, '2027-03-25', '2027-03-26', '2027-03-28', '2027-03-29', '2027-05-06', '2027-05-16', '2027-05-17'],
    [2028, '2028-04-13', '2028-04-14', '2028-04-16', '2028-04-17', '2028-05-25', '2028-06-04', '2028-06-05'],
    [2029, '2029-03-29', '2029-03-30', '2029-04-01', '2029-04-02', '2029-05-10', '2029-05-20', '2029-05-21'],
  ])('%i: movable feasts match the table', (year, skjaer, lang, pask1, pask2, himmel, pinse1, pinse2) => {
    const byName = new Map(publicHolidays(year).map(h => [h.name, h.date]))
    expect(byName.get('Skjærtorsdag')).toBe(skjaer)
    expect(byName.get('Langfredag')).toBe(lang)
    expect(byName.get('1. påskedag')).toBe(pask1)
    expect(byName.get('2. påskedag')).toBe(pask2)
    expect(byName.get('Kristi himmelfartsdag')).toBe(himmel)
    expect(byName.get('1. pinsedag')).toBe(pinse1)
    expect(byName.get('2. pinsedag')).toBe(pinse2)
    expect(weekday(skjaer)).toBe(4)
    expect(weekday(himmel)).toBe(4)
    expect(weekday(pinse2)).toBe(1)
  })

  it('has fixed-date holidays every year and twelve entries (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1583, max: 9999 }), year => {
      const list = publicHolidays(year)
      expect(list).toHaveLength(12)
      const dates = list.map(h => h.date)
      for (const md of ['01-01', '05-01', '05-17', '12-25', '12-26']) expect(dates).toContain(`${year}-${md}`)
      expect([...dates].sort()).toEqual(dates)
      const easter = easterSunday(year)
      const ascension = list.find(h => h.name === 'Kristi himmelfartsdag')?.date as string
      expect(daysBetween(easter, ascension)).toBe(39)
    }))
  })

  it('returns a frozen list', () => {
    expect(Object.isFrozen(publicHolidays(2027))).toBe(true)
  })
})

describe('dayFlags', () => {
  it.each([
    // The §12 notes.
    ['2026-05-17', { weekend: true, holiday: '17. mai', workingDay: false }],
    ['2026-12-26', { weekend: true, holiday: '2. juledag', workingDay: false }],
    ['2027-05-17', { weekend: false, holiday: '17. mai / 2. pinsedag', workingDay: false }],
    ['2027-05-01', { weekend: true, holiday: '1. mai', workingDay: false }],
    ['2027-12-25', { weekend: true, holiday: '1. juledag', workingDay: false }],
    ['2027-12-26', { weekend: true, holiday: '2. juledag', workingDay: false }],
    ['2028-01-01', { weekend: true, holiday: '1. nyttårsdag', workingDay: false }],
    // Ordinary days and the days that are not holidays.
    ['2027-03-24', { weekend: false, holiday: null, workingDay: true }],
    ['2027-03-27', { weekend: true, holiday: null, workingDay: false }], // påskeaften
    ['2027-12-24', { weekend: false, holiday: null, workingDay: true }], // julaften
    ['2027-12-31', { weekend: false, holiday: null, workingDay: true }], // nyttårsaften
    ['2028-05-01', { weekend: false, holiday: '1. mai', workingDay: false }],
  ])('%s', (date, flags) => {
    expect(dayFlags(date)).toEqual(flags)
  })

  // governance-obligations §12: "statutory dates that fall on a non-working day".
  it.each([
    ['2026-02-22', 7], ['2027-05-15', 6], ['2028-04-15', 6], ['2028-12-31', 7], ['2029-03-31', 6],
    ['2029-04-15', 7], ['2029-06-30', 6], ['2030-03-31', 7], ['2030-06-30', 7],
  ])('%s is not a working day (weekday %i)', (date, wd) => {
    expect(weekday(date)).toBe(wd)
    expect(isWorkingDay(date)).toBe(false)
    expect(dayFlags(date).weekend).toBe(true)
  })

  it('names holidays and nothing else', () => {
    expect(holidayName('2027-05-06')).toBe('Kristi himmelfartsdag')
    expect(holidayName('2027-05-05')).toBeNull()
  })
})

describe('working days', () => {
  it.each([
    // date, previousWorkingDay, nextWorkingDay, onOrBefore, onOrAfter
    ['2027-03-29', '2027-03-24', '2027-03-30', '2027-03-24', '2027-03-30'], // Easter week
    ['2027-03-24', '2027-03-23', '2027-03-30', '2027-03-24', '2027-03-24'],
    ['2026-02-22', '2026-02-20', '2026-02-23', '2026-02-20', '2026-02-23'],
    ['2027-05-15', '2027-05-14', '2027-05-18', '2027-05-14', '2027-05-18'], // Mon 17 May is a holiday
    ['2028-12-31', '2028-12-29', '2029-01-02', '2028-12-29', '2029-01-02'], // 1 Jan is a holiday
    ['2029-06-30', '2029-06-29', '2029-07-02', '2029-06-29', '2029-07-02'],
    ['2027-12-27', '2027-12-24', '2027-12-28', '2027-12-27', '2027-12-27'],
  ])('%s', (date, prev, next, onOrBefore, onOrAfter) => {
    expect(previousWorkingDay(date)).toBe(prev)
    expect(nextWorkingDay(date)).toBe(next)
    expect(workingDayOnOrBefore(date)).toBe(onOrBefore)
    expect(workingDayOnOrAfter(date)).toBe(onOrAfter)
  })

  it('always lands on a working day on the right side (property)', () => {
    const arbDate = fc.date({ min: new Date(Date.UTC(1990, 0, 1)), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true })
      .map(d => d.toISOString().slice(0, 10))
    fc.assert(fc.property(arbDate, d => {
      const p = previousWorkingDay(d)
      const n = nextWorkingDay(d)
      expect(isWorkingDay(p) && isWorkingDay(n)).toBe(true)
      expect(p < d && n > d).toBe(true)
      expect(daysBetween(p, d)).toBeLessThanOrEqual(6)
      expect(daysBetween(d, n)).toBeLessThanOrEqual(6)
    }))
  })
})
