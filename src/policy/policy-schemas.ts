import { Type } from 'typebox'
import { ViolationSchema } from '../http/problem-schema.ts'
import { RULES } from './evaluate.ts'
import { ProfileSchema } from './policy-file.ts'

export { ViolationSchema }
const Violations = Type.Array(ViolationSchema)
const Names = Type.Array(Type.String())

export const RuleIdParam = Type.String({ enum: RULES.map(rule => rule.id), description: 'A rule ID (GET /api/policy, docs/policy.md)' })

export const RuleInfoSchema = Type.Object({
  id: Type.String(),
  profiles: Type.Union([Type.Array(ProfileSchema), Type.Literal('team')], { description: 'The profiles it belongs to, or team for a limit of the policy file' }),
  source: Type.String({ description: 'The RFC or FAPI section it comes from' }),
  reads: Names,
  summary: Type.String()
})

export const LimitsSchema = Type.Object({
  redirectUriHosts: Type.Optional(Names),
  grantTypes: Type.Optional(Names),
  tokenAuthMethods: Type.Optional(Names),
  maxAccessTokenSeconds: Type.Optional(Type.Integer()),
  maxRefreshTokenSeconds: Type.Optional(Type.Integer())
})

export const CheckBody = Type.Object({
  client: Type.Object({}, { additionalProperties: true, description: 'A create body, a PUT body (mode replace) or a merge patch (mode patch)' }),
  clientId: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$', description: 'The client an update is for' })),
  mode: Type.Optional(Type.Enum(['create', 'replace', 'patch'], { description: 'Default: create without clientId, patch with it' }))
}, { additionalProperties: false })

export const CheckAnswer = Type.Object({ violations: Violations, warnings: Violations, excepted: Violations, filled: Names })

export const ExceptionSchema = Type.Object({
  rule: Type.String(),
  reason: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' })
})

export const ExceptionBody = Type.Object({
  rule: RuleIdParam,
  reason: Type.String({ minLength: 1, maxLength: 500 }),
  expiresAt: Type.String({ format: 'date-time', description: 'After now, at most 90 days ahead' })
}, { additionalProperties: false })

export const ComplianceAnswer = Type.Object({
  clientId: Type.String(),
  team: Type.Union([Type.String(), Type.Null()]),
  profile: ProfileSchema,
  violations: Type.Array(ViolationSchema, { description: 'The client as it is; those an exception covers have excepted: true' }),
  exceptions: Type.Array(ExceptionSchema)
})

export const PolicyAnswer = Type.Object({
  profile: ProfileSchema,
  teams: Type.Record(Type.String(), Type.Object({ profile: ProfileSchema, rules: Type.Array(RuleInfoSchema), limits: LimitsSchema }), { description: 'The caller\'s teams (roles mode: *)' })
})
