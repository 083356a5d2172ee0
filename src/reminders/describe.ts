// Plain-text listing of what a run would send (npm run reminders -- --dry-run).
import { instantToLocal } from '../domain/local-time.js'
import type { Plan } from './planner.js'
import type { OutboxInsert } from '../repositories/outbox.js'
import { numericDate } from '../presenters/vocabulary.js'
import type { DigestPayload } from './payload.js'

const what = (key: string, days: number, kind: string) => {
  if (kind === 'before') return days === 0 ? 'på fristdagen' : `${days} dager før`
  if (kind === 'overdue') return `purring ${key.replace(/^overdue-(\d+)@.*$/, '$1')} (${days} dager over)`
  return `eskalering (${days} dager over)`
}
const to = (r: OutboxInsert) => `${r.recipient.replace(/^mailto:/, '')} (${r.channel === 'email' ? 'e-post' : 'webhook'})`
type Occ = Plan['items'][number]['occurrence']
/** A meeting is named by its body (its rule's title is the møteplan's); a deadline by what and for whom. */
const label = (o: Occ) => (o.kind === 'meeting' ? `møte ${numericDate(o.date)}  ` : `frist ${numericDate(o.date)}  `)
const name = (o: Occ) => (o.kind === 'meeting' ? `Møte i ${o.responsibleBody?.name ?? o.title}` : `${o.title} – ${o.subject.name}`)

export function describePlan (plan: Plan & { newKeys: Set<string> }, now: Date, zone: string, pending: number): string {
  const local = instantToLocal(now, zone)
  const lines = [`Påminnelser for ${numericDate(plan.day)} (tidspunkt ${numericDate(local.slice(0, 10))} kl. ${local.slice(11)} ${zone}) – tørrkjøring: ingenting sendes eller lagres.`, '']
  const addressed = plan.items.filter(i => i.rows.length > 0)
  const fresh = addressed.flatMap(i => i.rows.filter(r => plan.newKeys.has(r.outboxKey)).map(r => ({ i, r })))
  lines.push(`Ville blitt sendt nå (${fresh.length}):`)
  for (const { i, r } of fresh) {
    const o = i.occurrence
    lines.push(`  ${label(o)}${what(i.reminder.key, i.reminder.days, i.reminder.kind).padEnd(26)} ${name(o)}  → ${to(r)}`)
  }
  if (fresh.length === 0) lines.push('  (ingen)')
  const already = addressed.reduce((n, i) => n + i.rows.length, 0) - fresh.length
  if (already > 0) lines.push(`  (${already} påminnelser som er forfalt i dag, ligger allerede i utboksen)`)
  const digests = plan.digests.filter(d => plan.newKeys.has(d.outboxKey))
  if (digests.length > 0) {
    lines.push('', `Ukeoversikter (${digests.length}):`)
    for (const d of digests) {
      const p = d.payload as DigestPayload
      lines.push(`  ${p.municipality.name}, uke ${p.digest.week}: ${p.overdue.length} forfalt, ${p.upcoming.length} de neste 30 dagene  → ${to(d)}`)
    }
  }
  const unaddressed = plan.items.filter(i => i.rows.length === 0)
  lines.push('', `Forfalt i dag, men uten abonnent (${unaddressed.length}):`)
  for (const i of unaddressed) {
    const o = i.occurrence
    lines.push(`  ${label(o)}${what(i.reminder.key, i.reminder.days, i.reminder.kind).padEnd(26)} ${name(o)}${o.kind !== 'meeting' && o.responsibleBody ? ` (${o.responsibleBody.name})` : ''}`)
  }
  if (unaddressed.length === 0) lines.push('  (ingen)')
  lines.push('', `Venter i utboksen fra før: ${pending}`)
  return lines.join('\n') + '\n'
}
