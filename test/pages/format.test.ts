import { describe, expect, it } from 'vitest'
import {
  displayTitle, escapeHtml, formatDate, formatDateLong, formatDateMedium, formatDateShort, formatWhen, legalFormLabel, safeUrl, wrapText,
} from '../../src/pages/format.js'

describe('Norwegian dates', () => {
  it.each([
    [formatDate, '2027-02-22', '22. februar 2027'],
    [formatDateLong, '2027-02-22', 'mandag 22. februar 2027'],
    [formatDateLong, '2027-05-15', 'lørdag 15. mai 2027'],
    [formatDateShort, '2027-09-09', '9. sep.'],
    [formatDateShort, '2027-03-31', '31. mars'],
    [formatDateMedium, '2026-10-15', '15. okt. 2026'],
  ] as const)('%o(%s) → %s', (f, date, text) => {
    expect(f(date)).toBe(text)
  })

  it('gives a meeting its time as Norwegians write it, a deadline only its date', () => {
    expect(formatWhen({ date: '2027-02-18', localStart: '2027-02-18T18:00' })).toBe('18. februar 2027 kl. 18.00')
    expect(formatWhen({ date: '2027-06-30', localStart: null })).toBe('30. juni 2027')
  })
})

describe('displayTitle', () => {
  it("calls a meeting after its body, since a meeting rule's title names its møteplan", () => {
    expect(displayTitle({ kind: 'meeting', title: 'Standard møteplan (ikke vedtatt)', responsibleBody: { name: 'Kommunestyret i Øyer' } })).toBe('Møte: Kommunestyret i Øyer')
    expect(displayTitle({ kind: 'deadline', title: 'Årsberetning avgitt', responsibleBody: { name: 'Kommunedirektøren i Øyer' } })).toBe('Årsberetning avgitt')
    expect(displayTitle({ kind: 'meeting', title: 'Møte', responsibleBody: null })).toBe('Møte')
  })
})

describe('safeUrl and escapeHtml', () => {
  it.each([
    ['https://lovdata.no/lov/2018-06-22-83/§14-3', true],
    ['http://sak.example/2027/123', true],
    ['javascript:alert(1)', false],
    ['JAVASCRIPT:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    [' https://x.example', false],
    ['https://x.example/a b', false],
    ['', false],
  ])('%s → allowed %s', (url, ok) => {
    expect(safeUrl(url)).toBe(ok ? url : null)
  })

  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>`)).toBe('&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;')
  })
})

describe('wrapText', () => {
  it.each([
    ['Øyer', 17, 3, ['Øyer']],
    ['Felles brann- og feiertjeneste', 17, 3, ['Felles brann- og', 'feiertjeneste']],
    ['<script>alert(1)</script>', 17, 3, ['<script>alert(1)</script>']],
    ['en to tre fire fem seks sju åtte ni ti elleve tolv', 10, 2, ['en to tre', 'fire fem…']],
  ])('%s', (text, width, lines, expected) => {
    expect(wrapText(text, width, lines)).toEqual(expected)
  })
})

describe('legalFormLabel', () => {
  it('names the forms in Norwegian and passes unknown ones through', () => {
    expect(legalFormLabel('iks')).toBe('IKS')
    expect(legalFormLabel('vertskommune_administrativ')).toBe('Administrativt vertskommunesamarbeid')
    expect(legalFormLabel('noe_nytt')).toBe('noe_nytt')
  })
})
