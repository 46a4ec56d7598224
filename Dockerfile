# syntax=docker/dockerfile:1
# mlflow-supergraph: multi-stage build on Node 24. The final image holds compiled JavaScript, production
# dependencies, the schema files, the typed client's persisted-operation manifest (the default of
# GRAPHQL_PERSISTED_MANIFESTS) and nothing else, and runs as the unprivileged `node` user (uid 1000).
# test/e2e/dockerImage.test.ts plays these stages without Docker and starts the result.
#   docker build -t mlflow-supergraph:0.1.0 .
#   docker run -p 4000:4000 -e MLFLOW_TRACKING_URI=http://mlflow:5000 mlflow-supergraph:0.1.0
# Modes (the same image): single process (default, no arguments); gateway of a distributed deployment
# (`--distributed`); one subgraph (`subgraph tracking --port 4001`). See docs/operations.md.
# Pin the base image by digest in your registry for reproducible builds (node:24-bookworm-slim@sha256:...).
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. All dependencies, for the TypeScript build. Install scripts are not needed and not run.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# 2. Compile src/ to dist/ (tsconfig.build.json). The MLflow emulator (packages/mlflow-emulator, the demo's backend)
#    is a development package: never copied, compiled or installed here.
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 3. Production dependencies only.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 4. The runtime image. Files are owned by root and read-only to the service user; it writes nothing.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json supergraph.yaml ./
COPY schema ./schema
# GRAPHQL_PERSISTED_ONLY=true reads it here (src/gateway/persistedQueries.ts defaultManifestPath).
COPY packages/client/src/generated/persisted-documents.json ./packages/client/src/generated/
USER 1000:1000
EXPOSE 4000
# Docker's own check (Kubernetes uses the probes in deploy/k8s instead). No curl in the slim image: use node.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node runs as PID 1 and handles SIGTERM itself (drain, then exit); `npm start` would not forward the signal.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/main.js"]
CMD []
