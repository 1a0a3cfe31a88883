// The virtual league as its own process (`npm run virtual-league`): the same feed as the
// service's GET /v1/virtual-league/feed, for a collector in another deployment or machine.
import { createServer } from 'node:http';
import { validateEnvironment } from '../../config/environment';
import { VirtualLeague } from './virtual-league';

const env = validateEnvironment(process.env);
const league = new VirtualLeague({
  seed: env.VIRTUAL_LEAGUE_SEED,
  epoch: Date.parse(env.VIRTUAL_LEAGUE_EPOCH),
  kickoffIntervalMs: env.VIRTUAL_LEAGUE_KICKOFF_INTERVAL_SECONDS * 1000,
  matchDurationMs: env.VIRTUAL_LEAGUE_MATCH_SECONDS * 1000,
  publishLeadMs: env.VIRTUAL_LEAGUE_PUBLISH_LEAD_SECONDS * 1000,
  retentionMs: env.VIRTUAL_LEAGUE_RETENTION_SECONDS * 1000,
});

const server = createServer((request, response) => {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method === 'GET' && path === '/v1/virtual-league/feed') {
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(league.feed(Date.now())));
    return;
  }
  response.writeHead(404, { 'content-type': 'application/problem+json' });
  response.end(JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404 }));
});

server.listen(env.VIRTUAL_LEAGUE_PORT, env.HOST, () => {
  process.stdout.write(
    `virtual league (seed ${env.VIRTUAL_LEAGUE_SEED}) listening on http://${env.HOST}:${env.VIRTUAL_LEAGUE_PORT}/v1/virtual-league/feed\n`,
  );
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
