#!/usr/bin/env bash
# Adds the public symbols the PublicApiAnalyzers report as undeclared (RS0016) to PublicAPI.Unshipped.txt.
# Review the diff: every line is a public API change of the package.
set -euo pipefail
cd "$(dirname "$0")/../src/NbaSim.Observability"
new=$(dotnet build -f net10.0 --no-incremental 2>&1 | grep -oE "RS0016: Symbol '.*' is not part of the declared public API" \
  | sed -E "s/^RS0016: Symbol '(.*)' is not part of the declared public API/\1/" | sort -u || true)
[ -z "$new" ] && { echo "public API up to date"; exit 0; }
{ cat PublicAPI.Unshipped.txt; echo "$new"; } | awk 'NR==1{print; next} {print | "sort -u"}' > PublicAPI.Unshipped.txt.new
mv PublicAPI.Unshipped.txt.new PublicAPI.Unshipped.txt
echo "$new" | sed 's/^/added: /'
