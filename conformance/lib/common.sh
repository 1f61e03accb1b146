# shellcheck shell=bash disable=SC2034  # the variables are for the scripts that source this file
# Shared helpers for the conformance scripts; sourced, not run.
#
# Every script keeps its traffic on loopback, bounds each external tool with `timeout`, writes its results
# under target/conformance/<suite>/ at the repository root (override with -o), and caches downloaded tools in
# $EDGESPOT_TOOLS_DIR (default ~/.cache/edgespot-conformance) so repeated runs need no registry.

CONFORMANCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$CONFORMANCE_DIR/.." && pwd)"
TOOLS_DIR="${EDGESPOT_TOOLS_DIR:-$HOME/.cache/edgespot-conformance}"
PROG="$(basename "$0")"

die() {
  echo "$PROG: $*" >&2
  exit 2
}

# usage_from_header: prints the comment block at the top of the calling script.
usage_from_header() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}

# is_loopback HOST: true for 127.0.0.0/8, localhost and ::1 (with or without brackets).
is_loopback() {
  case "$1" in
    localhost | ::1 | \[::1\]) return 0 ;;
  esac
  [[ "$1" =~ ^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]]
}

# split_host_port HOST:PORT -> sets TARGET_HOST and TARGET_PORT; accepts [v6]:port.
split_host_port() {
  local target="$1"
  if [[ "$target" =~ ^\[([^]]+)\]:([0-9]+)$ ]]; then
    TARGET_HOST="${BASH_REMATCH[1]}"
    TARGET_PORT="${BASH_REMATCH[2]}"
  elif [[ "$target" =~ ^([^:]+):([0-9]+)$ ]]; then
    TARGET_HOST="${BASH_REMATCH[1]}"
    TARGET_PORT="${BASH_REMATCH[2]}"
  else
    die "expected HOST:PORT, got '$target'"
  fi
  is_loopback "$TARGET_HOST" || die "refusing non-loopback target '$TARGET_HOST' (loopback only)"
  ((TARGET_PORT > 0 && TARGET_PORT < 65536)) || die "bad port '$TARGET_PORT'"
}

# listening HOST PORT: true when something accepts TCP connections there.
listening() {
  local host="$1"
  [[ "$host" == "localhost" ]] && host=127.0.0.1
  [[ "$host" == "[::1]" ]] && host=::1
  timeout 2 bash -c "exec 3<>'/dev/tcp/$host/$2'" 2>/dev/null
}

# wait_listening HOST PORT SECONDS: polls until the port accepts connections.
wait_listening() {
  local deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    listening "$1" "$2" && return 0
    sleep 0.2
  done
  return 1
}

# results_dir SUITE [OVERRIDE]: creates and prints the results directory.
results_dir() {
  local dir="${2:-$REPO_ROOT/target/conformance/$1}"
  mkdir -p "$dir"
  (cd "$dir" && pwd)
}

# require_command NAME [DEBIAN_PACKAGE]: installs the Debian package when running as root, else fails.
require_command() {
  command -v "$1" >/dev/null 2>&1 && return 0
  local package="${2:-$1}"
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "$PROG: installing $package" >&2
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q "$package" >&2 ||
      { DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update -q >&2 &&
        DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q "$package" >&2; } ||
      die "cannot install $package"
  fi
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found (Debian package $package)"
}
