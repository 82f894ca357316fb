# syntax=docker/dockerfile:1
# @vigil/evaluator: built from the repository root (docker build -f docker/evaluator.Dockerfile .).

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
RUN node tools/scripts/build-app.mjs apps/evaluator

FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    VIGIL_DATA_DIR=/var/lib/vigil
WORKDIR /app
# The bundle's own package.json lists only the packages it imports, and its package-lock.json
# is the workspace lockfile pruned to them: the versions the workspace was tested with.
COPY --from=build /workspace/dist/apps/evaluator/package.json /workspace/dist/apps/evaluator/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /workspace/dist/apps/evaluator ./
# Found by @vigil/db next to main.js: the services check them at start, the migrate command applies them.
COPY prisma/migrations ./prisma/migrations
COPY docker/healthcheck.cjs ./
RUN install -d -m 0700 -o node -g node /var/lib/vigil
USER node
EXPOSE 9466
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "healthcheck.cjs", "METRICS_PORT", "9466"]
# --single-threaded-gc: GC on the main thread, less CPU in all (EVALUATOR_NODE_ARGS; npm run start:evaluator sets it too).
CMD ["node", "--enable-source-maps", "--single-threaded-gc", "main.js"]
