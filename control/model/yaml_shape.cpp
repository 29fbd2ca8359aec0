#include "control/model/yaml_shape.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <sstream>

#include <fmt/format.h>

namespace takt::model {
namespace {

// Thrown out of the parser at the first collection too deep: unwinding is the only way to stop
// yaml-cpp's recursive descent early.
struct TooDeep {
  YAML::Mark mark;
};

class DepthCounter : public YAML::EventHandler {
 public:
  explicit DepthCounter(int max_depth) : max_(max_depth) {}

  YAML::Mark document_start;

  void OnDocumentStart(const YAML::Mark& mark) override { document_start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    enter(mark);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    enter(mark);
  }
  void OnMapEnd() override { --depth_; }

 private:
  void enter(const YAML::Mark& mark) {
    if (++depth_ > max_) throw TooDeep{mark};
  }

  int max_;
  int depth_ = 0;
};

SourceLocation at(const std::string& file, const YAML::Mark& m) {
  return SourceLocation{file, m.line >= 0 ? m.line + 1 : 1, m.column >= 0 ? m.column + 1 : 1};
}

}  // namespace

std::optional<Diagnostic> check_yaml_shape(const std::string& text, const std::string& file, int max_depth) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DepthCounter counter(max_depth);
  try {
    if (!parser.HandleNextDocument(counter)) return std::nullopt;
    if (parser.HandleNextDocument(counter)) {
      return Diagnostic{Severity::error, at(file, counter.document_start),
                        "a second YAML document starts here; a plant file holds exactly one",
                        "remove the '---' and everything after it, or put the second plant in a file of its own"};
    }
  } catch (const TooDeep& e) {
    return Diagnostic{
        Severity::error, at(file, e.mark), fmt::format("nesting deeper than {} levels", max_depth),
        fmt::format("a plant nests a few levels (section, name, key, list); at most {} are read", max_depth)};
  } catch (const YAML::Exception&) {
    // A syntax error: the loader parses again and reports it with its own words.
  }
  return std::nullopt;
}

}  // namespace takt::model
