// Form fields that light up when the API names them: an error with
// detail.field "routes[1].path" marks the input whose field is "routes[1].path",
// and also the one whose field is a prefix of it ("server_names" for
// "server_names[2]"). Inputs never reset on an error: the form owns the values.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { html } from "../html.js";

export const FormError = createContext(null);

export function fieldMatches(errField, field) {
  if (!errField || !field) return false;
  return errField === field || errField.startsWith(field + ".") ||
    errField.startsWith(field + "[");
}

export function useFieldError(field) {
  const err = useContext(FormError);
  return err && fieldMatches(err.field, field) ? err : null;
}

export function fieldId(field) {
  return "f-" + field.replace(/[^A-Za-z0-9_-]/g, "_");
}

/** Moves focus to the first input the error names, so keyboard users land on it. */
export function focusField(err) {
  if (!err?.field) return;
  setTimeout(() => {
    // The most specific input: "routes[1].path" before a "routes" group.
    const el = [...document.querySelectorAll("input, select, textarea")]
      .filter((e) => fieldMatches(err.field, e.dataset.field))
      .sort((a, b) => b.dataset.field.length - a.dataset.field.length)[0];
    el?.focus();
    el?.scrollIntoView?.({ block: "center" });
  }, 0);
}

function errorProps(field, err) {
  return err
    ? { "aria-invalid": "true", "aria-describedby": `${fieldId(field)}-err` }
    : { "aria-invalid": undefined };
}

/** The message without the "routes[0].path: " the box above already shows. */
function bare(err) {
  const prefix = `${err.field}: `;
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

function FieldMessage({ field, err, hint }) {
  return html`
    ${err && html`<p class="field-error" id=${`${fieldId(field)}-err`}>${bare(err)}</p>`}
    ${hint && !err && html`<p class="hint">${hint}</p>`}
  `;
}

/**
 * A labelled input. `as` is "input" (default), "textarea" or "select";
 * `hideLabel` keeps the label for screen readers only (table cells).
 */
export function Field(props) {
  const { field, label, hint, hideLabel, as = "input", value, onValue, children, grow, ...rest } =
    props;
  const err = useFieldError(field);
  const id = fieldId(field);
  const common = {
    id,
    name: field,
    "data-field": field,
    ...errorProps(field, err),
    ...rest,
  };
  const onInput = (e) => onValue(e.currentTarget.value);
  let control;
  if (as === "textarea") {
    control = html`<textarea ...${common} value=${value ?? ""} onInput=${onInput}></textarea>`;
  } else if (as === "select") {
    control = html`<select ...${common} value=${
      value ?? ""
    } onChange=${onInput}>${children}</select>`;
  } else {
    control = html`<input ...${common} value=${value ?? ""} onInput=${onInput} />`;
  }
  return html`
    <div class=${`field${grow ? " grow" : ""}`}>
      <label for=${id} class=${hideLabel ? "sr-only" : undefined}>${label}</label>
      ${control}
      <${FieldMessage} field=${field} err=${err} hint=${hint} />
    </div>
  `;
}

/** A number input; an empty box gives undefined so the API applies its default. */
export function NumberField(props) {
  const { onValue, ...rest } = props;
  return html`
    <${Field}
      ...${rest}
      type="number"
      inputmode="numeric"
      onValue=${(v) => onValue(v === "" ? undefined : Number(v))}
    />
  `;
}

export function Check({ field, label, checked, onValue, hint }) {
  const err = useFieldError(field);
  const id = fieldId(field);
  return html`
    <div class="field">
      <label class="check" for=${id}>
        <input
          type="checkbox"
          id=${id}
          name=${field}
          data-field=${field}
          checked=${!!checked}
          onChange=${(e) => onValue(e.currentTarget.checked)}
          ...${errorProps(field, err)}
        />
        ${label}
      </label>
      <${FieldMessage} field=${field} err=${err} hint=${hint} />
    </div>
  `;
}

/** Marks a group (a table row, a fieldset) when the error names it or something in it. */
export function useGroupInvalid(field) {
  return !!useFieldError(field);
}
