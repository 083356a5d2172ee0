import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { TemplateError, defaultReminderTemplatesDir, loadReminderTemplates, parseTemplate, renderTemplate } from '../../src/reminders/templates.js'
import { isoWeek, nonWorkingDayNote } from '../../src/reminders/format.js'
import { daysLeft, formatDateLong, formatDateTimeLong, numericDate } from '../../src/presenters/vocabulary.js'

describe('reminder templates', () => {
  it('all shipped templates load', () => {
    const t = loadReminderTemplates()
    expect(Object.keys(t).sort()).toEqual(['before', 'digest', 'escalation', 'meeting', 'overdue'])
    expect(t.before.subject).toContain('{{tittel}}')
  })

  it('drops a line whose placeholders are all empty, keeps the rest, and never leaves two blank lines', () => {
    const t = parseTemplate('before', 'Emne: Frist {{frist}} – {{tittel}}\n\nHei {{mottaker}},\n\nBehandles i: {{behandles}}\nSaksnummer: {{saksnummer}} {{sakslenke}}\n\n{{fridag}}\n\nHilsen\n')
    expect(renderTemplate(t, { frist: '22.02.2027', tittel: 'Årsregnskapet avlagt', mottaker: 'Kari', behandles: null, saksnummer: '2027/1', sakslenke: '' }))
      .toEqual({ subject: 'Frist 22.02.2027 – Årsregnskapet avlagt', text: 'Hei Kari,\n\nSaksnummer: 2027/1\n\nHilsen\n' })
  })

  it('refuses a template without its subject line, or with an unknown placeholder, naming the file', () => {
    expect(() => parseTemplate('before', 'Hei {{mottaker}}\n')).toThrow(TemplateError)
    expect(() => parseTemplate('before', 'Emne: x\n\nHei {{navn}}\n')).toThrow(/before\.txt: unknown placeholder \{\{navn\}\}/)
    expect(() => parseTemplate('digest', 'Emne: x\n\n{{tittel}}\n')).toThrow(/unknown placeholder \{\{tittel\}\}/)
  })

  it('a missing file stops loading with its name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-templates-'))
    try {
      for (const f of fs.readdirSync(defaultReminderTemplatesDir)) fs.copyFileSync(path.join(defaultReminderTemplatesDir, f), path.join(dir, f))
      fs.rmSync(path.join(dir, 'overdue.txt'))
      expect(() => loadReminderTemplates(dir)).toThrow(/overdue\.txt: missing/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('Norwegian formatting', () => {
  it.each([
    ['2027-02-22', '22.02.2027', 'mandag 22. februar 2027'],
    ['2027-05-17', '17.05.2027', 'mandag 17. mai 2027'],
    ['2028-12-31', '31.12.2028', 'søndag 31. desember 2028'],
  ])('%s', (d, short, long) => {
    expect(numericDate(d)).toBe(short)
    expect(formatDateLong(d)).toBe(long)
  })

  it('times, days left, weeks and non-working days', () => {
    expect(formatDateTimeLong('2027-03-18T18:00')).toBe('torsdag 18. mars 2027 kl. 18.00')
    expect([0, 1, 14].map(daysLeft)).toEqual(['i dag', 'i morgen', 'om 14 dager'])
    expect([isoWeek('2027-05-31'), isoWeek('2027-01-01'), isoWeek('2026-12-31'), isoWeek('2027-01-04')]).toEqual([22, 53, 53, 1])
    expect(nonWorkingDayNote('2027-02-22')).toBe('')
    expect(nonWorkingDayNote('2027-05-15')).toBe('Fristen 15.05.2027 er lørdag. Lovens dato står uendret; påminnelsen er sendt siste virkedag før.')
    expect(nonWorkingDayNote('2027-05-17')).toContain('er 17. mai / 2. pinsedag.')
  })
})
