#include "tools/cell_report/json_file.hpp"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "protocol/bounded_json.hpp"
#include "tools/cell_report/input_error.hpp"

namespace takt::cell_report {

nlohmann::json read_json_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw InputError(file, "cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  // Reports come from the machines of a cell run: nesting is bounded before parsing so that a
  // broken or hostile file is an error, never a stack overflow.
  try {
    return parse_bounded_json(text.str());
  } catch (const JsonLimitError& e) {
    throw InputError(file, e.what());
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file, std::string("not JSON: ") + e.what());
  }
}

std::vector<nlohmann::json> read_json_lines(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw InputError(file, "cannot be read");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  std::vector<nlohmann::json> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    try {
      out.push_back(parse_bounded_json(lines[i]));
    } catch (const JsonLimitError& e) {
      throw InputError(file, std::string("line ").append(std::to_string(i + 1)).append(": ").append(e.what()));
    } catch (const nlohmann::json::exception& e) {
      if (i + 1 == lines.size()) break;
      throw InputError(file, "line " + std::to_string(i + 1) + " is not JSON: " + e.what());
    }
  }
  return out;
}

template <typename T>
T required(const nlohmann::json& object, const char* key, const std::filesystem::path& file) {
  if (!object.is_object() || !object.contains(key) || object.at(key).is_null())
    throw InputError(file, std::string("has no \"") + key + "\"");
  try {
    return object.at(key).get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file, std::string("\"") + key + "\" has the wrong type: " + e.what());
  }
}

template std::string required<std::string>(const nlohmann::json&, const char*, const std::filesystem::path&);
template std::int64_t required<std::int64_t>(const nlohmann::json&, const char*, const std::filesystem::path&);
template std::uint64_t required<std::uint64_t>(const nlohmann::json&, const char*, const std::filesystem::path&);

}  // namespace takt::cell_report
