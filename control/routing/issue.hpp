#pragma once
// A reason a plant cannot be routed or scheduled, aimed at the person who has to fix it.
#include <string>
#include <vector>

#include <fmt/format.h>

namespace takt::routing {

struct Issue {
  std::string stream;   // the stream concerned, or empty
  std::string port;     // "node:port" or a node name where the problem sits, or empty
  std::string message;  // full sentence with the numbers that bind

  std::string str() const { return message; }
};

using Issues = std::vector<Issue>;

}  // namespace takt::routing
