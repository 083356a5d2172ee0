import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  VALGPERIODE_ANCHORS, constitutionDeadline, electionDay, isElectionYear, valgperiode, valgperiodeContaining,
  valgperiodeAnchorApplies, valgperiodeDueDate, valgperioderOverlapping,
} from '../../src/domain/valgperiode.js'
import { addDays, weekday } from '../../src/domain/calendar-date.js'

describe('election years', () => {
  it.each([
    [1991, true], [2019, true], [2023, true], [2027, true], [2031, true], [2025, false], [2024, false],
    [1987, false], [2027.5, false],
  ])('%s → %s', (year, ok) => {
    expect(isElectionYear(year)).toBe(ok)
  })
})

describe('electionDay (valgloven § 9-2)', () => {
  it.each([
    [2015, '2015-09-14', true], [2019, '2019-09-09', true], [2023, '2023-09-11', true],
    [2027, '2027-09-13', false], [2031, '2031-09-08', false], [2035, '2035-09-10', false],
  ])('%i → %s (decreed %s)', (year, date, decreed) => {
    expect(electionDay(year)).toEqual({ date, decreed })
  })

  it('the heuristic agrees with every decreed date', () => {
    // Same rule as the decree data would give: the Monday in 8–14 September.
    for (const [year, date] of [[2015, '2015-09-14'], [2019, '2019-09-09'], [2023, '2023-09-11']] as const) {
      expect(weekday(date)).toBe(1)
      expect(Number(date.slice(8))).toBeGreaterThanOrEqual(8)
      expect(Number(date.slice(8))).toBeLessThanOrEqual(14)
      expect(electionDay(year).date).toBe(date)
    }
  })

  it('is always a Monday in 8–14 September (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 500 }), k => {
      const { date } = electionDay(1991 + 4 * k)
      expect(weekday(date)).toBe(1)
      expect(date.slice(5, 7)).toBe('09')
      expect(Number(date.slice(8))).toBeGreaterThanOrEqual(8)
      expect(Number(date.slice(8))).toBeLessThanOrEqual(14)
    }))
  })

  it('refuses non-election years', () => {
    expect(() => electionDay(2025)).toThrow(RangeError)
    expect(() => electionDay(1987)).toThrow(RangeError)
    expect(() => constitutionDeadline(2024)).toThrow(RangeError)
  })
})

describe('valgperiode', () => {
  it.each([
    [2019, '2019-09-09', true, '2019-10-31', '2023-10-30', '2019–2023'],
    [2023, '2023-09-11', true, '2023-10-31', '2027-10-30', '2023–2027'],
    [2027, '2027-09-13', false, '2027-10-31', '2031-10-30', '2027–2031'],
  ])('%i with default constitution dates', (year, day, decreed, start, end, label) => {
    expect(valgperiode(year)).toEqual({
      electionYear: year,
      electionDay: day,
      decreed,
      constitutionDeadline: `${year}-10-31`,
      start,
      startIsActual: false,
      end,
      label,
    })
  })

  it('takes an actual constitution date', () => {
    const p = valgperiode(2023, '2023-10-19')
    expect(p.start).toBe('2023-10-19')
    expect(p.startIsActual).toBe(true)
    expect(p.end).toBe('2027-10-30')
    expect(p.constitutionDeadline).toBe('2023-10-31')
  })

  it('ends the day before the next actual constitution', () => {
    const dates = { 2023: '2023-10-19', 2027: '2027-10-14' }
    const p = valgperiode(2023, dates)
    expect([p.start, p.end]).toEqual(['2023-10-19', '2027-10-13'])
    expect(valgperiode(2027, dates).start).toBe('2027-10-14')
  })

  it('accepts an irregular constitution later in the election year, but not outside it', () => {
    expect(valgperiode(2023, '2023-11-02').start).toBe('2023-11-02')
    expect(() => valgperiode(2023, '2023-09-11')).toThrow(RangeError) // election day itself
    expect(() => valgperiode(2023, '2023-08-30')).toThrow(RangeError)
    expect(() => valgperiode(2023, '2024-01-05')).toThrow(RangeError)
    expect(() => valgperiode(2023, '2023-02-30')).toThrow(RangeError)
  })

  it('periods tile the timeline without gaps (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 200 }), k => {
      const e = 1991 + 4 * k
      expect(addDays(valgperiode(e).end, 1)).toBe(valgperiode(e + 4).start)
    }))
  })
})

