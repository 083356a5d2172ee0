// Search ignores case the same way on both databases, Norwegian and Sámi letters included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestDependencies } from '../helpers/app.js'

let built: Awaited<ReturnType<typeof buildTestDependencies>>
beforeAll(async () => { built = await buildTestDependencies() })
afterAll(async () => { await built.dispose() })

const names = async (q: string) =>
  (await built.deps.repos.municipalities.list({ q, limit: 50, offset: 0 })).items.map(m => m.name)

describe('containsText (a search by name)', () => {
  it('finds Øyer by øyer, ØYER and yer', async () => {
    expect(await names('øyer')).toEqual(['Øyer'])
    expect(await names('ØYER')).toEqual(['Øyer'])
    expect(await names('yer')).toEqual(['Øyer'])
  })

  it('folds Æ/Å and the Sámi Á as well', async () => {
    await built.sql.run("update municipality set name = 'Kárášjohka Åsnes Ærø' where slug = 'gausdal'")
    expect(await names('kárášjohka')).toEqual(['Kárášjohka Åsnes Ærø'])
    expect(await names('åsnes ærø')).toEqual(['Kárášjohka Åsnes Ærø'])
  })

  it('takes % and _ literally', async () => {
    expect(await names('%')).toEqual([])
    expect(await names('_')).toEqual([])
  })
})
