import { describe, expect, it } from 'vitest'
import { formatInstant, historyView, parseMoveForm, parseNoteForm, parseStatusForm } from '../../src/pages/occurrence-page.js'
import { actorName, stateChanges } from '../../src/services/occurrences.js'

// The occurrence page's pure parts: reading its forms and wording its history.
const none = { caseNumber: null, caseUrl: null }

describe('parseStatusForm', () => {
  it.each([
    [{ status: 'delivered', dato: '2027-02-20', saksnummer: '2027/123', saksUrl: '' }, { status: 'delivered', deliveredOn: '2027-02-20', caseNumber: '2027/123' }],
    [{ status: 'delivered', dato: '', saksnummer: '', saksUrl: '' }, { status: 'delivered' }],
    [{ status: 'approved', dato: '2027-03-01', saksnummer: ' ', saksUrl: 'https://sak.no/1' }, { status: 'approved', approvedOn: '2027-03-01', caseUrl: 'https://sak.no/1' }],
    [{ status: 'planned', dato: '2027-03-01' }, { status: 'planned', deliveredOn: null, approvedOn: null }],
    [{ status: 'cancelled', dato: '2027-03-01' }, { status: 'cancelled' }],
    [{ status: '', saksnummer: '2027/9' }, { caseNumber: '2027/9' }],
  ])('%o → %o', (form, change) => {
    expect(parseStatusForm(form, none)).toEqual({ change, status: form.status })
  })

  it('sends only what changed: the same saksnummer is not a change, an emptied one is null', () => {
    expect(parseStatusForm({ status: '', saksnummer: '2027/9', saksUrl: '' }, { caseNumber: '2027/9', caseUrl: null })).toEqual({ change: {}, status: '' })
    expect(parseStatusForm({ status: '', saksnummer: '', saksUrl: '' }, { caseNumber: '2027/9', caseUrl: 'https://a.no' })).toEqual({ change: { caseNumber: null, caseUrl: null }, status: '' })
  })

  it.each([
    [{ status: 'done' }, 'status'],
    [{ status: 'delivered', dato: '2027-02-30' }, 'dato'],
    [{ status: 'delivered', dato: '20.02.2027' }, 'dato'],
    [{ status: '', saksnummer: 'x'.repeat(51) }, 'saksnummer'],
    [{ status: '', saksUrl: 'ftp://sak.no' }, 'saksUrl'],
    [{ status: '', saksUrl: 'https://sak.no/a b' }, 'saksUrl'],
  ])('%o names the field %s', (form, field) => {
    const r = parseStatusForm(form, none)
    expect('errors' in r && r.errors.map(e => e.field)).toEqual([field])
  })
})

describe('parseNoteForm and parseMoveForm', () => {
  it('keeps line breaks as \\n, empties to null, and refuses more than 2000 characters', () => {
    expect(parseNoteForm({ notat: ' a\r\nb ' })).toEqual({ change: { note: 'a\nb' } })
    expect(parseNoteForm({ notat: '' })).toEqual({ change: { note: null } })
    expect(parseNoteForm({ notat: 'x'.repeat(2001) })).toMatchObject({ errors: [{ field: 'notat' }] })
  })

  it('moves an all-day item to a date and a meeting to a wall time', () => {
    expect(parseMoveForm({ nyDato: '2027-03-15' }, true)).toEqual({ change: { movedTo: '2027-03-15' } })
    expect(parseMoveForm({ nyDato: '2027-06-10', nyTid: '09:30' }, false)).toEqual({ change: { movedTo: '2027-06-10T09:30' } })
    expect(parseMoveForm({ nyDato: '2027-06-10', nyTid: '9.30' }, false)).toMatchObject({ errors: [{ field: 'nyTid' }] })
    expect(parseMoveForm({ nyDato: '2027-06-10', nyTid: '24:00' }, false)).toMatchObject({ errors: [{ field: 'nyTid' }] })
    expect(parseMoveForm({ nyDato: '' }, true)).toMatchObject({ errors: [{ field: 'nyDato' }] })
  })
})

describe('the history', () => {
  it('names the person without the e-mail address', () => {
    expect(actorName('Kari Nordmann <kari@oyer.kommune.no>')).toBe('Kari Nordmann')
    expect(actorName('editor:test-editor-oyer')).toBe('editor:test-editor-oyer')
  })

  it('lists only the readable fields that changed; a first change starts from planned and empty', () => {
    expect(stateChanges(null, { status: 'delivered', deliveredOn: '2027-02-20', caseNumber: '2027/1', revision: 1, modified: 5, ruleId: 3 })).toEqual([
      { field: 'status', from: 'planned', to: 'delivered' },
      { field: 'deliveredOn', from: null, to: '2027-02-20' },
      { field: 'caseNumber', from: null, to: '2027/1' },
    ])
    expect(stateChanges({ status: 'delivered', note: 'a', revision: 1 }, { status: 'delivered', note: 'a', revision: 2 })).toEqual([])
  })

  it('says what changed in Norwegian, in Oslo time', () => {
    expect(formatInstant(Date.parse('2027-03-01T09:00:00Z'))).toBe('1. mars 2027 kl. 10.00')
    expect(formatInstant(Date.parse('2027-06-01T09:00:00Z'))).toBe('1. juni 2027 kl. 11.00')
    const changes = [
      { field: 'status' as const, from: 'planned', to: 'approved' },
      { field: 'movedTo' as const, from: null, to: '2027-06-10T09:30' },
      { field: 'note' as const, from: 'a', to: null },
    ]
    expect(historyView([{ at: Date.parse('2027-03-01T09:00:00Z'), actor: 'Kari', changes }])[0]!.changes)
      .toEqual(['Status: Planlagt → Godkjent', 'Flyttet til: (tom) → 10. juni 2027 kl. 09.30', 'Notat: a → (tom)'])
  })
})
