// Every repository, built over one executor (the database). Only services use these.
import type { Db } from '../db/client.js'
import type { Clock } from '../shared/clock.js'
import { createMunicipalitiesRepository } from './municipalities.js'
import { createCollaborationsRepository } from './collaborations.js'
import { createBodiesRepository } from './bodies.js'
import { createTokensRepository } from './tokens.js'
import { createAuditRepository } from './audit.js'
import { createRulesRepository } from './rules.js'
import { createOccurrencesRepository } from './occurrences.js'
import { createKontrollPlansRepository } from './kontroll-plans.js'
import { createKontrollProjectsRepository } from './kontroll-projects.js'
import { createKontrollRegisterRepository } from './kontroll-register.js'
import { createRiskAssessmentsRepository } from './risk-assessments.js'
import { createSubscriptionsRepository } from './subscriptions.js'
import { createOutboxRepository } from './outbox.js'
import { createScopeRepository } from './scope.js'
import { createHealthRepository } from './health.js'
import { createOccurrenceIndexRepository } from './occurrence-index.js'
import { createPeopleRepository } from './people.js'

export function createRepositories (db: Db, clock: Clock) {
  const rules = createRulesRepository(db, clock)
  const occurrences = createOccurrencesRepository(db)
  return {
    rules,
    occurrences,
    kontrollPlans: createKontrollPlansRepository(db),
    kontrollProjects: createKontrollProjectsRepository(db),
    kontrollRegister: createKontrollRegisterRepository(db),
    riskAssessments: createRiskAssessmentsRepository(db),
    municipalities: createMunicipalitiesRepository(db, clock),
    collaborations: createCollaborationsRepository(db, clock),
    bodies: createBodiesRepository(db, clock),
    tokens: createTokensRepository(db, clock),
    audit: createAuditRepository(db),
    subscriptions: createSubscriptionsRepository(db),
    outbox: createOutboxRepository(db),
    scope: createScopeRepository(db),
    health: createHealthRepository(db),
    occurrenceIndex: createOccurrenceIndexRepository(db),
    people: createPeopleRepository(db),
  }
}
export type Repositories = ReturnType<typeof createRepositories>
