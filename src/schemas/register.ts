import { Type, type Static } from 'typebox'
import { BODY_KINDS, COLLABORATION_STATUSES, FEED_VISIBILITIES, LEGAL_FORMS, MUNICIPALITY_KINDS, PARTICIPATION_ROLES } from '../domain/vocabulary.js'
import { DateString, FeedLinks, Line, ListQueryBase, Name, Nullable, Num, Slug, Strict, Text, Timestamp } from './common.js'

const NullableLine = (max: number) => Nullable(Line(max))
const NullableText = (max: number) => Nullable(Text(max))
const Lifecycle = { created: Timestamp, modified: Timestamp, deleted: Type.Boolean() }

export const Municipality = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  name: Type.String(),
  kind: Type.Enum([...MUNICIPALITY_KINDS]),
  county: Nullable(Type.String()),
  organisasjonsnummer: Nullable(Type.String()),
  inRegion: Type.Boolean(),
  kommunenummer: Nullable(Type.String({ description: 'SSBs kommunenummer (fylkeskommune: fylkesnummer); null utenfor SSBs liste' })),
  trackingFrom: Nullable(Type.String({ description: 'Sporingsstart (YYYY-MM-DD): det som forfalt før, er «ikke registrert», aldri forfalt' })),
  feed: Type.Optional(FeedLinks),
  ...Lifecycle,
}, { $id: 'Municipality' })

export const MunicipalityCreate = Strict({
  slug: Slug,
  name: Name(),
  kind: Type.Enum([...MUNICIPALITY_KINDS]),
  county: Type.Optional(NullableLine(100)),
  organisasjonsnummer: Type.Optional(Nullable(Type.String({ pattern: '^\\d{9}$', description: '9 siffer med mod-11-kontrollsiffer' }))),
  inRegion: Type.Optional(Type.Boolean()),
})
export const MunicipalityUpdate = Type.Partial(Strict({
  ...MunicipalityCreate.properties,
  trackingFrom: Nullable(DateString),
}), { additionalProperties: false, minProperties: 1 })
/** POST /municipalities/onboard: by kommunenummer or names, a county, or all of the official list. */
export const MunicipalityOnboard = Strict({
  municipalities: Type.Optional(Type.Array(Name(), { maxItems: 500, description: 'Kommunenummer eller navn slik registre skriver dem («3405», «Gausdal», «Herøy (Nordland)»)' })),
  county: Type.Optional(Line(100, { minLength: 1, description: 'Fylkesnummer eller fylke: alle kommunene og fylkeskommunen' })),
  all: Type.Optional(Type.Boolean({ description: 'Hele SSBs liste' })),
  trackingFrom: Type.Optional(DateString),
  dryRun: Type.Optional(Type.Boolean()),
})
export const OnboardingReport = Type.Object({
  dryRun: Type.Boolean(),
  trackingFrom: Type.String(),
  onboarded: Type.Array(Type.Object({
    kommunenummer: Type.String(),
    slug: Type.String(),
    name: Type.String(),
    kind: Type.Enum([...MUNICIPALITY_KINDS]),
    status: Type.Enum(['created', 'restored', 'joined', 'already']),
    note: Nullable(Type.String()),
  })),
  governance: Type.Object({ created: Type.Integer(), existing: Type.Integer(), perPackage: Type.Record(Type.String(), Type.Integer()), moteplaner: Type.Integer() }),
}, { $id: 'OnboardingReport' })
export const MunicipalityQuery = Strict({
  ...ListQueryBase,
  kind: Type.Optional(Type.Enum([...MUNICIPALITY_KINDS])),
  inRegion: Type.Optional(Type.Boolean()),
  sort: Type.Optional(Type.Enum(['name', '-name', 'modified', '-modified', 'id'])),
})

export const Body = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  name: Type.String(),
  kind: Type.Enum([...BODY_KINDS]),
  owner: Type.Object({ type: Type.Enum(['municipality', 'collaboration']), slug: Type.String(), name: Type.String() }),
  feedVisibility: Type.Enum([...FEED_VISIBILITIES]),
  feed: Type.Optional(FeedLinks),
  ...Lifecycle,
}, { $id: 'Body' })
export const BodyCreate = Strict({
  slug: Slug,
  name: Name(),
  kind: Type.Enum([...BODY_KINDS]),
  municipality: Type.Optional(Nullable(Slug)),
  collaboration: Type.Optional(Nullable(Slug)),
  feedVisibility: Type.Optional(Type.Enum([...FEED_VISIBILITIES])),
})
export const BodyUpdate = Type.Partial(Strict({ slug: Slug, name: Name(), kind: Type.Enum([...BODY_KINDS]), feedVisibility: Type.Enum([...FEED_VISIBILITIES]) }), { additionalProperties: false, minProperties: 1 })
export const BodyQuery = Strict({
  ...ListQueryBase,
  kind: Type.Optional(Type.Enum([...BODY_KINDS])),
  municipality: Type.Optional(Slug),
  collaboration: Type.Optional(Slug),
  sort: Type.Optional(Type.Enum(['name', '-name', 'modified', '-modified', 'id'])),
})

