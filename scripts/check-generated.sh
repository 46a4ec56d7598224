#!/usr/bin/env bash
# Regenerates codegen output (subgraph resolver types, the typed client's documents and its persisted-operation
# manifest) and the composed schemas (supergraph, API schema), then fails if anything differs from the commit.
set -euo pipefail
cd "$(dirname "$0")/.."
export APOLLO_TELEMETRY_DISABLED=true
# Compose first: the client is generated against schema/api.graphql, which compose writes.
npx tsx scripts/compose.ts >/dev/null
npx graphql-codegen --config codegen.ts --silent
npx tsx scripts/clientConstants.ts
pattern='(\.generated\.ts|supergraph\.graphql|api\.graphql|/gql/.*\.ts|packages/client/src/generated/.*|packages/client/src/ErrorCode\.ts|packages/client/src/permissionLevels\.ts)$'
changed=$(git status --porcelain --untracked-files=all -- schema src packages/client/src | awk '{print $NF}' | grep -E "$pattern" || true)
if [ -n "$changed" ]; then
  echo "Generated files are stale; run 'npm run compose && npm run codegen' and commit:" >&2
  echo "$changed" >&2
  exit 1
fi
echo "generated code, client documents, persisted-operation manifest and supergraph are current"
