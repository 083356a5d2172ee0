// src/db/executor.ts: service transactions on the single better-sqlite3 connection (SQLite only: its
// statements, its write lock). What holds on both databases is in transactor.test.ts.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { openDatabase, type SqliteHandle } from '../../src/db/client.js'
import { createSqliteTransactor, type Transactor } from '../../src/db/executor.js'

let dir: string
let handle: SqliteHandle
let tx: Transactor
let statements: string[]

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arshjul-transactor-'))
  handle = openDatabase(path.join(dir, 'tx.db'))
  handle.sqlite.exec('create table item (name text not null unique)')
  // Every statement the transactor runs on the connection, in order.
  statements = []
  const exec = handle.sqlite.exec.bind(handle.sqlite)
  handle.sqlite.exec = ((sql: string) => { statements.push(sql); return exec(sql) }) as typeof handle.sqlite.exec
  tx = createSqliteTransactor(handle.sqlite, handle.db)
})
afterEach(() => {
  handle.sqlite.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const insert = (name: string) => handle.sqlite.prepare('insert into item (name) values (?)').run(name)
const names = () => (handle.sqlite.prepare('select name from item order by rowid').all() as Array<{ name: string }>).map(r => r.name)
const tick = () => new Promise<void>(resolve => setImmediate(resolve))

describe('Transactor.transaction', () => {
  it('runs the work inside BEGIN IMMEDIATE … COMMIT and returns its result', async () => {
    const result = await tx.transaction(async () => {
      expect(handle.sqlite.inTransaction).toBe(true)
      insert('a')
      await tick()
      insert('b')
      return 42
    })
    expect(result).toBe(42)
    expect(statements).toEqual(['BEGIN IMMEDIATE', 'COMMIT'])
    expect(handle.sqlite.inTransaction).toBe(false)
    expect(names()).toEqual(['a', 'b'])
  })

  it('hands the work an executor on the same connection, which sees the uncommitted writes', async () => {
    await tx.transaction(async ex => {
      insert('a')
      expect(ex.all(sql`select count(*) as n from item`)).toEqual([{ n: 1 }])
    })
  })

  it('rolls back everything when the work throws, also after an await, and rethrows the error', async () => {
    insert('before')
    const failure = new Error('second write failed')
    await expect(tx.transaction(async () => {
      insert('a')
      await tick()
      insert('b')
      throw failure
    })).rejects.toBe(failure)
    expect(statements).toEqual(['BEGIN IMMEDIATE', 'ROLLBACK'])
    expect(handle.sqlite.inTransaction).toBe(false)
    expect(names()).toEqual(['before'])
  })

  it('rolls back when a statement fails (a constraint), leaving the database as it was', async () => {
    insert('x')
    await expect(tx.transaction(async () => {
      insert('a')
      insert('x')
    })).rejects.toThrow(/UNIQUE/)
    expect(names()).toEqual(['x'])
  })

  it('is usable again after a rollback', async () => {
    await expect(tx.transaction(async () => { throw new Error('no') })).rejects.toThrow('no')
    await tx.transaction(async () => { insert('after') })
    expect(names()).toEqual(['after'])
  })
})

describe('nested transactions', () => {
  it('become a savepoint that commits with the outer transaction', async () => {
    await tx.transaction(async () => {
      insert('outer')
      await tx.transaction(async () => { insert('inner') })
    })
    expect(statements[0]).toBe('BEGIN IMMEDIATE')
    expect(statements[1]).toMatch(/^SAVEPOINT \w+$/)
    expect(statements[2]).toMatch(/^RELEASE \w+$/)
    expect(statements[3]).toBe('COMMIT')
    expect(names()).toEqual(['outer', 'inner'])
  })

  it('an inner failure rolls back to the savepoint and keeps the outer writes when the outer work catches it', async () => {
    await tx.transaction(async () => {
      insert('outer-1')
      await expect(tx.transaction(async () => {
        insert('inner')
        await tick()
        throw new Error('inner failed')
      })).rejects.toThrow('inner failed')
      insert('outer-2')
    })
    expect(statements.some(s => /^ROLLBACK TO \w+$/.test(s))).toBe(true)
    expect(statements.at(-1)).toBe('COMMIT')
    expect(names()).toEqual(['outer-1', 'outer-2'])
  })

  it('an inner failure the outer work does not catch rolls back everything', async () => {
    await expect(tx.transaction(async () => {
      insert('outer')
      await tx.transaction(async () => {
        insert('inner')
        throw new Error('inner failed')
      })
    })).rejects.toThrow('inner failed')
    expect(statements.at(-1)).toBe('ROLLBACK')
    expect(names()).toEqual([])
  })

  it('an outer failure after a released savepoint undoes the inner writes too', async () => {
    await expect(tx.transaction(async () => {
      await tx.transaction(async () => { insert('inner') })
      throw new Error('outer failed')
    })).rejects.toThrow('outer failed')
    expect(names()).toEqual([])
  })

  it('savepoints nest more than one level', async () => {
    await tx.transaction(async () => {
      insert('1')
      await tx.transaction(async () => {
        insert('2')
        await expect(tx.transaction(async () => {
          insert('3')
          throw new Error('level 3')
        })).rejects.toThrow('level 3')
      })
    })
    expect(names()).toEqual(['1', '2'])
  })
})

describe('concurrent transactions', () => {
  it('are serialised: a second transaction starts only after the first has committed', async () => {
    const log: string[] = []
    const work = (name: string) => tx.transaction(async () => {
      log.push(`${name}:start`)
      insert(`${name}-1`)
      await tick()
      await tick()
      insert(`${name}-2`)
      log.push(`${name}:end`)
    })
    await Promise.all([work('a'), work('b'), work('c')])
    expect(log).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end'])
    expect(names()).toEqual(['a-1', 'a-2', 'b-1', 'b-2', 'c-1', 'c-2'])
    expect(statements).toEqual(['BEGIN IMMEDIATE', 'COMMIT', 'BEGIN IMMEDIATE', 'COMMIT', 'BEGIN IMMEDIATE', 'COMMIT'])
  })

  it('a failing transaction does not take the one waiting behind it down with it', async () => {
    const first = tx.transaction(async () => {
      insert('a')
      await tick()
      throw new Error('a failed')
    })
    const second = tx.transaction(async () => {
      insert('b')
      await tick()
    })
    await expect(first).rejects.toThrow('a failed')
    await second
    expect(names()).toEqual(['b'])
  })

  it('statements of one transaction never join another that is open', async () => {
    let release!: () => void
    const gate = new Promise<void>(resolve => { release = resolve })
    const first = tx.transaction(async () => {
      insert('a')
      await gate
      throw new Error('a rolls back')
    })
    const second = tx.transaction(async () => { insert('b') })
    await tick()
    // The second has not run while the first is open: its write cannot be rolled back with the first's.
    expect(names()).toEqual(['a'])
    release()
    await expect(first).rejects.toThrow('a rolls back')
    await second
    expect(names()).toEqual(['b'])
  })
})

describe('waiting for the write lock another connection holds', () => {
  let other: SqliteHandle
  beforeEach(() => {
    other = openDatabase(path.join(dir, 'tx.db'))
    other.sqlite.exec('BEGIN IMMEDIATE')
  })
  afterEach(() => {
    if (other.sqlite.inTransaction) other.sqlite.exec('ROLLBACK')
    other.sqlite.close()
  })
  const busyTimeout = () => handle.sqlite.pragma('busy_timeout', { simple: true })

  it('does not block the event loop: timers run while BEGIN waits, and it begins once the other commits', async () => {
    expect(busyTimeout()).toBe(5000)
    let ticks = 0
    const seen = new Set<unknown>()
    const ticker = setInterval(() => { ticks++; seen.add(busyTimeout()) }, 5)
    // Only a timer can let the other connection commit: a synchronous busy-wait would never get here.
    setTimeout(() => {
      other.sqlite.prepare('insert into item (name) values (?)').run('other')
      other.sqlite.exec('COMMIT')
    }, 100)
    const started = Date.now()
    try {
      await tx.transaction(async () => { insert('mine') })
    } finally {
      clearInterval(ticker)
    }
    expect(Date.now() - started).toBeLessThan(2000)
    expect(ticks).toBeGreaterThan(3)
    // busy_timeout is 0 only inside the synchronous BEGIN: whatever runs in between sees 5 s.
    expect([...seen]).toEqual([5000])
    expect(busyTimeout()).toBe(5000)
    expect(statements.filter(s => s === 'BEGIN IMMEDIATE').length).toBeGreaterThan(1)
    expect(statements.at(-1)).toBe('COMMIT')
    expect(names()).toEqual(['other', 'mine'])
  })

  it('gives up after about 5 s with SQLITE_BUSY, without running the work, and is usable again after', async () => {
    let ticks = 0
    const ticker = setInterval(() => { ticks++ }, 50)
    let ran = false
    const started = Date.now()
    try {
      await expect(tx.transaction(async () => { ran = true })).rejects.toMatchObject({ code: 'SQLITE_BUSY' })
    } finally {
      clearInterval(ticker)
    }
    const waited = Date.now() - started
    expect(waited).toBeGreaterThanOrEqual(4900)
    expect(waited).toBeLessThan(7000)
    expect(ticks).toBeGreaterThan(50)
    expect(ran).toBe(false)
    expect(handle.sqlite.inTransaction).toBe(false)
    expect(busyTimeout()).toBe(5000)
    // The mutex was released: once the other connection is done, the next transaction runs.
    other.sqlite.exec('COMMIT')
    await tx.transaction(async () => { insert('after') })
    expect(names()).toEqual(['after'])
  }, 15_000)

  it('other errors from BEGIN are thrown at once, not retried', async () => {
    other.sqlite.exec('COMMIT')
    const begin = handle.sqlite.exec
    handle.sqlite.exec = ((s: string) => {
      if (s === 'BEGIN IMMEDIATE') throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' })
      return begin(s)
    }) as typeof handle.sqlite.exec
    await expect(tx.transaction(async () => {})).rejects.toMatchObject({ code: 'SQLITE_IOERR' })
    expect(busyTimeout()).toBe(5000)
  })
})

describe('a write by another async flow while a transaction is open', () => {
  it('is lost with the rollback when it bypasses the transactor (why every write must go through it)', async () => {
    let release!: () => void
    const gate = new Promise<void>(resolve => { release = resolve })
    const first = tx.transaction(async () => {
      insert('a')
      await gate
      throw new Error('a rolls back')
    })
    await tick()
    insert('bare write') // e.g. a last-use stamp or an outbox update made without the transactor
    release()
    await expect(first).rejects.toThrow('a rolls back')
    expect(names()).toEqual([])
  })

  it('survives the rollback when it goes through the transactor: it waits for the open one to end', async () => {
    let release!: () => void
    const gate = new Promise<void>(resolve => { release = resolve })
    const first = tx.transaction(async () => {
      insert('a')
      await gate
      throw new Error('a rolls back')
    })
    await tick()
    const second = tx.transaction(async () => { insert('outbox: sent') })
    await tick()
    release()
    await expect(first).rejects.toThrow('a rolls back')
    await second
    expect(names()).toEqual(['outbox: sent'])
  })
})
