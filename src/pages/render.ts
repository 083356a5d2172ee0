import { fileURLToPath } from 'node:url'
import { Eta } from 'eta'

export const pageTemplatesDir = fileURLToPath(new URL('../../templates/pages', import.meta.url))

/**
 * Eta with auto-escaping on: `<%= %>` escapes & < > " ' for text and attribute values alike (also in the
 * SVG, where the same five entities are valid XML). `<%~ %>` is kept for trusted markup only: a layout's
 * body and the output of include().
 */
export function createPageRenderer (dir: string = pageTemplatesDir) {
  const eta = new Eta({ views: dir, cache: true, autoEscape: true, autoTrim: [false, 'nl'] })
  return (template: string, data: object): string => eta.render(template, data)
}
export type PageRenderer = ReturnType<typeof createPageRenderer>
