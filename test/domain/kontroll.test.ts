import { describe, expect, it } from 'vitest'
import {
  combinedAdoption, controlState, controlledOn, coverage, effectiveStatus, milestoneSchedule, planOrder, planReview, planStatus, planYears, plannedBy,
  rankAssessments, rankProjects, serviceAreaCoverage, statutoryAdoption, subjectKey, versionStatus,
  type AssessmentScore, type CoverageCollaboration, type CoverageProject, type ProjectFacts, type ReviewProject,
} from '../../src/domain/kontroll.js'
import { valgperiode, valgperiodeDueDate } from '../../src/domain/valgperiode.js'
import type { ProjectStatus } from '../../src/domain/kontroll-vocabulary.js'

const facts = (over: Partial<ProjectFacts> = {}): ProjectFacts => ({
  status: 'planned',
  plannedYear: 2025,
  plannedQuarter: null,
  orderedOn: null,
  reportDeliveredOn: null,
  kuPlannedOn: null,
  kuTreatedOn: null,
  ksPlannedOn: null,
  ksTreatedOn: null,
  followUpDue: null,
  followedUpOn: null,
  ...over,
})

describe('plan adoption deadline (koml. §§ 23-3, 23-4: by the end of the year after the constitution)', () => {
  it.each([
    [2019, '2020-12-31'], [2023, '2024-12-31'], [2027, '2028-12-31'], [2031, '2032-12-31'],
  ])('period %i → %s', (e, due) => {
    expect(valgperiodeDueDate('end_of_year_after_constitution', valgperiode(e))).toBe(due)
    // An actual constitution date in October does not move it.
    expect(valgperiodeDueDate('end_of_year_after_constitution', valgperiode(e, `${e}-10-12`))).toBe(due)
  })

  it('a plan places projects in E..E+4', () => {
    expect(planYears(2023)).toEqual([2023, 2024, 2025, 2026, 2027])
  })

  it.each([
    [null, null, 'draft'], ['2024-03-01', null, 'adopted_ku'], ['2024-03-01', '2024-06-20', 'adopted_ks'], [null, '2024-06-20', 'adopted_ks'],
  ] as const)('adopted by KU %s and KS %s → %s', (kuAdoptedOn, ksAdoptedOn, status) => {
    expect(planStatus({ kuAdoptedOn, ksAdoptedOn })).toBe(status)
  })
})

describe('plannedBy: the end of the planned quarter or year', () => {
  it.each([
    [2025, null, '2025-12-31'], [2025, 1, '2025-03-31'], [2025, 2, '2025-06-30'], [2025, 3, '2025-09-30'], [2025, 4, '2025-12-31'], [2028, 1, '2028-03-31'],
  ])('%i Q%s → %s', (year, quarter, date) => {
    expect(plannedBy(year, quarter)).toBe(date)
  })
})

describe('project status', () => {
  it.each<[ProjectStatus, Partial<ProjectFacts>, ProjectStatus]>([
    ['planned', {}, 'planned'],
    ['planned', { orderedOn: '2025-01-10' }, 'ordered'],
    ['in_progress', { orderedOn: '2025-01-10' }, 'in_progress'],
    ['planned', { reportDeliveredOn: '2025-06-01' }, 'reported'],
    ['ordered', { reportDeliveredOn: '2025-06-01', ksTreatedOn: '2025-09-20' }, 'treated'],
    ['planned', { followedUpOn: '2026-05-01' }, 'followed_up'],
    ['treated', { reportDeliveredOn: '2025-06-01' }, 'treated'],
    ['dropped', { reportDeliveredOn: '2025-06-01' }, 'dropped'],
  ])('requested %s with %o → %s', (requested, dates, expected) => {
    expect(effectiveStatus(requested, facts(dates))).toBe(expected)
  })

  it.each<[Partial<ProjectFacts>, string, string | null]>([
    [{}, 'planned', null],
    [{ status: 'in_progress' }, 'planned', null],
    [{ status: 'reported', reportDeliveredOn: '2025-06-01' }, 'done', '2025-06-01'],
    [{ status: 'treated', kuTreatedOn: '2025-08-01' }, 'done', '2025-08-01'],
    [{ status: 'dropped' }, 'none', null],
  ])('%o → control %s, controlled on %s', (over, state, on) => {
    expect(controlState(facts(over))).toBe(state)
    expect(controlledOn(facts(over))).toBe(on)
  })

  it('milestones: the report at the planned quarter end, treatment and follow-up when dated', () => {
    expect(milestoneSchedule(facts({ plannedQuarter: 2 }))).toEqual([{ milestone: 'report', date: '2025-06-30', doneOn: null }])
    expect(milestoneSchedule(facts({
      plannedQuarter: 2, reportDeliveredOn: '2025-05-20', kuPlannedOn: '2025-06-10', kuTreatedOn: '2025-06-12', ksTreatedOn: '2025-09-18', followUpDue: '2026-06-30',
    }))).toEqual([
      { milestone: 'report', date: '2025-06-30', doneOn: '2025-05-20' },
      { milestone: 'ku', date: '2025-06-10', doneOn: '2025-06-12' },
      { milestone: 'ks', date: '2025-09-18', doneOn: '2025-09-18' },
      { milestone: 'follow_up', date: '2026-06-30', doneOn: null },
    ])
  })
})

