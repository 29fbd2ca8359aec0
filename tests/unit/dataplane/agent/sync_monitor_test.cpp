#include <catch2/catch.hpp>

#include "dataplane/agent/sync_monitor.hpp"

using namespace takt;
using namespace takt::agent;
using namespace std::chrono_literals;

TEST_CASE("a clock good at start-up is in sync at once, and only losing it is a loss", "[agent][sync]") {
  SyncMonitor m;
  CHECK(m.state() == SyncState::unknown);
  CHECK(m.observe(0ms, true) == SyncChange::none);
  CHECK(m.state() == SyncState::in_sync);
  CHECK(m.since() == Nanos{0ms});
}

TEST_CASE("a clock never in sync becomes out of sync without a loss to act on", "[agent][sync]") {
  SyncMonitor m;
  CHECK(m.observe(0ms, false) == SyncChange::none);
  CHECK(m.state() == SyncState::unknown);
  CHECK(m.observe(399ms, false) == SyncChange::none);
  CHECK(m.state() == SyncState::unknown);
  CHECK(m.observe(400ms, false) == SyncChange::none);
  CHECK(m.state() == SyncState::out_of_sync);
  // Coming good still waits the regain time, and is then reported as regained.
  CHECK(m.observe(1000ms, true) == SyncChange::none);
  CHECK(m.observe(3000ms, true) == SyncChange::regained);
  CHECK(m.state() == SyncState::in_sync);
}

TEST_CASE("a clock in sync is lost after loss_after of nothing but bad readings", "[agent][sync]") {
  SyncMonitor m;
  m.observe(0ms, true);
  CHECK(m.observe(1000ms, false) == SyncChange::none);
  CHECK(m.observe(1200ms, false) == SyncChange::none);
  CHECK(m.observe(1400ms, false) == SyncChange::lost);
  CHECK(m.state() == SyncState::out_of_sync);
  CHECK(m.since() == Nanos{1400ms});
  CHECK(m.observe(1600ms, false) == SyncChange::none);  // lost once, not at every reading
}

TEST_CASE("one good reading among bad ones restarts the loss time", "[agent][sync]") {
  SyncMonitor m;
  m.observe(0ms, true);
  m.observe(1000ms, false);
  m.observe(1300ms, false);
  m.observe(1350ms, true);
  CHECK(m.observe(1500ms, false) == SyncChange::none);
  CHECK(m.observe(1800ms, false) == SyncChange::none);
  CHECK(m.state() == SyncState::in_sync);
  CHECK(m.observe(1900ms, false) == SyncChange::lost);
}

TEST_CASE("a lost clock comes back only after regain_after of nothing but good readings", "[agent][sync]") {
  SyncMonitor m({.loss_after = 400ms, .regain_after = 2s});
  m.observe(0ms, true);
  m.observe(100ms, false);
  REQUIRE(m.observe(500ms, false) == SyncChange::lost);
  CHECK(m.observe(600ms, true) == SyncChange::none);
  CHECK(m.observe(2000ms, true) == SyncChange::none);
  CHECK(m.observe(2100ms, false) == SyncChange::none);  // a relapse restarts the regain time
  CHECK(m.observe(2200ms, true) == SyncChange::none);
  CHECK(m.observe(4199ms, true) == SyncChange::none);
  CHECK(m.state() == SyncState::out_of_sync);
  CHECK(m.observe(4200ms, true) == SyncChange::regained);
  CHECK(m.state() == SyncState::in_sync);
  CHECK(m.since() == Nanos{4200ms});
}

TEST_CASE("sync states have the names the agent API reports", "[agent][sync]") {
  CHECK(std::string(to_string(SyncState::unknown)) == "unknown");
  CHECK(std::string(to_string(SyncState::in_sync)) == "in-sync");
  CHECK(std::string(to_string(SyncState::out_of_sync)) == "out-of-sync");
}
