import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run by its SHA (EVALSHA), loaded on first use and again after a server restart (NOSCRIPT). */
export interface LuaScript {
  run(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown>;
}

export function luaScript(body: string): LuaScript {
  const sha = createHash('sha1').update(body).digest('hex');
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!/NOSCRIPT/.test((err as Error).message)) throw err;
        return redis.eval(body, keys.length, ...keys, ...args);
      }
    },
  };
}
