import Fastify, { type RouteOptions } from 'fastify'
import t from 'tap'
import writePipeline, { composeStages, WRITE_STAGES, type Step } from '../../src/http/write-pipeline.ts'

const step = (name: string): Step => Object.assign(async () => {}, { stepName: name })
const names = (steps: Step[] | undefined) => steps?.map(entry => (entry as Step & { stepName: string }).stepName)

t.test('composeStages ...should order each route\'s preHandlers by stage, whatever order capabilities added them in', async t => {
  const route = { method: 'PATCH', url: '/api/clients/:clientId', preHandler: [step('prepare-a'), step('prepare-b')] } as unknown as RouteOptions
  const registered = [
    { stage: 'intent' as const, stepFor: () => step('intent') },
    { stage: 'after-intent' as const, stepFor: () => step('keep') },
    { stage: 'policy' as const, stepFor: () => step('policy') },
    { stage: 'team' as const, stepFor: () => step('team') },
    { stage: 'replay' as const, stepFor: () => step('replay') },
    { stage: 'team-name' as const, stepFor: (candidate: RouteOptions) => candidate.method === 'POST' ? step('team-name') : undefined },
    { stage: 'approval' as const, stepFor: () => step('approval') },
    { stage: 'policy' as const, stepFor: () => step('policy-2') }
  ]
  t.same(names(composeStages(route, registered)), ['replay', 'team', 'prepare-a', 'prepare-b', 'policy', 'policy-2', 'approval', 'intent', 'keep'])
  t.same(WRITE_STAGES, ['replay', 'team-name', 'team', 'prepare', 'policy', 'approval', 'intent', 'after-intent'])
})

t.test('composeStages ...should leave a route no capability applies to as it is', async t => {
  const route = { method: 'GET', url: '/healthz' } as unknown as RouteOptions
  t.equal(composeStages(route, [{ stage: 'intent', stepFor: () => undefined }]), undefined)
})

t.test('writePipeline ...should run a route\'s own preHandler in its prepare stage, and keep it on a route no capability applies to', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(writePipeline)
  const ran: string[] = []
  const mark = (name: string): Step => async () => { ran.push(name) }
  app.writePipeline.add('intent', route => route.method === 'POST' ? mark('intent') : undefined)
  app.writePipeline.add('team', route => route.method === 'POST' ? mark('team') : undefined)
  app.post('/write', { preHandler: mark('own write') }, async () => ran.splice(0))
  app.get('/read', { preHandler: [mark('own read')] }, async () => ran.splice(0))
  app.get('/plain', async () => ran.splice(0))
  t.same((await app.inject({ method: 'POST', url: '/write' })).json(), ['team', 'own write', 'intent'])
  t.same((await app.inject({ method: 'GET', url: '/read' })).json(), ['own read'], 'no capability applies: the route keeps its own')
  t.same((await app.inject({ method: 'GET', url: '/plain' })).json(), [])
})
