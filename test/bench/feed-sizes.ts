// npx tsx test/bench/feed-sizes.ts — the size of every feed of the seeded database, with the default
// window (12 months back, 36 ahead) and again with alarms=1, read as an admin (who sees private bodies'
// items, so every feed is at its largest). Google Calendar drops subscribed feeds over about 1 MB
// (README "Feed size"). Prints a table sorted by size, largest first, and the largest of each kind.
// FEED_SIZES_NOW sets the clock (default 2027-01-15T09:00:00Z, the feed tests' day).
import { buildTestApp } from '../helpers/app.js'

const t = await buildTestApp({ now: process.env.FEED_SIZES_NOW ?? '2027-01-15T09:00:00Z' })
try {
  const list = async (path: string) => ((await t.app.inject(`${path}?limit=500`)).json().data as Array<{ slug: string }>).map(x => x.slug)
  const feeds = [
    ...(await list('/api/v1/bodies')).map(s => `bodies/${s}`),
    ...(await list('/api/v1/municipalities')).map(s => `municipalities/${s}`),
    ...(await list('/api/v1/collaborations')).map(s => `collaborations/${s}`),
  ]
  const rows: Array<{ feed: string; events: number; bytes: number; alarms: number }> = []
  for (const feed of feeds) {
    const get = async (query: string) => {
      const res = await t.app.inject({ url: `/feeds/${feed}.ics${query}`, headers: t.auth(t.tokens.admin) })
      if (res.statusCode !== 200) throw new Error(`${feed}${query}: ${res.statusCode}`)
      return res.rawPayload
    }
    const plain = await get('')
    const withAlarms = await get('?alarms=1')
    rows.push({ feed, events: plain.toString('utf8').split('BEGIN:VEVENT').length - 1, bytes: plain.length, alarms: withAlarms.length })
  }
  rows.sort((a, b) => b.alarms - a.alarms)
  const kb = (n: number) => (n / 1000).toFixed(1).padStart(8)
  console.log(`${'feed'.padEnd(58)} ${'events'.padStart(6)} ${'kB'.padStart(8)} ${'kB alarms=1'.padStart(11)}`)
  for (const r of rows) console.log(`${r.feed.padEnd(58)} ${String(r.events).padStart(6)} ${kb(r.bytes)} ${kb(r.alarms).padStart(11)}`)
  const max = (key: 'bytes' | 'alarms') => Math.max(...rows.map(r => r[key]))
  console.log(`\n${rows.length} feeds; largest ${kb(max('bytes')).trim()} kB, with alarms ${kb(max('alarms')).trim()} kB; over 1 MB: ${rows.filter(r => r.alarms >= 1_000_000).length}`)
  for (const kind of ['bodies', 'municipalities', 'collaborations']) {
    const top = rows.filter(r => r.feed.startsWith(kind)).sort((a, b) => b.bytes - a.bytes)[0]!
    console.log(`largest ${kind}: ${top.feed} ${top.events} events, ${kb(top.bytes).trim()} kB, alarms=1 ${kb(top.alarms).trim()} kB`)
  }
} finally {
  await t.close()
}
