import t from 'tap'
import { patternCoveredBy, redirectHost } from '../../src/policy/redirect-uris.ts'

// How a team's redirectUriHosts is checked against the global list (a team may only narrow it).

t.test('patternCoveredBy ...should cover an exact host by the same host or a wildcard over it', async t => {
  t.ok(patternCoveredBy('app.acme.example', 'app.acme.example'))
  t.ok(patternCoveredBy('app.acme.example', '*.acme.example'))
  t.notOk(patternCoveredBy('acme.example', '*.acme.example'), 'a wildcard never matches its domain itself')
  t.notOk(patternCoveredBy('app.other.example', '*.acme.example'))
})

t.test('patternCoveredBy ...should cover a wildcard only by a wildcard over the same or a wider domain, never by an exact host', async t => {
  t.ok(patternCoveredBy('*.acme.example', '*.acme.example'))
  t.ok(patternCoveredBy('*.eu.acme.example', '*.acme.example'))
  t.notOk(patternCoveredBy('*.acme.example', 'acme.example'), 'the exact domain does not cover its subdomains')
  t.notOk(patternCoveredBy('*.acme.example', 'app.acme.example'))
  t.notOk(patternCoveredBy('*.acme.example', '*.eu.acme.example'), 'a narrower wildcard does not cover a wider one')
  t.notOk(patternCoveredBy('*.acme.example', '*.other.example'))
})

t.test('redirectHost ...should give the host of an http(s) URI, the reversed domain of a private-use scheme, else none', async t => {
  t.equal(redirectHost('https://App.Example.com:8443/cb'), 'app.example.com')
  t.equal(redirectHost('com.Example.app:/cb'), 'app.example.com')
  t.equal(redirectHost('urn:x'), undefined, 'a scheme without a dot is no domain')
  t.equal(redirectHost('not a uri'), undefined)
})
