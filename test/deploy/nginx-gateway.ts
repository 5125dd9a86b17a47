import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Test } from 'tap'
import { freePort } from '../helpers/server-process.ts'

const run = promisify(execFile)

export const EXAMPLE_CONFIG = new URL('../../deploy/nginx/authlete-bff.conf', import.meta.url)

export interface Gateway {
  /** https://127.0.0.1:PORT */
  url: string
  /** http://127.0.0.1:PORT (the redirect to HTTPS) */
  plainUrl: string
  /** The throwaway certificate, to trust it (PEM). */
  ca: string
  accessLog: () => Promise<string>
}

/** Debian's nginx (`apt-get install nginx`); NGINX overrides. */
function findNginx (): string {
  const candidates = process.env.NGINX !== undefined && process.env.NGINX !== '' ? [process.env.NGINX] : ['/usr/sbin/nginx', '/usr/bin/nginx']
  const found = candidates.find(candidate => existsSync(candidate))
  if (found === undefined) throw new Error(`nginx not found (looked for ${candidates.join(', ')}): install it with \`apt-get install nginx\` or set NGINX to its path`)
  return found
}

/** Replaces `from` in the example config, which must hold it: the test runs the shipped file, not a copy that could drift. */
function substitute (config: string, from: string, to: string): string {
  if (!config.includes(from)) throw new Error(`deploy/nginx/authlete-bff.conf no longer contains ${JSON.stringify(from)}: update test/deploy/nginx-gateway.ts with it`)
  return config.replaceAll(from, to)
}

/**
 * nginx on loopback running deploy/nginx/authlete-bff.conf in front of `replicas` (two http://127.0.0.1:PORT
 * origins), with its own prefix directory, a self-signed certificate for 127.0.0.1 (openssl) and a
 * wrapping nginx.conf; killed in the test's teardown.
 */
export async function startGateway (t: Test, replicas: [string, string]): Promise<Gateway> {
  const nginx = findNginx()
  const dir = await mkdtemp(join(tmpdir(), 'bff-gateway-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'tls'))
  await mkdir(join(dir, 'logs'))
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'tls', 'key.pem'), '-out', join(dir, 'tls', 'cert.pem')])
  const [httpsPort, httpPort] = [await freePort(), await freePort()]
  let site = await readFile(EXAMPLE_CONFIG, 'utf8')
  site = substitute(site, 'server bff-1:3000', `server ${new URL(replicas[0]).host}`)
  site = substitute(site, 'server bff-2:3000', `server ${new URL(replicas[1]).host}`)
  site = substitute(site, 'listen 80;', `listen 127.0.0.1:${httpPort};`)
  site = substitute(site, 'listen 443 ssl;', `listen 127.0.0.1:${httpsPort} ssl;`)
  site = substitute(site, '/etc/nginx/tls/', `${dir}/tls/`)
  site = substitute(site, '/var/log/nginx/', `${dir}/logs/`)
  await writeFile(join(dir, 'authlete-bff.conf'), site)
  // What a distribution's nginx.conf around conf.d/ gives, in the test's own directory: one
  // foreground process (no privilege drop), its own pid file, logs and temp paths.
  await writeFile(join(dir, 'nginx.conf'), [
    'daemon off;',
    'master_process off;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/logs/error.log warn;`,
    'events { worker_connections 256; }',
    'http {',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(kind => `  ${kind}_temp_path ${dir}/${kind};`),
    `  include ${dir}/authlete-bff.conf;`,
    '}'
  ].join('\n') + '\n')
  const args = ['-p', dir, '-e', join(dir, 'logs', 'error.log'), '-c', join(dir, 'nginx.conf')]
  await run(nginx, [...args, '-t']).catch((error: Error & { stderr?: string }) => {
    throw new Error(`nginx -t refused the example configuration: ${error.stderr ?? error.message}`)
  })
  const child = spawn(nginx, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise(resolve => child.once('exit', resolve))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  })
  const ca = await readFile(join(dir, 'tls', 'cert.pem'), 'utf8')
  const plainUrl = `http://127.0.0.1:${httpPort}`
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${output}`)
    if ((await fetch(`${plainUrl}/`, { redirect: 'manual' }).catch(() => undefined)) !== undefined) break
    if (attempt > 100) throw new Error(`nginx did not start listening: ${output}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return {
    url: `https://127.0.0.1:${httpsPort}`,
    plainUrl,
    ca,
    accessLog: () => readFile(join(dir, 'logs', 'access.log'), 'utf8').catch(() => '')
  }
}
