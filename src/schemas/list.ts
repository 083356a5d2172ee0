// OParl 1.1 list envelope: data + pagination + links (first/prev/self/next/last).
export interface ListPage<T> { items: T[]; total: number }

export function listReply<T> (page: ListPage<T>, opts: { baseUrl: string; path: string; query: Record<string, unknown>; limit: number; offset: number }) {
  const { limit, offset } = opts
  const totalPages = Math.max(1, Math.ceil(page.total / limit))
  const currentPage = Math.floor(offset / limit) + 1
  const link = (off: number) => {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(opts.query)) {
      if (v === undefined || v === null || k === 'offset' || k === 'limit') continue
      params.set(k, String(v))
    }
    params.set('limit', String(limit))
    params.set('offset', String(off))
    return `${opts.baseUrl}${opts.path}?${params.toString()}`
  }
  const lastOffset = (totalPages - 1) * limit
  return {
    data: page.items,
    pagination: { totalElements: page.total, elementsPerPage: limit, currentPage, totalPages },
    links: {
      first: link(0),
      ...(offset > 0 ? { prev: link(Math.max(0, offset - limit)) } : {}),
      self: link(offset),
      ...(offset + limit < page.total ? { next: link(offset + limit) } : {}),
      last: link(lastOffset),
    },
  }
}
