import { test } from 'tap'
import { connect, type Socket } from 'node:net'
import { liveApp } from './support.ts'

interface Ended { afterMs: number, received: string }

/** Opens a socket, sends `head` at once, then one byte of `drip` every `everyMs`, until the server closes it. */
function dripFeed (port: number, head: string, drip: string, everyMs: number): { socket: Socket, ended: Promise<Ended> } {
  const started = performance.now()
  const socket = connect(port, '127.0.0.1')
  const chunks: Buffer[] = []
  let timer: NodeJS.Timeout | undefined
  socket.on('connect', () => {
    socket.write(head)
    let next = 0
    timer = setInterval(() => { if (!socket.destroyed) socket.write(drip[next++ % drip.length]!) }, everyMs)
  })
  socket.on('data', chunk => chunks.push(chunk))
  const ended = new Promise<Ended>(resolve => {
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ afterMs: performance.now() - started, received: Buffer.concat(chunks).toString('latin1') })
    })
    socket.on('error', () => {})
  })
  return { socket, ended }
}

async function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`${what}: still open after ${ms} ms`)), ms) })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

test('POST /auth/login ...should close a connection whose headers arrive a byte at a time after HEADERS_TIMEOUT_MS', async t => {
  const live = await liveApp(t, { REQUEST_TIMEOUT_MS: '3000', HEADERS_TIMEOUT_MS: '1000' })
  const { ended, socket } = dripFeed(live.port, 'POST /auth/login HTTP/1.1\r\nhost: 127.0.0.1\r\nx-pad: ', 'abcdefgh', 100)
  t.teardown(() => socket.destroy())
  const { afterMs, received } = await within(ended, 15_000, 'drip-fed headers')
  t.match(received, /^HTTP\/1\.1 408/, 'answered 408')
  t.ok(afterMs >= 900, `closed after ${afterMs.toFixed(0)} ms`)
  t.comment(`headers drip-fed at 10 bytes/s: closed after ${afterMs.toFixed(0)} ms (HEADERS_TIMEOUT_MS=1000)`)
})

test('POST /auth/login ...should close a connection whose body arrives a byte at a time after REQUEST_TIMEOUT_MS', async t => {
  const live = await liveApp(t, { REQUEST_TIMEOUT_MS: '2000', HEADERS_TIMEOUT_MS: '1000' })
  const head = 'POST /auth/login HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 4000\r\n\r\n{"username":"admin","password":"'
  const { ended, socket } = dripFeed(live.port, head, 'x', 100)
  t.teardown(() => socket.destroy())
  const { afterMs, received } = await within(ended, 15_000, 'drip-fed body')
  t.match(received, /^HTTP\/1\.1 408/, 'answered 408')
  t.ok(afterMs >= 1900, `closed after ${afterMs.toFixed(0)} ms`)
  t.comment(`body drip-fed at 10 bytes/s: closed after ${afterMs.toFixed(0)} ms (REQUEST_TIMEOUT_MS=2000)`)
  t.equal((await fetch(`${live.url}/healthz`)).status, 200, 'the server still answers others')
})

test('GET /healthz ...should refuse sockets beyond MAX_CONNECTIONS at once and accept them again when one closes', async t => {
  const live = await liveApp(t, { MAX_CONNECTIONS: '4' })
  const held: Socket[] = []
  t.teardown(() => { for (const socket of held) socket.destroy() })
  for (let i = 0; i < 4; i++) {
    const socket = connect(live.port, '127.0.0.1')
    socket.on('error', () => {})
    held.push(socket)
    await new Promise(resolve => socket.once('connect', resolve))
  }
  await within((async () => {
    while (await new Promise<number>(resolve => live.app.server.getConnections((_error, count) => resolve(count))) < 4) await new Promise(resolve => setTimeout(resolve, 20))
  })(), 10_000, 'four connections seen')
  const { ended, socket } = dripFeed(live.port, 'GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n', ' ', 1000)
  held.push(socket)
  const refused = await within(ended, 10_000, 'the fifth socket')
  t.equal(refused.received, '', 'the fifth is closed without an answer')
  held[0]!.destroy()
  await within((async () => {
    while (await new Promise<number>(resolve => live.app.server.getConnections((_error, count) => resolve(count))) > 3) await new Promise(resolve => setTimeout(resolve, 20))
  })(), 10_000, 'one connection closed')
  t.equal((await fetch(`${live.url}/healthz`, { headers: { connection: 'close' } })).status, 200, 'room again')
})
