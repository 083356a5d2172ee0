import { describe, expect, it } from 'vitest'
import {
  displayTitle, days, daysLeft, formatDate, formatDateLong, formatDateMedium, formatDateShort, formatDateTimeLong, formatWhen, kindLabel, legalFormLabel,
  numericDate, STATUS_LABELS, statusLabel, statusWord,
} from '../../src/presenters/vocabulary.js'

describe('status words', () => {
  it.each([
    ['planned', 'Planlagt', 'planlagt'],
    ['in_progress', 'Under arbeid', 'under arbeid'],
    ['delivered', 'Levert', 'levert'],
    ['approved', 'Godkjent', 'godkjent'],
    ['cancelled', 'Avlyst', 'avlyst'],
    ['overdue', 'Forfalt', 'forfalt'],
  ])('%s is «%s» as a label and «%s» in a sentence', (status, label, word) => {
    expect(statusLabel(status)).toBe(label)
    expect(statusWord(status)).toBe(word)
  })

  it('has one distinct word per status', () => {
    const words = Object.values(STATUS_LABELS)
    expect(new Set(words).size).toBe(words.length)
  })

  it('passes an unknown status through rather than inventing a word', () => {
    expect(statusLabel('archived')).toBe('archived')
    expect(statusWord('toString')).toBe('toString')
    expect(kindLabel('workshop')).toBe('workshop')
    expect(kindLabel('meeting')).toBe('Møte')
  })
})

describe('Norwegian dates', () => {
  it.each([
    [formatDate, '2027-02-22', '22. februar 2027'],
    [formatDateLong, '2027-02-22', 'mandag 22. februar 2027'],
    [formatDateLong, '2027-05-15', 'lørdag 15. mai 2027'],
    [formatDateShort, '2027-09-09', '9. sep.'],
    [formatDateShort, '2027-03-31', '31. mars'],
    [formatDateMedium, '2026-10-15', '15. okt. 2026'],
    [numericDate, '2027-02-02', '02.02.2027'],
  ] as const)('%o(%s) → %s', (f, date, text) => {
    expect(f(date)).toBe(text)
  })

  it('gives a meeting its time as Norwegians write it, a deadline only its date', () => {
    expect(formatWhen({ date: '2027-02-18', localStart: '2027-02-18T18:00' })).toBe('18. februar 2027 kl. 18.00')
    expect(formatWhen({ date: '2027-06-30', localStart: null })).toBe('30. juni 2027')
    expect(formatDateTimeLong('2027-02-18T09:05')).toBe('torsdag 18. februar 2027 kl. 09.05')
  })

  it('counts days', () => {
    expect([days(0), days(1), days(2)]).toEqual(['0 dager', '1 dag', '2 dager'])
    expect([daysLeft(0), daysLeft(1), daysLeft(14)]).toEqual(['i dag', 'i morgen', 'om 14 dager'])
  })
})

describe('displayTitle', () => {
  it("calls a meeting after its body, since a meeting rule's title names its møteplan", () => {
    expect(displayTitle({ kind: 'meeting', title: 'Standard møteplan (ikke vedtatt)', responsibleBody: { name: 'Kommunestyret i Øyer' } })).toBe('Møte: Kommunestyret i Øyer')
    expect(displayTitle({ kind: 'deadline', title: 'Årsberetning avgitt', responsibleBody: { name: 'Kommunedirektøren i Øyer' } })).toBe('Årsberetning avgitt')
    expect(displayTitle({ kind: 'meeting', title: 'Møte', responsibleBody: null })).toBe('Møte')
  })
})

describe('legalFormLabel', () => {
  it('names the forms in Norwegian and passes unknown ones through', () => {
    expect(legalFormLabel('iks')).toBe('IKS')
    expect(legalFormLabel('vertskommune_administrativ')).toBe('Administrativt vertskommunesamarbeid')
    expect(legalFormLabel('noe_nytt')).toBe('noe_nytt')
  })
})

describe('the reminder e-mails', () => {
  it('name the done statuses with the vocabulary’s words', async () => {
    const { readFileSync } = await import('node:fs')
    for (const name of ['overdue', 'escalation']) {
      const text = readFileSync(new URL(`../../templates/reminders/${name}.txt`, import.meta.url), 'utf8')
      expect(text, name).toContain(`${statusWord('delivered')} eller ${statusWord('approved')}`)
      expect(text, name).not.toMatch(/behandlet/)
    }
  })
})
