// The real entry points as an operator starts them (`node --import tsx src/server.ts`, a CLI command),
// for test/server.test.ts and test/server.sqlite.test.ts.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect } from 'vitest'

export const ROOT = path.resolve(import.meta.dirname, '../..')

export interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs a script under tsx with the given environment; `untilListening`: SIGTERM once the server listens. */
export function run (script: string, env: Record<string, string>, args: string[] = [], untilListening = false, cwd = ROOT): Promise<Run> {
  return new Promise((resolve, reject) => {
    const tsx = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href
    const child = spawn(process.execPath, ['--import', tsx, path.resolve(ROOT, script), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', SEED: 'off', REMINDERS: 'off', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let stopped = false
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (untilListening && !stopped && stdout.includes('Server listening')) {
        stopped = true
        child.kill('SIGTERM')
      }
    })
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }) })
  })
}

export function expectOneLine (r: Run, file: string, problem: RegExp) {
  expect(r.code, r.stderr).not.toBe(0)
  expect(r.code).not.toBeNull()
  const lines = r.stderr.split('\n').filter(l => l !== '')
  expect(lines, r.stderr).toHaveLength(1)
  expect(lines[0]).toContain(file)
  expect(lines[0]).toMatch(problem)
  expect(r.stderr).not.toContain('    at ')
}
