// Every service, built once by the composition root. Routes, pages, CLI commands and jobs call these.
import type { Clock } from '../shared/clock.js'
import type { Catalogue } from '../catalogue/load.js'
import type { Transactor } from '../db/executor.js'
import type { Exclusive } from '../db/exclusive.js'
import type { Repositories } from '../repositories/index.js'
import { createAccessService } from './access.js'
import { createMunicipalitiesService } from './municipalities.js'
import { createBodiesService } from './bodies.js'
import { createCollaborationsService } from './collaborations.js'
import { createTokensService } from './tokens.js'
import { createAuditService } from './audit.js'
import { createRegisterService } from './register.js'
import { createHealthService } from './health.js'
import { createOccurrencesService } from './occurrences.js'
import { createOccurrenceIndexService } from './occurrence-index.js'
import { createRulesService } from './rules.js'
import { createMoteplanService } from './moteplan.js'
import { createPackagesService } from './packages.js'
import { createOnboardingService } from './onboarding.js'
import { createFeedsService } from './feeds.js'
import { createKontrollServices } from './kontroll/index.js'
import { createSubscriptionsService } from './subscriptions.js'
import { createReportsService } from './reports.js'
import { createRemindersService } from './reminders.js'
import { createPeopleService } from './people.js'

export interface ServiceDeps {
  clock: Clock
  catalogue: Catalogue
  transactor: Transactor
  repos: Repositories
  baseUrl: string
  /** Session lifetimes (config SESSION_IDLE_MINUTES, SESSION_MAX_HOURS). */
  sessionIdleMinutes?: number
  sessionMaxHours?: number
  /** One instance at a time for background work (src/db/exclusive.ts); default: just run. */
  exclusive?: Exclusive
}

export function createServices (deps: ServiceDeps) {
  const access = createAccessService({ scope: deps.repos.scope })
  const { repos, transactor, clock } = deps
  const municipalities = createMunicipalitiesService({ municipalities: repos.municipalities, bodies: repos.bodies, audit: repos.audit, access, transactor, clock })
  const bodies = createBodiesService({ bodies: repos.bodies, municipalities: repos.municipalities, collaborations: repos.collaborations, audit: repos.audit, access, transactor, clock })
  const collaborations = createCollaborationsService({ collaborations: repos.collaborations, municipalities: repos.municipalities, bodies: repos.bodies, audit: repos.audit, access, transactor, clock })
  const tokens = createTokensService({ tokens: repos.tokens, municipalities: repos.municipalities, transactor, audit: repos.audit, access, people: repos.people, clock })
  const audit = createAuditService({ audit: repos.audit, access })
  const people = createPeopleService({ people: repos.people, municipalities: repos.municipalities, bodies: repos.bodies, audit: repos.audit, access, transactor, clock, sessionIdleMinutes: deps.sessionIdleMinutes, sessionMaxHours: deps.sessionMaxHours })
  // The index hooks into every transaction's commit: built before anything writes.
  const occurrenceIndex = createOccurrenceIndexService({ repo: repos.occurrenceIndex, transactor, catalogue: deps.catalogue, clock, exclusive: deps.exclusive })
  const occurrences = createOccurrencesService({ ...deps.repos, index: repos.occurrenceIndex, indexService: occurrenceIndex, access, clock: deps.clock, catalogue: deps.catalogue, transactor: deps.transactor })
  const rules = createRulesService({ ...deps.repos, access, clock: deps.clock, catalogue: deps.catalogue, transactor: deps.transactor })
  const moteplan = createMoteplanService({ ...deps.repos, rulesService: rules, occurrenceStates: occurrences, engine: occurrenceIndex, access, clock: deps.clock, transactor: deps.transactor })
  const packages = createPackagesService({ ...deps.repos, access, clock: deps.clock, catalogue: deps.catalogue, transactor: deps.transactor })
  const onboarding = createOnboardingService({ municipalities: repos.municipalities, bodies: repos.bodies, audit: repos.audit, packages, access, transactor, clock })
  const register = createRegisterService({ municipalitiesRepo: repos.municipalities, collaborationsRepo: repos.collaborations, collaborations, onboarding, access, transactor, clock })
  const feeds = createFeedsService({ occurrences, access, bodies: repos.bodies, municipalities: repos.municipalities, collaborations: repos.collaborations, catalogue: deps.catalogue, revisions: occurrenceIndex.revisions })
  const subscriptions = createSubscriptionsService({ ...repos, access, catalogue: deps.catalogue, clock, transactor })
  const reports = createReportsService({ occurrences, outbox: repos.outbox, catalogue: deps.catalogue, clock, baseUrl: deps.baseUrl })
  const reminders = createRemindersService({ ...repos, access, occurrences, subscriptions, catalogue: deps.catalogue, clock, transactor })
  const kontroll = createKontrollServices({
    plans: repos.kontrollPlans,
    projects: repos.kontrollProjects,
    assessments: repos.riskAssessments,
    register: repos.kontrollRegister,
    municipalities: repos.municipalities,
    bodies: repos.bodies,
    collaborations: repos.collaborations,
    rules: repos.rules,
    ruleWrites: rules,
    occurrenceStates: occurrences,
    audit: repos.audit,
    access,
    clock,
    transactor,
  })
  return {
    access,
    kontroll,
    municipalities,
    bodies,
    collaborations,
    register,
    onboarding,
    tokens,
    audit,
    people,
    health: createHealthService({ health: repos.health }),
    occurrences,
    occurrenceIndex,
    rules,
    moteplan,
    packages,
    feeds,
    subscriptions,
    reports,
    reminders,
  }
}
export type Services = ReturnType<typeof createServices>
