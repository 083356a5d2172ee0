// npm run login-link (src/cli/login-link.ts) and the first admin's sign-in link in the server's log at
// start-up (src/services/first-admin.ts, src/server.ts): the embedded default of issue 14, so a fresh clone
// gets in with no identity provider. The commands run as an operator starts them, over a real database
// (a SQLite file, or a PostgreSQL database under npm run test:pg).
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { Dependencies } from '../../src/composition.js'
import { fixedClock } from '../../src/shared/clock.js'
import { commandDatabases, envWithoutDatabase, type CommandDatabase } from './databases.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const database = commandDatabases('arshjul-login-link-')
const PUBLIC = 'https://arshjul.example.no'

// vitest sets BASE_URL='/' in the environment: every spawned command gets its own.
const loginLink = (db: CommandDatabase, ...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/login-link.ts', ...args], {
  cwd: root, encoding: 'utf8', env: { ...envWithoutDatabase(), BASE_URL: PUBLIC, ...db.env },
})

/** What the database says about a link and its user (a second process, like a second instance). */
async function inspect (db: CommandDatabase, fn: (deps: Dependencies) => Promise<unknown>) {
  const deps = await db.open({ baseUrl: PUBLIC })
  try {
    await fn(deps)
  } finally {
    await deps.close()
  }
}

const linkOf = (stdout: string) => /(https:\/\/arshjul\.example\.no\/logg-inn\/lenke\/(lenke_[A-Za-z0-9_-]+))/.exec(stdout)

describe('npm run login-link', { timeout: 400_000 }, () => {
  it('creates the user with the admin role and prints a single-use link valid 15 minutes', async () => {
    const db = await database()
    const run = loginLink(db, '--email', 'Kari@Oyer.Kommune.no', '--name', 'Kari Nordmann', '--role', 'admin')
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toContain('Innloggingslenke for Kari Nordmann <kari@oyer.kommune.no> – admin. Virker én gang, i 15 minutter')
    // The expiry in Norwegian wall time, as the reader's clock shows it, not UTC.
    expect(run.stdout).toMatch(/\(til \d{4}-\d{2}-\d{2} kl\. \d{2}:\d{2} norsk tid\)/)
    const [, , secret] = linkOf(run.stdout)!
    await inspect(db, async deps => {
      expect(await deps.services.people.checkLoginLink(secret!)).toBe('ok')
      const user = (await deps.services.people.findByEmail('kari@oyer.kommune.no'))!
      const view = await deps.services.people.get(user.id)
      expect(view.roles.map(r => r.role)).toEqual(['admin'])
      await deps.services.people.signInWithLink(secret!)
      expect(await deps.services.people.checkLoginLink(secret!)).toBe('used')
    })
    // A second link for the same person: no second user, the role kept.
    const again = loginLink(db, '--email', 'kari@oyer.kommune.no')
    expect(again.status, again.stderr).toBe(0)
    expect(again.stdout).toContain('Kari Nordmann <kari@oyer.kommune.no> – admin')
    expect(linkOf(again.stdout)![2]).not.toBe(secret)
  })

  it('an editor of a municipality and a sekretariat of a kontrollutvalg, on a seeded database; the link expires after 15 minutes', async () => {
    const db = await database({ seed: true })
    const editor = loginLink(db, '--email', 'ola@oyer.kommune.no', '--municipality', 'oyer')
    expect(editor.status, editor.stderr).toBe(0)
    expect(editor.stdout).toContain('ola <ola@oyer.kommune.no> – redaktør (oyer)')
    const sek = loginLink(db, '--email', 'sek@kontrollutvalg.no', '--kontrollutvalg', 'oyer-kontrollutvalg')
    expect(sek.status, sek.stderr).toBe(0)
    expect(sek.stdout).toContain('sekretariat (oyer-kontrollutvalg)')
    // A secretariat serving several kontrollutvalg names each (issue 15).
    const shared = loginLink(db, '--email', 'felles@kusek.no', '--kontrollutvalg', 'gausdal-kontrollutvalg', '--kontrollutvalg', 'oyer-kontrollutvalg')
    expect(shared.status, shared.stderr).toBe(0)
    expect(shared.stdout).toContain('sekretariat (gausdal-kontrollutvalg), sekretariat (oyer-kontrollutvalg)')
    const secret = linkOf(editor.stdout)![2]!
    const later = await db.open({ baseUrl: PUBLIC, clock: fixedClock(new Date(Date.now() + 15 * 60_000 + 1000).toISOString()) })
    try {
      expect(await later.services.people.checkLoginLink(secret)).toBe('expired')
    } finally { await later.close() }
  })

  it('mistakes: one line, non-zero exit, nothing created', async () => {
    const db = await database()
    const missing = loginLink(db, '--name', 'Kari')
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/^--email er påkrevd\nBruk: npm run login-link/)
    const bad = loginLink(db, '--email', 'ikke-en-adresse')
    expect(bad.status).toBe(1)
    expect(bad.stderr).toBe('--email: må være en e-postadresse, som navn@kommune.no\n')
    const unknown = loginLink(db, '--email', 'kari@oyer.kommune.no', '--municipality', 'atlantis')
    expect(unknown.status).toBe(1)
    expect(unknown.stderr).toBe('--municipality: ukjent kommune «atlantis»\n')
    const two = loginLink(db, '--email', 'kari@oyer.kommune.no', '--role', 'admin', '--municipality', 'oyer')
    expect(two.status).toBe(2)
    expect(two.stderr).toContain('Oppgi én rolle')
    for (const r of [missing, bad, unknown, two]) expect(r.stderr).not.toMatch(/\n\s+at /)
    await inspect(db, async deps => { expect(await deps.services.people.isEmpty()).toBe(true) })
  })
})

