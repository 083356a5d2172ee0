import { describe, expect, it } from 'vitest'
import {
  anchorOf, assessUrl, electionYearOf, matrixRows, parseAssessForm, rankSubjects, subjectsOf, type AnalyseSubject,
} from '../../../src/pages/kontroll/analyse.js'
import { matrixGeometry, rankLines, scoreLevel } from '../../../src/pages/kontroll/risk-matrix.js'
import type { AssessmentView } from '../../../src/services/kontroll/shared.js'

// The overordnet analyse's view model (issue 15): which subjects, the ranking, the matrix and the form.

const subject = (name: string, risk?: number, materiality?: number): AnalyseSubject => ({
  kind: 'collaboration',
  anchor: `emne-${anchorOf(name)}`,
  name,
  detail: 'AS · eier',
  collaboration: anchorOf(name),
  serviceArea: null,
  assessment: risk === undefined ? null : { id: 1, risk, materiality: materiality!, score: risk * materiality!, justification: 'x', assessedOn: '2024-01-30', assessedOnText: '30. januar 2024' },
})

describe('rankSubjects', () => {
  it('puts the highest risk × vesentlighet first, ties by Norwegian name order, and the unassessed last without a number', () => {
    const ranked = rankSubjects([
      subject('Øyer Turist', 2, 2),
      subject('Skåppå kunnskapspark'),
      subject('Aasen AS', 3, 4), // 12: Norwegian order reads «Aa» as «Å», after Z
      subject('Ålen AS', 4, 3), // 12
      subject('Borgerlig vigsel'),
      subject('Barnevern', 5, 5),
      subject('Zeta AS', 4, 3), // 12
    ])
    expect(ranked.map(s => [s.rank, s.name])).toEqual([
      [1, 'Barnevern'], [2, 'Zeta AS'], [3, 'Ålen AS'], [4, 'Aasen AS'], [5, 'Øyer Turist'], [null, 'Borgerlig vigsel'], [null, 'Skåppå kunnskapspark'],
    ])
  })
})

describe('matrixRows', () => {
  it('places each assessed subject in the cell of its risk (row, 5 on top) and vesentlighet (column), by rank', () => {
    const rows = matrixRows(rankSubjects([subject('A', 4, 5), subject('B', 1, 1), subject('C', 4, 5), subject('D')]))
    expect(rows).toHaveLength(5)
    expect(rows.map(r => r[0]!.risk)).toEqual([5, 4, 3, 2, 1])
    expect(rows[0]!.map(c => c.materiality)).toEqual([1, 2, 3, 4, 5])
    const cell = rows[1]![4]!
    expect(cell).toMatchObject({ risk: 4, materiality: 5, score: 20, levelLabel: 'svært høy' })
    expect(cell.subjects.map(s => `${s.rank}. ${s.name}`)).toEqual(['1. A', '2. C'])
    expect(rows[4]![0]).toMatchObject({ risk: 1, materiality: 1, score: 1, levelLabel: 'lav', subjects: [{ rank: 3, name: 'B' }] })
    expect(rows.flat().reduce((n, c) => n + c.subjects.length, 0)).toBe(3)
  })

  it('scores 1–4 lav, 5–9 middels, 10–14 høy, 15–25 svært høy', () => {
    expect([1, 4, 5, 9, 10, 14, 15, 25].map(s => scoreLevel(s).label)).toEqual(['lav', 'lav', 'middels', 'middels', 'høy', 'høy', 'svært høy', 'svært høy'])
  })
})

