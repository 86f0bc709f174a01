/**
 * Fault injection for twins: a test arms faults (a status storm, a hang, a truncated body) that the server applies
 * to matching requests before the provider logic runs.
 */

/** What a fault does to a matching request. */
export type FaultKind =
  /** Answer with `status`, `headers` and `body` instead of the real response. */
  | 'status'
  /** Never answer (the client's timeout must fire); the socket is destroyed when the server closes. */
  | 'hang'
  /** Send the real response's headers and only the first half of its body, then cut the connection. */
  | 'truncate'
  /** Destroy the socket without answering. */
  | 'reset';

export interface FaultSpec {
  kind?: FaultKind;
  /** Route names (as the twin names them, e.g. `conversations.history`) or a pattern; all routes when omitted. */
  route?: string | RegExp;
  /** For `status`. @default 500 */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Applies to the next `times` matching requests. @default Infinity (with `every`) or 1 */
  times?: number;
  /** Applies to every n-th matching request (n, 2n, 3n …) rather than to consecutive ones. */
  every?: number;
}

export interface ArmedFault extends Required<Pick<FaultSpec, 'kind'>> {
  spec: FaultSpec;
  /** Matching requests seen so far. */
  seen: number;
  /** Times it fired. */
  fired: number;
}

/** Holds armed faults; the server asks it for the fault to apply to each request. */
export class FaultInjector {
  private faults: ArmedFault[] = [];

  /** Arms a fault. @returns the armed fault, whose `fired` counter a test can read. */
  inject(spec: FaultSpec): ArmedFault {
    const fault: ArmedFault = { kind: spec.kind ?? 'status', spec, seen: 0, fired: 0 };
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault to apply to a request to `route`, if any (counts the request for every matching fault). */
  pick(route: string): ArmedFault | undefined {
    let chosen: ArmedFault | undefined;
    for (const f of this.faults) {
      const r = f.spec.route;
      if (r !== undefined && (typeof r === 'string' ? r !== route : !r.test(route))) continue;
      const limit = f.spec.times ?? (f.spec.every ? Infinity : 1);
      if (f.fired >= limit) continue;
      f.seen++;
      const hit = f.spec.every ? f.seen % f.spec.every === 0 : true;
      if (hit && !chosen) {
        f.fired++;
        chosen = f;
      }
    }
    return chosen;
  }
}
