/** Leases: one sync per source, across processes and machines. */
export interface LeaseStore {
  /** Takes the lease when free or expired; true when `holder` now holds it. */
  acquireLease(key: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease; false when it was lost (expired and taken by another). */
  renewLease(key: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(key: string, holder: string): Promise<void>;
  /** Who holds a lease and until when (epoch ms); null when nobody ever took it or it was released. */
  getLease(key: string): Promise<{ holder: string; expiresAt: number } | null>;
}
