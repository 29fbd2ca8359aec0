#include "dataplane/dpdk/protection_schedule.hpp"

#include <fmt/format.h>

#include "dataplane/core/config_error.hpp"

namespace takt::dpdk {

namespace {

std::optional<std::size_t> running_filter(const ProtectionSchedule* running, const bridge::StreamFilterEntry& f) {
  if (!running) return std::nullopt;
  for (std::size_t i = 0; i < running->filters.size(); ++i) {
    const auto& r = running->filters[i];
    if (r.stream == f.stream && r.port == f.port && r.priority == f.priority) return i;
  }
  return std::nullopt;
}

}  // namespace

ProtectionSchedule next_protection(const bridge::BridgeConfig& config, const ProtectionSchedule* running, TaiTime now) {
  ProtectionSchedule p;
  p.written_at = now;
  p.port_count = config.ports.size();
  p.stream_count = config.streams.size();
  const auto& prot = config.protection;
  p.any_filter = !prot.stream_filters.empty();
  p.table = bridge::stream_filter_table(config);
  auto stream_handle = [&config](const std::string& name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < config.streams.size(); ++i)
      if (config.streams[i].name == name) return i;
    return std::nullopt;
  };
  for (std::size_t i = 0; i < prot.stream_filters.size(); ++i) {
    const auto& f = prot.stream_filters[i];
    p.filters.push_back(f);
    p.filter_configs.push_back(f.core_config());
    std::optional<GateEngine> gate;
    if (f.gate) {
      const auto& table = f.gate->schedule;
      const auto before = running_filter(running, f);
      try {
        if (!table.gate_enabled) {
          gate = GateEngine(table.admin_gate_states);
        } else if (before && running->gates[*before] && !table.config_change) {
          gate = running->gates[*before];
        } else {
          gate = before && running->gates[*before] ? running->gates[*before] : GateEngine(table.admin_gate_states);
          gate->set_admin(bridge::stream_gate_control_list(*f.gate), now);
        }
      } catch (const ConfigError& e) {
        throw ConfigError(fmt::format("stream filter {} (stream {}, port {}): {}", i, f.stream, f.port, e.what()));
      }
      gate->advance(now);
    }
    p.gates.push_back(std::move(gate));
  }
  p.roles.assign(p.stream_count, FrerRole::none);
  p.recovery.assign(p.stream_count, SequenceRecoveryConfig{});
  p.individual_recovery.assign(p.stream_count, false);
  for (const auto& name : prot.sequence_generation) {
    const auto h = stream_handle(name);
    if (!h) throw ConfigError(fmt::format("sequence generation: no stream {}", name));
    p.roles[*h] = FrerRole::generate;
  }
  for (const auto& r : prot.sequence_recovery) {
    const auto h = stream_handle(r.stream);
    if (!h) throw ConfigError(fmt::format("sequence recovery: no stream {}", r.stream));
    p.roles[*h] = FrerRole::recover;
    p.recovery[*h] = r.recovery;
    p.individual_recovery[*h] = r.individual_recovery;
  }
  p.any_frer = !prot.sequence_generation.empty() || !prot.sequence_recovery.empty();
  return p;
}

}  // namespace takt::dpdk
