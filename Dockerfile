# syntax=docker/dockerfile:1
# mxdesk: one container, one process. Build: docker build -t mxdesk .
# Run: see docker/compose.yml and README.md ("Docker deploy").

# ---- build: compile the server and the panel with dev dependencies ----
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig*.json ./
COPY src ./src
COPY web ./web
COPY config ./config
RUN npm run build && npm prune --omit=dev

# ---- runtime: production dependencies and the build only ----
FROM node:24-slim
ENV NODE_ENV=production \
    MXDESK_DATA_DIR=/data \
    MXDESK_SMTP_PORT=25 \
    MXDESK_HTTP_PORT=8080
# The MX must listen on port 25 as a non-root user: give node that one capability
# (CAP_NET_BIND_SERVICE) instead of running as root.
RUN apt-get update && apt-get install -y --no-install-recommends libcap2-bin \
    && setcap cap_net_bind_service=+ep "$(readlink -f /usr/local/bin/node)" \
    && apt-get purge -y libcap2-bin && rm -rf /var/lib/apt/lists/* \
    && groupadd --system mxdesk && useradd --system --gid mxdesk --home /app mxdesk \
    && mkdir -p /data && chown mxdesk:mxdesk /data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/config ./config
USER mxdesk
VOLUME ["/data"]
EXPOSE 25 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.MXDESK_HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM: stop accepting, let SMTP sessions finish, ticket the spool, close the store (< 10 s).
STOPSIGNAL SIGTERM
# The same node flags as `npm start` (test/ops/start-flags.test.ts keeps them equal). The JS
# heap is capped at 512 MB: the desk's live heap is ~35 MB at 100k tickets, and without a cap
# V8 sizes its heap for the machine (a quarter of its memory) and lets garbage pile up to
# 260 MB of RSS before collecting it (npm run bench, README "Benchmarks").
CMD ["node", "--enable-source-maps", "--max-old-space-size=512", "dist/main.js"]
