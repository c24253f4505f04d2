#!/usr/bin/env bash
# Shared set-up steps for scripts/run.sh and scripts/test.sh: each installs only what is missing.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[walletgrains] %s\n' "$*" >&2; }

_apt_updated=0
apt_install() {
  # apt_install <package>... : installs the Debian packages that are not installed yet.
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ $_apt_updated -eq 0 ]; then
    log "apt-get update"
    $sudo apt-get update -qq >/dev/null
    _apt_updated=1
  fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_native() {
  # libsecp256k1 (0.2.0 with the recovery module) is the only native library the Ethereum core needs.
  apt_install libsecp256k1-1
}

ensure_tools() {
  # npm packages pinned in tools/package-lock.json: anvil, solc, ethers.
  command -v node >/dev/null || { log "Node.js is required (node not found on PATH)"; exit 1; }
  local stamp="$REPO_ROOT/tools/node_modules/.walletgrains-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$REPO_ROOT/tools/package-lock.json" "$stamp"; then
    # Not `npm ci`: the registry here lacks anvil's other-platform optional packages, so the lock
    # file cannot list them and `npm ci` refuses it. `npm install --no-save` honours the lock file.
    log "npm install in tools/"
    (cd "$REPO_ROOT/tools" && npm install --no-save --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$REPO_ROOT/tools/package-lock.json" "$stamp"
  fi
}

anvil_bin() {
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=win32 ;; esac
  case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch=amd64 ;; esac
  echo "$REPO_ROOT/tools/node_modules/@foundry-rs/anvil-$os-$arch/bin/anvil"
}
