// The upstream stub: nginx answering fixed Authlete JSON, from bench/nginx.conf.template.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CLIENT_JSON, CLIENT_ID, LIST_JSON, SERVICE_ID } from '../fixtures.ts'
import { freePort, start, waitForHttp, type Started } from './processes.ts'

export interface Stub extends Started {
  origin: string
}

export async function startStub (nginx: string, dir: string): Promise<Stub> {
  const prefix = join(dir, 'nginx')
  await mkdir(join(prefix, 'logs'), { recursive: true })
  await mkdir(join(prefix, 'static'), { recursive: true })
  await writeFile(join(prefix, 'static', 'list.json'), LIST_JSON)
  const port = await freePort()
  if (/['\\$]/.test(CLIENT_JSON)) throw new Error('the stub JSON must not hold \', \\ or $ (nginx string)')
  const template = await readFile(new URL('../nginx.conf.template', import.meta.url), 'utf8')
  const values: Record<string, string> = { PREFIX: prefix, PORT: String(port), CLIENT_JSON }
  const conf = template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => values[name] ?? '')
  const confFile = join(prefix, 'nginx.conf')
  await writeFile(confFile, conf)
  const started = start(nginx, ['-p', prefix, '-e', join(prefix, 'error.log'), '-c', confFile])
  const origin = `http://127.0.0.1:${port}`
  await waitForHttp(`${origin}/`, started)
  await checkStub(origin)
  return { ...started, origin }
}

async function checkStub (origin: string): Promise<void> {
  const base = `${origin}/api/${SERVICE_ID}/client`
  const checks: Array<[string, RequestInit, string]> = [
    [`${base}/get/${CLIENT_ID}`, {}, CLIENT_JSON],
    [`${base}/get/list?start=0&end=5`, {}, LIST_JSON],
    [`${base}/update/${CLIENT_ID}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: CLIENT_JSON }, CLIENT_JSON]
  ]
  for (const [url, init, expected] of checks) {
    const response = await fetch(url, init)
    const text = await response.text()
    if (response.status !== 200 || text !== expected || !String(response.headers.get('content-type')).startsWith('application/json')) {
      throw new Error(`the nginx stub answered ${init.method ?? 'GET'} ${url} with ${response.status} ${response.headers.get('content-type')}`)
    }
  }
}
