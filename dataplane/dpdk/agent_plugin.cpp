#include "dataplane/dpdk/agent_plugin.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dataplane/core/config_error.hpp"

namespace takt::dpdk {

void add_agent_options(CLI::App& app, AgentOptions& o) {
  app.add_option("--agent-port", o.port, "Serve the switch agent API (HTTPS) on this port (0: off)");
  app.add_option("--agent-address", o.address, "Address of the agent API")->capture_default_str();
  app.add_option("--agent-cert", o.cert, "Agent server certificate (PEM)");
  app.add_option("--agent-key", o.key, "Agent server key (PEM)");
  app.add_option("--agent-ca", o.ca, "CA that signs the clients allowed to write (PEM)");
  app.add_flag("--agent-plain-http", o.plain_http, "Agent API over plain HTTP, loopback only (development)");
  app.add_option("--ptp-uds", o.ptp_uds, "ptp4l's uds_address, for the agent's clock health");
  app.add_option("--ptp-transport-specific", o.ptp_transport_specific, "ptp4l's transportSpecific (1 for gPTP)");
  app.add_option("--agent-max-connections", o.max_connections,
                 "Agent connections served at once; beyond them new ones get 503")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--agent-max-body-bytes", o.max_body_bytes, "Largest agent request body (larger: 413)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-base-time-ahead-s", o.max_base_time_ahead_s,
                 "How far in the future an agent commit's base time may be at most (further: 400)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--sync-budget-ns", o.sync_budget_ns,
                 "Offset from master beyond which the clock is out of sync (the plan's sync error budget; with "
                 "--ptp-uds)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option_function<std::string>(
         "--sync-loss", [&o](const std::string& text) { o.sync_loss = *agent::parse_sync_loss_action(text); },
         "When the clock is out of sync (ptp4l gone, or beyond --sync-budget-ns for 0.4 s): keep the schedule "
         "running, or open-gates until it is back in sync for 2 s, then run the committed schedule again from its "
         "base time (default keep)")
      ->check(CLI::IsMember({"keep", "open-gates"}));
}

namespace {
std::optional<ptp::ManagementClientOptions> ptp_client_options(const AgentOptions& o) {
  if (o.ptp_uds.empty()) return std::nullopt;
  ptp::ManagementClientOptions p;
  p.uds_address = o.ptp_uds;
  p.transport_specific = static_cast<std::uint8_t>(o.ptp_transport_specific);
  return p;
}
}  // namespace

int utc_offset_seconds(const AgentOptions& options, int fallback) {
  if (options.ptp_uds.empty()) return fallback;
  try {
    agent::ClockHealthSource source(ptp_client_options(options));
    const ptp::ClockHealth health = source.read();
    if (!health.current_utc_offset_valid) {
      spdlog::info("ptp4l ({}) does not mark its UTC offset valid; TAI - UTC is --utc-offset {} s", options.ptp_uds,
                   fallback);
      return fallback;
    }
    const auto offset = static_cast<int>(health.utc_offset().count());
    spdlog::info("TAI - UTC is {} s, from ptp4l ({})", offset, options.ptp_uds);
    return offset;
  } catch (const std::exception& e) {
    spdlog::warn("cannot read the UTC offset from ptp4l ({}): {}; TAI - UTC is --utc-offset {} s", options.ptp_uds,
                 e.what(), fallback);
    return fallback;
  }
}

DataplaneRuntime::DataplaneRuntime(TscTaiClock& clock, SchedulePublisher& schedule)
    : clock_(clock), schedule_(schedule) {}

std::vector<agent::PortCapabilities> DataplaneRuntime::ports() const {
  std::vector<agent::PortCapabilities> out;
  for (const auto& p : schedule_.running().config.ports) {
    agent::PortCapabilities c;
    c.port = p.name;
    out.push_back(c);
  }
  return out;
}

// Read on the agent's thread: a fresh (TSC, REALTIME + UTC offset) sample, not the fit the
// control thread owns.
TaiTime DataplaneRuntime::now() const { return tai_ns(clock_.sample().ptp_ns); }

void DataplaneRuntime::apply(const bridge::BridgeConfig& config) {
  std::lock_guard lock(mutex_);
  if (held_) {
    // The gates stay open; the commit is what runs once they are released.
    const bridge::BridgeConfig running = schedule_.running().config;
    std::vector<bridge::GateParameterTable> next = *held_;
    for (const auto& p : config.ports) {
      const auto i = running.port_index(p.name);
      if (!i) throw ConfigError(fmt::format("port {} is not a port of this dataplane", p.name));
      if (p.gates.config_change) next[*i] = p.gates;
    }
    // Streams are identified as the dataplane started; the new protection must name them.
    bridge::BridgeConfig check = running;
    check.protection = config.protection;
    bridge::validate_protection(check);
    held_ = std::move(next);
    held_protection_ = config.protection;
    spdlog::info("bridge {}: gate schedule kept for when the clock is back in sync (every gate is open until then)",
                 running.bridge);
    return;
  }
  // Ports are fixed at start and the schedule is indexed like the running configuration: take
  // each port's gate table from `config` by name, leave the others as they run.
  std::string bridge_name;
  const std::uint64_t generation = schedule_.publish(
      [&config, &bridge_name](const bridge::BridgeConfig& running) {
        bridge_name = running.bridge;
        bridge::BridgeConfig merged = running;
        for (auto& p : merged.ports) p.gates.config_change = false;
        for (const auto& p : config.ports) {
          const auto i = merged.port_index(p.name);
          if (!i) throw ConfigError("port " + p.name + " is not a port of this dataplane");
          merged.ports[*i].gates = p.gates;
        }
        // 802.1Qci and 802.1CB come with the gates, in the same transaction; their stream gates
        // were given the commit's base time with the port gates. Stream names must be among the
        // streams the dataplane identifies since it started (checked when the schedule is built).
        merged.protection = config.protection;
        bridge::validate_protection(merged);
        return merged;
      },
      now());
  spdlog::info("bridge {}: gate schedule {} installed by the switch agent", bridge_name, generation);
}

