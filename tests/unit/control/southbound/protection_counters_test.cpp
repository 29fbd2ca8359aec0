// taktctl status reads what a bridge's stream filters discarded and its FRER recoveries
// eliminated and lost from the agent's /metrics, in takt-dataplane's exposition.
#include <catch2/catch.hpp>

#include <string>

#include "control/southbound/protection_counters.hpp"

using namespace takt::southbound;

namespace {

// As takt-dataplane renders it (tests/unit/dataplane/dpdk/protection_counters_test.cpp checks
// the names there), with a deadline-miss family and other drops around it.
const std::string kExposition = R"(# HELP takt_dataplane_dropped_frames_total Frames dropped, by port and reason
# TYPE takt_dataplane_dropped_frames_total counter
takt_dataplane_dropped_frames_total{port="p1",reason="malformed"} 9
takt_dataplane_dropped_frames_total{port="p1",reason="policed"} 5
takt_dataplane_dropped_frames_total{port="p1",reason="frer-eliminated"} 40
takt_dataplane_dropped_frames_total{port="p1",reason="r-tag-error"} 0
takt_dataplane_dropped_frames_total{port="p2",reason="policed"} 1
takt_dataplane_dropped_frames_total{port="p2",reason="frer-eliminated"} 2
takt_dataplane_dropped_frames_total{port="p2",reason="r-tag-error"} 3
# HELP takt_dataplane_deadline_misses_total x
# TYPE takt_dataplane_deadline_misses_total counter
takt_dataplane_deadline_misses_total{stream="s1"} 0
# HELP takt_psfp_matching_frames_total Frames that met an 802.1Qci stream filter, "*" the wildcard
# TYPE takt_psfp_matching_frames_total counter
takt_psfp_matching_frames_total{stream="s1",port="p1"} 1000
takt_psfp_matching_frames_total{stream="s1",port="p2"} 200
takt_psfp_matching_frames_total{stream="*",port="p1"} 4
# TYPE takt_psfp_passing_frames_total counter
takt_psfp_passing_frames_total{stream="s1",port="p1"} 998
# TYPE takt_psfp_discarded_frames_total counter
takt_psfp_discarded_frames_total{stream="s1",port="p1",reason="stream-gate-closed"} 1
takt_psfp_discarded_frames_total{stream="s1",port="p1",reason="flow-meter-red"} 1
takt_psfp_discarded_frames_total{stream="s1",port="p2",reason="flow-meter-red"} 0
takt_psfp_discarded_frames_total{stream="*",port="p1",reason="stream-gate-closed"} 4
takt_psfp_discarded_frames_total{stream="*",port="p1",reason="max-sdu-exceeded"} 0
# TYPE takt_frer_generated_frames_total counter
takt_frer_generated_frames_total{stream="s1"} 1200
# TYPE takt_frer_recovery_frames_total counter
takt_frer_recovery_frames_total{stream="s2",result="passed"} 500
takt_frer_recovery_frames_total{stream="s2",result="discarded"} 490
takt_frer_recovery_frames_total{stream="s2",result="out-of-order"} 3
takt_frer_recovery_frames_total{stream="s2",result="rogue"} 0
takt_frer_recovery_frames_total{stream="s2",result="lost"} 7
takt_frer_recovery_frames_total{stream="s2",result="tagless"} 0
takt_frer_recovery_frames_total{stream="s\"3\\",result="passed"} 10
# TYPE takt_frer_recovery_resets_total counter
takt_frer_recovery_resets_total{stream="s2"} 1
# TYPE takt_frer_latent_errors_total counter
takt_frer_latent_errors_total{stream="s2"} 2
# TYPE takt_frer_latent_error gauge
takt_frer_latent_error{stream="s2"} 1
takt_frer_latent_error{stream="s\"3\\"} 0
)";

}  // namespace

