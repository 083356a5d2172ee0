import { describe, expect, it } from 'vitest'
import { PHONE_WHEEL_SIZE, buildPhoneWheel, buildWheel, displayStatus, markShapes, type WheelOccurrence } from '../../src/pages/wheel-view.js'
import { STATUS_ORDER } from '../../src/presenters/vocabulary.js'
import { valgperioderOverlapping } from '../../src/domain/valgperiode.js'
import { angleOfDayMiddle, polar, DEFAULT_WHEEL } from '../../src/domain/wheel.js'

const occ = (id: string, date: string, over: Partial<WheelOccurrence> = {}): WheelOccurrence => ({
  id, title: `Hendelse ${id}`, date, localStart: null, category: 'economy', kind: 'deadline', effectiveStatus: 'planned', subject: { name: 'Øyer' }, ...over,
})
const wheel = (year: number, today: string, occurrences: WheelOccurrence[] = []) =>
  buildWheel({ year, subjectName: 'Øyer', occurrences, today, valgperioder: valgperioderOverlapping(`${year}-01-01`, `${year}-12-31`) })

describe('markShapes', () => {
  it('gives every status its own shape, so colour is never the only cue', () => {
    const signatures = STATUS_ORDER.map(s => markShapes(s, 0, 0, 6).map(x => `${x.tag}:${Object.keys(x.attrs).sort().join(',')}:${x.attrs.fill ?? ''}`).join('|'))
    expect(new Set(signatures).size).toBe(STATUS_ORDER.length)
    expect(markShapes('planned', 0, 0, 6)[0]).toMatchObject({ tag: 'circle', attrs: { fill: '#ffffff' } })
    expect(markShapes('delivered', 0, 0, 6)[0]!.tag).toBe('rect')
    expect(markShapes('overdue', 0, 0, 6)[0]!.tag).toBe('polygon')
    expect(markShapes('cancelled', 0, 0, 6)[0]!.attrs.fill).toBe('none')
  })

  it('treats an unknown status as planned', () => {
    expect(displayStatus('overdue')).toBe('overdue')
    expect(displayStatus('something')).toBe('planned')
  })
})

describe('issue 12 marks', () => {
  it('draws «ikke registrert» as a dotted ring and names it in the label', () => {
    const w = wheel(2027, '2027-01-15', [occ('1', '2027-01-10', { effectiveStatus: 'not_recorded' })])
    expect(w.marks[0]).toMatchObject({ status: 'not_recorded', tentative: false })
    expect(w.marks[0]!.label).toBe('Hendelse 1, 10. januar 2027, ikke registrert (frist, Øyer)')
    expect(w.marks[0]!.shapes[0]).toMatchObject({ tag: 'circle', attrs: { 'stroke-dasharray': '1.5 2' } })
    expect(w.legend.statuses.find(s => s.status === 'not_recorded')).toMatchObject({ label: 'Ikke registrert', count: 1 })
  })

  it('gives a placeholder meeting a dashed edge, «foreløpig» in its label and its own line in the legend', () => {
    const w = wheel(2027, '2027-01-15', [
      occ('1', '2027-05-05', { kind: 'meeting', category: 'political', localStart: '2027-05-05T09:00', title: 'Møte: Formannskapet i Øyer', tentative: true }),
      occ('2', '2027-05-12', { kind: 'meeting', category: 'political', localStart: '2027-05-12T09:00', title: 'Møte: Formannskapet i Øyer' }),
    ])
    const [tentative, adopted] = w.marks
    expect(tentative!.label).toBe('Møte: Formannskapet i Øyer, 5. mai 2027 kl. 09.00, planlagt, foreløpig (møte, Øyer)')
    expect(tentative!.shapes[0]!.attrs['stroke-dasharray']).toBe('3 2')
    expect(adopted!.label).not.toContain('foreløpig')
    expect(adopted!.shapes[0]!.attrs['stroke-dasharray']).toBeUndefined()
    expect(w.legend.statuses.at(-1)).toMatchObject({ label: 'Foreløpig', shape: 'stiplet kant (standard møteplan)', count: 1 })
    // The legend's lines do not run into the rings' heading below them.
    expect(w.legend.rings[0]!.y - 36).toBeGreaterThan(w.legend.statuses.at(-1)!.y + 20)
  })
})

