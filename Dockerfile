# OracXPred image: one image, three roles (ORACXPRED_ROLE=api|worker|all).
#   docker build -t oracxpred .
#   docker run -p 3000:3000 -e DATABASE_URL=... -e REDIS_URL=... -e JWT_SECRET=... oracxpred
# All stages use the same Debian base so native add-ons built in `deps` load in `runtime`.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- deps: every dependency (dev included: the build needs the TypeScript compiler) ----------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund

# ---- build: compile, then drop dev dependencies ------------------------------------------
FROM deps AS build
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    ORACXPRED_ROLE=all \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app

# Application files stay root-owned (read-only for the service); only .data is writable.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node
EXPOSE 3000

# No curl in the slim image: use Node's built-in fetch. Every role, worker included, is expected
# to answer /health/live on PORT.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "dist/src/main.js"]
