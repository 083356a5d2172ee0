import { afterEach, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  DEFAULT_REMINDER_POLICY, dueReminders, reminderDay, reminderPlan, weeklyDigestDue,
  type RemindableOccurrence, type ReminderPolicy,
} from '../../src/domain/reminder-policy.js'
import { addDays, compareDates, fromDayNumber, toDayNumber } from '../../src/domain/calendar-date.js'
import { isWorkingDay } from '../../src/domain/holidays.js'
import { OCCURRENCE_STATUSES } from '../../src/domain/vocabulary.js'

const ORIGINAL_TZ = process.env.TZ
afterEach(() => { process.env.TZ = ORIGINAL_TZ })

const policy: ReminderPolicy = { ...DEFAULT_REMINDER_POLICY } // weekly, at most 6, escalate after 14, catch up 7 days
/** arsregnskap_avlagt 2027: Monday 22 February (koml. § 14-6), offsets 42, 14, 3 and 0 days. */
const avlagt: RemindableOccurrence = { date: '2027-02-22', status: 'planned', kind: 'deadline', offsetsDays: [42, 14, 3, 0] }
/** Øyer kommunestyre, Thursday 17 June 2027 18:00, offsets 14, 7 and 1 days. */
const meeting: RemindableOccurrence = { date: '2027-06-17', status: 'planned', kind: 'meeting', offsetsDays: [14, 7, 1] }

const keys = (o: RemindableOccurrence, today: string, p: ReminderPolicy = policy) => dueReminders(o, today, p).map(r => r.key)

describe('reminderPlan', () => {
  it('plans the reminders before, the weekly overdue ones and the escalation, shifted to working days', () => {
    const plan = reminderPlan(avlagt, policy)
    expect(plan.map(r => [r.key, r.sendOn])).toEqual([
      ['before-42@2027-02-22', '2027-01-11'],
      ['before-14@2027-02-22', '2027-02-08'],
      ['before-3@2027-02-22', '2027-02-19'],
      ['before-0@2027-02-22', '2027-02-22'],
      ['overdue-1@2027-02-22', '2027-03-01'],
      ['overdue-2@2027-02-22', '2027-03-08'],
      ['escalation@2027-02-22', '2027-03-08'],
      ['overdue-3@2027-02-22', '2027-03-15'],
      ['overdue-4@2027-02-22', '2027-03-22'],
      // 29 March 2027 is 2. påskedag; 25–28 March are skjærtorsdag to 1. påskedag: back to Wednesday.
      ['overdue-5@2027-02-22', '2027-03-24'],
      ['overdue-6@2027-02-22', '2027-04-05'],
    ])
    const audience = Object.fromEntries(plan.map(r => [r.key.split('@')[0], r.audience]))
    expect(audience['before-0']).toEqual({ subscribers: true, kommunedirektor: false })
    expect(audience['overdue-2']).toEqual({ subscribers: true, kommunedirektor: false })
    expect(audience.escalation).toEqual({ subscribers: false, kommunedirektor: true })
    expect(audience['overdue-3']).toEqual({ subscribers: true, kommunedirektor: true })
    expect(plan.find(r => r.key.startsWith('overdue-5'))).toMatchObject({ nominalOn: '2027-03-29', days: 35 })
  })

  it.each([
    // [what, due, offsets, expected before-reminders as key → send day]
    ['due on a Saturday: the day itself moves to Friday', '2027-05-15', [14, 3, 0], { 'before-14': '2027-04-30', 'before-3': '2027-05-12', 'before-0': '2027-05-14' }],
    ['due on 2. påskedag: back past the whole Easter', '2027-03-29', [0], { 'before-0': '2027-03-24' }],
    ['three offsets landing on one Friday before 1. pinsedag', '2027-05-16', [2, 1, 0], { 'before-2': '2027-05-14', 'before-1': '2027-05-14', 'before-0': '2027-05-14' }],
    ['duplicate and unsorted offsets count once', '2027-06-30', [0, 14, 14], { 'before-14': '2027-06-16', 'before-0': '2027-06-30' }],
    ['no offsets: no reminders before', '2027-06-30', [], {}],
  ] as const)('%s', (_what, date, offsets, expected) => {
    const plan = reminderPlan({ date, status: 'planned', kind: 'deadline', offsetsDays: offsets }, { ...policy, overdueMax: 0, escalateAfterDays: 0 })
    expect(Object.fromEntries(plan.map(r => [r.key.split('@')[0], r.sendOn]))).toEqual(expected)
  })

  it('never sends a lateness reminder on or before the due date, even when the holiday rule would', () => {
    // Due Friday 24 December; a daily overdue reminder's day, 1. juledag, would move back to the due date itself.
    const plan = reminderPlan({ date: '2027-12-24', status: 'planned', kind: 'deadline', offsetsDays: [] }, { ...policy, overdueEveryDays: 1, overdueMax: 2, escalateAfterDays: 1 })
    expect(plan.map(r => [r.key.split('@')[0], r.sendOn])).toEqual([['overdue-1', '2027-12-25'], ['escalation', '2027-12-25'], ['overdue-2', '2027-12-25']])
  })

  it('meetings get the reminders before them only', () => {
    expect(reminderPlan(meeting, policy).map(r => [r.key, r.sendOn])).toEqual([
      ['before-14@2027-06-17', '2027-06-03'], ['before-7@2027-06-17', '2027-06-10'], ['before-1@2027-06-17', '2027-06-16'],
    ])
  })

  it.each(['delivered', 'approved', 'cancelled'] as const)('nothing at all for a %s occurrence', status => {
    expect(reminderPlan({ ...avlagt, status }, policy)).toEqual([])
    expect(reminderPlan({ ...meeting, status }, policy)).toEqual([])
  })

  it('respects the overdue cap and switching escalation off', () => {
    expect(reminderPlan(avlagt, { ...policy, overdueMax: 2, escalateAfterDays: 0 }).map(r => r.key.split('@')[0]))
      .toEqual(['before-42', 'before-14', 'before-3', 'before-0', 'overdue-1', 'overdue-2'])
    expect(reminderPlan(avlagt, { ...policy, overdueMax: 0 }).map(r => r.key.split('@')[0]))
      .toEqual(['before-42', 'before-14', 'before-3', 'before-0', 'escalation'])
  })
})

