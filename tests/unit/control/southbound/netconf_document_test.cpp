#include <catch2/catch.hpp>

#include <libyang/libyang.h>

#include <algorithm>
#include <memory>

#include "control/southbound/netconf_document.hpp"
#include "control/southbound/netconf_port_state.hpp"

using namespace takt::southbound;
using json = nlohmann::ordered_json;

namespace {

// A bridge document as yang/<bridge>.json has it: a scheduled port, an unscheduled one, and
// stream identification.
json bridge_document() {
  return json::parse(R"({
  "ietf-interfaces:interfaces": {"interface": [
    {"name": "p1", "type": "iana-if-type:ethernetCsmacd",
     "ieee802-dot1q-bridge:bridge-port": {"ieee802-dot1q-sched-bridge:gate-parameter-table": {
       "gate-enabled": true, "admin-gate-states": 255,
       "admin-control-list": {"gate-control-entry": [
         {"index": 0, "operation-name": "ieee802-dot1q-sched:set-gate-states", "time-interval-value": 400000,
          "gate-states-value": 64},
         {"index": 1, "operation-name": "ieee802-dot1q-sched:set-gate-states", "time-interval-value": 600000,
          "gate-states-value": 191}]},
       "admin-cycle-time": {"numerator": 1, "denominator": 1000},
       "admin-base-time": {"seconds": "0", "nanoseconds": 0},
       "config-change": true,
       "supported-list-max": 1024}}},
    {"name": "p2", "type": "iana-if-type:ethernetCsmacd"}]},
  "ieee802-dot1cb-stream-identification:stream-identity": [{"index": 0}]
})");
}

}  // namespace

TEST_CASE("NETCONF content: the modules a plan needs and the cut to the gate tables", "[southbound][netconf]") {
  const json doc = bridge_document();
  CHECK(netconf_modules_needed(doc, NetconfContent::all) ==
        std::vector<std::string>{"ieee802-dot1q-sched-bridge", "ieee802-dot1cb-stream-identification"});
  CHECK(netconf_modules_needed(doc, NetconfContent::schedule) ==
        std::vector<std::string>{"ieee802-dot1q-sched-bridge"});
  json with_psfp = doc;
  with_psfp["ieee802-dot1q-bridge:bridges"] = json::parse(
      R"({"bridge": [{"name": "sw1", "component": [{"name": "sw1", "ieee802-dot1q-psfp-bridge:stream-filters": {}}]}]})");
  with_psfp["ieee802-dot1cb-frer:frer"] = json::object();
  CHECK(netconf_modules_needed(with_psfp, NetconfContent::all) ==
        std::vector<std::string>{"ieee802-dot1q-sched-bridge", "ieee802-dot1q-psfp-bridge",
                                 "ieee802-dot1cb-stream-identification", "ieee802-dot1cb-frer"});

  CHECK(netconf_content(doc, NetconfContent::all) == doc);
  const json cut = netconf_content(doc, NetconfContent::schedule);
  REQUIRE(cut.size() == 1);  // interfaces only
  const auto& interfaces = cut["ietf-interfaces:interfaces"]["interface"];
  REQUIRE(interfaces.size() == 1);  // p2 has no gate table
  CHECK(interfaces[0]["name"] == "p1");
  CHECK(interfaces[0]["type"] == "iana-if-type:ethernetCsmacd");
  CHECK(interfaces[0]["ieee802-dot1q-bridge:bridge-port"]["ieee802-dot1q-sched-bridge:gate-parameter-table"] ==
        doc["ietf-interfaces:interfaces"]["interface"][0]["ieee802-dot1q-bridge:bridge-port"]
           ["ieee802-dot1q-sched-bridge:gate-parameter-table"]);
}

