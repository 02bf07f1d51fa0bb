#include "examdocs/certificates/certificate_request.h"

#include <Poco/String.h>

#include "examdocs/core/base64.h"
#include "examdocs/core/field_rules.h"
#include "examdocs/core/id_number.h"
#include "examdocs/renderers/level_schemes.h"

namespace examdocs::certificates {

namespace {

using Poco::JSON::Object;

// The string at `key`, or "" when `o` is null, lacks it, or holds something else there.
std::string text_at(const Object::Ptr& o, const std::string& key) {
    return o && o->has(key) && o->get(key).isString() ? o->getValue<std::string>(key)
                                                      : std::string();
}

}  // namespace

registry::Certificate certificate_from_request(const Poco::JSON::Object::Ptr& body,
                                               std::vector<FieldError>& errors,
                                               const std::string& default_scheme) {
    registry::Certificate c;
    auto holder = body->getObject("holder");
    auto occupation = body->getObject("occupation");
    auto issuer = body->getObject("issuer");
    c.number = text_at(body, "number");
    c.holder_name = text_at(holder, "name");
    c.id_number = text_at(holder, "idNumber");
    c.occupation_code = text_at(occupation, "code");
    c.occupation_name = text_at(occupation, "name");
    c.job = text_at(occupation, "job");
    c.issuer = text_at(issuer, "name");
    c.issue_date = text_at(body, "issueDate");
    c.expiry_date = text_at(body, "expiryDate");
    c.occupation_name_en = text_at(occupation, "nameEn");
    // The level, by its scheme (layouts/vocabulary/levels.json): skill levels 1–5 as numbers
    // (or their digit as text) and 专项能力; 软考 and 职称 levels as words.
    const std::string scheme_name =
        body->has("levelScheme") ? text_at(body, "levelScheme") : default_scheme;
    const renderers::LevelScheme* scheme = nullptr;
    if (scheme_name == "skill" || scheme_name == "ruankao" || scheme_name == "zhicheng") {
        scheme = renderers::LevelSchemes::bundled().find(scheme_name);
        c.level_scheme = scheme_name;
    } else {
        errors.push_back(
            {"/levelScheme", "not-issued",
             "只颁发职业技能等级证书（skill）、软考证书（ruankao）和职称证书（zhicheng） "
             "/ Certificates are issued for the schemes skill, ruankao and zhicheng "
             "only."});
    }
    std::string level_text;
    if (body->has("level")) {
        const auto& v = body->get("level");
        if (v.isString()) {
            level_text = v.extract<std::string>();
        } else if (v.isInteger()) {
            // Any JSON integer, however large (found by fuzzing: 411111111111111 threw).
            try {
                level_text = std::to_string(v.convert<Poco::Int64>());
            } catch (const Poco::Exception&) {
            }
        }
    }
    const renderers::Level* level = scheme ? scheme->find(level_text) : nullptr;
    if (scheme) {
        if (level) {
            c.level = level->digit;
            c.level_name = level->code;
        } else {
            errors.push_back({"/level", "not-a-level",
                              "等级应为" + scheme->zh + "之一：" + scheme->codes_text() +
                                  " / The level is one of " + scheme->codes_text() + "."});
        }
    }
    if (c.level_scheme == "zhicheng") {
        // A 职称 certificate names a 资格 (工程师) in a 专业, the 评审委员会 that passed it and
        // the 批准文号 that approved it; the registry keeps the 资格 and 专业 where a skill
        // certificate keeps its occupation and job (docs/certificates.md).
        auto title = body->getObject("title");
        auto approval = body->getObject("approval");
        c.occupation_name = text_at(title, "name");
        c.job = text_at(title, "specialty");
        c.committee = text_at(body, "committee");
        c.approval_number = text_at(approval, "number");
        c.approval_date = text_at(approval, "date");
    }
    if (c.level_scheme == "ruankao") {
        // A 软考 certificate names the 资格 its holder passed (系统集成项目管理工程师), one of
        // its level's; the registry keeps it where a skill certificate keeps its occupation,
        // with the English words of the vocabulary, and the 管理号 and 批准日期 where a 职称
        // certificate keeps its 批准文号 and date (docs/certificates.md).
        c.occupation_code.clear();
        c.job.clear();
        c.occupation_name = text_at(body, "qualification");
        c.occupation_name_en.clear();
        c.approval_number = text_at(body, "managementNumber");
        c.approval_date = text_at(body, "approvalDate");
        if (level && !c.occupation_name.empty()) {
            const renderers::Qualification* found = nullptr;
            std::string known;
            for (const auto& q : level->qualifications) {
                if (q.zh == c.occupation_name) found = &q;
                known += (known.empty() ? "" : "、") + q.zh;
            }
            if (found) {
                c.occupation_name_en = found->en;
            } else {
                errors.push_back({"/qualification", "not-a-qualification",
                                  "“" + c.occupation_name + "”不是" + level->zh + "资格，应为" +
                                      known + "之一 / Not a qualification of level " + level->code +
                                      " (" + level->en + "): one of " + known + "."});
            }
        }
    }
    auto require = [&](const std::string& pointer, const std::string& value, const char* label) {
        if (value.empty())
            errors.push_back({pointer, "required", std::string(label) + "必须填写 / Required."});
    };
    require("/holder/name", c.holder_name, "姓名");
    require("/holder/idNumber", c.id_number, "证件号码");
    if (c.level_scheme == "zhicheng") {
        require("/title/name", c.occupation_name, "资格名称");
        require("/title/specialty", c.job, "专业");
        require("/committee", c.committee, "评审委员会");
        require("/approval/number", c.approval_number, "批准文号");
    } else if (c.level_scheme == "ruankao") {
        require("/qualification", c.occupation_name, "资格名称");
    } else {
        require("/occupation/name", c.occupation_name, "职业");
    }
    // The issuer is the service's (issuer.name): the registry fills it in when it is left
    // out and refuses another one.
    require("/issueDate", c.issue_date, "发证日期");
    // A resident ID (the default) and a residence permit are checked whatever the request
    // says of its type; only documents without a checkable number format skip it.
    if (!c.id_number.empty()) {
        auto check = check_id_number_of_type(text_at(holder, "idType"), c.id_number, today_utc());
        if (check.problem) {
            errors.push_back({"/holder/idNumber", check.problem->code, check.problem->message});
        } else if (check.id) {
            c.id_number = check.id->normalized;
        }
    }
    if (!c.approval_date.empty() && !is_calendar_date(c.approval_date)) {
        errors.push_back({c.level_scheme == "ruankao" ? "/approvalDate" : "/approval/date", "date",
                          "应为YYYY-MM-DD / Must be YYYY-MM-DD."});
    }
    if (!c.issue_date.empty() && !is_calendar_date(c.issue_date)) {
        errors.push_back({"/issueDate", "date", "应为YYYY-MM-DD / Must be YYYY-MM-DD."});
    }
    if (!c.expiry_date.empty() && !is_calendar_date(c.expiry_date)) {
        errors.push_back({"/expiryDate", "date", "应为YYYY-MM-DD / Must be YYYY-MM-DD."});
    }
    // ISO dates compare as text. A certificate that expires before it is issued, or one
    // dated in the future, would verify as valid when it should not (a day of slack for
    // an issuer whose day starts before UTC's).
    const bool dates_valid = is_calendar_date(c.issue_date);
    if (dates_valid && is_calendar_date(c.expiry_date) && c.expiry_date < c.issue_date) {
        errors.push_back(
            {"/expiryDate", "before-issue",
             "有效期截止日期早于发证日期 / The expiry date is before the issue date (" +
                 c.issue_date + ")."});
    }
    if (dates_valid && c.issue_date > utc_date_in_days(1)) {
        errors.push_back({"/issueDate", "future",
                          "发证日期不能晚于今天 / The issue date is in the future (today is " +
                              today_utc() + " UTC)."});
    }
    if (!c.number.empty()) {
        const bool ok = c.number.size() == 22 && c.number[0] >= 'A' && c.number[0] <= 'Z' &&
                        c.number.find_first_not_of("0123456789", 1) == std::string::npos;
        if (!ok)
            errors.push_back(
                {"/number", "pattern",
                 "证书编号应为1个大写字母加21位数字 / A capital letter and 21 digits."});
    }
    const bool title = c.level_scheme == "zhicheng";
    const bool ruankao = c.level_scheme == "ruankao";
    for (const auto& [pointer, value, limit] :
         {std::tuple{"/holder/name", &c.holder_name, 30},
          {title     ? "/title/name"
           : ruankao ? "/qualification"
                     : "/occupation/name",
           &c.occupation_name, 30},
          {title ? "/title/specialty" : "/occupation/job", &c.job, 30},
          {"/occupation/nameEn", &c.occupation_name_en, 100},
          {"/committee", &c.committee, 60},
          {ruankao ? "/managementNumber" : "/approval/number", &c.approval_number, 40},
          {"/issuer/name", &c.issuer, 40}}) {
        if (utf8_length(*value) > static_cast<std::size_t>(limit) || !is_valid_utf8(*value)) {
            errors.push_back({pointer, "too-long",
                              "内容过长 / At most " + std::to_string(limit) + " characters."});
        }
    }
    return c;
}

registry::Certificate certificate_draft(const Poco::JSON::Object::Ptr& body,
                                        const photos::PhotoProfile& profile,
                                        std::vector<FieldError>& errors,
                                        const std::string& default_scheme) {
    registry::Certificate c = certificate_from_request(body, errors, default_scheme);
    const std::string photo = text_at(body->getObject("holder"), "photo");
    if (!photo.empty() && errors.empty()) {
        // Not base64 at all reads as no image, which normalisation refuses.
        const std::string bytes = base64_decode(photo).value_or("");
        auto normalized =
            photos::normalize_photo(std::as_bytes(std::span(bytes.data(), bytes.size())), profile);
        if (normalized.jpeg.empty()) {
            errors.push_back({"/holder/photo", normalized.problem_code, normalized.problem_detail});
        } else {
            c.photo_jpeg = std::move(normalized.jpeg);
        }
    }
    return c;
}

bool is_verification_link(const Poco::URI& link, const std::string& public_base_url,
                          const std::vector<std::string>& other_base_urls) {
    std::vector<std::string> base_urls = other_base_urls;
    base_urls.push_back(public_base_url);
    for (const auto& base_text : base_urls) {
        const Poco::URI base(base_text);
        if (link.getScheme() == base.getScheme() &&
            Poco::icompare(link.getHost(), base.getHost()) == 0 &&
            link.getPort() == base.getPort() &&
            link.getPath().rfind(base.getPath() + "/verify/", 0) == 0) {
            return true;
        }
    }
    return false;
}

FieldError other_issuer_error(const std::string& issuer_name) {
    return {"/issuer/name", "other-issuer",
            "本服务只为“" + issuer_name + "”发证，请不填或填写此名称 / This service issues for " +
                issuer_name + " only: leave the issuer out or send this name."};
}

std::string certificate_verification_url(const std::string& public_base_url,
                                         const registry::Certificate& c) {
    return public_base_url + "/verify/" + c.number + "?c=" + c.verification_code +
           "&k=" + c.key_id + "&s=" + c.signature;
}

std::string certificate_layout_name(const registry::Certificate& c) {
    if (c.level_scheme == "zhicheng") return "zhicheng-certificate";
    if (c.level_scheme == "ruankao") return "ruankao-certificate";
    return "certificate";
}

std::optional<std::string> scheme_of_certificate_layout(const std::string& layout_name) {
    if (layout_name == "certificate") return "skill";
    if (layout_name == "ruankao-certificate") return "ruankao";
    if (layout_name == "zhicheng-certificate") return "zhicheng";
    return std::nullopt;
}

Poco::JSON::Object::Ptr certificate_document_data(const registry::Certificate& c,
                                                  const std::string& public_base_url,
                                                  const registry::IssuerIdentity& issuer) {
    Object::Ptr data = new Object;
    Object::Ptr number = new Object;
    number->set("number", c.number);
    if (!c.serial.empty()) number->set("serial", c.serial);
    data->set("certificate", number);
    Object::Ptr holder = new Object;
    holder->set("name", c.holder_name);
    holder->set("idNumber", c.id_number);
    if (!c.photo_jpeg.empty()) holder->set("photo", base64_encode(c.photo_jpeg));
    data->set("holder", holder);
    if (c.level_scheme == "zhicheng") {
        Object::Ptr title = new Object;
        title->set("name", c.occupation_name);
        title->set("specialty", c.job);
        data->set("title", title);
        data->set("committee", c.committee);
        Object::Ptr approval = new Object;
        approval->set("number", c.approval_number);
        if (!c.approval_date.empty()) approval->set("date", c.approval_date);
        data->set("approval", approval);
    } else if (c.level_scheme == "ruankao") {
        data->set("qualification", c.occupation_name);
        if (!c.occupation_name_en.empty()) data->set("qualificationEn", c.occupation_name_en);
        if (!c.approval_number.empty()) data->set("managementNumber", c.approval_number);
        if (!c.approval_date.empty()) data->set("approvalDate", c.approval_date);
    } else {
        Object::Ptr occupation = new Object;
        occupation->set("code", c.occupation_code);
        occupation->set("name", c.occupation_name);
        if (!c.occupation_name_en.empty()) occupation->set("nameEn", c.occupation_name_en);
        occupation->set("job", c.job);
        data->set("occupation", occupation);
    }
    // A numbered skill level stays a number (the layout's level words take either).
    if (c.level_scheme == "skill" && c.level >= 1 && c.level <= 5 &&
        registry::level_code(c) == std::to_string(c.level)) {
        data->set("level", c.level);
    } else {
        data->set("level", registry::level_code(c));
    }
    Object::Ptr issuer_data = new Object;
    issuer_data->set("name", c.issuer);
    // The English name is the configured issuer's, for its own certificates only.
    if (!issuer.name_en.empty() && c.issuer == issuer.name)
        issuer_data->set("nameEn", issuer.name_en);
    data->set("issuer", issuer_data);
    data->set("issueDate", c.issue_date);
    if (!c.expiry_date.empty()) data->set("expiryDate", c.expiry_date);
    data->set("verificationCode", c.verification_code);
    // The national lookup address when the issuer has one (seed 003 五: 证书信息查询网址),
    // our verification page beside it; else ours alone.
    if (!issuer.certificate_lookup_url.empty()) {
        data->set("lookupUrl", issuer.certificate_lookup_url);
        data->set("verifyUrl", public_base_url + "/verify");
    } else {
        data->set("lookupUrl", public_base_url + "/verify");
    }
    if (!issuer.body_lookup_url.empty()) data->set("bodyLookupUrl", issuer.body_lookup_url);
    data->set("verificationUrl", certificate_verification_url(public_base_url, c));
    return data;
}

}  // namespace examdocs::certificates
