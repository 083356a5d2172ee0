# syntax=docker/dockerfile:1
# Årshjul in a container (issue 16). Not built by CI: no image registry is reachable there, so the
# install steps below are kept the same as .ci/run's (`npm ci --no-audit --no-fund`).
#   docker build -t arshjul .
#   docker run -p 3000:3000 -v arshjul-data:/app/data -e BASE_URL=https://arshjul.example.no arshjul
# PostgreSQL instead of the embedded SQLite: compose.yaml, or -e DATABASE_URL=postgres://…

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install with the lock file, compile TypeScript, then drop the dev dependencies ----
FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source (prebuilt binaries cannot be downloaded here): python3, make and
# g++, and node-gyp uses the headers that ship in the image instead of downloading them.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: what the server reads, as the unprivileged node user ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_PATH=/app/data/arshjul.db
WORKDIR /app
# The server reads, besides its code: package.json (its version), templates/ (the catalogue, pages,
# reminder texts), seeds/ (the SSB list of kommuner, the first start's register, the demo) and each
# dialect's migrations. src/ and tsconfig.json keep `npm start` and the `npm run token|login-link|…`
# commands working inside the container.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/src ./src
COPY tsconfig.json ./
COPY templates ./templates
COPY seeds ./seeds
COPY migrations ./migrations
COPY migrations-pg ./migrations-pg
# SQLite's folder (the database and its -wal/-shm files): a volume, writable by the node user.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3000
# /health/live answers without the database; Node 20 has fetch, so no curl in the image.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The compiled server (what `npm run start:dist` runs), started by node itself rather than through npm,
# so `docker stop`'s SIGTERM reaches it and it shuts down cleanly.
CMD ["node", "dist/server.js"]
