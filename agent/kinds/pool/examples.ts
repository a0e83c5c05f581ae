// Valid pools for the kind contract suite: every balancing method and member option.
import { parsePool, type Pool } from "./schema.ts";

export function poolExamples(): Pool[] {
  return [
    parsePool("empty", {}),
    parsePool("web", { members: [{ address: "127.0.0.1:8001" }, { address: "127.0.0.1:8002" }] }),
    parsePool("opts", {
      description: "member options",
      keepalive: 0,
      members: [
        { address: "10.0.0.1:80", weight: 5, max_fails: 3, fail_timeout: "30s" },
        { address: "10.0.0.2:80", backup: true },
        { address: "backend.internal:8080", down: true },
      ],
    }),
    parsePool("lc", { lb_method: "least_conn", members: [{ address: "[::1]:9000" }] }),
    parsePool("iph", { lb_method: "ip_hash", members: [{ address: "127.0.0.1:9001" }] }),
    parsePool("h", {
      lb_method: "hash",
      hash_key: "$request_uri",
      hash_consistent: true,
      members: [{ address: "127.0.0.1:9002" }, { address: "unix:/run/app.sock" }],
    }),
    parsePool("s3", {
      type: "nanio",
      region: "eu-west-1",
      members: [{ address: "10.0.0.5:9000" }],
    }),
    parsePool("s3files", { source_nanio_pool: "s3", members: [{ address: "10.0.0.7:8080" }] }),
  ];
}
