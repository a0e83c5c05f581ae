// A button that shows progress: while `busy` (or while its async onClick runs)
// it is disabled and shows a spinner and `busyText` ("Applying...").
import { useEffect, useRef, useState } from "preact/hooks";
import { html } from "../html.js";
import { can } from "../role.js";

/** Buttons change state unless marked `read`: a viewer is not shown them. */
export function Button(props) {
  if (!props.read && !can("write")) return null;
  return html`<${ActionButton} ...${props} />`;
}

function ActionButton(props) {
  const {
    onClick,
    busy: busyProp,
    busyText,
    children,
    type = "button",
    class: cls,
    disabled,
    read: _read,
    ...rest
  } = props;
  const [own, setOwn] = useState(false);
  const alive = useRef(true);
  useEffect(() => () => (alive.current = false), []);
  const busy = busyProp || own;
  async function click(e) {
    if (!onClick) return;
    setOwn(true);
    try {
      await onClick(e);
    } finally {
      if (alive.current) setOwn(false);
    }
  }
  return html`
    <button
      type=${type}
      class=${cls}
      ...${rest}
      disabled=${busy || disabled}
      aria-busy=${busy ? "true" : undefined}
      onClick=${onClick ? click : undefined}
    >
      ${busy && html`<span class="spinner" aria-hidden="true"></span>`}
      ${busy && busyText ? busyText : children}
    </button>
  `;
}
