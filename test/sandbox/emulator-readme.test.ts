import { execFile } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { startEmulatorProcess } from '../helpers/emulator-process.ts'
import { readmeBlock } from '../helpers/readme.ts'

const run = promisify(execFile)

t.test('docs/emulator.md ...should start the emulator and answer its curl examples as written', async t => {
  const emulator = await startEmulatorProcess(t, await readmeBlock('emulator-start'))
  t.equal(emulator.url, 'http://127.0.0.1:4010')
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await readmeBlock('emulator')], {
    cwd: await mkdtemp(join(tmpdir(), 'bff-emulator-readme-')),
    env: { PATH: process.env.PATH, SERVICE_ID: emulator.serviceId, TOKEN: emulator.accessToken },
    timeout: 30_000
  })
  const [list, client, authorized, lock, missing] = stdout.trim().split('\n')
  t.match(JSON.parse(list!), { start: 0, end: 2, totalCount: 4, clients: [{ clientId: 26478243745571 }, { clientId: 31415926535897 }] })
  t.match(JSON.parse(client!), { clientId: 26478243745571, clientIdAlias: 'portal', clientIdAliasEnabled: true })
  t.match(JSON.parse(authorized!), { subject: 'john', totalCount: 2 })
  t.match(JSON.parse(lock!), { resultCode: 'A215001' })
  t.match(missing, /^\{"resultCode":"A051201","resultMessage":"\[A051201\] \/client\/get, The client \(ID = 12345\) does not exist\."\}404$/)
})
