#pragma once
// A certificate request body (untrusted JSON, already
// parsed) as a draft, every field problem at once in `errors`; and a registry row as the
// data of the certificate layout. Used by POST /v1/certificates, GET …/pdf and bulk jobs
// that issue. certificate_from_request has a fuzz target.
#include <Poco/JSON/Object.h>

#include <Poco/URI.h>

#include <optional>
#include <string>
#include <vector>

#include "examdocs/core/problem.h"
#include "examdocs/photos/photo_check.h"
#include "examdocs/photos/photo_profile.h"
#include "examdocs/registry/certificate.h"
#include "examdocs/registry/certificate_registry.h"

namespace examdocs::certificates {

// The fields only (no photo). A body without "levelScheme" is of `default_scheme` (a bulk
// job printing 职称 certificates need not say so on every record).
registry::Certificate certificate_from_request(const Poco::JSON::Object::Ptr& body,
                                               std::vector<FieldError>& errors,
                                               const std::string& default_scheme = "skill");
// The fields and the photo, normalised to `profile` (a photo that cannot be fixed is an
// error at /holder/photo).
registry::Certificate certificate_draft(const Poco::JSON::Object::Ptr& body,
                                        const photos::PhotoProfile& profile,
                                        std::vector<FieldError>& errors,
                                        const std::string& default_scheme = "skill");
// What the certificate's QR holds (see docs/certificates.md).
// Whether `link` is under one of our verification pages: the scheme, host (any case) and
// port of `public_base_url` or one of `other_base_urls`, and a path below its /verify/.
// A genuine code copied under a look-alike host must not lend that site our word.
bool is_verification_link(const Poco::URI& link, const std::string& public_base_url,
                          const std::vector<std::string>& other_base_urls);

// The field error of a request that names an issuer other than `issuer_name` (the
// registry's IssueOutcome::other_issuer).
FieldError other_issuer_error(const std::string& issuer_name);

std::string certificate_verification_url(const std::string& public_base_url,
                                         const registry::Certificate& c);
// The layout a registry row prints with: "zhicheng-certificate" for a 职称 certificate,
// "ruankao-certificate" for a 软考 one, "certificate" for the others.
std::string certificate_layout_name(const registry::Certificate& c);
// The level scheme of the certificates a layout prints ("certificate": skill), or nothing
// for a layout that prints no registry row (bulk issuance is refused there).
std::optional<std::string> scheme_of_certificate_layout(const std::string& layout_name);
// That layout's data for a registry row: the issuer's English name and lookup addresses
// from `issuer` (the registry's configured issuer).
Poco::JSON::Object::Ptr certificate_document_data(const registry::Certificate& c,
                                                  const std::string& public_base_url,
                                                  const registry::IssuerIdentity& issuer);

}  // namespace examdocs::certificates
