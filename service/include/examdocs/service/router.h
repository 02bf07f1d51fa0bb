#pragma once
// The route table: method + path pattern -> handler. Patterns are literal segments and
// {name} segments ("/v1/certificates/{number}/pdf"). A path that matches some pattern
// with another method is a 405 with Allow; a path that matches none is a 404.
// Built once at start, then read-only: match() is thread-safe.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "examdocs/service/exchange.h"

namespace examdocs {
struct Problem;
}

namespace examdocs::service {

using Handler = std::function<Response(Exchange&)>;
// How a route answers a problem when problem+json is not what its callers read (the HTML
// pages a person opens): the same status and headers, another body.
using ProblemPage = std::function<Response(const Problem&)>;

struct Route {
    Route(std::string method_, std::string pattern_, Handler handler_, long long max_body = 0)
        : method(std::move(method_)),
          pattern(std::move(pattern_)),
          handler(std::move(handler_)),
          max_body_bytes(max_body) {}

    std::string method;   // "GET", "POST", …
    std::string pattern;  // "/v1/layouts/{name}"
    Handler handler;
    long long max_body_bytes = 0;  // 0: limits.max-body-bytes
    ProblemPage problem_page;      // empty: problem+json
};

struct RouteMatch {
    const Route* route = nullptr;  // null: no route for this method
    std::map<std::string, std::string, std::less<>> params;
    std::vector<std::string> allowed_methods;  // when route is null but the path is known
    std::string known_pattern;                 // the pattern of that known path
};

class Router {
  public:
    // Throws std::invalid_argument for a duplicate method+pattern or a malformed pattern.
    void add(Route route);
    RouteMatch match(std::string_view method, std::string_view path) const;
    const std::vector<Route>& routes() const { return routes_; }

  private:
    struct Pattern {
        std::vector<std::string> segments;  // split_path of the route's pattern
        std::size_t literals = 0;           // segments that are not {parameters}
    };
    std::vector<Route> routes_;
    std::vector<Pattern> patterns_;  // patterns_[i] is routes_[i]'s
};

// Splits a path into its segments; "" and "/" have none. Empty segments ("//") are kept
// as empty strings so that "/a//b" does not match "/a/b".
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace examdocs::service
