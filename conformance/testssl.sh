#!/usr/bin/env bash
# Runs testssl.sh (Debian package testssl.sh) against a TLS listener on loopback and fails when any finding is
# MEDIUM or worse, apart from findings that only say the certificate is a self-signed test certificate.
# Prints:  testssl: CRITICAL=a HIGH=b MEDIUM=c LOW=d (excused: e, failing: f)
#
# usage: conformance/testssl.sh [options] HOST:PORT
#   HOST:PORT        the listener under test (default: $TESTSSL_TARGET). Loopback only.
#   -o DIR           results directory (default: target/conformance/testssl)
#   -t SECONDS       time limit for the scan (default: 900)
#   -a ID            also excuse finding ID (repeatable); each excused finding is still listed
#
# Excused, because a self-signed test certificate causes them: chain of trust, trust, revocation (CRL/OCSP
# URIs), OCSP stapling and must-staple, certificate transparency, CAA records, CA issuers, EV policies.
# Excused too, because the origin decides them: security_headers, testssl's verdict on the HTTP security
# response headers (X-Frame-Options, Content-Security-Policy, X-Content-Type-Options, Referrer-Policy, ...).
# edgespot is a multi-tenant reverse proxy: it passes each tenant's origin response headers through and adds
# none of its own, so what testssl sees there is whatever the origin behind the scanned path sent (HSTS,
# which it rates LOW when absent, is likewise the origin's to send). Not excused: anything about protocols,
# ciphers, key exchange, vulnerabilities, or the certificate's key, signature and lifetime, so the test
# certificate must be valid for more than 60 days and at most 398.
#
# testssl runs with --nodns none (no DNS lookups; "localhost" means 127.0.0.1) and without
# --phone-out, so it talks to the target only. Results: testssl.json (all findings), testssl.log,
# findings.tsv (MEDIUM or worse: severity, verdict, id, finding) and summary.json.
# Exit: 0 when nothing fails, 1 when a finding fails, 2 when the scan itself could not be done.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

PROVENANCE='cert_chain_of_trust|cert_trust|cert_revocation|cert_ocspURL|cert_crlDistributionPoints|cert_caIssuers'
PROVENANCE+='|cert_mustStapleExtension|OCSP_stapling|certificate_transparency|DNS_CAArecord|cert_certificatePolicies_EV'
# Findings about the origin's response headers, which a reverse proxy relays unchanged (see above).
ORIGIN_OWNED='security_headers'
OUT_OVERRIDE=""
TIME_LIMIT=900
TARGET="${TESTSSL_TARGET:-}"
EXTRA_EXCUSED=""
while getopts "ho:t:a:" opt; do
  case "$opt" in
    o) OUT_OVERRIDE="$OPTARG" ;;
    t) TIME_LIMIT="$OPTARG" ;;
    a) [[ "$OPTARG" =~ ^[A-Za-z0-9_.-]+$ ]] || die "bad finding id '$OPTARG'"; EXTRA_EXCUSED+="|$OPTARG" ;;
    h) usage_from_header; exit 0 ;;
    *) usage_from_header >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
(($# <= 1)) || { usage_from_header >&2; exit 2; }
TARGET="${1:-$TARGET}"
[[ -n "$TARGET" ]] || die "no target: pass HOST:PORT"
split_host_port "$TARGET"
require_command testssl testssl.sh
require_command jq jq

OUT="$(results_dir testssl "$OUT_OVERRIDE")"
listening "$TARGET_HOST" "$TARGET_PORT" || die "nothing listens on $TARGET_HOST:$TARGET_PORT"
args=(--quiet --color 0 --warnings off --nodns none --connect-timeout 10 --openssl-timeout 10
  --jsonfile "$OUT/testssl.json")
case "$TARGET_HOST" in
  # openssl, which testssl calls too, may resolve "localhost" to ::1 first.
  localhost) uri="127.0.0.1:$TARGET_PORT" ;;
  ::1 | \[::1\]) args+=(-6); uri="[::1]:$TARGET_PORT" ;;
  *) uri="$TARGET_HOST:$TARGET_PORT" ;;
esac
rm -f "$OUT/testssl.json"
status=0
timeout --kill-after=10 "$TIME_LIMIT" testssl "${args[@]}" "$uri" >"$OUT/testssl.log" 2>&1 || status=$?
((status != 124 && status != 137)) || die "testssl did not finish within ${TIME_LIMIT}s"
jq -e 'type == "array" and length > 0' "$OUT/testssl.json" >/dev/null 2>&1 ||
  { tail -20 "$OUT/testssl.log" >&2; die "testssl wrote no findings (exit $status)"; }
if jq -e 'any(.[]; .severity == "FATAL" or .id == "scanProblem")' "$OUT/testssl.json" >/dev/null; then
  jq -r '.[] | select(.severity == "FATAL" or .id == "scanProblem") | .finding' "$OUT/testssl.json" >&2
  die "testssl could not scan $uri"
fi

# Ids of a server with several certificates carry a suffix such as " <cert#1>"; match on the bare id.
excused="^(${PROVENANCE}|${ORIGIN_OWNED}${EXTRA_EXCUSED})( |$)"
jq -r --arg excused "$excused" '
  .[] | select(.severity == "MEDIUM" or .severity == "HIGH" or .severity == "CRITICAL")
      | [.severity, (if (.id | test($excused)) then "excused" else "FAIL" end), .id, .finding] | @tsv' \
  "$OUT/testssl.json" >"$OUT/findings.tsv"
jq --arg excused "$excused" '
  def count(s): map(select(.severity == s)) | length;
  { critical: count("CRITICAL"), high: count("HIGH"), medium: count("MEDIUM"), low: count("LOW"),
    warn: count("WARN"),
    excused: map(select((.severity == "MEDIUM" or .severity == "HIGH" or .severity == "CRITICAL")
                        and (.id | test($excused)))) | length } |
  .failing = (.critical + .high + .medium - .excused)' "$OUT/testssl.json" >"$OUT/summary.json"
read -r critical high medium low warn excused failing < <(jq -r \
  '[.critical, .high, .medium, .low, .warn, .excused, .failing] | @tsv' "$OUT/summary.json")
echo "testssl: CRITICAL=$critical HIGH=$high MEDIUM=$medium LOW=$low (excused: $excused, failing: $failing)"
((warn == 0)) || echo "$PROG: $warn checks could not be completed (WARN); see $OUT/testssl.log" >&2
sed 's/^/  /' "$OUT/findings.tsv"
echo "$PROG: results in $OUT" >&2
((failing == 0)) || exit 1
