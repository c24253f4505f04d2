#!/usr/bin/env bash
# The run command. Until the wallet service exists (issue: send path), it starts a local anvil dev
# chain on 127.0.0.1 and prints its funded dev accounts through the `wallet` CLI. Ctrl-C stops it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ensure_native
ensure_tools

port="${ANVIL_PORT:-8545}"
mnemonic="test test test test test test test test test test test junk"

log "building the wallet CLI"
dotnet build Cli/WalletGrains.Cli.csproj -c Release -nologo -clp:ErrorsOnly -v:q
wallet() { dotnet "$REPO_ROOT/Cli/bin/Release/net10.0/wallet.dll" "$@"; }

"$(anvil_bin)" --host 127.0.0.1 --port "$port" --chain-id 31337 --accounts 10 --mnemonic "$mnemonic" --silent &
anvil_pid=$!
trap 'kill $anvil_pid 2>/dev/null || true' EXIT INT TERM

deadline=$((SECONDS + 30))
until curl -sf -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "http://127.0.0.1:$port" >/dev/null 2>&1; do
  kill -0 "$anvil_pid" 2>/dev/null || { log "anvil exited (is port $port free? set ANVIL_PORT)"; exit 1; }
  [ $SECONDS -lt $deadline ] || { log "anvil did not answer within 30 s"; exit 1; }
  sleep 0.2
done

echo "anvil dev chain: http://127.0.0.1:$port (chain id 31337)"
echo "dev accounts (public test mnemonic, 10000 ETH each, never use on a real network):"
wallet keys derive --mnemonic "$mnemonic" --count 10
echo "Ctrl-C stops the chain."
wait "$anvil_pid"
