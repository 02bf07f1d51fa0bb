#include "examdocs/service/health.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <algorithm>

namespace examdocs::service {

std::string_view to_string(DependencyState state) {
    switch (state) {
        case DependencyState::starting:
            return "starting";
        case DependencyState::up:
            return "up";
        case DependencyState::down:
            return "down";
    }
    return "unknown";
}

void Health::set(std::string_view name, DependencyState state, std::string detail) {
    std::string now =
        Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::ISO8601_FORMAT);
    std::lock_guard lock(mutex_);
    auto it = std::find_if(dependencies_.begin(), dependencies_.end(),
                           [&](const DependencyStatus& d) { return d.name == name; });
    if (it == dependencies_.end()) {
        dependencies_.push_back({std::string(name), state, std::move(detail), now});
    } else {
        it->state = state;
        it->detail = std::move(detail);
        it->changed = now;
    }
}

std::vector<DependencyStatus> Health::snapshot() const {
    std::lock_guard lock(mutex_);
    return dependencies_;
}

bool Health::ready() const {
    std::lock_guard lock(mutex_);
    return !dependencies_.empty() &&
           std::all_of(dependencies_.begin(), dependencies_.end(),
                       [](const DependencyStatus& d) { return d.state == DependencyState::up; });
}

}  // namespace examdocs::service
