# syntax=docker/dockerfile:1
# @vigil/runner: built from the repository root (docker build -f docker/runner.Dockerfile .).

# Only the package manifests, so the dependency install below stays cached until one of them changes.
FROM node:24-slim AS manifests
WORKDIR /workspace
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete

FROM node:24-slim AS build
WORKDIR /workspace
COPY --from=manifests /workspace ./
# `npm ci`: exactly the lockfile, which lists the native builds of every common platform
# (linux x64 and arm64, glibc and musl; darwin; win32), so it works on any build machine.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node tools/scripts/prisma-generate.mjs
RUN node tools/scripts/build-app.mjs apps/runner

FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    VIGIL_DATA_DIR=/var/lib/vigil
WORKDIR /app
# icmp checks (its runs) run the system's ping: iputils-ping, whose install gives it
# CAP_NET_RAW as a file capability, so USER node can run it (keep NET_RAW in the container's capabilities).
RUN apt-get update && apt-get install -y --no-install-recommends iputils-ping && rm -rf /var/lib/apt/lists/*
# The bundle's own package.json lists only the packages it imports, and its package-lock.json
# is the workspace lockfile pruned to them: the versions the workspace was tested with.
COPY --from=build /workspace/dist/apps/runner/package.json /workspace/dist/apps/runner/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /workspace/dist/apps/runner ./
COPY docker/healthcheck.cjs ./
RUN install -d -m 0700 -o node -g node /var/lib/vigil
# The heap bounds the benchmarks measured (RUNNER_NODE_ARGS); set after npm ci, which needs more.
ENV NODE_OPTIONS="--max-old-space-size=160 --max-semi-space-size=16"
USER node
EXPOSE 9465
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["node", "healthcheck.cjs", "METRICS_PORT", "9465"]
CMD ["node", "--enable-source-maps", "main.js"]
