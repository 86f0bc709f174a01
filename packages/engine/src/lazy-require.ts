import { createRequire } from 'node:module';
import type * as HtmlToText from 'html-to-text';
import type * as IoRedis from 'ioredis';
import type Pg from 'pg';

/*
 * Drivers and libraries most processes never use, loaded on first use instead of when the engine is imported: the
 * embedded mode needs neither `pg` nor `ioredis`, most content is not HTML, and every CLI command imports the engine.
 * (About 150 modules of start-up for each `tributary` command; DESIGN §4, #13 "instant CLI".) They are CommonJS, so a
 * synchronous `require` keeps the callers' signatures as they are.
 */
const require = createRequire(import.meta.url);

export const loadPg = (): typeof Pg => require('pg') as typeof Pg;
export const loadIoredis = (): typeof IoRedis => require('ioredis') as typeof IoRedis;
export const loadHtmlToText = (): typeof HtmlToText => require('html-to-text') as typeof HtmlToText;
