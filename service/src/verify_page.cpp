// The page a phone opens from a certificate's QR code. Server-rendered, so the verdict is
// there without JavaScript on any phone; a little script adds lookups by number and code
// and checking a photo of the certificate, both through the public JSON API.
#include "verify_page.h"

#include "examdocs/core/base64.h"
#include "examdocs/core/field_rules.h"
#include "examdocs/core/masking.h"
#include "examdocs/core/problem.h"
#include "examdocs/registry/certificate_registry.h"
#include "examdocs/service/service.h"

namespace examdocs::service {

namespace {

std::string escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

const char* const kLevels[] = {
    "", "一级/高级技师", "二级/技师", "三级/高级工", "四级/中级工", "五级/初级工"};

std::string page(const std::string& body) {
    return R"(<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>证书验证 Certificate verification</title>
<style>
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:0;background:#f4f1ea;color:#222}
main{max-width:34rem;margin:0 auto;padding:1rem}
h1{font-size:1.3rem;margin:.5rem 0 1rem}
.verdict{border-radius:.6rem;padding:1rem;margin-bottom:1rem;color:#fff}
.valid{background:#1f7a3a}.revoked,.forged{background:#a11d1d}.expired,.unknown{background:#8a6a1e}
.verdict strong{display:block;font-size:1.5rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem .8rem;background:#fff;padding:1rem;border-radius:.6rem}
dt{color:#666}dd{margin:0;word-break:break-all}
.photo{text-align:center;margin:0 0 1rem}.photo img{width:7.5rem;border-radius:.4rem;border:1px solid #ccc}
form{background:#fff;padding:1rem;border-radius:.6rem;margin-top:1rem}
input,button{font-size:1rem;padding:.5rem;margin:.25rem 0;width:100%;box-sizing:border-box}
button{background:#7a1717;color:#fff;border:0;border-radius:.4rem}
small{color:#666}
</style></head><body><main>
<h1>职业技能等级证书验证<br><small>Certificate verification</small></h1>
)" + body + R"(
<form id="lookup"><label>证书编号 Certificate No.<input name="number" required></label>
<label>验证码 Verification code<input name="code" autocomplete="off"></label>
<button>查询 Look up</button></form>
<form id="picture"><label>拍摄证书二维码 Photograph the QR code<input name="image" type="file" accept="image/*" capture="environment"></label>
<button>验证 Verify</button></form>
<div id="result" aria-live="polite"></div>
<script>
function show(o){const r=document.getElementById('result');r.textContent='';const p=document.createElement('pre');p.textContent=JSON.stringify(o,null,1);r.appendChild(p);}
document.getElementById('lookup').onsubmit=async e=>{e.preventDefault();const f=new FormData(e.target);
 const q=f.get('code')?'?code='+encodeURIComponent(f.get('code')):'';
 const r=await fetch('/v1/certificates/'+encodeURIComponent(f.get('number'))+q);show(await r.json());};
document.getElementById('picture').onsubmit=async e=>{e.preventDefault();const file=new FormData(e.target).get('image');
 if(!file||!file.size)return;const r=await fetch('/v1/verify',{method:'POST',headers:{'Content-Type':file.type||'image/jpeg'},body:file});show(await r.json());};
</script>
</main></body></html>
)";
}

std::string verdict_box(const std::string& state) {
    struct Text {
        const char* cn;
        const char* en;
    };
    const Text t = state == "valid"     ? Text{"证书有效", "Valid: issued and not revoked"}
                   : state == "revoked" ? Text{"证书已撤销", "Revoked"}
                   : state == "expired" ? Text{"证书已过期", "Expired"}
                   : state == "forged"
                       ? Text{"验证失败：二维码与登记信息不符",
                              "Not genuine: the QR code does not match the registry"}
                       : Text{"查无此证书", "No such certificate in the registry"};
    return "<div class=\"verdict " + state + "\" id=\"verdict\" data-verdict=\"" + state +
           "\"><strong>" + t.cn + "</strong>" + t.en + "</div>\n";
}

std::string details(const registry::Certificate& c, bool full) {
    std::string d;
    // The registry's photo, to compare with the paper and the person: only for a genuine
    // QR code. Base64 holds no character that could leave the attribute.
    if (full && !c.photo_jpeg.empty()) {
        d += "<p class=\"photo\"><img alt=\"登记照片 Registered photo\" "
             "src=\"data:image/jpeg;base64," +
             base64_encode(c.photo_jpeg) + "\"></p>";
    }
    d += "<dl>";
    auto row = [&](const char* label, const std::string& value) {
        d += "<dt>" + std::string(label) + "</dt><dd>" + escape(value) + "</dd>";
    };
    row("证书编号 No.", c.number);
    row("姓名 Name", full ? c.holder_name : mask_name(c.holder_name));
    row("证件号码 ID No.", full ? c.id_number : mask_id_number(c.id_number));
    row("职业 Occupation", c.occupation_name + (c.job.empty() ? "" : "（" + c.job + "）"));
    row("等级 Level", c.level >= 1 && c.level <= 5 ? kLevels[c.level] : std::to_string(c.level));
    row("发证机构 Issued by", c.issuer);
    row("发证日期 Issue date", c.issue_date);
    if (c.status == "revoked") row("撤销 Revoked", c.revoked_at + " " + c.revoked_reason);
    return d + "</dl>\n";
}

}  // namespace

void add_verify_page_routes(Service& service) {
    Router& r = service.router();
    r.add(
        {"GET", "/verify", [](Exchange&) {
             return Response::text(
                 page("<p>扫描证书上的二维码，或输入证书编号与验证码。<br><small>Scan the QR code "
                      "on the certificate, or enter its number and code.</small></p>"),
                 "text/html; charset=utf-8");
         }});
    r.add({"GET", "/verify/{number}", [&service](Exchange& ex) {
               service.public_rate_limiter().take(ex.client_address());
               auto* registry = service.registry();
               if (!registry)
                   throw ProblemError(service_unavailable("The registry is not ready.", 5));
               auto c = registry->find(ex.param("number"));
               std::string body;
               if (!c) {
                   service.metrics().verification("unknown");
                   body = verdict_box("unknown");
               } else {
                   const std::string state =
                       registry->verdict(*c, ex.query("c").value_or(""), ex.query("k").value_or(""),
                                         ex.query("s").value_or(""), today_utc());
                   service.metrics().verification(state);
                   const bool genuine = state != "forged";
                   if (genuine) {
                       registry->record_lookup(c->number, "client " + ex.client_address(),
                                               "verification page: " + state);
                   }
                   body = verdict_box(state) + details(*c, genuine) +
                          "<p><small>请核对纸质证书上的信息与以上登记信息是否一致。Compare the "
                          "paper with the registry's data "
                          "above.</small></p>";
               }
               Response reply = Response::text(page(body), "text/html; charset=utf-8");
               // The page holds a verdict about a person: never cached by shared caches.
               reply.headers.emplace_back("Cache-Control", "private, no-store");
               reply.headers.emplace_back("Content-Security-Policy",
                                          "default-src 'self'; script-src 'unsafe-inline' 'self'; "
                                          "style-src 'unsafe-inline'; img-src 'self' data:");
               return reply;
           }});
}

}  // namespace examdocs::service