describe('buildWheel', () => {
  it('draws one mark per occurrence, at its date in its ring, with a label that names title, date and status', () => {
    const w = wheel(2027, '2027-08-01', [
      occ('1', '2027-06-30', { effectiveStatus: 'overdue' }),
      occ('2', '2027-02-18', { kind: 'meeting', category: 'political', localStart: '2027-02-18T18:00', title: 'Møte: Kommunestyret i Øyer' }),
    ])
    expect(w.marks.map(m => m.id)).toEqual(['1', '2'])
    expect(w.marks[0]).toMatchObject({ status: 'overdue', title: 'Hendelse 1', when: '30. juni 2027' })
    expect(w.marks[0]!.label).toBe('Hendelse 1, 30. juni 2027, forfalt (frist, Øyer)')
    expect(w.marks[1]!.when).toBe('18. februar 2027 kl. 18.00')
    // A lone mark sits exactly on its date's angle.
    const m = w.marks[0]!
    const angle = (Math.atan2(m.x - DEFAULT_WHEEL.center.x, DEFAULT_WHEEL.center.y - m.y) * 180) / Math.PI
    expect(Math.abs(((angle + 360) % 360) - angleOfDayMiddle('2027-06-30'))).toBeLessThan(0.01)
  })

  it('has twelve months from Januar to Desember and four rings with counts', () => {
    const w = wheel(2026, '2026-11-22', [occ('1', '2026-03-01'), occ('2', '2026-04-01', { category: 'control' })])
    expect(w.months.map(m => m.name)).toEqual(['Januar', 'Februar', 'Mars', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Desember'])
    expect(w.rings.map(r => [r.label, r.count])).toEqual([['Kontroll', 1], ['Eierstyring', 0], ['Økonomi', 1], ['Politiske møter', 0]])
  })

  it("shows today's needle only in today's year, pointing at today", () => {
    const w = wheel(2027, '2027-08-01')
    expect(w.needle?.label).toBe('I dag: 1. august 2027')
    const tip = polar(DEFAULT_WHEEL.center, w.rimOuter - 4, angleOfDayMiddle('2027-08-01'))
    expect(w.needle!.x2).toBeCloseTo(tip.x, 1)
    expect(w.needle!.y2).toBeCloseTo(tip.y, 1)
    expect(wheel(2028, '2027-08-01').needle).toBeNull()
  })

  it('notes the valgperiode, and the start of a new one in an election year', () => {
    const y2027 = wheel(2027, '2027-08-01')
    expect(y2027.valgperiode.label).toBe('Valgperiode 2023–2027')
    expect(y2027.valgperiode.change?.label).toBe('Ny valgperiode 2027–2031 fra 31. oktober 2027 (frist for konstituering)')
    const y2026 = wheel(2026, '2026-11-22')
    expect(y2026.valgperiode).toEqual({ label: 'Valgperiode 2023–2027', change: null })
    expect(wheel(2028, '2026-11-22').valgperiode.label).toBe('Valgperiode 2027–2031')
  })

  it('wraps a long name in the hub', () => {
    const w = buildWheel({ year: 2027, subjectName: 'Felles brann- og feiertjeneste', occurrences: [], today: '2027-01-01', valgperioder: [] })
    expect(w.hub.lines).toEqual(['Felles brann- og', 'feiertjeneste'])
    expect(w.title).toBe('Årshjul 2027 – Felles brann- og feiertjeneste')
  })
})

describe('the hub', () => {
  it('sets a long unbroken name in smaller type so it stays inside the circle', () => {
    const short = buildWheel({ year: 2027, subjectName: 'Øyer', occurrences: [], today: '2027-01-01', valgperioder: [] }).hub
    const long = buildWheel({ year: 2027, subjectName: '<script>alert(1)</script>', occurrences: [], today: '2027-01-01', valgperioder: [] }).hub
    expect(short.fontSize).toBe(22)
    expect(long.fontSize).toBeLessThan(15)
    expect(long.lines).toEqual(['<script>alert(1)</script>'])
    // 0.6 em a character fits inside the hub's chord above the year.
    expect(0.6 * long.fontSize * 25).toBeLessThanOrEqual(1.5 * 118 + 0.01)
  })
})

describe('buildPhoneWheel (issue 14: the wheel at 375 px)', () => {
  const items = [
    occ('a', '2027-01-10', { category: 'economy', effectiveStatus: 'overdue' }),
    occ('b', '2027-01-31', { category: 'economy' }),
    occ('c', '2027-02-01', { category: 'control' }),
    occ('d', '2027-12-31', { category: 'political', effectiveStatus: 'delivered' }),
  ]
  const phone = buildPhoneWheel({ year: 2027, subjectName: 'Øyer', occurrences: items, today: '2027-06-15' })

  it('has a cell per month and ring, counting the items and the overdue ones, each linking to its month', () => {
    expect(phone.cells).toHaveLength(48)
    const filled = phone.cells.filter(c => c.count > 0).map(c => [c.month, c.category, c.count, c.overdue, c.href])
    expect(filled).toEqual([[1, 'economy', 2, 1, '#maned-1'], [2, 'control', 1, 0, '#maned-2'], [12, 'political', 1, 0, '#maned-12']])
    expect(phone.cells.find(c => c.month === 1 && c.category === 'economy')!.label).toBe('Januar, økonomi: 2 hendelser, 1 forfalt. Gå til januar i listen.')
    // Overdue is a shape (the triangle) as well as a count in words.
    expect(phone.cells.find(c => c.month === 1 && c.category === 'economy')!.overdueShapes[0]!.tag).toBe('polygon')
    expect(phone.cells.find(c => c.month === 2 && c.category === 'control')!.overdueShapes).toEqual([])
  })

  it('is drawn so that at 325 px wide (375 px less margins) labels are 12 px or more and every cell 24 px or more each way', () => {
    const scale = 325 / PHONE_WHEEL_SIZE
    expect(phone.labelSize * scale).toBeGreaterThanOrEqual(12)
    const ring = (phone.outer - phone.hub) / 4
    expect(ring * scale).toBeGreaterThanOrEqual(24)
    // The narrowest cell: the innermost ring in February (28 days), across its middle.
    const mid = phone.hub + ring / 2
    expect(2 * mid * Math.sin(Math.PI * 28 / 365) * scale).toBeGreaterThanOrEqual(24)
    expect(phone.months.map(m => m.name)).toEqual(['Jan', 'Feb', 'Mar', 'Apr', 'Mai', 'Jun', 'Jul', 'Aug', 'Sep', 'Okt', 'Nov', 'Des'])
    // Every label (three letters, about 0.6 em each: half a label is under 16 units) lies within the drawing.
    for (const m of phone.months) {
      expect(m.x).toBeGreaterThan(16)
      expect(m.x).toBeLessThan(PHONE_WHEEL_SIZE - 16)
      expect(m.y).toBeGreaterThan(8)
      expect(m.y).toBeLessThan(PHONE_WHEEL_SIZE - 8)
    }
  })

  it('marks today on the rim only in the year shown', () => {
    expect(phone.needle).not.toBeNull()
    expect(buildPhoneWheel({ year: 2026, subjectName: 'Øyer', occurrences: [], today: '2027-06-15' }).needle).toBeNull()
  })
})
