# syntax=docker/dockerfile:1
# Dependencies are resolved once, from the lock file, in a throwaway stage.
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild argon2

FROM node:24-slim
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="authlete-bff" \
      org.opencontainers.image.description="Session-authenticated proxy for Authlete's client-management API" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/authlete-bff/authlete-bff"
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
# The default audit store (sqlite:./data/audit.db) lives on a volume the node user can write.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself (src/server.ts closes the server gracefully).
CMD ["node", "src/server.ts"]
