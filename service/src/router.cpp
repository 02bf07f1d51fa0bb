#include "examdocs/service/router.h"

#include <algorithm>
#include <stdexcept>

namespace examdocs::service {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> segments;
    if (path.empty() || path == "/") return segments;
    if (path.front() == '/') path.remove_prefix(1);
    std::size_t start = 0;
    while (true) {
        auto slash = path.find('/', start);
        segments.push_back(path.substr(start, slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return segments;
}

namespace {

bool is_param(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool matches(const std::vector<std::string>& want, const std::vector<std::string_view>& have,
             std::map<std::string, std::string, std::less<>>* params) {
    if (want.size() != have.size()) return false;
    for (std::size_t i = 0; i < want.size(); ++i) {
        if (is_param(want[i])) {
            if (have[i].empty()) return false;
            if (params) {
                (*params)[want[i].substr(1, want[i].size() - 2)] = std::string(have[i]);
            }
        } else if (want[i] != have[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

void Router::add(Route route) {
    if (route.pattern.empty() || route.pattern.front() != '/') {
        throw std::invalid_argument("route pattern must start with '/': " + route.pattern);
    }
    for (const auto& r : routes_) {
        if (r.method == route.method && r.pattern == route.pattern) {
            throw std::invalid_argument("duplicate route " + route.method + " " + route.pattern);
        }
    }
    // Split once here: a request is matched against every route, and splitting each
    // pattern again per request was most of the allocations of a small lookup.
    Pattern compiled;
    for (std::string_view segment : split_path(route.pattern)) {
        compiled.segments.emplace_back(segment);
        if (!is_param(segment)) ++compiled.literals;
    }
    patterns_.push_back(std::move(compiled));
    routes_.push_back(std::move(route));
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
    RouteMatch result;
    // Literal segments win over parameters: "/verify" is not "/verify/{number}", and a
    // literal route declared after a parameter route still takes its own path.
    const Route* best = nullptr;
    const Pattern* best_pattern = nullptr;
    const auto have = split_path(path);
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const Route& r = routes_[i];
        const Pattern& p = patterns_[i];
        if (!matches(p.segments, have, nullptr)) continue;
        if (r.method != method) {
            if (result.known_pattern.empty()) result.known_pattern = r.pattern;
            if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(), r.method) ==
                result.allowed_methods.end()) {
                result.allowed_methods.push_back(r.method);
            }
            continue;
        }
        if (!best || p.literals > best_pattern->literals) {
            best = &r;
            best_pattern = &p;
        }
    }
    if (best) {
        result.route = best;
        result.allowed_methods.clear();
        result.known_pattern.clear();
        matches(best_pattern->segments, have, &result.params);
    }
    return result;
}

}  // namespace examdocs::service
