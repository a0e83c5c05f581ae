// The less common parts of a site: IP allow/deny rules, response headers and
// raw nginx extra blocks.
import { html } from "../html.js";
import { Field, useGroupInvalid } from "../ui/form.js";
import { ListField } from "../ui/list-input.js";

const ZONES = [
  ["top", "top (after the IP rules)"],
  ["ssl", "ssl (after the certificate)"],
  ["proxy", "proxy (before the locations)"],
  ["end", "end (before the closing brace)"],
];

export function IpRules({ ip, onValue }) {
  return html`
    <fieldset>
      <legend>IP rules</legend>
      <div class="row">
        <${Field} as="select" field="ip_rules.mode" label="Mode" value=${ip.mode}
          onValue=${(v) => onValue({ ...ip, mode: v })}>
          <option value="">none: every client</option>
          <option value="allow">allow only these</option>
          <option value="deny">deny these</option>
        </${Field}>
        ${ip.mode && html`
          <${ListField} field="ip_rules.addresses" label="Addresses and CIDRs"
            value=${ip.addresses} onValue=${(v) => onValue({ ...ip, addresses: v })} grow
            hint="One per line, e.g. 10.0.0.0/8" />
        `}
      </div>
    </fieldset>
  `;
}

function HeaderRow({ h, i, set, remove }) {
  const invalid = useGroupInvalid(`response_headers.${h[0]}`);
  return html`
    <tr class=${invalid ? "invalid" : ""}>
      <td>
        <${Field} field=${`response_headers.${h[0]}`} label=${`Header ${i + 1} name`} hideLabel
          value=${h[0]} onValue=${(v) => set([v, h[1]])} placeholder="X-Frame-Options" />
      </td>
      <td>
        <${Field} field=${`response_headers[${i}].value`} label=${`Header ${i + 1} value`} hideLabel
          value=${h[1]} onValue=${(v) => set([h[0], v])} placeholder="DENY" />
      </td>
      <td><button type="button" class="link" onClick=${remove}
        aria-label=${`Remove header ${i + 1}`}>Remove</button></td>
    </tr>
  `;
}

/** Headers as [name, value] rows, so a name can be edited without losing its place. */
export function Headers({ rows, onValue }) {
  const set = (i) => (h) => onValue(rows.map((x, j) => (j === i ? h : x)));
  return html`
    <fieldset>
      <legend>Response headers</legend>
      ${rows.length > 0 && html`
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Value</th>
              <th><span class="sr-only">Remove</span></th>
            </tr>
          </thead>
          <tbody>${rows.map((h, i) =>
            html`
              <${HeaderRow} key=${i} h=${h} i=${i} set=${set(i)}
                remove=${() => onValue(rows.filter((_, j) => j !== i))} />
            `
          )}</tbody>
        </table>
      `}
      <button type="button" onClick=${() => onValue([...rows, ["", ""]])}>Add header</button>
      <p class="hint">Sent with every response (<code>add_header ... always</code>).</p>
    </fieldset>
  `;
}

function BlockRow({ b, i, set, remove }) {
  // nginx's file:line mapped to this block (or a field in it) outlines the whole block.
  const invalid = useGroupInvalid(`extra_blocks[${i}]`);
  return html`
    <div class=${`row${invalid ? " refused-target" : ""}`} data-block=${i}>
      <${Field} as="select" field=${`extra_blocks[${i}].zone`} label=${`Block ${i + 1} position`}
        value=${b.zone} onValue=${set(i, "zone")}>
        ${ZONES.map(([z, t]) => html`<option value=${z}>${t}</option>`)}
      </${Field}>
      <${Field} as="textarea" field=${`extra_blocks[${i}].content`} label=${`Block ${
        i + 1
      } directives`}
        value=${b.content} onValue=${set(i, "content")} grow required />
      <button type="button" class="link" onClick=${remove}
        aria-label=${`Remove block ${i + 1}`}>Remove</button>
    </div>
  `;
}

export function ExtraBlocks({ blocks, onValue }) {
  const set = (i, k) => (v) => onValue(blocks.map((b, j) => (j === i ? { ...b, [k]: v } : b)));
  return html`
    <fieldset>
      <legend>Extra nginx blocks</legend>
      ${blocks.map((b, i) =>
        html`
          <${BlockRow} key=${i} b=${b} i=${i} set=${set}
            remove=${() => onValue(blocks.filter((_, j) => j !== i))} />
        `
      )}
      <button type="button" onClick=${() =>
        onValue([...blocks, { zone: "top", content: "" }])}>Add block</button>
      <p class="hint">
        Raw nginx, checked before use: braces must balance; <code>include</code>, <code>load_module</code>, Lua, njs and Perl directives are refused.
      </p>
    </fieldset>
  `;
}
