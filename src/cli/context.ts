// What every one-shot command needs: the composition root's dependencies over the configured database.
import { loadConfig } from '../config.js'
import { createDependencies, failStartup, type Dependencies } from '../composition.js'

/** A bad setting or an unusable database ends the command with one line on stderr and exit code 1. */
export async function openCliContext (): Promise<Dependencies & { config: ReturnType<typeof loadConfig> }> {
  let config: ReturnType<typeof loadConfig> | undefined
  try {
    config = loadConfig()
    return { ...await createDependencies({ config }), config }
  } catch (err) {
    return failStartup(err, config?.DATABASE_PATH)
  }
}
