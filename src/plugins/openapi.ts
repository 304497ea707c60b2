import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export interface RegisteredRoute {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered after this plugin, as the onRoute hook saw it. */
    registeredRoutes: RegisteredRoute[];
  }
}

/**
 * An OpenAPI 3 document generated from the zod schemas of the /api routes (pages, the websocket
 * and /metrics are left out), served at GET /api/openapi.json. Registered before the modules so
 * @fastify/swagger's onRoute hook sees all of them.
 */
export const openapiPlugin = fp(async (app: FastifyInstance) => {
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Curbside API',
        description: 'Case consultation for verified physicians. Errors are {"error":{"code","message","requestId"}}.',
        version: '1',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'curbside_session' } },
      },
    },
    transform: (input) => {
      if (!input.url.startsWith('/api/')) return { schema: { ...input.schema, hide: true }, url: input.url };
      return jsonSchemaTransform(input);
    },
  });

  app.get('/api/openapi.json', { schema: { summary: 'This OpenAPI document' } }, async () => app.swagger());
}, { name: 'openapi' });