describe('risk × materiality ranking', () => {
  const a = (over: Partial<AssessmentScore>): AssessmentScore => ({ collaborationId: null, municipalityId: null, serviceArea: null, risk: 1, materiality: 1, assessedOn: '2024-01-10', ...over })
  const assessments = [
    a({ collaborationId: 1, risk: 4, materiality: 5 }), // 20
    a({ collaborationId: 2, risk: 2, materiality: 3 }), // 6
    a({ municipalityId: 9, serviceArea: 'Barnevern', risk: 5, materiality: 5 }), // 25
  ]
  const p = (id: number, plannedYear: number, subjects: AssessmentScore[] | Array<{ collaborationId: number | null; municipalityId: number | null; serviceArea: string | null }>) =>
    ({ id, title: `P${id}`, plannedYear, subjects })

  it('service area keys ignore case and spacing', () => {
    expect(subjectKey({ collaborationId: null, municipalityId: 9, serviceArea: '  barnevern ' })).toBe(subjectKey({ collaborationId: null, municipalityId: 9, serviceArea: 'Barnevern' }))
    expect(subjectKey({ collaborationId: 3, municipalityId: null, serviceArea: null })).toBe('c:3')
  })

  it('ranks projects by their highest-scoring subject, unassessed last, then by year', () => {
    const ranked = rankProjects([
      p(1, 2025, [{ collaborationId: 2, municipalityId: null, serviceArea: null }]),
      p(2, 2026, [{ collaborationId: 2, municipalityId: null, serviceArea: null }, { collaborationId: 1, municipalityId: null, serviceArea: null }]),
      p(3, 2024, [{ collaborationId: 7, municipalityId: null, serviceArea: null }]),
      p(4, 2027, [{ collaborationId: null, municipalityId: 9, serviceArea: 'barnevern' }]),
      p(5, 2024, [{ collaborationId: 1, municipalityId: null, serviceArea: null }]),
    ], assessments)
    expect(ranked.map(r => [r.id, r.score, r.rank])).toEqual([[4, 25, 1], [5, 20, 2], [2, 20, 3], [1, 6, 4], [3, null, 5]])
  })

  it('the latest assessment of a subject wins; assessments rank by score', () => {
    const ranked = rankProjects([p(1, 2025, [{ collaborationId: 2, municipalityId: null, serviceArea: null }])], [...assessments, a({ collaborationId: 2, risk: 5, materiality: 4, assessedOn: '2025-02-01' })])
    expect(ranked[0]!.score).toBe(20)
    expect(rankAssessments(assessments).map(x => x.score)).toEqual([25, 20, 6])
  })
})

