/** One versioned schema migration (both adapters keep an append-only list of them). */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
