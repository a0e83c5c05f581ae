// POSTs to etcd's v3 JSON gateway over a list of endpoints, with failover.
// A request that surely never reached a member (the connection was refused) is
// sent to the next endpoint; one that may have reached it (a reset, a timeout)
// is sent again only when it is safe to repeat (reads, keepalives, campaigns):
// repeating a transaction whose answer was lost could apply it twice, so the
// caller gets SHARED_STORE_UNAVAILABLE with `ambiguous: true` instead.
import { AgentError } from "../errors.ts";
import { GRPC, isAuthRetry, refusal, unavailable, type WireError } from "./etcd-wire.ts";

export interface EtcdOptions {
  /** Client URLs, e.g. ["http://10.0.0.1:2379", ...]; tried in order, the last good one first. */
  endpoints: string[];
  /** Per attempt (one endpoint), in ms; default 5000. */
  timeoutMs?: number;
  /** etcd's own users (`etcdctl user add`); a token per member is fetched and renewed. */
  auth?: { user: string; password: string };
  /** PEM of the CA that signed the members' certificates (for https:// endpoints). */
  caCert?: string;
  /** PEM client certificate and key, for members started with --client-cert-auth. */
  clientCert?: string;
  clientKey?: string;
}

export interface CallOptions {
  /** "always": repeat on any endpoint after any transport failure; "unsent": only when refused. */
  retry?: "always" | "unsent";
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A failure of the transport (as opposed to an answer from etcd). */
class Failure extends Error {
  constructor(readonly why: string, readonly unsent: boolean) {
    super(why);
  }
}

function causeText(e: unknown): string {
  const parts: string[] = [];
  for (let c = e, i = 0; c && i < 4; i++) {
    parts.push(c instanceof Error ? c.message : String(c));
    c = c instanceof Error ? c.cause : undefined;
  }
  return parts.join(": ");
}

function failureOf(e: unknown, timeoutMs: number): Failure {
  if (e instanceof DOMException && e.name === "TimeoutError") {
    return new Failure(`no answer within ${timeoutMs} ms`, false);
  }
  const text = causeText(e);
  // Deno names the stage that failed: "(Connect)" is before a byte was sent.
  const unsent = /\(Connect\)|tcp connect error|dns error|Connection refused/i.test(text);
  return new Failure(text.replace(/^fetch failed: /, ""), unsent);
}

export interface EtcdStream {
  endpoint: string;
  /** The JSON messages of the response, one per line, until the server or the signal ends it. */
  messages: AsyncGenerator<unknown, void, undefined>;
}

export class EtcdTransport {
  readonly endpoints: string[];
  readonly timeoutMs: number;
  #current = 0;
  #client?: Deno.HttpClient;
  #tokens = new Map<string, string>();
  #auth?: { user: string; password: string };

