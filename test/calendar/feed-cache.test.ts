// src/calendar/feed-cache.ts: built feeds kept while their calendars are unchanged, bounded in bytes.
import { describe, expect, it } from 'vitest'
import { createFeedCache } from '../../src/calendar/feed-cache.js'

const meta = (seq: number, day = '2027-03-15') => ({ now: 1_000, day, dependencies: [{ key: 'm:1', seq }], secretHash: null })

describe('the feed cache', () => {
  it('keeps an entry while its calendars’ revisions and the day are unchanged', () => {
    const cache = createFeedCache()
    const seqs = new Map([['m:1', 4]])
    const seqOf = (k: string) => seqs.get(k) ?? 0
    cache.set('a', 'BEGIN:VCALENDAR', meta(4))
    expect(cache.get('a', '2027-03-15', seqOf)?.body.toString()).toBe('BEGIN:VCALENDAR')
    expect(cache.get('a', '2027-03-16', seqOf)).toBeUndefined()
    seqs.set('m:1', 5)
    expect(cache.get('a', '2027-03-15', seqOf)).toBeUndefined()
  })

  it('keeps Last-Modified when a rebuild gives the same bytes, and moves it when they differ', () => {
    const cache = createFeedCache()
    const first = cache.set('a', 'X', meta(1))
    expect(cache.set('a', 'X', { ...meta(2), now: 5_000 }).lastModified).toBe(first.lastModified)
    expect(cache.set('a', 'Y', { ...meta(3), now: 9_000 }).lastModified).toBe(9_000)
  })

  it('holds at most maxBytes of bodies, dropping the least recently used first', () => {
    const cache = createFeedCache({ maxBytes: 250 })
    const seqOf = () => 1
    cache.set('a', 'a'.repeat(100), meta(1))
    cache.set('b', 'b'.repeat(100), meta(1))
    expect(cache.get('a', '2027-03-15', seqOf)).toBeDefined() // a is now the most recent
    cache.set('c', 'c'.repeat(100), meta(1))
    expect(cache.bytes).toBeLessThanOrEqual(250)
    expect(cache.get('b', '2027-03-15', seqOf)).toBeUndefined()
    expect(cache.get('a', '2027-03-15', seqOf)).toBeDefined()
    expect(cache.get('c', '2027-03-15', seqOf)).toBeDefined()
    // Norwegian letters count as the bytes they are: 'æ' is two.
    const big = createFeedCache({ maxBytes: 150 })
    big.set('x', 'æ'.repeat(60), meta(1))
    big.set('y', 'y'.repeat(40), meta(1))
    expect(big.bytes).toBe(40)
    expect(big.size).toBe(1)
  })
})
