// Replays inputs through a fuzz target's LLVMFuzzerTestOneInput without libFuzzer, so the
// ordinary (GCC) build re-runs every seed and every input that once crashed a target, as a
// ctest entry. Arguments are files or folders (every regular file in them, in name order);
// an absent folder counts as empty, since git keeps no empty regressions folder.
//
// Exits 1 when no input was found at all: a replay that ran nothing must not pass. A crash,
// a trap or an escaping exception ends the process, which is what fails the entry.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::filesystem::path> inputs_of(const std::filesystem::path& arg) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (std::filesystem::is_regular_file(arg, ec)) {
    files.push_back(arg);
  } else if (std::filesystem::is_directory(arg, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(arg))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
  }
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t replayed = 0;
  for (int i = 1; i < argc; ++i) {
    const auto files = inputs_of(argv[i]);
    for (const auto& file : files) {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
        return 1;
      }
      const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      // libFuzzer hands over a buffer of exactly `size` bytes; a copy keeps the replay as strict
      // for out-of-bounds reads as ASan would be (an empty input gets a non-null pointer too).
      const std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
      const std::uint8_t empty = 0;
      LLVMFuzzerTestOneInput(data.empty() ? &empty : data.data(), data.size());
    }
    std::printf("replay: %zu input(s) from %s\n", files.size(), argv[i]);
    replayed += files.size();
  }
  if (replayed == 0) {
    std::fprintf(stderr, "replay: no input found in any of the %d argument(s); nothing was tested\n", argc - 1);
    return 1;
  }
  std::printf("replay: %zu input(s), no crash\n", replayed);
  return 0;
}
