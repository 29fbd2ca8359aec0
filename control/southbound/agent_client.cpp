#include "control/southbound/agent_client.hpp"

#include <cerrno>
#include <optional>

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>

#include "control/southbound/agent_identity.hpp"
#include "control/southbound/client_tls_contexts.hpp"
#include "control/southbound/tls_session_cache.hpp"
#include "protocol/bounded_json.hpp"

namespace takt::southbound {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

// The agent closes idle connections after its io timeout (10 s by default); reuse only well
// within that, so a request rarely goes out on a connection the agent is about to drop.
constexpr auto kReuseWindow = std::chrono::seconds(3);

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

struct AgentClient::Tls {
  std::shared_ptr<ssl::context> context;  // shared with clients of the same TLS files
};

struct AgentClient::Connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<ssl::stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point last_used;
  bool used = false;  // an exchange has been answered on it

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  // An idle HTTP/1.1 connection has nothing to read. End of stream, an error or bytes nobody
  // asked for (the agent's close_notify before its FIN, a stray answer) mean the agent closed
  // it or will: asked without blocking, before a request is risked on it.
  bool closed_by_peer() {
    if (buffer.size() != 0) return true;
    char byte = 0;
    const ssize_t n = ::recv(lowest().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n >= 0) return true;
    return errno != EAGAIN && errno != EWOULDBLOCK;
  }
};

// One request sent and its answer read, or how that failed.
struct AgentClient::Attempt {
  boost::system::error_code error;
  bool answer_started = false;  // some of the answer had arrived when it failed
  AgentReply reply;
  bool keep_alive = false;
};

AgentClient::AgentClient(asio::io_context& io, AgentEndpoint endpoint) : io_(io), endpoint_(std::move(endpoint)) {
  if (endpoint_.tls) {
    try {
      tls_ = std::make_unique<Tls>(Tls{client_tls_context(endpoint_)});
    } catch (const std::exception& e) {
      throw AgentError(fmt::format("{}: {}", endpoint_.label(), e.what()));
    }
    session_key_ = tls_session_key(endpoint_);
  }
}

AgentClient::~AgentClient() = default;

void AgentClient::close() { connection_.reset(); }

