#pragma once
// Runs one coroutine per agent concurrently on one io_context and waits for all: an installer
// phase takes as long as the slowest agent, not the sum of them.
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "control/southbound/agent_client.hpp"

namespace takt::southbound {

template <class T>
struct Outcome {
  std::optional<T> value;
  std::string error;    // set when value is not
  unsigned status = 0;  // HTTP status of a refusal, 0 for transport failures
  bool ok() const { return value.has_value(); }
};

namespace detail {
template <class T, class Op>
boost::asio::awaitable<void> capture(Op op, AgentClient& client, Outcome<T>& out) {
  try {
    out.value = co_await op(client);
  } catch (const AgentError& e) {
    out.error = e.what();
    out.status = e.status();
  } catch (const std::exception& e) {
    out.error = client.endpoint().label() + ": " + e.what();
  }
}
}  // namespace detail

// op: AgentClient& -> boost::asio::awaitable<T>. Copied into each coroutine.
template <class T, class Op>
std::vector<Outcome<T>> on_all(boost::asio::io_context& io, const std::vector<AgentClient*>& clients, Op op) {
  std::vector<Outcome<T>> out(clients.size());
  for (std::size_t i = 0; i < clients.size(); ++i)
    boost::asio::co_spawn(io, detail::capture<T>(op, *clients[i], out[i]), boost::asio::detached);
  io.restart();
  io.run();
  return out;
}

// One agent, synchronously.
template <class T, class Op>
T on_one(boost::asio::io_context& io, AgentClient& client, Op op) {
  auto out = on_all<T>(io, {&client}, op);
  if (!out[0].ok()) throw AgentError(out[0].error, out[0].status);
  return std::move(*out[0].value);
}

}  // namespace takt::southbound
