#include "telemetry/prometheus_text.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace takt::telemetry {

namespace {

constexpr bool is_alpha_(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr std::uint64_t ns_per_second = 1'000'000'000;

}  // namespace

bool is_valid_metric_name(std::string_view name) {
  if (name.empty() || !(is_alpha_(name[0]) || name[0] == ':')) return false;
  for (char c : name) {
    if (!(is_alpha_(c) || is_digit(c) || c == ':')) return false;
  }
  return true;
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty() || !is_alpha_(name[0]) || name.starts_with("__")) return false;
  for (char c : name) {
    if (!(is_alpha_(c) || is_digit(c))) return false;
  }
  return true;
}

void append_escaped_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void append_escaped_help(std::string& out, std::string_view help) {
  for (char c : help) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void append_uint(std::string& out, std::uint64_t value) {
  std::array<char, 24> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  (void)ec;  // 24 bytes hold any uint64
  out.append(buf.data(), end);
}

void append_seconds(std::string& out, std::uint64_t ns) {
  append_uint(out, ns / ns_per_second);
  std::uint64_t frac = ns % ns_per_second;
  if (frac == 0) return;
  std::array<char, 9> digits{};
  for (int i = 8; i >= 0; --i) {
    digits[static_cast<std::size_t>(i)] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  std::size_t len = digits.size();
  while (digits[len - 1] == '0') --len;  // frac != 0, so this stops before the first digit
  out += '.';
  out.append(digits.data(), len);
}

std::string format_seconds(std::uint64_t ns) {
  std::string s;
  append_seconds(s, ns);
  return s;
}

void append_double(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  (void)ec;  // the shortest round-trip form of a double fits in 32 bytes
  out.append(buf.data(), end);
}

void ExpositionWriter::family_header(std::string_view name, std::string_view help, std::string_view type) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_escaped_help(out_, help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void ExpositionWriter::sample_prefix(std::string_view name, std::span<const Label> labels, Label extra) {
  out_ += name;
  if (labels.empty() && extra.name.empty()) {
    out_ += ' ';
    return;
  }
  char sep = '{';
  auto put = [&](const Label& l) {
    out_ += sep;
    sep = ',';
    out_ += l.name;
    out_ += "=\"";
    append_escaped_label_value(out_, l.value);
    out_ += '"';
  };
  for (const Label& l : labels) put(l);
  if (!extra.name.empty()) put(extra);
  out_ += "} ";
}

void ExpositionWriter::sample_uint(std::string_view name, std::span<const Label> labels, Label extra,
                                   std::uint64_t value) {
  sample_prefix(name, labels, extra);
  append_uint(out_, value);
  out_ += '\n';
}

void ExpositionWriter::sample_seconds(std::string_view name, std::span<const Label> labels, Label extra,
                                      std::uint64_t ns) {
  sample_prefix(name, labels, extra);
  append_seconds(out_, ns);
  out_ += '\n';
}

void ExpositionWriter::sample_double(std::string_view name, std::span<const Label> labels, Label extra, double value) {
  sample_prefix(name, labels, extra);
  append_double(out_, value);
  out_ += '\n';
}

}  // namespace takt::telemetry
