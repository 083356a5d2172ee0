// vitest globalSetup: with TEST_DATABASE_URL (npm run test:pg), make the two template databases every
// test of this run copies — migrated and seeded as test/helpers/app.ts seeds SQLite, and migrated only —
// and drop them after the run. Without it, nothing (npm test runs on SQLite).
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { pgTemplateNames, TEST_DATABASE_URL, withDatabase } from './database.js'

const BUILDER = fileURLToPath(new URL('./pg-template.ts', import.meta.url))

async function withAdmin<T> (work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await admin.connect()
  try {
    return await work(admin)
  } finally {
    await admin.end()
  }
}

export default async function setup (project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!TEST_DATABASE_URL) return undefined
  const templates = pgTemplateNames(`${process.pid}_${Date.now().toString(36)}`)
  await withAdmin(async admin => {
    for (const [kind, name] of Object.entries(templates)) {
      await admin.query(`CREATE DATABASE ${name}`)
      execFileSync(process.execPath, ['--import', 'tsx', BUILDER, withDatabase(TEST_DATABASE_URL!, name), kind], { stdio: 'inherit', env: { ...process.env, TZ: 'UTC' } })
    }
  })
  project.provide('pgTemplates', templates)
  return async () => {
    await withAdmin(async admin => {
      for (const name of Object.values(templates)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    })
  }
}
