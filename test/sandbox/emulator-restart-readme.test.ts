import { execFile } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { readmeBlock } from '../helpers/readme.ts'
import { freePort } from '../helpers/server-process.ts'

const run = promisify(execFile)

// Two `npm run` starts of the emulator and one `npm start` (which builds the console first).
t.setTimeout(300_000)

t.test('docs/emulator.md Restarts ...should keep a proxy working across a restart of the emulator, as written', async t => {
  const [emulatorPort, proxyPort] = [await freePort(), await freePort()]
  // The block as written, on free ports: 4010 is the emulator's, 3000 the proxy's (its PORT default).
  const script = (await readmeBlock('emulator-restart')).replaceAll('4010', String(emulatorPort)).replaceAll('localhost:3000', `localhost:${proxyPort}`)
  const scratch = await mkdtemp(join(tmpdir(), 'bff-emulator-restart-'))
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: new URL('../..', import.meta.url),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: scratch, PORT: String(proxyPort) },
    timeout: 180_000
  })
  const lines = stdout.trim().split('\n')
  t.match(lines[0], /^added alice \(viewer\) to /)
  t.same(lines.slice(1), ['200', '503', '200'], 'served, then 503 while the emulator is down, then served again after its restart')
})
