// A plain origin for the scans of edgespot's TLS listener (testssl requests '/' and reads the response head): every
// GET or HEAD is answered 200 with a small HTML page, anything else 405. It sets no security headers of its own
// (no HSTS, CSP, X-Frame-Options...): what a scan sees there is what edgespot adds, which should be nothing.
//
// usage: node static-origin.cjs PORT   (binds 127.0.0.1)
'use strict'
const http = require('http')

const port = Number(process.argv[2])
const page = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>edgespot conformance origin</title>' +
  '</head><body><p>The origin behind edgespot in the conformance run.</p></body></html>\n'
http.createServer((req, res) => {
  req.resume()
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Length': 0 })
    return res.end()
  }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(page) })
  res.end(req.method === 'HEAD' ? undefined : page)
}).listen(port, '127.0.0.1')
