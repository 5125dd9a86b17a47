import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { UpstreamResult } from './errors.ts'

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
}

interface ValidationIssue {
  keyword: string
  instancePath: string
  message?: string
  params: Record<string, unknown>
}

type HandledError = FastifyError & { upstreamResult?: UpstreamResult, validation?: ValidationIssue[] }

/** Turns any error into an RFC 9457 problem; 5xx details are replaced so no internals escape. */
export function toProblem (error: HandledError, request: FastifyRequest): Problem {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
  const known = typeof error.code === 'string' && (error.code.startsWith('BFF_') || error.code.startsWith('FST_'))
  const problem: Problem = {
    type: `urn:authlete-bff:problem:${problemSlug(error, status, known)}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: describe(error, status, known),
    requestId: request.id
  }
  if (known) problem.code = error.code
  if (error.validation !== undefined) {
    problem.errors = error.validation.map(issue => fieldProblem(issue, error.validationContext ?? 'body'))
    problem.detail = `Invalid request ${error.validationContext ?? 'body'}: ${problem.errors.map(e => `${e.path} ${e.message}`).join('; ')}`
  }
  if (error.upstreamResult !== undefined) {
    problem.resultCode = error.upstreamResult.resultCode
    problem.resultMessage = error.upstreamResult.resultMessage
  }
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

function describe (error: HandledError, status: number, known: boolean): string {
  if (known) return error.message
  return status >= 500 ? 'An unexpected error occurred; the request id identifies it in the logs' : error.message
}

function fieldProblem (issue: ValidationIssue, context: string): FieldProblem {
  const base = `/${context}${issue.instancePath}`
  if (issue.keyword === 'additionalProperties') {
    const name = String(issue.params.additionalProperty)
    return { path: `${base}/${name}`, message: `unknown or read-only property '${name}'` }
  }
  if (issue.keyword === 'required') {
    const name = String(issue.params.missingProperty)
    return { path: `${base}/${name}`, message: 'is required' }
  }
  return { path: base, message: issue.message ?? 'is invalid' }
}
