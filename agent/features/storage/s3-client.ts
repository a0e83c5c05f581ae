// The agent's own S3 client: SigV4 through aws4fetch, path-style URLs, a
// timeout on every request, and only the calls the agent needs (ListBuckets,
// HeadBucket, ListObjectsV2, DeleteObjects, and object calls for tests and
// migrations). It never logs: credentials stay in the signer.
import { AwsClient } from "aws4fetch";
import { createHash } from "node:crypto";
import { AgentError } from "../../errors.ts";

export interface S3Endpoint {
  /** http://host:port of one node (or the gateway). */
  endpoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
  timeoutMs: number;
  /** Retries of a 5xx or 429 answer (default SLOW_DOWN_RETRIES; 0 shows the first answer). */
  retries?: number;
}

export interface S3Object {
  key: string;
  size: number;
  etag: string;
  last_modified: string;
}

export interface ObjectPage {
  objects: S3Object[];
  truncated: boolean;
  next?: string;
}

/** The five XML entities S3 escapes in keys and names. */
export function xmlUnescape(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_m, e: string) => {
    const named: Record<string, string> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };
    if (e[0] !== "#") return named[e.toLowerCase()];
    return String.fromCodePoint(
      e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : +e.slice(1),
    );
  });
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  )
    .replace(/'/g, "&apos;");
}

const tags = (xml: string, tag: string): string[] =>
  [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1]);
const tag = (xml: string, t: string): string | undefined => tags(xml, t)[0];

