import { useRef } from 'preact/hooks';

/**
 * For a page's loader that can run twice at once (a live event, a timer and a button each reload it): take a ticket
 * before the requests (`const current = latest()`) and apply their answers only while `current()` holds, so an
 * earlier request that answers late never replaces a newer answer on screen.
 */
export function useLatest(): () => () => boolean {
  const seq = useRef(0);
  return () => {
    const mine = ++seq.current;
    return () => mine === seq.current;
  };
}
