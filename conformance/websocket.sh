#!/usr/bin/env bash
# Runs WebSocket conformance cases through a proxy's TLS listener, with an independent client and echo server
# (npm `ws`) at the two ends, and prints:  websocket: passed N/M
#
# usage: conformance/websocket.sh [options] WSS_URL
#   WSS_URL          the proxy route that leads to the echo server, e.g. wss://127.0.0.1:8443/ws
#                    (default: $EDGESPOT_WS_URL). Loopback only.
#   -u PORT          port for the echo server on 127.0.0.1, where the proxy's route forwards
#                    (default: $EDGESPOT_WS_UPSTREAM_PORT)
#   -a CA_FILE       CA that issued the proxy's certificate; the client verifies it (default: $EDGESPOT_CA;
#                    without one the certificate is not verified)
#   -s NAME          TLS server name to send (default: localhost)
#   -f BYTES         the tenant's webSockets.maxFrameBytes (default: $EDGESPOT_WS_MAX_FRAME_BYTES or 1048576)
#   -c N             sockets in the concurrency case (default: 200)
#   -o DIR           results directory (default: target/conformance/websocket)
#   -t SECONDS       time limit for the run (default: 300)
#
# Cases: text and binary messages of 0, 125, 126, 65535, 65536 bytes and 1 MiB; UTF-8 text; fragmented messages
# (also with a ping between fragments); pings both ways; unasked upstream pushes; close codes 1000, 1011 and the
# 4000-4999 range from each side, with reasons; a frame over maxFrameBytes and a fragmented message over it, each
# closed with 1009; permessage-deflate end to end; N concurrent sockets. `ws` (version $WS_VERSION, default
# 8.23.0) is installed with npm on first use into $EDGESPOT_TOOLS_DIR (default ~/.cache/edgespot-conformance).
# Results: results.json (per case), websocket.log. Exit: 0 when every case passes, 1 when one fails, 2 when the
# run could not be done.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

VERSION="${WS_VERSION:-8.23.0}"
UPSTREAM_PORT="${EDGESPOT_WS_UPSTREAM_PORT:-}"
CA="${EDGESPOT_CA:-}"
SERVERNAME=localhost
MAX_FRAME="${EDGESPOT_WS_MAX_FRAME_BYTES:-1048576}"
CONCURRENCY=200
OUT_OVERRIDE=""
TIME_LIMIT=300
while getopts "hu:a:s:f:c:o:t:" opt; do
  case "$opt" in
    u) UPSTREAM_PORT="$OPTARG" ;;
    a) CA="$OPTARG" ;;
    s) SERVERNAME="$OPTARG" ;;
    f) MAX_FRAME="$OPTARG" ;;
    c) CONCURRENCY="$OPTARG" ;;
    o) OUT_OVERRIDE="$OPTARG" ;;
    t) TIME_LIMIT="$OPTARG" ;;
    h) usage_from_header; exit 0 ;;
    *) usage_from_header >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
(($# <= 1)) || { usage_from_header >&2; exit 2; }
URL="${1:-${EDGESPOT_WS_URL:-}}"
URL="${URL%/}"
[[ -n "$URL" ]] || die "no URL: pass WSS_URL as an argument or in EDGESPOT_WS_URL"
[[ "$URL" =~ ^wss://(\[[^]]+\]|[^/:]+)(:[0-9]+)?(/.*)?$ ]] || die "expected wss://HOST[:PORT][/PATH], got '$URL'"
is_loopback "${BASH_REMATCH[1]}" || die "refusing non-loopback URL '$URL'"
[[ "$UPSTREAM_PORT" =~ ^[0-9]+$ ]] && ((UPSTREAM_PORT > 0 && UPSTREAM_PORT < 65536)) ||
  die "give the echo server's port with -u (or EDGESPOT_WS_UPSTREAM_PORT)"
[[ "$MAX_FRAME" =~ ^[0-9]+$ && "$CONCURRENCY" =~ ^[0-9]+$ ]] || die "-f and -c take numbers"
[[ -z "$CA" || -f "$CA" ]] || die "no CA file at $CA"
! listening 127.0.0.1 "$UPSTREAM_PORT" || die "port 127.0.0.1:$UPSTREAM_PORT is in use; the echo server needs it"

require_command node nodejs
require_command npm npm

INSTALL_DIR="$TOOLS_DIR/ws-$VERSION"
MODULE="$INSTALL_DIR/node_modules/ws"
if [[ ! -f "$MODULE/package.json" ]]; then
  echo "$PROG: installing ws@$VERSION into $INSTALL_DIR" >&2
  mkdir -p "$INSTALL_DIR"
  timeout 300 npm install --prefix "$INSTALL_DIR" --no-audit --no-fund --omit=dev --no-save "ws@$VERSION" >&2 ||
    die "npm install ws@$VERSION failed"
fi

OUT="$(results_dir websocket "$OUT_OVERRIDE")"
rm -f "$OUT/results.json"
echo "$PROG: running against $URL (echo server on 127.0.0.1:$UPSTREAM_PORT, limit ${TIME_LIMIT}s)" >&2
status=0
WSC_WS_MODULE="$MODULE" WSC_URL="$URL" WSC_UPSTREAM_PORT="$UPSTREAM_PORT" WSC_CA="$CA" WSC_SERVERNAME="$SERVERNAME" \
  WSC_MAX_FRAME_BYTES="$MAX_FRAME" WSC_CONCURRENCY="$CONCURRENCY" WSC_RESULTS="$OUT/results.json" \
  timeout --kill-after=10 "$TIME_LIMIT" node "$CONFORMANCE_DIR/lib/websocket-conformance.cjs" \
  >"$OUT/websocket.log" 2>&1 || status=$?
((status != 124 && status != 137)) || { tail -5 "$OUT/websocket.log" >&2; die "the run did not finish within ${TIME_LIMIT}s"; }
line="$(grep -E '^websocket: passed [0-9]+/[0-9]+$' "$OUT/websocket.log" | tail -1 || true)"
[[ -n "$line" ]] || { tail -20 "$OUT/websocket.log" >&2; die "the run printed no score (exit $status)"; }
echo "$line"
grep '^FAIL ' "$OUT/websocket.log" | sed 's/^/  /' || true
echo "$PROG: results in $OUT" >&2
((status == 0)) || exit 1
