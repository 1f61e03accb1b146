// WebSocket conformance through a proxy: one process runs an echo server (the upstream) and a client, both from
// the npm package `ws`, so neither side shares code with the proxy under test. The client connects through the
// proxy's TLS listener; the proxy routes to the echo server. Every case checks what arrives at the far end.
//
// usage: node websocket-conformance.cjs   (configured by the environment; conformance/websocket.sh sets it)
//   WSC_WS_MODULE        path of the `ws` package directory
//   WSC_URL              wss://127.0.0.1:PORT/PREFIX  (the proxy route that leads to the echo server)
//   WSC_UPSTREAM_PORT    port for the echo server on 127.0.0.1
//   WSC_CA               PEM file of the CA that issued the proxy's certificate ('' to skip verification)
//   WSC_SERVERNAME       TLS server name (SNI) to send, default localhost
//   WSC_MAX_FRAME_BYTES  the tenant's webSockets.maxFrameBytes
//   WSC_CONCURRENCY      sockets in the concurrency case, default 200
//   WSC_RESULTS          file to write the per-case results to (JSON)
// prints one line per case, then:  websocket: passed N/M ; exits 1 when a case failed.
'use strict'
const crypto = require('crypto')
const fs = require('fs')

const env = process.env
const { WebSocket, WebSocketServer } = require(env.WSC_WS_MODULE)
const BASE_URL = env.WSC_URL.replace(/\/$/, '')
const UPSTREAM_PORT = Number(env.WSC_UPSTREAM_PORT)
const CA = env.WSC_CA ? fs.readFileSync(env.WSC_CA) : undefined
const SERVERNAME = env.WSC_SERVERNAME || 'localhost'
const MAX_FRAME = Number(env.WSC_MAX_FRAME_BYTES)
const CONCURRENCY = Number(env.WSC_CONCURRENCY || 200)
const CASE_TIMEOUT_MS = 30000
const MESSAGE_TIMEOUT_MS = 15000

// --- the upstream: an echo server with a few in-band commands --------------------------------------------------
// A text message "cmd:close CODE REASON" closes with that code, "cmd:ping PAYLOAD" pings the client, "cmd:push N"
// sends N binary messages unasked; everything else is echoed with its type. Connections are known by ?id=.
const upstream = new Map()
const upstreamWaiters = new Map()
const server = new WebSocketServer({ host: '127.0.0.1', port: UPSTREAM_PORT, perMessageDeflate: true })
server.on('connection', (ws, req) => {
  const id = new URL(req.url, 'http://upstream').searchParams.get('id')
  const entry = { ws, pongs: [], path: req.url, extensions: req.headers['sec-websocket-extensions'] || '' }
  entry.closed = new Promise(resolve => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })))
  ws.on('pong', data => entry.pongs.push(String(data)))
  ws.on('error', () => {})
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      const text = data.toString()
      if (text.startsWith('cmd:')) {
        const [verb, ...args] = text.slice(4).split(' ')
        if (verb === 'close') ws.close(Number(args[0]), args.slice(1).join(' '))
        if (verb === 'ping') ws.ping(args.join(' '))
        if (verb === 'push') for (let i = 0; i < Number(args[0]); i++) ws.send(Buffer.from(`push-${i}`))
        return
      }
    }
    ws.send(data, { binary: isBinary })
  })
  upstream.set(id, entry)
  const waiter = upstreamWaiters.get(id)
  if (waiter) waiter(entry)
})

function upstreamSide (id) {
  if (upstream.has(id)) return Promise.resolve(upstream.get(id))
  return withTimeout(new Promise(resolve => upstreamWaiters.set(id, resolve)), MESSAGE_TIMEOUT_MS,
    `the echo server never saw connection ${id}`)
}

// --- the client --------------------------------------------------------------------------------------------------
let nextId = 0

