import type { FieldProblem } from './problem.ts'
import { uriFormatMessage } from './uri-formats.ts'

export interface ValidationIssue {
  keyword: string
  instancePath: string
  schemaPath?: string
  message?: string
  params: Record<string, unknown>
}

/**
 * Ajv's issues as messages that say what to send. A nullable value (every merge-patch property,
 * `applicationType`) is a schema union with null: Ajv reports each branch and the union ("must be
 * string", "must be null", "must match a schema in anyOf"), where one message holds it all ("must be
 * string, or null"). Enums list their allowed values. Each message appears once.
 * Whatever the input, the answer stays small (under 16 KiB): at most MAX_FIELD_PROBLEMS, with paths
 * and messages of bounded length (both can quote the caller's property names).
 */
export function fieldProblems (issues: ValidationIssue[], context: string): FieldProblem[] {
  const dropped = new Set<ValidationIssue>()
  const nullablePaths = new Set<string>()
  for (const union of issues.filter(issue => issue.keyword === 'anyOf')) {
    const branches = issues.filter(issue => issue !== union && issue.schemaPath?.startsWith(`${union.schemaPath}/`))
    if (branches.length === 0) continue
    dropped.add(union)
    const nullBranch = branches.find(issue => isNullBranch(issue, union))
    if (nullBranch === undefined) continue
    dropped.add(nullBranch)
    nullablePaths.add(union.instancePath)
  }
  const seen = new Set<string>()
  const problems: FieldProblem[] = []
  for (const issue of issues) {
    if (dropped.has(issue)) continue
    const { path, message } = fieldProblem(issue, context, nullablePaths.has(issue.instancePath))
    const problem = { path: clip(path, MAX_PATH_LENGTH), message: clip(message, MAX_MESSAGE_LENGTH) }
    const key = `${problem.path} ${problem.message}`
    if (seen.has(key)) continue
    seen.add(key)
    problems.push(problem)
    if (problems.length === MAX_FIELD_PROBLEMS) break
  }
  return problems
}

export const MAX_FIELD_PROBLEMS = 20
const MAX_PATH_LENGTH = 200
const MAX_MESSAGE_LENGTH = 400

const clip = (text: string, length: number): string => text.length > length ? `${text.slice(0, length - 3)}...` : text

// The `null` alternative of a union, at the union's own place: `#/.../anyOf/1/type`, type null.
function isNullBranch (issue: ValidationIssue, union: ValidationIssue): boolean {
  return issue.keyword === 'type' && issue.params.type === 'null' && issue.instancePath === union.instancePath &&
    /^\/\d+\/type$/.test(issue.schemaPath!.slice(union.schemaPath!.length))
}

function fieldProblem (issue: ValidationIssue, context: string, nullable: boolean): FieldProblem {
  const base = `/${context}${issue.instancePath}`
  const orNull = nullable ? ', or null' : ''
  switch (issue.keyword) {
    case 'additionalProperties': {
      const name = String(issue.params.additionalProperty)
      return { path: `${base}/${name}`, message: `unknown or read-only property '${name}'` }
    }
    case 'required':
      return { path: `${base}/${String(issue.params.missingProperty)}`, message: 'is required' }
    case 'enum':
      return { path: base, message: `must be one of ${(issue.params.allowedValues as unknown[]).map(value => JSON.stringify(value)).join(', ')}${orNull}` }
    case 'type':
      return { path: base, message: `must be ${String(issue.params.type)}${orNull}` }
    case 'format':
      return { path: base, message: uriFormatMessage(issue.params.format) ?? issue.message ?? 'is invalid' }
    default:
      return { path: base, message: issue.message ?? 'is invalid' }
  }
}
