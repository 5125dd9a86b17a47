import { readFile } from 'node:fs/promises'

/** The shell script of a README block between `<!-- readme-test:NAME:start -->` and its end marker. */
export async function readmeBlock (name: string): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const section = readme.split(`<!-- readme-test:${name}:start -->`)[1]?.split(`<!-- readme-test:${name}:end -->`)[0]
  const script = section?.match(/```sh\n([\s\S]*?)```/)?.[1]
  if (script === undefined) throw new Error(`README has no readme-test:${name} block`)
  return script
}
