// A representantskap or generalforsamling of a jointly owned company is prepared by each owner:
// its formannskap (or kommunestyre) treats the case before the meeting (KS-organisasjonen's
// recommendations 6 and 8; governance-obligations §3a). Each such preparation is an occurrence of
// its own (the engine derives it from the meeting: src/domain/occurrence-engine.ts), with a stable
// id, a status and a case reference.
import type { BodyKind } from './vocabulary.js'

/** The event type of the owners' preparation deadlines, which no rule holds (they are derived). */
export const OWNER_PREPARATION_TYPE = 'eierbehandling'
/** The bodies whose meetings the owners prepare. */
export const OWNER_MEETING_KINDS: ReadonlySet<BodyKind> = new Set<BodyKind>(['representantskap', 'generalforsamling'])
/**
 * What the read model says about every owner preparation, in the shape of a catalogue event type (the
 * catalogue holds only statutory types with Lovdata references; this one rests on a recommendation).
 */
export const OWNER_PREPARATION_EVENT = {
  name: 'Eierbehandling',
  kind: 'deadline',
  category: 'ownership',
  basis: 'practice',
  unverified: null,
  legalBasis: [{
    act: 'KS-organisasjonens anbefalinger om eierstyring',
    section: 'nr. 6 og 8',
    url: 'https://www.fkt.no/fagtema/kommunalrett/21-anbefalinger-om-eierskap-selskapsledelse-og-kontroll/',
  }],
  requiresDocument: false,
  requiresApproval: false,
  reminderOffsetsDays: [14, 3],
} as const

const SEPARATOR = '#eier:'

/**
 * The stored key of an owner's preparation: the meeting's original key and the owner's slug,
 * e.g. '2027-03-15T10:00#eier:lillehammer'. Its occurrence id is '12-20270315T1000-eier-lillehammer'.
 */
export function ownerPreparationKey (meetingKey: string, ownerSlug: string): string {
  return `${meetingKey}${SEPARATOR}${ownerSlug}`
}

/** Splits a preparation key; null for any other key. */
export function parseOwnerPreparationKey (key: string): { meetingKey: string; ownerSlug: string } | null {
  const at = key.indexOf(SEPARATOR)
  return at < 0 ? null : { meetingKey: key.slice(0, at), ownerSlug: key.slice(at + SEPARATOR.length) }
}

export function ownerPreparationTitle (meetingBodyName: string): string {
  return `Eierbehandling før møte i ${meetingBodyName}`
}