describe('dueReminders: the table of days for arsregnskap_avlagt 2027 (due Monday 22 Feb)', () => {
  it.each([
    ['2027-01-10', []],
    ['2027-01-11', ['before-42']],
    ['2027-01-18', ['before-42']], // caught up within 7 days
    ['2027-01-19', []], // older than the catch-up window: superseded, never sent late
    ['2027-02-08', ['before-14']],
    ['2027-02-19', ['before-3']],
    ['2027-02-21', ['before-3']], // Sunday: nothing new
    ['2027-02-22', ['before-0']],
    ['2027-02-23', []], // past due, the first overdue reminder comes after a week
    ['2027-03-01', ['overdue-1']],
    ['2027-03-08', ['overdue-2', 'escalation']],
    ['2027-03-15', ['overdue-3', 'escalation']], // the escalation is still within its catch-up window
    ['2027-03-16', ['overdue-3']],
    ['2027-03-24', ['overdue-5']], // overdue-4 (22 Mar) is superseded by the Easter-shifted overdue-5
    ['2027-03-29', ['overdue-5']],
    ['2027-04-05', ['overdue-6']],
    ['2027-04-12', ['overdue-6']],
    ['2027-04-13', []], // the cap: six overdue reminders, then silence
    ['2028-02-22', []],
  ])('on %s → %j', (today, expected) => {
    expect(keys(avlagt, today).map(k => k.split('@')[0])).toEqual(expected)
  })

  it('a late reminder states the days from its own send day, so a retry says the same', () => {
    const [r] = dueReminders(avlagt, '2027-02-21', policy)
    expect(r).toMatchObject({ kind: 'before', days: 3, sendOn: '2027-02-19', dueDate: '2027-02-22' })
  })

  it.each(['delivered', 'approved', 'cancelled'] as const)('no reminder on any day once %s', status => {
    for (const today of ['2027-01-11', '2027-02-22', '2027-03-01', '2027-03-08', '2027-04-05']) {
      expect(keys({ ...avlagt, status }, today)).toEqual([])
    }
  })

  it('in progress is not done: reminders continue', () => {
    expect(keys({ ...avlagt, status: 'in_progress' }, '2027-03-08').map(k => k.split('@')[0])).toEqual(['overdue-2', 'escalation'])
  })

  it('a moved occurrence is reminded from its new date, under new keys', () => {
    const moved = { ...avlagt, date: '2027-03-15' }
    expect(keys(moved, '2027-03-01')).toEqual(['before-14@2027-03-15'])
    expect(keys(moved, '2027-03-08')).toEqual(['before-14@2027-03-15'])
    expect(keys(moved, '2027-03-15')).toEqual(['before-0@2027-03-15'])
    expect(keys(moved, '2027-03-22')).toEqual(['overdue-1@2027-03-15'])
  })

  it('a meeting moved to another hour on the same day gets fresh keys', () => {
    expect(keys({ ...meeting, localStart: '2027-06-17T18:00' }, '2027-06-16')).toEqual(['before-1@2027-06-17T18:00'])
    expect(keys({ ...meeting, localStart: '2027-06-17T16:00' }, '2027-06-16')).toEqual(['before-1@2027-06-17T16:00'])
  })

  it('of reminders shifted onto the same Friday, only the one closest to the due date', () => {
    expect(keys({ date: '2027-05-16', status: 'planned', kind: 'deadline', offsetsDays: [2, 1, 0] }, '2027-05-14')).toEqual(['before-0@2027-05-16'])
  })

  it.each([
    ['2027-06-02', []],
    ['2027-06-03', ['before-14']],
    ['2027-06-10', ['before-7']],
    ['2027-06-16', ['before-1']],
    ['2027-06-17', ['before-1']],
    ['2027-06-18', []], // a meeting is never overdue
    ['2027-06-24', []],
    ['2027-07-01', []],
  ])('a meeting on 17 June: on %s → %j', (today, expected) => {
    expect(keys(meeting, today).map(k => k.split('@')[0])).toEqual(expected)
  })

  it('escalation after a configurable number of days, and later overdue reminders include the kommunedirektør', () => {
    const p = { ...policy, escalateAfterDays: 10 }
    const on = (today: string) => dueReminders(avlagt, today, p).map(r => `${r.key.split('@')[0]}:${r.audience.subscribers ? 'S' : ''}${r.audience.kommunedirektor ? 'K' : ''}`)
    expect(on('2027-03-01')).toEqual(['overdue-1:S'])
    expect(on('2027-03-04')).toEqual(['overdue-1:S', 'escalation:K'])
    expect(on('2027-03-08')).toEqual(['overdue-2:SK', 'escalation:K'])
  })

  it('properties: every reminder goes out on a working day (or after the due date), never before its nominal day is near, and never for done occurrences', () => {
    const day = fc.integer({ min: toDayNumber('2026-01-01'), max: toDayNumber('2030-12-31') }).map(fromDayNumber)
    fc.assert(fc.property(
      day, fc.integer({ min: -30, max: 120 }), fc.uniqueArray(fc.integer({ min: 0, max: 90 }), { maxLength: 5 }),
      fc.constantFrom(...OCCURRENCE_STATUSES), fc.constantFrom('deadline', 'meeting', 'report', 'plan' as const),
      (due, delta, offsets, status, kind) => {
        const o: RemindableOccurrence = { date: due, status, kind, offsetsDays: offsets }
        const today = addDays(due, delta)
        const due_ = dueReminders(o, today, policy)
        if (['delivered', 'approved', 'cancelled'].includes(status)) return due_.length === 0
        for (const r of reminderPlan(o, policy)) {
          if (r.kind === 'before' && !isWorkingDay(r.sendOn)) return false
          if (r.kind === 'before' && compareDates(r.sendOn, r.nominalOn) > 0) return false
          if (r.kind !== 'before' && compareDates(r.sendOn, due) <= 0) return false
        }
        if (kind === 'meeting' && due_.some(r => r.kind !== 'before')) return false
        if (new Set(due_.map(r => r.kind)).size !== due_.length) return false
        return due_.every(r => compareDates(r.sendOn, today) <= 0 && compareDates(r.sendOn, addDays(today, -policy.catchUpDays)) >= 0)
      }
    ), { numRuns: 500 })
  })
})

