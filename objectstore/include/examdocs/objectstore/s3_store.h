#pragma once
// The job store on S3-compatible object storage (AWS S3, MinIO, Ceph's RADOS Gateway, …):
// `jobs.store=s3://bucket/prefix`. Each payload is an object at prefix/key, written with
// one PUT (atomic on S3: a reader sees the old object or the new, never half) or, past
// 64 MiB, a multipart upload completed at commit; read with GET and Range; removed by
// listing and deleting. Requests are signed with AWS Signature Version 4 over Poco's HTTP
// client (path-style addressing: endpoint/bucket/key).
//
// Object storage has no files, so a writer's bytes wait in a temporary file of this
// machine until commit, and local_file() — the HTTP server's way to answer Range requests
// for a result — downloads the object once into a cache directory of this instance (the
// result of a job does not change once written). The cache is removed with the job.
//
// Errors: a request S3 answers with an error, or a connection that fails, throws
// std::runtime_error naming the key and S3's error code; a missing object is nullopt
// (size, local_file) or std::runtime_error (read). Thread-safe: every call makes its own
// connection.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "examdocs/jobs/payload_store.h"

namespace examdocs::objectstore {

struct S3Location {
    std::string endpoint;  // "http://127.0.0.1:9000" or "https://s3.eu-central-1.amazonaws.com"
    std::string region = "us-east-1";
    std::string bucket;
    std::string prefix;  // key segments before every payload's key; may be empty
    std::string access_key_id;
    std::string secret_access_key;
    std::string cache_dir;  // this instance's: temporary uploads and downloaded results
};

// "s3://bucket" or "s3://bucket/some/prefix" into bucket and prefix; throws
// std::invalid_argument naming the rule it breaks (a bucket of 3–63 of [a-z0-9.-], prefix
// segments of [a-z0-9._-]).
void parse_s3_url(std::string_view url, S3Location& into);

// Opens the store and checks it at once (an object written, read back and removed):
// throws std::runtime_error when the endpoint, the credentials or the bucket do not work,
// std::invalid_argument for a location that cannot be one.
std::unique_ptr<jobs::PayloadStore> open_s3_store(const S3Location& location);

// AWS Signature Version 4, exposed for its test: the Authorization header of a request.
// `canonical_query` is already sorted and encoded; `headers` are the signed ones, lower
// case names, sorted, with their values trimmed; `amz_date` is YYYYMMDD'T'HHMMSS'Z'.
struct SignedRequest {
    std::string method, canonical_uri, canonical_query;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string payload_sha256;  // hex
    std::string amz_date;
};
std::string sigv4_authorization(const SignedRequest& request, std::string_view region,
                                std::string_view service, std::string_view access_key_id,
                                std::string_view secret_access_key);

}  // namespace examdocs::objectstore
