import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { mentionsHost, readCommentFacts } from '../../src/register/comment-facts.js'

const REGION = ['Lillehammer', 'Gausdal', 'Øyer']
const read = (comment: string) => readCommentFacts(comment, REGION)

describe('readCommentFacts: host', () => {
  it.each([
    ['Lillehammer vertskommune', 'Lillehammer'],
    ['Ringsaker er vertskommune', 'Ringsaker'],
    ['vertskommune: Hamar', 'Hamar'],
    ['Vertskommunen er Ringebu', 'Ringebu'],
    ['Nord-Fron vertskommune', 'Nord-Fron'],
    ['Nordre Land er vertskommune', 'Nordre Land'],
    ['Lillehammer kommune er vertskommune', 'Lillehammer'],
    ['46 kommuner, Hamar vertskommune', 'Hamar'],
    ['Med Ringebu. Lillehammer vertskommune', 'Lillehammer'],
    ['Samarbeid med Gausdal som vertskommune', 'Gausdal'],
  ])('reads %j as hosted by %s', (comment, host) => {
    expect(read(comment).host).toBe(host)
  })

  it('spells a column municipality as its column does, whatever the case in the comment', () => {
    expect(read('øyer er vertskommune').host).toBe('Øyer')
    expect(read('Mer om dette: LILLEHAMMER vertskommune').host).toBe('Lillehammer')
  })

  it('takes the last host named, so that a fact appended later corrects an earlier one', () => {
    expect(read('Gausdal vertskommune fram til 2018. Lillehammer vertskommune.').host).toBe('Lillehammer')
  })

  it('reads no host when the vertskommune cannot be named, but still notices the mention', () => {
    const comment = 'Vertskommune ikke avklart'
    expect(read(comment).host).toBeNull()
    expect(mentionsHost(comment)).toBe(true)
  })

  it('does not take "vertskommunesamarbeid" for a mention of a vertskommune', () => {
    expect(mentionsHost('Administrativt vertskommunesamarbeid')).toBe(false)
    expect(mentionsHost('Lillehammer vertskommune.')).toBe(true)
  })
})

describe('readCommentFacts: named extra participants', () => {
  it.each<[string, string[]]>([
    ['Med Ringebu', ['Ringebu']],
    ['Nord-Fron er med', ['Nord-Fron']],
    ['Med Ringebu og Sør-Fron', ['Ringebu', 'Sør-Fron']],
    ['Med Ringebu, Sør-Fron og Nord-Fron', ['Ringebu', 'Sør-Fron', 'Nord-Fron']],
    ['Ringebu og Sør-Fron er med', ['Ringebu', 'Sør-Fron']],
    ['Med OFK', ['Oppland fylkeskommune']],
    ['Med Oppland fylkeskommune', ['Oppland fylkeskommune']],
    ['Med Ringebu kommune', ['Ringebu']],
    ['Med flere kommuner og OFK', ['Oppland fylkeskommune']],
    ['Øyer vertskommune. Nord-Fron er med', ['Nord-Fron']],
  ])('reads %j as naming %j', (comment, extras) => {
    expect(read(comment).extraParticipants).toEqual(extras)
  })

  it.each([
    'Med flere kommuner',
    'Flere kommuner med',
    'Med flere andre kommuner',
    'Med Flere kommuner',
    'Med eierpost i Eidsiva',
    'Kjøp av tjenester fra Lillehammer',
    'Jfr. digitaliseringsstrategien vedtatt i kommunestyrene',
    'Årlig formannskapskonferanse',
  ])('names nobody in %j', (comment) => {
    expect(read(comment).extraParticipants).toEqual([])
  })

  it('leaves out the column municipalities and the host: they are already participants', () => {
    expect(read('Med Gausdal og Ringebu. Ringebu vertskommune').extraParticipants).toEqual([])
    expect(read('Med Lillehammer og Ringebu').extraParticipants).toEqual(['Ringebu'])
  })

  it('names each participant once', () => {
    expect(read('Med Ringebu. Ringebu er med').extraParticipants).toEqual(['Ringebu'])
  })
})

