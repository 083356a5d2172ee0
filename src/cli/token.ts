// npm run token -- create --role admin|editor [--municipality oyer] --label "..." | list | revoke <id>
import { fail, readArgs } from './args.js'
import { openCliContext } from './context.js'
import type { TokenRole } from '../domain/vocabulary.js'
import { ServiceError } from '../shared/errors.js'

const USAGE = 'Bruk: npm run token -- create --role admin|editor [--municipality <slug>] --label "…" | list | revoke <id>'
const MESSAGES: Record<string, string> = {
  'token.invalid_role': '--role må være admin eller editor',
  'token.label_required': '--label er påkrevd (hvem eller hva tokenet er til)',
  'token.municipality_required': 'Et editor-token må ha --municipality <slug>',
  'token.admin_municipality': 'Et admin-token gjelder alle kommuner; dropp --municipality',
}

const { positionals, values } = readArgs({ role: { type: 'string' }, municipality: { type: 'string' }, label: { type: 'string' } }, USAGE)
const [command, arg] = positionals
const context = await openCliContext()
const tokens = context.services.tokens

try {
  if (command === 'create') {
    try {
      const role = (values.role ?? '') as TokenRole
      const { id, token } = await tokens.create({ label: values.label ?? '', role, municipality: values.municipality ?? null })
      process.stdout.write(`Token ${id} (${role}${values.municipality ? `, ${values.municipality}` : ''}) – vises bare én gang:\n${token}\n`)
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err
      fail(MESSAGES[err.code] ?? (err.code === 'token.unknown_municipality' ? `Ukjent kommune: ${values.municipality}` : err.message))
    }
  } else if (command === 'list') {
    const list = await tokens.list()
    if (list.length === 0) process.stdout.write('Ingen tokens ennå. Lag et med: npm run token -- create --role admin --label "…"\n')
    for (const t of list) {
      const state = t.revokedAt ? `tilbakekalt ${new Date(t.revokedAt).toISOString()}` : 'aktiv'
      process.stdout.write(`${t.id}\t${t.role}\t${t.municipality ?? '-'}\t${state}\t${t.label}\n`)
    }
  } else if (command === 'revoke') {
    if (!arg || !/^\d+$/.test(arg)) fail('Bruk: npm run token -- revoke <id>')
    if (!await tokens.revoke(Number(arg))) fail(`Fant ikke et aktivt token med id ${arg}`)
    process.stdout.write(`Token ${arg} er tilbakekalt\n`)
  } else {
    fail(USAGE)
  }
} finally {
  await context.close()
}
