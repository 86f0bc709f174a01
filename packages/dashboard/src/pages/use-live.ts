import { useEffect, useState } from 'preact/hooks';
import { live } from '../live.js';

/** Re-renders the calling page whenever live progress changes. */
export function useLive(): void {
  const [, setTick] = useState(0);
  useEffect(() => live.subscribe(() => setTick((t) => t + 1)), []);
}
