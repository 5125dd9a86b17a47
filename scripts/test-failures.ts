import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

// npm test, after a failed run: the failing assertions again, with their diagnostics, at the very end of
// the output, where a CI log that keeps only its tail still shows them (tap writes every file's results
// to .tap/test-results).
const root = join('.tap', 'test-results')
for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(name => name.endsWith('.tap')).sort()) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n')
  const failures: string[] = []
  lines.forEach((line, at) => {
    const failed = /^(\s*)not ok /.exec(line)
    if (failed === null) return
    // The assertion's YAML block: indented deeper than its line, up to its closing "...".
    const end = lines.findIndex((next, index) => index > at && next.trim() === '...' && next.startsWith(`${failed[1]}  `))
    const block = lines.slice(at, end === -1 || end - at > 40 ? at + 1 : end + 1)
    failures.push(...block)
  })
  if (failures.length > 0) process.stdout.write(`\n# FAILED: ${file.replace(/\.tap$/, '')}\n${failures.join('\n')}\n`)
}
