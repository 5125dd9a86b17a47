import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'

/**
 * The stages every write goes through, in this order (docs/architecture in CONTRACTS: "the one write
 * path"): a stored answer is replayed before anything reads; the team is checked before anything reads
 * the client; the route's own `prepare` preHandlers compute the change (src/clients/client-change.ts);
 * the policy judges it; approval may hold it; the intent is recorded; `after-intent` steps change what
 * is forwarded without changing what the intent recorded as sent.
 */
export const WRITE_STAGES = ['replay', 'team-name', 'team', 'prepare', 'policy', 'approval', 'intent', 'after-intent'] as const
export type WriteStage = (typeof WRITE_STAGES)[number]

export type Step = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
/** A capability's step for one route, or undefined when it does not apply to that route. */
export type StepFor = (route: RouteOptions) => Step | undefined

export interface WritePipeline {
  /** Adds a capability's step at `stage` for the routes `stepFor` gives one for; steps of one stage run in the order added. */
  add: (stage: Exclude<WriteStage, 'prepare'>, stepFor: StepFor) => void
}

declare module 'fastify' {
  interface FastifyInstance {
    writePipeline: WritePipeline
  }
}

interface Registered { stage: WriteStage, stepFor: StepFor }

/**
 * A route's preHandlers in stage order: the capabilities' steps around its own (the `prepare` stage).
 * Undefined when no capability applies: the route is left as it is.
 */
export function composeStages (route: RouteOptions, registered: readonly Registered[]): Step[] | undefined {
  const own = [route.preHandler ?? []].flat() as Step[]
  const steps = registered.flatMap(({ stage, stepFor }) => {
    const step = stepFor(route)
    return step === undefined ? [] : [{ stage, step }]
  })
  if (steps.length === 0) return undefined
  return WRITE_STAGES.flatMap(stage => stage === 'prepare' ? own : steps.filter(entry => entry.stage === stage).map(entry => entry.step))
}

// One onRoute hook composes every route's preHandlers: capabilities say at which stage their step
// goes, never where it lands among the others, so the order is this file's alone.
async function writePipelinePlugin (app: FastifyInstance): Promise<void> {
  const registered: Registered[] = []
  app.decorate('writePipeline', { add: (stage, stepFor) => { registered.push({ stage, stepFor }) } } satisfies WritePipeline)
  app.addHook('onRoute', route => {
    const composed = composeStages(route, registered)
    if (composed !== undefined) route.preHandler = composed as never
  })
}

export default fp(writePipelinePlugin, { name: 'write-pipeline', fastify: '5.x' })
