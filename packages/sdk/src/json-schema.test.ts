import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configJsonSchema, secretFieldPaths } from './json-schema.js';

const schema = z.object({
  baseUrl: z.string().url().default('https://api.example.test').describe('API base URL'),
  apiToken: z.string().meta({ secret: true }).describe('Personal token'),
  auth: z.object({ clientSecret: z.string(), user: z.string() }).optional(),
  channels: z.array(z.string()).default([]),
});

describe('configJsonSchema', () => {
  it('converts a config schema to an object schema with descriptions and defaults', () => {
    const json = configJsonSchema(schema) as {
      type: string;
      properties: Record<string, Record<string, unknown>>;
      required?: string[];
    };
    expect(json.type).toBe('object');
    expect(json.properties.baseUrl).toMatchObject({
      type: 'string',
      description: 'API base URL',
      default: 'https://api.example.test',
    });
    expect(json.required).toEqual(['apiToken']);
  });

  it('marks secret fields secret and writeOnly, and only those', () => {
    const json = configJsonSchema(schema) as { properties: Record<string, Record<string, unknown>> };
    expect(json.properties.apiToken).toMatchObject({ secret: true, writeOnly: true });
    expect(json.properties.baseUrl!.writeOnly).toBeUndefined();
    expect(json.properties.channels!.writeOnly).toBeUndefined();
  });
});

describe('secretFieldPaths', () => {
  it('finds secrets by meta and by conventional name, nested included', () => {
    expect(secretFieldPaths(schema).sort()).toEqual(['apiToken', 'auth.clientSecret']);
  });
});
