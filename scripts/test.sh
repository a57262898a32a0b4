#!/usr/bin/env bash
# The test command (README, CI): installs missing test peers when it can, then runs the whole build.
#
# Real peers the integration tests use. A test whose peer is missing is skipped with a visible
# reason; as root with apt, this script installs them first so nothing is skipped.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# command → Debian package
declare -A peers=(
  [systemd-journal-upload]=systemd-journal-remote
  [sshd]=openssh-server
  [prometheus]=prometheus
  [promtool]=prometheus
  [prometheus-alertmanager]=prometheus-alertmanager
  [kcat]=kcat
  [chromium]=chromium
)

find_peer() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/lib/systemd/$1" ] || [ -x "/usr/lib/systemd/$1" ]
}

missing=()
for cmd in "${!peers[@]}"; do
  find_peer "$cmd" || missing+=("${peers[$cmd]}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing test peers: $packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $packages >/dev/null \
      || echo "test.sh: some peers could not be installed; their tests will be skipped (see the test output)"
  else
    echo "test.sh: missing test peers ($packages); run as root with apt to install them. Their tests will be skipped."
  fi
fi

command -v mvn >/dev/null || { echo "test.sh: Maven is required (apt-get install maven)"; exit 1; }
start=$(date +%s)
mvn -B -ntp verify "$@"
echo "test.sh: suite passed in $(( $(date +%s) - start )) s"
# Bounded coverage-guided fuzzing of the collector's parsers (5 targets × 60 s); FLEETPULSE_SKIP_FUZZ=1 skips it.
if [ "${FLEETPULSE_SKIP_FUZZ:-0}" != 1 ]; then
  "$root/scripts/fuzz.sh"
fi
echo "test.sh: passed in $(( $(date +%s) - start )) s"
