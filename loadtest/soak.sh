#!/usr/bin/env bash
# Soak test: runs edgespot for a long time under mixed traffic on loopback and checks that its memory and file
# descriptors stay flat and that nothing fails. Not run in CI (it takes 30 minutes by default).
#
# Traffic, all open-loop (fixed rates) so the load is the same from start to end:
#   - HTTP/1.1 GETs on an uncached route (plain listener)
#   - a Zipf cache mix over more keys than the tenant's quota holds (plain listener: stores, hits, expiry,
#     eviction), and a smaller one over TLS
#   - HTTP/2 over TLS on the uncached route
#   - a new TLS connection per request (connection churn)
#   - WebSockets to an echo origin, each sending a message a second
# Every SOAK_INTERVAL it samples edgespot's RSS (/proc/PID/status), heap used after a forced GC (jcmd), open file
# descriptors, threads, and the request and error counters (admin /metrics and the load generators' progress) into
# samples.tsv. At the end it passes when the last third's medians of RSS and heap are within SOAK_TOLERANCE_PCT of
# the second third's, descriptors do not grow likewise, no request failed, and edgespot drains and exits cleanly.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: loadtest/soak.sh [-h]

Environment (defaults in brackets):
  SOAK_DURATION        how long the traffic runs: 45s, 30m, 2h [30m]
  SOAK_INTERVAL        time between samples [30s]
  SOAK_WARMUP          traffic before the measured run, while the JVMs compile (not sampled, not in latencies) [30s]
  SOAK_TOLERANCE_PCT   allowed drift of the last third's median RSS and heap from the second third's [15]
  SOAK_HTTP_RATE       uncached HTTP/1.1 requests/s [100]
  SOAK_CACHE_RATE      cache-mix requests/s over plain HTTP [200]; a quarter of it again over TLS
  SOAK_CACHE_KEYS      distinct cached URLs (4 KiB each; the quota is 32 MiB) [20000]
  SOAK_H2_RATE         HTTP/2 requests/s over TLS [50]
  SOAK_CHURN_RATE      new TLS connections/s, one request each [10]
  SOAK_WS              WebSockets held open, one message/s each [100]
  SOAK_JAVA_OPTS       edgespot JVM options [-Xms256m -Xmx256m -XX:+AlwaysPreTouch]
  SOAK_LOAD_JAVA_OPTS  load generator JVM options [-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1]
  SOAK_FORCE_GC        1: run a GC before each heap sample, so the heap column is the live set [1]
  SOAK_ORIGIN          nginx or python (the HTTP origin; WebSockets always use the python echo) [nginx if found]
  SOAK_OUT             where samples.tsv, summary.txt and the logs go [target/soak]
  EDGESPOT_JAR, EDGESPOT_LOAD_JAR   the jars [proxy/target/edgespot.jar, loadtest/target/edgespot-load.jar]

Build the jars first: mvn -B -q install -DskipTests
Needs java (with jcmd), python3, curl and openssl; uses nginx when installed. Binds 127.0.0.1 only.
Exit code 0 and PASS, or 1 and FAIL with the reasons.
EOF
}
[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
[[ $# -eq 0 ]] || { usage >&2; exit 2; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${SOAK_DURATION:-30m}
INTERVAL=${SOAK_INTERVAL:-30s}
WARMUP=${SOAK_WARMUP:-30s}
TOLERANCE=${SOAK_TOLERANCE_PCT:-15}
HTTP_RATE=${SOAK_HTTP_RATE:-100}
CACHE_RATE=${SOAK_CACHE_RATE:-200}
CACHE_KEYS=${SOAK_CACHE_KEYS:-20000}
H2_RATE=${SOAK_H2_RATE:-50}
CHURN_RATE=${SOAK_CHURN_RATE:-10}
WS=${SOAK_WS:-100}
JAVA_OPTS=${SOAK_JAVA_OPTS:--Xms256m -Xmx256m -XX:+AlwaysPreTouch}
LOAD_JAVA_OPTS=${SOAK_LOAD_JAVA_OPTS:--Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
FORCE_GC=${SOAK_FORCE_GC:-1}
OUT=${SOAK_OUT:-$ROOT/target/soak}
EDGESPOT_JAR=${EDGESPOT_JAR:-$ROOT/proxy/target/edgespot.jar}
LOAD_JAR=${EDGESPOT_LOAD_JAR:-$ROOT/loadtest/target/edgespot-load.jar}
if [[ -z ${SOAK_ORIGIN:-} ]]; then
    if command -v nginx >/dev/null; then SOAK_ORIGIN=nginx; else SOAK_ORIGIN=python; fi
fi

die() { echo "soak: $*" >&2; exit 2; }

seconds() { # 45s, 30m, 2h or a plain number of seconds
    local v=$1
    case $v in
        *h) echo $(( ${v%h} * 3600 )) ;;
        *m) echo $(( ${v%m} * 60 )) ;;
        *s) echo $(( ${v%s} )) ;;
        *) echo $(( v )) ;;
    esac
}
SECS=$(seconds "$DURATION") || die "bad SOAK_DURATION '$DURATION'"
STEP=$(seconds "$INTERVAL") || die "bad SOAK_INTERVAL '$INTERVAL'"
WARM=$(seconds "$WARMUP") || die "bad SOAK_WARMUP '$WARMUP'"
(( SECS >= 3 * STEP )) || die "SOAK_DURATION must hold at least three samples of SOAK_INTERVAL"