asio::awaitable<void> AgentClient::connect(Clock::time_point deadline) {
  connection_.reset();
  auto c = std::make_unique<Connection>();
  const std::string peer = endpoint_.label();
  const auto until = [&](std::chrono::milliseconds timeout) { return std::min(Clock::now() + timeout, deadline); };
  boost::system::error_code ec;
  beast::tcp_stream stream(io_);
  // An address needs no resolver (whose one thread would take the agents one at a time).
  const auto address = asio::ip::make_address(endpoint_.host, ec);
  if (!ec) {
    stream.expires_at(until(endpoint_.connect_timeout));
    co_await stream.async_connect(tcp::endpoint(address, endpoint_.port),
                                  asio::redirect_error(asio::use_awaitable, ec));
  } else {
    tcp::resolver resolver(io_);
    const auto results = co_await resolver.async_resolve(endpoint_.host, std::to_string(endpoint_.port),
                                                         asio::redirect_error(asio::use_awaitable, ec));
    if (ec) throw AgentError(fmt::format("{}: cannot resolve {}: {}", peer, endpoint_.host, ec.message()));
    stream.expires_at(until(endpoint_.connect_timeout));
    co_await stream.async_connect(results, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec == beast::error::timeout)
    throw AgentError(fmt::format("{}: connect: no answer within {} ms", peer, endpoint_.connect_timeout.count()));
  if (ec) throw AgentError(fmt::format("{}: connect: {}", peer, ec.message()));
  ++stats_.connections;
  stream.socket().set_option(tcp::no_delay(true), ec);
  if (!tls_) {
    c->plain.emplace(std::move(stream));
  } else {
    c->secure.emplace(std::move(stream), *tls_->context);
    auto& s = *c->secure;
    // The agent's certificate must name the host we dialled (SAN DNS or IP). A resumed session
    // skips this check: it is only offered to this host under this CA (the key), and only the
    // agent that passed it can take it up.
    s.set_verify_callback(ssl::host_name_verification(endpoint_.host));
    if (!is_ip_address(endpoint_.host)) SSL_set_tlsext_host_name(s.native_handle(), endpoint_.host.c_str());
    TlsSessionCache::process().offer(s.native_handle(), session_key_);
    beast::get_lowest_layer(s).expires_at(until(endpoint_.connect_timeout));
    co_await s.async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    const long verify = SSL_get_verify_result(s.native_handle());
    if (!ec && verify != X509_V_OK) ec = asio::error::access_denied;  // never talk past a failed check
    if (ec) {
      TlsSessionCache::process().forget(session_key_);
      const std::string why = verify != X509_V_OK ? fmt::format("the agent's certificate was not accepted: {}",
                                                                X509_verify_cert_error_string(verify))
                                                  : ec.message();
      throw AgentError(fmt::format("{}: TLS handshake: {}", peer, why));
    }
    if (SSL_session_reused(s.native_handle())) ++stats_.resumed_sessions;
  }
  connection_ = std::move(c);
}

asio::awaitable<AgentClient::Attempt> AgentClient::exchange(const Request& req, Clock::time_point deadline) {
  Connection& c = *connection_;
  Attempt a;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  c.lowest().expires_at(std::min(Clock::now() + endpoint_.request_timeout, deadline));
  if (c.secure) {
    co_await http::async_write(*c.secure, req, asio::redirect_error(asio::use_awaitable, a.error));
    if (!a.error)
      co_await http::async_read(*c.secure, c.buffer, parser, asio::redirect_error(asio::use_awaitable, a.error));
  } else {
    co_await http::async_write(*c.plain, req, asio::redirect_error(asio::use_awaitable, a.error));
    if (!a.error)
      co_await http::async_read(*c.plain, c.buffer, parser, asio::redirect_error(asio::use_awaitable, a.error));
  }
  a.answer_started = parser.got_some() || c.buffer.size() != 0;
  if (a.error) co_return a;
  a.reply = AgentReply{parser.get().result_int(), std::move(parser.get().body())};
  a.keep_alive = parser.get().keep_alive();
  co_return a;
}

bool AgentClient::kept_connection_usable() {
  if (!connection_) return false;
  if (Clock::now() - connection_->last_used > kReuseWindow || connection_->closed_by_peer()) {
    connection_.reset();
    ++stats_.reopened;
    return false;
  }
  return true;
}

asio::awaitable<AgentReply> AgentClient::request(http::verb verb, std::string target, std::string body) {
  // The whole call, a second attempt included, stays within what one fresh connection and
  // one exchange may take.
  const auto deadline = Clock::now() + 2 * endpoint_.connect_timeout + endpoint_.request_timeout;
  const bool idempotent = verb != http::verb::post && verb != http::verb::patch;
  const std::string what = fmt::format("{}: {} {}", endpoint_.label(), std::string(http::to_string(verb)), target);

  Request req{verb, target, 11};
  req.set(http::field::host, endpoint_.host);
  req.set(http::field::user_agent, "takt-southbound");
  req.set(http::field::accept, "application/yang-data+json");
  if (!body.empty()) req.set(http::field::content_type, "application/yang-data+json");
  req.keep_alive(true);
  req.body() = std::move(body);
  req.prepare_payload();

  const bool kept = kept_connection_usable();
  if (!kept) co_await connect(deadline);
  Attempt a = co_await exchange(req, deadline);
  // The agent closed the kept connection as the request went out: nothing of an answer came.
  // Only a request that may safely arrive twice is sent again, on a new connection.
  if (a.error && kept && idempotent && !a.answer_started && a.error != beast::error::timeout) {
    ++stats_.reopened;
    co_await connect(deadline);
    a = co_await exchange(req, deadline);
  }
  if (a.error) {
    connection_.reset();
    if (a.error == beast::error::timeout)
      throw AgentError(fmt::format("{}: no answer within {} ms", what, endpoint_.request_timeout.count()));
    throw AgentError(fmt::format("{}: {}", what, a.error.message()));
  }
  ++stats_.requests;
  if (connection_->used) ++stats_.kept_requests;
  if (connection_->secure) TlsSessionCache::process().remember(connection_->secure->native_handle(), session_key_);
  if (a.keep_alive) {
    connection_->used = true;
    connection_->last_used = Clock::now();
  } else {
    connection_.reset();
  }
  co_return std::move(a.reply);
}

asio::awaitable<nlohmann::json> AgentClient::call(http::verb verb, std::string target, std::string body) {
  const std::string what = fmt::format("{}: {} {}", endpoint_.label(), std::string(http::to_string(verb)), target);
  const AgentReply reply = co_await request(verb, target, std::move(body));
  // The agent's answer is outside input too: nesting bounded, and quoted only in part.
  nlohmann::json j(nlohmann::json::value_t::discarded);
  try {
    j = parse_bounded_json(reply.body);
  } catch (const std::exception&) {
  }
  if (reply.status != 200) {
    const std::string message = j.is_object() && j.contains("error") && j["error"].is_string()
                                    ? text_excerpt(j["error"].get<std::string>(), 2000)
                                    : text_excerpt(reply.body, 200);
    throw AgentError(fmt::format("{} -> {}: {}", what, reply.status, message), reply.status);
  }
  if (j.is_discarded()) throw AgentError(fmt::format("{} -> 200 but the body is not JSON", what), reply.status);
  co_return j;
}

}  // namespace takt::southbound