function withTimeout (promise, ms, what) {
  let timer
  return Promise.race([promise, new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout: ${what}`)), ms)
  })]).finally(() => clearTimeout(timer))
}

/** Opens a client socket through the proxy; resolves to a handle with a message queue. */
function connect (options = {}) {
  const id = `c${++nextId}`
  const ws = new WebSocket(`${BASE_URL}/conformance?id=${id}`, {
    ca: CA,
    rejectUnauthorized: CA !== undefined,
    servername: SERVERNAME,
    perMessageDeflate: options.deflate || false,
    handshakeTimeout: 10000,
    maxPayload: 64 * 1024 * 1024
  })
  const queue = []
  const takers = []
  const client = { id, ws, pongs: [] }
  client.closed = new Promise(resolve => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })))
  ws.on('message', (data, isBinary) => {
    const message = { data: Buffer.from(data), isBinary }
    const taker = takers.shift()
    if (taker) taker(message)
    else queue.push(message)
  })
  ws.on('pong', data => client.pongs.push(String(data)))
  client.next = () => withTimeout(new Promise(resolve => {
    if (queue.length) resolve(queue.shift())
    else takers.push(resolve)
  }), MESSAGE_TIMEOUT_MS, `a message on ${id}`)
  client.send = (data, opts = {}) => new Promise((resolve, reject) =>
    ws.send(data, opts, err => (err ? reject(err) : resolve())))
  return withTimeout(new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client))
    ws.once('error', reject)
    ws.once('unexpected-response', (req, res) => reject(new Error(`handshake answered ${res.statusCode}`)))
  }), 15000, `opening ${id}`)
}

function payload (size, binary) {
  if (binary) return crypto.randomBytes(size)
  // Printable ASCII that never starts a "cmd:" command.
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.'
  const bytes = crypto.randomBytes(size)
  let text = ''
  for (let i = 0; i < size; i++) text += alphabet[bytes[i] % alphabet.length]
  return text
}

function check (condition, message) {
  if (!condition) throw new Error(message)
}

async function expectEcho (client, sent, binary) {
  const message = await client.next()
  check(message.isBinary === binary, `echo came back as ${message.isBinary ? 'binary' : 'text'}`)
  const expected = Buffer.isBuffer(sent) ? sent : Buffer.from(sent, 'utf8')
  check(message.data.equals(expected), `echo differs: ${message.data.length} bytes back for ${expected.length} sent`)
}

async function closeNormally (client) {
  client.ws.close(1000, 'done')
  const closed = await withTimeout(client.closed, MESSAGE_TIMEOUT_MS, `close of ${client.id}`)
  check(closed.code === 1000, `closing handshake ended with ${closed.code}, not 1000`)
}

// --- the cases ---------------------------------------------------------------------------------------------------
const cases = []
const test = (name, fn, timeoutMs = CASE_TIMEOUT_MS) => cases.push({ name, fn, timeoutMs })

for (const binary of [false, true]) {
  for (const size of [0, 125, 126, 65535, 65536, 1024 * 1024]) {
    test(`${binary ? 'binary' : 'text'} message of ${size} bytes echoed`, async () => {
      const client = await connect()
      const data = payload(size, binary)
      await client.send(data, { binary })
      await expectEcho(client, data, binary)
      await closeNormally(client)
    })
  }
}

test('text with multi-byte UTF-8 echoed intact', async () => {
  const client = await connect()
  const text = 'grüße, 你好, ☃, 🎉 '.repeat(500)
  await client.send(text)
  await expectEcho(client, text, false)
  await closeNormally(client)
})

test('fragmented text message (3 frames) reassembled by the upstream', async () => {
  const client = await connect()
  const parts = [payload(1000, false), payload(70000, false), payload(10, false)]
  await client.send(parts[0], { fin: false })
  await client.send(parts[1], { fin: false })
  await client.send(parts[2], { fin: true })
  await expectEcho(client, parts.join(''), false)
  await closeNormally(client)
})

test('fragmented binary message (8 x 100 KiB) reassembled by the upstream', async () => {
  const client = await connect()
  const parts = Array.from({ length: 8 }, () => payload(100 * 1024, true))
  for (let i = 0; i < parts.length; i++) await client.send(parts[i], { binary: true, fin: i === parts.length - 1 })
  await expectEcho(client, Buffer.concat(parts), true)
  await closeNormally(client)
})

test('ping between the fragments of a message is answered, message intact', async () => {
  const client = await connect()
  const parts = [payload(5000, true), payload(5000, true)]
  await client.send(parts[0], { binary: true, fin: false })
  client.ws.ping('mid-message')
  await client.send(parts[1], { binary: true, fin: true })
  await expectEcho(client, Buffer.concat(parts), true)
  await withTimeout((async () => { while (!client.pongs.includes('mid-message')) await sleep(20) })(),
    MESSAGE_TIMEOUT_MS, 'the pong')
  await closeNormally(client)
})

test('client ping gets the upstream pong with the same payload', async () => {
  const client = await connect()
  client.ws.ping('hello-ping')
  await withTimeout((async () => { while (!client.pongs.includes('hello-ping')) await sleep(20) })(),
    MESSAGE_TIMEOUT_MS, 'the pong')
  await closeNormally(client)
})

test('upstream ping gets the client pong with the same payload', async () => {
  const client = await connect()
  const side = await upstreamSide(client.id)
  await client.send('cmd:ping from-upstream')
  await withTimeout((async () => { while (!side.pongs.includes('from-upstream')) await sleep(20) })(),
    MESSAGE_TIMEOUT_MS, 'the pong at the upstream')
  await closeNormally(client)
})

test('upstream pushes 50 messages unasked, all arrive in order', async () => {
  const client = await connect()
  await client.send('cmd:push 50')
  for (let i = 0; i < 50; i++) {
    const message = await client.next()
    check(message.data.toString() === `push-${i}`, `message ${i} was '${message.data.toString()}'`)
  }
  await closeNormally(client)
})

for (const [code, reason] of [[1000, 'client done'], [4000, 'client custom'], [4999, 'client custom high']]) {
  test(`client close ${code} reaches the upstream with its reason`, async () => {
    const client = await connect()
    const side = await upstreamSide(client.id)
    client.ws.close(code, reason)
    const atUpstream = await withTimeout(side.closed, MESSAGE_TIMEOUT_MS, 'the close at the upstream')
    check(atUpstream.code === code && atUpstream.reason === reason,
      `upstream saw ${atUpstream.code} '${atUpstream.reason}'`)
    const atClient = await withTimeout(client.closed, MESSAGE_TIMEOUT_MS, 'the closing handshake')
    check(atClient.code === code, `client's closing handshake ended with ${atClient.code}`)
  })
}