describe('coverage', () => {
  // Municipalities 1, 2, 3; collaborations: 10 GLØR (IKS), 11 IKOMM (AS), 12 INNOFF (§ 27, terminated), 13 NAV (vertskommune), 14 avtale.
  const collabs: CoverageCollaboration[] = [
    { id: 10, name: 'GLØR', legalForm: 'iks', status: 'active', role: 'eier' },
    { id: 11, name: 'IKOMM AS', legalForm: 'as', status: 'active', role: 'eier' },
    { id: 12, name: 'INNOFF', legalForm: 'paragraf_27', status: 'terminated', role: 'deltaker' },
    { id: 13, name: 'Felles NAV', legalForm: 'vertskommune_administrativ', status: 'active', role: 'deltaker' },
    { id: 14, name: 'Regionråd', legalForm: 'avtale', status: 'active', role: 'deltaker' },
  ]
  const project = (over: Partial<CoverageProject>): CoverageProject => ({
    id: 1,
    title: 'EK GLØR',
    type: 'eierskapskontroll',
    electionYear: 2023,
    municipalityIds: [1, 2, 3],
    subjects: [{ collaborationId: 10, municipalityId: null, serviceArea: null }],
    status: 'planned',
    reportDeliveredOn: null,
    kuTreatedOn: null,
    ksTreatedOn: null,
    ...over,
  })
  const rowsFor = (municipalityId: number, projects: CoverageProject[], assessments: AssessmentScore[] = []) =>
    Object.fromEntries(coverage({ municipalityId, electionYear: 2023, collaborations: collabs, projects, assessments }).map(r => [r.collaboration.name, r]))

  it('a joint eierskapskontroll covers the company for every owner in the plan; an unplanned AS is flagged; a terminated one is not', () => {
    for (const m of [1, 2, 3]) {
      const rows = rowsFor(m, [project({})])
      expect(rows['GLØR']).toMatchObject({ eierskapskontroll: 'planned', forvaltningsrevisjon: 'none', flagged: false, owned: true })
      expect(rows['IKOMM AS']).toMatchObject({ eierskapskontroll: 'none', flagged: true })
      expect(rows['INNOFF']).toMatchObject({ owned: true, flagged: false })
      expect(rows['Felles NAV']).toMatchObject({ owned: false, flagged: false })
      expect(rows['Regionråd']).toBeUndefined()
    }
  })

  it('another municipality’s control does not cover this owner; nor does a dropped project or an earlier period', () => {
    expect(rowsFor(2, [project({ municipalityIds: [1] })])['GLØR']).toMatchObject({ eierskapskontroll: 'none', flagged: true })
    expect(rowsFor(2, [project({ status: 'dropped' })])['GLØR']).toMatchObject({ eierskapskontroll: 'none', flagged: true })
    expect(rowsFor(2, [project({ electionYear: 2019, status: 'treated', reportDeliveredOn: '2021-05-01' })])['GLØR'])
      .toMatchObject({ eierskapskontroll: 'none', flagged: true, lastControlled: { date: '2021-05-01', type: 'eierskapskontroll', projectId: 1 } })
  })

  it('done beats planned; a forvaltningsrevisjon in the company also counts; last controlled is the newest report', () => {
    const rows = rowsFor(1, [
      project({}),
      project({ id: 2, type: 'forvaltningsrevisjon', status: 'reported', reportDeliveredOn: '2025-04-01' }),
      project({ id: 3, electionYear: 2019, status: 'treated', reportDeliveredOn: '2021-05-01' }),
      project({ id: 4, subjects: [{ collaborationId: 11, municipalityId: null, serviceArea: null }], type: 'forvaltningsrevisjon' }),
    ], [{ collaborationId: 11, municipalityId: null, serviceArea: null, risk: 4, materiality: 3, assessedOn: '2024-02-01' }])
    expect(rows['GLØR']).toMatchObject({ eierskapskontroll: 'planned', forvaltningsrevisjon: 'done', lastControlled: { date: '2025-04-01', type: 'forvaltningsrevisjon', projectId: 2 } })
    expect(rows['GLØR']!.projects.map(p => p.id)).toEqual([1, 2])
    expect(rows['IKOMM AS']).toMatchObject({ forvaltningsrevisjon: 'planned', flagged: false, risk: 4, materiality: 3, score: 12 })
  })

  it('lists flagged first, then by score', () => {
    const order = coverage({ municipalityId: 1, electionYear: 2023, collaborations: collabs, projects: [project({})], assessments: [] }).map(r => r.collaboration.name)
    expect(order).toEqual(['IKOMM AS', 'Felles NAV', 'GLØR', 'INNOFF'])
  })

  it('service areas: assessed or audited in the period', () => {
    const rows = serviceAreaCoverage({
      municipalityId: 2,
      electionYear: 2023,
      projects: [project({ id: 5, type: 'forvaltningsrevisjon', title: 'FR barnevern', municipalityIds: [2], subjects: [{ collaborationId: null, municipalityId: 2, serviceArea: 'barnevern' }] })],
      assessments: [
        { collaborationId: null, municipalityId: 2, serviceArea: 'Barnevern', risk: 5, materiality: 4, assessedOn: '2024-01-10' },
        { collaborationId: null, municipalityId: 2, serviceArea: 'Byggesak', risk: 3, materiality: 3, assessedOn: '2024-01-10' },
        { collaborationId: null, municipalityId: 1, serviceArea: 'Skole', risk: 5, materiality: 5, assessedOn: '2024-01-10' },
      ],
    })
    expect(rows.map(r => [r.serviceArea, r.score, r.forvaltningsrevisjon, r.projects.length])).toEqual([['Barnevern', 20, 'planned', 1], ['Byggesak', 9, 'none', 0]])
  })
})

