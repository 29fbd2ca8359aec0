// PlanFolder and the plan.json record, below the CLI (plan_folder_cli_test.sh runs taktctl):
// publishing swaps whole folders, keeps files takt did not write, and a record cannot point
// outside its folder.
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "control/export/plan_folder.hpp"
#include "control/export/plan_manifest.hpp"
#include "control/export/sha256.hpp"

namespace fs = std::filesystem;
using takt::exporter::PlanFolder;
using takt::exporter::PlanFolderError;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("takt-plan-folder-" + std::to_string(::getpid()));
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A minimal plan folder: one artifact and plan.json recording it.
void stage(const fs::path& dir, const std::string& report) {
  write(dir / "report.txt", report);
  nlohmann::json j{{"format", "takt-plan/1"}};
  j["artifacts"] = takt::exporter::manifest_json({{"report.txt", report.size(), takt::exporter::sha256_hex(report)}});
  write(dir / "plan.json", j.dump());
}

}  // namespace

TEST_CASE("sha256 of the empty string and of abc are the standard digests") {
  CHECK(takt::exporter::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(takt::exporter::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("a plan folder appears only when published, and a new plan replaces the old whole") {
  TempDir t;
  const fs::path target = t.path / "plan";
  {
    PlanFolder folder(target);
    stage(folder.staging(), "first\n");
    CHECK_FALSE(fs::exists(target));
    folder.publish();
  }
  CHECK(read(target / "report.txt") == "first\n");
  {
    PlanFolder folder(target);
    stage(folder.staging(), "second\n");
    folder.publish();
  }
  CHECK(read(target / "report.txt") == "second\n");
  // No staging folder is left beside the target.
  CHECK(std::distance(fs::directory_iterator(t.path), fs::directory_iterator()) == 1);
}

TEST_CASE("a plan folder that is dropped unpublished leaves the target as it was") {
  TempDir t;
  const fs::path target = t.path / "plan";
  {
    PlanFolder folder(target);
    stage(folder.staging(), "good\n");
    folder.publish();
  }
  {
    PlanFolder folder(target);
    stage(folder.staging(), "half\n");
    // e.g. writing an artifact threw: publish() never runs
  }
  CHECK(read(target / "report.txt") == "good\n");
  CHECK(std::distance(fs::directory_iterator(t.path), fs::directory_iterator()) == 1);
}

TEST_CASE("publishing keeps files takt did not write and refuses to overwrite one") {
  TempDir t;
  const fs::path target = t.path / "home";
  write(target / "notes.txt", "mine\n");
  {
    PlanFolder folder(target);
    stage(folder.staging(), "plan\n");
    folder.publish();
  }
  CHECK(read(target / "notes.txt") == "mine\n");
  CHECK(read(target / "report.txt") == "plan\n");

  const fs::path other = t.path / "other";
  write(other / "report.txt", "not takt's\n");
  PlanFolder folder(other);
  stage(folder.staging(), "plan\n");
  CHECK_THROWS_WITH(folder.publish(), Catch::Contains("report.txt is in the way"));
  CHECK(read(other / "report.txt") == "not takt's\n");
  CHECK_FALSE(fs::exists(other / "plan.json"));
}

TEST_CASE("a plan.json whose record points outside its folder is refused") {
  TempDir t;
  for (const std::string bad : {"../escape.txt", "/etc/passwd", "a/../../b"}) {
    nlohmann::json j{{"format", "takt-plan/1"}};
    j["artifacts"] = takt::exporter::manifest_json({{bad, 0, takt::exporter::sha256_hex("")}});
    write(t.path / "plan.json", j.dump());
    CHECK_THROWS_AS(takt::exporter::verify_plan_folder(t.path), PlanFolderError);
  }
}

TEST_CASE("a plan.json whose record is malformed is refused, naming the file") {
  TempDir t;
  write(t.path / "plan.json", R"({"format": "takt-plan/1", "artifacts": [{"path": "report.txt", "bytes": -1}]})");
  CHECK_THROWS_WITH(takt::exporter::verify_plan_folder(t.path), Catch::Contains("plan.json"));
  write(t.path / "plan.json", std::string(100, '[') + std::string(100, ']'));
  CHECK_THROWS_WITH(takt::exporter::verify_plan_folder(t.path), Catch::Contains("not a plan"));
}
