// Calls `fn` every `ms` while `on` is true (a live view: a running migration),
// never two at once: the next call waits for the previous answer.
import { useEffect, useRef } from "preact/hooks";

export function usePoll(fn, ms, on) {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    if (!on) return;
    let stop = false;
    let timer;
    const tick = async () => {
      try {
        await latest.current();
      } finally {
        if (!stop) timer = setTimeout(tick, ms);
      }
    };
    timer = setTimeout(tick, ms);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [ms, on]);
}
