# One image definition, two targets: `gateway` and `worker` (docker compose builds both).

FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY shared/package.json shared/
COPY gateway/package.json gateway/
COPY worker/package.json worker/
RUN npm ci --no-audit --no-fund
COPY shared shared
COPY gateway gateway
COPY worker worker
COPY scripts/bundle-workflows.mjs scripts/link-cli.mjs scripts/
# TypeScript, then the worker's workflow bundle (so workers start without webpack).
RUN npm run build && npm prune --omit=dev

FROM node:22-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/shared/package.json shared/
COPY --from=build /app/shared/dist shared/dist
USER node

FROM runtime AS gateway
COPY --from=build /app/gateway/package.json gateway/
COPY --from=build /app/gateway/dist gateway/dist
# The OpenTelemetry protobuf definitions OTLP exports are decoded with.
COPY --from=build /app/gateway/vendor gateway/vendor
EXPOSE 8080 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.GATEWAY_PORT || 8080) + '/health/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "gateway/dist/server.js"]

FROM runtime AS worker
COPY --from=build /app/worker/package.json worker/
COPY --from=build /app/worker/dist worker/dist
ENV WORKER_HEALTH_PORT=8090
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.WORKER_HEALTH_PORT + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "worker/dist/index.js"]