interface Run { code: number | null; stdout: string; stderr: string }

/** `npm start` on this database until it listens, then SIGTERM. */
function startServer (db: CommandDatabase, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', SEED: 'off', REMINDERS: 'off', LOG_LEVEL: 'info', BASE_URL: PUBLIC, ...db.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000)
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.includes('Server listening')) child.kill('SIGTERM')
    })
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    child.on('exit', code => { clearTimeout(timer); resolve({ code, stdout, stderr }) })
  })
}

const logLines = (stdout: string) => stdout.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as { msg: string; level: number; signInUrl?: string })

describe('the first admin at start-up', { timeout: 400_000 }, () => {
  it('an empty user table: the log carries a sign-in link for admin@<host>; the next start does not', async () => {
    const db = await database()
    const first = await startServer(db)
    expect(first.stdout, first.stderr).toContain('Server listening')
    const line = logLines(first.stdout).find(l => l.msg.startsWith('Første innlogging'))!
    expect(line.msg).toMatch(/^Første innlogging: åpne https:\/\/arshjul\.example\.no\/logg-inn\/lenke\/lenke_\S+ innen 15 minutter \(engangslenke for administratoren admin@arshjul\.example\.no\)/)
    const secret = line.signInUrl!.split('/').pop()!
    await inspect(db, async deps => {
      expect(await deps.services.people.checkLoginLink(secret)).toBe('ok')
      const admin = (await deps.services.people.findByEmail('admin@arshjul.example.no'))!
      expect((await deps.services.people.get(admin.id)).roles.map(r => r.role)).toEqual(['admin'])
    })
    const second = await startServer(db)
    expect(second.stdout).toContain('Server listening')
    expect(second.stdout).not.toContain('Første innlogging')
    expect(second.stdout).not.toContain('Ingen aktiv administrator')
  })

  it('ADMIN_EMAIL names the first admin; users but no admin: a warning saying how, and no link', async () => {
    const db = await database()
    const first = await startServer(db, { ADMIN_EMAIL: 'it@oyer.kommune.no' })
    expect(logLines(first.stdout).some(l => l.msg.includes('engangslenke for administratoren it@oyer.kommune.no'))).toBe(true)
    const db2 = await database()
    await inspect(db2, deps => deps.services.people.ensure({ email: 'kari@oyer.kommune.no' }, null))
    const noAdmin = await startServer(db2)
    expect(noAdmin.stdout).not.toContain('Første innlogging')
    expect(logLines(noAdmin.stdout).some(l => l.msg === 'Ingen aktiv administrator. Lag en innloggingslenke for en: npm run login-link -- --email <adresse> --role admin')).toBe(true)
  })
})