describe('readCommentFacts: official names as SSB writes them', () => {
  it.each<[string, string[]]>([
    ['Med Herøy (Nordland) og Deatnu - Tana.', ['Herøy (Nordland)', 'Deatnu - Tana']],
    ['Med Oslo - Oslove, Hattfjelldal og Våler (Innlandet).', ['Oslo - Oslove', 'Hattfjelldal', 'Våler (Innlandet)']],
    ['Med Gáivuotna - Kåfjord - Kaivuono.', ['Gáivuotna - Kåfjord - Kaivuono']],
    ['Med Møre og Romsdal fylkeskommune (MRFK).', ['Møre og Romsdal fylkeskommune']],
    ['Med Ringebu (fra 2020).', ['Ringebu']],
  ])('keeps a county in parentheses and both halves of a bilingual name: %j', (comment, names) => {
    expect(read(comment).extraParticipants).toEqual(names)
  })

  it('reads a host written with its county', () => {
    expect(read('Herøy (Møre og Romsdal) vertskommune').host).toBe('Herøy (Møre og Romsdal)')
    expect(read('Snåase - Snåsa vertskommune.').host).toBe('Snåase - Snåsa')
  })
})

describe('readCommentFacts: vague mentions of other participants', () => {
  it.each([
    ['Med flere kommuner', 'Med flere kommuner'],
    ['Flere kommuner med', 'Flere kommuner med'],
    ['Med flere andre kommuner', 'Med flere andre kommuner'],
    ['5 eierkommuner i tillegg', '5 eierkommuner i tillegg'],
    ['Kommunene i Oppland', 'Kommunene i Oppland'],
    ['46 kommuner, Hamar vertskommune', '46 kommuner'],
    ['Med flere kommuner og OFK. Avtalen er sagt opp.', 'Med flere kommuner og OFK'],
    [
      'Med Ringebu. Flere kommuner i deler av samarbeidet. Kommunalsjefgruppe koordinerer.',
      'Flere kommuner i deler av samarbeidet',
    ],
  ])('keeps %j as the note %j', (comment, note) => {
    expect(read(comment).otherParticipantsNote).toBe(note)
  })

  it('joins several vague sentences into one note', () => {
    expect(read('Flere kommuner med. 5 eierkommuner i tillegg').otherParticipantsNote).toBe(
      'Flere kommuner med. 5 eierkommuner i tillegg'
    )
  })

  it.each(['Med Ringebu', 'Lillehammer vertskommune', 'Jfr. digitaliseringsstrategien vedtatt i kommunestyrene', ''])(
    'has no note for %j',
    (comment) => {
      expect(read(comment).otherParticipantsNote).toBeNull()
    }
  )
})

describe('readCommentFacts: termination', () => {
  it.each(['Avtalen er sagt opp.', 'Med OFK. Avtalen er sagt opp.', 'Sagt opp fra 2019', 'Avviklet i 2018', 'Samarbeidet er oppsagt'])(
    'reads %j as terminated',
    (comment) => {
      expect(read(comment).terminated).toBe(true)
    }
  )

  it.each(['Lillehammer vertskommune', 'Avtalen er ikke sagt opp', 'Oppsigelse vurderes', ''])(
    'does not read %j as terminated',
    (comment) => {
      expect(read(comment).terminated).toBe(false)
    }
  )
})

