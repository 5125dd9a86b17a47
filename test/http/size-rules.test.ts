import t from 'tap'
import { Ajv } from 'ajv'
import { MAX_FIELD_PROBLEMS } from '../../src/http/validation-messages.ts'
import { SIZE_KEYWORDS, sizeRulesOf } from '../../src/http/size-rules.ts'

// The size schema derived from a body schema, compared whole, and run with Ajv where what matters is
// what it accepts. test/security/validation-stall.test.ts shows the stall it prevents through the app.

t.test('sizeRulesOf ...should accept anything where the schema is no object, a list or a reference', async t => {
  for (const schema of [undefined, null, true, false, 'string', 3, [{ maxLength: 1 }], { $ref: '#/x', maxLength: 1 }]) {
    t.equal(sizeRulesOf(schema), true, JSON.stringify(schema) ?? 'undefined')
  }
})

t.test('sizeRulesOf ...should keep only the numeric limits, dropping types, formats, enums and required', async t => {
  t.strictSame(sizeRulesOf({ type: 'string', maxLength: 5, minLength: 1, format: 'uri', pattern: '^a' }), { maxLength: 5 })
  t.strictSame(sizeRulesOf({ type: 'array', maxItems: 3, minItems: 1, uniqueItems: true }), { maxItems: 3 })
  t.strictSame(sizeRulesOf({ type: 'object', maxProperties: 4, required: ['a'] }), { maxProperties: 4 })
  t.strictSame(sizeRulesOf({ maxLength: '5', maxItems: null, enum: ['a'] }), {}, 'limits that are not numbers are no limits')
  t.strictSame(sizeRulesOf({ type: 'string' }), {}, 'type dropped outside a union branch')
  t.same([...SIZE_KEYWORDS].sort(), ['maxItems', 'maxLength', 'maxProperties'])
})

t.test(`sizeRulesOf ...should cap an object closed to its listed properties at their count plus MAX_FIELD_PROBLEMS (${MAX_FIELD_PROBLEMS})`, async t => {
  const properties = { a: { type: 'string', maxLength: 2 }, b: { type: 'integer' } }
  t.strictSame(sizeRulesOf({ type: 'object', additionalProperties: false, properties }), {
    maxProperties: 2 + MAX_FIELD_PROBLEMS,
    properties: { a: { maxLength: 2 }, b: {} }
  })
  t.equal((sizeRulesOf({ additionalProperties: false, properties, maxProperties: 1 }) as { maxProperties: number }).maxProperties, 1, 'a smaller maxProperties of its own wins')
  t.equal((sizeRulesOf({ additionalProperties: false, properties, maxProperties: 100 }) as { maxProperties: number }).maxProperties, 2 + MAX_FIELD_PROBLEMS, 'a larger one does not')
  t.equal((sizeRulesOf({ additionalProperties: false, properties, maxProperties: 2 + MAX_FIELD_PROBLEMS }) as { maxProperties: number }).maxProperties, 2 + MAX_FIELD_PROBLEMS)
  t.strictSame(sizeRulesOf({ additionalProperties: false, properties: {} }), { maxProperties: MAX_FIELD_PROBLEMS, properties: {} }, 'no listed property')
  t.strictSame(sizeRulesOf({ additionalProperties: true, properties }), { properties: { a: { maxLength: 2 }, b: {} } }, 'open object: no cap')
  t.strictSame(sizeRulesOf({ properties }), { properties: { a: { maxLength: 2 }, b: {} } }, 'additionalProperties absent: no cap')
  t.strictSame(sizeRulesOf({ additionalProperties: false, patternProperties: { '^x': { maxLength: 1 } }, properties }),
    { properties: { a: { maxLength: 2 }, b: {} }, patternProperties: { '^x': { maxLength: 1 } } }, 'pattern properties: no cap')
  t.strictSame(sizeRulesOf({ additionalProperties: false }), {}, 'no properties listed: no cap')
  t.strictSame(sizeRulesOf({ additionalProperties: false, properties: null }), {}, 'properties null: no cap')
})

