#!/usr/bin/env bash
# Regenerates codegen output and the composed supergraph, then fails if anything differs from the commit.
set -euo pipefail
cd "$(dirname "$0")/.."
export APOLLO_TELEMETRY_DISABLED=true
npx graphql-codegen --config codegen.ts --silent
npx tsx scripts/compose.ts >/dev/null
generated=$(git ls-files -mo --exclude-standard -- schema src | grep -E '(\.generated\.ts|supergraph\.graphql|/gql/.*\.ts)$' || true)
if ! git diff --quiet -- schema src || [ -n "$generated" ]; then
  changed=$(git status --porcelain -- schema src | grep -E '(\.generated\.ts|supergraph\.graphql|/gql/)' || true)
  if [ -n "$changed" ]; then
    echo "Generated files are stale; run 'npm run codegen && npm run compose' and commit:" >&2
    echo "$changed" >&2
    exit 1
  fi
fi
echo "generated code and supergraph are current"
