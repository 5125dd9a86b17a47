import { mkdir, writeFile } from 'node:fs/promises'
import { buildOpenApiDocument } from '../src/http/openapi-document.ts'

await mkdir('openapi', { recursive: true })
await writeFile('openapi/openapi.json', await buildOpenApiDocument())
process.stdout.write('wrote openapi/openapi.json\n')
