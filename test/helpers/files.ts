// Scratch folders and database files for tests of how the service meets its files (src/db/client.ts,
// src/server.ts). Folders are removed after each test, also when a test took their write bit away.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'
import { createDependencies } from '../../src/composition.js'
import { openDatabase } from '../../src/db/client.js'
import { BASE_URL, catalogue } from './app.js'

/** A `tempDir()` for this test file: each call makes a new folder under the OS's temp folder, gone after the test. */
export function scratchFolders (prefix: string): () => string {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) {
      fs.chmodSync(dir, 0o700)
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
    dirs.push(dir)
    return dir
  }
}

/** A real, migrated database file `dir/real.db` (checkpointed: no -wal beside it), as a fresh server leaves one. */
export async function realDatabase (dir: string): Promise<string> {
  const file = path.join(dir, 'real.db')
  const database = openDatabase(file)
  const deps = await createDependencies({ config: { BASE_URL, DATABASE_PATH: file }, catalogue, database })
  database.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  await deps.close()
  return file
}
