#pragma once
// What the service depends on and whether each part is up: fonts, the data directory,
// later the registry. Start-up tasks set the states; /health and /health/ready read them.
// Thread-safe.
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace examdocs::service {

enum class DependencyState { starting, up, down };

std::string_view to_string(DependencyState state);

struct DependencyStatus {
    std::string name;
    DependencyState state = DependencyState::starting;
    std::string detail;   // for a person; never a path of this machine
    std::string changed;  // ISO 8601 time of the last change
};

class Health {
  public:
    void set(std::string_view name, DependencyState state, std::string detail = {});
    std::vector<DependencyStatus> snapshot() const;
    // Ready when every dependency is up (and there is at least one).
    bool ready() const;

  private:
    mutable std::mutex mutex_;
    std::vector<DependencyStatus> dependencies_;
};

}  // namespace examdocs::service
