// "Leave with unsaved edits?": a form marks itself dirty; closing the tab asks
// the browser's question and a hash change inside the app asks ours (the
// router keeps the old address when the answer is no).
import { useEffect } from "preact/hooks";

const dirty = new Set();

export function hasUnsaved() {
  return dirty.size > 0;
}

/** Asks before leaving; true when the page may change. */
export function confirmLeave() {
  if (!hasUnsaved()) return true;
  if (confirm("You have unsaved edits. Leave this page and lose them?")) {
    dirty.clear();
    return true;
  }
  return false;
}

addEventListener("beforeunload", (e) => {
  if (hasUnsaved()) {
    e.preventDefault();
    e.returnValue = "";
  }
});

/** Marks the calling form dirty while `isDirty` is true. */
export function useUnsaved(isDirty) {
  useEffect(() => {
    const token = {};
    if (isDirty) dirty.add(token);
    return () => dirty.delete(token);
  }, [isDirty]);
}

/** After a successful save: nothing is unsaved any more (the form re-renders later). */
export function clearUnsaved() {
  dirty.clear();
}
