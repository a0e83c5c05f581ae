// The storage feature's settings rows: fallback S3 credentials for nanio pools
// that carry none, the bucket sync interval and the S3 client's timeout.
import { defineSettings, int, type SettingsOf, str } from "../../settings/define.ts";
import type { Runtime } from "../../runtime.ts";
import type { CoreSettings } from "../../settings/core.ts";

export const STORAGE_SETTINGS = defineSettings({
  s3_access_key: str({
    group: "Storage",
    prod: "",
    secret: true,
    description:
      "S3 access key the agent signs with for nanio pools without credentials of their own; empty: none",
  }),
  s3_secret_key: str({
    group: "Storage",
    prod: "",
    secret: true,
    description: "S3 secret key that goes with s3_access_key",
  }),
  bucket_sync_interval: int({
    group: "Storage",
    min: 0,
    max: 604800,
    prod: 300,
    description:
      "Seconds between bucket syncs (ListBuckets on the default pool of every nanio site; 0: only on request)",
  }),
  s3_request_timeout: int({
    group: "Storage",
    min: 1,
    max: 86400,
    prod: 3600,
    description:
      "Seconds one S3 request of the agent may take (listings and DeleteObjects of large buckets)",
  }),
});

export type StorageSettings = SettingsOf<typeof STORAGE_SETTINGS>;
export type StorageConfig = CoreSettings & StorageSettings;
export type StorageRuntime = Runtime<StorageConfig>;
