// Kontrollutvalg planning (issue 6), as services (issue 10): plans and their adoption, projects and their
// calendar milestones, risk and materiality assessments, and the coverage and planning reviews.
import { createKontrollAssessmentsService } from './assessments.js'
import { createKontrollCoverageService } from './coverage.js'
import { createKontrollPlansService } from './plans.js'
import { createKontrollProjectsService } from './projects.js'
import { createKontrollShared, type KontrollServiceDeps } from './shared.js'

export function createKontrollServices (deps: KontrollServiceDeps) {
  const shared = createKontrollShared(deps)
  const plans = createKontrollPlansService(deps, shared)
  return {
    plans,
    projects: createKontrollProjectsService(deps, shared, plans),
    assessments: createKontrollAssessmentsService(deps, shared),
    coverage: createKontrollCoverageService(deps, shared, plans),
  }
}
export type KontrollServices = ReturnType<typeof createKontrollServices>
export type { KontrollServiceDeps } from './shared.js'
