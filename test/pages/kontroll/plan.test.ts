import { describe, expect, it } from 'vitest'
import {
  adoptionLines, inPlanOrder, movedOrder, parseAdoptionForm, parsePlanleggForm, parseReviseForm, planleggRows, planPage, plannedPeriod,
  printPage, serviceProblem, subjectLabel, type AdoptionLike, type AssessmentLike, type PlanLike,
} from '../../../src/pages/kontroll/plan.js'
import { conflicting, invalid } from '../../../src/shared/errors.js'

// The plans' view models and forms (issue 15, item 3): pure functions, read like a table of cases.
const member = (slug: string, name: string, m: string, mName: string, a: Partial<AdoptionLike> = {}): AdoptionLike =>
  ({ body: { slug, name }, municipality: { slug: m, name: mName }, kuAdoptedOn: null, kuCaseRef: null, ksAdoptedOn: null, ksCaseRef: null, ...a })
const GAUSDAL = member('gausdal-kontrollutvalg', 'Kontrollutvalget i Gausdal', 'gausdal', 'Gausdal', { kuAdoptedOn: '2026-11-24', kuCaseRef: 'KU-sak 26/40' })
const OYER = member('oyer-kontrollutvalg', 'Kontrollutvalget i Øyer', 'oyer', 'Øyer')
const PLAN: PlanLike = {
  id: 7,
  type: 'eierskapskontroll',
  electionYear: 2023,
  valgperiode: '2023–2027',
  title: 'Felles plan',
  status: 'draft',
  bodies: [GAUSDAL, OYER].map(a => ({ slug: a.body.slug, name: a.body.name, municipality: a.municipality! })),
  kuAdoptedOn: null,
  kuCaseRef: null,
  ksAdoptedOn: null,
  ksCaseRef: null,
  adoptionDue: '2024-12-31',
  version: 2,
  adoptions: [GAUSDAL, OYER],
  versions: [{ version: 1, status: 'adopted_ks', reason: null, created: '2024-01-01T00:00:00.000Z' }, { version: 2, status: 'draft', reason: 'Skåppå', created: '2026-12-01T00:00:00.000Z' }],
  inForce: 1,
}
const PROJECTS = [
  { id: 11, title: 'B', subjects: [{ type: 'service_area', municipality: 'gausdal', serviceArea: 'Skole' }], plannedYear: 2026, plannedQuarter: 2, status: 'planned', position: 2 },
  { id: 10, title: 'A', subjects: [{ type: 'collaboration', slug: 'glor', name: 'GLØR IKS' }], plannedYear: 2025, plannedQuarter: null, status: 'in_progress', position: 1 },
]

describe('words', () => {
  it.each([[2025, 2, '2. kvartal 2025'], [2027, null, '2027'], [2024, 4, '4. kvartal 2024']] as const)('plannedPeriod(%s, %s) is «%s»', (y, q, out) => {
    expect(plannedPeriod(y, q)).toBe(out)
  })
  it('a service area names its municipality', () => {
    expect(subjectLabel({ type: 'service_area', municipality: 'oyer', serviceArea: 'Barnevern' }, new Map([['oyer', 'Øyer']]))).toBe('Barnevern (Øyer)')
    expect(subjectLabel({ type: 'collaboration', slug: 'glor', name: 'GLØR IKS' }, new Map())).toBe('GLØR IKS')
  })
  it('adoption lines for the printed plan, one for the kontrollutvalg and one for the kommunestyre', () => {
    expect(adoptionLines([GAUSDAL, OYER])).toEqual([
      { ku: 'Kontrollutvalget i Gausdal: vedtatt 24. november 2026 (KU-sak 26/40)', ks: 'Kommunestyret i Gausdal: ikke vedtatt' },
      { ku: 'Kontrollutvalget i Øyer: ikke vedtatt', ks: 'Kommunestyret i Øyer: ikke vedtatt' },
    ])
  })
})