TEST_CASE("NETCONF content: the base time as 802.1Q PTP time, alone and in place", "[southbound][netconf]") {
  const json doc = bridge_document();
  const takt::TaiTime base = takt::tai_ns(1'796'390'813'536'000'123);
  const json only = netconf_base_time(doc, base);
  const auto& interfaces = only["ietf-interfaces:interfaces"]["interface"];
  REQUIRE(interfaces.size() == 1);
  const json& table =
      interfaces[0]["ieee802-dot1q-bridge:bridge-port"]["ieee802-dot1q-sched-bridge:gate-parameter-table"];
  CHECK(table.size() == 2);  // nothing but the base time and config-change: merged into the staged list
  CHECK(table["admin-base-time"]["seconds"] == "1796390813");  // uint64: a string in RFC 7951
  CHECK(table["admin-base-time"]["nanoseconds"] == 536000123);
  CHECK(table["config-change"] == true);

  const json full = netconf_with_base_time(doc, base);
  const json& full_table = full["ietf-interfaces:interfaces"]["interface"][0]["ieee802-dot1q-bridge:bridge-port"]
                               ["ieee802-dot1q-sched-bridge:gate-parameter-table"];
  CHECK(full_table["admin-base-time"] == table["admin-base-time"]);
  CHECK(full_table["admin-control-list"]["gate-control-entry"].size() == 2);
  CHECK(full["ietf-interfaces:interfaces"]["interface"][1] == doc["ietf-interfaces:interfaces"]["interface"][1]);
}

#ifdef TAKT_TEST_YANG_DIRS
namespace {

struct ContextDeleter {
  void operator()(ly_ctx* c) const { ly_ctx_destroy(c); }
};

std::unique_ptr<ly_ctx, ContextDeleter> bridge_context() {
  ly_ctx* ctx = nullptr;
  REQUIRE(ly_ctx_new(nullptr, LY_CTX_DISABLE_SEARCHDIR_CWD, &ctx) == LY_SUCCESS);
  std::unique_ptr<ly_ctx, ContextDeleter> owned(ctx);
  std::string dirs = TAKT_TEST_YANG_DIRS;
  for (std::size_t from = 0; from < dirs.size();) {
    const std::size_t colon = std::min(dirs.find(':', from), dirs.size());
    ly_ctx_set_searchdir(ctx, dirs.substr(from, colon - from).c_str());
    from = colon + 1;
  }
  const char* all[] = {"*", nullptr};
  for (const char* m : {"ietf-netconf", "iana-if-type", "ieee802-dot1q-sched", "ieee802-dot1q-sched-bridge"})
    REQUIRE(ly_ctx_load_module(ctx, m, nullptr, all) != nullptr);
  return owned;
}

}  // namespace

