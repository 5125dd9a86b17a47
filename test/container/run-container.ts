import { spawn, type ChildProcess } from 'node:child_process'
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { buildah, descendantPid, type ImageConfig } from './buildah.ts'

export interface RunningContainer {
  child: ChildProcess
  output: () => string
  /** Host PID of the image's node process (what `docker stop` signals). */
  nodePid: () => Promise<number>
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

function follow (t: Test, child: ChildProcess): Omit<RunningContainer, 'nodePid'> {
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  // 'close', not 'exit': by then all its output has been read.
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => child.once('close', (code, signal) => resolve({ code, signal })))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  return { child, output: () => output, exited }
}

function nodePidOf (child: ChildProcess): () => Promise<number> {
  return async () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const pid = await descendantPid(child.pid!, 'node')
      if (pid !== undefined) return pid
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    throw new Error('the container\'s node process was not found')
  }
}

/** A working container of `image` (buildah from), removed in teardown. */
export async function workingContainer (t: Test, image: string): Promise<string> {
  const name = await buildah(['from', '--name', `bff-test-${process.pid}-${Date.now()}`, image])
  t.teardown(async () => { await buildah(['rm', name]).catch(() => {}) })
  return name
}

/** `buildah run --isolation chroot` of `command` in the container, as the image's USER, sharing the host network. */
export function buildahRun (t: Test, container: string, env: Record<string, string>, command: string[]): RunningContainer {
  const args = ['run', '--isolation', 'chroot']
  for (const [name, value] of Object.entries(env)) args.push('--env', `${name}=${value}`)
  const child = spawn('buildah', [...args, container, '--', ...command], { stdio: ['ignore', 'pipe', 'pipe'] })
  return { ...follow(t, child), nodePid: nodePidOf(child) }
}

// What `docker run --read-only --tmpfs /tmp -v <volume>:/app/data` sets up, done by hand because
// buildah run has no --read-only: the image's root filesystem bind-mounted read-only, a tmpfs on
// /tmp, a read-only /run holding /run/secrets (read-only), a host directory for each declared
// VOLUME, a PID namespace in which the CMD is PID 1, and the image's USER, Env and WorkingDir. The
// environment is exactly the image's plus `env` (env -i: nothing leaks in from the test runner).
const READ_ONLY_RUNTIME = `
set -eu
root=$1 merged=$2 secrets=$3 user=$4 workdir=$5; shift 5
mount --bind "$merged" "$root"
mount -o remount,bind,ro "$root"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$root/run"
mkdir "$root/run/secrets"
mount --bind "$secrets" "$root/run/secrets"
mount -o remount,bind,ro "$root/run/secrets"
mount -o remount,ro "$root/run"
while [ "$1" != "--" ]; do mount --bind "$2" "$root$1"; shift 2; done; shift
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
if chroot "$root" touch /.write-probe 2>/dev/null; then echo 'rootfs: WRITABLE' >&2; else echo 'rootfs: read-only' >&2; fi
exec chroot --userspec="$user" --groups="\${user#*:}" "$root" /usr/bin/env -i -C "$workdir" "$@"
`

export interface ReadOnlyContainer extends RunningContainer {
  /** The host directory behind each declared VOLUME. */
  volumes: Record<string, string>
}

/** Runs the image's ENTRYPOINT + CMD with a read-only root filesystem, as PID 1 of its own PID namespace. */
export async function readOnlyRun (t: Test, container: string, config: ImageConfig, env: Record<string, string>, secrets: Record<string, string>): Promise<ReadOnlyContainer> {
  const merged = await buildah(['mount', container])
  t.teardown(async () => { await buildah(['umount', container]).catch(() => {}) })
  const dir = await mkdtemp(join(tmpdir(), 'bff-readonly-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const user = await resolveUser(merged, config.User)
  await mkdir(join(dir, 'root'))
  await mkdir(join(dir, 'secrets'))
  for (const [name, content] of Object.entries(secrets)) {
    await writeFile(join(dir, 'secrets', name), content)
    await chmod(join(dir, 'secrets', name), 0o444)
  }
  // A new named volume starts as the image's directory: same owner (the image chowns it to node).
  const volumes: Record<string, string> = {}
  const volumeArgs: string[] = []
  for (const [index, path] of Object.keys(config.Volumes ?? {}).entries()) {
    const host = join(dir, `volume-${index}`)
    const owner = await stat(join(merged, path))
    await mkdir(host)
    await chown(host, owner.uid, owner.gid)
    volumes[path] = host
    volumeArgs.push(path, host)
  }
  const imageEnv = Object.fromEntries(config.Env.map(entry => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]))
  const command = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])]
  const child = spawn('unshare', ['--mount', '--pid', '--fork', '--propagation', 'private', '--', 'sh', '-c', READ_ONLY_RUNTIME, 'runtime',
    join(dir, 'root'), merged, join(dir, 'secrets'), user, config.WorkingDir || '/', ...volumeArgs, '--',
    ...Object.entries({ ...imageEnv, ...env }).map(([name, value]) => `${name}=${value}`), ...command], { stdio: ['ignore', 'pipe', 'pipe'] })
  return { ...follow(t, child), nodePid: nodePidOf(child), volumes }
}

/** `uid:gid` of the image's USER, from the image's own /etc/passwd. */
async function resolveUser (root: string, user: string): Promise<string> {
  if (user === '') return '0:0'
  if (/^[0-9]+(:[0-9]+)?$/.test(user)) return user.includes(':') ? user : `${user}:${user}`
  const line = (await readFile(join(root, 'etc/passwd'), 'utf8')).split('\n').find(entry => entry.startsWith(`${user}:`))
  if (line === undefined) throw new Error(`USER ${user} is not in the image's /etc/passwd`)
  const [, , uid, gid] = line.split(':')
  return `${uid}:${gid}`
}
