import { sql } from 'drizzle-orm'
import type { Executor } from '../db/executor.js'

export function createHealthRepository (db: Executor) {
  return {
    /** Throws when the database does not answer. */
    async ping (ex: Executor = db): Promise<void> {
      ex.get(sql`select 1`)
    },
  }
}
export type HealthRepository = ReturnType<typeof createHealthRepository>
