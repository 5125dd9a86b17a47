import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { UpstreamResult } from './errors.ts'
import { uriFormatMessage } from './uri-formats.ts'

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
    const context = error.validationContext ?? 'body'
    problem.errors = fieldProblems(error.validation, context)
    // The first problem, so a reader of the detail alone knows where to look; the list is in errors.
    const [first] = problem.errors
    const more = problem.errors.length > 1 ? `; ${problem.errors.length - 1} more in errors${problem.errors.length === MAX_FIELD_PROBLEMS ? ' (the first 20 are listed)' : ''}` : ''
    problem.detail = first === undefined ? `Invalid request ${context}` : `Invalid request ${context}: ${first.path} ${first.message}${more}`
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

// Whatever the input, the answer stays small (under 16 KiB): a bounded list, each problem once (Ajv
// can report one place twice through a union), with paths and messages of bounded length (both can
// quote the caller's property names).
const MAX_FIELD_PROBLEMS = 20
const MAX_PATH_LENGTH = 200
const MAX_MESSAGE_LENGTH = 400

function fieldProblems (issues: ValidationIssue[], context: string): FieldProblem[] {
  const seen = new Set<string>()
  const listed: FieldProblem[] = []
  for (const issue of issues) {
    const { path, message } = fieldProblem(issue, context)
    const entry = { path: clip(path, MAX_PATH_LENGTH), message: clip(message, MAX_MESSAGE_LENGTH) }
    const key = `${entry.path}\n${entry.message}`
    if (seen.has(key)) continue
    seen.add(key)
    listed.push(entry)
    if (listed.length === MAX_FIELD_PROBLEMS) break
  }
  return listed
}

const clip = (text: string, length: number): string => text.length > length ? `${text.slice(0, length - 3)}...` : text

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
  const uriMessage = issue.keyword === 'format' ? uriFormatMessage(issue.params.format) : undefined
  return { path: base, message: uriMessage ?? issue.message ?? 'is invalid' }
}
