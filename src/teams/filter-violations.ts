import type { FastifyBaseLogger } from 'fastify'
import { channels } from '../ops/channels.ts'

// One line a minute per operation is enough to be noticed; a misbehaving upstream would otherwise
// write one for every list page of every user.
const LOG_INTERVAL_MS = 60_000

/** Reports clients of other teams that an upstream list answered despite its `developer` filter. */
export type FilterViolationReporter = (log: FastifyBaseLogger, operation: string, team: string, dropped: number) => void

/**
 * Every report is counted (bff_upstream_filter_violations_total, through the metrics channel); it is
 * logged at most once a minute per operation, with what was left unlogged since the last line.
 */
export function createFilterViolationReporter (now: () => number = Date.now): FilterViolationReporter {
  const lastLine = new Map<string, { at: number, unlogged: number }>()
  return (log, operation, team, dropped) => {
    channels.upstreamFilterViolation.publish({ operation, dropped })
    const last = lastLine.get(operation)
    const time = now()
    if (last !== undefined && time - last.at < LOG_INTERVAL_MS) {
      last.unlogged += dropped
      return
    }
    log.warn({ operation, team, dropped, droppedUnloggedBefore: last?.unlogged ?? 0 },
      'upstream list answered clients outside its developer filter: dropped, the page rebuilt from a checked scan')
    lastLine.set(operation, { at: time, unlogged: 0 })
  }
}
