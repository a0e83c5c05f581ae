// The signer the agent's S3 client uses (aws4fetch) against the five published
// AWS SigV4 vectors (the SigV4 test suite and the S3 API reference examples).
import assert from "node:assert/strict";
import { AwsV4Signer } from "aws4fetch";

const S3_KEYS = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  service: "s3",
  region: "us-east-1",
  datetime: "20130524T000000Z",
};
const EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

Deno.test("SigV4 test suite get-vanilla", async () => {
  const s = new AwsV4Signer({
    method: "GET",
    url: "https://example.amazonaws.com/",
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    service: "service",
    region: "us-east-1",
    datetime: "20150830T123600Z",
  });
  assert.equal(
    await s.signature(),
    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
  );
});

Deno.test("S3 GET Object with Range (range is signed only with allHeaders)", async () => {
  const s = new AwsV4Signer({
    ...S3_KEYS,
    method: "GET",
    url: "https://examplebucket.s3.amazonaws.com/test.txt",
    headers: { range: "bytes=0-9", "x-amz-content-sha256": EMPTY_SHA },
    allHeaders: true,
  });
  assert.equal(
    await s.signature(),
    "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
  );
});

Deno.test("S3 PUT Object /test$file.text with storage class and Date", async () => {
  const s = new AwsV4Signer({
    ...S3_KEYS,
    method: "PUT",
    url: "https://examplebucket.s3.amazonaws.com/test$file.text",
    headers: {
      date: "Fri, 24 May 2013 00:00:00 GMT",
      "x-amz-storage-class": "REDUCED_REDUNDANCY",
      "x-amz-content-sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
    },
    allHeaders: true,
  });
  assert.equal(
    await s.signature(),
    "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
  );
});

Deno.test("S3 GET Bucket ?max-keys=2&prefix=J", async () => {
  const s = new AwsV4Signer({
    ...S3_KEYS,
    method: "GET",
    url: "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J",
    headers: { "x-amz-content-sha256": EMPTY_SHA },
  });
  assert.equal(
    await s.signature(),
    "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
  );
});

Deno.test("S3 presigned GET /test.txt, X-Amz-Expires=86400", async () => {
  const s = new AwsV4Signer({
    ...S3_KEYS,
    method: "GET",
    url: "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Expires=86400",
    signQuery: true,
  });
  assert.equal(
    await s.signature(),
    "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
  );
});
