// How a site whose default pool is nanio (S3) is rendered. SigV4 signs the Host
// header with its port and the exact URI, so: `Host $http_host` ($host drops the
// port: 403), proxy_pass without a URI part and no rewrite; bodies stream both
// ways (no size cap, no buffering); keepalive upstreams over HTTP/1.1. A routed
// bucket is two locations with one body: `location /B/` alone would answer the
// bucket-level calls (ListObjects, HeadBucket, POST ?delete) with a 301.
import { upstreamName } from "../pool/render.ts";

/** A location as the server template prints it (the shape of render.ts's LocationView). */
export interface S3Location {
  comment?: string;
  match: string;
  directives: string[];
}

/** A bucket route the storage feature puts on a site of the view (never stored on the site). */
export interface BucketRoute {
  bucket: string;
  pool: string;
  /** true: an http pool serving a nanio pool's data (plain proxy lines). */
  http?: boolean;
  /** Replaces the proxy body of both locations (a migration's split routing). */
  body?: string[];
  /** Server-level locations the body needs (named and internal ones). */
  extra?: S3Location[];
}

export interface SiteStorage {
  /** The default pool is a nanio pool. */
  nanio: boolean;
  buckets: BucketRoute[];
}

export const S3_SERVER_LINES = [
  "client_max_body_size 0;",
  "proxy_request_buffering off;",
  "proxy_buffering off;",
];

/** `upstream`: the name nginx knows a pool by (nanio pools are never shared: their own). */
export function s3ProxyLines(
  pool: string,
  upstream: (pool: string) => string = upstreamName,
): string[] {
  return [
    `proxy_pass http://${upstream(pool)};`,
    "proxy_http_version 1.1;",
    'proxy_set_header Connection "";',
    "proxy_set_header Host $http_host;",
    "proxy_set_header X-Real-IP $remote_addr;",
    "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "proxy_set_header X-Forwarded-Proto $scheme;",
  ];
}

/** `location = /B` and `location ^~ /B/`, the same body. */
export function bucketLocations(b: BucketRoute, body: string[]): S3Location[] {
  return [
    { comment: `bucket ${b.bucket} -> pool ${b.pool}`, match: `= /${b.bucket}`, directives: body },
    { match: `^~ /${b.bucket}/`, directives: body },
  ];
}
