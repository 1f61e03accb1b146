#!/usr/bin/env bash
# Runs the HTTP caching conformance suite (npm http-cache-tests, the suite behind cache-tests.fyi) against a
# cache on loopback, and prints:  cache-tests: passed N/M (required: a/b, optimal: c/d)
#
# usage: conformance/cache-tests.sh [options] [CACHE_URL]
#   CACHE_URL        the cache under test, e.g. http://127.0.0.1:8080 (default: $CACHE_URL). Loopback only.
#                    It must forward every method on the paths the suite uses (/test/, /config/, /state/) to
#                    the suite's origin at 127.0.0.1:ORIGIN_PORT.
#   -p ORIGIN_PORT   port of the suite's origin server (default: $CACHE_TESTS_ORIGIN_PORT or 8000)
#   -r               reuse an origin already listening on ORIGIN_PORT instead of refusing to start
#   -o DIR           results directory (default: target/conformance/cache-tests)
#   -t SECONDS       time limit for the suite run (default: 900)
#   -m N             exit 1 unless at least N required tests pass
#   -i TEST_ID       run one test and print its exchange instead of scoring the suite
#
# The suite (version $CACHE_TESTS_VERSION, default 0.4.5) is installed with npm on first use into
# $EDGESPOT_TOOLS_DIR (default ~/.cache/edgespot-conformance). The script starts the suite's origin itself,
# bound to 127.0.0.1, and stops it (by PID) on exit. Results: results.json (raw), summary.json, failures.tsv
# (kind, outcome, test id, detail), origin.log and client.log.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

VERSION="${CACHE_TESTS_VERSION:-0.4.5}"
ORIGIN_PORT="${CACHE_TESTS_ORIGIN_PORT:-8000}"
REUSE_ORIGIN=0
OUT_OVERRIDE=""
TIME_LIMIT=900
MIN_REQUIRED=""
TEST_ID=""
while getopts "hp:ro:t:m:i:" opt; do
  case "$opt" in
    p) ORIGIN_PORT="$OPTARG" ;;
    r) REUSE_ORIGIN=1 ;;
    o) OUT_OVERRIDE="$OPTARG" ;;
    t) TIME_LIMIT="$OPTARG" ;;
    m) MIN_REQUIRED="$OPTARG" ;;
    i) TEST_ID="$OPTARG" ;;
    h) usage_from_header; exit 0 ;;
    *) usage_from_header >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
