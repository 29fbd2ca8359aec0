#pragma once
// Prometheus text exposition format, version 0.0.4: the primitives every metric family uses to
// write itself. Kept apart from the registry so the escaping and number rules live in one
// place and are tested on their own.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace takt::telemetry {

// The HTTP Content-Type of what MetricsRegistry::render() produces.
inline constexpr std::string_view prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

// Names as the data model defines them: metric [a-zA-Z_:][a-zA-Z0-9_:]*, label
// [a-zA-Z_][a-zA-Z0-9_]*; label names starting with "__" are reserved for Prometheus itself.
bool is_valid_metric_name(std::string_view name);
bool is_valid_label_name(std::string_view name);

// Label values escape backslash, double quote and line feed; HELP text escapes backslash and
// line feed only (a quote in HELP is literal).
void append_escaped_label_value(std::string& out, std::string_view value);
void append_escaped_help(std::string& out, std::string_view help);

// Integer nanoseconds as seconds, written as the shortest plain decimal that is exactly the
// same number: 250000 -> "0.00025", 1000 -> "0.000001", 1500000000 -> "1.5", 0 -> "0". Never
// exponent notation, so a bucket bound or a sum reads back as exactly what was recorded.
void append_seconds(std::string& out, std::uint64_t ns);
std::string format_seconds(std::uint64_t ns);

void append_uint(std::string& out, std::uint64_t value);
// Shortest representation that round-trips; NaN and infinities as the format spells them
// ("NaN", "+Inf", "-Inf").
void append_double(std::string& out, double value);

struct Label {
  std::string_view name;
  std::string_view value;
};

// Writes one metric family at a time: the HELP and TYPE lines, then its samples. Appends to a
// caller-owned buffer so a scraper looping on render() reuses its allocation.
class ExpositionWriter {
 public:
  explicit ExpositionWriter(std::string& out) : out_(out) {}

  void family_header(std::string_view name, std::string_view help, std::string_view type);

  // name{labels...,extra} value — `extra` is the histogram's "le" label, empty name for none.
  void sample_uint(std::string_view name, std::span<const Label> labels, Label extra, std::uint64_t value);
  void sample_seconds(std::string_view name, std::span<const Label> labels, Label extra, std::uint64_t ns);
  void sample_double(std::string_view name, std::span<const Label> labels, Label extra, double value);

 private:
  void sample_prefix(std::string_view name, std::span<const Label> labels, Label extra);

  std::string& out_;
};

}  // namespace takt::telemetry
