import { createHash } from 'node:crypto'

// The body is kept encoded, so a cache hit sends bytes without re-encoding half a megabyte of text.
export interface CachedFeed { revision: string; body: Buffer; etag: string; lastModified: number }

/** Built feeds, keyed by feed and options, valid while the data revision is unchanged. Bounded in size. */
export function createFeedCache (maxEntries = 500) {
  const entries = new Map<string, CachedFeed>()
  return {
    get (key: string, revision: string): CachedFeed | undefined {
      const hit = entries.get(key)
      return hit && hit.revision === revision ? hit : undefined
    },
    set (key: string, revision: string, text: string, lastModified: number): CachedFeed {
      const body = Buffer.from(text, 'utf8')
      const entry = { revision, body, etag: `"${createHash('sha256').update(body).digest('base64url')}"`, lastModified }
      entries.delete(key)
      entries.set(key, entry)
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
      return entry
    },
    get size () { return entries.size },
  }
}
export type FeedCache = ReturnType<typeof createFeedCache>

/**
 * RFC 9110 §13.2.2: If-None-Match is evaluated first and, when present, If-Modified-Since is ignored;
 * an unparsable date is ignored; only a real match gives 304 (calendar-feed pitfall 10).
 */
export function notModified (headers: { 'if-none-match'?: string; 'if-modified-since'?: string }, etag: string, lastModified: number): boolean {
  const inm = headers['if-none-match']
  if (inm !== undefined) {
    return inm.split(',').map(t => t.trim().replace(/^W\//, '')).some(t => t === etag || t === '*')
  }
  const ims = headers['if-modified-since']
  if (ims === undefined) return false
  const since = Date.parse(ims)
  if (Number.isNaN(since)) return false
  return Math.floor(lastModified / 1000) * 1000 <= since
}
