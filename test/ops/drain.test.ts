import t from 'tap'
import { Pool } from 'undici'
import { loadConfig } from '../../src/config.ts'
import { startFaultUpstream } from '../helpers/fault-upstream.ts'
import { exited, openConnection, signIn, slowAuthlete, startServer, waitFor } from '../helpers/shutdown-server.ts'

// SIGTERM with the default SHUTDOWN_DELAY on a real `node src/server.ts`: what was sent before the
// signal is served; a second signal ends the delay.

t.test('SIGTERM with the default SHUTDOWN_DELAY ...should answer every request already sent, on new and on open keep-alive connections, none reset', async t => {
  const upstream = await startFaultUpstream(t)
  slowAuthlete(upstream)
  const server = await startServer(t, upstream, {})
  const pool = new Pool(server.url)
  const session = await signIn(pool)
  await pool.destroy()
  const PER_KIND = 40
  // Open keep-alive connections, idle after a first answer: the kind a gateway keeps to a replica.
  const open = await Promise.all(Array.from({ length: PER_KIND }, async () => {
    const connection = await openConnection(server.url)
    await connection.send('GET', '/healthz', {})
    t.equal((await connection.nextAnswer()).status, 200)
    return connection
  }))

  // The replica frozen (SIGSTOP: what a stalled event loop looks like from outside) while requests
  // are sent to it, on those connections and on new ones that the kernel accepts for it; then
  // SIGTERM, then it resumes: every request was sent before the signal.
  server.child.kill('SIGSTOP')
  const resume = () => server.child.kill('SIGCONT')
  t.teardown(resume)
  const fresh = await Promise.all(Array.from({ length: PER_KIND }, () => openConnection(server.url)))
  const connections = [...open, ...fresh]
  t.teardown(() => { for (const connection of connections) connection.destroy() })
  await Promise.all(connections.map((connection, index) => index % 2 === 0
    ? connection.send('GET', '/api/clients/1234', { cookie: session.cookie! })
    : connection.send('PUT', '/api/clients/1234/lock', { ...session, 'content-type': 'application/json' }, '{"locked":true}')))
  const exit = exited(server)
  server.child.kill('SIGTERM')
  const resumed = Date.now()
  resume()

  const answers = await Promise.all(connections.map(connection => connection.nextAnswer().then(
    answer => answer.status,
    (error: NodeJS.ErrnoException) => `${error.code ?? ''} ${error.message}`
  )))
  const { code } = await exit
  t.same(answers.filter(answer => typeof answer === 'string'), [], 'no request was reset or cut')
  t.same([...new Set(answers)], [200], `all ${answers.length} requests were served normally`)
  t.equal(code, 0, 'the process exits 0')

  // How long the resumed replica took to read what had been sent to it: what the default delay must cover.
  const arrivals = server.output().split('\n').filter(line => line.includes('"msg":"incoming request"') && line.includes('/api/clients/1234'))
    .map(line => (JSON.parse(line) as { time: number }).time)
  t.equal(arrivals.length, connections.length, 'every request was read')
  const lastRead = Math.max(...arrivals) - resumed
  t.comment(`the last of ${arrivals.length} requests was read ${lastRead} ms after the replica resumed`)
  t.ok(lastRead < loadConfig({}).SHUTDOWN_DELAY * 1000, 'within the default SHUTDOWN_DELAY')
})

t.test('SIGTERM ...should answer requests on open keep-alive connections during SHUTDOWN_DELAY with Connection: close, leaving none for the drain to close under a request', async t => {
  const upstream = await startFaultUpstream(t)
  slowAuthlete(upstream)
  const server = await startServer(t, upstream, { LOG_LEVEL: 'info' })
  const pool = new Pool(server.url)
  const session = await signIn(pool)
  await pool.destroy()
  const connections = await Promise.all(Array.from({ length: 20 }, async () => {
    const connection = await openConnection(server.url)
    await connection.send('GET', '/healthz', {})
    const answer = await connection.nextAnswer()
    t.equal(answer.headers.connection, 'keep-alive', 'kept alive before SIGTERM')
    return connection
  }))
  t.teardown(() => { for (const connection of connections) connection.destroy() })
  const exit = exited(server)
  const signalled = Date.now()
  server.child.kill('SIGTERM')
  await waitFor('the shutting-down log line', () => server.output().includes('shutting down'))

  // Requests on those connections during the delay: served, and each connection closed after its answer.
  const answers = await Promise.all(connections.map(async connection => {
    await connection.send('GET', '/api/clients/1234', { cookie: session.cookie! })
    const answer = await connection.nextAnswer()
    await connection.closed
    return `${answer.status} ${answer.headers.connection}`
  }))
  const closedAfter = Date.now() - signalled
  t.same([...new Set(answers)], ['200 close'], 'every request served, its answer saying Connection: close')
  t.ok(closedAfter < loadConfig({}).SHUTDOWN_DELAY * 1000, `every connection closed by the server after its answer, ${closedAfter} ms after SIGTERM, before the drain`)
  t.equal((await exit).code, 0)
})

t.test('SIGINT twice ...should end SHUTDOWN_DELAY at the second signal and drain at once', async t => {
  const upstream = await startFaultUpstream(t)
  slowAuthlete(upstream)
  const server = await startServer(t, upstream, { SHUTDOWN_DELAY: '60', SHUTDOWN_TIMEOUT: '120', LOG_LEVEL: 'info' })
  const exit = exited(server)
  server.child.kill('SIGINT')
  await waitFor('the shutting-down log line', () => server.output().includes('shutting down'))
  const second = Date.now()
  server.child.kill('SIGINT')
  const { code, at } = await exit
  t.comment(`exited ${at - second} ms after the second SIGINT`)
  t.equal(code, 0, 'the process exits 0')
  t.ok(at - second < 30_000, 'long before the 60 s delay')
  t.match(server.output(), 'second signal: draining now')
})
