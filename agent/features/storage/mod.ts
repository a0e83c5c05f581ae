// What other features (migrations, #11) use of storage: the S3 client, the pool
// client factory and the bucket records.
export { type ObjectPage, S3Client, type S3Endpoint, type S3Object } from "./s3-client.ts";
export { clientForPool, nanioPool, poolCredentials, probeMember } from "./pool-client.ts";
export {
  BUCKET_KIND,
  bucketKind,
  bucketName,
  bucketRecordName,
  type BucketSpec,
  type BucketStatus,
  isRouted,
} from "./bucket.ts";
export {
  bucketPut,
  type BucketRec,
  bucketSpec,
  getBucket,
  mustBucket,
  nanioSite,
  siteBuckets,
  writeBuckets,
} from "./records.ts";
export { BUCKET_MIGRATOR, MIGRATION_GUARD } from "./orphans.ts";
export { STORAGE_SETTINGS, type StorageRuntime, type StorageSettings } from "./settings.ts";