void DataplaneRuntime::hold_gates_open(bool hold) {
  std::lock_guard lock(mutex_);
  if (hold == held_.has_value()) return;
  std::string bridge_name;
  if (hold) {
    std::vector<bridge::GateParameterTable> kept;
    bridge::StreamProtection kept_protection;
    const std::uint64_t generation = schedule_.publish(
        [&kept, &kept_protection, &bridge_name](const bridge::BridgeConfig& running) {
          bridge_name = running.bridge;
          bridge::BridgeConfig open = running;
          for (auto& p : open.ports) {
            kept.push_back(p.gates);
            p.gates = bridge::GateParameterTable{};  // gate-enabled false: every gate open at once
            p.gates.admin_gate_states = kAllGatesOpen;
            p.gates.config_change = true;
          }
          kept_protection = running.protection;
          open.protection = bridge::with_stream_gates_open(running.protection);
          return open;
        },
        now());
    held_ = std::move(kept);
    held_protection_ = std::move(kept_protection);
    spdlog::warn("bridge {}: gate schedule {} holds every gate open (sync-loss fallback)", bridge_name, generation);
    return;
  }
  const std::vector<bridge::GateParameterTable>& kept = *held_;
  const bridge::StreamProtection& kept_protection = held_protection_;
  const std::uint64_t generation = schedule_.publish(
      [&kept, &kept_protection, &bridge_name](const bridge::BridgeConfig& running) {
        bridge_name = running.bridge;
        bridge::BridgeConfig restored = running;
        for (std::size_t i = 0; i < restored.ports.size() && i < kept.size(); ++i) {
          restored.ports[i].gates = kept[i];
          // A base time in the past starts the list at base + N x cycle: the plan's phase.
          restored.ports[i].gates.config_change = true;
        }
        restored.protection = kept_protection;
        for (auto& f : restored.protection.stream_filters)
          if (f.gate) f.gate->schedule.config_change = true;
        return restored;
      },
      now());
  held_.reset();
  spdlog::info("bridge {}: gate schedule {} restores the committed gate tables (clock back in sync)", bridge_name,
               generation);
}

agent::BridgeOperState DataplaneRuntime::oper_state() const {
  SchedulePublisher::Running running = schedule_.running();
  agent::BridgeOperState state;
  state.current_time = now();
  for (std::size_t i = 0; i < running.config.ports.size(); ++i) {
    GateEngine& engine = running.schedule.ports[i].gates;  // our copy: the published one is the forwarder's
    engine.advance(state.current_time);
    agent::PortOperState s;
    s.port = running.config.ports[i].name;
    s.capabilities.port = s.port;
    s.gate_enabled = running.config.ports[i].gates.gate_enabled;
    s.admin_gate_states = running.config.ports[i].gates.admin_gate_states;
    s.oper_gate_states = engine.gate_states(state.current_time);
    if (const auto* l = engine.oper_list()) s.oper = *l;
    if (const auto* l = engine.admin_list()) s.admin = *l;
    s.config_pending = engine.config_pending();
    if (s.config_pending) s.config_change_time = engine.config_change_time();
    s.config_change_error = engine.config_change_error();
    state.ports.push_back(std::move(s));
  }
  return state;
}

DataplaneAgent::DataplaneAgent(const AgentOptions& o, TscTaiClock& clock, SchedulePublisher& schedule,
                               const bridge::BridgeConfig& config, const telemetry::MetricsRegistry& registry)
    : health_(ptp_client_options(o)), runtime_(clock, schedule) {
  agent::AgentServiceOptions s;
  s.api.bridge = config.bridge;
  s.server.address = o.address;
  s.server.port = o.port;
  s.server.plain_http = o.plain_http;
  s.server.certificate_file = o.cert;
  s.server.private_key_file = o.key;
  s.server.ca_file = o.ca;
  s.server.max_connections = o.max_connections;
  s.server.max_body_bytes = o.max_body_bytes;
  s.api.max_base_time_ahead = std::chrono::seconds(o.max_base_time_ahead_s);
  s.api.sync_budget = Nanos{o.sync_budget_ns};
  s.sync.on_loss = o.sync_loss;
  service_ = std::make_unique<agent::AgentService>(s, runtime_, health_, &registry);
  service_->start();
  spdlog::info("bridge {}: switch agent API on {}://{}:{}{}", config.bridge, o.plain_http ? "http" : "https", o.address,
               service_->port(),
               health_.configured()
                   ? fmt::format("; on sync loss beyond {} ns: {}", o.sync_budget_ns, agent::to_string(o.sync_loss))
                   : std::string("; no clock health (no --ptp-uds)"));
}

std::unique_ptr<DataplaneAgent> start_agent(const AgentOptions& options, TscTaiClock& clock,
                                            SchedulePublisher& schedule, const bridge::BridgeConfig& config,
                                            const telemetry::MetricsRegistry& registry) {
  if (options.port == 0) return nullptr;
  return std::make_unique<DataplaneAgent>(options, clock, schedule, config, registry);
}

}  // namespace takt::dpdk
