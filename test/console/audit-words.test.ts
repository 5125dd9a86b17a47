import t from 'tap'
import { describeRecord, type DescribedRecord } from '../../src/console/app/audit-words.ts'

// The audit page's sentence for each record (src/console/app/pages/audit.tsx shows it beside the action).
const record = (fields: Partial<DescribedRecord>): DescribedRecord => ({
  actor: 'alice', source: 'local', action: 'client.lock', clientId: '123', subject: null, clientIp: '10.0.0.1', changedProperties: ['locked'], target: null, outcome: 'success', ...fields
})

t.test('describeRecord ...should say who did what to which client, and "tried to" unless it succeeded', async t => {
  t.equal(describeRecord(record({})), 'alice locked client 123')
  t.equal(describeRecord(record({ action: 'client.unlock' })), 'alice unlocked client 123')
  t.equal(describeRecord(record({ action: 'client.unlock', outcome: 'denied' })), 'alice tried to unlock client 123')
  t.equal(describeRecord(record({ action: 'client.create', clientId: null, outcome: 'failure' })), 'alice tried to create a client')
  t.equal(describeRecord(record({ action: 'client.patch', changedProperties: ['clientName', 'description'] })), 'alice changed clientName, description of client 123')
  t.equal(describeRecord(record({ action: 'client.patch', changedProperties: ['a', 'b', 'c', 'd', 'e'] })), 'alice changed a, b, c and 2 more of client 123')
  t.equal(describeRecord(record({ action: 'authorization.delete', subject: 'john' })), 'alice deleted the tokens john holds for client 123')
  t.equal(describeRecord(record({ action: 'client.secret.refresh', outcome: 'unknown' })), 'alice tried to refresh the secret of client 123')
})

t.test('describeRecord ...should name the user a session, token or sign-in record is about, and where a sign-in came from', async t => {
  t.equal(describeRecord(record({ action: 'auth.login', clientId: null })), 'alice signed in (local) from 10.0.0.1')
  t.equal(describeRecord(record({ action: 'auth.login.failure', actor: 'bob', clientId: null, outcome: 'failure' })), 'sign-in failed for bob (local) from 10.0.0.1')
  t.equal(describeRecord(record({ action: 'auth.login.failure', actor: null, source: 'oidc', clientId: null, outcome: 'failure' })), 'sign-in failed (oidc) from 10.0.0.1')
  t.equal(describeRecord(record({ action: 'auth.sessions.revoke', clientId: null, target: { source: 'local', username: 'bob' } })), 'alice ended the sessions of bob')
  t.equal(describeRecord(record({ action: 'auth.token.revoke', clientId: null, target: { source: 'local', username: 'bob', tokenId: 'tok1' } })), 'alice revoked API token tok1 of bob')
  t.equal(describeRecord(record({ action: 'auth.backchannel-logout', actor: null, clientId: null, target: { source: 'oidc', username: 'carol' } })), 'the OpenID Provider signed out carol')
  t.equal(describeRecord(record({ action: 'policy.exception.create' })), 'alice: policy.exception.create on client 123', 'an action it has no words for yet: named as it is')
})
