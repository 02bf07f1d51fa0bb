#include "examdocs/certificates/issuance.h"

#include <Poco/DigestEngine.h>
#include <Poco/JSON/Object.h>
#include <Poco/SHA2Engine.h>

#include <sstream>

#include "examdocs/certificates/certificate_request.h"

namespace examdocs::certificates {

RecordKey key_by_content() {
    return [](const bulk::Record& record) {
        std::ostringstream text;
        record.data.extract<Poco::JSON::Object::Ptr>()->stringify(text);
        Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
        sha.update(text.str());
        return "bulk:" + Poco::DigestEngine::digestToHex(sha.digest());
    };
}

RecordKey key_by_job_record(std::string job_id) {
    return [id = std::move(job_id)](const bulk::Record& record) {
        return "job:" + id + ":" + std::to_string(record.number);
    };
}

std::function<Poco::Dynamic::Var(const bulk::Record&, std::vector<FieldError>&)>
issue_before_printing(Issuance issuance) {
    return [issuance = std::move(issuance)](const bulk::Record& record,
                                            std::vector<FieldError>& errors) -> Poco::Dynamic::Var {
        const auto body = record.data.extract<Poco::JSON::Object::Ptr>();
        const std::string scheme =
            scheme_of_certificate_layout(issuance.layout).value_or(std::string("skill"));
        registry::Certificate draft =
            certificate_draft(body, *issuance.photo_profile, errors, scheme);
        // Checked before issuing: a record of another kind would be issued and then printed
        // on a form that is not its own.
        if (errors.empty() && certificate_layout_name(draft) != issuance.layout) {
            errors.push_back({"/levelScheme", "other-layout",
                              "该记录的证书种类（" + draft.level_scheme + "）与本批次的版式（" +
                                  issuance.layout + "）不符 / This record is a " +
                                  draft.level_scheme + " certificate, printed with " +
                                  certificate_layout_name(draft) + "; this batch prints " +
                                  issuance.layout + "."});
        }
        if (!errors.empty()) return {};
        auto issued = issuance.registry->issue(draft, issuance.key(record), issuance.actor);
        if (issued.outcome == registry::IssueOutcome::number_taken) {
            errors.push_back(
                {"/number", "taken", "证书编号已被使用 / This number is already issued."});
            return {};
        }
        if (issued.outcome == registry::IssueOutcome::other_issuer) {
            errors.push_back(other_issuer_error(issuance.registry->issuer().name));
            return {};
        }
        if (issued.outcome == registry::IssueOutcome::conflict) {
            errors.push_back(
                {"", "idempotency-conflict",
                 "该记录已以其他内容发证 / This record was issued before with other data."});
            return {};
        }
        return certificate_document_data(issued.certificate, issuance.public_base_url,
                                         issuance.registry->issuer());
    };
}

}  // namespace examdocs::certificates
