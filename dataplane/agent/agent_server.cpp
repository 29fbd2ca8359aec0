#include "dataplane/agent/agent_server.hpp"

#include <cerrno>
#include <list>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include "protocol/tls_context.hpp"

namespace takt::agent {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

constexpr auto kFirstBackoff = std::chrono::milliseconds(10);
constexpr auto kLastBackoff = std::chrono::milliseconds(1000);

// Accept failures that leave the pending connection in the queue: retrying at once spins.
bool out_of_resources(const boost::system::error_code& ec) {
  return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space || ec == asio::error::no_memory ||
         (ec.category() == boost::system::system_category() && ec.value() == ENFILE);
}

// The parser's verdicts that mean the client went away rather than sent something wrong.
bool client_left(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == http::error::short_read ||
         ec == http::error::need_more;
}

bool is_http_error(const boost::system::error_code& ec) {
  return ec.category() == boost::system::error_code(http::error::bad_method).category();
}

tcp::endpoint endpoint_of(const ServerOptions& o) {
  const std::string host = o.address == "localhost" ? "127.0.0.1" : o.address;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error(fmt::format("listen address \"{}\" is not an IP address", o.address));
  if (o.plain_http && !address.is_loopback())
    throw std::runtime_error(
        fmt::format("plain HTTP serves loopback only (127.0.0.1 or ::1), not {}: it carries "
                    "writes without authentication; use TLS with client certificates",
                    o.address));
  return {address, o.port};
}

std::string peer_address(const tcp::socket& socket) {
  boost::system::error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  return ec ? "unknown" : fmt::format("{}:{}", ep.address().to_string(), ep.port());
}

// What the handshake established about the client's certificate.
void read_client_certificate(SSL* ssl, PeerIdentity& peer) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) {
    peer.problem = "no client certificate was presented";
    return;
  }
  char subject[256] = {};
  X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
  peer.subject = subject;
  X509_free(cert);
  const long result = SSL_get_verify_result(ssl);
  peer.certificate_verified = result == X509_V_OK;
  if (!peer.certificate_verified)
    peer.problem =
        fmt::format("client certificate {} was not accepted: {}", peer.subject, X509_verify_cert_error_string(result));
}

}  // namespace

struct AgentServer::Impl {
  asio::io_context& io;
  ServerOptions options;
  RequestHandler& api;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor;
  // Every connection being served, oldest first: counted against max_connections, and the
  // oldest idle one is closed when accept runs out of file descriptors.
  struct Connection {
    tcp::socket* socket = nullptr;
    bool idle = true;  // waiting for the next request
  };
  // Shared with each connection's coroutine: frames still suspended when the io_context is
  // destroyed outlive this Impl and deregister from the list then.
  std::shared_ptr<std::list<Connection>> connections = std::make_shared<std::list<Connection>>();

