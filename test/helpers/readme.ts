import { readFile, readdir } from 'node:fs/promises'

const root = new URL('../../', import.meta.url)

/** README.md and every docs/*.md, by path: the places whose shell blocks the tests run as written. */
async function documents (): Promise<Array<{ path: string, text: string }>> {
  const docs = (await readdir(new URL('docs/', root))).filter(name => name.endsWith('.md')).sort().map(name => `docs/${name}`)
  return await Promise.all(['README.md', ...docs].map(async path => ({ path, text: await readFile(new URL(path, root), 'utf8') })))
}

/** The shell script of a block between `<!-- readme-test:NAME:start -->` and its end marker, in README.md or docs/*.md. */
export async function readmeBlock (name: string): Promise<string> {
  for (const { text } of await documents()) {
    const section = text.split(`<!-- readme-test:${name}:start -->`)[1]?.split(`<!-- readme-test:${name}:end -->`)[0]
    const script = section?.match(/```sh\n([\s\S]*?)```/)?.[1]
    if (script !== undefined) return script
  }
  throw new Error(`neither README.md nor docs/*.md has a readme-test:${name} block`)
}

/**
 * A ```sh block of README.md or docs/*.md, and how the tests treat it: `name` when it sits between
 * `<!-- readme-test:NAME:start -->` and its end (a test of its own runs it with `readmeBlock(NAME)`;
 * README's first curl block is `readme`), `skip` with the reason given on the line before it
 * (`<!-- readme-test:skip REASON -->`), neither: test/readme/docs-blocks.test.ts runs it, in order
 * with the other such blocks of its document, against a sandbox server.
 */
export interface ShellBlock { path: string, line: number, script: string, name?: string, skip?: string }

export async function shellBlocks (): Promise<ShellBlock[]> {
  const blocks: ShellBlock[] = []
  for (const { path, text } of await documents()) {
    const lines = text.split('\n')
    let name: string | undefined
    for (let index = 0; index < lines.length; index++) {
      const marker = lines[index]!.match(/^<!-- readme-test:?([\w-]*):?(start|end) -->$/)
      if (marker !== null) name = marker[2] === 'start' ? marker[1] || 'readme' : undefined
      if (lines[index] !== '```sh') continue
      const end = lines.indexOf('```', index + 1)
      const skip = lines[index - 1]?.match(/^<!-- readme-test:skip (.+) -->$/)?.[1]
      blocks.push({ path, line: index + 1, script: `${lines.slice(index + 1, end).join('\n')}\n`, ...(name === undefined ? {} : { name }), ...(skip === undefined ? {} : { skip }) })
      index = end
    }
  }
  return blocks
}
