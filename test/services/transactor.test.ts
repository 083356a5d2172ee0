// Service transactions as services use them, on either database (issue 16): deps.transactor with the
// repositories of deps.repos. The SQLite transactor's own statements and its wait for the write lock
// are in transactor.sqlite.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestDependencies } from '../helpers/app.js'
import type { AuditActor } from '../../src/repositories/audit.js'

let built: Awaited<ReturnType<typeof buildTestDependencies>>
beforeEach(async () => { built = await buildTestDependencies({ seed: false }) })
afterEach(async () => { await built.dispose() })

const actor: AuditActor = { tokenId: null, label: 'transactor-test' }
const municipality = (slug: string) => ({ slug, name: `Kommune ${slug}`, kind: 'kommune' as const })
/** The committed municipalities' slugs, by slug. */
const slugs = async () => (await built.sql.all<{ slug: string }>('select slug from municipality order by slug')).map(r => r.slug)
const audits = async () => Number((await built.sql.get<{ n: number }>('select count(*) as n from audit_log'))!.n)
const tick = () => new Promise<void>(resolve => setImmediate(resolve))

describe('a transaction spanning two repositories', () => {
  it('rolls back as a whole when the second write fails (a constraint), and rethrows', async () => {
    const { transactor, repos } = built.deps
    await repos.municipalities.insert(municipality('taken'))
    const auditsBefore = await audits()
    await expect(transactor.transaction(async tx => {
      await repos.audit.record(1, actor, { action: 'create', entityType: 'municipality', entityId: 'taken' }, tx)
      await tick()
      await repos.municipalities.insert(municipality('taken'), tx)
    })).rejects.toThrow()
    expect(await audits()).toBe(auditsBefore)
    expect(await slugs()).toEqual(['taken'])
  })

  it('rolls back as a whole when the work throws after both writes, and rethrows the same error', async () => {
    const { transactor, repos } = built.deps
    const failure = new Error('third step failed')
    await expect(transactor.transaction(async tx => {
      await repos.municipalities.insert(municipality('a'), tx)
      await tick()
      await repos.audit.record(1, actor, { action: 'create', entityType: 'municipality', entityId: 'a' }, tx)
      throw failure
    })).rejects.toBe(failure)
    expect(await audits()).toBe(0)
    expect(await slugs()).toEqual([])
  })

  it('commits both writes when the work succeeds, and returns its result', async () => {
    const { transactor, repos } = built.deps
    const result = await transactor.transaction(async tx => {
      await repos.municipalities.insert(municipality('a'), tx)
      await repos.audit.record(1, actor, { action: 'create', entityType: 'municipality', entityId: 'a' }, tx)
      return 42
    })
    expect(result).toBe(42)
    expect(await audits()).toBe(1)
    expect(await slugs()).toEqual(['a'])
  })

  it('is usable again after a rollback', async () => {
    const { transactor, repos } = built.deps
    await expect(transactor.transaction(async () => { throw new Error('no') })).rejects.toThrow('no')
    await transactor.transaction(tx => repos.municipalities.insert(municipality('after'), tx))
    expect(await slugs()).toEqual(['after'])
  })
})

describe('repository calls without an explicit executor inside a transaction', () => {
  it('join it: they see its uncommitted writes and roll back with it', async () => {
    const { transactor, repos } = built.deps
    await repos.municipalities.insert(municipality('taken'))
    await expect(transactor.transaction(async () => {
      await repos.municipalities.insert(municipality('a'))
      await repos.audit.record(1, actor, { action: 'create', entityType: 'municipality', entityId: 'a' })
      await tick()
      expect((await repos.municipalities.find('a'))?.slug).toBe('a')
      expect(await repos.audit.count()).toBe(1)
      await repos.municipalities.insert(municipality('taken'))
    })).rejects.toThrow()
    expect(await audits()).toBe(0)
    expect(await slugs()).toEqual(['taken'])
    expect(await repos.municipalities.find('a')).toBeUndefined()
  })

  it('mixed with calls given the executor, commit together', async () => {
    const { transactor, repos } = built.deps
    await transactor.transaction(async tx => {
      await repos.municipalities.insert(municipality('a'))
      await repos.municipalities.insert(municipality('b'), tx)
      await repos.audit.record(1, actor, { action: 'create', entityType: 'municipality', entityId: 'a' })
    })
    expect(await slugs()).toEqual(['a', 'b'])
    expect(await audits()).toBe(1)
  })
})

