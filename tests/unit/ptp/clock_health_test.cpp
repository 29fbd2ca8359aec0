#include <catch2/catch.hpp>

#include "ptp/clock_health.hpp"

using namespace takt::ptp;
using takt::Nanos;

namespace {

const ClockIdentity kSelf{{0x0e, 0xeb, 0x4d, 0xff, 0xfe, 0xf4, 0xfa, 0xc8}};
const ClockIdentity kOther{{0x62, 0x61, 0xfb, 0xff, 0xfe, 0xd9, 0x42, 0x17}};

ClockHealth node(std::initializer_list<PortState> states, ClockIdentity gm, Nanos offset = Nanos{0}) {
  ClockHealth h;
  h.clock_identity = kSelf;
  std::uint16_t n = 1;
  for (PortState s : states) h.ports.push_back(PortHealth{PortIdentity{kSelf, n++}, s, 1, Nanos{0}});
  h.grandmaster_identity = gm;
  h.gm_present = gm != kSelf;
  h.offset_from_master = offset;
  h.current_utc_offset = 37;
  return h;
}

}  // namespace

TEST_CASE("a grandmaster serving the domain is healthy", "[ptp][health]") {
  const ClockHealth gm = node({PortState::master}, kSelf);
  CHECK(gm.is_grandmaster());
  const HealthAssessment a = assess(gm, Nanos{1000});
  CHECK(a.ok);
  CHECK_THAT(a.reason, Catch::StartsWith("grandmaster: this clock (0eeb4d.fffe.f4fac8)"));
}

TEST_CASE("a slave is healthy only within the sync budget, either sign", "[ptp][health]") {
  CHECK(assess(node({PortState::slave}, kOther, Nanos{1000}), Nanos{1000}).ok);
  CHECK(assess(node({PortState::slave}, kOther, Nanos{-1000}), Nanos{1000}).ok);
  const HealthAssessment in = assess(node({PortState::slave}, kOther, Nanos{-59}), Nanos{1000});
  CHECK_THAT(in.reason, Catch::Contains("offset from master -59 ns within the 1000 ns sync budget"));
  CHECK_THAT(in.reason, Catch::Contains("grandmaster 6261fb.fffe.d94217"));

  const HealthAssessment out = assess(node({PortState::slave}, kOther, Nanos{-1001}), Nanos{1000});
  CHECK_FALSE(out.ok);
  CHECK_THAT(out.reason, Catch::Contains("-1001 ns, beyond the 1000 ns sync budget"));
}

TEST_CASE("a boundary clock is judged by its slave port", "[ptp][health]") {
  CHECK(assess(node({PortState::master, PortState::slave}, kOther, Nanos{10}), Nanos{100}).ok);
  CHECK_FALSE(assess(node({PortState::master, PortState::slave}, kOther, Nanos{500}), Nanos{100}).ok);
}

TEST_CASE("states a person must act on come with the port and a hint", "[ptp][health]") {
  SECTION("UNCALIBRATED (free-running slave)") {
    const HealthAssessment a = assess(node({PortState::uncalibrated}, kOther, Nanos{3}), Nanos{1000});
    CHECK_FALSE(a.ok);
    CHECK_THAT(a.reason, Catch::Contains("port 1 (0eeb4d.fffe.f4fac8-1) is UNCALIBRATED"));
    CHECK_THAT(a.reason, Catch::Contains("SET SYNCHRONIZATION_UNCERTAIN_NP 0"));
  }
  SECTION("LISTENING") {
    const HealthAssessment a = assess(node({PortState::listening, PortState::disabled}, kSelf), Nanos{1000});
    CHECK_FALSE(a.ok);
    CHECK_THAT(a.reason, Catch::Contains("no port is SLAVE or MASTER (port 1 LISTENING, port 2 DISABLED)"));
    CHECK_THAT(a.reason, Catch::Contains("transportSpecific"));
  }
  SECTION("FAULTY beats everything else") {
    const HealthAssessment a = assess(node({PortState::slave, PortState::faulty}, kOther), Nanos{1000});
    CHECK_FALSE(a.ok);
    CHECK_THAT(a.reason, Catch::Contains("port 2 (0eeb4d.fffe.f4fac8-2) is FAULTY"));
  }
  SECTION("MASTER without being the grandmaster") {
    const HealthAssessment a = assess(node({PortState::master}, kOther), Nanos{1000});
    CHECK_FALSE(a.ok);
    CHECK_THAT(a.reason, Catch::Contains("MASTER but the grandmaster is 6261fb.fffe.d94217"));
  }
  SECTION("no ports") {
    const HealthAssessment a = assess(node({}, kSelf), Nanos{1000});
    CHECK_FALSE(a.ok);
    CHECK_THAT(a.reason, Catch::Contains("no ports"));
  }
}

TEST_CASE("UTC offset: announced value when valid, 37 s otherwise", "[ptp][health]") {
  ClockHealth h = node({PortState::slave}, kOther);
  h.current_utc_offset = 0;
  h.current_utc_offset_valid = false;
  CHECK(h.utc_offset() == std::chrono::seconds{37});
  h.current_utc_offset = 38;
  h.current_utc_offset_valid = true;
  CHECK(h.utc_offset() == std::chrono::seconds{38});
}

TEST_CASE("JSON carries names, identities and integer units", "[ptp][health]") {
  ClockHealth h = node({PortState::uncalibrated}, kOther, Nanos{-59});
  h.mean_path_delay = Nanos{2824};
  h.steps_removed = 1;
  const nlohmann::json j = h;
  CHECK(j.at("clock_identity") == "0eeb4d.fffe.f4fac8");
  CHECK(j.at("grandmaster_identity") == "6261fb.fffe.d94217");
  CHECK(j.at("ports").size() == 1);
  CHECK(j.at("ports")[0].at("state") == "UNCALIBRATED");
  CHECK(j.at("ports")[0].at("port_identity") == "0eeb4d.fffe.f4fac8-1");
  CHECK(j.at("ports")[0].at("delay_mechanism") == "E2E");
  CHECK(j.at("offset_from_master_ns") == -59);
  CHECK(j.at("mean_path_delay_ns") == 2824);
  CHECK(j.at("steps_removed") == 1);
  CHECK(j.at("gm_present") == true);
  CHECK(j.at("is_grandmaster") == false);
  CHECK(j.at("utc_offset_s") == 37);
  CHECK(j.at("current_utc_offset_valid") == false);

  const nlohmann::json a = assess(h, Nanos{1000});
  CHECK(a.at("ok") == false);
  CHECK(a.at("reason").get<std::string>().find("UNCALIBRATED") != std::string::npos);
}

TEST_CASE("text output names states and identities like ptp4l", "[ptp][health]") {
  const std::string text = to_text(node({PortState::master}, kSelf));
  CHECK_THAT(text, Catch::Contains("port 0eeb4d.fffe.f4fac8-1: MASTER (E2E)"));
  CHECK_THAT(text, Catch::Contains("grandmaster: 0eeb4d.fffe.f4fac8 = this clock (gmPresent no)"));
  CHECK_THAT(text, Catch::Contains("UTC offset: 37 s"));
}
