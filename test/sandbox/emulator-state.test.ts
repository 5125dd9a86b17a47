import { execFile } from 'node:child_process'
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { startEmulatorProcess, type EmulatorProcess } from '../helpers/emulator-process.ts'

const run = promisify(execFile)

// Each start is a Node process of its own, a few seconds on a loaded machine.
t.setTimeout(180_000)

async function listClients (emulator: EmulatorProcess, token = emulator.accessToken): Promise<number> {
  const response = await fetch(`${emulator.url}/api/${emulator.serviceId}/client/get/list`, { headers: { authorization: `Bearer ${token}` } })
  await response.arrayBuffer()
  return response.status
}

/** Starts the emulator, checks the credentials it printed work, and stops it (SIGTERM to its group). */
async function startAndStop (t: Parameters<typeof startEmulatorProcess>[0], args: string): Promise<EmulatorProcess> {
  const emulator = await startEmulatorProcess(t, `exec npm run -s emulator -- --port 0 ${args}`)
  t.equal(await listClients(emulator), 200, 'the printed credentials are accepted')
  return emulator
}

t.test('npm run emulator --state FILE ...should keep the credentials across a restart, in a file only its owner reads', async t => {
  const file = join(await mkdtemp(join(tmpdir(), 'bff-emulator-state-')), 'emulator.json')
  // Each start in a subtest of its own: the emulator is stopped when the subtest ends.
  await t.test('first start', async t => { await startAndStop(t, `--state ${file}`) })
  const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>
  t.equal((await stat(file)).mode & 0o777, 0o600, 'mode 0600')
  t.match(saved, { serviceId: /^\d+$/, accessToken: String, apiKey: String, apiSecret: String }, 'the four credentials are kept')
  let second: EmulatorProcess | undefined
  await t.test('second start', async t => { second = await startAndStop(t, `--state ${file}`) })
  t.equal(second?.serviceId, saved.serviceId, 'the same service ID after the restart')
  t.equal(second?.accessToken, saved.accessToken, 'the same access token after the restart')
})

t.test('npm run emulator --service-id --token ...should serve with the given credentials, and --api-key with --api v3 be a usage error', async t => {
  const emulator = await startAndStop(t, '--service-id 4242 --token chosen-token-for-ci')
  t.equal(emulator.serviceId, '4242')
  t.equal(emulator.accessToken, 'chosen-token-for-ci')
  t.equal(await listClients(emulator, 'another-token'), 401, 'another token is refused')
  const v2 = await startEmulatorProcess(t, 'exec npm run -s emulator -- --port 0 --api v2 --api-key chosen-key --api-secret chosen-secret')
  t.equal(v2.apiKey, 'chosen-key')
  t.equal(v2.apiSecret, 'chosen-secret')
  const list = await fetch(`${v2.url}/api/client/get/list`, { headers: { authorization: `Basic ${Buffer.from('chosen-key:chosen-secret').toString('base64')}` } })
  t.equal(list.status, 200, 'the chosen key and secret are accepted')

  const usage = async (args: string[]) => await run(process.execPath, ['src/cli.ts', 'emulator', '--port', '0', ...args], { cwd: new URL('../..', import.meta.url) })
    .then(() => ({ code: 0, stderr: '' }), (error: { code: number, stderr: string }) => error)
  const wrongGeneration = await usage(['--api-key', 'k'])
  t.equal(wrongGeneration.code, 2)
  t.match(wrongGeneration.stderr, /--api-key is for --api v2; with --api v3 use --token/)
  const badId = await usage(['--service-id', '12ab'])
  t.equal(badId.code, 2)
  t.match(badId.stderr, /--service-id must be 1 to 19 digits/)
  const badState = join(await mkdtemp(join(tmpdir(), 'bff-emulator-state-')), 'broken.json')
  await writeFile(badState, '{"serviceId": 12}')
  const broken = await usage(['--state', badState])
  t.equal(broken.code, 2)
  t.match(broken.stderr, `the state file ${badState} has an invalid serviceId`)
})
