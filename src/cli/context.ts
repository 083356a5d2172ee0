// What every one-shot command needs: the composition root's dependencies over the configured database.
import { loadConfig } from '../config.js'
import { createDependencies, type Dependencies } from '../composition.js'

export function openCliContext (): Dependencies & { config: ReturnType<typeof loadConfig> } {
  const config = loadConfig()
  return { ...createDependencies({ config }), config }
}
