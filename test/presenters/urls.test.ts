import { describe, expect, it } from 'vitest'
import { feedLinks, followUpCsvUrl, followUpUrl, occurrencePageUrl, occurrenceUrl, overdueReportCsvUrl, wheelSvgUrl, wheelUrl } from '../../src/presenters/urls.js'

const base = 'https://arshjul.example'

describe('urls', () => {
  it('links an occurrence to its API address', () => {
    expect(occurrenceUrl(base, '12-20270222T1800')).toBe('https://arshjul.example/api/v1/occurrences/12-20270222T1800')
  })

  it('links an occurrence to its page, absolute for feeds and e-mails, relative for the pages', () => {
    expect(occurrencePageUrl(base, '12-20270222T1800')).toBe('https://arshjul.example/hendelse/12-20270222T1800')
    expect(occurrencePageUrl('', '12-20270222-eier-lillehammer')).toBe('/hendelse/12-20270222-eier-lillehammer')
  })

  it('gives every feed an https and a webcal address, with the secret escaped', () => {
    expect(feedLinks(base, 'municipalities', 'oyer')).toEqual({
      https: 'https://arshjul.example/feeds/municipalities/oyer.ics', webcal: 'webcal://arshjul.example/feeds/municipalities/oyer.ics',
    })
    expect(feedLinks('http://127.0.0.1:3000', 'bodies', 'oyer-kontrollutvalg', 'a+b/c').webcal)
      .toBe('webcal://127.0.0.1:3000/feeds/bodies/oyer-kontrollutvalg.ics?token=a%2Bb%2Fc')
  })

  it('builds the pages’ links from the subject', () => {
    const body = { type: 'body' as const, slug: 'oyer-kommunestyre' }
    expect(wheelUrl(body, 2027)).toBe('/arshjul?body=oyer-kommunestyre&year=2027')
    expect(wheelUrl(body, 2027, '3-20270222')).toBe('/arshjul?body=oyer-kommunestyre&year=2027#occ-3-20270222')
    expect(wheelSvgUrl(body)).toBe('/arshjul.svg?body=oyer-kommunestyre')
    expect(wheelSvgUrl(body, 2026)).toBe('/arshjul.svg?body=oyer-kommunestyre&year=2026')
    expect(followUpUrl({ type: 'municipality', slug: 'oyer' })).toBe('/oppfolging?municipality=oyer')
    expect(followUpCsvUrl({ type: 'collaboration', slug: 'a b' })).toBe('/oppfolging.csv?collaboration=a%20b')
    expect(overdueReportCsvUrl(base, 'oyer')).toBe('https://arshjul.example/api/v1/reports/overdue?municipality=oyer&format=csv')
  })
})