for tool in java jcmd python3 curl openssl; do
    command -v $tool >/dev/null || die "needs $tool"
done
[[ -f $EDGESPOT_JAR ]] || die "no $EDGESPOT_JAR (build with: mvn -B -q install -DskipTests)"
[[ -f $LOAD_JAR ]] || die "no $LOAD_JAR (build with: mvn -B -q install -DskipTests)"

mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/*.json "$OUT"/samples.tsv "$OUT"/summary.txt
WORK=$(mktemp -d "${TMPDIR:-/tmp}/edgespot-soak.XXXXXX") # keys and certificates; removed at exit

# Every process this script starts, so that the exit trap ends exactly those.
PIDS=()
EDGE_PID=
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    if [[ -f $WORK/nginx.pid ]]; then
        kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
    fi
    sleep 1
    for pid in "${PIDS[@]}"; do
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
    [[ -z ${WWW:-} ]] || rm -rf "$WWW"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- ports -----------------------------------------------------------------------------------------------------
read -r PLAIN TLS ADMIN ORIGIN WSPORT < <(python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
)

# --- origins ---------------------------------------------------------------------------------------------------
BLOB=$(python3 -c 'import string; print((string.ascii_letters * 80)[:4096])')
cat > "$WORK/origin.py" <<'EOF'
"""Soak origin: WebSocket echo, and a plain HTTP/1.1 origin when nginx is not used. Standard library only."""
import asyncio, base64, hashlib, struct, sys

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
BLOB = sys.argv[2].encode()

async def websocket(reader, writer, headers):
    key = headers.get("sec-websocket-key", "").encode()
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
    await writer.drain()
    while True:
        b0, b1 = await reader.readexactly(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", await reader.readexactly(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", await reader.readexactly(8))[0]
        mask = await reader.readexactly(4) if b1 & 0x80 else b"\0\0\0\0"
        data = bytearray(await reader.readexactly(n))
        for i in range(n):
            data[i] ^= mask[i % 4]
        opcode = b0 & 0x0F
        if opcode == 9:            # ping -> pong
            b0 = (b0 & 0xF0) | 10
        elif opcode == 10:         # pong
            continue
        head = bytes([b0]) + (bytes([n]) if n < 126 else
                              b"\x7e" + struct.pack("!H", n) if n < 65536 else b"\x7f" + struct.pack("!Q", n))
        writer.write(head + bytes(data))  # echo (server frames are not masked); a close is echoed, then we stop
        await writer.drain()
        if opcode == 8:
            return

async def serve(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
            if int(headers.get("content-length", "0") or 0):
                await reader.readexactly(int(headers["content-length"]))
            if headers.get("upgrade", "").lower() == "websocket":
                await websocket(reader, writer, headers)
                return
            if path.startswith("/cached/"):
                body, cc, status = BLOB, b"public, max-age=20", b"200 OK"
            elif path.startswith("/api/") or path == "/healthz":
                body, cc, status = b"ok\n", b"no-store", b"200 OK"
            else:
                body, cc, status = b"not found\n", b"no-store", b"404 Not Found"
            writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: text/plain\r\nCache-Control: " + cc
                         + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, IndexError, ValueError):
        pass
    finally:
        writer.close()

async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", int(sys.argv[1]), backlog=1024)
    async with server:
        await server.serve_forever()

asyncio.run(main())
EOF
python3 "$WORK/origin.py" "$WSPORT" "$BLOB" > "$OUT/ws-origin.log" 2>&1 &
PIDS+=($!)

if [[ $SOAK_ORIGIN == nginx ]]; then
    mkdir -p "$WORK/nginx/logs"
    # The 4 KiB body as a file nginx's workers can read; this directory holds nothing else.
    WWW=$(mktemp -d "${TMPDIR:-/tmp}/edgespot-soak-www.XXXXXX")
    chmod 755 "$WWW"
    printf '%s' "$BLOB" > "$WWW/blob"
    chmod 644 "$WWW/blob"
    cat > "$WORK/nginx.conf" <<EOF
worker_processes 1;
error_log $OUT/nginx-error.log warn;
pid $WORK/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 300s;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server {
        listen 127.0.0.1:$ORIGIN backlog=1024;
        default_type text/plain;
        location /cached/ { root $WWW; try_files /blob =404; add_header Cache-Control "public, max-age=20" always; }
        location /api/ { add_header Cache-Control "no-store" always; return 200 "ok\n"; }
        location / { return 404; }
    }
}
EOF
    nginx -p "$WORK/nginx" -c "$WORK/nginx.conf" -g 'daemon on;' || die "nginx did not start"
else
    python3 "$WORK/origin.py" "$ORIGIN" "$BLOB" > "$OUT/origin.log" 2>&1 &
    PIDS+=($!)
fi

# --- edgespot --------------------------------------------------------------------------------------------------
java -jar "$EDGESPOT_JAR" keys new --keyset "$WORK/soak.keyset.json" --tenant soak --dev-kek "$WORK/kek.json" \
    > /dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/tls.key" -out "$WORK/tls.crt" \
    -days 90 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2> /dev/null
cat > "$WORK/edge.yaml" <<EOF
server: { shutdownGrace: 10s, drainWindow: 1s }
listeners:
  - { name: plain, address: "127.0.0.1:$PLAIN", tls: false, http2: true }
  # The load generator's JDK client sends no SNI for a name without a dot, such as localhost.
  - { name: tls, address: "127.0.0.1:$TLS", tls: true, http2: true, defaultTenant: soak }
admin: { address: "127.0.0.1:$ADMIN" }
limits: { maxConnections: 5000, maxWebSockets: 5000 }
keys: { kek: "file:kek.json" }
tenants:
  - name: soak
    hosts: [ localhost ]
    certificate: { cert: tls.crt, key: tls.key }
    keyset: { file: soak.keyset.json }
    cache: { maxBytes: 32MiB, maxObjectBytes: 1MiB }
    webSockets: { max: 5000 }
    clusters:
      origin: { endpoints: [ "127.0.0.1:$ORIGIN" ] }
      echo: { endpoints: [ "127.0.0.1:$WSPORT" ] }
    routes:
      - { match: { pathPrefix: /ws }, to: echo, webSocket: true, cache: false }
      - { match: { pathPrefix: /api/ }, to: origin, cache: false }
      - { match: { pathPrefix: /cached/ }, to: origin }
EOF
java -jar "$EDGESPOT_JAR" check "$WORK/edge.yaml" > "$OUT/check.log" 2>&1 || { cat "$OUT/check.log" >&2; die "config check failed"; }
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
java $JAVA_OPTS -jar "$EDGESPOT_JAR" run --config "$WORK/edge.yaml" > "$OUT/edgespot.log" 2>&1 &
EDGE_PID=$!
PIDS+=("$EDGE_PID")
for _ in $(seq 1 60); do
    curl -fs -m 2 "http://127.0.0.1:$ADMIN/readyz" > /dev/null 2>&1 && break
    kill -0 $EDGE_PID 2>/dev/null || { tail -20 "$OUT/edgespot.log" >&2; die "edgespot exited at startup"; }
    sleep 1
done
curl -fs -m 2 "http://127.0.0.1:$ADMIN/readyz" > /dev/null || die "edgespot not ready after 60 s"
curl -fs -m 5 "http://localhost:$PLAIN/cached/0" > /dev/null || die "no answer through edgespot"

# --- traffic ---------------------------------------------------------------------------------------------------
load() { # NAME SCENARIO ARGS...: one load generator for the whole run, JSON report in NAME.json
    local name=$1
    shift
    # shellcheck disable=SC2086
    java $LOAD_JAVA_OPTS -jar "$LOAD_JAR" "$@" --warmup "${WARM}s" --duration "${SECS}s" --threads 1 --json \
        > "$OUT/$name.json" 2> "$OUT/$name.log" &
    PIDS+=($!)
    LOAD_PIDS+=($!)
    LOAD_NAMES+=("$name")
}
LOAD_PIDS=()
LOAD_NAMES=()
load http http --url "http://localhost:$PLAIN/api/plain" --rate "$HTTP_RATE" --connections 16
load cache cache-mix --url "http://localhost:$PLAIN/cached/" --rate "$CACHE_RATE" --connections 16 \
    --keys "$CACHE_KEYS"
load cache-tls cache-mix --url "https://localhost:$TLS/cached/" --insecure --rate $(( (CACHE_RATE + 3) / 4 )) \
    --connections 8 --keys "$CACHE_KEYS" --seed 2
load h2 http --url "https://localhost:$TLS/api/h2" --insecure --http2 --rate "$H2_RATE" --connections 4 --streams 10
load churn handshake --url "https://localhost:$TLS/api/churn" --insecure --rate "$CHURN_RATE" --connections 8
load ws ws-storm --url "ws://localhost:$PLAIN/ws" --connections "$WS" --rate 50 --interval 1s
echo "soak: edgespot pid $EDGE_PID, ${WARM}s of warm-up, then ${SECS}s of traffic sampled every ${STEP}s into" \
    "$OUT/samples.tsv"

# --- samples ---------------------------------------------------------------------------------------------------
metric() { # NAME [LABEL_FILTER]: the sum of a metric's samples in $METRICS
    awk -v n="$1" -v f="${2:-}" '($1 == n || index($1, n "{") == 1) && index($1, f) { s += $NF }
        END { printf "%d", s }' <<< "$METRICS"
}
client_errors() { # the sum of the load generators' latest "errors N" progress counts
    local total=0 name n
    for name in "${LOAD_NAMES[@]}"; do
        n=$( (grep -a -o 'errors [0-9]*' "$OUT/$name.log" 2>/dev/null || true) | tail -1 | awk '{print $2}')
        total=$(( total + ${n:-0} ))
    done
    echo $total
}
heap_used_kb() {
    if [[ $FORCE_GC == 1 ]]; then
        timeout 30 jcmd $EDGE_PID GC.run > /dev/null 2>&1 || true
    fi
    (timeout 30 jcmd $EDGE_PID GC.heap_info 2>/dev/null || true) \
        | awk '/ heap .*used/ || /generation .*used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); s += v } } END { printf "%d", s }'
}

printf 'elapsed_s\trss_kb\theap_used_kb\tfds\tthreads\trequests\tserver_5xx\tclient_errors\twebsockets\terror_rate\n' \
    > "$OUT/samples.tsv"
sleep "$WARM"
START=$(date +%s)
DEADLINE=$(( START + SECS + 120 ))
prev_requests=0
prev_errors=0
running() {
    local pid
    for pid in "${LOAD_PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null && return 0
    done
    return 1
}
next=$(( START + STEP ))
while running && (( $(date +%s) < START + SECS )); do
    if (( $(date +%s) < next )); then
        sleep 1
        continue
    fi
    next=$(( next + STEP ))
    kill -0 $EDGE_PID 2>/dev/null || { echo "soak: edgespot died" >&2; break; }
    rss=$(awk '/^VmRSS/ { print $2 }' /proc/$EDGE_PID/status 2>/dev/null || echo 0)
    threads=$(awk '/^Threads/ { print $2 }' /proc/$EDGE_PID/status 2>/dev/null || echo 0)
    fds=$(find /proc/$EDGE_PID/fd -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    heap=$(heap_used_kb)
    METRICS=$(curl -fs -m 10 "http://127.0.0.1:$ADMIN/metrics" || true)
    requests=$(metric edgespot_requests_total)
    server_5xx=$(metric edgespot_requests_total 'code_class="5xx"')
    websockets=$(metric edgespot_websockets_active)
    cerr=$(client_errors)
    errors=$(( server_5xx + cerr ))
    rate=$(awk -v e=$(( errors - prev_errors )) -v r=$(( requests - prev_requests )) \
        'BEGIN { printf("%.6f", (r > 0 ? e / r : (e > 0 ? 1 : 0))) }')
    prev_requests=$requests
    prev_errors=$errors
    printf '%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n' $(( $(date +%s) - START )) "$rss" "$heap" "$fds" "$threads" \
        "$requests" "$server_5xx" "$cerr" "$websockets" "$rate" | tee -a "$OUT/samples.tsv"
done
# The generators end on their own after SECS; past the deadline they are stopped (and reported without a report).
while running && (( $(date +%s) < DEADLINE )); do
    sleep 1
done
for pid in "${LOAD_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
done

# --- drain and stop --------------------------------------------------------------------------------------------
edge_alive=0
kill -0 $EDGE_PID 2>/dev/null && edge_alive=1
exit_code=
if (( edge_alive )); then
    kill -TERM $EDGE_PID
    for _ in $(seq 1 30); do
        kill -0 $EDGE_PID 2>/dev/null || break
        sleep 1
    done
    if kill -0 $EDGE_PID 2>/dev/null; then
        exit_code=timeout
    else
        wait $EDGE_PID && exit_code=0 || exit_code=$?
    fi
fi

# --- verdict ---------------------------------------------------------------------------------------------------
set +e
python3 - "$OUT" "$TOLERANCE" "$edge_alive" "$exit_code" <<'EOF' | tee "$OUT/summary.txt"
import csv, json, os, statistics, sys

out, tolerance, alive, exit_code = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1", sys.argv[4]
rows = list(csv.DictReader(open(os.path.join(out, "samples.tsv")), delimiter="\t"))
fail = []
print(f"samples: {len(rows)}")
if len(rows) < 3:
    fail.append(f"only {len(rows)} samples")
else:
    n = len(rows) // 3
    second, last = rows[n:2 * n], rows[len(rows) - n:]
    for col, unit, scale in (("rss_kb", "MiB", 1024), ("heap_used_kb", "MiB", 1024), ("fds", "", 1)):
        a = statistics.median(float(r[col]) for r in second)
        b = statistics.median(float(r[col]) for r in last)
        drift = (b - a) * 100 / a if a else (0 if b == 0 else 100)
        # Descriptors move with connection churn; a few dozen either way is not a leak.
        ok = abs(drift) <= tolerance or col == "fds" and b <= a + 64
        print(f"{col}: second third median {a / scale:.1f}{unit}, last third median {b / scale:.1f}{unit}, "
              f"drift {drift:+.1f}% ({'ok' if ok else 'FAIL'})")
        if not ok:
            fail.append(f"{col} drifted {drift:+.1f}%")
    first, end = rows[0], rows[-1]
    print(f"requests through edgespot: {int(end['requests'])}; peak threads {max(int(r['threads']) for r in rows)}; "
          f"websockets at the end {end['websockets']}")
    if int(end["server_5xx"]) or int(end["client_errors"]):
        fail.append(f"errors: {end['server_5xx']} 5xx answered by edgespot, {end['client_errors']} at the clients")
    print(f"worst interval error rate: {max(float(r['error_rate']) for r in rows):.6f}")

for name in ("http", "cache", "cache-tls", "h2", "churn", "ws"):
    path = os.path.join(out, name + ".json")
    try:
        rep = json.load(open(path))
    except (OSError, ValueError):
        fail.append(f"{name}: no report")
        continue
    errs = rep.get("errors", {})
    bad = {k: v for k, v in errs.items() if v}
    status = rep.get("status", {})
    bad.update({k: v for k, v in status.items() if k != "2xx" and v})
    for k in ("failed", "echoMismatches", "closedByServer", "queueOverflow"):
        if rep.get(k):
            bad[k] = rep[k]
    line = f"{name}: {rep.get('requests', 0)} requests, {rep.get('throughput', 0)}/s, p99 {rep.get('p99')} ms"
    if name.startswith("cache"):
        line += f", hit ratio {rep.get('hitRatio')}"
    if name == "ws":
        line += f", {rep.get('opened')} opened, {rep.get('echoes')} echoes"
    print(line + (f", problems {bad}" if bad else ""))
    if bad:
        fail.append(f"{name}: {bad}")

if not alive:
    fail.append("edgespot was not running at the end")
else:
    # 143 is the JVM's own exit code after SIGTERM ran the shutdown hooks (edgespot drains in one).
    stopped = "EdgeInstance stopped" in open(os.path.join(out, "edgespot.log"), errors="replace").read()
    if exit_code in ("0", "143") and stopped:
        print(f"edgespot drained and stopped on SIGTERM (exit {exit_code})")
    else:
        fail.append(f"edgespot did not drain and stop cleanly on SIGTERM (exit {exit_code}, "
                    f"{'stopped' if stopped else 'no stop logged'})")
print("FAIL: " + "; ".join(fail) if fail else "PASS")
sys.exit(1 if fail else 0)
EOF
verdict=${PIPESTATUS[0]}
exit "$verdict"