const ParticipantInput = Strict({
  municipality: Slug,
  role: Type.Optional(Type.Enum([...PARTICIPATION_ROLES])),
  ownershipShare: Type.Optional(Nullable(Num(0, 100, { description: 'Eierandel i prosent' }))),
})
const CollaborationFields = {
  slug: Slug,
  name: Name(),
  legalForm: Type.Enum([...LEGAL_FORMS]),
  area: Type.Optional(NullableLine(200)),
  hostMunicipality: Type.Optional(Nullable(Slug)),
  parent: Type.Optional(Nullable(Slug)),
  status: Type.Optional(Type.Enum([...COLLABORATION_STATUSES])),
  terminatedOn: Type.Optional(Nullable(DateString)),
  statusNote: Type.Optional(NullableText(500)),
  otherParticipants: Type.Optional(NullableText(500)),
  comment: Type.Optional(NullableText(2000)),
  validFrom: Type.Optional(Nullable(DateString)),
  validTo: Type.Optional(Nullable(DateString)),
  participants: Type.Optional(Type.Array(ParticipantInput, { maxItems: 400 })),
}
export const CollaborationCreate = Strict(CollaborationFields)
export const CollaborationUpdate = Type.Partial(Strict(CollaborationFields), { additionalProperties: false, minProperties: 1 })
export type CollaborationCreate = Static<typeof CollaborationCreate>

export const Collaboration = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  name: Type.String(),
  legalForm: Type.Enum([...LEGAL_FORMS]),
  legalFormRaw: Nullable(Type.String()),
  area: Nullable(Type.String()),
  host: Nullable(Type.Object({ slug: Type.String(), name: Type.String() })),
  parent: Nullable(Type.String()),
  status: Type.Enum([...COLLABORATION_STATUSES]),
  terminatedOn: Nullable(Type.String()),
  statusNote: Nullable(Type.String()),
  otherParticipants: Nullable(Type.String()),
  comment: Nullable(Type.String()),
  validFrom: Nullable(Type.String()),
  validTo: Nullable(Type.String()),
  participants: Type.Array(Type.Object({ municipality: Type.String(), name: Type.String(), role: Type.Enum([...PARTICIPATION_ROLES]), ownershipShare: Nullable(Type.Number()) })),
  bodies: Type.Array(Type.Object({ slug: Type.String(), name: Type.String(), kind: Type.String() })),
  feed: Type.Optional(FeedLinks),
  ...Lifecycle,
}, { $id: 'Collaboration' })
export const CollaborationQuery = Strict({
  ...ListQueryBase,
  area: Type.Optional(Line(200)),
  form: Type.Optional(Type.Enum([...LEGAL_FORMS])),
  municipality: Type.Optional(Slug),
  status: Type.Optional(Type.Enum([...COLLABORATION_STATUSES])),
  sort: Type.Optional(Type.Enum(['name', '-name', 'area', 'modified', '-modified', 'id'])),
})

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  actor: Type.String(),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
})

export const ImportReport = Type.Object({
  dryRun: Type.Boolean(),
  encoding: Type.String({ description: 'Tegnsettet filen ble lest i (utf-8, utf-16le, utf-16be, windows-1252 …)' }),
  files: Type.Array(Type.Object({
    name: Type.String(),
    encoding: Type.String(),
    entries: Type.Integer(),
    region: Type.Array(Type.String(), { description: 'Kommunene (slug) i filens kolonner: regionen' }),
  })),
  entries: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  municipalitiesCreated: Type.Array(Type.String()),
  warnings: Type.Array(Type.Object({ line: Type.Integer(), code: Type.String(), message: Type.String(), file: Type.Optional(Type.String()) })),
  governance: Type.Union([Type.Object({
    created: Type.Integer({ description: 'Regler opprettet fra styringspakkene' }),
    existing: Type.Integer(),
    perPackage: Type.Record(Type.String(), Type.Integer()),
    moteplaner: Type.Integer({ description: 'Organer som fikk standard møteplan' }),
  }), Type.Null()], { description: 'Styringspakker og standard møteplaner brukt etter importen; null ved dryRun' }),
})