describe('nested transactions', () => {
  it('become a savepoint that commits with the outer transaction', async () => {
    const { transactor, repos } = built.deps
    await transactor.transaction(async () => {
      await repos.municipalities.insert(municipality('outer'))
      await transactor.transaction(tx => repos.municipalities.insert(municipality('inner'), tx))
    })
    expect(await slugs()).toEqual(['inner', 'outer'])
  })

  it('an inner failure rolls back to the savepoint and keeps the outer writes when the outer work catches it', async () => {
    const { transactor, repos } = built.deps
    await transactor.transaction(async () => {
      await repos.municipalities.insert(municipality('outer-1'))
      await expect(transactor.transaction(async tx => {
        await repos.municipalities.insert(municipality('inner'), tx)
        await repos.audit.record(1, actor, { action: 'create', entityType: 'municipality', entityId: 'inner' })
        await tick()
        throw new Error('inner failed')
      })).rejects.toThrow('inner failed')
      await repos.municipalities.insert(municipality('outer-2'))
    })
    expect(await slugs()).toEqual(['outer-1', 'outer-2'])
    expect(await audits()).toBe(0)
  })

  it('a failed statement inside the savepoint leaves the outer transaction usable', async () => {
    const { transactor, repos } = built.deps
    await repos.municipalities.insert(municipality('taken'))
    await transactor.transaction(async () => {
      await repos.municipalities.insert(municipality('outer-1'))
      await expect(transactor.transaction(async tx => {
        await repos.municipalities.insert(municipality('inner'), tx)
        await repos.municipalities.insert(municipality('taken'), tx)
      })).rejects.toThrow()
      await repos.municipalities.insert(municipality('outer-2'))
    })
    expect(await slugs()).toEqual(['outer-1', 'outer-2', 'taken'])
  })

  it('an inner failure the outer work does not catch rolls back everything', async () => {
    const { transactor, repos } = built.deps
    await expect(transactor.transaction(async () => {
      await repos.municipalities.insert(municipality('outer'))
      await transactor.transaction(async () => {
        await repos.municipalities.insert(municipality('inner'))
        throw new Error('inner failed')
      })
    })).rejects.toThrow('inner failed')
    expect(await slugs()).toEqual([])
  })

  it('an outer failure after a released savepoint undoes the inner writes too', async () => {
    const { transactor, repos } = built.deps
    await expect(transactor.transaction(async () => {
      await transactor.transaction(() => repos.municipalities.insert(municipality('inner')))
      throw new Error('outer failed')
    })).rejects.toThrow('outer failed')
    expect(await slugs()).toEqual([])
  })

  it('savepoints nest more than one level', async () => {
    const { transactor, repos } = built.deps
    await transactor.transaction(async () => {
      await repos.municipalities.insert(municipality('m1'))
      await transactor.transaction(async () => {
        await repos.municipalities.insert(municipality('m2'))
        await expect(transactor.transaction(async () => {
          await repos.municipalities.insert(municipality('m3'))
          throw new Error('level 3')
        })).rejects.toThrow('level 3')
      })
    })
    expect(await slugs()).toEqual(['m1', 'm2'])
  })
})

describe('concurrent transactions', () => {
  it('are serialised: a second transaction starts only after the first has committed', async () => {
    const { transactor, repos } = built.deps
    const log: string[] = []
    const work = (name: string) => transactor.transaction(async () => {
      log.push(`${name}:start`)
      await repos.municipalities.insert(municipality(`${name}-1`))
      await tick()
      await tick()
      await repos.municipalities.insert(municipality(`${name}-2`))
      log.push(`${name}:end`)
    })
    await Promise.all([work('a'), work('b'), work('c')])
    // Which starts first is up to the database on PostgreSQL (the writer lock); they never overlap.
    for (let i = 0; i < log.length; i += 2) {
      expect(log[i]).toMatch(/:start$/)
      expect(log[i + 1]).toBe(log[i]!.replace(':start', ':end'))
    }
    expect(await slugs()).toEqual(['a-1', 'a-2', 'b-1', 'b-2', 'c-1', 'c-2'])
  })

  it('a failing transaction does not take the one running beside it down with it', async () => {
    const { transactor, repos } = built.deps
    const first = transactor.transaction(async () => {
      await repos.municipalities.insert(municipality('a'))
      await tick()
      throw new Error('a failed')
    })
    const second = transactor.transaction(async () => {
      await repos.municipalities.insert(municipality('b'))
      await tick()
    })
    await expect(first).rejects.toThrow('a failed')
    await second
    expect(await slugs()).toEqual(['b'])
  })
})
