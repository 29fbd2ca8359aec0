#pragma once
// Reading the JSON documents and JSON-lines logs a run leaves, with errors that name the file
// (and the line, for logs).

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

namespace takt::cell_report {

// The whole file as one JSON value; InputError when it is missing or not JSON.
nlohmann::json read_json_file(const std::filesystem::path& file);

// One JSON value per non-empty line. A line cut short is dropped only when it is the last one:
// a writer killed mid-line leaves exactly that, and the lines before it are still good.
std::vector<nlohmann::json> read_json_lines(const std::filesystem::path& file);

// A field of a JSON object that must be there, converted to T; InputError naming file and key.
template <typename T>
T required(const nlohmann::json& object, const char* key, const std::filesystem::path& file);

}  // namespace takt::cell_report
