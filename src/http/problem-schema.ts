import { Type, type TSchema } from 'typebox'
import { problemCodes } from './errors.ts'

/** One thing wrong with a client under the security policy (src/policy). */
export const ViolationSchema = Type.Object({
  rule: Type.String({ description: 'The rule\'s stable ID (docs/policy.md)' }),
  property: Type.String({ description: 'The Authlete client property it reads' }),
  value: Type.Unknown({ description: 'The offending value (for a list, the offending element)' }),
  message: Type.String({ description: 'What is wrong and what is accepted' }),
  fix: Type.String({ description: 'How to fix it' }),
  excepted: Type.Optional(Type.Boolean({ description: 'An exception lets it pass for now' }))
})

export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  requestId: Type.String(),
  code: Type.Optional(Type.String({
    description: `A stable code to branch on (detail is for people and may change): BFF_* from the proxy, FST_ERR_* for requests refused before a route ran. The table of docs/routes.md says what each means and what to do. One of: ${problemCodes().join(', ')}`
  })),
  errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  resultCode: Type.Optional(Type.String({ description: 'Authlete\'s result code, when the upstream refused the request' })),
  resultMessage: Type.Optional(Type.String()),
  violations: Type.Optional(Type.Array(ViolationSchema, { description: 'BFF_POLICY_VIOLATION: the new violations, which blocked the change' })),
  warnings: Type.Optional(Type.Array(ViolationSchema, { description: 'BFF_POLICY_VIOLATION: violations the client already had (the ratchet lets them be)' }))
}, { $id: 'Problem', description: 'RFC 9457 problem details' })

const PROBLEM_REF = Type.Unsafe({ $ref: 'Problem#' })

/** Response schemas for the given error statuses, all the shared problem document. */
export function problems (...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map(status => [status, PROBLEM_REF]))
}
