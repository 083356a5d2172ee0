import type { HealthRepository } from '../repositories/health.js'

/** Whether this instance should get traffic; `reason` (Norwegian, one short sentence) names no internals. */
export type Readiness = { ready: true } | { ready: false; reason: string }

export function createHealthService (deps: { health: HealthRepository }) {
  /** Whether the database answers; never throws, and says nothing about why. */
  async function databaseAnswers (): Promise<boolean> {
    try {
      await deps.health.ping()
      return true
    } catch {
      return false
    }
  }

  return {
    databaseAnswers,

    /**
     * Ready for traffic: the database answers a query and has every migration this code ships applied
     * (an instance started against a database another version has not migrated yet is not ready). Never throws.
     */
    async readiness (): Promise<Readiness> {
      if (!await databaseAnswers()) return { ready: false, reason: 'Databasen svarer ikke' }
      try {
        const { shipped, applied } = await deps.health.migrationState()
        const missing = shipped - applied
        if (missing > 0) return { ready: false, reason: `Databasen mangler ${missing} ${missing === 1 ? 'migrering' : 'migreringer'}` }
      } catch {
        return { ready: false, reason: 'Kan ikke lese hvilke migreringer databasen har' }
      }
      return { ready: true }
    },
  }
}
export type HealthService = ReturnType<typeof createHealthService>