describe('valgperiodeContaining', () => {
  it.each([
    ['2023-10-30', 2019], ['2023-10-31', 2023], ['2024-06-01', 2023], ['2027-09-13', 2023],
    ['2027-10-30', 2023], ['2027-10-31', 2027], ['2027-12-31', 2027], ['2020-01-01', 2019],
  ])('%s is in the period elected in %i', (date, year) => {
    expect(valgperiodeContaining(date).electionYear).toBe(year)
  })

  it('uses actual constitution dates', () => {
    const dates = { 2027: '2027-10-14' }
    expect(valgperiodeContaining('2027-10-13', dates).electionYear).toBe(2023)
    expect(valgperiodeContaining('2027-10-14', dates).electionYear).toBe(2027)
    expect(valgperiodeContaining('2027-10-14', dates).start).toBe('2027-10-14')
  })

  it('refuses dates before the first modelled period', () => {
    expect(() => valgperiodeContaining('1991-10-30')).toThrow(RangeError)
    expect(valgperiodeContaining('1991-10-31').electionYear).toBe(1991)
    expect(() => valgperiodeContaining('2027-02-30')).toThrow(RangeError)
  })

  it('always contains the date (property)', () => {
    const arbDate = fc.date({ min: new Date(Date.UTC(1992, 0, 1)), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true })
      .map(d => d.toISOString().slice(0, 10))
    fc.assert(fc.property(arbDate, d => {
      const p = valgperiodeContaining(d)
      expect(p.start <= d && d <= p.end).toBe(true)
    }))
  })
})

describe('valgperioderOverlapping', () => {
  it('lists every period touching the range', () => {
    expect(valgperioderOverlapping('2023-01-01', '2028-01-01').map(p => p.label)).toEqual(['2019–2023', '2023–2027', '2027–2031'])
    expect(valgperioderOverlapping('2024-01-01', '2024-12-31').map(p => p.label)).toEqual(['2023–2027'])
    expect(valgperioderOverlapping('2027-10-30', '2027-10-31').map(p => p.label)).toEqual(['2023–2027', '2027–2031'])
    expect(valgperioderOverlapping('2027-10-31', '2027-10-30')).toEqual([])
  })

  it('respects actual constitution dates', () => {
    expect(valgperioderOverlapping('2027-10-15', '2027-10-20', { 2027: '2027-10-14' }).map(p => p.label)).toEqual(['2027–2031'])
  })
})

describe('valgperiodeDueDate', () => {
  it('lists the anchors', () => {
    expect(VALGPERIODE_ANCHORS).toEqual([
      'election_day', 'constitution_deadline', 'end_of_election_year', 'end_of_year_after_constitution', 'end_of_period',
      'paragraf27_conversion',
    ])
  })

  it.each([
    // [K_2019 recorded, due date]: the municipality's 2019 constitution + 4 years, else 31 Oct 2023 (koml. § 31-2).
    [undefined, '2023-10-31'],
    ['2019-10-17', '2023-10-17'],
    ['2019-09-26', '2023-09-26'],
    ['2019-10-31', '2023-10-31'],
  ])('puts the § 27 conversion (K_2019 %s) on %s', (k2019, due) => {
    const p = valgperiode(2019, k2019 === undefined ? {} : { 2019: k2019 })
    expect(valgperiodeDueDate('paragraf27_conversion', p)).toBe(due)
  })

  it('has the § 27 conversion in the 2019 period only', () => {
    expect(valgperiodeAnchorApplies('paragraf27_conversion', 2019)).toBe(true)
    for (const e of [2015, 2023, 2027]) {
      expect(valgperiodeAnchorApplies('paragraf27_conversion', e)).toBe(false)
      expect(() => valgperiodeDueDate('paragraf27_conversion', valgperiode(e))).toThrow(RangeError)
    }
    for (const anchor of VALGPERIODE_ANCHORS.filter(a => a !== 'paragraf27_conversion')) {
      expect(valgperiodeAnchorApplies(anchor, 2027), anchor).toBe(true)
    }
  })

  it.each([
    [2019, '2019-09-09', '2019-10-31', '2019-12-31', '2020-12-31', '2023-10-30'],
    [2023, '2023-09-11', '2023-10-31', '2023-12-31', '2024-12-31', '2027-10-30'],
    [2027, '2027-09-13', '2027-10-31', '2027-12-31', '2028-12-31', '2031-10-30'],
  ])('period %i', (year, election, constitution, endOfElectionYear, planDeadline, endOfPeriod) => {
    const p = valgperiode(year)
    expect(valgperiodeDueDate('election_day', p)).toBe(election)
    expect(valgperiodeDueDate('constitution_deadline', p)).toBe(constitution)
    expect(valgperiodeDueDate('end_of_election_year', p)).toBe(endOfElectionYear)
    expect(valgperiodeDueDate('end_of_year_after_constitution', p)).toBe(planDeadline)
    expect(valgperiodeDueDate('end_of_period', p)).toBe(endOfPeriod)
  })

  it('the constitution deadline stays 31 Oct even when K_E was earlier', () => {
    const p = valgperiode(2023, { 2023: '2023-10-12', 2027: '2027-10-21' })
    expect(valgperiodeDueDate('constitution_deadline', p)).toBe('2023-10-31')
    expect(valgperiodeDueDate('end_of_period', p)).toBe('2027-10-20')
    expect(valgperiodeDueDate('end_of_year_after_constitution', p)).toBe('2024-12-31')
  })
})
