// The save cycle every edit form shares: PUT with If-Match (version 0 when
// creating, so an existing record is never overwritten by a "new" form), the
// error kept for field highlighting, the draft never touched on failure.
// After nginx refuses a save the agent reverts the record (a new version, in
// error.detail.current_version): the form adopts that version, so the same
// draft, fixed, saves again; nginx's file:line is mapped to the field it came
// from (through a draft preview) and that field is marked and focused.
import { useState } from "preact/hooks";
import { api, ApiError, enc } from "../api.js";
import { focusField } from "./form.js";
import { clearUnsaved } from "./guard.js";
import { toast } from "./toast.js";

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

/** The refused candidate file with nginx's line and the field it maps to, or null. */
async function locate(plural, name, body, err) {
  const d = err.detail || {};
  if (!d.file || !d.line) return null;
  try {
    const pv = await api(
      "POST",
      `/api/console/preview/${plural}/${enc(name)}?line=${d.line}`,
      body,
    );
    return pv.file === d.file ? pv : { ...pv, mark: null };
  } catch {
    return null;
  }
}

export function useSave(kind, plural, opts = {}) {
  const [state, setState] = useState(() => {
    const saved = carried;
    carried = null;
    return { busy: false, error: null, saved, candidate: null };
  });
  async function save(name, body, version) {
    setState({ busy: true, error: null, saved: null, candidate: null });
    try {
      const rec = await api("PUT", `/api/${plural}/${enc(name)}`, body, { ifMatch: version ?? 0 });
      clearUnsaved();
      setState({ busy: false, error: null, saved: rec, candidate: null });
      toast(`Saved ${kind} ${name} (version ${rec.version})`);
      return rec;
    } catch (e) {
      // A form may own an outcome that is not a plain failure (a proxy saved
      // whose HTTPS failed): it answers true and shows it itself.
      if (opts.onError && (await opts.onError(e))) {
        setState({ busy: false, error: null, saved: null, candidate: null });
        return null;
      }
      let err = e;
      let candidate = null;
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
      if (e.detail?.current_version !== undefined) {
        // The agent's own revert: adopt its version, keep the draft.
        opts.onAdopt?.(e.detail.current_version);
        candidate = await locate(plural, name, body, e);
        if (candidate?.mark?.field && !err.field) err.field = candidate.mark.field;
      }
      setState({ busy: false, error: err, saved: null, candidate });
      focusField(err);
      return null;
    }
  }
  const setError = (error) => {
    setState({ busy: false, error, saved: null, candidate: null });
    focusField(error);
  };
  return { ...state, save, setError };
}

/** Browser-side check of required fields before anything is sent ([field, label, value]). */
export function requireFields(checks) {
  for (const [field, _label, value] of checks) {
    if (value === undefined || value === null || String(value).trim() === "") {
      return new ApiError(400, {
        error: {
          code: "VALIDATION_FAILED",
          message: `${field}: required`,
          detail: { field },
        },
      });
    }
  }
  return null;
}