  Impl(asio::io_context& io_context, ServerOptions o, RequestHandler& a)
      : io(io_context), options(std::move(o)), api(a), acceptor(io_context) {
    const tcp::endpoint ep = endpoint_of(options);
    if (!options.plain_http)
      tls.emplace(make_server_tls_context(options.certificate_file, options.private_key_file, options.ca_file));
    boost::system::error_code ec;
    acceptor.open(ep.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(ep, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw std::runtime_error(
          fmt::format("cannot listen on {}:{}: {}", ep.address().to_string(), ep.port(), ec.message()));
  }

  // Answers a request the parser refused, then closes: the client learns why instead of
  // seeing a closed connection.
  template <class Stream>
  asio::awaitable<void> refuse(Stream& stream, unsigned status, const std::string& reason) {
    HttpResponse response{static_cast<http::status>(status), 11};
    response.set(http::field::server, "takt-agent");
    response.set(http::field::content_type, "application/yang-data+json");
    response.keep_alive(false);
    response.body() = nlohmann::json{{"status", status}, {"error", reason}}.dump(2) + "\n";
    response.prepare_payload();
    auto& tcp_layer = beast::get_lowest_layer(stream);
    tcp_layer.expires_after(std::chrono::seconds(2));
    boost::system::error_code ec;
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    // Read what the client still sends (a body we refused) for a moment, so closing with
    // unread data does not reset the connection before the client has read the answer.
    tcp_layer.socket().shutdown(tcp::socket::shutdown_send, ec);
    tcp_layer.expires_after(std::chrono::seconds(1));
    std::array<char, 16 * 1024> discard;
    for (std::size_t drained = 0; !ec && drained < options.max_body_bytes;)
      drained +=
          co_await tcp_layer.async_read_some(asio::buffer(discard), asio::redirect_error(asio::use_awaitable, ec));
  }

  template <class Stream>
  asio::awaitable<void> serve_requests(Stream& stream, const PeerIdentity& peer, Connection& connection) {
    beast::flat_buffer buffer;
    for (std::size_t served = 1;; ++served) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      parser.header_limit(options.max_header_bytes);
      beast::get_lowest_layer(stream).expires_after(options.io_timeout);
      boost::system::error_code ec;
      connection.idle = true;
      co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      connection.idle = false;
      if (!ec && !parser.is_done())
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::body_limit) {
        co_await refuse(stream, 413,
                        fmt::format("the body is larger than this agent's limit of {} bytes", options.max_body_bytes));
        co_return;
      }
      if (ec == http::error::header_limit) {
        co_await refuse(stream, 431,
                        fmt::format("the request line and headers are larger than this agent's limit of {} bytes",
                                    options.max_header_bytes));
        co_return;
      }
      if (ec && is_http_error(ec) && !client_left(ec)) {
        co_await refuse(stream, 400, fmt::format("not an HTTP/1.1 request: {}", ec.message()));
        co_return;
      }
      if (ec) co_return;  // closed or timed out: nothing to answer
      HttpResponse response = api.handle(parser.get(), peer);
      if (served >= options.max_requests_per_connection) response.keep_alive(false);
      const bool keep = response.keep_alive();
      beast::get_lowest_layer(stream).expires_after(options.io_timeout);
      co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !keep) co_return;
    }
  }

  // Holds a connection's place in `connections` while it is served.
  struct Registration {
    std::shared_ptr<std::list<Connection>> list;
    std::list<Connection>::iterator it;
    Registration(std::shared_ptr<std::list<Connection>> l, tcp::socket* socket)
        : list(std::move(l)), it(list->insert(list->end(), Connection{socket})) {}
    ~Registration() { list->erase(it); }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
  };

  // Out of file descriptors: close the connection that has waited longest for a request.
  void shed_oldest_idle() {
    for (auto& c : *connections) {
      if (!c.idle) continue;
      boost::system::error_code ec;
      c.socket->cancel(ec);
      c.socket->close(ec);
      c.idle = false;  // closing: its coroutine ends at its next resumption
      return;
    }
  }

  asio::awaitable<void> refuse_busy(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    co_await refuse(
        stream, 503,
        fmt::format("this agent serves at most {} connections at once; try again later", options.max_connections));
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  asio::awaitable<void> serve_plain(tcp::socket socket) {
    PeerIdentity peer;
    peer.address = peer_address(socket);
    beast::tcp_stream stream(std::move(socket));
    Registration registration(connections, &stream.socket());
    co_await serve_requests(stream, peer, *registration.it);
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  asio::awaitable<void> serve_tls(tcp::socket socket) {
    PeerIdentity peer;
    peer.address = peer_address(socket);
    peer.tls = true;
    ssl::stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
    Registration registration(connections, &beast::get_lowest_layer(stream).socket());
    beast::get_lowest_layer(stream).expires_after(options.io_timeout);
    boost::system::error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      spdlog::debug("agent: TLS handshake with {} failed: {}", peer.address, ec.message());
      co_return;
    }
    read_client_certificate(stream.native_handle(), peer);
    co_await serve_requests(stream, peer, *registration.it);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
    co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
  }

  asio::awaitable<void> accept_loop() {
    asio::steady_timer timer(io);
    std::chrono::milliseconds backoff{0};
    std::optional<std::chrono::steady_clock::time_point> last_warning;
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) {
        if (!out_of_resources(ec)) continue;  // a connection that died before accept
        // The pending connection stays queued, so accepting again at once would spin: make
        // room and wait, longer while it lasts. Logged once per burst (at most every 10 s).
        const auto now = std::chrono::steady_clock::now();
        if (!last_warning || now - *last_warning > std::chrono::seconds(10)) {
          spdlog::warn(
              "agent: cannot accept connections ({}; {} open); closing the oldest idle one and retrying "
              "with back-off",
              ec.message(), connections->size());
          last_warning = now;
        }
        backoff = backoff.count() == 0 ? kFirstBackoff : std::min(backoff * 2, std::chrono::milliseconds(kLastBackoff));
        shed_oldest_idle();
        timer.expires_after(backoff);
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (!acceptor.is_open()) co_return;
        continue;
      }
      backoff = std::chrono::milliseconds(0);
      socket.set_option(tcp::no_delay(true), ec);
      if (connections->size() >= options.max_connections)
        asio::co_spawn(io, refuse_busy(std::move(socket)), asio::detached);
      else if (tls)
        asio::co_spawn(io, serve_tls(std::move(socket)), asio::detached);
      else
        asio::co_spawn(io, serve_plain(std::move(socket)), asio::detached);
    }
  }
};

AgentServer::AgentServer(asio::io_context& io, ServerOptions options, RequestHandler& api)
    : impl_(std::make_unique<Impl>(io, std::move(options), api)) {}

AgentServer::~AgentServer() = default;

std::uint16_t AgentServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void AgentServer::start() { asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached); }

void AgentServer::stop() {
  asio::post(impl_->io, [impl = impl_.get()] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
  });
}

}  // namespace takt::agent