describe('readCommentFacts: all facts at once', () => {
  it('reads the comment of INNOFF in the 2019 register', () => {
    expect(read('Med flere kommuner og OFK. Avtalen er sagt opp.')).toEqual({
      host: null,
      extraParticipants: ['Oppland fylkeskommune'],
      otherParticipantsNote: 'Med flere kommuner og OFK',
      relations: [],
      terminated: true,
    })
  })

  it('works without a list of known municipalities', () => {
    expect(readCommentFacts('Med Ringebu. Lillehammer vertskommune')).toEqual({
      host: 'Lillehammer',
      extraParticipants: ['Ringebu'],
      otherParticipantsNote: null,
      relations: [],
      terminated: false,
    })
  })

  it('reads nynorsk: "Med fleire kommunar", "Avtala er sagt opp", "deltek", "er òg med"', () => {
    const valdres = ['Nord-Aurdal', 'Etnedal', 'Vang']
    expect(readCommentFacts('Med fleire kommunar og OFK. Avtala er sagt opp.', valdres)).toEqual({
      host: null, extraParticipants: ['Oppland fylkeskommune'], otherParticipantsNote: 'Med fleire kommunar og OFK', relations: [], terminated: true,
    })
    expect(readCommentFacts('Nord-Aurdal er vertskommune. Lærdal deltek.', valdres)).toMatchObject({ host: 'Nord-Aurdal', extraParticipants: ['Lærdal'] })
    expect(readCommentFacts('Hemsedal er òg med', valdres).extraParticipants).toEqual(['Hemsedal'])
    expect(readCommentFacts('Alle kommunane i Valdres', valdres).otherParticipantsNote).toBe('Alle kommunane i Valdres')
    expect(readCommentFacts('Avtalen er oppsagt', valdres).terminated).toBe(true)
    expect(readCommentFacts('Avtala er ikkje sagt opp', valdres).terminated).toBe(false)
  })

  it.each([
    ['Med Nore og Uvdal, Flesberg og Rollag', null, ['Nore og Uvdal', 'Flesberg', 'Rollag']],
    ['Nore og Uvdal vertskommune. Med Evje og Hornnes', 'Nore og Uvdal', ['Evje og Hornnes']],
    ['Med Møre og Romsdal fylkeskommune og Ålesund', null, ['Møre og Romsdal fylkeskommune', 'Ålesund']],
    ['Evje og Hornnes og Bygland deltar', null, ['Evje og Hornnes', 'Bygland']],
  ])('does not split a name with "og" in it: %s', (comment, host, extra) => {
    const facts = readCommentFacts(comment, [])
    expect(facts.host).toBe(host)
    expect(facts.extraParticipants).toEqual(extra)
    expect(facts.relations).toEqual([])
  })

  it.each([
    ['Med Valdres natur- og kulturpark', ['Valdres natur- og kulturpark'], []],
    ['Med Ringebu og Valdres næringshage', ['Valdres næringshage'], ['Ringebu']],
    ['Med Vang kommune frå 2020', [], ['Vang']],
    ['Med Oppland fylkeskommune', [], ['Oppland fylkeskommune']],
  ])('a name followed by lower-case words is another collaboration, not a municipality: %s', (comment, relations, extra) => {
    const facts = readCommentFacts(comment, ['Nord-Aurdal'])
    expect(facts.relations).toEqual(relations)
    expect(facts.extraParticipants).toEqual(extra)
  })

  it('never throws, and never names a column municipality, the host or a vague group as an extra participant', () => {
    const words = fc.constantFrom(
      'Med', 'med', 'Ringebu', 'Lillehammer', 'øyer', 'OFK', 'flere', 'Flere', 'kommuner', 'og', 'er', 'vertskommune',
      'vertskommune:', 'sagt', 'opp', 'ikke', ',', '.', 'Nord-Fron', 'kommune', 'fylkeskommune', '(', ')', '*'
    )
    const comment = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 120 }),
      fc.array(words, { maxLength: 20 }).map((ws) => ws.join(' '))
    )
    fc.assert(
      fc.property(comment, (text) => {
        const facts = read(text)
        const lower = facts.extraParticipants.map((n) => n.toLowerCase())
        for (const m of REGION) expect(lower).not.toContain(m.toLowerCase())
        if (facts.host !== null) expect(lower).not.toContain(facts.host.toLowerCase())
        for (const name of lower) expect(name).not.toMatch(/^flere|kommuner/)
      })
    )
  })
})