/** An object key as a path: every byte but the unreserved ones and '/' percent-encoded. */
export function keyPath(key: string): string {
  return key.split("/").map((p) =>
    encodeURIComponent(p).replace(
      /[!'()*]/g,
      (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
    )
  ).join("/");
}

/** Retries of a 5xx or 429 answer (503 SlowDown): about 20 s in all, as S3 SDKs back off. */
const SLOW_DOWN_RETRIES = 8;
const RETRIED = new Set([429, 500, 502, 503, 504]);

const isTimeout = (e: unknown) => (e as Error)?.name === "TimeoutError";

export class S3Client {
  /** 503 answers retried so far (a migration's hold answers SlowDown). */
  slowDowns = 0;
  readonly endpoint: string;
  readonly region: string;
  readonly #aws: AwsClient;
  readonly #timeoutMs: number;
  readonly #retries: number;

  constructor(ep: S3Endpoint) {
    this.endpoint = ep.endpoint.replace(/\/+$/, "");
    this.region = ep.region;
    this.#timeoutMs = ep.timeoutMs;
    this.#retries = ep.retries ?? SLOW_DOWN_RETRIES;
    this.#aws = new AwsClient({
      accessKeyId: ep.accessKey,
      secretAccessKey: ep.secretKey,
      service: "s3",
      region: ep.region,
      retries: 0, // retried below, visibly, with Retry-After honoured
    });
  }

  /** One signed request; S3 error answers become UPSTREAM_UNHEALTHY with S3's code. */
  async request(
    method: string,
    path: string,
    init: {
      query?: Record<string, string>;
      body?: BodyInit;
      headers?: Record<string, string>;
      ok?: number[];
    } = {},
  ): Promise<Response> {
    const qs = init.query
      ? Object.entries(init.query).map(([k, v]) =>
        v === "" ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`
      ).join("&")
      : "";
    const url = `${this.endpoint}${path}${qs ? `?${qs}` : ""}`;
    // 5xx and 429 (503 SlowDown above all) are retried as S3 SDKs do, when the
    // body can be sent again.
    const again = !(init.body instanceof ReadableStream);
    let res: Response;
    for (let attempt = 0;; attempt++) {
      try {
        res = await this.#aws.fetch(url, {
          method,
          body: init.body,
          headers: init.headers,
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
      } catch (e) {
        // A keep-alive connection nginx closed as idle (on a reload, say) fails a
        // request it never read: a read is sent again once, as S3 SDKs do.
        if ((method === "GET" || method === "HEAD") && attempt === 0 && !isTimeout(e)) continue;
        throw new AgentError(
          "UPSTREAM_UNHEALTHY",
          `S3 ${method} ${path} on ${this.endpoint} failed: ${(e as Error).message}`,
          { endpoint: this.endpoint },
        );
      }
      if (!RETRIED.has(res.status) || !again || attempt >= this.#retries) break;
      await res.body?.cancel();
      if (res.status === 503) this.slowDowns++;
      const after = Number(res.headers.get("retry-after")) || 0;
      await new Promise((r) =>
        setTimeout(r, Math.min(Math.max(after * 1000, 100 << attempt), 5000))
      );
    }
    if (res.ok || init.ok?.includes(res.status)) return res;
    const text = await res.text().catch(() => "");
    const code = tag(text, "Code") ?? `HTTP ${res.status}`;
    throw new AgentError(
      "UPSTREAM_UNHEALTHY",
      `S3 ${method} ${path} on ${this.endpoint}: ${res.status} ${code}${
        tag(text, "Message") ? ` (${tag(text, "Message")})` : ""
      }`,
      { endpoint: this.endpoint, status: res.status, s3_code: code },
    );
  }

  async listBuckets(): Promise<string[]> {
    const xml = await (await this.request("GET", "/")).text();
    return tags(xml, "Bucket").map((b) => xmlUnescape(tag(b, "Name") ?? "")).filter(Boolean).sort();
  }

  async headBucket(bucket: string): Promise<boolean> {
    const r = await this.request("HEAD", `/${bucket}`, { ok: [404] });
    await r.body?.cancel();
    return r.status !== 404;
  }

  async createBucket(bucket: string): Promise<void> {
    await (await this.request("PUT", `/${bucket}`)).body?.cancel();
  }

  async listObjects(
    bucket: string,
    o: { prefix?: string; maxKeys?: number; token?: string } = {},
  ): Promise<ObjectPage> {
    const query: Record<string, string> = { "list-type": "2" };
    if (o.prefix) query.prefix = o.prefix;
    if (o.maxKeys) query["max-keys"] = String(o.maxKeys);
    if (o.token) query["continuation-token"] = o.token;
    const xml = await (await this.request("GET", `/${bucket}`, { query })).text();
    const objects = tags(xml, "Contents").map((c) => ({
      key: xmlUnescape(tag(c, "Key") ?? ""),
      size: Number(tag(c, "Size") ?? 0),
      etag: xmlUnescape(tag(c, "ETag") ?? "").replace(/"/g, ""),
      last_modified: tag(c, "LastModified") ?? "",
    }));
    const truncated = tag(xml, "IsTruncated") === "true";
    const next = tag(xml, "NextContinuationToken");
    return { objects, truncated, ...(next ? { next: xmlUnescape(next) } : {}) };
  }

  /** Every object of a bucket (pages of 1000), at most `limit`. */
  async listAll(bucket: string, limit = Infinity): Promise<S3Object[]> {
    const out: S3Object[] = [];
    let token: string | undefined;
    do {
      const page = await this.listObjects(bucket, { token, maxKeys: 1000 });
      out.push(...page.objects);
      token = page.truncated ? page.next : undefined;
    } while (token && out.length < limit);
    return out.slice(0, limit);
  }

  /** Does the bucket hold any object? (a listing of one key) */
  async hasObjects(bucket: string): Promise<boolean> {
    return (await this.listObjects(bucket, { maxKeys: 1 })).objects.length > 0;
  }

  async putObject(bucket: string, key: string, body: BodyInit): Promise<void> {
    await (await this.request("PUT", `/${bucket}/${keyPath(key)}`, { body })).body?.cancel();
  }

  async getObject(bucket: string, key: string): Promise<Response> {
    return await this.request("GET", `/${bucket}/${keyPath(key)}`);
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    await (await this.request("DELETE", `/${bucket}/${keyPath(key)}`)).body?.cancel();
  }

  /** DeleteObjects in batches of 1000 (the S3 limit); answers how many were deleted. */
  async deleteObjects(
    bucket: string,
    keys: string[],
  ): Promise<{ deleted: number; errors: string[] }> {
    let deleted = 0;
    const errors: string[] = [];
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const body = `<?xml version="1.0" encoding="UTF-8"?><Delete><Quiet>false</Quiet>${
        batch.map((k) => `<Object><Key>${xmlEscape(k)}</Key></Object>`).join("")
      }</Delete>`;
      const md5 = createHash("md5").update(body).digest("base64");
      const xml = await (await this.request("POST", `/${bucket}`, {
        query: { delete: "" },
        body,
        headers: { "content-md5": md5, "content-type": "application/xml" },
      })).text();
      deleted += tags(xml, "Deleted").length;
      for (const e of tags(xml, "Error")) {
        errors.push(`${xmlUnescape(tag(e, "Key") ?? "")}: ${tag(e, "Code")}`);
      }
    }
    return { deleted, errors };
  }
}
