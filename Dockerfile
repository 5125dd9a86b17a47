# syntax=docker/dockerfile:1
# authlete-bff. Build: docker build -t authlete-bff .   (README "Deploying")
# The image runs plain JavaScript compiled by tsc (npm run build), not the TypeScript sources: Node's
# type stripping would cost every replica about 17-28 MB of memory for nothing.

# Stage 1: production dependencies, resolved from the lock file only. npm's cache and the lock file
# stay in this throwaway stage.
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no install script of any dependency runs, except argon2's, which picks its
# prebuilt binary for this platform (node-gyp-build; the slim image has no compiler).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild argon2

# Stage 2: the build. All dependencies (tsc and the type packages), no install scripts; thrown away.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY src ./src
COPY scripts/build-console.ts ./scripts/
# tsc run by the image's node: npm's PATH would put the devDependency "node" first, whose binary
# comes from an install script that did not run. The admin console is bundled into dist/console
# (esbuild's binary comes from its platform package, no install script needed).
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json \
 && node scripts/build-console.ts

# Stage 3: the runtime. Application files belong to root and are read-only for the process.
FROM node:24-slim
ARG VERSION=0.1.0
ARG SOURCE=https://github.com/authlete-bff/authlete-bff
LABEL org.opencontainers.image.title="authlete-bff" \
      org.opencontainers.image.description="Session-authenticated proxy for Authlete's client-management API" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="${SOURCE}"
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
# glibc: two malloc arenas and mmap for big blocks keep RSS near what is in use (an argon2 hash buffer
# is given back after a login instead of staying resident); see README "Performance".
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=1048576
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
# dist/src: the server (server.js) and the command line (cli.js): inside the image,
# node dist/src/cli.js users add ... / audit verify (docs/cli.md).
COPY --from=build /app/dist ./dist
# The small example frontend, served instead of the console with FRONTEND_DIR=examples/console.
COPY examples/console ./examples/console
# The only place the process writes (besides /tmp): the SQLite audit trail (AUDIT_STORE default
# sqlite:./data/audit.db) and API tokens (API_TOKEN_STORE default sqlite:./data/tokens.db). The root
# filesystem can then be read-only (docker run --read-only --tmpfs /tmp -v bff-data:/app/data).
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3000
# node, not curl (the image has none); PORT as the container sees it.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself (the server drains in-flight requests, then
# exits). Node runtime flags (V8 heap tuning and the like) go between "node" and the script; they are
# those of npm run start:dist. --max-semi-space-size=4: a 4 MB young generation; the default, sized
# from the host's memory, let RSS grow to ~300 MB under load for no throughput gain.
# --heap-growing-percent=10: a major GC once the old generation has grown by a tenth, instead of
# letting it fill with garbage up to about three times what is live (RSS climbed past 230 MB under
# load before the first collection).
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=10", "dist/src/server.js"]
