import { describe, expect, it } from 'vitest'
import { adoptionSummary, parseAsOf, planIdOf, reviewPageUrl, reviewView } from '../../../src/pages/kontroll/review.js'
import type { PlanView } from '../../../src/services/kontroll/shared.js'
import { AppError } from '../../../src/shared/errors.js'

// The planning review page's view model: the date from the address, the adoption in words, and the page built from a review.

describe('parseAsOf', () => {
  const today = '2026-12-01'
  it.each([[undefined, today], ['', today], ['2024-06-01', '2024-06-01'], [' 2025-01-15 ', '2025-01-15'], ['2028-02-29', '2028-02-29']])('%j → %s', (raw, day) => {
    expect(parseAsOf(raw, today)).toEqual({ asOf: day })
  })
  it.each(['2026-02-30', '2027-02-29', '1.12.2026', 'i går', '2026-1-1', '1899-12-31', '2201-01-01'])('%j is a problem naming dato («Per dato»)', raw => {
    const parsed = parseAsOf(raw, today)
    expect(parsed).toMatchObject({ problem: { field: 'dato', label: 'Per dato' } })
    expect('problem' in parsed && parsed.problem.message).toBe(`Per dato: «${raw}» er ikke en gyldig dato. Skriv datoen som ÅÅÅÅ-MM-DD (årene 1900–2200), for eksempel 2026-12-01.`)
  })
})

describe('planIdOf', () => {
  it('reads a positive whole number', () => {
    expect(planIdOf('1')).toBe(1)
    expect(planIdOf('4711')).toBe(4711)
  })
  it.each(['0', '-1', '01', 'abc', '1.5', '1e3', '', '99999999999'])('%j is 404', raw => {
    expect(() => planIdOf(raw)).toThrow(AppError)
    try { planIdOf(raw) } catch (err) { expect((err as AppError).statusCode).toBe(404) }
  })
})

describe('adoptionSummary', () => {
  const due = '2024-12-31'
  const base = { due, kuAdoptedOn: null, ksAdoptedOn: null, adopted: false, overdue: false, daysOverdue: 0 }
  it('adopted in time', () => {
    expect(adoptionSummary({ ...base, kuAdoptedOn: '2024-09-10', ksAdoptedOn: '2024-11-28', adopted: true }, '2026-12-01'))
      .toEqual({ state: 'adopted', symbol: '✓', text: 'Vedtatt av kommunestyret 28. november 2024 (fristen var 31. desember 2024).' })
  })
  it('adopted late says by how much', () => {
    expect(adoptionSummary({ ...base, ksAdoptedOn: '2025-01-02', adopted: true }, '2026-12-01').text)
      .toBe('Vedtatt av kommunestyret 2. januar 2025, 2 dager etter fristen 31. desember 2024.')
  })
  it('not adopted before the due date: how long is left', () => {
    expect(adoptionSummary(base, '2024-12-30')).toEqual({ state: 'pending', symbol: '○', text: 'Ikke vedtatt. Frist 31. desember 2024 (i morgen).' })
    expect(adoptionSummary({ ...base, kuAdoptedOn: '2024-10-01' }, '2024-12-31'))
      .toEqual({ state: 'adopted_ku', symbol: '○', text: 'Vedtatt av kontrollutvalget 1. oktober 2024, ikke av kommunestyret. Frist 31. desember 2024 (i dag).' })
  })
  it('overdue: a warning symbol and the days', () => {
    expect(adoptionSummary({ ...base, overdue: true, daysOverdue: 699 }, '2026-11-30'))
      .toEqual({ state: 'overdue', symbol: '⚠', text: 'Ikke vedtatt. Fristen 31. desember 2024 er passert: 699 dager på overtid.' })
  })
})

