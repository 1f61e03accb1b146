#!/usr/bin/env bash
# Starts an edgespot for the conformance suites, runs COMMAND while it is up, then stops it.
#
# usage: conformance/edgespot-under-test.sh [options] -- COMMAND [ARGS...]
#   -j JAR        the edgespot jar (default: proxy/target/edgespot.jar; build it first)
#   -d DIR        directory for the generated files and edgespot's log (default: target/conformance/edgespot;
#                 emptied first)
#   -t SECONDS    time limit for COMMAND (default: 1800)
#   -P BASE       base port: edgespot listens on BASE (plain HTTP, cached), BASE+1 (TLS, h2 and http/1.1) and
#                 BASE+2 (admin); the WebSocket echo upstream is expected on BASE+3, and this script runs a
#                 plain origin (conformance/lib/static-origin.cjs) on BASE+4 (default: $EDGESPOT_CONFORMANCE_PORT
#                 or 27080)
#   -O PORT       the cache-tests origin the cached route forwards to (default: $CACHE_TESTS_ORIGIN_PORT or 8000)
#
# Everything is generated fresh in DIR with openssl and `edgespot keys new`:
#   ca.crt/ca.key          a test CA (ECDSA P-256, 90 days)
#   server.crt/server.key  a certificate for localhost and 127.0.0.1 issued by that CA, valid 90 days (testssl
#                          reports a lifetime of 60 days or less, or of more than 398), chain server + CA
#   kek.json               a DEVELOPMENT key-encryption key (cleartext); conf.keyset.json, tenant conf's keys
#   edge.yaml              one tenant `conf` serving localhost and 127.0.0.1 with its cache on:
#                            /ws                       -> 127.0.0.1:BASE+3 (WebSockets allowed, maxFrameBytes
#                                                         1MiB, cache off)
#                            /test/, /config/, /state/ -> 127.0.0.1:ORIGIN (cached; the paths cache-tests uses)
#                            anything else             -> 127.0.0.1:BASE+4, the plain origin
#   edgespot.log           edgespot's output; access.log, one JSON line per request; metrics.txt, /metrics
#                          as it was when COMMAND ended
# COMMAND runs once /readyz on the admin port answers 200, with these in its environment:
#   EDGESPOT_CACHE_URL=http://127.0.0.1:BASE       EDGESPOT_TLS=127.0.0.1:BASE+1
#   EDGESPOT_WS_URL=wss://127.0.0.1:BASE+1/ws      EDGESPOT_WS_UPSTREAM_PORT=BASE+3
#   EDGESPOT_WS_MAX_FRAME_BYTES=1048576            EDGESPOT_CA=DIR/ca.crt
#   EDGESPOT_ORIGIN_PORT=ORIGIN                    EDGESPOT_ADMIN=127.0.0.1:BASE+2
# The exit status is COMMAND's; 2 when edgespot cannot be set up or started, or dies while COMMAND runs.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

JAR="$REPO_ROOT/proxy/target/edgespot.jar"
DIR=""
TIME_LIMIT=1800
BASE_PORT="${EDGESPOT_CONFORMANCE_PORT:-27080}"
ORIGIN_PORT="${CACHE_TESTS_ORIGIN_PORT:-8000}"
while getopts "hj:d:t:P:O:" opt; do
  case "$opt" in
    j) JAR="$OPTARG" ;;
    d) DIR="$OPTARG" ;;
    t) TIME_LIMIT="$OPTARG" ;;
    P) BASE_PORT="$OPTARG" ;;
    O) ORIGIN_PORT="$OPTARG" ;;
    h) usage_from_header; exit 0 ;;
    *) usage_from_header >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[[ "${1:-}" == "--" ]] && shift
