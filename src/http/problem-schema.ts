import { Type, type TSchema } from 'typebox'

export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  requestId: Type.String(),
  code: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  resultCode: Type.Optional(Type.String({ description: 'Authlete\'s result code, when the upstream refused the request' })),
  resultMessage: Type.Optional(Type.String())
}, { $id: 'Problem', description: 'RFC 9457 problem details' })

const PROBLEM_REF = Type.Unsafe({ $ref: 'Problem#' })

/** Response schemas for the given error statuses, all the shared problem document. */
export function problems (...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map(status => [status, PROBLEM_REF]))
}
