// The whole managed tree from the desired state, as pure text. The reconciler
// writes it as a generation; nothing here touches the disk. Each kind renders
// its own records (in registration order); extensions add derived records and files.
import type { Rec } from "../store/store.ts";
import type { RenderContext } from "./context.ts";
import type { AnyKind } from "../kind.ts";
import { CORE_KINDS } from "../kinds/core.ts";
import { defaultServers } from "./default-server.ts";
import {
  COMMON_FILE,
  configHash,
  type RenderedFile,
  type RenderExtension,
  StateView,
} from "./files.ts";
import { luaHttpFile } from "./lua-upstreams.ts";
import { planUpstreams, type UpstreamPlan } from "./upstreams.ts";
import { type RenderMemo, settingsKey } from "./memo.ts";

export {
  COMMON_FILE,
  confFileName,
  configHash,
  fileSha,
  metaFileName,
  type RenderedFile,
  type RenderExtension,
  StateView,
} from "./files.ts";

/** The state as the kinds render it: every extension's derived records added. */
function expandedView(
  records: Map<string, Rec>,
  ctx: RenderContext,
  extensions: RenderExtension[] = [],
): StateView {
  let view = new StateView(records);
  for (const ext of extensions) if (ext.expand) view = ext.expand(view, ctx);
  return view;
}

/** Which upstream serves each pool when `records` is rendered (shared or its own). */
export function upstreamPlanOf(
  records: Map<string, Rec>,
  ctx: RenderContext,
  extensions: RenderExtension[] = [],
): UpstreamPlan {
  return planUpstreams(expandedView(records, ctx, extensions), ctx);
}

export function renderTree(
  records: Map<string, Rec>,
  base: RenderContext,
  extensions: RenderExtension[] = [],
  kinds: readonly AnyKind[] = CORE_KINDS,
  memo?: RenderMemo,
): RenderedFile[] {
  const view = expandedView(records, base, extensions);
  // Pools and sites agree on which upstream serves a pool (render/upstreams.ts).
  const ctx: RenderContext = { ...base, upstreams: planUpstreams(view, base) };
  const files: RenderedFile[] = [];
  const settings = memo ? settingsKey(ctx) : "";
  for (const k of kinds) {
    const render = k.render;
    if (!render) continue;
    for (const rec of view.ofKind(k.name)) {
      files.push(memo ? memo.file(rec, view, ctx, settings, render) : render(rec, view, ctx));
    }
  }
  for (const ext of extensions) if (ext.files) files.push(...ext.files(view, ctx));
  if (ctx.lua_upstreams) files.push(luaHttpFile(ctx.lua_upstreams));
  const hash = configHash(files);
  files.unshift({
    name: COMMON_FILE,
    text: ctx.templates.render("common.conf.eta", { config_hash: hash }) +
      defaultServers(view, ctx),
  });
  return files;
}