(($#)) || { usage_from_header >&2; exit 2; }
[[ "$BASE_PORT" =~ ^[0-9]+$ ]] && ((BASE_PORT > 0 && BASE_PORT + 4 < 65536)) || die "bad base port '$BASE_PORT'"
[[ "$ORIGIN_PORT" =~ ^[0-9]+$ ]] && ((ORIGIN_PORT > 0 && ORIGIN_PORT < 65536)) || die "bad origin port '$ORIGIN_PORT'"
[[ -f "$JAR" ]] || die "no edgespot jar at $JAR; build it first (see README.md)"
require_command java openjdk-17-jdk-headless
require_command openssl openssl
require_command curl curl
require_command node nodejs

PLAIN_PORT=$BASE_PORT
TLS_PORT=$((BASE_PORT + 1))
ADMIN_PORT=$((BASE_PORT + 2))
WS_PORT=$((BASE_PORT + 3))
SITE_PORT=$((BASE_PORT + 4))
for port in "$PLAIN_PORT" "$TLS_PORT" "$ADMIN_PORT" "$SITE_PORT"; do
  ! listening 127.0.0.1 "$port" || die "port 127.0.0.1:$port is in use; pick another base port (-P)"
done

DIR="$(results_dir edgespot "$DIR")"
# Only ever empty a directory this script made: it holds the generated files and nothing else.
if [[ -n "$(ls -A "$DIR")" ]]; then
  [[ -f "$DIR/edge.yaml" && -f "$DIR/conf.keyset.json" ]] ||
    die "$DIR is not empty and was not made by this script; give another directory (-d)"
  rm -rf "${DIR:?}"/*
fi
JAR="$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")"

# --- certificates: a CA and a server certificate issued by it -------------------------------------------------
(
  cd "$DIR"
  umask 077
  openssl ecparam -name prime256v1 -genkey -noout -out ca.key.sec1 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in ca.key.sec1 -out ca.key && rm ca.key.sec1
  openssl req -x509 -new -key ca.key -sha256 -days 90 -subj "/O=edgespot conformance/CN=edgespot test CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" -out ca.crt 2>/dev/null
  openssl ecparam -name prime256v1 -genkey -noout -out server.key.sec1 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in server.key.sec1 -out server.key && rm server.key.sec1
  openssl req -new -key server.key -subj "/CN=localhost" -out server.csr 2>/dev/null
  cat >server.ext <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 90 -sha256 \
    -extfile server.ext -out server.leaf.crt 2>/dev/null
  cat server.leaf.crt ca.crt >server.crt
  rm -f server.csr server.ext server.leaf.crt ca.srl
  chmod 644 ca.crt server.crt
) || die "could not generate the test certificates with openssl"

# --- keys and config ------------------------------------------------------------------------------------------
java -jar "$JAR" keys new --keyset "$DIR/conf.keyset.json" --tenant conf --dev-kek "$DIR/kek.json" \
  >"$DIR/keys.log" 2>&1 || { cat "$DIR/keys.log" >&2; die "edgespot keys new failed"; }
cat >"$DIR/edge.yaml" <<EOF
# Written by conformance/edgespot-under-test.sh for the conformance suites. Paths are relative to this file.
# kek.json is a DEVELOPMENT key-encryption key stored in clear.
server:
  shutdownGrace: 5s
  drainWindow: 1s
listeners:
  - { name: cache-tests, address: "127.0.0.1:$PLAIN_PORT", tls: false, http2: false }
  - { name: tls, address: "127.0.0.1:$TLS_PORT", tls: true, http2: true, defaultTenant: conf }
admin:
  address: "127.0.0.1:$ADMIN_PORT"
accessLog:
  format: json
  file: access.log
limits:
  maxConnections: 2000
  maxWebSockets: 1000
keys:
  kek: file:kek.json
tenants:
  - name: conf
    hosts: [ "localhost", "127.0.0.1" ]
    certificate: { cert: server.crt, key: server.key }
    keyset: { file: conf.keyset.json }
    cache: { enabled: true, maxBytes: 64MiB, maxObjectBytes: 8MiB }
    webSockets: { max: 1000, idleTimeout: 2m, maxFrameBytes: 1MiB }
    clusters:
      origin:
        endpoints: [ "127.0.0.1:$ORIGIN_PORT" ]
        outlier: { consecutive5xx: 0, consecutiveFailures: 0 }
      ws:
        endpoints: [ "127.0.0.1:$WS_PORT" ]
        outlier: { consecutive5xx: 0, consecutiveFailures: 0 }
      site:
        endpoints: [ "127.0.0.1:$SITE_PORT" ]
    routes:
      - { match: { pathPrefix: /ws }, to: ws, webSocket: true, cache: false }
      - { match: { pathPrefix: /test/ }, to: origin }
      - { match: { pathPrefix: /config/ }, to: origin }
      - { match: { pathPrefix: /state/ }, to: origin }
      - { match: { pathPrefix: / }, to: site }
EOF
java -jar "$JAR" check "$DIR/edge.yaml" >"$DIR/check.log" 2>&1 || { cat "$DIR/check.log" >&2; die "the config does not check"; }

# --- run edgespot, then COMMAND ------------------------------------------------------------------------------
EDGESPOT_PID=""
SITE_PID=""
stop_servers() {
  if [[ -n "$SITE_PID" ]]; then
    kill "$SITE_PID" 2>/dev/null || true
    wait "$SITE_PID" 2>/dev/null || true
    SITE_PID=""
  fi
  [[ -n "$EDGESPOT_PID" ]] || return 0
  if kill -0 "$EDGESPOT_PID" 2>/dev/null; then
    kill -TERM "$EDGESPOT_PID" 2>/dev/null || true
    local deadline=$((SECONDS + 20))
    while kill -0 "$EDGESPOT_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$EDGESPOT_PID" 2>/dev/null; then
      echo "$PROG: edgespot did not stop within 20s of SIGTERM; killing it" >&2
      kill -KILL "$EDGESPOT_PID" 2>/dev/null || true
    fi
  fi
  wait "$EDGESPOT_PID" 2>/dev/null || true
  EDGESPOT_PID=""
}
trap stop_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# timeout bounds both servers too, in case this script itself is killed without running its trap.
timeout --kill-after=10 "$((TIME_LIMIT + 300))" node "$CONFORMANCE_DIR/lib/static-origin.cjs" "$SITE_PORT" \
  >"$DIR/static-origin.log" 2>&1 &
SITE_PID=$!
timeout --kill-after=10 "$((TIME_LIMIT + 300))" java -Xmx1g -jar "$JAR" run --config "$DIR/edge.yaml" \
  >"$DIR/edgespot.log" 2>&1 &
EDGESPOT_PID=$!
deadline=$((SECONDS + 60))
until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$ADMIN_PORT/readyz" || true)" == 200 ]]; do
  if ! kill -0 "$EDGESPOT_PID" 2>/dev/null || ((SECONDS >= deadline)); then
    tail -30 "$DIR/edgespot.log" >&2
    die "edgespot did not become ready within 60s"
  fi
  sleep 0.3
done
wait_listening 127.0.0.1 "$SITE_PORT" 15 || { cat "$DIR/static-origin.log" >&2; die "the plain origin did not start"; }
echo "$PROG: edgespot ready: http://127.0.0.1:$PLAIN_PORT (cached, origin 127.0.0.1:$ORIGIN_PORT)," \
  "TLS 127.0.0.1:$TLS_PORT, admin 127.0.0.1:$ADMIN_PORT, plain origin 127.0.0.1:$SITE_PORT; files and logs in $DIR" >&2

export EDGESPOT_CACHE_URL="http://127.0.0.1:$PLAIN_PORT"
export EDGESPOT_TLS="127.0.0.1:$TLS_PORT"
export EDGESPOT_WS_URL="wss://127.0.0.1:$TLS_PORT/ws"
export EDGESPOT_WS_UPSTREAM_PORT="$WS_PORT"
export EDGESPOT_WS_MAX_FRAME_BYTES=1048576
export EDGESPOT_CA="$DIR/ca.crt"
export EDGESPOT_ORIGIN_PORT="$ORIGIN_PORT"
export EDGESPOT_ADMIN="127.0.0.1:$ADMIN_PORT"
status=0
timeout --kill-after=10 "$TIME_LIMIT" "$@" || status=$?
((status != 124 && status != 137)) || echo "$PROG: '$*' did not finish within ${TIME_LIMIT}s" >&2
# Edgespot's own counters after the run (upstream errors, timeouts, WebSocket closes) help explain a failure.
curl -s --max-time 5 -o "$DIR/metrics.txt" "http://127.0.0.1:$ADMIN_PORT/metrics" || true
if ! kill -0 "$EDGESPOT_PID" 2>/dev/null; then
  tail -30 "$DIR/edgespot.log" >&2
  echo "$PROG: edgespot exited while the suites ran" >&2
  ((status != 0)) || status=2
fi
stop_servers
exit "$status"
