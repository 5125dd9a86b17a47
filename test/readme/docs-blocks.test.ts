import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { shellBlocks, type ShellBlock } from '../helpers/readme.ts'
import { startServerProcess } from '../helpers/server-process.ts'

const run = promisify(execFile)
const repo = new URL('../..', import.meta.url).pathname

// Every ```sh block of README.md and docs/*.md, a document added later included, runs as written:
// by a test of its own (a named block), here (any other block), or not at all with its reason shown.
t.setTimeout(300_000)

/** The names `readmeBlock(NAME)` runs somewhere under test/, and README's curl block (readme.test.ts). */
async function namesRun (): Promise<Set<string>> {
  const files = (await readdir(join(repo, 'test'), { recursive: true })).filter(file => file.endsWith('.ts'))
  const names = new Set(['readme'])
  for (const file of files) {
    for (const match of (await readFile(join(repo, 'test', file), 'utf8')).matchAll(/readmeBlock\('([\w-]+)'\)/g)) names.add(match[1]!)
  }
  return names
}

const where = (block: ShellBlock) => `${block.path}:${block.line}`

t.test('README.md and docs/*.md ...should have every shell block run by a test, or skipped with its reason', async t => {
  const blocks = await shellBlocks()
  const names = await namesRun()
  t.ok(blocks.length > 20, `${blocks.length} blocks found`)
  for (const block of blocks) {
    if (block.skip !== undefined) t.pass(`${where(block)}: not run`, { skip: block.skip })
    else if (block.name !== undefined) t.ok(names.has(block.name), `${where(block)}: readme-test:${block.name} is run by readmeBlock('${block.name}') in a test`)
  }
})

t.test('README.md and docs/*.md ...should run each document\'s other shell blocks in order, as written, after export BFF=..., leaving the checkout as it was', async t => {
  const byDocument = new Map<string, ShellBlock[]>()
  for (const block of await shellBlocks()) {
    if (block.skip === undefined && block.name === undefined) byDocument.set(block.path, [...byDocument.get(block.path) ?? [], block])
  }
  t.ok(byDocument.size > 0, `documents with blocks to run here: ${[...byDocument.keys()].join(', ')}`)
  // As a reader runs them: `npm start` in the checkout (sandbox; its trail in ./data), with the CORS
  // origin docs/frontends.md starts it with, BFF and BFF_PASSWORD exported in their terminal.
  const server = await startServerProcess(t, { CORS_ORIGINS: 'http://localhost:5173' })
  const password = server.output().match(/with the password (\S+)/)?.[1]
  if (password === undefined) throw new Error(`no sandbox password in ${server.output()}`)
  const status = async () => (await run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo })).stdout
  const before = await status()
  for (const [path, blocks] of byDocument) {
    const script = blocks.map(block => `# ${where(block)}\n${block.script}`).join('\n')
    const result = await run('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: repo, env: { PATH: process.env.PATH, HOME: process.env.HOME, BFF: server.url, BFF_PASSWORD: password }, timeout: 120_000
    }).then(({ stdout }) => ({ ok: true, output: stdout }), (error: { stdout: string, stderr: string }) => ({ ok: false, output: `${error.stdout}${error.stderr}` }))
    t.ok(result.ok, `${path}: ${blocks.map(block => `line ${block.line}`).join(', ')} ran${result.ok ? '' : `: ${result.output}`}`)
  }
  t.equal(await status(), before, 'no file left in the checkout that git does not ignore, none changed')
})
