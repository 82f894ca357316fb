# syntax=docker/dockerfile:1
# @vigil/all-in-one: built from the repository root (docker build -f docker/all-in-one.Dockerfile .).

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
RUN node tools/scripts/build-app.mjs apps/all-in-one

FROM node:24-slim AS runtime
# MALLOC_* and --max-semi-space-size (CMD): the memory bounds npm start sets (@vigil/db's EMBEDDED_PROCESS_ENV, EMBEDDED_NODE_ARGS).
ENV NODE_ENV=production \
    VIGIL_DATA_DIR=/var/lib/vigil \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=1048576
WORKDIR /app
# icmp checks (the @controller location's runs) run the system's ping: iputils-ping, whose install gives it
# CAP_NET_RAW as a file capability, so USER node can run it (keep NET_RAW in the container's capabilities).
RUN apt-get update && apt-get install -y --no-install-recommends iputils-ping && rm -rf /var/lib/apt/lists/*
# The bundle's own package.json lists only the packages it imports, and its package-lock.json
# is the workspace lockfile pruned to them: the versions the workspace was tested with.
COPY --from=build /workspace/dist/apps/all-in-one/package.json /workspace/dist/apps/all-in-one/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /workspace/dist/apps/all-in-one ./
# Found by @vigil/db next to main.js: applied at start (VIGIL_MIGRATE=auto on the embedded database).
COPY prisma/migrations ./prisma/migrations
COPY docker/healthcheck.cjs ./
RUN install -d -m 0700 -o node -g node /var/lib/vigil
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "healthcheck.cjs", "PORT", "8080"]
# Exec form: node is PID 1 and receives SIGTERM itself. The embedded database lives in VIGIL_DATA_DIR:
# mount a volume there (docker run -v vigil-data:/var/lib/vigil -p 8080:8080 vigil/all-in-one).
CMD ["node", "--enable-source-maps", "--max-semi-space-size=4", "main.js"]
