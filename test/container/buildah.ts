import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const REPO = fileURLToPath(new URL('../..', import.meta.url))
export const BASE_IMAGE = 'docker.io/library/node:24-slim'
/** ../shared/tools next to the checkout (CI has it there): builds BASE_IMAGE without a registry. */
export const LOCAL_NODE_IMAGE = join(REPO, '..', 'shared', 'tools', 'local-node-image')

/** What `docker inspect` calls Config: the parts of the image's configuration the tests check. */
export interface ImageConfig {
  User: string
  Env: string[]
  Cmd: string[] | null
  Entrypoint: string[] | null
  WorkingDir: string
  ExposedPorts?: Record<string, object>
  Volumes?: Record<string, object>
  Healthcheck?: { Test: string[], Interval: number, Timeout: number, Retries: number }
  Labels?: Record<string, string>
}

/** Why buildah cannot be used here, or undefined when it can. */
export async function buildahUnavailable (): Promise<string | undefined> {
  try {
    await run('buildah', ['--version'])
    return undefined
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? 'buildah is not installed (apt-get install -y buildah debootstrap)' : `buildah --version failed: ${(error as Error).message}`
  }
}

export async function imageExists (name: string): Promise<boolean> {
  try {
    await run('buildah', ['inspect', '--type', 'image', name])
    return true
  } catch {
    return false
  }
}

/** The local stand-in for node:24-slim (about 80 s the first time). */
export async function ensureBaseImage (): Promise<'present' | 'built'> {
  if (await imageExists(BASE_IMAGE)) return 'present'
  if (!existsSync(LOCAL_NODE_IMAGE)) throw new Error(`${BASE_IMAGE} is missing and ${LOCAL_NODE_IMAGE} does not exist to build it (../shared must sit next to the checkout)`)
  await run(LOCAL_NODE_IMAGE, ['24'], { timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 })
  return 'built'
}

/** `buildah bud` of the repository's Dockerfile, as is; answers how long it took. */
export async function buildImage (tag: string, buildArgs: Record<string, string>): Promise<{ seconds: number, output: string }> {
  const started = Date.now()
  const args = ['bud', '--isolation', 'chroot', '--format', 'docker', '-t', tag]
  for (const [name, value] of Object.entries(buildArgs)) args.push('--build-arg', `${name}=${value}`)
  const { stdout, stderr } = await run('buildah', [...args, '.'], { cwd: REPO, timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 })
  return { seconds: (Date.now() - started) / 1000, output: stdout + stderr }
}

export async function imageConfig (name: string): Promise<ImageConfig> {
  const { stdout } = await run('buildah', ['inspect', '--type', 'image', name], { maxBuffer: 16 * 1024 * 1024 })
  return (JSON.parse(stdout) as { Docker: { config: ImageConfig } }).Docker.config
}

const UNITS: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9 }

/** The image's size in bytes as buildah reports it (decimal units, three significant digits). */
export async function imageSize (name: string): Promise<number> {
  const { stdout } = await run('buildah', ['images', '--format', '{{.Size}}', name])
  const match = stdout.trim().split('\n')[0]?.match(/^([0-9.]+)\s*([kKMG]?B)$/)
  if (match === null || match === undefined) throw new Error(`unexpected size from buildah images: ${JSON.stringify(stdout)}`)
  return Number(match[1]) * UNITS[match[2]!]!
}

export async function buildah (args: string[]): Promise<string> {
  const { stdout } = await run('buildah', args, { maxBuffer: 16 * 1024 * 1024 })
  return stdout.trim()
}

/**
 * The host PID of the first process whose argv[0] is `program` (a path ending in it) among the
 * descendants of `root` (chroot isolation shares the host's process table): the server, to be
 * signalled as a container runtime would. (Node names its main thread, so `comm` is no help.)
 */
export async function descendantPid (root: number, program: string): Promise<number | undefined> {
  const parents = new Map<number, number>()
  for (const entry of await readdir('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '')
    const close = stat.lastIndexOf(')')
    if (close >= 0) parents.set(Number(entry), Number(stat.slice(close + 2).split(' ')[1]))
  }
  const queue = [root]
  while (queue.length > 0) {
    const pid = queue.shift()!
    for (const [child, parent] of parents) {
      if (parent !== pid) continue
      const argv0 = (await readFile(`/proc/${child}/cmdline`, 'utf8').catch(() => '')).split('\0')[0] ?? ''
      if (argv0 === program || argv0.endsWith(`/${program}`)) return child
      queue.push(child)
    }
  }
  return undefined
}
