// The baseline of the HTTP benchmark: a bare Fastify hello-world in its own process.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
void app
  .listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
  .then(() => process.send?.('ready'));
