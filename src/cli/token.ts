// npm run token -- create --role admin|editor [--municipality oyer] --label "..." | list | revoke <id>
import { parseArgs } from 'node:util'
import { openCliContext } from './context.js'
import { TOKEN_ROLES, type TokenRole } from '../domain/vocabulary.js'

function fail (message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(2)
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { role: { type: 'string' }, municipality: { type: 'string' }, label: { type: 'string' } },
})
const [command, arg] = positionals
const context = openCliContext()
const { repos } = context
const { sqlite } = context.database

try {
  if (command === 'create') {
    const role = values.role as TokenRole | undefined
    if (!role || !TOKEN_ROLES.includes(role)) fail('--role må være admin eller editor')
    if (!values.label) fail('--label er påkrevd (hvem eller hva tokenet er til)')
    let municipalityId: number | null = null
    if (role === 'editor') {
      if (!values.municipality) fail('Et editor-token må ha --municipality <slug>')
      const m = repos.municipalities.find(values.municipality)
      if (!m || m.deleted) fail(`Ukjent kommune: ${values.municipality}`)
      municipalityId = m.id
    } else if (values.municipality) fail('Et admin-token gjelder alle kommuner; dropp --municipality')
    const { id, token } = repos.tokens.create({ label: values.label, role, municipalityId })
    process.stdout.write(`Token ${id} (${role}${values.municipality ? `, ${values.municipality}` : ''}) – vises bare én gang:\n${token}\n`)
  } else if (command === 'list') {
    for (const t of repos.tokens.list()) {
      const state = t.revokedAt ? `tilbakekalt ${new Date(t.revokedAt).toISOString()}` : 'aktiv'
      process.stdout.write(`${t.id}\t${t.role}\t${t.municipality ?? '-'}\t${state}\t${t.label}\n`)
    }
  } else if (command === 'revoke') {
    if (!arg || !/^\d+$/.test(arg)) fail('Bruk: npm run token -- revoke <id>')
    if (!repos.tokens.revoke(Number(arg))) fail(`Fant ikke et aktivt token med id ${arg}`)
    process.stdout.write(`Token ${arg} er tilbakekalt\n`)
  } else {
    fail('Bruk: npm run token -- create --role admin|editor [--municipality <slug>] --label "…" | list | revoke <id>')
  }
} finally {
  sqlite.close()
}
