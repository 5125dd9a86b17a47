import t from 'tap'
import { ApiError, explain, neverSent, retryable } from '../../src/console/app/api.ts'
import { errors } from '../../src/http/errors.ts'

const failure = (code: string, status: number, retryAfter?: number) => new ApiError({ status, code, detail: 'the catalogue\'s detail', requestId: 'r-1' }, retryAfter)

// Each upstream problem of the catalogue (src/http/errors.ts), as the console words it: whose side failed.
const SIDES: Record<string, RegExp> = {
  BFF_UPSTREAM_CIRCUIT_OPEN: /^Could not load: The proxy is holding back calls to Authlete: its circuit breaker opened .* nothing was sent to Authlete\. Try again in 7 s\. \(BFF_UPSTREAM_CIRCUIT_OPEN, request r-1\)$/,
  BFF_UPSTREAM_UNAVAILABLE: /^Could not load: Authlete could not be reached/,
  BFF_UPSTREAM_TIMEOUT: /^Could not load: Authlete did not answer in time\. A change may or may not have been made: reload to see before trying again\./,
  BFF_UPSTREAM_FAILED: /^Could not load: Authlete failed: it answered with an error of its own\./,
  BFF_UPSTREAM_UNREADABLE: /^Could not load: Authlete's answer could not be read\./,
  BFF_UPSTREAM_TOO_LARGE: /^Could not load: Authlete's answer was larger than the proxy accepts\./,
  BFF_UPSTREAM_REDIRECT: /^Could not load: Authlete answered with a redirect/,
  BFF_UPSTREAM_CREDENTIALS: /^Could not load: Authlete refused the proxy's own service credentials.*trying again will not help/
}

t.test('GET /clients/:clientId ...should say in plain words which side of an upstream failure failed, and offer Retry only where it can help', async t => {
  const upstreamCodes = Object.values(errors).map(ErrorClass => new ErrorClass()).filter(error => /^BFF_UPSTREAM_(?!REJECTED)/.test(error.code))
  t.same(upstreamCodes.map(error => error.code).sort(), Object.keys(SIDES).sort(), 'every upstream failure of the catalogue is worded')
  for (const error of upstreamCodes) {
    const said = explain('Could not load', failure(error.code, error.statusCode, error.code === 'BFF_UPSTREAM_CIRCUIT_OPEN' ? 7 : undefined))
    t.match(said, SIDES[error.code]!, error.code)
    t.notMatch(said, /the catalogue's detail/, `${error.code}: plain words instead of the detail`)
  }
  t.ok(retryable(failure('BFF_UPSTREAM_CIRCUIT_OPEN', 503)) && retryable(failure('BFF_UPSTREAM_TIMEOUT', 504)), 'passing failures: Retry')
  t.notOk(retryable(failure('BFF_UPSTREAM_CREDENTIALS', 502)), 'a configuration fault: no Retry')
  t.notOk(retryable(failure('BFF_CLIENT_NOT_FOUND', 404)), 'a refusal: no Retry')
  t.ok(neverSent(failure('BFF_UPSTREAM_CIRCUIT_OPEN', 503)) && neverSent(failure('BFF_UPSTREAM_UNAVAILABLE', 503)), 'nothing reached Authlete: a change may be retried')
  t.notOk(neverSent(failure('BFF_UPSTREAM_TIMEOUT', 504)) || neverSent(failure('BFF_UPSTREAM_FAILED', 502)), 'a change that may have been made is not offered again')
  t.equal(explain('Could not load', failure('BFF_CLIENT_NOT_FOUND', 404)), 'Could not load: the catalogue\'s detail. (request r-1)', 'other problems keep the server\'s detail')
})
