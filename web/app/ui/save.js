// The save cycle every edit form shares: PUT with If-Match (version 0 when
// creating, so an existing record is never overwritten by a "new" form), the
// error kept for field highlighting, the draft never touched on failure.
import { useState } from "preact/hooks";
import { api, ApiError, enc } from "../api.js";
import { focusField } from "./form.js";

/** Record fields the API sets; sending them back is allowed but pointless. */
export function specOf(rec) {
  const { version: _v, created_at: _c, updated_at: _u, managed_by: _m, apply: _a, ...spec } = rec;
  return spec;
}

// A create moves the page to the record's own address (a new mount): the
// "Saved" banner travels along in this slot.
let carried = null;

/** Call before navigating away from a form whose save succeeded. */
export function carrySaved(rec) {
  carried = rec;
}

export function useSave(kind, plural) {
  const [state, setState] = useState(() => {
    const saved = carried;
    carried = null;
    return { busy: false, error: null, saved };
  });
  async function save(name, body, version) {
    setState({ busy: true, error: null, saved: null });
    try {
      const rec = await api("PUT", `/api/${plural}/${enc(name)}`, body, { ifMatch: version ?? 0 });
      setState({ busy: false, error: null, saved: rec });
      return rec;
    } catch (e) {
      let err = e;
      if (e.code === "PRECONDITION_FAILED" && !version) {
        err = new ApiError(409, {
          error: {
            code: "CONFLICT",
            message:
              `name: a ${kind} named "${name}" already exists; open it from the list to edit it`,
            detail: { field: "name" },
          },
        });
      }
      setState({ busy: false, error: err, saved: null });
      focusField(err);
      return null;
    }
  }
  const setError = (error) => {
    setState({ busy: false, error, saved: null });
    focusField(error);
  };
  return { ...state, save, setError };
}
