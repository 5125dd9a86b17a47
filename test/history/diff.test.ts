import t from 'tap'
import { diffStates } from '../../src/history/diff.ts'

const key = (kid: string, n: string) => ({ kty: 'RSA', kid, n, e: 'AQAB' })

t.test('diffStates ...should give [] for equal states, whatever the order of members and of unordered lists', async t => {
  t.same(diffStates({}, {}), [])
  const state = { clientName: 'a', redirectUris: ['https://a.example/cb', 'https://b.example/cb'], grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], extension: { requestableScopes: ['read', 'write'] } }
  const reordered = { extension: { requestableScopes: ['write', 'read'] }, grantTypes: ['REFRESH_TOKEN', 'AUTHORIZATION_CODE'], redirectUris: ['https://b.example/cb', 'https://a.example/cb'], clientName: 'a' }
  t.same(diffStates(state, reordered), [])
  t.same(diffStates({ clientName: 'a', modifiedAt: 1 }, { clientName: 'a', modifiedAt: 2 }), [], 'modifiedAt is not compared')
  t.same(diffStates({ contacts: [] }, {}), [], 'an empty list is an absent one')
  t.same(diffStates({ clientName: null }, {}), [], 'null is absent')
})

t.test('diffStates ...should name added, removed and changed scalar properties, sorted by name', async t => {
  t.same(diffStates({ clientName: 'a', pkceRequired: false, tosUri: 'https://t.example' }, { clientName: 'b', pkceRequired: true, logoUri: 'https://l.example' }), [
    { property: 'clientName', before: 'a', after: 'b' },
    { property: 'logoUri', before: null, after: 'https://l.example' },
    { property: 'pkceRequired', before: false, after: true },
    { property: 'tosUri', before: 'https://t.example', after: null }
  ])
})

t.test('diffStates ...should compare unordered lists as sets, with the elements added and removed', async t => {
  t.same(diffStates({ redirectUris: ['https://a.example/cb', 'https://b.example/cb'] }, { redirectUris: ['https://c.example/cb', 'https://a.example/cb'] }), [
    { property: 'redirectUris', before: ['https://a.example/cb', 'https://b.example/cb'], after: ['https://c.example/cb', 'https://a.example/cb'], added: ['https://c.example/cb'], removed: ['https://b.example/cb'] }
  ])
  t.same(diffStates({}, { grantTypes: ['CLIENT_CREDENTIALS'] }), [{ property: 'grantTypes', before: null, after: ['CLIENT_CREDENTIALS'], added: ['CLIENT_CREDENTIALS'], removed: [] }])
  t.same(diffStates({ contacts: ['a@example.com'] }, {}), [{ property: 'contacts', before: ['a@example.com'], after: null, added: [], removed: ['a@example.com'] }])
  const pair = (key: string, value: string) => ({ key, value })
  t.same(diffStates({ attributes: [pair('a', '1'), pair('b', '2')] }, { attributes: [pair('b', '2'), pair('a', '9')] })[0], {
    property: 'attributes', before: [pair('a', '1'), pair('b', '2')], after: [pair('b', '2'), pair('a', '9')], added: [pair('a', '9')], removed: [pair('a', '1')]
  }, 'lists of objects compare element by element')
})

t.test('diffStates ...should compare every list whose order means nothing as a set', async t => {
  const unordered = [
    'redirectUris', 'grantTypes', 'responseTypes', 'responseModes', 'contacts', 'requestUris', 'authorizationDetailsTypes',
    'clientRegistrationTypes', 'fapiModes', 'clientNames', 'descriptions', 'logoUris', 'tosUris', 'policyUris', 'clientUris', 'attributes'
  ]
  for (const property of unordered) {
    t.same(diffStates({ [property]: ['one', 'two'] }, { [property]: ['two', 'one'] }), [], `${property} reordered`)
    t.same(diffStates({ [property]: ['one', 'two'] }, { [property]: ['three', 'one'] }), [{ property, before: ['one', 'two'], after: ['three', 'one'], added: ['three'], removed: ['two'] }], `${property} changed`)
  }
})

