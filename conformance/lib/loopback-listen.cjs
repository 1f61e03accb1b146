// Preloaded (`node -r`) into the cache-tests origin server, which calls server.listen(port) and so would
// listen on every interface. A listen() given only a port gets a host inserted: 127.0.0.1, or
// $CACHE_TESTS_ORIGIN_HOST. Everything else passes through unchanged.
'use strict'
const net = require('net')
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  const port = args[0]
  const portOnly = typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))
  if (portOnly && (args.length === 1 || typeof args[1] === 'function')) {
    args.splice(1, 0, process.env.CACHE_TESTS_ORIGIN_HOST || '127.0.0.1')
  }
  return listen.apply(this, args)
}
