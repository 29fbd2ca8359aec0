#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "common/result.hpp"

using takt::Error;
using takt::Result;
using takt::Status;

namespace {

Result<int> half(int n) {
  if (n % 2 != 0) return Error{std::to_string(n) + " is odd", "pass an even number"};
  return n / 2;
}

Status check_positive(int n) {
  if (n <= 0) return Error{"not positive", ""};
  return {};
}

}  // namespace

TEST_CASE("a result holds a value or an error", "[common][result]") {
  const auto ok = half(8);
  REQUIRE(ok.ok());
  CHECK(*ok == 4);
  CHECK(ok.value_or(-1) == 4);

  const auto bad = half(3);
  REQUIRE_FALSE(bad.ok());
  CHECK_FALSE(static_cast<bool>(bad));
  CHECK(bad.error().message == "3 is odd");
  CHECK(bad.error().hint == "pass an even number");
  CHECK(bad.value_or(-1) == -1);
}

TEST_CASE("a result moves its value out", "[common][result]") {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  REQUIRE(r);
  std::unique_ptr<int> p = std::move(r).value();
  CHECK(*p == 7);

  Result<std::string> s = std::string("text");
  CHECK(s->size() == 4);
}

TEST_CASE("a status is a result without a value", "[common][result]") {
  CHECK(check_positive(1).ok());
  const Status s = check_positive(0);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message == "not positive");
}
