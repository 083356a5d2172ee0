export interface Clock { now (): Date }

export const systemClock: Clock = { now: () => new Date() }

/** A clock for tests and one-shot commands (`--now`). */
export function fixedClock (initial: Date | string): Clock & { set (d: Date | string): void; advance (ms: number): void } {
  let current = new Date(initial)
  return {
    now: () => new Date(current),
    set: d => { current = new Date(d) },
    advance: ms => { current = new Date(current.getTime() + ms) },
  }
}
