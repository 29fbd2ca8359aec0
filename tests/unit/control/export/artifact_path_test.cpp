#include <catch2/catch.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "control/export/artifact_path.hpp"

using namespace takt;
namespace fs = std::filesystem;

TEST_CASE("artifact paths are <folder>/<name><extension>", "[export][path]") {
  CHECK(exporter::artifact_path("yang", "sw1", ".json") == "yang/sw1.json");
  CHECK(exporter::artifact_path("talkers", "robot.arm-1_b", ".txt") == "talkers/robot.arm-1_b.txt");
}

TEST_CASE("artifact paths refuse names that are not one file name", "[export][path]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(exporter::artifact_path("yang", "", ".json"), Contains("empty"));
  CHECK_THROWS_WITH(exporter::artifact_path("yang", ".", ".json"), Contains("folder"));
  CHECK_THROWS_WITH(exporter::artifact_path("yang", "..", ".json"), Contains("folder"));
  CHECK_THROWS_WITH(exporter::artifact_path("taprio", "../../../../tmp/x/escbridge", ".sh"), Contains("separator"));
  CHECK_THROWS_WITH(exporter::artifact_path("talkers", "./robot", ".json"), Contains("separator"));
  CHECK_THROWS_WITH(exporter::artifact_path("talkers", "/etc/passwd", ""), Contains("separator"));
  CHECK_THROWS_WITH(exporter::artifact_path("talkers", "a\\b", ""), Contains("separator"));
  CHECK_THROWS_WITH(exporter::artifact_path("bridge", std::string("sw1\0x", 5), ".json"), Contains("NUL"));
}

TEST_CASE("output paths stay inside the output folder", "[export][path]") {
  const fs::path root = "/out/plan";
  CHECK(exporter::inside_output(root, "yang/sw1.json") == root / "yang/sw1.json");
  CHECK(exporter::inside_output(root, "yang/./sw1.json") == root / "yang/sw1.json");
  CHECK(exporter::inside_output(root, "yang/../plan.json") == root / "plan.json");
  CHECK_THROWS_WITH(exporter::inside_output(root, "yang/../../x.json"),
                    Catch::Matchers::Contains("leaves the output folder"));
  CHECK_THROWS_WITH(exporter::inside_output(root, "../x.sh"), Catch::Matchers::Contains("leaves the output folder"));
  CHECK_THROWS_WITH(exporter::inside_output(root, "/tmp/x.sh"), Catch::Matchers::Contains("not a path inside"));
  CHECK_THROWS(exporter::inside_output(root, ""));
  CHECK_THROWS(exporter::inside_output(root, "yang/.."));
}
