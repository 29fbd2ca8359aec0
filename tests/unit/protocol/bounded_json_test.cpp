// Issue 11: JSON from outside is parsed with bounded nesting, and errors quote an excerpt.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "dataplane/core/config_error.hpp"
#include "protocol/bounded_json.hpp"
#include "protocol/bridge_config_json.hpp"

using namespace takt;

TEST_CASE("nesting beyond the limit is refused before nlohmann builds anything", "[protocol][json][hostile]") {
  CHECK(parse_bounded_json("[[1]]", 2) == nlohmann::json::parse("[[1]]"));
  CHECK_THROWS_WITH(parse_bounded_json("[[[1]]]", 2), "nesting deeper than 2 levels at byte 3");
  // Brackets inside strings do not count.
  CHECK(parse_bounded_json(R"({"a": "[[[[\"[[[["})", 1)["a"] == "[[[[\"[[[[");
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  CHECK_THROWS_WITH(parse_bounded_json(deep), "nesting deeper than 64 levels at byte 65");
  CHECK_THROWS_AS(parse_bounded_json("{not json"), nlohmann::json::parse_error);
}

TEST_CASE("a number beyond a double's range is refused as a limit, not let through", "[protocol][json][hostile]") {
  // Found by fuzz/bridge_json: nlohmann throws out_of_range for it, which the agent's body
  // parser did not catch and answered with 500 "internal error" instead of 400.
  CHECK_THROWS_AS(parse_bounded_json(R"({"base-time": {"nanoseconds": 5E4000000}})"), JsonLimitError);
  CHECK_THROWS_WITH(parse_bounded_json("[-1E400]"), Catch::StartsWith("a number beyond the range of a double: ") &&
                                                        Catch::Contains("number overflow parsing '-1E400'"));
  CHECK(parse_bounded_json("1E308").is_number_float());
  CHECK(parse_bounded_json("18446744073709551616").is_number_float());  // beyond uint64: a double, no error
}

TEST_CASE("error texts quote a short excerpt of a value", "[protocol][json][hostile]") {
  CHECK(json_excerpt(nlohmann::json::array({1, 2, 3})) == "an array of 3 elements");
  CHECK(json_excerpt(nlohmann::json{{"a", 1}}) == "an object of 1 members");
  CHECK(json_excerpt(std::string(1000, 'x')).size() < 50);
  CHECK(json_excerpt(std::string("\xff\xfe")) == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // not UTF-8: replaced, no throw
  CHECK(text_excerpt(std::string(500, 'y'), 10) == "yyyyyyyyyy... (500 bytes)");
}

TEST_CASE("a --config file nested 100,000 levels deep is refused naming the limit", "[protocol][json][hostile]") {
  const auto path = std::filesystem::temp_directory_path() / ("takt-nested-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << R"({"format": "takt-bridge/1", "bridge": "sw", "ports": [{"name": "p1", "link-rate-bps": )"
                      << std::string(100'000, '[') << std::string(100'000, ']') << "}]}";
  CHECK_THROWS_WITH(bridge::load_bridge_config(path),
                    Catch::Contains(path.string()) && Catch::Contains("nesting deeper than 64 levels"));
  std::filesystem::remove(path);
}
