import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';
import { createSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type Serializer = (data: unknown) => string;
type SerializerCompiler = (route: { schema: unknown; method: string; url: string; httpStatus?: string }) => Serializer;

const zodSerializerCompiler = createSerializerCompiler({}) as unknown as SerializerCompiler;

function zodSchemaOf(schema: unknown): z.ZodType | null {
  if (schema instanceof z.ZodType) return schema;
  const properties = (schema as { properties?: unknown } | null)?.properties;
  return properties instanceof z.ZodType ? properties : null;
}

/**
 * Response serialisation compiled once per route: each zod output schema is turned into JSON
 * Schema and compiled with fast-json-stringify, which writes only the properties the schema
 * names (so a private field still cannot leak) without running zod on every response.
 *
 * With `verify` (NODE_ENV=test), every response is also serialised the old way (zod encode,
 * then JSON.stringify) and a difference is an error, so the test suite proves the compiled
 * serialiser says exactly what the schema-checked one says. A schema JSON Schema cannot
 * express falls back to the zod serialiser.
 */
export function compiledSerializerCompiler(options: { verify: boolean }): FastifySerializerCompiler<unknown> {
  const compile: SerializerCompiler = (route) => {
    const checked = zodSerializerCompiler(route);
    const schema = zodSchemaOf(route.schema);
    if (!schema) return checked;
    let fast: Serializer;
    try {
      const json = z.toJSONSchema(schema, { io: 'output', target: 'draft-7', unrepresentable: 'throw' });
      fast = fastJson(json as Parameters<typeof fastJson>[0]) as Serializer;
    } catch {
      return checked;
    }
    if (!options.verify) return fast;
    return (data) => {
      const expected = checked(data);
      const actual = fast(data);
      if (actual !== expected) {
        throw new Error(`compiled serialiser of ${route.method} ${route.url} differs from its zod schema:\n${actual}\n${expected}`);
      }
      return actual;
    };
  };
  return compile as unknown as FastifySerializerCompiler<unknown>;
}
