#!/usr/bin/env bash
# The test command: installs what the tests need, starts a throwaway PostgreSQL cluster, builds the
# solution once and runs every test project. Ends with the plain line "N passed, N failed".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ensure_native
apt_install postgresql chromium
ensure_tools

# The shared known-answer vectors live in ../shared/vectors beside the repository. A clone made elsewhere (a temporary
# folder) finds them beside the repository it was cloned from, when that is a folder on this machine.
if [ -z "${WALLETGRAINS_VECTORS:-}" ] && [ ! -d "$REPO_ROOT/../shared/vectors" ]; then
  origin="$(git -C "$REPO_ROOT" config --get remote.origin.url || true)"
  origin="${origin#file://}"
  if [ -n "$origin" ] && [ -d "$origin/../shared/vectors" ]; then
    WALLETGRAINS_VECTORS="$(cd "$origin/../shared/vectors" && pwd)"
    export WALLETGRAINS_VECTORS
    log "shared vectors: $WALLETGRAINS_VECTORS (beside the clone's origin)"
  else
    log "shared vectors not found beside the repository; set WALLETGRAINS_VECTORS"
  fi
fi

pg_state=""
cleanup() {
  if [ -n "$pg_state" ]; then bash scripts/pg-test.sh stop "$pg_state" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

if [ -z "${WALLETGRAINS_TEST_POSTGRES:-}" ]; then
  # pg-test.sh start prints the connection string; stop takes it back.
  WALLETGRAINS_TEST_POSTGRES="$(bash scripts/pg-test.sh start)"
  pg_state="$WALLETGRAINS_TEST_POSTGRES"
  export WALLETGRAINS_TEST_POSTGRES
  log "throwaway PostgreSQL: $WALLETGRAINS_TEST_POSTGRES"
fi

# Every test project must be in the solution, or the build below would skip it silently.
for proj in $(find Tests -name '*.Tests.csproj' | sort); do
  grep -q "$(basename "$proj")" WalletGrains.sln || { log "$proj is not in WalletGrains.sln"; exit 1; }
done

config="${CONFIGURATION:-Release}"
log "dotnet build ($config)"
dotnet build WalletGrains.sln -c "$config" -nologo -clp:ErrorsOnly -v:q

passed=0 failed=0 skipped=0
results="$(mktemp -d)"
for proj in $(find Tests -name '*.Tests.csproj' | sort); do
  name="$(basename "$proj" .csproj)"
  log "testing $name"
  out="$results/$name.log"
  set +e
  dotnet test "$proj" -c "$config" --no-build -nologo 2>&1 | tee "$out"
  set -e
  # VSTest's per-assembly summary: "Passed!  - Failed:     0, Passed:    56, Skipped:     0, Total:    56"
  line="$(grep -E 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$out" | tail -n 1 || true)"
  if [ -z "$line" ]; then
    log "$name: no test summary (crash or build problem) - counted as one failure"
    failed=$((failed + 1))
    continue
  fi
  f=$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$line")
  p=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$line")
  s=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
