// Numbers and durations as the table shows them.

#include <catch2/catch.hpp>

#include "tools/cell_report/number_text.hpp"
#include "tools/cell_report/table_renderer.hpp"

using namespace takt::cell_report;

TEST_CASE("durations keep three or four digits and their unit", "[cell_report]") {
  CHECK(duration_text(std::nullopt) == "-");
  CHECK(duration_text(123'456) == "123.5 us");
  CHECK(duration_text(120'000) == "120 us");
  CHECK(duration_text(999'949) == "999.9 us");
  CHECK(duration_text(1'250'000) == "1.25 ms");
  CHECK(duration_text(2'000'000) == "2 ms");
  CHECK(duration_text(2'500'000'000) == "2.5 s");
}

TEST_CASE("percentages keep three decimals without trailing zeros", "[cell_report]") {
  CHECK(percent_text(std::nullopt) == "-");
  CHECK(percent_text(1.0) == "100");
  CHECK(percent_text(0.998723) == "99.872");
  CHECK(percent_text(0.5) == "50");
}

TEST_CASE("shortest prints integers without a fraction", "[cell_report]") {
  CHECK(shortest(500) == "500");
  CHECK(shortest(0.002) == "0.002");
  CHECK(shortest(1.5e-7) == "1.5e-07");
  CHECK(rounded(2.3456, 100) == "2.35");
}

TEST_CASE("columns are left aligned two spaces apart", "[cell_report]") {
  CHECK(aligned_columns({{"a", "bb", "c"}, {"ddd", "e", "f"}}, "  ") == "  a    bb  c\n  ddd  e   f\n");
}
