import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { parseOptions, UsageError, type Command } from './command.ts'

export const openapiCommand: Command = {
  name: 'openapi',
  summary: 'write the OpenAPI document of the routes',
  help: `Usage: authlete-bff openapi [--out FILE]

Writes the OpenAPI 3 document that GET /openapi.json serves, built from the routes, independent
of any deployment's settings.

Options:
  -o, --out FILE  where to write it (default openapi/openapi.json; - for stdout)`,
  async run (args) {
    const { values, positionals } = parseOptions(args, { out: { type: 'string', short: 'o' } })
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
    // Loaded here: it builds the whole app (Fastify, every route).
    const { buildOpenApiDocument } = await import('../http/openapi-document.ts')
    const document = await buildOpenApiDocument()
    const out = values.out ?? 'openapi/openapi.json'
    if (out === '-') {
      process.stdout.write(document)
      return 0
    }
    await mkdir(dirname(out), { recursive: true })
    await writeFile(out, document)
    process.stdout.write(`wrote ${out}\n`)
    return 0
  }
}
