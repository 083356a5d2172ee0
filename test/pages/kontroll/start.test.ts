import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/errors.js'
import { KONTROLL_EVENT_TYPES, PLAN_STATE_LABELS, parseValgperiode } from '../../../src/pages/kontroll/start.js'

// The start page's own rules (issue 15, item 1): which valgperiode a query may name, and the words for a plan's state.
describe('parseValgperiode', () => {
  const today = '2026-12-01'
  it.each([
    [undefined, 2023],
    ['', 2023],
    ['2023', 2023],
    ['2019', 2019],
    ['2027', 2027],
    [' 2019 ', 2019],
  ])('%j → %i', (raw, year) => { expect(parseValgperiode(raw, today)).toBe(year) })

  it.each(['2024', '2015', '2031', 'abc', '20233', '2023.0', '-2023'])('refuses %j naming the field', raw => {
    let error: unknown
    try { parseValgperiode(raw, today) } catch (err) { error = err }
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).statusCode).toBe(400)
    expect((error as AppError).message).toMatch(/^Valgperiode: «.*» er ikke et valgår\. Velg et valgår fra 2019 til 2027/)
  })

  it('follows today: in 2028 the current period is 2027 and 2031 may be chosen', () => {
    expect(parseValgperiode(undefined, '2028-01-02')).toBe(2027)
    expect(parseValgperiode('2031', '2028-01-02')).toBe(2031)
  })
})

describe('the words', () => {
  it('names the four states of a plan as the issue does', () => {
    expect(Object.values(PLAN_STATE_LABELS)).toEqual(['Ikke påbegynt', 'Utkast', 'Vedtatt i kontrollutvalget', 'Vedtatt i kommunestyret'])
  })
  it('counts the plans, reports and follow-ups as kontroll matters', () => {
    expect([...KONTROLL_EVENT_TYPES].sort()).toEqual(['oppfolging_vedtak', 'plan_eierskapskontroll', 'plan_forvaltningsrevisjon', 'rapport_eierskapskontroll', 'rapport_forvaltningsrevisjon'])
  })
})
