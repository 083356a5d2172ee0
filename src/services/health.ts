import type { HealthRepository } from '../repositories/health.js'

export function createHealthService (deps: { health: HealthRepository }) {
  return {
    /** Whether the database answers; never throws, and says nothing about why. */
    async databaseAnswers (): Promise<boolean> {
      try {
        await deps.health.ping()
        return true
      } catch {
        return false
      }
    },
  }
}
export type HealthService = ReturnType<typeof createHealthService>
