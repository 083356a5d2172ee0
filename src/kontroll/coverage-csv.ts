// The coverage review as a spreadsheet for the secretariat's planning meeting, in the reports' Excel CSV
// (reports/csv.ts: semicolons, UTF-8 with a byte-order mark, CRLF lines, formulas neutralised).
import type { ControlState, CoverageRow, ServiceAreaRow } from '../domain/kontroll.js'
import type { LegalForm } from '../domain/vocabulary.js'
import { legalFormLabel } from '../register/legal-form.js'
import { excelCsv, type Cell } from '../reports/csv.js'

export interface CsvCollaboration { slug: string; name: string; legalForm: LegalForm; status: string; role: string }
export interface CsvMunicipality<C extends CsvCollaboration> {
  municipality: { slug: string; name: string }
  collaborations: Array<CoverageRow<C>>
  serviceAreas: ServiceAreaRow[]
}

export const CSV_HEADER = [
  'Kommune', 'Selskap / samarbeid / tjenesteområde', 'Form', 'Rolle', 'Status', 'Eierskapskontroll', 'Forvaltningsrevisjon',
  'Prosjekter i perioden', 'Risiko', 'Vesentlighet', 'Risiko x vesentlighet', 'Sist kontrollert', 'Flagget',
]

const STATE: Record<ControlState, string> = { planned: 'planlagt', done: 'gjennomført', none: 'ingen' }
const STATUS: Record<string, string> = { active: 'aktiv', terminated: 'avsluttet' }

export function coverageCsv<C extends CsvCollaboration> (municipalities: ReadonlyArray<CsvMunicipality<C>>): string {
  const rows: Cell[][] = []
  for (const m of municipalities) {
    for (const r of m.collaborations) {
      const c = r.collaboration
      rows.push([
        m.municipality.name, c.name, legalFormLabel(c.legalForm) || c.legalForm, c.role, STATUS[c.status] ?? c.status,
        STATE[r.eierskapskontroll], STATE[r.forvaltningsrevisjon], r.projects.map(p => p.title).join(' | '),
        r.risk, r.materiality, r.score, r.lastControlled?.date, r.flagged ? 'JA' : '',
      ])
    }
    for (const a of m.serviceAreas) {
      rows.push([
        m.municipality.name, a.serviceArea, 'Tjenesteområde', '', '', '', STATE[a.forvaltningsrevisjon], a.projects.map(p => p.title).join(' | '),
        a.risk, a.materiality, a.score, '', '',
      ])
    }
  }
  return excelCsv(CSV_HEADER, rows)
}