describe('matrixGeometry', () => {
  it('draws 25 cells, risk 5 in the top row and vesentlighet 5 in the right column, with the score and the rank numbers as text', () => {
    const g = matrixGeometry([{ risk: 5, materiality: 5, ranks: [1] }, { risk: 1, materiality: 1, ranks: [2, 3] }])
    expect(g.viewBox).toBe('0 0 580 580')
    expect(g.cells).toHaveLength(25)
    const top = g.cells.find(c => c.risk === 5 && c.materiality === 5)!
    const bottom = g.cells.find(c => c.risk === 1 && c.materiality === 1)!
    expect(top.y).toBeLessThan(bottom.y)
    expect(top.x).toBeGreaterThan(bottom.x)
    expect(top.texts.map(t => t.text)).toEqual(['25', '1'])
    expect(bottom.texts.map(t => t.text)).toEqual(['1', '2, 3'])
    expect(top.fill).not.toBe(bottom.fill)
    expect(g.labels.map(l => l.text)).toContain('Risiko →')
    expect(g.labels.map(l => l.text)).toContain('Vesentlighet →')
  })

  it('wraps rank numbers four to a line, three lines at most', () => {
    expect(rankLines([])).toEqual([])
    expect(rankLines([1, 2, 3, 4, 5])).toEqual(['1, 2, 3, 4', '5'])
    expect(rankLines([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])).toEqual(['1, 2, 3, 4', '5, 6, 7, 8', '9, 10, 11, 12'])
    expect(rankLines(Array.from({ length: 15 }, (_, i) => i + 1))).toEqual(['1, 2, 3, 4', '5, 6, 7, 8', '+ 7 til'])
  })
})

describe('subjectsOf', () => {
  const view = (over: Partial<AssessmentView> & Pick<AssessmentView, 'subject'>): AssessmentView => ({
    id: 7,
    electionYear: 2023,
    valgperiode: '2023–2027',
    risk: 3,
    materiality: 4,
    score: 12,
    justification: 'Grunn',
    assessedOn: '2024-01-30',
    created: '',
    modified: '',
    deleted: false,
    ...over,
  })
  it('lists the coverage collaborations, other assessed collaborations, and the municipality’s service areas, each with its assessment', () => {
    const subjects = subjectsOf({
      municipality: { slug: 'gausdal', name: 'Gausdal' },
      collaborations: [
        { collaboration: { id: 1, slug: 'skappa-kunnskapspark', name: 'Skåppå kunnskapspark', legalForm: 'as', status: 'active', role: 'eier', terminatedOn: null } } as never,
        { collaboration: { id: 2, slug: 'glor', name: 'GLØR', legalForm: 'iks', status: 'active', role: 'eier', terminatedOn: null } } as never,
        { collaboration: { id: 3, slug: 'gammel', name: 'Gammel AS', legalForm: 'as', status: 'terminated', role: 'deltaker', terminatedOn: '2024-06-30' } } as never,
      ],
      serviceAreas: [{ serviceArea: 'Skole', risk: 2, materiality: 4, score: 8, forvaltningsrevisjon: 'none', projects: [] }, { serviceArea: 'Plan', risk: null, materiality: null, score: null, forvaltningsrevisjon: 'planned', projects: [] }],
    }, [
      view({ id: 1, subject: { type: 'collaboration', slug: 'glor', name: 'GLØR' } }),
      view({ id: 2, subject: { type: 'collaboration', slug: 'regionrad', name: 'Regionråd' } }),
      view({ id: 3, subject: { type: 'service_area', municipality: 'gausdal', serviceArea: 'Skole' }, risk: 2, materiality: 4, score: 8 }),
      view({ id: 4, subject: { type: 'service_area', municipality: 'gausdal', serviceArea: 'Helse og omsorg' } }),
      view({ id: 5, subject: { type: 'service_area', municipality: 'oyer', serviceArea: 'Barnevern' } }),
    ])
    expect(subjects.map(s => [s.name, s.detail, s.assessment?.id ?? null, s.anchor])).toEqual([
      ['Skåppå kunnskapspark', 'AS · eier', null, 'emne-skappa-kunnskapspark'],
      ['GLØR', 'IKS · eier', 1, 'emne-glor'],
      ['Gammel AS', 'AS · deltaker · avviklet', null, 'emne-gammel'],
      ['Regionråd', 'Samarbeid', 2, 'emne-regionrad'],
      ['Skole', 'Tjenesteområde', 3, 'emne-omrade-skole'],
      ['Plan', 'Tjenesteområde', null, 'emne-omrade-plan'],
      ['Helse og omsorg', 'Tjenesteområde', 4, 'emne-omrade-helse-og-omsorg'],
    ])
    expect(subjects[1]!.assessment).toMatchObject({ risk: 3, materiality: 4, score: 12, justification: 'Grunn', assessedOnText: '30. januar 2024' })
  })
})

