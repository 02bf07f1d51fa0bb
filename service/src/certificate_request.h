#pragma once
// Private to service/: a POST /v1/certificates body (untrusted JSON, already parsed) as a
// certificate draft, every field problem at once in `errors`. Has a fuzz target.
#include <Poco/JSON/Object.h>

#include <vector>

#include "examdocs/core/problem.h"
#include "examdocs/registry/certificate.h"

namespace examdocs::service {

registry::Certificate certificate_from_request(const Poco::JSON::Object::Ptr& body,
                                               std::vector<FieldError>& errors);

}  // namespace examdocs::service
