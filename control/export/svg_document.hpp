#pragma once
// A minimal SVG writer: shapes and text appended in paint order, text escaped.
#include <string>
#include <string_view>

namespace takt::exporter {

class SvgDocument {
 public:
  void rect(double x, double y, double w, double h, std::string_view fill, std::string_view extra = {});
  void line(double x1, double y1, double x2, double y2, std::string_view stroke, double width = 1,
            std::string_view extra = {});
  // anchor: "start", "middle" or "end".
  void text(double x, double y, std::string_view s, double size = 11, std::string_view anchor = "start",
            std::string_view extra = {});
  void title(std::string_view tooltip);  // a <title> for the element just added (hover text)
  void raw(std::string_view markup) { body_ += markup; }
  std::string finish(double width, double height) const;

  static std::string escape(std::string_view s);

 private:
  std::string body_;
};

}  // namespace takt::exporter