(($# <= 1)) || { usage_from_header >&2; exit 2; }
BASE="${1:-${CACHE_URL:-}}"
[[ -n "$BASE" ]] || die "no cache URL: pass CACHE_URL as an argument or in the environment"
BASE="${BASE%/}" # the client appends /test/<uuid>; a trailing slash would double it
[[ "$BASE" =~ ^(https?)://(\[[^]]+\]|[^/:]+)(:[0-9]+)?$ ]] || die "expected http(s)://HOST[:PORT], got '$BASE'"
SCHEME="${BASH_REMATCH[1]}"
is_loopback "${BASH_REMATCH[2]}" || die "refusing non-loopback cache URL '$BASE'"
if [[ "$SCHEME" == https ]]; then
  # A test listener on loopback has a self-signed certificate.
  export NODE_TLS_REJECT_UNAUTHORIZED=0
fi

require_command node nodejs
require_command npm npm

# --- the suite ----------------------------------------------------------------------------------------------
INSTALL_DIR="$TOOLS_DIR/http-cache-tests-$VERSION"
SUITE="$INSTALL_DIR/node_modules/http-cache-tests"
if [[ ! -f "$SUITE/cli.mjs" ]]; then
  echo "$PROG: installing http-cache-tests@$VERSION into $INSTALL_DIR" >&2
  mkdir -p "$INSTALL_DIR"
  timeout 300 npm install --prefix "$INSTALL_DIR" --no-audit --no-fund --omit=dev --no-save \
    "http-cache-tests@$VERSION" >&2 || die "npm install http-cache-tests@$VERSION failed"
  [[ -f "$SUITE/cli.mjs" ]] || die "http-cache-tests@$VERSION has no cli.mjs; this script expects the npm layout"
fi

OUT="$(results_dir cache-tests "$OUT_OVERRIDE")"
WORK="$(mktemp -d)"
ORIGIN_PID=""
cleanup() {
  if [[ -n "$ORIGIN_PID" ]]; then
    kill "$ORIGIN_PID" 2>/dev/null || true
    wait "$ORIGIN_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- the origin ---------------------------------------------------------------------------------------------
if listening 127.0.0.1 "$ORIGIN_PORT"; then
  ((REUSE_ORIGIN)) || die "port 127.0.0.1:$ORIGIN_PORT is in use; stop that server, pick another port (-p) or reuse it (-r)"
  echo "$PROG: reusing the origin on 127.0.0.1:$ORIGIN_PORT" >&2
else
  # What `npm run server` does, without npm in between and bound to loopback.
  (cd "$SUITE" && exec env npm_config_port="$ORIGIN_PORT" npm_config_protocol=http \
    npm_config_pidfile="$WORK/origin.pid" CACHE_TESTS_ORIGIN_HOST=127.0.0.1 \
    timeout "$((TIME_LIMIT + 120))" node -r "$CONFORMANCE_DIR/lib/loopback-listen.cjs" server/server.mjs) \
    >"$OUT/origin.log" 2>&1 &
  ORIGIN_PID=$!
  wait_listening 127.0.0.1 "$ORIGIN_PORT" 15 || { cat "$OUT/origin.log" >&2; die "the origin did not start"; }
fi

# --- preflight: is the cache there, and does it reach the origin? --------------------------------------------
code="$(curl -sk -o /dev/null -w '%{http_code}' --max-time 10 "$BASE/" || true)"
case "$code" in
  000) die "nothing answers at $BASE" ;;
  2*|3*|4*) ;;
  *) echo "$PROG: warning: $BASE/ answered $code; is it forwarding to 127.0.0.1:$ORIGIN_PORT?" >&2 ;;
esac

# --- the run ------------------------------------------------------------------------------------------------
# The CLI reads npm_config_id || npm_package_config_id and treats anything but "" as one test id.
cd "$SUITE"
if [[ -n "$TEST_ID" ]]; then
  npm_config_base="$BASE" npm_config_id="$TEST_ID" npm_package_config_id="" \
    timeout --kill-after=10 "$TIME_LIMIT" node --no-warnings cli.mjs
  exit 0
fi
echo "$PROG: running the suite against $BASE (origin 127.0.0.1:$ORIGIN_PORT, limit ${TIME_LIMIT}s)" >&2
status=0
npm_config_base="$BASE" npm_config_id="" npm_package_config_id="" \
  timeout --kill-after=10 "$TIME_LIMIT" node --no-warnings cli.mjs >"$WORK/results.json" 2>"$OUT/client.log" ||
  status=$?
((status != 124 && status != 137)) || die "the suite did not finish within ${TIME_LIMIT}s"
((status == 0)) || { tail -20 "$OUT/client.log" >&2; die "the suite's client failed (exit $status)"; }
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$WORK/results.json" 2>/dev/null ||
  { tail -20 "$OUT/client.log" >&2; die "the suite printed no results JSON"; }
mv "$WORK/results.json" "$OUT/results.json"

line="$(node "$CONFORMANCE_DIR/lib/cache-tests-summary.mjs" "$SUITE" "$OUT/results.json" "$OUT/summary.json" \
  "$OUT/failures.tsv")"
echo "$line"
echo "$PROG: results in $OUT" >&2
if [[ -n "$MIN_REQUIRED" ]]; then
  required="$(node -p 'require(process.argv[1]).required.passed' "$OUT/summary.json")"
  ((required >= MIN_REQUIRED)) || { echo "$PROG: $required required tests passed, fewer than $MIN_REQUIRED" >&2; exit 1; }
fi