  constructor(o: EtcdOptions) {
    if (!o.endpoints.length) throw new AgentError("VALIDATION_FAILED", "etcd: no endpoints");
    this.endpoints = o.endpoints.map((e) => e.replace(/\/+$/, ""));
    this.timeoutMs = o.timeoutMs ?? 5000;
    this.#auth = o.auth;
    if (o.caCert || o.clientCert) {
      this.#client = Deno.createHttpClient({
        ...(o.caCert ? { caCerts: [o.caCert] } : {}),
        ...(o.clientCert && o.clientKey ? { cert: o.clientCert, key: o.clientKey } : {}),
      });
    }
  }

  /** The endpoint requests go to first (the last one that answered). */
  get current(): string {
    return this.endpoints[this.#current];
  }

  close(): void {
    this.#client?.close();
  }

  /**
   * One unary call; the answer's JSON. A member without a leader answers "no
   * leader" at once (we ask for one, like clientv3's WithRequireLeader) and
   * applied nothing, so while the cluster elects, the call tries the members
   * again until its timeout instead of failing or leaving the write unknown.
   */
  async call<T>(path: string, body: unknown, o: CallOptions = {}): Promise<T> {
    const tried: string[] = [];
    const n = this.endpoints.length;
    const deadline = Date.now() + (o.timeoutMs ?? this.timeoutMs);
    while (true) {
      let electing = false, onlyUnsent = true;
      for (let i = 0; i < n; i++) {
        const idx = (this.#current + i) % n;
        const ep = this.endpoints[idx];
        try {
          const out = await this.#post<T>(ep, path, body, o);
          this.#current = idx;
          return out;
        } catch (e) {
          if (o.signal?.aborted) throw o.signal.reason;
          if (e instanceof AgentError && e.code === "SHARED_STORE_UNAVAILABLE") {
            tried.push(`${ep}: ${e.message}`);
            if (/etcdserver: no leader/.test(e.message)) {
              electing = true;
              continue;
            }
            // etcd answered "unavailable" otherwise (leader changed, timed out inside).
            onlyUnsent = false;
            if (o.retry !== "always") throw e;
            continue;
          }
          if (!(e instanceof Failure)) throw e;
          tried.push(`${ep}: ${e.why}`);
          if (e.unsent) continue;
          onlyUnsent = false;
          if (o.retry !== "always") {
            throw unavailable(
              `etcd at ${ep}: ${path} got no answer (${e.why}); it may or may not have been applied`,
              { endpoint: ep, path, ambiguous: true },
            );
          }
        }
      }
      if (!electing || !onlyUnsent || Date.now() + 100 >= deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw unavailable(`no etcd endpoint answered ${path}: ${tried.slice(-n).join("; ")}`, {
      endpoints: this.endpoints,
      path,
    });
  }

  async #post<T>(
    ep: string,
    path: string,
    body: unknown,
    o: CallOptions,
    again = true,
  ): Promise<T> {
    const timeoutMs = o.timeoutMs ?? this.timeoutMs;
    const signals = [AbortSignal.timeout(timeoutMs), ...(o.signal ? [o.signal] : [])];
    const headers = await this.#headers(ep, timeoutMs);
    let status: number, text: string;
    try {
      const res = await fetch(`${ep}${path}`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.any(signals),
        ...(this.#client ? { client: this.#client } : {}),
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      throw failureOf(e, timeoutMs);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AgentError("INTERNAL", `etcd at ${ep}: ${path} answered ${status}: ${text}`, {
        endpoint: ep,
        path,
      });
    }
    if (status >= 200 && status < 300) return json as T;
    const w = json as WireError;
    if (again && this.#auth && isAuthRetry(w)) {
      this.#tokens.delete(ep);
      return await this.#post<T>(ep, path, body, o, false);
    }
    throw refusal(ep, path, w);
  }

  async #headers(ep: string, timeoutMs: number): Promise<Record<string, string>> {
    const h: Record<string, string> = {
      "content-type": "application/json",
      // Refuse at once on a member that lost its leader; a stream is cancelled then.
      "grpc-metadata-hasleader": "true",
    };
    const token = await this.#token(ep, timeoutMs);
    if (token) h.authorization = token;
    return h;
  }

  /** etcd's simple tokens live in one member's memory: one per endpoint. */
  async #token(ep: string, timeoutMs: number): Promise<string | undefined> {
    if (!this.#auth) return undefined;
    const have = this.#tokens.get(ep);
    if (have) return have;
    let res: Response;
    try {
      res = await fetch(`${ep}/v3/auth/authenticate`, {
        method: "POST",
        body: JSON.stringify({ name: this.#auth.user, password: this.#auth.password }),
        signal: AbortSignal.timeout(timeoutMs),
        ...(this.#client ? { client: this.#client } : {}),
      });
    } catch (e) {
      throw failureOf(e, timeoutMs);
    }
    const text = await res.text().catch((e) => String(e));
    let json: WireError & { token?: string } = {};
    try {
      json = JSON.parse(text);
    } catch {
      json = { message: text };
    }
    if (!res.ok || !json.token) {
      // Busy (no leader, leader changed): this member cannot tell; the next one may.
      const code = json.code ?? json.grpc_code;
      if (code === GRPC.UNAVAILABLE || code === GRPC.DEADLINE_EXCEEDED) {
        throw new Failure(`authenticate: ${json.message}`, true);
      }
      throw unavailable(
        `etcd at ${ep} refused the credentials of user "${this.#auth.user}": ${
          json.message ?? res.status
        }`,
        { endpoint: ep, user: this.#auth.user },
      );
    }
    this.#tokens.set(ep, json.token);
    return json.token;
  }

  /** Sends the next requests to another member first (`ep`'s stream broke). */
  skip(ep: string): void {
    if (this.current === ep) this.#current = (this.#current + 1) % this.endpoints.length;
  }

  /** Forgets a member's token (a stream was refused with it). */
  forgetToken(ep: string): void {
    this.#tokens.delete(ep);
  }

  /**
   * Opens a streaming call (watch, observe) on the first endpoint that takes it.
   * `firstWithinMs` bounds the wait for the first message (a watch's "created").
   */
  async stream(
    path: string,
    body: unknown,
    signal: AbortSignal,
    firstWithinMs?: number,
  ): Promise<EtcdStream> {
    const tried: string[] = [];
    const n = this.endpoints.length;
    for (let i = 0; i < n; i++) {
      const idx = (this.#current + i) % n;
      const ep = this.endpoints[idx];
      try {
        const s = await this.#open(ep, path, body, signal, firstWithinMs);
        this.#current = idx;
        return s;
      } catch (e) {
        if (signal.aborted) throw signal.reason;
        if (e instanceof AgentError && e.code !== "SHARED_STORE_UNAVAILABLE") throw e;
        tried.push(`${ep}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    throw unavailable(`no etcd endpoint opened ${path}: ${tried.join("; ")}`, {
      endpoints: this.endpoints,
      path,
    });
  }

  async #open(
    ep: string,
    path: string,
    body: unknown,
    signal: AbortSignal,
    firstWithinMs?: number,
  ): Promise<EtcdStream> {
    // Ending a stream cancels its body reader too: an aborted fetch was seen to
    // leave a pending read of a body already streaming unsettled.
    const ctl = new AbortController();
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let timedOut = false;
    const end = (why?: unknown) => {
      ctl.abort(why);
      reader?.cancel().catch(() => {});
    };
    const onAbort = () => end(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    const timer = firstWithinMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      end(new DOMException("first message", "TimeoutError"));
    }, firstWithinMs);
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    let res: Response;
    try {
      // The stream is cancelled if this member loses its leader (it would go silent).
      const headers = await this.#headers(ep, firstWithinMs ?? this.timeoutMs);
      res = await fetch(`${ep}${path}`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: ctl.signal,
        ...(this.#client ? { client: this.#client } : {}),
      });
    } catch (e) {
      done();
      if (e instanceof AgentError) throw e;
      throw unavailable(`etcd at ${ep}: ${failureOf(e, firstWithinMs ?? 0).why}`);
    }
    if (!res.ok) {
      done();
      // A streaming call's refusal is wrapped: {"error": {grpc_code, message, ...}}.
      const j = await res.json().catch(() => ({})) as { error?: unknown };
      const w = (typeof j.error === "object" && j.error ? j.error : j) as WireError;
      if (isAuthRetry(w)) this.forgetToken(ep);
      throw refusal(ep, path, w);
    }
    const r = reader = res.body!.getReader();
    const broke = (why: string) =>
      unavailable(`etcd at ${ep}: ${path} stream broke (${why})`, { endpoint: ep });
    async function* messages(): AsyncGenerator<unknown, void, undefined> {
      const dec = new TextDecoder();
      let buf = "";
      try {
        while (true) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await r.read();
          } catch (e) {
            if (signal.aborted) return;
            throw broke(timedOut ? `nothing within ${firstWithinMs} ms` : causeText(e));
          }
          if (signal.aborted) return;
          if (timedOut) throw broke(`nothing within ${firstWithinMs} ms`);
          if (chunk.done) {
            if (buf.trim()) yield JSON.parse(buf);
            return;
          }
          buf += dec.decode(chunk.value, { stream: true });
          let nl: number;
          while ((nl = buf.indexOf("\n")) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            clearTimeout(timer);
            yield JSON.parse(line);
          }
        }
      } finally {
        done();
        end();
      }
    }
    return { endpoint: ep, messages: messages() };
  }
}
