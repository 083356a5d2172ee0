import { createHash } from 'node:crypto'

/** A calendar revision a built feed depends on ('m:12', 'c:4', 'b:30') and its sequence number then. */
export interface FeedDependency { key: string; seq: number }

// The body is kept encoded, so a cache hit sends bytes without re-encoding half a megabyte of text.
export interface CachedFeed {
  body: Buffer
  etag: string
  /** Epoch ms: when these bytes were first built (kept while a rebuild gives the same bytes). */
  lastModified: number
  /** The local day it was built for: the default window and the cancelled items' grace depend on it. */
  day: string
  dependencies: readonly FeedDependency[]
  /** A private feed opened with its secret: the secret's hash, checked in memory on every hit. */
  secretHash: string | null
}

export interface FeedCacheOptions {
  /** The most bytes of feed bodies held (default 64 MiB). */
  maxBytes?: number
  /** The most feeds held (default 2,000). */
  maxEntries?: number
  /** Told of every lookup: a current entry found (hit) or not (miss); the /metrics counter (src/plugins/metrics.ts). */
  onLookup?: (hit: boolean) => void
}

/**
 * Built feeds, keyed by feed address, options and viewer. An entry is current while its day is today
 * and none of the calendars it depends on has changed since (`seqOf`, an in-memory lookup): so a
 * conditional request is answered without touching the database. Least recently used entries go
 * first when the cache holds more than `maxBytes` of bodies or `maxEntries` feeds.
 */
export function createFeedCache (options: FeedCacheOptions = {}) {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024
  const maxEntries = options.maxEntries ?? 2000
  const onLookup = options.onLookup ?? (() => {})
  const entries = new Map<string, CachedFeed>()
  let bytes = 0

  const drop = (key: string) => {
    const e = entries.get(key)
    if (!e) return
    bytes -= e.body.length
    entries.delete(key)
  }

  return {
    /** The entry for a key if it is still current; refreshes its place in the LRU order. */
    get (key: string, day: string, seqOf: (key: string) => number): CachedFeed | undefined {
      const hit = entries.get(key)
      if (!hit || hit.day !== day || hit.dependencies.some(d => seqOf(d.key) !== d.seq)) {
        onLookup(false)
        return undefined
      }
      onLookup(true)
      entries.delete(key)
      entries.set(key, hit)
      return hit
    },
    /** Stores a built feed; keeps the previous Last-Modified when the bytes are the same. */
    set (key: string, text: string, meta: { now: number; day: string; dependencies: readonly FeedDependency[]; secretHash: string | null }): CachedFeed {
      const body = Buffer.from(text, 'utf8')
      const etag = `"${createHash('sha256').update(body).digest('base64url')}"`
      const previous = entries.get(key)
      const entry: CachedFeed = {
        body,
        etag,
        lastModified: previous?.etag === etag ? previous.lastModified : meta.now,
        day: meta.day,
        dependencies: meta.dependencies,
        secretHash: meta.secretHash,
      }
      drop(key)
      entries.set(key, entry)
      bytes += body.length
      for (const oldest of entries.keys()) {
        if (bytes <= maxBytes && entries.size <= maxEntries) break
        if (oldest === key) continue
        drop(oldest)
      }
      return entry
    },
    get size () { return entries.size },
    get bytes () { return bytes },
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