t.test('sizeRulesOf ...should follow every subschema keyword', async t => {
  const inner = { type: 'string', maxLength: 1, format: 'x' }
  t.strictSame(sizeRulesOf({
    items: inner,
    additionalItems: inner,
    additionalProperties: inner,
    properties: { p: inner },
    patternProperties: { '^q': inner },
    dependentSchemas: { d: inner },
    allOf: [inner, inner],
    prefixItems: [inner]
  }), {
    items: { maxLength: 1 },
    additionalItems: { maxLength: 1 },
    additionalProperties: { maxLength: 1 },
    properties: { p: { maxLength: 1 } },
    patternProperties: { '^q': { maxLength: 1 } },
    dependentSchemas: { d: { maxLength: 1 } },
    allOf: [{ maxLength: 1 }, { maxLength: 1 }],
    prefixItems: [{ maxLength: 1 }]
  })
  t.strictSame(sizeRulesOf({ items: [inner, { maxItems: 2 }] }), { items: [{ maxLength: 1 }, { maxItems: 2 }] }, 'items as a list (draft 7 tuples)')
  t.strictSame(sizeRulesOf({ items: true, additionalItems: null, additionalProperties: false, properties: null, allOf: 'x', prefixItems: { maxLength: 1 }, dependentSchemas: null }), {}, 'keywords of the wrong kind (additionalProperties false is no subschema)')
})

t.test('sizeRulesOf ...should turn anyOf and oneOf into anyOf branches keeping their types, with other types let through', async t => {
  const nullableList = { anyOf: [{ type: 'array', maxItems: 2, items: { type: 'string', maxLength: 3 } }, { type: 'null' }] }
  t.strictSame(sizeRulesOf(nullableList), {
    allOf: [{ anyOf: [{ type: 'array', maxItems: 2, items: { maxLength: 3 } }, { type: 'null' }, { not: { type: ['array', 'null'] } }] }]
  })
  t.strictSame(sizeRulesOf({ oneOf: [{ type: ['string', 'integer'], maxLength: 3 }, { maxItems: 1 }] }), {
    allOf: [{ anyOf: [{ type: ['string', 'integer'], maxLength: 3 }, { maxItems: 1 }, { not: { type: ['string', 'integer'] } }] }]
  }, 'a list of types; a branch without a type')
  t.strictSame(sizeRulesOf({ anyOf: [{ maxLength: 1 }, 'x', null] }), { allOf: [{ anyOf: [{ maxLength: 1 }, true, true] }] }, 'no branch names a type: no other-types branch')
  t.strictSame(sizeRulesOf({ allOf: [{ maxLength: 9 }], anyOf: [{ type: 'string', maxLength: 1 }], oneOf: [{ type: 'array', maxItems: 1 }] }), {
    allOf: [
      { maxLength: 9 },
      { anyOf: [{ type: 'string', maxLength: 1 }, { not: { type: ['string'] } }] },
      { anyOf: [{ type: 'array', maxItems: 1 }, { not: { type: ['array'] } }] }
    ]
  }, 'allOf kept, then each union')
  t.strictSame(sizeRulesOf({ anyOf: { type: 'string' } }), {}, 'a union that is no list is ignored')
})

t.test('sizeRulesOf ...should give a schema that refuses only size breaches, and accepts what the full schema accepts', async t => {
  const ajv = new Ajv({ strict: false })
  const schema = {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', maxLength: 4, minLength: 2 },
      uris: { anyOf: [{ type: 'array', maxItems: 2, items: { type: 'string', maxLength: 5 } }, { type: 'null' }] }
    }
  }
  const full = ajv.compile(schema)
  const sizes = ajv.compile(sizeRulesOf(schema) as object)
  for (const value of [{ name: 'ab' }, { name: 'abcd', uris: ['a', 'bbbbb'] }, { name: 'ab', uris: null }]) {
    t.ok(full(value) && sizes(value), `both accept ${JSON.stringify(value)}`)
  }
  for (const value of [{}, { name: 1 }, { name: 'a' }, { name: 'ab', uris: 'x' }, { name: 'ab', uris: 5 }, { name: 'ab', other: 1 }]) {
    t.ok(!full(value) && sizes(value), `only the full schema refuses ${JSON.stringify(value)}`)
  }
  for (const value of [{ name: 'abcde' }, { name: 'ab', uris: ['a', 'b', 'c'] }, { name: 'ab', uris: ['abcdef'] }, Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`k${i}`, 1]))]) {
    t.notOk(sizes(value), `the size schema refuses ${JSON.stringify(value).slice(0, 60)}`)
  }
  t.ok(sizes(Object.fromEntries(Array.from({ length: 22 }, (_, i) => [`k${i}`, 1]))), '2 listed + 20 unknown properties pass the size check, for the full one to name')
})