describe('planReview', () => {
  const rp = (id: number, over: Partial<ReviewProject>): ReviewProject => ({ ...facts(), id, title: `P${id}`, ...over })
  const review = (projects: ReviewProject[], asOf: string, adoption = { due: '2024-12-31', kuAdoptedOn: null as string | null, ksAdoptedOn: null as string | null }) =>
    planReview({ electionYear: 2023, periodEnd: '2027-10-30', adoption, projects, asOf })

  it.each<[string, Partial<ReviewProject>, string, boolean]>([
    ['planned year passed, no report', { plannedYear: 2025 }, '2026-01-01', true],
    ['on the last day of the year', { plannedYear: 2025 }, '2025-12-31', false],
    ['planned quarter passed', { plannedYear: 2026, plannedQuarter: 1 }, '2026-04-01', true],
    ['ordered and in progress, still late', { plannedYear: 2025, status: 'in_progress', orderedOn: '2025-02-01' }, '2026-11-22', true],
    ['reported', { plannedYear: 2025, status: 'reported', reportDeliveredOn: '2025-11-01' }, '2026-11-22', false],
    ['reported late still counts as reported', { plannedYear: 2025, status: 'reported', reportDeliveredOn: '2026-03-01' }, '2026-11-22', false],
    ['dropped', { plannedYear: 2025, status: 'dropped' }, '2026-11-22', false],
  ])('%s → behind schedule %s', (_name, over, asOf, behind) => {
    expect(review([rp(1, over)], asOf).behindSchedule.map(b => b.project.id)).toEqual(behind ? [1] : [])
  })

  it('as of a day before the adoption, the plan was not adopted yet (and overdue after its due date)', () => {
    const adoption = { due: '2024-12-31', kuAdoptedOn: '2024-09-10', ksAdoptedOn: '2025-02-28' }
    expect(review([], '2024-06-01', adoption).adoption).toMatchObject({ kuAdoptedOn: null, ksAdoptedOn: null, adopted: false, overdue: false })
    expect(review([], '2025-01-10', adoption).adoption).toMatchObject({ kuAdoptedOn: '2024-09-10', ksAdoptedOn: null, adopted: false, overdue: true, daysOverdue: 10 })
    expect(review([], '2025-03-01', adoption).adoption).toMatchObject({ ksAdoptedOn: '2025-02-28', adopted: true, overdue: false })
  })

  it('a treated project whose follow-up is past due is flagged until it is followed up', () => {
    const treated = rp(1, { plannedYear: 2024, status: 'treated', reportDeliveredOn: '2024-05-01', ksTreatedOn: '2024-09-20', followUpDue: '2025-09-30' })
    expect(review([treated], '2026-11-22').followUpsOverdue).toEqual([{ project: treated, followUpDue: '2025-09-30', daysOverdue: 418 }])
    expect(review([treated], '2025-09-30').followUpsOverdue).toEqual([])
    expect(review([{ ...treated, followedUpOn: '2025-10-15', status: 'followed_up' }], '2026-11-22').followUpsOverdue).toEqual([])
  })

  it('counts projects by year and status, and lists the deadlines ahead up to the end of year E+4', () => {
    const r = review([
      rp(1, { plannedYear: 2025 }),
      rp(2, { plannedYear: 2027, plannedQuarter: 4, kuPlannedOn: '2027-02-10' }),
      rp(3, { plannedYear: 2026, plannedQuarter: 4, status: 'reported', reportDeliveredOn: '2026-10-01', ksPlannedOn: '2026-12-10', followUpDue: '2027-12-31' }),
      rp(4, { plannedYear: 2026, status: 'dropped', kuPlannedOn: '2026-12-01' }),
    ], '2026-11-22')
    expect(r.byStatus).toMatchObject({ planned: 2, reported: 1, dropped: 1 })
    expect(r.byYear.map(y => [y.year, y.projects.map(p => p.id)])).toEqual([[2023, []], [2024, []], [2025, [1]], [2026, [3, 4]], [2027, [2]]])
    expect(r.deadlinesAhead.map(d => [d.date, d.kind, d.project?.id ?? null])).toEqual([
      ['2026-12-10', 'ks', 3], ['2027-02-10', 'ku', 2], ['2027-12-31', 'report', 2], ['2027-12-31', 'follow_up', 3],
    ])
    expect(r.adoption).toMatchObject({ adopted: false, overdue: true, daysOverdue: 691 })
  })

  it('the adoption is a deadline ahead until the council has adopted the plan', () => {
    expect(review([], '2024-02-01').deadlinesAhead).toEqual([{ date: '2024-12-31', kind: 'plan_adoption', project: null }])
    expect(review([], '2024-07-01', { due: '2024-12-31', kuAdoptedOn: '2024-05-01', ksAdoptedOn: '2024-06-20' })).toMatchObject({ deadlinesAhead: [], adoption: { adopted: true, overdue: false } })
  })
})

