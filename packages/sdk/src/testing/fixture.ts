import type { Credential } from '../context.js';
import type { Clock } from '../clock.js';

/**
 * The conformance kit's requirements: an id and one sentence of behaviour each. A connector's conformance test
 * runs every requirement or names a waiver with its reason; a requirement neither run nor waived fails.
 */
export const REQUIREMENTS = {
  'manifest:valid': 'The manifest parses, the name is kebab-case, the sdk range admits this SDK, streams are declared.',
  'manifest:json-schema': 'The config schema converts to JSON Schema and the fixture config validates against it.',
  'check:ok': 'check() succeeds against a good setup.',
  'check:bad-setup':
    'check() fails with ok=false and a non-empty reason (or a TributaryError) for each bad config/credential.',
  'read:items-valid':
    'Every yielded item passes ItemSchema and names a declared stream; external ids are unique within a page.',
  'read:checkpoint-serializable':
    'Every checkpoint is JSON-serializable and parses with the manifest checkpoint schema.',
  'checkpoint:bounded':
    'Every checkpoint serializes to at most 4 KB and does not grow as the upstream grows (per-file records go in connector state).',
  'read:deterministic': 'Two full reads of the same upstream yield the same memories (ids and content).',
  'read:incremental':
    'A read from the final checkpoint after upstream changes yields the changes and nothing unchanged.',
  'sync:resume:after-any-page':
    'A crash after any page, then a resume from its checkpoint, loses and duplicates nothing.',
  'deletions:propagate': 'When deletions are declared, items deleted upstream are reported as deletes.',
  'abort:prompt': 'Aborting the signal stops the read within one page.',
} as const;

export type RequirementId = keyof typeof REQUIREMENTS;

/** What changed upstream after `mutate()`. External ids as the connector will report them. */
export interface Mutation {
  added: string[];
  changed: string[];
  deleted: string[];
}

export interface ConformanceFixture {
  /** A config (raw input, defaults applied by the schema) that reads the fixture's upstream. */
  config: unknown;
  credentials?: Credential;
  features?: Record<string, boolean>;
  /** Setups that must make `check()` fail. At least one unless `check:bad-setup` is waived. */
  badSetups?: Array<{ name: string; config?: unknown; credentials?: Credential }>;
  /** Builds a fresh upstream (files, a twin's state, a repo). Called before each requirement. */
  setup(): Promise<void> | void;
  teardown?(): Promise<void> | void;
  /** Changes upstream: adds and edits items (and deletes some when the connector declares deletions). */
  mutate(): Promise<Mutation> | Mutation;
  /**
   * Grows the upstream by some new items (a few more files, messages …) and returns how many: `checkpoint:bounded`
   * checks the checkpoint does not grow with them. Without it, `mutate()` is used (its added minus deleted).
   */
  grow?(): Promise<number> | number;
  /** Requirements not applicable, each with the reason. */
  waivers?: Partial<Record<RequirementId, string>>;
  /** A clock for connectors that sleep (polling, backoff); default: the system clock. */
  clock?: Clock;
  /** A fetch for the HTTP helper (twins listen on loopback, so usually the global fetch). */
  fetch?: typeof globalThis.fetch;
  /** Max pages expected from a full read, to bound the crash-resume matrix. @default 50 */
  maxPages?: number;
  /**
   * The connector finds deletions only by a full refresh (a read in mode `full_refresh` no longer yields the item)
   * rather than reporting `deletes` incrementally. @default false
   */
  deletionsByFullRefresh?: boolean;
}
