#include "control/model/yaml_reader.hpp"

#include <fmt/format.h>

#include <charconv>
#include <set>

#include "common/did_you_mean.hpp"
#include "control/model/units.hpp"

namespace takt::model {

SourceLocation YamlReader::where(const YAML::Mark& m) const {
  // yaml-cpp counts from 0 and marks synthesised nodes with -1.
  return SourceLocation{file_, m.line >= 0 ? m.line + 1 : 1, m.column >= 0 ? m.column + 1 : 1};
}

SourceLocation YamlReader::where(const YAML::Node& n) const { return where(n.Mark()); }

void YamlReader::error(const SourceLocation& at, std::string message, std::string hint) {
  diagnostics_.push_back(Diagnostic{Severity::error, at, std::move(message), std::move(hint)});
}

void YamlReader::warning(const YAML::Node& at, std::string message, std::string hint) {
  diagnostics_.push_back(Diagnostic{Severity::warning, where(at), std::move(message), std::move(hint)});
}

bool YamlReader::is_map(const YAML::Node& n, const std::string& what) {
  if (n.IsMap()) return true;
  if (n.IsNull()) return false;  // an empty section is allowed and means "none"
  error(n, fmt::format("{} must be a mapping of keys to values", what));
  return false;
}

std::vector<std::pair<YAML::Node, YAML::Node>> YamlReader::entries(const YAML::Node& map, const std::string& what,
                                                                   const std::vector<std::string>& allowed) {
  std::vector<std::pair<YAML::Node, YAML::Node>> out;
  if (!is_map(map, what)) return out;
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      error(key, fmt::format("a key in {} must be a plain name", what));
      continue;
    }
    const std::string k = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      const std::string guess = did_you_mean(k, allowed);
      std::string known;
      for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + a;
      error(key, fmt::format("unknown key '{}' in {}", k, what),
            guess.empty() ? fmt::format("known keys: {}", known) : fmt::format("did you mean '{}'?", guess));
      continue;
    }
    if (!seen.insert(k).second) {
      error(key, fmt::format("key '{}' is given twice in {}", k, what), "keep one");
      continue;
    }
    out.emplace_back(key, it->second);
  }
  return out;
}

std::vector<std::pair<YAML::Node, YAML::Node>> YamlReader::named_entries(const YAML::Node& map,
                                                                         const std::string& what) {
  std::vector<std::pair<YAML::Node, YAML::Node>> out;
  if (!is_map(map, what)) return out;
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar() || key.Scalar().empty()) {
      error(key, fmt::format("a name in {} must be a plain, non-empty name", what));
      continue;
    }
    if (!seen.insert(key.Scalar()).second) {
      error(key, fmt::format("'{}' is declared twice in {}", key.Scalar(), what), "names must be unique");
      continue;
    }
    out.emplace_back(key, it->second);
  }
  return out;
}

std::optional<std::string> YamlReader::scalar(const YAML::Node& n, const std::string& what, const char* expected) {
  if (!n.IsDefined() || n.IsNull()) {
    error(n, fmt::format("{} has no value", what), fmt::format("expected {}", expected));
    return std::nullopt;
  }
  if (!n.IsScalar()) {
    error(n, fmt::format("{} must be {}, not a {}", what, expected, n.IsMap() ? "mapping" : "list"));
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<std::string> YamlReader::text(const YAML::Node& n, const std::string& what) {
  auto s = scalar(n, what, "a name or text");
  if (s && s->empty()) {
    error(n, fmt::format("{} is empty", what));
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& n, const std::string& what, std::int64_t min,
                                                std::int64_t max) {
  auto s = scalar(n, what, "a whole number");
  if (!s) return std::nullopt;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc{} || ptr != s->data() + s->size()) {
    error(n, fmt::format("{} must be a whole number, not '{}'", what, *s),
          fmt::format("a number from {} to {}", min, max));
    return std::nullopt;
  }
  if (v < min || v > max) {
    error(n, fmt::format("{} is {}, out of range", what, v), fmt::format("allowed: {} to {}", min, max));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& n, const std::string& what) {
  auto s = scalar(n, what, "true or false");
  if (!s) return std::nullopt;
  if (*s == "true" || *s == "yes" || *s == "on") return true;
  if (*s == "false" || *s == "no" || *s == "off") return false;
  error(n, fmt::format("{} must be true or false, not '{}'", what, *s));
  return std::nullopt;
}

namespace {
std::optional<std::int64_t> unwrap(YamlReader& r, const YAML::Node& n, const std::string& what,
                                   const Result<std::int64_t>& p) {
  if (!p) {
    r.error(n, fmt::format("{}: {}", what, p.error().message), p.error().hint);
    return std::nullopt;
  }
  return *p;
}
}  // namespace

std::optional<Nanos> YamlReader::duration(const YAML::Node& n, const std::string& what, bool allow_zero) {
  auto s = scalar(n, what, "a duration such as 250us");
  if (!s) return std::nullopt;
  auto v = unwrap(*this, n, what, parse_duration_ns(*s));
  if (!v) return std::nullopt;
  if (*v < 0 || (*v == 0 && !allow_zero)) {
    error(n, fmt::format("{} must be {}, not {}", what, allow_zero ? "zero or more" : "more than zero", *s));
    return std::nullopt;
  }
  return Nanos{*v};
}

std::optional<std::int64_t> YamlReader::size_bytes(const YAML::Node& n, const std::string& what) {
  auto s = scalar(n, what, "a size such as 128B");
  if (!s) return std::nullopt;
  auto v = unwrap(*this, n, what, parse_size_bytes(*s));
  if (v && *v <= 0) {
    error(n, fmt::format("{} must be more than zero, not {}", what, *s));
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> YamlReader::rate_bps(const YAML::Node& n, const std::string& what) {
  auto s = scalar(n, what, "a rate such as 1Gbps");
  if (!s) return std::nullopt;
  auto v = unwrap(*this, n, what, parse_rate_bps(*s));
  if (v && *v <= 0) {
    error(n, fmt::format("{} must be more than zero, not {}", what, *s));
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> YamlReader::length_mm(const YAML::Node& n, const std::string& what) {
  auto s = scalar(n, what, "a length such as 20m");
  if (!s) return std::nullopt;
  auto v = unwrap(*this, n, what, parse_length_mm(*s));
  if (v && *v < 0) {
    error(n, fmt::format("{} must not be negative, not {}", what, *s));
    return std::nullopt;
  }
  return v;
}

std::vector<std::pair<std::string, YAML::Node>> YamlReader::names(const YAML::Node& n, const std::string& what) {
  std::vector<std::pair<std::string, YAML::Node>> out;
  if (n.IsScalar()) {
    if (auto s = text(n, what)) out.emplace_back(*s, n);
    return out;
  }
  if (!n.IsSequence()) {
    error(n, fmt::format("{} must be a name or a list of names", what));
    return out;
  }
  for (const auto& item : n)
    if (auto s = text(item, what)) out.emplace_back(*s, item);
  if (out.empty() && n.size() == 0) error(n, fmt::format("{} is an empty list", what));
  return out;
}

}  // namespace takt::model
