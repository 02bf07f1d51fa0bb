#pragma once
// Office pages in real headless Chromium: a plan of sessions (one browser context each,
// so cookies carry from step to step) run by tests/browser/run_session.mjs, and its report
// (pages seen at checkpoints with their axe-core violations, downloads, values read from
// the page, what the CSP refused). Used by the clerk's page and the designer's tests.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace examdocs::test {

using Poco::JSON::Array;
using Poco::JSON::Object;

// One person's session: steps in one browser context, so its cookies carry over.
struct Session {
    std::string name;
    bool java_script = true;
    int width = 1280, height = 900;
    Array::Ptr steps = new Array;

    Session& step(const std::string& kind, const std::string& value) {
        Object::Ptr s = new Object;
        s->set(kind, value);
        steps->add(s);
        return *this;
    }
    // A step with a second member: {kind: value, key: second}.
    Session& step(const std::string& kind, const std::string& value, const std::string& key,
                  const std::string& second) {
        Object::Ptr s = new Object;
        s->set(kind, value);
        s->set(key, second);
        steps->add(s);
        return *this;
    }
    Session& go(const std::string& url) { return step("goto", url); }
    Session& click(const std::string& selector) { return step("click", selector); }
    Session& fill(const std::string& selector, const std::string& value) {
        return step("fill", selector, "value", value);
    }
    // Text put in the field as a person pastes it (the clipboard, then Ctrl+V over the
    // field's whole text): for a long text what fill() does, inserting it as typed input,
    // took Chromium ~40 s for a 49 KB layout, a paste half a second.
    Session& paste(const std::string& selector, const std::string& value) {
        return step("paste", selector, "value", value);
    }
    Session& upload(const std::string& selector, const std::string& file) {
        return step("upload", selector, "file", file);
    }
    Session& wait_for(const std::string& selector) { return step("waitFor", selector); }
    // A click that stays on the page (a script answers it), unlike click().
    Session& press(const std::string& selector) { return step("press", selector); }
    // Runs `script` (an expression) in the page; its value, as JSON, is report.values[label].
    Session& evaluate(const std::string& label, const std::string& script) {
        return step("evaluate", label, "script", script);
    }
    Session& download(const std::string& selector, const std::string& file) {
        return step("download", selector, "file", file);
    }
    Session& resize(int w, int h) {
        Object::Ptr s = new Object;
        Array::Ptr size = new Array;
        size->add(w);
        size->add(h);
        s->set("viewport", size);
        steps->add(s);
        return *this;
    }
    Session& check(const std::string& label, const std::string& screenshot = "") {
        Object::Ptr s = new Object;
        s->set("check", label);
        s->set("screenshot", screenshot);
        steps->add(s);
        return *this;
    }
};

struct Check {
    std::string url, html, focus_outline;
    int status = 0, scroll_width = 0, viewport_width = 0;
    std::map<std::string, std::string> headers;
    std::vector<std::string> violations;
};

struct SessionReport {
    std::string error;
    std::map<std::string, Check> checks;
    std::vector<std::pair<std::string, std::string>> downloads;  // file, suggested name
    std::vector<std::string> refused;
    std::map<std::string, std::string> values;  // evaluate(): name → JSON
};

// Runs every session in one Chromium; a failure to run is a test failure (ADD_FAILURE).
std::map<std::string, SessionReport> run_sessions(const std::vector<Session>& sessions);

inline bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace examdocs::test
