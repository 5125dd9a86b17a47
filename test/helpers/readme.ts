import { readFile, readdir } from 'node:fs/promises'

const root = new URL('../../', import.meta.url)

/** README.md and every docs/*.md, as text: the places whose shell blocks the tests run as written. */
async function documents (): Promise<string[]> {
  const docs = (await readdir(new URL('docs/', root))).filter(name => name.endsWith('.md')).map(name => `docs/${name}`)
  return await Promise.all(['README.md', ...docs].map(async path => await readFile(new URL(path, root), 'utf8')))
}

/** The shell script of a block between `<!-- readme-test:NAME:start -->` and its end marker, in README.md or docs/*.md. */
export async function readmeBlock (name: string): Promise<string> {
  for (const text of await documents()) {
    const section = text.split(`<!-- readme-test:${name}:start -->`)[1]?.split(`<!-- readme-test:${name}:end -->`)[0]
    const script = section?.match(/```sh\n([\s\S]*?)```/)?.[1]
    if (script !== undefined) return script
  }
  throw new Error(`neither README.md nor docs/*.md has a readme-test:${name} block`)
}