describe('the plan page', () => {
  it('projects in plan order (position), earlier versions, forms by who may do what', () => {
    const page = planPage({ plan: PLAN, projects: PROJECTS, mayChange: false, mayRecord: slug => slug === 'gausdal-kontrollutvalg', signedIn: true, today: '2026-12-01' })
    expect(page.projects.map(p => [p.number, p.title, p.subjects, p.planned, p.status, p.first, p.last])).toEqual([
      [1, 'A', ['GLØR IKS'], '2025', 'Under arbeid', true, false],
      [2, 'B', ['Skole (Gausdal)'], '2. kvartal 2026', 'Planlagt', false, true],
    ])
    expect(page.projects[0]!.url).toBe('/kontroll/plan/7/prosjekt/10')
    expect(page.versions).toEqual([{ version: 1, status: 'Vedtatt av kommunestyret', reason: null, url: '/kontroll/plan/7/versjon/1', inForce: true }])
    expect(page.inForceOther).toEqual({ version: 1, url: '/kontroll/plan/7/versjon/1' })
    expect(page.status).toBe('Utkast')
    expect(page.plan).toMatchObject({ joint: true, due: '31. desember 2024', typeLabel: 'Eierskapskontroll' })
    expect(page.recordable).toEqual([{ slug: 'gausdal-kontrollutvalg', name: 'Kontrollutvalget i Gausdal' }])
    expect(page.mayRevise).toBe(false)
    expect(page.adoptions.map(a => [a.ku?.date ?? null, a.ks])).toEqual([['24. november 2026', null], [null, null]])
  })

  it('«Revider planen» only when every member kontrollutvalg has adopted the current version', () => {
    const all = { ...PLAN, adoptions: [GAUSDAL, { ...OYER, kuAdoptedOn: '2026-11-25' }] }
    expect(planPage({ plan: all, projects: [], mayChange: true, mayRecord: () => true, signedIn: true, today: '2026-12-01' }).mayRevise).toBe(true)
    expect(planPage({ plan: PLAN, projects: [], mayChange: true, mayRecord: () => true, signedIn: true, today: '2026-12-01' }).mayRevise).toBe(false)
  })

  it('the printed plan: its legal basis by type', () => {
    expect(printPage({ plan: PLAN, projects: PROJECTS }).plan.legalBasis).toMatch(/^Kommuneloven § 23-4/)
    expect(printPage({ plan: { ...PLAN, type: 'forvaltningsrevisjon' }, projects: [] }).plan.legalBasis).toMatch(/^Kommuneloven § 23-3/)
    expect(printPage({ plan: PLAN, projects: PROJECTS }).projects.map(p => p.title)).toEqual(['A', 'B'])
  })

  it('inPlanOrder keeps the listed order without positions', () => {
    expect(inPlanOrder([{ id: 3, title: 'x', subjects: [], plannedYear: 2025, plannedQuarter: null, status: 'planned' }, { id: 1, title: 'y', subjects: [], plannedYear: 2025, plannedQuarter: null, status: 'planned' }]).map(p => p.id)).toEqual([3, 1])
  })
})

describe('the forms', () => {
  const current = new Map([[GAUSDAL.body.slug, GAUSDAL], [OYER.body.slug, OYER]])
  const members = ['gausdal-kontrollutvalg', 'oyer-kontrollutvalg']
  const adoption = (form: Record<string, string>) => parseAdoptionForm(form, members, '2026-12-01', current)

  it('an adoption: one member or all, the kontrollutvalg or the kommunestyre', () => {
    expect(adoption({ kontrollutvalg: 'oyer-kontrollutvalg', organ: 'ku', dato: '2026-11-30', saksnummer: ' KU-sak 26/41 ' }))
      .toEqual({ bodies: ['oyer-kontrollutvalg'], organ: 'ku', input: { kuAdoptedOn: '2026-11-30', kuCaseRef: 'KU-sak 26/41' } })
    expect(adoption({ kontrollutvalg: 'gausdal-kontrollutvalg', organ: 'ks', dato: '2026-11-24', saksnummer: 'KS-sak 26/9' }))
      .toEqual({ bodies: ['gausdal-kontrollutvalg'], organ: 'ks', input: { ksAdoptedOn: '2026-11-24', ksCaseRef: 'KS-sak 26/9' } })
    expect(adoption({ kontrollutvalg: 'alle', organ: 'ku', dato: '2026-12-01', saksnummer: 'KU-sak 26/50' })).toMatchObject({ bodies: members })
  })

  it.each([
    [{ kontrollutvalg: 'lunner-kontrollutvalg', organ: 'ku', dato: '2026-11-30', saksnummer: 'x' }, 'kontrollutvalg'],
    [{ kontrollutvalg: 'oyer-kontrollutvalg', organ: 'formannskap', dato: '2026-11-30', saksnummer: 'x' }, 'organ'],
    [{ kontrollutvalg: 'oyer-kontrollutvalg', organ: 'ku', dato: '', saksnummer: 'x' }, 'dato'],
    [{ kontrollutvalg: 'oyer-kontrollutvalg', organ: 'ku', dato: '2026-02-30', saksnummer: 'x' }, 'dato'],
    [{ kontrollutvalg: 'oyer-kontrollutvalg', organ: 'ku', dato: '2026-12-02', saksnummer: 'x' }, 'dato'],
    [{ kontrollutvalg: 'oyer-kontrollutvalg', organ: 'ku', dato: '2026-11-30', saksnummer: '' }, 'saksnummer'],
    // The council before its kontrollutvalg, or with none recorded.
    [{ kontrollutvalg: 'gausdal-kontrollutvalg', organ: 'ks', dato: '2026-11-23', saksnummer: 'x' }, 'dato'],
    [{ kontrollutvalg: 'oyer-kontrollutvalg', organ: 'ks', dato: '2026-11-30', saksnummer: 'x' }, 'dato'],
  ])('refuses %o naming %s', (form, field) => {
    const parsed = adoption(form)
    expect('errors' in parsed && parsed.errors.map(e => e.field)).toEqual([field])
    if ('errors' in parsed) expect(parsed.values.saksnummer).toBe(form.saksnummer)
  })

  it('a revision needs a reason; the title is optional', () => {
    expect(parseReviseForm({ grunn: ' Ny ', tittel: '' })).toEqual({ reason: 'Ny' })
    expect(parseReviseForm({ grunn: 'Ny', tittel: 'T' })).toEqual({ reason: 'Ny', title: 'T' })
    expect(parseReviseForm({ grunn: '', tittel: 'T' })).toEqual({ errors: [{ field: 'grunn', message: 'Skriv hvorfor planen revideres.' }], values: { grunn: '', tittel: 'T' } })
  })

  it.each([
    [[1, 2, 3], 1, 'ned', [2, 1, 3]],
    [[1, 2, 3], 3, 'opp', [1, 3, 2]],
    [[1, 2, 3], 1, 'opp', null],
    [[1, 2, 3], 3, 'ned', null],
    [[1, 2, 3], 4, 'ned', null],
    [[1, 2, 3], 2, 'sidelengs', null],
  ] as const)('movedOrder(%o, %s, %s) is %o', (order, id, dir, out) => {
    expect(movedOrder(order, id, dir)).toEqual(out)
  })

  it('a service error becomes a problem at the form’s field', () => {
    expect(serviceProblem(invalid('kontroll.future_date', 'kuAdoptedOn', 'x'), 'vedtak', {})!.errors).toEqual([{ field: 'dato', message: 'Datoen kan ikke være fram i tid.' }])
    expect(serviceProblem(conflicting('kontroll.plan_not_adopted', 'x', 'version'), 'revider', {})!.errors[0]!.field).toBe('grunn')
    expect(serviceProblem(new Error('boom'), 'vedtak', {})).toBeNull()
  })
})

