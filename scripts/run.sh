#!/usr/bin/env bash
# The run command: starts the WalletGrains service on the embedded default — SQLite in data/ and a
# local anvil dev chain whose 10 funded dev accounts the service custodies — on http://127.0.0.1:5080.
# In development the service prints a generated admin API key once at start. Ctrl-C stops it (and anvil).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ensure_native
ensure_tools

log "building the service"
dotnet build Silo/WalletGrains.Silo.csproj -c Release -nologo -clp:ErrorsOnly -v:q
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
exec dotnet Silo/bin/Release/net10.0/WalletGrains.Silo.dll "$@"