for (const [code, reason] of [[1000, 'server done'], [4001, 'server custom'], [1011, 'server error']]) {
  test(`upstream close ${code} reaches the client with its reason`, async () => {
    const client = await connect()
    const side = await upstreamSide(client.id)
    await client.send(`cmd:close ${code} ${reason}`)
    const atClient = await withTimeout(client.closed, MESSAGE_TIMEOUT_MS, 'the close at the client')
    check(atClient.code === code && atClient.reason === reason, `client saw ${atClient.code} '${atClient.reason}'`)
    const atUpstream = await withTimeout(side.closed, MESSAGE_TIMEOUT_MS, 'the closing handshake')
    check(atUpstream.code === code, `upstream's closing handshake ended with ${atUpstream.code}`)
  })
}

test(`a frame of maxFrameBytes + 1 (${MAX_FRAME + 1} bytes) is closed with 1009`, async () => {
  const client = await connect()
  const side = await upstreamSide(client.id)
  client.send(payload(MAX_FRAME + 1, true), { binary: true }).catch(() => {})
  const atClient = await withTimeout(client.closed, MESSAGE_TIMEOUT_MS, 'the close at the client')
  check(atClient.code === 1009, `client saw close ${atClient.code} '${atClient.reason}', not 1009`)
  await withTimeout(side.closed, MESSAGE_TIMEOUT_MS, 'the upstream connection to close')
})

test('a fragmented message over maxFrameBytes in total is closed with 1009', async () => {
  const client = await connect()
  const part = Math.ceil(MAX_FRAME / 2) + 1
  client.send(payload(part, true), { binary: true, fin: false }).catch(() => {})
  client.send(payload(part, true), { binary: true, fin: true }).catch(() => {})
  const atClient = await withTimeout(client.closed, MESSAGE_TIMEOUT_MS, 'the close at the client')
  check(atClient.code === 1009, `client saw close ${atClient.code} '${atClient.reason}', not 1009`)
})

test('permessage-deflate negotiated end to end, compressed messages echoed', async () => {
  const client = await connect({ deflate: true })
  const side = await upstreamSide(client.id)
  check(/permessage-deflate/.test(side.extensions), 'the offer did not reach the upstream')
  check(/permessage-deflate/.test(client.ws.extensions), 'the client did not get the extension accepted')
  for (const size of [10, 20000, 300000]) {
    const data = 'compressible '.repeat(Math.ceil(size / 13)).slice(0, size)
    await client.send(data)
    await expectEcho(client, data, false)
  }
  await closeNormally(client)
})

test(`${CONCURRENCY} concurrent sockets each echo 5 messages and close cleanly`, async () => {
  const one = async () => {
    const client = await connect()
    for (let i = 0; i < 5; i++) {
      const binary = i % 2 === 1
      const data = payload(1 + crypto.randomInt(4096), binary)
      await client.send(data, { binary })
      await expectEcho(client, data, binary)
    }
    const side = await upstreamSide(client.id)
    await closeNormally(client)
    const atUpstream = await withTimeout(side.closed, MESSAGE_TIMEOUT_MS, 'the close at the upstream')
    check(atUpstream.code === 1000, `upstream saw ${atUpstream.code}`)
  }
  const outcomes = await Promise.allSettled(Array.from({ length: CONCURRENCY }, one))
  const failed = outcomes.filter(o => o.status === 'rejected')
  check(failed.length === 0, `${failed.length} of ${CONCURRENCY} sockets failed, first: ${failed[0] && failed[0].reason.message}`)
}, 120000)

function sleep (ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

async function main () {
  await new Promise((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const results = []
  for (const c of cases) {
    const started = Date.now()
    let error = null
    try {
      await withTimeout(c.fn(), c.timeoutMs, c.name)
    } catch (e) {
      error = e.message
    }
    const ms = Date.now() - started
    results.push({ name: c.name, passed: error === null, ms, error })
    console.log(`${error === null ? 'ok  ' : 'FAIL'} ${c.name} (${ms} ms)${error === null ? '' : ': ' + error}`)
  }
  const passed = results.filter(r => r.passed).length
  if (env.WSC_RESULTS) fs.writeFileSync(env.WSC_RESULTS, JSON.stringify({ passed, total: results.length, results }, null, 2) + '\n')
  console.log(`websocket: passed ${passed}/${results.length}`)
  for (const ws of server.clients) ws.terminate()
  server.close()
  process.exit(passed === results.length ? 0 : 1)
}

main().catch(e => {
  console.error(`websocket-conformance: ${e.stack || e}`)
  process.exit(2)
})
