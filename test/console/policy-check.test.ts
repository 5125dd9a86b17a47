import t from 'tap'
import { checkKey, LatestCheck, propertiesRead, verdictOf, verdictText, type CheckAnswer, type Compliance, type Violation } from '../../src/console/app/policy.ts'

// How the create and edit forms ask POST /api/policy/check as the user types (src/console/app/policy.ts):
// debounced, one request in flight, an overtaken answer dropped. The server side is the fake `send`
// here: what is checked is which drafts go out and which answers come back to the form.

interface Pending { request: string, resolve: (result: string) => void, reject: (error: Error) => void }

function harness () {
  const sent: Pending[] = []
  const answers: Array<CheckAnswer<string>> = []
  let onSend: (() => void) | undefined
  const send = async (request: string) => await new Promise<string>((resolve, reject) => {
    sent.push({ request, resolve, reject })
    onSend?.()
  })
  const checker = new LatestCheck<string, string>(send, answer => { answers.push(answer) }, 0)
  /** Resolves once `count` requests have gone out. */
  const untilSent = async (count: number) => {
    while (sent.length < count) await new Promise<void>(resolve => { onSend = resolve })
  }
  /** Lets the timers and promise callbacks already due run (a debounce of 0 fires before a 1 ms timer set after it). */
  const settle = async () => { await new Promise(resolve => setTimeout(resolve, 1)) }
  return { sent, answers, checker, untilSent, settle }
}

t.test('LatestCheck ...should send only the draft the typing paused on', async t => {
  const { sent, answers, checker, untilSent, settle } = harness()
  checker.ask('r')
  checker.ask('re')
  checker.ask('red')
  await untilSent(1)
  t.same(sent.map(pending => pending.request), ['red'], 'the drafts typed in between are never sent')
  sent[0]!.resolve('answer to red')
  await settle()
  t.same(answers, [{ result: 'answer to red' }])
})

t.test('LatestCheck ...should keep one request in flight, send the newest draft after it, and drop the overtaken answer', async t => {
  const { sent, answers, checker, untilSent, settle } = harness()
  checker.ask('a')
  await untilSent(1)
  checker.ask('b')
  await settle()
  checker.ask('c')
  await settle()
  t.equal(sent.length, 1, 'nothing else goes out while a request is in flight')
  sent[0]!.resolve('answer to a')
  await untilSent(2)
  t.same(sent.map(pending => pending.request), ['a', 'c'], 'b, overtaken while waiting, is never sent')
  await settle()
  t.same(answers, [], 'the answer to a, stale, is not shown')
  sent[1]!.resolve('answer to c')
  await settle()
  t.same(answers, [{ result: 'answer to c' }])
})

t.test('LatestCheck ...should hand on a failure of the newest draft, and nothing after supersede or stop', async t => {
  const { sent, answers, checker, untilSent, settle } = harness()
  checker.ask('x')
  await untilSent(1)
  sent[0]!.reject(new Error('offline'))
  await settle()
  t.match(answers, [{ error: { message: 'offline' } }])

  checker.ask('y')
  await untilSent(2)
  checker.supersede()
  sent[1]!.resolve('answer to y')
  await settle()
  t.equal(answers.length, 1, 'a save\'s own answer replaced it: the check\'s answer is dropped')

  checker.ask('z')
  checker.stop()
  await settle()
  t.equal(sent.length, 2, 'a stopped checker (the form gone) sends nothing more')
})

const violation = (rule: string, excepted?: boolean): Violation => ({ rule, property: 'redirectUris', value: 'x', message: 'm', fix: 'f', ...(excepted === undefined ? {} : { excepted }) })
const compliance = (violations: Violation[], warnings?: Violation[]): Compliance => ({ clientId: '1', team: null, profile: 'baseline', violations, exceptions: [], ...(warnings === undefined ? {} : { warnings }) })

t.test('verdictOf ...should put open violations first, then warnings, and count excepted ones as compliant', async t => {
  t.equal(verdictText(verdictOf(compliance([]))), 'Compliant')
  t.equal(verdictText(verdictOf(compliance([violation('a', true)]))), 'Compliant (1 excepted)')
  t.equal(verdictText(verdictOf(compliance([violation('a', true)], [violation('b')]))), '1 warning')
  t.equal(verdictText(verdictOf(compliance([violation('a'), violation('b'), violation('c', true)], [violation('d')]))), '2 violations')
})

t.test('checkKey ...should change with the properties a rule reads or the team, not with a name or a description', async t => {
  const read = propertiesRead({ profile: 'baseline', teams: { '*': { profile: 'baseline', rules: [{ id: 'redirect-uri-https', summary: 's', reads: ['redirectUris'] }, { id: 'pkce', summary: 's', reads: ['grantTypes', 'pkceRequired'] }] } } })
  const base = { client: { clientName: 'A', redirectUris: ['https://a.example/cb'] }, mode: 'create' as const }
  t.equal(checkKey({ ...base, client: { ...base.client, clientName: 'Another name', description: 'typed' } }, read), checkKey(base, read), 'a name or a description: the same key, no request')
  t.not(checkKey({ ...base, client: { ...base.client, redirectUris: ['http://a.example/cb'] } }, read), checkKey(base, read), 'a redirect URI: a new key')
  t.not(checkKey({ ...base, client: { ...base.client, developer: 'acme' } }, read), checkKey(base, read), 'the team: a new key')
  t.not(checkKey({ ...base, client: { ...base.client, clientName: 'B' } }, undefined), checkKey(base, undefined), 'the rules unknown: every change is one')
})

t.test('propertiesRead ...should know nothing when a rule does not say what it reads', async t => {
  t.equal(propertiesRead({ profile: 'baseline', teams: { '*': { profile: 'baseline', rules: [{ id: 'r', summary: 's' }] } } }), undefined)
})