describe('a plan version adopted by several members (issue 15)', () => {
  const none = { kuAdoptedOn: null, kuCaseRef: null, ksAdoptedOn: null, ksCaseRef: null }
  const ku = (date: string, ref = 'KU 1/24') => ({ ...none, kuAdoptedOn: date, kuCaseRef: ref })
  const ks = (kuDate: string, date: string, ref = 'KS 1/24') => ({ ...ku(kuDate), ksAdoptedOn: date, ksCaseRef: ref })

  it('is as far along as its least advanced member', () => {
    expect(versionStatus([])).toBe('draft')
    expect(versionStatus([ku('2024-03-01'), none])).toBe('draft')
    expect(versionStatus([ku('2024-03-01'), ks('2024-03-05', '2024-04-18')])).toBe('adopted_ku')
    expect(versionStatus([ks('2024-03-01', '2024-04-01'), ks('2024-03-05', '2024-04-18')])).toBe('adopted_ks')
  })

  it('shows one plan-wide date only when every member has one (the latest), one saksnummer only when they agree', () => {
    expect(combinedAdoption([ku('2024-03-01', 'A'), ku('2024-03-05', 'A')])).toEqual({ kuAdoptedOn: '2024-03-05', kuCaseRef: 'A', ksAdoptedOn: null, ksCaseRef: null })
    expect(combinedAdoption([ku('2024-03-01', 'A'), ku('2024-03-05', 'B')]).kuCaseRef).toBeNull()
    expect(combinedAdoption([ku('2024-03-01'), none]).kuAdoptedOn).toBeNull()
    expect(combinedAdoption([]).kuAdoptedOn).toBeNull()
  })

  it('the statutory occurrence keeps the first version the council adopted, else the first the kontrollutvalg adopted', () => {
    expect(statutoryAdoption([undefined, none])).toBeNull()
    expect(statutoryAdoption([ku('2024-03-01', 'v1'), ku('2026-03-01', 'v2')])?.kuCaseRef).toBe('v1')
    expect(statutoryAdoption([ku('2024-03-01', 'v1'), ks('2026-03-01', '2026-04-01', 'KS v2')])?.ksCaseRef).toBe('KS v2')
    expect(statutoryAdoption([ks('2024-03-01', '2024-04-01', 'KS v1'), ks('2026-03-01', '2026-04-01', 'KS v2')])?.ksCaseRef).toBe('KS v1')
  })

  it('puts projects placed by hand first, by position, then the rest by rank, numbering them 1, 2, …', () => {
    const p = (id: number, position: number | null, rank: number) => ({ id, position, rank })
    expect(planOrder([p(1, null, 1), p(2, 2, 3), p(3, 1, 2), p(4, null, 4)]).map(x => [x.id, x.position])).toEqual([[3, 1], [2, 2], [1, 3], [4, 4]])
    expect(planOrder([p(1, null, 2), p(2, null, 1)]).map(x => x.id)).toEqual([2, 1])
  })
})
