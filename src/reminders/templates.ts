// The e-mail texts live in templates/reminders/*.txt so that they can be edited without code:
// a first line "Emne: …", a blank line, then the body. {{name}} is replaced by a value; a line whose
// placeholders are all empty is left out, so optional facts (treating meeting, case number) vanish
// cleanly. Templates are checked when loaded: a missing file or an unknown placeholder stops start-up.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const defaultReminderTemplatesDir = fileURLToPath(new URL('../../templates/reminders', import.meta.url))

const COMMON = ['mottaker', 'abonnement', 'lenke'] as const
const OCCURRENCE = [...COMMON, 'tittel', 'gjelder', 'frist', 'fristLang', 'ansvarlig', 'behandles', 'lovgrunnlag', 'saksnummer', 'sakslenke', 'fridag', 'beskrivelse'] as const

export const TEMPLATE_VARIABLES = {
  before: [...OCCURRENCE, 'dagerIgjen', 'dager'],
  meeting: [...OCCURRENCE, 'organ', 'motetid', 'dagerIgjen', 'dager'],
  overdue: [...OCCURRENCE, 'dagerOverTid', 'nummer', 'eskalert'],
  escalation: [...OCCURRENCE, 'dagerOverTid', 'kommune'],
  digest: [...COMMON, 'kommune', 'uke', 'dato', 'antallForfalt', 'antallKommende', 'forfalt', 'kommende'],
} as const
export type TemplateName = keyof typeof TEMPLATE_VARIABLES
export type TemplateValues = Record<string, string | number | null | undefined>

export interface ReminderTemplate { name: TemplateName; subject: string; body: string }
export type ReminderTemplates = Record<TemplateName, ReminderTemplate>

export class TemplateError extends Error {
  constructor (readonly file: string, problem: string) {
    super(`${file}: ${problem}`)
    this.name = 'TemplateError'
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g

export function parseTemplate (name: TemplateName, text: string, file = `${name}.txt`): ReminderTemplate {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const m = /^Emne:[ \t]*(.+)\n\n([\s\S]+)$/.exec(normalised)
  if (!m) throw new TemplateError(file, 'must start with a line "Emne: …", then a blank line, then the body')
  const allowed: readonly string[] = TEMPLATE_VARIABLES[name]
  for (const [, key] of normalised.matchAll(PLACEHOLDER)) {
    if (!allowed.includes(key!)) throw new TemplateError(file, `unknown placeholder {{${key}}}; known: ${allowed.join(', ')}`)
  }
  return { name, subject: m[1]!.trim(), body: m[2]!.replace(/\s+$/, '') + '\n' }
}

export function loadReminderTemplates (dir = defaultReminderTemplatesDir): ReminderTemplates {
  const out = {} as ReminderTemplates
  for (const name of Object.keys(TEMPLATE_VARIABLES) as TemplateName[]) {
    const file = path.join(dir, `${name}.txt`)
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      throw new TemplateError(path.join(path.basename(dir), `${name}.txt`), 'missing')
    }
    out[name] = parseTemplate(name, text, path.join(path.basename(dir), `${name}.txt`))
  }
  return out
}

const isEmpty = (v: TemplateValues[string]) => v === undefined || v === null || v === ''

function fill (line: string, values: TemplateValues): string | null {
  const keys = [...line.matchAll(PLACEHOLDER)].map(m => m[1]!)
  if (keys.length > 0 && keys.every(k => isEmpty(values[k]))) return null
  return line.replace(PLACEHOLDER, (_, k: string) => (isEmpty(values[k]) ? '' : String(values[k])))
}

/** Subject on one line; body with empty-placeholder lines dropped and runs of blank lines collapsed. */
export function renderTemplate (t: ReminderTemplate, values: TemplateValues): { subject: string; text: string } {
  const subject = (fill(t.subject, values) ?? '').replace(/\s+/g, ' ').trim()
  const lines: string[] = []
  for (const raw of t.body.split('\n')) {
    const line = fill(raw, values)
    if (line === null) continue
    // A value may span lines (lists in the digest); keep them, but never two blank lines in a row.
    for (const part of line.split('\n')) {
      if (part.trim() === '' && (lines.length === 0 || lines[lines.length - 1] === '')) continue
      lines.push(part.trim() === '' ? '' : part.replace(/\s+$/, ''))
    }
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop()
  return { subject, text: lines.join('\n') + '\n' }
}
