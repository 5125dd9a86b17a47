import t from 'tap'
import { asResult, statusError, transportError } from '../../src/upstream/upstream-errors.ts'

// How each upstream failure is told to the caller, and whether it is retried, counted as the
// upstream's fault or possibly received. The HTTP tests (errors-status, errors-transport,
// resilience) meet the failures a loopback server can produce; the codes below include those only a
// real network gives (DNS, routing), as undici reports them.
const withCode = (code: string, message = code) => Object.assign(new Error(message), { code })
// undici's fetch wraps the socket's error: TypeError('fetch failed', { cause: errno error }).
const told = (error: Error): [number, string] => { const { statusCode, code } = error as Error & { statusCode: number, code: string }; return [statusCode, code] }
const wrapped = (cause: unknown, depth = 1): unknown => depth === 0 ? cause : wrapped(Object.assign(new TypeError('fetch failed'), { cause }), depth - 1)

t.test('transportError ...should tell a timeout 504, an unreachable upstream 503, a too large answer 502 TOO_LARGE and anything else 502', async t => {
  const expected: Array<[string, number, string]> = [
    ['UND_ERR_CONNECT_TIMEOUT', 504, 'BFF_UPSTREAM_TIMEOUT'],
    ['UND_ERR_HEADERS_TIMEOUT', 504, 'BFF_UPSTREAM_TIMEOUT'],
    ['UND_ERR_BODY_TIMEOUT', 504, 'BFF_UPSTREAM_TIMEOUT'],
    ['ECONNREFUSED', 503, 'BFF_UPSTREAM_UNAVAILABLE'],
    ['ENOTFOUND', 503, 'BFF_UPSTREAM_UNAVAILABLE'],
    ['EAI_AGAIN', 503, 'BFF_UPSTREAM_UNAVAILABLE'],
    ['EHOSTUNREACH', 503, 'BFF_UPSTREAM_UNAVAILABLE'],
    ['ENETUNREACH', 503, 'BFF_UPSTREAM_UNAVAILABLE'],
    ['UND_ERR_RES_EXCEEDED_MAX_SIZE', 502, 'BFF_UPSTREAM_TOO_LARGE'],
    ['ECONNRESET', 502, 'BFF_UPSTREAM_FAILED'],
    ['EPIPE', 502, 'BFF_UPSTREAM_FAILED'],
    ['UND_ERR_SOCKET', 502, 'BFF_UPSTREAM_FAILED'],
    ['toString', 502, 'BFF_UPSTREAM_FAILED']
  ]
  for (const [code, status, problem] of expected) {
    for (const depth of [0, 1, 4]) {
      const cause = wrapped(withCode(code), depth)
      const error = transportError(cause)
      t.same(told(error), [status, problem], `${code}, ${depth} causes deep`)
      t.equal(error.cause, cause, 'the cause is kept for the log')
      t.equal(error.upstreamFault, true, 'the upstream\'s fault')
    }
  }
  // AbortSignal.timeout's error is known by its name.
  const timeout = transportError(wrapped(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))) as Error & { statusCode: number }
  t.equal(timeout.statusCode, 504, 'TimeoutError by name')
  t.equal((transportError(wrapped(withCode('ENOTFOUND'), 5)) as Error & { statusCode: number }).statusCode, 502, 'not looked for more than 5 levels deep')
  t.equal((transportError(null) as Error & { statusCode: number }).statusCode, 502, 'a cause that is not an object')
  t.equal((transportError(Object.assign(new Error('x'), { code: 42, name: 'ECONNREFUSED_NOT' })) as Error & { statusCode: number }).statusCode, 502, 'codes that are not strings, names that are not codes')
})

t.test('transportError ...should let a read be retried only after a connection failure before any answer, and say whether the request may have been received', async t => {
  const retryable = ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']
  for (const code of retryable) {
    t.equal(transportError(wrapped(withCode(code), 2), { beforeAnswer: true }).retryable, true, `${code} before the answer`)
    t.equal(transportError(wrapped(withCode(code), 2)).retryable, false, `${code} once the answer had begun`)
  }
  for (const code of ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_RES_EXCEEDED_MAX_SIZE', 'ECONNABORTED']) {
    t.equal(transportError(wrapped(withCode(code)), { beforeAnswer: true }).retryable, false, `${code}: the upstream may be working on it`)
  }
  t.equal(transportError(wrapped(withCode('ECONNRESET'), 5), { beforeAnswer: true }).retryable, false, 'not looked for more than 5 levels deep')
  t.equal(transportError(Object.assign(withCode('ECONNRESET'), { cause: null }), { beforeAnswer: true }).retryable, true, 'a chain ending in null')
  t.equal(transportError(null, { beforeAnswer: true }).retryable, false, 'a cause that is not an object')
  t.equal(transportError(withCode('ECONNRESET'), { beforeAnswer: true, sent: true }).maybeReceived, true, 'sent, then cut: perhaps received')
  t.equal(transportError(withCode('ECONNREFUSED'), { beforeAnswer: true }).maybeReceived, false, 'never sent: not received')
})

