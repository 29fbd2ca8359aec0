#include "control/export/svg_document.hpp"

#include <fmt/format.h>

namespace takt::exporter {

std::string SvgDocument::escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void SvgDocument::rect(double x, double y, double w, double h, std::string_view fill, std::string_view extra) {
  body_ += fmt::format("<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"{}\"{}{}/>\n", x, y,
                       w, h, fill, extra.empty() ? "" : " ", extra);
}

void SvgDocument::line(double x1, double y1, double x2, double y2, std::string_view stroke, double width,
                       std::string_view extra) {
  body_ += fmt::format(
      "<line x1=\"{:.2f}\" y1=\"{:.2f}\" x2=\"{:.2f}\" y2=\"{:.2f}\" stroke=\"{}\" stroke-width=\"{}\"{}{}/>\n", x1, y1,
      x2, y2, stroke, width, extra.empty() ? "" : " ", extra);
}

void SvgDocument::text(double x, double y, std::string_view s, double size, std::string_view anchor,
                       std::string_view extra) {
  body_ += fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\" font-size=\"{}\" text-anchor=\"{}\"{}{}>{}</text>\n", x, y,
                       size, anchor, extra.empty() ? "" : " ", extra, escape(s));
}

void SvgDocument::title(std::string_view tooltip) {
  // Turn the last self-closing element into one with a <title> child.
  const auto end = body_.rfind("/>\n");
  if (end == std::string::npos || end + 3 != body_.size()) return;
  const auto open = body_.rfind('<', end);
  const auto name_end = body_.find_first_of(" >", open);
  const std::string name = body_.substr(open + 1, name_end - open - 1);
  body_.resize(end);
  body_ += fmt::format("><title>{}</title></{}>\n", escape(tooltip), name);
}

std::string SvgDocument::finish(double width, double height) const {
  return fmt::format(
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} "
             "{1:.0f}\" "
             "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
             "<defs><pattern id=\"guard\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
             "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f6d5d5\"/>"
             "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#c0392b\" stroke-width=\"2\"/></pattern></defs>\n"
             "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
             width, height) +
         body_ + "</svg>\n";
}

}  // namespace takt::exporter
