# Kelisim's image: Node 20 on Debian bookworm (slim) with the production dependencies only — tsx and prisma
# are dependencies, since the bot runs from its TypeScript sources and `npm ci` generates the Prisma client —
# run as the unprivileged `node` user, with the embedded database (PGlite) in the /data volume.
# No container daemon or registry is reachable on the machines this was written on: .ci/docker-steps.sh runs
# these same steps (COPY, RUN, then CMD) in a temporary directory, and test/tooling/docker.test.ts runs it.
# Keep each instruction on one line: the script reads this file line by line.
FROM node:20-slim

# image only: PostgreSQL's client tools (15, Debian bookworm's) for npm run db:backup / db:restore on PostgreSQL
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production DATA_DIR=/data HEALTH_PORT=8081
WORKDIR /app

COPY package.json package-lock.json prisma.config.ts tsconfig.json ./
COPY prisma ./prisma
COPY bot ./bot
COPY machines ./machines
COPY locales ./locales
RUN npm ci --omit=dev --no-audit --no-fund

# image only: the data volume belongs to the unprivileged user the bot runs as
RUN mkdir -p /data && chown node:node /data && npm cache clean --force
USER node
VOLUME /data
# PORT (webhook mode) and HEALTH_PORT (/healthz in every mode)
EXPOSE 8080 8081
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD node -e "fetch('http://127.0.0.1:'+process.env.HEALTH_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["npm", "start"]