TEST_CASE("NETCONF content: parsed in the bridge's models, gate tables replaced, read back compared",
          "[southbound][netconf]") {
  ly_log_options(LY_LOSTORE_LAST);
  auto ctx = bridge_context();
  const json doc = netconf_content(bridge_document(), NetconfContent::schedule);
  const DataTree tree = netconf_config_tree(ctx.get(), doc, "sw1 (test)");
  const std::string xml = netconf_edit_xml(ctx.get(), tree);
  // One replace per gate table: a shorter new list leaves no old entries behind.
  std::size_t replaces = 0;
  for (std::size_t at = xml.find("operation=\"replace\""); at != std::string::npos;
       at = xml.find("operation=\"replace\"", at + 1))
    ++replaces;
  CHECK(replaces == 1);
  CHECK_THAT(xml, Catch::Contains("<gate-parameter-table") && Catch::Contains("<time-interval-value>600000<"));

  SECTION("what the server holds is compared leaf by leaf") {
    const DataTree same = netconf_config_tree(ctx.get(), doc, "sw1 (test)");
    CHECK(netconf_differences(tree, same).empty());
    json drifted = doc;
    auto& entries =
        drifted["ietf-interfaces:interfaces"]["interface"][0]["ieee802-dot1q-bridge:bridge-port"]
               ["ieee802-dot1q-sched-bridge:gate-parameter-table"]["admin-control-list"]["gate-control-entry"];
    entries[1]["gate-states-value"] = 190;
    entries.erase(0);
    const DataTree running = netconf_config_tree(ctx.get(), drifted, "sw1 (test)");
    const auto differences = netconf_differences(tree, running);
    CHECK(std::any_of(differences.begin(), differences.end(), [](const std::string& d) {
      return d.find("gate-control-entry[index='1']/gate-states-value: is 190, want 191") != std::string::npos;
    }));
    CHECK(std::any_of(differences.begin(), differences.end(), [](const std::string& d) {
      return d.find("gate-control-entry[index='0']/time-interval-value: missing, want 400000") != std::string::npos;
    }));
    CHECK(netconf_differences(tree, DataTree()).size() > 5);  // an empty server lacks everything
  }

  SECTION("a plan the models do not take is refused naming the bridge and the node") {
    json bad = doc;
    bad["ietf-interfaces:interfaces"]["interface"][0]["ieee802-dot1q-bridge:bridge-port"]
       ["ieee802-dot1q-sched-bridge:gate-parameter-table"]["admin-gate-states"] = 300;
    CHECK_THROWS_WITH(netconf_config_tree(ctx.get(), bad, "sw1 (test)"),
                      Catch::Contains("sw1 (test): the plan does not fit") && Catch::Contains("admin-gate-states"));
    json unknown = doc;
    unknown["ietf-interfaces:interfaces"]["interface"][0]["ieee802-dot1q-bridge:bridge-port"]
           ["ieee802-dot1q-sched-bridge:gate-parameter-table"]["no-such-leaf"] = 1;
    CHECK_THROWS_WITH(netconf_config_tree(ctx.get(), unknown, "sw1 (test)"), Catch::Contains("no-such-leaf"));
  }
}
namespace {

json& gate_table_of(json& doc) {
  return doc["ietf-interfaces:interfaces"]["interface"][0]["ieee802-dot1q-bridge:bridge-port"]
            ["ieee802-dot1q-sched-bridge:gate-parameter-table"];
}

bool has_line(const std::vector<std::string>& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

}  // namespace

TEST_CASE("NETCONF drift: base time aside but for its phase, extra entries counted", "[southbound][netconf]") {
  ly_log_options(LY_LOSTORE_LAST);
  auto ctx = bridge_context();
  const json doc = netconf_content(bridge_document(), NetconfContent::schedule);
  const json plain = netconf_without_base_time(doc);
  CHECK_FALSE(plain["ietf-interfaces:interfaces"]["interface"][0]["ieee802-dot1q-bridge:bridge-port"]
                   ["ieee802-dot1q-sched-bridge:gate-parameter-table"]
                       .contains("admin-base-time"));
  const DataTree want = netconf_config_tree(ctx.get(), plain, "sw1 (test)");
  const takt::Nanos hyperperiod{1'000'000};

  // What a bridge runs after an install: the plan with that install's base time.
  json installed = netconf_with_base_time(doc, takt::TaiTime{takt::Nanos{1'700'000'000'003'000'000}});
  {
    const DataTree running = netconf_config_tree(ctx.get(), installed, "sw1 (test)");
    CHECK(netconf_differences(want, running).empty());
    CHECK(netconf_extra_entries(want, running).empty());
    CHECK(netconf_base_time_phase(want, running, hyperperiod).empty());
  }
  SECTION("a base time off the hyperperiod grid is drift") {
    gate_table_of(installed)["admin-base-time"]["nanoseconds"] = 3'000'500;
    const DataTree running = netconf_config_tree(ctx.get(), installed, "sw1 (test)");
    const auto phase = netconf_base_time_phase(want, running, hyperperiod);
    REQUIRE(phase.size() == 1);
    CHECK_THAT(phase[0], Catch::Contains("admin-base-time: 1700000000003000500 ns is off the hyperperiod grid of "
                                         "1000000 ns"));
    CHECK(netconf_base_time_phase(want, running, takt::Nanos{0}).empty());
  }
  SECTION("a missing base time, or one past any takt sets, is reported without overflow") {
    gate_table_of(installed).erase("admin-base-time");
    const DataTree running = netconf_config_tree(ctx.get(), installed, "sw1 (test)");
    CHECK(has_line(netconf_base_time_phase(want, running, hyperperiod), "admin-base-time: missing"));
    gate_table_of(installed)["admin-base-time"] = {{"seconds", "18446744073709551615"}, {"nanoseconds", 0}};
    const DataTree far = netconf_config_tree(ctx.get(), installed, "sw1 (test)");
    CHECK(has_line(netconf_base_time_phase(want, far, hyperperiod), "past any base time"));
  }
  SECTION("an entry the plan does not have is drift: gate tables are installed whole") {
    gate_table_of(installed)["admin-control-list"]["gate-control-entry"].push_back(
        {{"index", 2},
         {"operation-name", "ieee802-dot1q-sched:set-gate-states"},
         {"time-interval-value", 1000},
         {"gate-states-value", 255}});
    const DataTree running = netconf_config_tree(ctx.get(), installed, "sw1 (test)");
    CHECK(netconf_differences(want, running).empty());  // running holds all of the plan
    const auto extra = netconf_extra_entries(want, running);
    REQUIRE(extra.size() == 1);
    CHECK_THAT(extra[0], Catch::Contains("gate-control-entry[index='2']: not in the plan"));
  }
}

TEST_CASE("NETCONF status: each port's admin and oper gate lists from a <get> reply", "[southbound][netconf]") {
  ly_log_options(LY_LOSTORE_LAST);
  auto ctx = bridge_context();
  json doc = netconf_content(bridge_document(), NetconfContent::schedule);
  auto& table = gate_table_of(doc);
  table["admin-base-time"] = {{"seconds", "1700000000"}, {"nanoseconds", 5}};
  const auto parse = [&](const json& d) {
    lyd_node* tree = nullptr;
    REQUIRE(lyd_parse_data_mem(ctx.get(), d.dump().c_str(), LYD_JSON, LYD_PARSE_ONLY | LYD_PARSE_STRICT, 0, &tree) ==
            LY_SUCCESS);
    return DataTree(tree);
  };
  SECTION("a server without state instrumentation: admin only") {
    const auto ports = netconf_port_states(parse(doc));
    REQUIRE(ports.size() == 1);  // p2 has no gate table
    CHECK(ports[0].port == "p1");
    CHECK(ports[0].gate_enabled == std::optional<bool>(true));
    REQUIRE(ports[0].admin);
    CHECK(ports[0].admin->entries == 2);
    CHECK(ports[0].admin->cycle_ns == std::optional<std::int64_t>(1'000'000));
    CHECK(ports[0].admin->base_time_ns == std::optional<std::int64_t>(1'700'000'000'000'000'005));
    CHECK_FALSE(ports[0].oper);
    CHECK_FALSE(ports[0].config_pending);
    CHECK(describe(*ports[0].admin) == "2 entries, cycle 1000000 ns, base time 1700000000000000005 ns");
  }
  SECTION("a server that reports oper state; values out of range are not trusted") {
    table["oper-control-list"] = table["admin-control-list"];
    table["oper-control-list"]["gate-control-entry"].erase(1);
    table["oper-cycle-time"] = {{"numerator", 4000000}, {"denominator", 1}};  // 4e6 s: no gate cycle
    table["oper-base-time"] = {{"seconds", "99999999999"}, {"nanoseconds", 0}};
    table["config-pending"] = true;
    const auto ports = netconf_port_states(parse(doc));
    REQUIRE(ports.size() == 1);
    REQUIRE(ports[0].oper);
    CHECK(ports[0].oper->entries == 1);
    CHECK_FALSE(ports[0].oper->cycle_ns);
    CHECK_FALSE(ports[0].oper->base_time_ns);
    CHECK(ports[0].config_pending == std::optional<bool>(true));
    CHECK(netconf_oper_problems(ports).empty());  // pending: the switch took the change
  }
  SECTION("after a commit the change must be pending or oper where the server says") {
    table["oper-control-list"] = table["admin-control-list"];
    table["oper-cycle-time"] = table["admin-cycle-time"];
    table["config-pending"] = false;
    CHECK(netconf_oper_problems(netconf_port_states(parse(doc))).empty());  // already oper
    table["oper-control-list"]["gate-control-entry"].erase(1);
    const auto problems = netconf_oper_problems(netconf_port_states(parse(doc)));
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0], Catch::Contains("p1: the committed schedule is neither pending nor oper: oper 1 entries"));
    table.erase("oper-control-list");
    table.erase("oper-cycle-time");
    table.erase("config-pending");
    CHECK(netconf_oper_problems(netconf_port_states(parse(doc))).empty());  // no state: nothing to judge
  }
}
#endif