t.test('diffStates ...should compare ordered lists as a whole', async t => {
  t.same(diffStates({ defaultAcrs: ['gold', 'silver'] }, { defaultAcrs: ['silver', 'gold'] }), [{ property: 'defaultAcrs', before: ['gold', 'silver'], after: ['silver', 'gold'] }], 'acr values are in order of preference')
})

t.test('diffStates ...should compare the extension property by property, and tell no requestable scopes from an empty set', async t => {
  t.same(diffStates({ extension: { accessTokenDuration: 600, requestableScopes: ['a'] } }, { extension: { accessTokenDuration: 300, requestableScopes: ['a', 'b'] } }), [
    { property: 'extension.accessTokenDuration', before: 600, after: 300 },
    { property: 'extension.requestableScopes', before: ['a'], after: ['a', 'b'], added: ['b'], removed: [] }
  ])
  t.same(diffStates({}, { extension: { requestableScopes: [] } }), [{ property: 'extension.requestableScopes', before: null, after: [], added: [], removed: [] }], 'the service\'s scopes become none')
  t.same(diffStates({ extension: { tokenExchangePermitted: true } }, {}), [{ property: 'extension.tokenExchangePermitted', before: true, after: null }])
  t.same(diffStates({ extension: { requestableScopes: [] } }, {}), [{ property: 'extension.requestableScopes', before: [], after: null, added: [], removed: [] }], 'no scopes become the service\'s')
  t.same(diffStates({ extension: null }, {}), [], 'a null extension is an absent one')
  t.same(diffStates({ extension: null }, { extension: { idTokenDuration: 60 } }), [{ property: 'extension.idTokenDuration', before: null, after: 60 }])
})

t.test('diffStates ...should compare JWK Sets key by key: kid order is no change, a new or dropped key is added or removed, new material under a kid is both', async t => {
  const one = key('one', 'n1')
  const two = key('two', 'n2')
  t.same(diffStates({ jwks: { keys: [one, two] } }, { jwks: { keys: [two, one] } }), [], 'reordered keys')
  const three = { kid: 'three', kty: 'EC', thumbprint: 'abc' }
  t.same(diffStates({ jwks: { keys: [one, two] } }, { jwks: { keys: [two, three] } }), [
    { property: 'jwks', before: { keys: [one, two] }, after: { keys: [two, three] }, added: [three], removed: [one] }
  ])
  const rotated = key('one', 'n9')
  t.same(diffStates({ jwks: { keys: [one] } }, { jwks: { keys: [rotated] } })[0]?.added, [rotated])
  t.same(diffStates({ jwks: { keys: [one] } }, { jwks: { keys: [rotated] } })[0]?.removed, [one])
  t.same(diffStates({}, { jwks: { keys: [one] } }), [{ property: 'jwks', before: null, after: { keys: [one] }, added: [one], removed: [] }])
  t.same(diffStates({ jwks: { keys: [one] } }, {}), [{ property: 'jwks', before: { keys: [one] }, after: null, added: [], removed: [one] }], 'a set removed')
  t.same(diffStates({ jwks: { unreadable: true } }, { jwks: { keys: [one] } }), [{ property: 'jwks', before: { unreadable: true }, after: { keys: [one] } }], 'an unreadable set compares as a whole')
})

t.test('diffStates ...should compare a value that changes type as a whole', async t => {
  t.same(diffStates({ redirectUris: 'x' }, { redirectUris: ['x'] }), [{ property: 'redirectUris', before: 'x', after: ['x'] }])
  t.same(diffStates({ customMetadata: '{"a":1}' }, { customMetadata: '{"a":2}' }), [{ property: 'customMetadata', before: '{"a":1}', after: '{"a":2}' }])
})
