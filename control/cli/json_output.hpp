#pragma once
// `--format json` output. Names, file names and messages can carry bytes that are not UTF-8 (a
// file called $'\xff.yaml', a plant that quotes them); JSON cannot, and nlohmann's default is to
// throw from dump(), which aborted taktctl. Such bytes become U+FFFD instead: the output stays
// JSON and the rest of the text stays readable.
#include <string>

namespace takt::cli {

template <class Json>
std::string json_text(const Json& j) {
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace takt::cli
