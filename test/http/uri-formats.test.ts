import t from 'tap'
import { isLoopback, uriFormatChecks, uriFormatMessage } from '../../src/http/uri-formats.ts'

// The URI formats as functions. test/clients/validation.test.ts shows them refusing client bodies.

const strict = uriFormatChecks(false)
const lenient = uriFormatChecks(true)

t.test('isLoopback ...should know localhost, [::1] and 127.x.x.x, nothing else', async t => {
  for (const url of ['http://localhost/', 'http://LOCALHOST:8080/', 'http://[::1]:3000/', 'http://127.0.0.1/', 'http://127.255.10.2:9/', 'http://127.0.0.10/', 'http://127.1.22.233/']) {
    t.equal(isLoopback(new URL(url)), true, url)
  }
  for (const url of ['http://example.com/', 'http://localhost.example.com/', 'http://127.0.0.1.nip.io/', 'http://10.0.0.1/', 'http://128.0.0.1/', 'http://[::2]/', 'http://0.0.0.0/', 'http://mylocalhost/']) {
    t.equal(isLoopback(new URL(url)), false, url)
  }
})

const REDIRECT_ACCEPTED = [
  'https://example.com/callback',
  'https://example.com:8443/cb?x=1',
  'http://localhost/cb',
  'http://127.0.0.1:9000/cb',
  'http://[::1]/cb',
  'com.example.app:/callback',
  'com.example.app://callback',
  'a.b:x'
]
const REDIRECT_REFUSED = [
  '',
  'callback',
  '/relative/path',
  'https://example.com/cb#fragment',
  'https://example.com/cb#',
  'https://exa mple.com/',
  ' https://example.com/',
  'https://example.com/\n',
  'https://example.com/\tx',
  'https://example.com/\u0000',
  'https://example.com/\u001f',
  'https://example.com/\u007f',
  'http://example.com/cb',
  'http://localhost.example.com/cb',
  'javascript:alert(1)',
  'data:text/html,x',
  'vbscript:x',
  'file:///etc/passwd',
  'myapp:/callback',
  'https://example.com\\cb#x'
]

t.test('uriFormatChecks ...redirect-uri should accept https, loopback http and reverse-domain schemes, nothing else', async t => {
  for (const value of REDIRECT_ACCEPTED) t.equal(strict['redirect-uri'](value), true, value)
  for (const value of REDIRECT_REFUSED) t.equal(strict['redirect-uri'](value), false, JSON.stringify(value))
})

t.test('uriFormatChecks ...redirect-uri should accept http on any host only when ALLOW_HTTP_REDIRECT_URIS is true', async t => {
  t.equal(lenient['redirect-uri']('http://example.com/cb'), true)
  t.equal(lenient['redirect-uri']('http://example.com/cb#f'), false, 'never a fragment')
  t.equal(lenient['redirect-uri']('javascript:alert(1)'), false, 'never a script')
})

t.test('uriFormatChecks ...web-uri should accept https and loopback http only, and any http when allowed', async t => {
  for (const value of ['https://example.com/logo.png', 'http://localhost:3000/', 'http://127.0.0.2/x']) t.equal(strict['web-uri'](value), true, value)
  for (const value of ['http://example.com/', 'com.example.app:/x', 'javascript:alert(1)', 'https://example.com/#x', 'not a uri', '', 'https://', 'ftp://example.com/']) {
    t.equal(strict['web-uri'](value), false, JSON.stringify(value))
  }
  t.equal(lenient['web-uri']('http://example.com/'), true)
  t.equal(lenient['web-uri']('com.example.app:/x'), false)
  t.equal(lenient['web-uri']('ftp://example.com/'), false)
})

t.test('uriFormatMessage ...should name what each format accepts, and nothing for other formats', async t => {
  t.equal(uriFormatMessage('redirect-uri'), 'must be an absolute URI without a fragment: https, http on loopback (anywhere with ALLOW_HTTP_REDIRECT_URIS=true), or a native app\'s reverse-domain scheme (com.example.app:/callback)')
  t.equal(uriFormatMessage('web-uri'), 'must be an absolute https URI without a fragment (http on loopback, or anywhere with ALLOW_HTTP_REDIRECT_URIS=true)')
  for (const format of ['uri', 'email', undefined, 3]) t.equal(uriFormatMessage(format), undefined, String(format))
})
