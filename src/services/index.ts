// Every service, built once by the composition root. Routes, pages, CLI commands and jobs call these.
import type { Clock } from '../shared/clock.js'
import type { Catalogue } from '../catalogue/load.js'
import type { Transactor } from '../db/executor.js'
import type { Repositories } from '../repositories/index.js'
import { createAccessService } from './access.js'

export interface ServiceDeps {
  clock: Clock
  catalogue: Catalogue
  transactor: Transactor
  repos: Repositories
  baseUrl: string
}

export function createServices (deps: ServiceDeps) {
  const access = createAccessService({ scope: deps.repos.scope })
  return {
    access,
  }
}
export type Services = ReturnType<typeof createServices>
