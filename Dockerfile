# OracXPred image: one image, three roles (ORACXPRED_ROLE=api|worker|all).
#   docker build -t oracxpred .
#   docker run -p 3000:3000 -e DATABASE_URL=... -e REDIS_URL=... -e JWT_SECRET=... oracxpred
#   docker run ... oracxpred dist/cli.js migrate        (the migration step)
#
# The application is bundled (scripts/bundle.mjs: esbuild over tsc's output) into dist/main.js,
# dist/cli.js and dist/training-thread.js; node_modules keeps only what cannot be bundled
# (argon2's native addon, bull and its Lua scripts, ioredis and pg for tracing, the Swagger UI's
# files). The runtime stage is distroless (glibc and CA certificates, no shell, no package
# manager) with the Node binary copied from the official image. Size, measured with a real
# build: docs/DEPLOYMENT.md, "Image size".

ARG NODE_IMAGE=node:24-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot

# ---- build: every dependency (the compiler and the bundler are dev ones), compile, bundle ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Exactly the locked versions; fails if package.json and the lock file disagree.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle.mjs ./scripts/
COPY src ./src
COPY migrations ./migrations
# The bundle script fails if a package the bundles require is missing from the tree or does
# not load (argon2's native addon included).
RUN npm run build && node scripts/bundle.mjs /app/image
# And the service's bundle loads with tracing on (its instrumentations too), then stops at the
# configuration check.
RUN cd /app/image \
 && out=$(OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 NODE_ENV=production node dist/main.js 2>&1 || true) \
 && echo "$out" | grep -q 'DATABASE_URL: required in production' || { echo "$out"; exit 1; }

# ---- runtime ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS node
FROM ${RUNTIME_IMAGE} AS runtime
ARG VERSION=dev
LABEL org.opencontainers.image.title="oracxpred" \
      org.opencontainers.image.description="Football prediction backend (api, worker or all)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production \
    ORACXPRED_ROLE=all \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app

COPY --from=node /usr/local/bin/node /usr/local/bin/node
# Application files stay root-owned: the service (user nonroot, uid 65532) can only read them.
COPY --from=build /app/image/ ./

USER 65532:65532
EXPOSE 3000 9464

# No shell or curl in the image: Node's own fetch. Every role, worker included, answers
# /health/live on PORT.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["/usr/local/bin/node"]
CMD ["dist/main.js"]