describe('reviewView', () => {
  const plan = {
    id: 3,
    type: 'forvaltningsrevisjon',
    title: 'Plan for forvaltningsrevisjon 2024–2027, Gausdal',
    valgperiode: '2023–2027',
    status: 'adopted_ku',
    version: 2,
    bodies: [{ slug: 'gausdal-kontrollutvalg', name: 'Kontrollutvalget i Gausdal', municipality: { slug: 'gausdal', name: 'Gausdal' } }],
    adoptions: [{ body: { slug: 'gausdal-kontrollutvalg', name: 'Kontrollutvalget i Gausdal' }, municipality: { slug: 'gausdal', name: 'Gausdal' }, kuAdoptedOn: '2026-10-01', kuCaseRef: 'KU 26/40', ksAdoptedOn: null, ksCaseRef: null }],
  } as unknown as PlanView
  const p = (id: number, title: string, status: string, plannedYear: number, plannedQuarter: number | null) => ({ id, title, status, plannedYear, plannedQuarter, rank: id, score: null })
  const empty = { planned: 0, ordered: 0, in_progress: 0, reported: 0, treated: 0, followed_up: 0, dropped: 0 }
  const late = p(11, 'Barnevern', 'in_progress', 2026, 1)
  const treated = p(12, 'Økonomistyring', 'treated', 2025, null)
  const review = {
    plan: { id: 3, type: 'forvaltningsrevisjon', title: plan.title, valgperiode: '2023–2027', status: 'adopted_ku' },
    asOf: '2026-12-01',
    period: { start: '2023-10-31', end: '2027-10-30' },
    adoption: { due: '2024-12-31', kuAdoptedOn: '2024-09-10', ksAdoptedOn: '2024-11-28', adopted: true, overdue: false, daysOverdue: 0 },
    byStatus: { ...empty, in_progress: 1, treated: 1 },
    byYear: [
      { year: 2025, counts: { ...empty, treated: 1 }, projects: [treated] },
      { year: 2026, counts: { ...empty, in_progress: 1 }, projects: [late] },
    ],
    behindSchedule: [{ project: late, plannedBy: '2026-03-31', daysBehind: 245 }],
    followUpsOverdue: [{ project: treated, followUpDue: '2026-06-30', daysOverdue: 154 }],
    deadlinesAhead: [{ date: '2027-02-09', kind: 'ku', title: 'x', project: late }, { date: '2027-03-01', kind: 'plan_adoption', title: 'y', project: null }],
  } as never

  it('builds the page: head, adoption, what is late and why, deadlines, projects per year, linked', () => {
    const v = reviewView(plan, '2026-12-01', '2026-12-01', review, null)
    expect(v.plan).toEqual({
      id: 3, title: plan.title, typeLabel: 'Forvaltningsrevisjon', valgperiode: '2023–2027', statusLabel: 'Vedtatt av kontrollutvalget', bodies: 'Kontrollutvalget i Gausdal', url: '/kontroll/plan/3',
    })
    expect(v).toMatchObject({ today: true, asOfLabel: '1. desember 2026', dateValue: '2026-12-01', formAction: '/kontroll/plan/3/gjennomgang', problem: null })
    const r = v.review!
    expect(r.period).toBe('31. oktober 2023 – 30. oktober 2027')
    expect(r.version).toBe(2)
    expect(r.members).toEqual([{ name: 'Kontrollutvalget i Gausdal', municipality: 'Gausdal', ku: '1. oktober 2026 (KU 26/40)', ks: 'ikke vedtatt' }])
    expect(r.behindSchedule).toEqual([{
      project: { id: 11, title: 'Barnevern', url: '/kontroll/plan/3/prosjekt/11', status: 'Under arbeid', planned: '1. kvartal 2026' },
      plannedBy: '31. mars 2026',
      plannedByIso: '2026-03-31',
      daysBehind: '245 dager',
      why: 'Planlagt til 1. kvartal 2026: rapporten skulle vært levert innen 31. mars 2026 og er ikke levert (status: under arbeid).',
    }])
    expect(r.followUpsOverdue).toEqual([{ project: expect.objectContaining({ id: 12, planned: '2025', status: 'Behandlet' }), due: '30. juni 2026', dueIso: '2026-06-30', daysOverdue: '154 dager' }])
    expect(r.deadlinesAhead).toEqual([
      { date: '9. februar 2027', iso: '2027-02-09', when: 'om 70 dager', what: 'Kontrollutvalget behandler rapporten', project: expect.objectContaining({ id: 11 }) },
      { date: '1. mars 2027', iso: '2027-03-01', when: 'om 90 dager', what: 'Planen vedtas', project: null },
    ])
    expect(r.byYear.map(y => [y.year, y.projects.map(x => x.url), y.counts])).toEqual([
      [2025, ['/kontroll/plan/3/prosjekt/12'], '1 behandlet'],
      [2026, ['/kontroll/plan/3/prosjekt/11'], '1 under arbeid'],
    ])
    expect(r.total).toBe(2)
    expect(r.byStatus.find(s => s.status === 'dropped')).toEqual({ status: 'dropped', label: 'Utgått', count: 0 })
  })

  it('on a problem: no review, the reader’s value kept, a link back to today', () => {
    const problem = { field: 'dato', label: 'Per dato', message: 'Per dato: …' }
    const v = reviewView(plan, '2026-12-01', '2026-12-01', null, problem, '2026-02-30')
    expect(v).toMatchObject({ review: null, problem, dateValue: '2026-02-30', todayUrl: '/kontroll/plan/3/gjennomgang' })
  })

  it('another day is not today', () => {
    expect(reviewView(plan, '2025-01-15', '2026-12-01', review, null)).toMatchObject({ today: false, asOfLabel: '15. januar 2025', dateValue: '2025-01-15' })
  })
})

describe('addresses', () => {
  it('reviewPageUrl', () => {
    expect(reviewPageUrl(5)).toBe('/kontroll/plan/5/gjennomgang')
    expect(reviewPageUrl(5, '2025-01-15')).toBe('/kontroll/plan/5/gjennomgang?dato=2025-01-15')
  })
})
