import t from 'tap'
import { RULES } from '../../src/policy/evaluate.ts'
import { RULE_CASES } from './http-support.ts'
import { checkRules } from './rules.ts'

// Every rule of the engine at its boundary (rules.ts); the table must cover every rule the engine has.
t.test('RULES ...should each have a boundary case', async t => {
  t.same(RULES.map(rule => rule.id).filter(id => RULE_CASES[id] === undefined), [], 'no rule without a case')
})

for (const env of ['baseline', 'http', 'oauth2.1'] as const) {
  t.test(`POST /api/clients ...should refuse with 422 each ${env} rule broken and accept it kept (API v3)`, async t => { await checkRules(t, 'v3', env) })
}
