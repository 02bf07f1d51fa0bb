#include "office_session.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "support/samples.h"

namespace examdocs::test {

std::map<std::string, SessionReport> run_sessions(const std::vector<Session>& sessions) {
    Array::Ptr list = new Array;
    for (const auto& s : sessions) {
        Object::Ptr o = new Object;
        o->set("name", s.name);
        o->set("javaScript", s.java_script);
        Array::Ptr size = new Array;
        size->add(s.width);
        size->add(s.height);
        o->set("viewport", size);
        o->set("steps", s.steps);
        list->add(o);
    }
    Object plan;
    plan.set("chromium", "/usr/bin/chromium");
    plan.set("sessions", list);
    Poco::TemporaryFile plan_file, report_file;
    {
        std::ofstream out(plan_file.path());
        plan.stringify(out);
    }
    Poco::Process::Env env;
    env["NODE_PATH"] = std::string(EXAMDOCS_BROWSER_TOOLS) + "/node_modules";
    Poco::Pipe out_pipe;
    Poco::ProcessHandle handle = Poco::Process::launch(
        "/usr/bin/node",
        {source_path("tests/browser/run_session.mjs"), plan_file.path(), report_file.path()},
        EXAMDOCS_BROWSER_TOOLS, nullptr, &out_pipe, &out_pipe, env);
    Poco::PipeInputStream out(out_pipe);
    const std::string output((std::istreambuf_iterator<char>(out)),
                             std::istreambuf_iterator<char>());
    const int rc = handle.wait();
    std::map<std::string, SessionReport> reports;
    if (rc != 0) {
        ADD_FAILURE() << "run_session.mjs exited " << rc << ":\n" << output;
        return reports;
    }
    std::ifstream in(report_file.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto array = Poco::JSON::Parser().parse(text).extract<Array::Ptr>();
    for (std::size_t i = 0; i < array->size(); ++i) {
        auto o = array->getObject(static_cast<unsigned>(i));
        SessionReport r;
        r.error = o->optValue<std::string>("error", "");
        auto checks = o->getArray("checks");
        for (std::size_t c = 0; c < checks->size(); ++c) {
            auto co = checks->getObject(static_cast<unsigned>(c));
            Check check;
            check.url = co->optValue<std::string>("url", "");
            check.html = co->optValue<std::string>("html", "");
            check.status = co->optValue<int>("status", 0);
            check.scroll_width = co->optValue<int>("scrollWidth", 0);
            check.viewport_width = co->optValue<int>("viewportWidth", 0);
            check.focus_outline = co->optValue<std::string>("focusOutline", "");
            if (auto headers = co->getObject("headers")) {
                for (const auto& [k, v] : *headers) check.headers[k] = v.toString();
            }
            auto violations = co->getArray("violations");
            for (std::size_t j = 0; violations && j < violations->size(); ++j) {
                auto v = violations->getObject(static_cast<unsigned>(j));
                std::ostringstream line;
                line << v->getValue<std::string>("id") << " (" << v->getValue<std::string>("help")
                     << "): ";
                auto nodes = v->getArray("nodes");
                for (std::size_t n = 0; n < nodes->size(); ++n)
                    line << nodes->getElement<std::string>(static_cast<unsigned>(n)) << "; ";
                check.violations.push_back(line.str());
            }
            r.checks[co->getValue<std::string>("name")] = std::move(check);
        }
        auto downloads = o->getArray("downloads");
        for (std::size_t d = 0; downloads && d < downloads->size(); ++d) {
            auto dl = downloads->getObject(static_cast<unsigned>(d));
            r.downloads.emplace_back(dl->getValue<std::string>("file"),
                                     dl->getValue<std::string>("suggested"));
        }
        if (auto values = o->getObject("values")) {
            for (const auto& [k, v] : *values) r.values[k] = v.toString();
        }
        if (auto refused = o->getArray("refused")) {
            for (std::size_t j = 0; j < refused->size(); ++j)
                r.refused.push_back(refused->getElement<std::string>(static_cast<unsigned>(j)));
        }
        reports[o->getValue<std::string>("name")] = std::move(r);
    }
    return reports;
}

}  // namespace examdocs::test