describe('planlegg', () => {
  const ranked: AssessmentLike[] = [
    { id: 1, subject: { type: 'service_area', municipality: 'gausdal', serviceArea: 'Helse og omsorg' }, risk: 4, materiality: 5, score: 20 },
    { id: 2, subject: { type: 'collaboration', slug: 'skappa', name: 'Skåppå kunnskapspark AS' }, risk: 3, materiality: 4, score: 12 },
  ]
  it('rows prefilled: a title, the second year of the period, the kind by subject; the planned marked', () => {
    const rows = planleggRows(ranked, new Map([['gausdal', 'Gausdal']]), new Set(['m:gausdal:Helse og omsorg']), 2023)
    expect(rows.map(r => [r.rank, r.subject, r.planned, r.values])).toEqual([
      [1, 'Helse og omsorg (Gausdal)', true, { ta: false, tittel: 'Helse og omsorg', ar: '2024', kvartal: '', type: 'forvaltningsrevisjon' }],
      [2, 'Skåppå kunnskapspark AS', false, { ta: false, tittel: 'Eierskapskontroll Skåppå kunnskapspark AS', ar: '2024', kvartal: '', type: 'eierskapskontroll' }],
    ])
  })
  it('reads the ticked rows into items for createFromRanking', () => {
    expect(parsePlanleggForm({ ta_med: '1', tittel_1: 'Skåppå', ar_1: '2027', kvartal_1: '2', type_1: 'eierskapskontroll' }, ranked, 2023)).toEqual({
      items: [{ subject: { collaboration: 'skappa' }, title: 'Skåppå', plannedYear: 2027, plannedQuarter: 2, kind: 'eierskapskontroll' }],
    })
    expect(parsePlanleggForm({ ta_med: ['0', '0'], tittel_0: 'Helse', ar_0: '2025', kvartal_0: '', type_0: 'forvaltningsrevisjon' }, ranked, 2023)).toEqual({
      items: [{ subject: { municipality: 'gausdal', serviceArea: 'Helse og omsorg' }, title: 'Helse', plannedYear: 2025, plannedQuarter: null, kind: 'forvaltningsrevisjon' }],
    })
  })
  it.each([
    [{}, ['ta_med']],
    [{ ta_med: '9' }, ['ta_med']],
    [{ ta_med: '0', tittel_0: '', ar_0: '2028', kvartal_0: '5', type_0: 'eierskapskontroll' }, ['tittel_0', 'ar_0', 'kvartal_0', 'type_0']],
  ])('refuses %o naming %o', (form, fields) => {
    const parsed = parsePlanleggForm(form, ranked, 2023)
    expect('errors' in parsed && parsed.errors.map(e => e.field)).toEqual(fields)
  })
})
