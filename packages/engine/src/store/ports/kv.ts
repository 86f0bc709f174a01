/** Small keyed state with expiry (OAuth states, webhook replay guards, leader records, settings). */
export interface KvStore {
  /** Inserts when absent or expired; false when a live value exists (single-use / replay detection). */
  kvPutIfAbsent(namespace: string, key: string, value: unknown, ttlMs: number): Promise<boolean>;
  /** Sets the value whatever was there, in one statement (settings such as privacy rules: never absent between). */
  kvPut(namespace: string, key: string, value: unknown, ttlMs: number): Promise<void>;
  kvGet<T = unknown>(namespace: string, key: string): Promise<T | null>;
  /** Reads and deletes in one step (single-use tokens). */
  kvTake<T = unknown>(namespace: string, key: string): Promise<T | null>;
  kvDelete(namespace: string, key: string): Promise<void>;
}