describe('the scoring form', () => {
  const today = '2026-12-01'
  const good = { risiko: '3', vesentlighet: '4', begrunnelse: '  Ny eier.\r\nTilskudd.  ', dato: '2026-11-30' }

  it('reads risk, vesentlighet, rationale and date', () => {
    expect(parseAssessForm(good, { today, newArea: false })).toEqual({ input: { risk: 3, materiality: 4, justification: 'Ny eier.\nTilskudd.', assessedOn: '2026-11-30' } })
    expect(parseAssessForm({ ...good, tjenesteomrade: '  Vann   og avløp ' }, { today, newArea: true })).toEqual({
      input: { serviceArea: 'Vann og avløp', risk: 3, materiality: 4, justification: 'Ny eier.\nTilskudd.', assessedOn: '2026-11-30' },
    })
    expect(parseAssessForm({ ...good, dato: today }, { today, newArea: false })).toHaveProperty('input')
  })

  it.each([
    ['risk 0', { risiko: '0' }, 'risiko'],
    ['risk 6', { risiko: '6' }, 'risiko'],
    ['risk empty', { risiko: '' }, 'risiko'],
    ['risk 2.5', { risiko: '2.5' }, 'risiko'],
    ['vesentlighet missing', { vesentlighet: undefined }, 'vesentlighet'],
    ['no rationale', { begrunnelse: '   ' }, 'begrunnelse'],
    ['a rationale too long', { begrunnelse: 'x'.repeat(4001) }, 'begrunnelse'],
    ['a date in the future', { dato: '2026-12-02' }, 'dato'],
    ['no date', { dato: '' }, 'dato'],
    ['an impossible date', { dato: '2026-02-30' }, 'dato'],
  ] as const)('refuses %s, naming the field and keeping the values', (_what, change, field) => {
    const parsed = parseAssessForm({ ...good, ...change }, { today, newArea: false })
    expect('errors' in parsed && parsed.errors.map(e => e.field)).toEqual([field])
    expect('values' in parsed && parsed.values.begrunnelse).toBe(field === 'begrunnelse' ? (change as { begrunnelse: string }).begrunnelse.trim() : 'Ny eier.\nTilskudd.')
  })

  it('asks for the name of a new service area', () => {
    const parsed = parseAssessForm({ ...good, tjenesteomrade: ' ' }, { today, newArea: true })
    expect('errors' in parsed && parsed.errors.map(e => e.field)).toEqual(['tjenesteomrade'])
    const long = parseAssessForm({ ...good, tjenesteomrade: 'x'.repeat(121) }, { today, newArea: true })
    expect('errors' in long && long.errors[0]!.message).toBe('Navnet kan ha høyst 120 tegn.')
  })
})

describe('addresses and the valgperiode', () => {
  it('links a subject’s scoring form by company slug or service area name', () => {
    expect(assessUrl('gausdal-kontrollutvalg', 2023, { collaboration: 'skappa-kunnskapspark', serviceArea: null }))
      .toBe('/kontroll/gausdal-kontrollutvalg/analyse/vurder?valgperiode=2023&selskap=skappa-kunnskapspark')
    expect(assessUrl('gausdal-kontrollutvalg', 2023, { collaboration: null, serviceArea: 'Helse og omsorg' }))
      .toBe('/kontroll/gausdal-kontrollutvalg/analyse/vurder?valgperiode=2023&tjenesteomrade=Helse+og+omsorg')
    expect(assessUrl('gausdal-kontrollutvalg', 2027)).toBe('/kontroll/gausdal-kontrollutvalg/analyse/vurder?valgperiode=2027')
  })

  it('defaults to the current valgperiode and refuses a year that is no election year', () => {
    expect(electionYearOf(undefined, '2026-12-01')).toBe(2023)
    expect(electionYearOf('', '2027-11-01')).toBe(2027)
    expect(electionYearOf('2019', '2026-12-01')).toBe(2019)
    expect(() => electionYearOf('2024', '2026-12-01')).toThrow(/valgåret/)
    expect(() => electionYearOf('abc', '2026-12-01')).toThrow(/valgåret/)
  })

  it('makes anchors of Norwegian names', () => {
    expect(anchorOf('Vann og avløp')).toBe('vann-og-avlop')
    expect(anchorOf('Særskilt Ærend')).toBe('saerskilt-aerend')
    expect(anchorOf('!!!')).toBe('x')
  })
})
