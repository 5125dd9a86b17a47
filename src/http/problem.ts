import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { UpstreamResult } from './errors.ts'
import { fieldProblems, MAX_FIELD_PROBLEMS, type ValidationIssue } from './validation-messages.ts'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

export interface FieldProblem { path: string, message: string }

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  requestId: string
  code?: string
  errors?: FieldProblem[]
  resultCode?: string
  resultMessage?: string
  violations?: unknown[]
  warnings?: unknown[]
}

/** What a policy refusal carries beside its message (src/policy). */
export interface PolicyFindings { violations: unknown[], warnings: unknown[] }

type HandledError = FastifyError & { upstreamResult?: UpstreamResult, validation?: ValidationIssue[], policyFindings?: PolicyFindings }

/** Turns any error into an RFC 9457 problem; 5xx details are replaced so no internals escape. */
export function toProblem (error: HandledError, request: FastifyRequest): Problem {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
  const known = typeof error.code === 'string' && (error.code.startsWith('BFF_') || error.code.startsWith('FST_'))
  const problem: Problem = {
    type: `urn:authlete-bff:problem:${problemSlug(error, status, known)}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: describe(error, status, known, request),
    requestId: request.id
  }
  if (known) problem.code = error.code
  if (error.validation !== undefined) {
    const context = error.validationContext ?? 'body'
    problem.errors = fieldProblems(error.validation, context)
    // Schema validation: the first problem, so a reader of the detail alone knows where to look; the
    // list is in errors. The proxy's own checks (BFF_ codes) keep the detail they wrote.
    if (error.code === 'FST_ERR_VALIDATION' || !known) {
      const [first] = problem.errors
      const more = problem.errors.length > 1 ? `; ${problem.errors.length - 1} more in errors${problem.errors.length === MAX_FIELD_PROBLEMS ? ' (the first 20 are listed)' : ''}` : ''
      problem.detail = first === undefined ? `Invalid request ${context}` : `Invalid request ${context}: ${first.path} ${first.message}${more}`
    }
  }
  if (error.upstreamResult !== undefined) {
    problem.resultCode = error.upstreamResult.resultCode
    problem.resultMessage = error.upstreamResult.resultMessage
  }
  if (error.policyFindings !== undefined) Object.assign(problem, error.policyFindings)
  return problem
}

export function sendProblem (reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem)
}

function problemSlug (error: HandledError, status: number, known: boolean): string {
  if (error.validation !== undefined) return 'validation'
  if (!known) return status >= 500 ? 'internal' : 'request'
  return error.code.replace(/^(BFF|FST_ERR)_/, '').toLowerCase().replaceAll('_', '-')
}

// The types a 415 could have used: those this route's scope has a parser for (the back-channel
// logout route takes a form, every other route JSON).
const BODY_TYPES = ['application/json', 'application/merge-patch+json', 'application/x-www-form-urlencoded']

function describe (error: HandledError, status: number, known: boolean, request: FastifyRequest): string {
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const sent = request.headers['content-type']
    const accepted = BODY_TYPES.filter(type => request.server.hasContentTypeParser(type))
    return `${sent === undefined ? 'No Content-Type was sent' : `Content-Type ${JSON.stringify(sent.slice(0, 100))} is not accepted`}; send ${accepted.join(' or ')}`
  }
  if (known) return error.message
  return status >= 500 ? 'An unexpected error occurred; the request id identifies it in the logs' : error.message
}
