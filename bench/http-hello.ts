// The baselines of the HTTP benchmark, in their own process: a bare Fastify hello-world, and
// (when BODY_FILE is set) bare Fastify sending that file's JSON as it is, so the cost of the
// response's size alone can be told apart from the service's own.
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
if (process.env.BODY_FILE) {
  const body = readFileSync(process.env.BODY_FILE, 'utf8');
  app.get('/body', async (_request, reply) => {
    void reply.header('content-type', 'application/json; charset=utf-8');
    return body;
  });
}
void app
  .listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
  .then(() => process.send?.('ready'));
