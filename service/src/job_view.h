#pragma once
// Private to service/: a bulk job as the API shows it (GET /v1/jobs/{id}, the answers of
// POST and DELETE, and the body of its callback), and the callback's sender.
#include <Poco/JSON/Object.h>

#include <string>

#include "examdocs/jobs/job_queue.h"
#include "examdocs/jobs/job_store.h"

namespace examdocs::service {

Poco::JSON::Object job_view(jobs::JobStore& store, const jobs::JobRow& job,
                            const std::string& base_url, bool with_failures);

// POSTs the job's view to its callback URL, signed with HMAC-SHA256 under `secret`
// (X-Examdocs-Signature), naming the job in X-Examdocs-Job so that a receiver tells
// repeats; throws when the URL cannot be reached or answers other than 2xx.
jobs::CallbackSender signed_callback_sender(jobs::JobStore& store, std::string secret,
                                            std::string base_url);

}  // namespace examdocs::service
