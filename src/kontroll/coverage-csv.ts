// The coverage review as a spreadsheet for the secretariat's planning meeting: semicolon-separated (what
// Excel expects with a Norwegian locale), UTF-8 with a byte-order mark so Excel reads æøå, CRLF lines.
import type { ControlState, CoverageRow, ServiceAreaRow } from '../domain/kontroll.js'
import type { LegalForm } from '../domain/vocabulary.js'
import { legalFormLabel } from '../register/legal-form.js'

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

/** Quotes when needed; a leading = + - @ is neutralised so a name is never run as a formula. */
export function csvCell (value: string | number | null | undefined): string {
  if (value === null || value === undefined) return ''
  let s = String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function coverageCsv<C extends CsvCollaboration> (municipalities: ReadonlyArray<CsvMunicipality<C>>): string {
  const lines = [CSV_HEADER.map(csvCell).join(';')]
  for (const m of municipalities) {
    for (const r of m.collaborations) {
      const c = r.collaboration
      lines.push([
        m.municipality.name, c.name, legalFormLabel(c.legalForm) || c.legalForm, c.role, STATUS[c.status] ?? c.status,
        STATE[r.eierskapskontroll], STATE[r.forvaltningsrevisjon], r.projects.map(p => p.title).join(' | '),
        r.risk, r.materiality, r.score, r.lastControlled?.date, r.flagged ? 'JA' : '',
      ].map(csvCell).join(';'))
    }
    for (const a of m.serviceAreas) {
      lines.push([
        m.municipality.name, a.serviceArea, 'Tjenesteområde', '', '', '', STATE[a.forvaltningsrevisjon], a.projects.map(p => p.title).join(' | '),
        a.risk, a.materiality, a.score, '', '',
      ].map(csvCell).join(';'))
    }
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`
}
