#pragma once
// Private to service/: /v1/jobs — bulk printing over HTTP — and what the clerk's page
// (/print) uses of it: the same submission and the same download, behind its own sign-in.
#include <Poco/JSON/Object.h>

#include <functional>
#include <string>

namespace examdocs::service {

class Service;
class Exchange;
struct FormPart;
struct Response;

void add_job_routes(Service& service);

// What a page adds to the jobs form (parts records, photos, defaults and the options):
// fields of its own, offered each part the jobs form does not know (true: taken; false:
// refused as POST /v1/jobs refuses it), and the defaults those fields make, asked for once
// every part is read (null: none); they go over a `defaults` part's values.
struct JobFormExtension {
    std::function<bool(FormPart&)> take_part;
    std::function<Poco::JSON::Object::Ptr()> defaults;
};

// Queues a job from the request as POST /v1/jobs does, submitted by `who` (a key's name);
// with `page`, the body is that page's multipart form. Returns the job's id. Throws
// ProblemError as the route answers (422 naming the part or field, 413, 429 queue full).
std::string submit_job(Service& service, Exchange& ex, const std::string& who,
                       const JobFormExtension* page);

// A done job's result as GET /v1/jobs/{id}/result answers it (Range, Content-Disposition);
// 404 for no such job, 409 while it is not done.
Response job_result(Service& service, Exchange& ex, const std::string& id);

}  // namespace examdocs::service
