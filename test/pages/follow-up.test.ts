import { describe, expect, it } from 'vitest'
import { DUE_SOON_DAYS, SITUATION_SHAPES, filterParams, parseBulkForm, situationIcon } from '../../src/pages/pages.js'

const TODAY = '2027-06-15'

describe('parseBulkForm (the follow-up page\'s «Marker valgte»)', () => {
  it.each([
    ['delivered with a saksnummer', { id: ['1-2027-02-22', '2-2027-03-01'], merk: 'delivered', dato: '2027-06-14', saksnummer: ' 2027/123 ' },
      { ids: ['1-2027-02-22', '2-2027-03-01'], status: 'delivered', change: { status: 'delivered', deliveredOn: '2027-06-14', caseNumber: '2027/123' } }],
    ['treated today, one id, no saksnummer (each keeps its own)', { id: '1-2027-02-22', merk: 'approved', dato: TODAY, saksnummer: '' },
      { ids: ['1-2027-02-22'], status: 'approved', change: { status: 'approved', approvedOn: TODAY } }],
    ['the same id twice counts once', { id: ['1-2027-02-22', '1-2027-02-22'], merk: 'delivered', dato: TODAY },
      { ids: ['1-2027-02-22'], status: 'delivered', change: { status: 'delivered', deliveredOn: TODAY } }],
  ])('accepts %s', (_name, body, expected) => {
    expect(parseBulkForm(body, TODAY)).toEqual(expected)
  })

  it.each([
    ['tomorrow', { id: 'x', merk: 'delivered', dato: '2027-06-16' }, [['dato', 'Dato kan ikke være frem i tid (senest 15. juni 2027).']]],
    ['no date', { id: 'x', merk: 'delivered', dato: '' }, [['dato', 'Dato må være en gyldig dato (dd.mm.åååå).']]],
    ['31 June', { id: 'x', merk: 'delivered', dato: '2027-06-31' }, [['dato', 'Dato må være en gyldig dato (dd.mm.åååå).']]],
    ['no rows and no choice', { dato: TODAY }, [['id', 'Velg minst én frist i tabellen.'], ['merk', 'Velg Levert eller Behandlet.']]],
    ['another status', { id: 'x', merk: 'cancelled', dato: TODAY }, [['merk', 'Velg Levert eller Behandlet.']]],
    ['a long saksnummer', { id: 'x', merk: 'delivered', dato: TODAY, saksnummer: '9'.repeat(101) }, [['saksnummer', 'Saksnummer kan ha høyst 100 tegn.']]],
  ])('refuses %s, naming the field and keeping the values', (_name, body, errors) => {
    const result = parseBulkForm(body, TODAY)
    expect('errors' in result && result.errors.map(e => [e.field, e.message])).toEqual(errors)
    expect(result).toMatchObject({ dato: body.dato })
  })
})

describe('the situations', () => {
  it('are due soon within 14 days, each with its own shape', () => {
    expect(DUE_SOON_DAYS).toBe(14)
    expect(new Set(Object.values(SITUATION_SHAPES)).size).toBe(3)
    const signature = (s: 'overdue' | 'due_soon' | 'upcoming') => situationIcon(s).map(x => x.tag).join('+')
    expect(new Set([signature('overdue'), signature('due_soon'), signature('upcoming')]).size).toBe(3)
  })

  it('keep the filter in links, leaving out what is empty', () => {
    expect(filterParams({})).toBe('')
    expect(filterParams({ responsible: 'oyer-kommunedirektor', status: 'due_soon' })).toBe('&responsible=oyer-kommunedirektor&status=due_soon')
    expect(filterParams({ type: 'a b&c' })).toBe('&type=a%20b%26c')
  })
})