t.test('statusError ...should tell redirects 502 REDIRECT, 401 and 403 502 CREDENTIALS, 4xx with a result the same 4xx, and the rest 502', async t => {
  const result = { resultCode: 'A001201', resultMessage: '[A001201] /client/get, TLS is required.' }
  const expected: Array<[number, unknown, number, string]> = [
    [299, result, 502, 'BFF_UPSTREAM_FAILED'],
    [300, result, 502, 'BFF_UPSTREAM_REDIRECT'],
    [302, undefined, 502, 'BFF_UPSTREAM_REDIRECT'],
    [399, result, 502, 'BFF_UPSTREAM_REDIRECT'],
    [400, result, 400, 'BFF_UPSTREAM_REJECTED'],
    [401, result, 502, 'BFF_UPSTREAM_CREDENTIALS'],
    [403, result, 502, 'BFF_UPSTREAM_CREDENTIALS'],
    [404, result, 404, 'BFF_UPSTREAM_REJECTED'],
    [409, result, 409, 'BFF_UPSTREAM_REJECTED'],
    [499, result, 499, 'BFF_UPSTREAM_REJECTED'],
    [404, 'not json', 502, 'BFF_UPSTREAM_FAILED'],
    [500, result, 502, 'BFF_UPSTREAM_FAILED'],
    [503, result, 502, 'BFF_UPSTREAM_FAILED']
  ]
  for (const [status, body, answered, code] of expected) {
    const error = statusError(status, body) as Error & { statusCode: number, code: string, upstreamResult?: unknown }
    t.same([error.statusCode, error.code], [answered, code], `${status} ${JSON.stringify(body)}`)
    if (code === 'BFF_UPSTREAM_REJECTED') t.same(error.upstreamResult, result, 'the result is passed on')
    t.equal((error.cause as Error).message, `upstream answered ${status}${typeof body === 'object' ? ` ${result.resultCode}` : ''}`, 'the log says what came')
  }
})

t.test('statusError ...should retry 429, 502, 503 and 504, count 5xx and 429 as the upstream\'s fault, and pass its Retry-After on in seconds', async t => {
  for (const status of [400, 404, 409, 429, 500, 501, 502, 503, 504, 505]) {
    const error = statusError(status, { resultCode: 'X' })
    t.equal(error.retryable, [429, 502, 503, 504].includes(status), `${status} retryable`)
    t.equal(error.upstreamFault, status >= 500 || status === 429, `${status} the upstream's fault`)
    t.notOk('retryAfterMs' in error || 'retryAfterSeconds' in error, 'no Retry-After when none came')
  }
  const paused = statusError(503, undefined, 1500)
  t.same([paused.retryAfterMs, paused.retryAfterSeconds], [1500, 2], 'rounded up to whole seconds')
  const zero = statusError(429, undefined, 0)
  t.same([zero.retryAfterMs, zero.retryAfterSeconds], [0, 0])
})

t.test('statusError ...should answer 404 to a 400 whose result says the client does not exist, by code or by message', async t => {
  const notFound = (status: number, resultCode: string, resultMessage: string) => (statusError(status, { resultCode, resultMessage }) as Error & { statusCode: number }).statusCode
  t.equal(notFound(400, 'A051201', 'whatever'), 404, 'the emulator\'s code')
  t.equal(notFound(400, 'A001202', '[A001202] /client/get/list, The client with the ID 1 does not exist.'), 404)
  t.equal(notFound(400, 'A001203', 'Client 42 not found'), 404, 'any case')
  t.equal(notFound(400, 'A001204', 'The client ID is malformed. The thing does not exist.'), 400, 'not across a sentence')
  t.equal(notFound(400, 'A001205', 'The clientele does not exist'), 400, 'a word of its own')
  t.equal(notFound(409, 'A051201', 'The client does not exist'), 409, 'only a 400 is read so')
})

t.test('asResult ...should read resultCode and resultMessage, the code standing for a missing message, and nothing else', async t => {
  t.same(asResult({ resultCode: 'A1', resultMessage: 'm', extra: 1 }), { resultCode: 'A1', resultMessage: 'm' })
  t.same(asResult({ resultCode: 'A1' }), { resultCode: 'A1', resultMessage: 'A1' })
  t.same(asResult({ resultCode: 'A1', resultMessage: 7 }), { resultCode: 'A1', resultMessage: 'A1' })
  for (const body of [undefined, null, 'A1', 42, [], { resultCode: 1 }, { resultMessage: 'm' }]) t.equal(asResult(body), undefined, JSON.stringify(body))
})
