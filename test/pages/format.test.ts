import { describe, expect, it } from 'vitest'
import { escapeHtml, safeUrl, wrapText } from '../../src/pages/format.js'

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
    expect(escapeHtml('<script>alert("x" & \'y\')</script>')).toBe('&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;')
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
