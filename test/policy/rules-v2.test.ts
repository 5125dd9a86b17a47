import t from 'tap'
import { checkRules } from './rules.ts'

for (const env of ['baseline', 'http', 'oauth2.1', 'fapi2', 'limits'] as const) {
  t.test(`POST /api/clients ...should refuse with 422 each ${env} rule broken and accept it kept (API v2)`, async t => { await checkRules(t, 'v2', env) })
}
