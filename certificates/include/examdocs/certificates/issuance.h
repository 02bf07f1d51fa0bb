#pragma once
// Issue-then-print: in bulk printing of certificates (`examdocs bulk --issue`, a job with
// "issue": true; skill, 软考 and 职称 certificates alike) each record is a certificate request,
// issued through the registry first and printed from the registry row, with its signed QR. The
// record's idempotency key makes this happen once: a rerun of the same record, or a job resumed
// after a crash, gets the certificate issued the first time, never a second one.
#include <functional>
#include <string>
#include <vector>

#include <Poco/Dynamic/Var.h>

#include "examdocs/bulk/records.h"
#include "examdocs/core/problem.h"
#include "examdocs/photos/photo_profile.h"
#include "examdocs/registry/certificate_registry.h"

namespace examdocs::certificates {

// The idempotency key a record is issued under.
using RecordKey = std::function<std::string(const bulk::Record&)>;

// "bulk:" and the SHA-256 of the record's JSON: running the same file again returns the
// certificates issued the first time (the CLI, which has no job to name).
RecordKey key_by_content();
// "job:<job id>:<record number>": a job that runs again issues nothing new.
RecordKey key_by_job_record(std::string job_id);

struct Issuance {
    registry::CertificateRegistry* registry = nullptr;
    // The holder's photo is normalised to this profile before it is stored.
    const photos::PhotoProfile* photo_profile = nullptr;
    std::string public_base_url;  // the base of the verification URL in the QR
    std::string actor;            // who issues, for the audit log
    RecordKey key;
    // The layout the job prints with: "certificate", "ruankao-certificate" or
    // "zhicheng-certificate" (scheme_of_certificate_layout). Its scheme is a record's when
    // the record names none; a record of another scheme is refused (it would print on the
    // wrong form).
    std::string layout = "certificate";
};

// A bulk::PrintOptions::prepare that issues each record and returns the certificate
// layout's data for the issued row; a record that cannot be issued (its fields, its photo,
// a number already taken, a key issued before with other data) gets field errors and is
// refused alone. Thread-safe as the registry is. The registry and the profile must
// outlive the function.
std::function<Poco::Dynamic::Var(const bulk::Record&, std::vector<FieldError>&)>
issue_before_printing(Issuance issuance);

}  // namespace examdocs::certificates
