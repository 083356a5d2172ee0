// Service-test fixture for rules, occurrences, møteplan and packages: the composition root over a
// seeded database, actors, a database snapshot and a way to make a body private.
import fs from 'node:fs'
import { expect } from 'vitest'
import { buildTestDependencies } from './app.js'
import type { Actor } from '../../src/services/access.js'
import { ServiceError } from '../../src/shared/errors.js'

export async function governanceFixture () {
  const { deps, dir, clock } = await buildTestDependencies()
  const { sqlite } = deps.database
  const idOf = (table: 'municipality' | 'body' | 'collaboration', slug: string) =>
    (sqlite.prepare(`select id from ${table} where slug = ?`).get(slug) as { id: number }).id
  const editorOf = (municipality: string): Actor => ({ tokenId: null, label: `editor-${municipality}`, role: 'editor', municipalityIds: [idOf('municipality', municipality)] })
  const admin: Actor = { tokenId: null, label: 'admin', role: 'admin', municipalityIds: [] }

  /** Every row of every table: compare before and after a refused write. */
  function snapshot (): string {
    const tables = (sqlite.prepare("select name from sqlite_master where type='table' and name not like 'sqlite_%' order by name").all() as Array<{ name: string }>).map(r => r.name)
    return JSON.stringify(Object.fromEntries(tables.map(name => [name, sqlite.prepare(`select * from "${name}"`).all()])))
  }

  return {
    deps,
    clock,
    services: deps.services,
    repos: deps.repos,
    sqlite,
    idOf,
    admin,
    editorOf,
    snapshot,
    makePrivate (slug: string) { sqlite.prepare("update body set feed_visibility = 'private' where slug = ?").run(slug) },
    close () {
      deps.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
export type GovernanceFixture = Awaited<ReturnType<typeof governanceFixture>>

/** The ServiceError a promise rejects with (fails the test if it resolves or throws something else). */
export async function refusal (work: Promise<unknown>): Promise<ServiceError> {
  const err = await work.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(ServiceError)
  return err as ServiceError
}
