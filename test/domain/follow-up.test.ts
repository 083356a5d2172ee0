import { describe, expect, it } from 'vitest'
import { FOLLOW_UP_DAYS, OVERDUE_LOOKBACK_YEARS, classifyFollowUp, followUpWindow } from '../../src/domain/follow-up.js'
import type { EventKind, OccurrenceStatus } from '../../src/domain/vocabulary.js'

const occ = (id: string, date: string, kind: EventKind = 'deadline', status: OccurrenceStatus = 'planned', overdue = false) => ({ id, date, kind, status, overdue })

describe('followUpWindow', () => {
  it('looks a year back for overdue work and 30 days ahead for upcoming', () => {
    expect(FOLLOW_UP_DAYS).toBe(30)
    expect(OVERDUE_LOOKBACK_YEARS).toBe(1)
    expect(followUpWindow('2027-08-01')).toEqual({ from: '2026-08-01', to: '2027-08-31' })
    expect(followUpWindow('2028-03-01', 7)).toEqual({ from: '2027-03-01', to: '2028-03-08' })
    expect(followUpWindow('2028-02-29')).toEqual({ from: '2027-02-28', to: '2028-03-30' })
  })
})

describe('classifyFollowUp', () => {
  const asOf = '2027-08-01'
  it.each([
    ['an overdue deadline', occ('a', '2027-06-30', 'deadline', 'planned', true), 'overdue'],
    ['an overdue report in progress', occ('b', '2027-03-31', 'report', 'in_progress', true), 'overdue'],
    ['a deadline due today', occ('c', '2027-08-01'), 'upcoming'],
    ['a plan due in 30 days', occ('d', '2027-08-31', 'plan'), 'upcoming'],
    ['a deadline due in 31 days', occ('e', '2027-09-01'), 'none'],
    ['a meeting tomorrow', occ('f', '2027-08-02', 'meeting'), 'none'],
    ['a delivered deadline next week', occ('g', '2027-08-08', 'deadline', 'delivered'), 'none'],
    ['an approved deadline next week', occ('h', '2027-08-08', 'deadline', 'approved'), 'none'],
    ['a cancelled deadline next week', occ('i', '2027-08-08', 'deadline', 'cancelled'), 'none'],
    ['a past deadline that was delivered', occ('j', '2027-07-01', 'deadline', 'delivered', false), 'none'],
  ])('%s → %s', (_name, item, expected) => {
    const { overdue, upcoming } = classifyFollowUp([item], asOf)
    expect(overdue.length + upcoming.length).toBeLessThanOrEqual(1)
    const got = overdue.length ? 'overdue' : upcoming.length ? 'upcoming' : 'none'
    expect(got).toBe(expected)
  })

  it('sorts each list by due date and keeps the input order within a day', () => {
    const items = [occ('z', '2027-08-20'), occ('y', '2027-06-30', 'deadline', 'planned', true), occ('x', '2027-08-05'), occ('w', '2027-08-05'), occ('v', '2026-12-31', 'deadline', 'planned', true)]
    const { overdue, upcoming } = classifyFollowUp(items, asOf)
    expect(overdue.map(o => o.id)).toEqual(['v', 'y'])
    expect(upcoming.map(o => o.id)).toEqual(['x', 'w', 'z'])
  })
})
