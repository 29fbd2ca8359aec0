#include "control/southbound/agent_client.hpp"

#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>

#include "protocol/bounded_json.hpp"
#include "protocol/tls_context.hpp"

namespace takt::southbound {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

// The agent closes idle connections after its io timeout (10 s by default); reuse only well
// within that, so a request never goes out on a connection the agent is about to drop.
constexpr auto kReuseWindow = std::chrono::seconds(3);

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

struct AgentClient::Tls {
  ssl::context context;
};

struct AgentClient::Connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<ssl::stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point last_used;

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

AgentClient::AgentClient(asio::io_context& io, AgentEndpoint endpoint) : io_(io), endpoint_(std::move(endpoint)) {
  if (endpoint_.tls) {
    try {
      tls_ = std::make_unique<Tls>(Tls{
          agent::make_client_tls_context(endpoint_.ca_file, endpoint_.certificate_file, endpoint_.private_key_file)});
    } catch (const std::exception& e) {
      throw AgentError(fmt::format("{}: {}", endpoint_.label(), e.what()));
    }
  }
}

AgentClient::~AgentClient() = default;

void AgentClient::close() { connection_.reset(); }

asio::awaitable<void> AgentClient::connect() {
  connection_.reset();
  auto c = std::make_unique<Connection>();
  const std::string peer = endpoint_.label();
  tcp::resolver resolver(io_);
  boost::system::error_code ec;
  const auto results = co_await resolver.async_resolve(endpoint_.host, std::to_string(endpoint_.port),
                                                       asio::redirect_error(asio::use_awaitable, ec));
  if (ec) throw AgentError(fmt::format("{}: cannot resolve {}: {}", peer, endpoint_.host, ec.message()));
  beast::tcp_stream stream(io_);
  stream.expires_after(endpoint_.connect_timeout);
  co_await stream.async_connect(results, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == beast::error::timeout)
    throw AgentError(fmt::format("{}: connect: no answer within {} ms", peer, endpoint_.connect_timeout.count()));
  if (ec) throw AgentError(fmt::format("{}: connect: {}", peer, ec.message()));
  stream.socket().set_option(tcp::no_delay(true), ec);
  if (!tls_) {
    c->plain.emplace(std::move(stream));
  } else {
    c->secure.emplace(std::move(stream), tls_->context);
    auto& s = *c->secure;
    // The agent's certificate must name the host we dialled (SAN DNS or IP).
    s.set_verify_callback(ssl::host_name_verification(endpoint_.host));
    if (!is_ip_address(endpoint_.host)) SSL_set_tlsext_host_name(s.native_handle(), endpoint_.host.c_str());
    beast::get_lowest_layer(s).expires_after(endpoint_.connect_timeout);
    co_await s.async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      const long verify = SSL_get_verify_result(s.native_handle());
      const std::string why = verify != X509_V_OK ? fmt::format("the agent's certificate was not accepted: {}",
                                                                X509_verify_cert_error_string(verify))
                                                  : ec.message();
      throw AgentError(fmt::format("{}: TLS handshake: {}", peer, why));
    }
  }
  connection_ = std::move(c);
}

asio::awaitable<AgentReply> AgentClient::request(http::verb verb, std::string target, std::string body) {
  const auto now = std::chrono::steady_clock::now();
  if (!connection_ || now - connection_->last_used > kReuseWindow) co_await connect();
  Connection& c = *connection_;
  const std::string what = fmt::format("{}: {} {}", endpoint_.label(), std::string(http::to_string(verb)), target);

  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, endpoint_.host);
  req.set(http::field::user_agent, "takt-southbound");
  req.set(http::field::accept, "application/yang-data+json");
  if (!body.empty()) req.set(http::field::content_type, "application/yang-data+json");
  req.keep_alive(true);
  req.body() = std::move(body);
  req.prepare_payload();

  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  boost::system::error_code ec;
  c.lowest().expires_after(endpoint_.request_timeout);
  if (c.secure) {
    co_await http::async_write(*c.secure, req, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) co_await http::async_read(*c.secure, c.buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await http::async_write(*c.plain, req, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) co_await http::async_read(*c.plain, c.buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec) {
    connection_.reset();
    if (ec == beast::error::timeout)
      throw AgentError(fmt::format("{}: no answer within {} ms", what, endpoint_.request_timeout.count()));
    throw AgentError(fmt::format("{}: {}", what, ec.message()));
  }
  AgentReply reply{parser.get().result_int(), std::move(parser.get().body())};
  if (parser.get().keep_alive())
    c.last_used = std::chrono::steady_clock::now();
  else
    connection_.reset();
  co_return reply;
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
