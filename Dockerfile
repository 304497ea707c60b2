# Build stage: full install (TypeScript compiles in the prepare script), then drop dev deps.
# python3, make and g++ let argon2 compile from source when its prebuilt binary does not load
# on this platform (node-gyp-build falls back to building it during `npm ci`).
FROM node:22-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
# Fail the build, not the first login, if the native password hasher does not load.
RUN node -e "import('argon2').then((m) => (m.default ?? m).hash('build-check')).then(() => console.log('argon2 ok'))"

# Runtime: the same Debian release as the build stage, so a compiled argon2 links the same glibc.
FROM node:22-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY data ./data
COPY views ./views
COPY public ./public
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))"
# SIGTERM from `docker stop` reaches node directly (exec form): in-flight requests finish within
# SHUTDOWN_TIMEOUT_MS; keep docker's stop timeout (10 s by default) above it.
CMD ["node", "dist/server.js"]
