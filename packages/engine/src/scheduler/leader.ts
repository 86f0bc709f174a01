/**
 * Leader election: in distributed mode several `tributary scheduler` processes run, exactly one acts.
 * Two implementations: Redis (`SET NX PX` + compare-and-pexpire renewals) and PostgreSQL (a session advisory lock).
 */
export interface LeaderElector {
  /** This elector's identity (hostname-pid-random). */
  readonly id: string;
  /** Starts campaigning; resolves after the first attempt (so `isLeader()` is meaningful right away). */
  start(): Promise<void>;
  /**
   * Stops campaigning. `release: true` (default) hands leadership over at once; `false` just stops renewing,
   * as a crashed process would, and the others take over when the lease runs out.
   */
  stop(options?: { release?: boolean }): Promise<void>;
  /** True while this process holds a lease it has renewed recently enough to trust. */
  isLeader(): boolean;
}

export type LeadershipListener = (leader: boolean) => void;
