// The overordnet analyse's risk matrix as an SVG heat map (issue 15): a 5 × 5 grid, risk up the side and
// vesentlighet along the bottom, each cell tinted by its score (risk × vesentlighet) and carrying the
// score and the rank numbers of the subjects in it, so colour is never the only cue. Pure geometry; the
// page hides the SVG from assistive technology and follows it with the same data as a table.

/** How high a score is: the cell's tint and the word beside the number. */
export type ScoreLevel = 'lav' | 'middels' | 'hoy' | 'svaert-hoy'

export const SCORE_LEVELS: ReadonlyArray<{ level: ScoreLevel; label: string; from: number; to: number; fill: string }> = [
  { level: 'lav', label: 'lav', from: 1, to: 4, fill: '#dcefdc' },
  { level: 'middels', label: 'middels', from: 5, to: 9, fill: '#fbf0c2' },
  { level: 'hoy', label: 'høy', from: 10, to: 14, fill: '#fbd9b5' },
  { level: 'svaert-hoy', label: 'svært høy', from: 15, to: 25, fill: '#f5c0bc' },
]

/** The level of a score 1–25. */
export function scoreLevel (score: number) {
  return SCORE_LEVELS.find(l => score >= l.from && score <= l.to) ?? SCORE_LEVELS[SCORE_LEVELS.length - 1]!
}

/** One cell as the SVG and the table need it: its coordinates on the scale and the subjects' rank numbers. */
export interface MatrixCellInput { risk: number; materiality: number; ranks: readonly number[] }

const CELL = 100
const LEFT = 72
const TOP = 8
const BOTTOM = 72
const RIGHT = 8
const PER_LINE = 4
const MAX_LINES = 3

export const MATRIX_VIEWBOX = { width: LEFT + 5 * CELL + RIGHT, height: TOP + 5 * CELL + BOTTOM }

/** The rank numbers in a cell as at most three lines of four ('1, 4, 9, 12'); more: '+ 5 til' on the last. */
export function rankLines (ranks: readonly number[]): string[] {
  const lines: string[] = []
  for (let i = 0; i < ranks.length; i += PER_LINE) lines.push(ranks.slice(i, i + PER_LINE).join(', '))
  if (lines.length <= MAX_LINES) return lines
  const shown = (MAX_LINES - 1) * PER_LINE
  return [...lines.slice(0, MAX_LINES - 1), `+ ${ranks.length - shown} til`]
}

export interface SvgText { x: number; y: number; text: string; size: number; weight?: number; anchor?: 'start' | 'middle' | 'end'; rotate?: boolean }
export interface SvgCell { x: number; y: number; width: number; height: number; fill: string; risk: number; materiality: number; texts: SvgText[] }

/**
 * The heat map's shapes: 25 rects with their texts (the score in the corner, rank numbers in the middle)
 * and the axes' numbers and titles. Risk 5 is the top row; vesentlighet 5 the right column.
 */
export function matrixGeometry (cells: readonly MatrixCellInput[]): { viewBox: string; cells: SvgCell[]; labels: SvgText[] } {
  const byKey = new Map(cells.map(c => [`${c.risk}:${c.materiality}`, c]))
  const out: SvgCell[] = []
  for (let risk = 5; risk >= 1; risk--) {
    for (let materiality = 1; materiality <= 5; materiality++) {
      const x = LEFT + (materiality - 1) * CELL
      const y = TOP + (5 - risk) * CELL
      const score = risk * materiality
      const ranks = byKey.get(`${risk}:${materiality}`)?.ranks ?? []
      const lines = rankLines(ranks)
      const texts: SvgText[] = [{ x: x + 8, y: y + 22, text: String(score), size: 16, anchor: 'start' }]
      const first = y + CELL / 2 + 12 - (lines.length - 1) * 11
      lines.forEach((text, i) => texts.push({ x: x + CELL / 2, y: first + i * 22, text, size: 19, weight: 700, anchor: 'middle' }))
      out.push({ x, y, width: CELL, height: CELL, fill: scoreLevel(score).fill, risk, materiality, texts })
    }
  }
  const labels: SvgText[] = []
  for (let n = 1; n <= 5; n++) {
    labels.push({ x: LEFT - 10, y: TOP + (5 - n) * CELL + CELL / 2 + 7, text: String(n), size: 20, weight: 700, anchor: 'end' })
    labels.push({ x: LEFT + (n - 1) * CELL + CELL / 2, y: TOP + 5 * CELL + 26, text: String(n), size: 20, weight: 700, anchor: 'middle' })
  }
  labels.push({ x: 22, y: TOP + 2.5 * CELL, text: 'Risiko →', size: 20, weight: 700, anchor: 'middle', rotate: true })
  labels.push({ x: LEFT + 2.5 * CELL, y: TOP + 5 * CELL + 60, text: 'Vesentlighet →', size: 20, weight: 700, anchor: 'middle' })
  return { viewBox: `0 0 ${MATRIX_VIEWBOX.width} ${MATRIX_VIEWBOX.height}`, cells: out, labels }
}
