// The § 27 conversion deadline through the real index: each participant's own 2019 constitution date
// + 4 years (koml. § 31-2), 31 October 2023 when it is not recorded. The seed's register has several
// § 27 collaborations in which Lillehammer, Gausdal and Øyer all take part.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { systemViewer } from '../../src/services/access.js'
import { buildTestDependencies } from '../helpers/app.js'

type Deps = Awaited<ReturnType<typeof buildTestDependencies>>
let t: Deps
// 2024: the index's horizon (two years back) holds the 2023 deadlines, so reads come from the index.
beforeEach(async () => {
  t = await buildTestDependencies({ now: '2024-06-01T09:00:00Z' })
  await t.deps.services.occurrenceIndex.settled()
})
afterEach(() => t.dispose())

const idOf = async (slug: string) => ((await t.sql.get('select id from municipality where slug = ?', slug)) as { id: number }).id

/** The municipality's § 27 conversion deadlines in 2023, read from the index and (a window reaching outside its horizon) from the engine. */
async function conversionDates (municipality: string): Promise<{ index: string[]; engine: string[] }> {
  const list = (from: string) => t.deps.services.occurrences.list({ municipality, from, to: '2023-12-31', eventTypes: ['paragraf27_omdanning'] }, systemViewer)
  expect(t.deps.services.occurrenceIndex.covers({ from: '2023-01-01', to: '2023-12-31' })).toBe(true)
  expect(t.deps.services.occurrenceIndex.covers({ from: '2015-01-01', to: '2023-12-31' })).toBe(false)
  const dates = (items: Array<{ date: string }>) => [...new Set(items.map(o => o.date))].sort()
  return { index: dates(await list('2023-01-01')), engine: dates(await list('2015-01-01')) }
}

describe('the § 27 conversion deadline per municipality', () => {
  it('is 31 October 2023 for every participant while no 2019 constitution date is recorded', async () => {
    for (const m of ['oyer', 'gausdal', 'lillehammer']) {
      expect(await conversionDates(m), m).toEqual({ index: ['2023-10-31'], engine: ['2023-10-31'] })
    }
  })

  it('follows a recorded 2019 constitution date + 4 years for that municipality only, and back when it is removed', async () => {
    await t.sql.run('insert into constitution (municipality_id, election_year, date) values (?, 2019, ?)', await idOf('oyer'), '2019-10-17')
    await t.deps.services.occurrenceIndex.ready()
    expect(await conversionDates('oyer')).toEqual({ index: ['2023-10-17'], engine: ['2023-10-17'] })
    expect(await conversionDates('gausdal')).toEqual({ index: ['2023-10-31'], engine: ['2023-10-31'] })

    // A later period's constitution does not move it.
    await t.sql.run('insert into constitution (municipality_id, election_year, date) values (?, 2023, ?)', await idOf('gausdal'), '2023-10-12')
    await t.deps.services.occurrenceIndex.ready()
    expect(await conversionDates('gausdal')).toEqual({ index: ['2023-10-31'], engine: ['2023-10-31'] })

    await t.sql.run('delete from constitution where municipality_id = ? and election_year = 2019', await idOf('oyer'))
    await t.deps.services.occurrenceIndex.ready()
    expect(await conversionDates('oyer')).toEqual({ index: ['2023-10-31'], engine: ['2023-10-31'] })
  })
})
