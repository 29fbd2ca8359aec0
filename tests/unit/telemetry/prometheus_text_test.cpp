#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "telemetry/prometheus_text.hpp"

using namespace takt::telemetry;

namespace {

std::string escaped_label(std::string_view v) {
  std::string s;
  append_escaped_label_value(s, v);
  return s;
}

std::string escaped_help(std::string_view v) {
  std::string s;
  append_escaped_help(s, v);
  return s;
}

std::string dbl(double v) {
  std::string s;
  append_double(s, v);
  return s;
}

}  // namespace

TEST_CASE("label values escape backslash, double quote and line feed", "[telemetry][text]") {
  CHECK(escaped_label("plain-stream_1") == "plain-stream_1");
  CHECK(escaped_label(R"(C:\tsn)") == R"(C:\\tsn)");
  CHECK(escaped_label(R"(say "hi")") == R"(say \"hi\")");
  CHECK(escaped_label("two\nlines") == R"(two\nlines)");
  CHECK(escaped_label("\\\"\n") == R"(\\\"\n)");
  CHECK(escaped_label("tab\tstays, UTF-8 ünchanged") == "tab\tstays, UTF-8 ünchanged");
  CHECK(escaped_label("") == "");
}

TEST_CASE("HELP text escapes backslash and line feed but not quotes", "[telemetry][text]") {
  CHECK(escaped_help("a \"quoted\" word") == "a \"quoted\" word");
  CHECK(escaped_help("back\\slash\nnext") == R"(back\\slash\nnext)");
}

TEST_CASE("seconds from integer ns are the shortest exact decimal", "[telemetry][text]") {
  CHECK(format_seconds(0) == "0");
  CHECK(format_seconds(1) == "0.000000001");
  CHECK(format_seconds(1'000) == "0.000001");
  CHECK(format_seconds(31'000) == "0.000031");
  CHECK(format_seconds(31'250) == "0.00003125");
  CHECK(format_seconds(250'000) == "0.00025");
  CHECK(format_seconds(10'000'000) == "0.01");
  CHECK(format_seconds(1'000'000'000) == "1");
  CHECK(format_seconds(1'500'000'000) == "1.5");
  CHECK(format_seconds(20'681'001) == "0.020681001");
  CHECK(format_seconds(std::numeric_limits<std::uint64_t>::max()) == "18446744073.709551615");
  // Parsing back lands on the double nearest the exact value, as any reader of "le" expects.
  for (std::uint64_t ns : {1ULL, 1'000ULL, 31'250ULL, 250'000ULL, 123'456'789ULL}) {
    CHECK(std::stod(format_seconds(ns)) == static_cast<double>(ns) / 1e9);
  }
}

TEST_CASE("doubles round-trip and special values use the format's spelling", "[telemetry][text]") {
  CHECK(dbl(0.0) == "0");
  CHECK(dbl(4.0) == "4");
  CHECK(dbl(0.1) == "0.1");
  CHECK(dbl(-1.5e-08) == "-1.5e-08");
  CHECK(std::stod(dbl(1.0 / 3.0)) == 1.0 / 3.0);
  CHECK(dbl(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(dbl(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(dbl(std::nan("")) == "NaN");
}

TEST_CASE("metric and label names follow the data model", "[telemetry][text]") {
  CHECK(is_valid_metric_name("takt_stream_latency_seconds"));
  CHECK(is_valid_metric_name("job:takt_frames:rate5m"));
  CHECK(is_valid_metric_name("_x"));
  CHECK_FALSE(is_valid_metric_name(""));
  CHECK_FALSE(is_valid_metric_name("1st_metric"));
  CHECK_FALSE(is_valid_metric_name("takt-frames"));
  CHECK_FALSE(is_valid_metric_name("takt frames"));

  CHECK(is_valid_label_name("traffic_class"));
  CHECK(is_valid_label_name("_private"));
  CHECK_FALSE(is_valid_label_name("__name__"));
  CHECK_FALSE(is_valid_label_name("a:b"));
  CHECK_FALSE(is_valid_label_name("9port"));
  CHECK_FALSE(is_valid_label_name(""));
}

TEST_CASE("the writer emits HELP, TYPE and samples with escaped labels", "[telemetry][text]") {
  std::string out;
  ExpositionWriter w(out);
  w.family_header("takt_x_seconds", "Help with \\ and\nnewline.", "histogram");
  const std::vector<Label> labels = {{"stream", "a\"b"}, {"port", "p\\0"}};
  w.sample_uint("takt_x_seconds_bucket", labels, {"le", "0.00025"}, 3);
  w.sample_seconds("takt_x_seconds_sum", labels, {}, 1'250'000);
  w.sample_double("takt_y", {}, {}, 2.5);
  CHECK(out ==
        "# HELP takt_x_seconds Help with \\\\ and\\nnewline.\n"
        "# TYPE takt_x_seconds histogram\n"
        "takt_x_seconds_bucket{stream=\"a\\\"b\",port=\"p\\\\0\",le=\"0.00025\"} 3\n"
        "takt_x_seconds_sum{stream=\"a\\\"b\",port=\"p\\\\0\"} 0.00125\n"
        "takt_y 2.5\n");
  CHECK(prometheus_content_type == "text/plain; version=0.0.4; charset=utf-8");
}
