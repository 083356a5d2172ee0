import { describe, expect, it } from 'vitest'
import { coverageCsv, CSV_HEADER } from '../../src/kontroll/coverage-csv.js'

describe('coverageCsv', () => {
  const row = (name: string) => ({
    collaboration: { slug: 'x', name, legalForm: 'iks' as const, status: 'active', role: 'eier' },
    owned: true,
    eierskapskontroll: 'none' as const,
    forvaltningsrevisjon: 'planned' as const,
    projects: [{ id: 1, title: '@SUM(A1)', type: 'forvaltningsrevisjon' as const, state: 'planned' as const }],
    risk: 3,
    materiality: 2,
    score: 6,
    lastControlled: null,
    flagged: false,
  })
  const csv = coverageCsv([{ municipality: { slug: 'oyer', name: 'Øyer' }, collaborations: [row('=HYPERLINK("http://x";"y")'), row('GLØR IKS')], serviceAreas: [] }])
  const lines = csv.split('\r\n')

  it('is the reports’ Excel CSV: BOM, the header, semicolons, a CRLF after every line', () => {
    expect(csv.startsWith(`\uFEFF${CSV_HEADER.join(';')}\r\n`)).toBe(true)
    expect(csv.endsWith('\r\n')).toBe(true)
    expect(lines).toHaveLength(4)
  })

  it('neutralises a formula-like name and project title with an apostrophe, quoting where needed, and keeps numbers as numbers', () => {
    expect(lines[1]).toBe('Øyer;"\'=HYPERLINK(""http://x"";""y"")";IKS;eier;aktiv;ingen;planlagt;\'@SUM(A1);3;2;6;;')
    expect(lines[2]!.startsWith('Øyer;GLØR IKS;')).toBe(true)
  })
})
