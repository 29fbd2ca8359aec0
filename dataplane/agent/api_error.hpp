#pragma once
// A refusal the agent's API reports with an HTTP status and a sentence a person can act on.
#include <stdexcept>
#include <string>

namespace takt::agent {

class ApiError : public std::runtime_error {
 public:
  ApiError(unsigned status, const std::string& message) : std::runtime_error(message), status_(status) {}
  unsigned status() const { return status_; }

 private:
  unsigned status_;
};

}  // namespace takt::agent
