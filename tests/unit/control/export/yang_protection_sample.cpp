// Writes the YANG document of sw1 of sample_plan.hpp with the protection of
// sample_protection.hpp (every 802.1Qci and 802.1CB feature takt-bridge/1 has) to the file named
// by its argument, for the yanglint test.
#include <fstream>
#include <iostream>

#include "control/export/yang_sched_bridge.hpp"
#include "control/export/yang_stream_protection.hpp"
#include "sample_plan.hpp"
#include "sample_protection.hpp"

int main(int argc, char** argv) {
  using namespace takt;
  if (argc != 2) {
    std::cerr << "usage: yang_protection_sample OUT.json\n";
    return 2;
  }
  const auto plant = test::sample_plant();
  auto doc = exporter::sched_bridge_config(test::sample_plan(), plant, "sw1");
  for (const char* key : {"ieee802-dot1q-bridge:bridges", "ieee802-dot1cb-stream-identification:stream-identity",
                          "ieee802-dot1cb-frer:frer"})
    doc.erase(key);
  exporter::ProtectionYangOptions options;
  options.limits = exporter::stream_gate_limits(plant.profile_of(*plant.find_node("sw1")));
  options.bridge_address = "02-00-00-00-00-FE";
  doc.update(exporter::stream_protection_yang(test::sample_protected_bridge(), options));
  std::ofstream out(argv[1]);
  out << doc.dump(2) << "\n";
  return out ? 0 : 1;
}
