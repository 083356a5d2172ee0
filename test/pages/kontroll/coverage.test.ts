import { describe, expect, it } from 'vitest'
import {
  coverageCsvUrl, coveragePageUrl, coverageSection, parseValgperiode, valgperiodeOptions,
} from '../../../src/pages/kontroll/coverage.js'
import type { MunicipalityCoverage } from '../../../src/services/kontroll/coverage.js'

// The coverage page's view model: what the template shows of the service's rows, and the valgperiode from the address.

const collaboration = (over: Partial<MunicipalityCoverage['collaborations'][number]['collaboration']> = {}) => ({
  id: 1, slug: 'ikomm-as', name: 'IKOMM AS', legalForm: 'as' as const, status: 'active' as const, terminatedOn: null, role: 'eier' as const, ...over,
})
const gausdal: MunicipalityCoverage = {
  municipality: { slug: 'gausdal', name: 'Gausdal' },
  collaborations: [
    {
      collaboration: collaboration(),
      owned: true,
      eierskapskontroll: 'none',
      forvaltningsrevisjon: 'none',
      projects: [],
      risk: 4,
      materiality: 3,
      score: 12,
      lastControlled: null,
      flagged: true,
    },
    {
      collaboration: collaboration({ id: 2, slug: 'glor', name: 'GLØR IKS', legalForm: 'iks' }),
      owned: true,
      eierskapskontroll: 'done',
      forvaltningsrevisjon: 'planned',
      projects: [{ id: 7, title: 'Eierskapskontroll GLØR', type: 'eierskapskontroll', state: 'done' }, { id: 8, title: 'Renovasjon', type: 'forvaltningsrevisjon', state: 'planned' }],
      risk: null,
      materiality: null,
      score: null,
      lastControlled: { date: '2025-06-02', type: 'eierskapskontroll', projectId: 7 },
      flagged: false,
    },
    {
      collaboration: collaboration({ id: 3, slug: 'arkiv', name: 'Arkiv', legalForm: 'paragraf_27', role: 'deltaker', status: 'terminated', terminatedOn: '2024-12-31' }),
      owned: true,
      eierskapskontroll: 'none',
      forvaltningsrevisjon: 'none',
      projects: [],
      risk: null,
      materiality: null,
      score: null,
      lastControlled: null,
      flagged: false,
    },
  ],
  serviceAreas: [{ serviceArea: 'Skole', risk: 5, materiality: 4, score: 20, forvaltningsrevisjon: 'planned', projects: [{ id: 9, title: 'Tidlig innsats', state: 'planned' }] }],
  flagged: ['ikomm-as'],
}

describe('coverageSection', () => {
  const s = coverageSection(gausdal, [{ slug: 'gausdal-kontrollutvalg', name: 'Kontrollutvalget i Gausdal' }], 2023)

  it('keeps the service’s order and says each state in a word and a symbol', () => {
    expect(s.rows.map(r => r.slug)).toEqual(['ikomm-as', 'glor', 'arkiv'])
    expect(s.rows[0]).toMatchObject({
      flagged: true,
      legalForm: 'AS',
      role: 'Eier',
      eierskapskontroll: { state: 'none', label: 'Ingen', symbol: '–' },
      forvaltningsrevisjon: { state: 'none', label: 'Ingen', symbol: '–' },
      score: 12,
      lastControlled: null,
    })
    expect(s.rows[1]).toMatchObject({
      eierskapskontroll: { state: 'done', label: 'Gjennomført', symbol: '✓' },
      forvaltningsrevisjon: { state: 'planned', label: 'Planlagt', symbol: '○' },
      projects: [
        { title: 'Eierskapskontroll GLØR', typeLabel: 'eierskapskontroll', stateLabel: 'gjennomført' },
        { title: 'Renovasjon', typeLabel: 'forvaltningsrevisjon', stateLabel: 'planlagt' },
      ],
      lastControlled: '2. juni 2025 (eierskapskontroll)',
    })
  })

  it('names a terminated collaboration’s end and the legal form and role in words', () => {
    expect(s.rows[2]).toMatchObject({ terminated: true, statusLabel: 'avsluttet 31. desember 2024', legalForm: '§ 27-samarbeid', role: 'Deltaker' })
  })

  it('counts the flagged and the covered, and links the CSV and the kontrollutvalg’s own page for the period', () => {
    expect(s.counts).toEqual({ subjects: 3, flagged: 1, covered: 1 })
    expect(s.csvUrl).toBe('/api/v1/kontroll/coverage?valgperiode=2023&municipality=gausdal&format=csv')
    expect(s.kontrollutvalg).toEqual([{ slug: 'gausdal-kontrollutvalg', name: 'Kontrollutvalget i Gausdal', url: '/kontroll/gausdal-kontrollutvalg/dekning?valgperiode=2023' }])
    expect(s.anchor).toBe('kommune-gausdal')
  })

  it('shows the service areas with their forvaltningsrevisjon', () => {
    expect(s.serviceAreas).toEqual([{
      name: 'Skole', forvaltningsrevisjon: { state: 'planned', label: 'Planlagt', symbol: '○' }, projects: [{ title: 'Tidlig innsats', stateLabel: 'planlagt' }], risk: 5, materiality: 4, score: 20,
    }])
  })
})

describe('parseValgperiode', () => {
  const today = '2026-12-01'
  it.each([
    [undefined, 2023], ['', 2023], [' ', 2023], ['2023', 2023], ['2019', 2019], ['2027', 2027], [' 2027 ', 2027],
  ])('%j → %i', (raw, year) => {
    expect(parseValgperiode(raw, today)).toEqual({ electionYear: year })
  })
  it.each(['2024', '2022', '23', 'tjuetjuetre', '2023.0', '02023', '1899'])('%j is a problem naming valgperiode', raw => {
    const parsed = parseValgperiode(raw, today)
    expect(parsed).toMatchObject({ problem: { field: 'valgperiode', label: 'Valgperiode' } })
    expect('problem' in parsed && parsed.problem.message).toBe(`Valgperiode: «${raw}» er ikke et valgår. Oppgi året for kommunevalget som startet perioden, for eksempel 2023.`)
  })
  it('shortens a long value in the message', () => {
    const parsed = parseValgperiode('x'.repeat(150), today)
    expect('problem' in parsed && parsed.problem.message).toContain(`«${'x'.repeat(40)}…»`)
  })
})

describe('valgperiodeOptions and the addresses', () => {
  it('offers the previous, current and next period, and the one shown', () => {
    expect(valgperiodeOptions('2026-12-01', 2023)).toEqual([
      { value: 2019, label: '2019–2023', selected: false },
      { value: 2023, label: '2023–2027', selected: true },
      { value: 2027, label: '2027–2031', selected: false },
    ])
    expect(valgperiodeOptions('2026-12-01', 2011).map(o => o.value)).toEqual([2011, 2019, 2023, 2027])
  })
  it('builds the page and CSV addresses', () => {
    expect(coveragePageUrl(null)).toBe('/kontroll/dekning')
    expect(coveragePageUrl(null, 2027)).toBe('/kontroll/dekning?valgperiode=2027')
    expect(coveragePageUrl('oyer-kontrollutvalg', 2023)).toBe('/kontroll/oyer-kontrollutvalg/dekning?valgperiode=2023')
    expect(coverageCsvUrl(2019, 'øyer')).toBe('/api/v1/kontroll/coverage?valgperiode=2019&municipality=%C3%B8yer&format=csv')
  })
})
