// A list of words typed as text (server names, IP addresses): the text is kept
// as typed, the parent gets the parsed list.
import { useState } from "preact/hooks";
import { html } from "../html.js";
import { Field } from "./form.js";

export function splitList(text) {
  return text.split(/[\s,]+/).filter(Boolean);
}

export function ListField({ value, onValue, ...rest }) {
  const list = value ?? [];
  const [text, setText] = useState(list.join("\n"));
  // Re-sync when the parent's list changes for another reason (e.g. a reload).
  const shown = splitList(text).join("\n") === list.join("\n") ? text : list.join("\n");
  return html`
    <${Field}
      as="textarea"
      rows="3"
      ...${rest}
      value=${shown}
      onValue=${(t) => {
        setText(t);
        onValue(splitList(t));
      }}
    />
  `;
}
