export interface Budget { max: number, timeWindowMs: number }

const WINDOW_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** N requests per window: `100/1m`, `10/15m`, `5/h`. */
export const BUDGET_PATTERN = '^[0-9]+/[0-9]*(ms|s|m|h|d)$'

export function parseBudget (text: string): Budget {
  const [max, window] = text.split('/') as [string, string]
  const [, amount, unit] = /^([0-9]*)(ms|s|m|h|d)$/.exec(window)!
  return { max: Number(max), timeWindowMs: Number(amount === '' ? 1 : amount) * WINDOW_UNITS[unit!]! }
}