describe('weeklyDigestDue', () => {
  it.each([
    ['2027-05-31', 1, { key: 'digest@2027-05-31', weekOf: '2027-05-31', sendOn: '2027-05-31' }],
    ['2027-06-02', 1, { key: 'digest@2027-05-31', weekOf: '2027-05-31', sendOn: '2027-05-31' }], // caught up two days late
    ['2027-06-03', 1, null], // not at the end of the week
    ['2027-06-06', 1, null],
    // Monday 17 May 2027 is both 17. mai and 2. pinsedag: the digest waits for Tuesday.
    ['2027-05-17', 1, null],
    ['2027-05-18', 1, { key: 'digest@2027-05-17', weekOf: '2027-05-17', sendOn: '2027-05-18' }],
    ['2027-05-29', 5, { key: 'digest@2027-05-28', weekOf: '2027-05-28', sendOn: '2027-05-28' }],
    ['2027-06-01', 5, null],
  ] as const)('on %s with weekday %i', (today, wd, expected) => {
    expect(weeklyDigestDue(today, wd)).toEqual(expected)
  })
})

describe('reminderDay', () => {
  it.each([
    ['2027-06-01T05:59:00Z', 8, '2027-05-31'], // 07:59 CEST
    ['2027-06-01T06:00:00Z', 8, '2027-06-01'], // 08:00 CEST
    ['2027-01-15T06:30:00Z', 7, '2027-01-15'], // 07:30 CET
    ['2027-01-15T05:59:00Z', 7, '2027-01-14'], // 06:59 CET
    ['2027-01-14T23:30:00Z', 0, '2027-01-15'], // already the 15th in Oslo
  ])('%s with send hour %i is the reminder day %s, in every host zone', (instant, hour, expected) => {
    for (const zone of ['UTC', 'America/New_York', 'Pacific/Auckland']) {
      process.env.TZ = zone
      expect(reminderDay(new Date(instant), 'Europe/Oslo', hour)).toBe(expected)
    }
  })
})