TEST_CASE("status sums a bridge's stream filter discards by reason and its FRER counters by stream",
          "[southbound][status]") {
  const auto p = protection_counters(kExposition);
  REQUIRE(p);
  CHECK(p->psfp);
  CHECK(p->frer);
  CHECK(p->policed == 6);
  CHECK(p->frer_eliminated == 42);
  CHECK(p->r_tag_errors == 3);

  CHECK(p->total.psfp_matching == 1204);
  CHECK(p->total.psfp_discarded_total() == 6);
  CHECK(p->total.psfp_discarded.at("stream-gate-closed") == 5);
  CHECK(p->total.psfp_discarded.at("flow-meter-red") == 1);
  CHECK(p->total.frer_generated == 1200);
  CHECK(p->total.frer_passed == 510);
  CHECK(p->total.frer_eliminated == 490);
  CHECK(p->total.frer_out_of_order == 3);
  CHECK(p->total.frer_lost == 7);
  CHECK(p->total.frer_resets == 1);
  CHECK(p->total.frer_latent_errors == 2);
  CHECK(p->total.latent_error);

  REQUIRE(p->streams.size() == 4);
  const auto& s1 = p->streams.at("s1");
  CHECK(s1.psfp_matching == 1200);
  CHECK(s1.psfp_discarded_total() == 2);
  CHECK(s1.troubled());
  const auto& wildcard = p->streams.at("*");
  CHECK(wildcard.psfp_discarded.at("stream-gate-closed") == 4);
  const auto& s2 = p->streams.at("s2");
  CHECK(s2.frer_lost == 7);
  CHECK(s2.latent_error);
  CHECK(s2.troubled());
  const auto& s3 = p->streams.at("s\"3\\");  // label values are unescaped
  CHECK(s3.frer_passed == 10);
  CHECK_FALSE(s3.troubled());

  CHECK(protection_text(*p) ==
        "  psfp: 1204 frames met a stream filter, 6 discarded (flow-meter-red 1, stream-gate-closed 5)\n"
        "  frer: 1200 generated; recovery passed 510, eliminated 490, lost 7, rogue 0, out-of-order 3, tagless 0, "
        "resets 1; latent errors 2, LATENT ERROR NOW on s2\n"
        "  r-tag errors: 3\n"
        "    stream *: psfp 4 discarded (stream-gate-closed 4)\n"
        "    stream s1: psfp 2 discarded (flow-meter-red 1, stream-gate-closed 1)\n"
        "    stream s2: frer lost 7, rogue 0; latent error now\n");
  const nlohmann::json j = protection_json(*p);
  CHECK(j.at("policed") == 6);
  CHECK(j.at("total").at("psfp-discarded") == 6);
  CHECK(j.at("total").at("psfp-discarded-by-reason").at("stream-gate-closed") == 5);
  CHECK(j.at("total").at("frer-eliminated") == 490);
  CHECK(j.at("streams").at("s2").at("frer-lost") == 7);
  CHECK(j.at("streams").at("s2").at("latent-error") == true);
  CHECK(j.at("streams").size() == 4);
}

TEST_CASE("status finds no protection counters in an exposition without psfp or frer families",
          "[southbound][status]") {
  CHECK_FALSE(protection_counters(""));
  CHECK_FALSE(
      protection_counters("takt_dataplane_dropped_frames_total{port=\"p1\",reason=\"policed\"} 0\n"
                          "takt_agent_requests_total 4\n"));
  // Broken lines are skipped, not guessed at.
  const auto p = protection_counters(
      "takt_frer_lost_total{stream=\"s1\" 3\n"
      "takt_frer_recovery_frames_total{stream=\"s1\",result=\"lost\"} -4\n"
      "takt_frer_recovery_frames_total{stream=\"s1\",result=\"lost\"} NaN\n"
      "takt_frer_recovery_frames_total{stream=\"s1\",result=\"lost\"} 2 1700000000000\n"
      "takt_frer_recovery_frames_total{stream=\"s1\",result=\"lost\"} 1e3\r\n");
  REQUIRE(p);
  CHECK(p->streams.at("s1").frer_lost == 1002);
}
