# bounced: the SMTP bounce server. Listens on 2525 (publish it as 25) and 9325 (metrics,
# health). Runs the compiled JavaScript (npm run build) as the unprivileged node user;
# neither TypeScript nor tsx is in the image.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY scripts/build.ts ./scripts/
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# HTTP on every address of the container: what is published is the compose file's choice.
ENV NODE_ENV=production SMTP_PORT=2525 HTTP_HOST=:: HTTP_PORT=9325 DATA_DIR=/var/lib/bounced
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
RUN mkdir -p /var/lib/bounced && chown node:node /var/lib/bounced
USER node
EXPOSE 2525 9325
HEALTHCHECK --interval=15s --timeout=3s CMD node -e \
  "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 9325) + '/healthz') \
     .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# SIGTERM drains SMTP sessions (SHUTDOWN_DRAIN_MS) before the container stops.
STOPSIGNAL SIGTERM
CMD ["node", "bin/bounced.js", "serve"]
