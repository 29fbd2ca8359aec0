#include "dataplane/agent/agent_server.hpp"

#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
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

constexpr std::size_t kBodyLimit = 16 * 1024 * 1024;

tcp::endpoint endpoint_of(const ServerOptions& o) {
  const std::string host = o.address == "localhost" ? "127.0.0.1" : o.address;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error(fmt::format("listen address \"{}\" is not an IP address", o.address));
  if (o.plain_http && !address.is_loopback())
    throw std::runtime_error(fmt::format("plain HTTP serves loopback only (127.0.0.1 or ::1), not {}: it carries "
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
    peer.problem = fmt::format("client certificate {} was not accepted: {}", peer.subject,
                               X509_verify_cert_error_string(result));
}

}  // namespace

struct AgentServer::Impl {
  asio::io_context& io;
  ServerOptions options;
  AgentApi& api;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor;

  Impl(asio::io_context& io_context, ServerOptions o, AgentApi& a)
      : io(io_context), options(std::move(o)), api(a), acceptor(io_context) {
    const tcp::endpoint ep = endpoint_of(options);
    if (!options.plain_http) tls.emplace(make_server_tls_context(options.certificate_file, options.private_key_file, options.ca_file));
    boost::system::error_code ec;
    acceptor.open(ep.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(ep, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw std::runtime_error(fmt::format("cannot listen on {}:{}: {}", ep.address().to_string(), ep.port(), ec.message()));
  }

  template <class Stream>
  asio::awaitable<void> serve_requests(Stream& stream, const PeerIdentity& peer) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kBodyLimit);
      beast::get_lowest_layer(stream).expires_after(options.io_timeout);
      boost::system::error_code ec;
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;  // closed, timed out or garbage: nothing to answer
      HttpResponse response = api.handle(parser.get(), peer);
      const bool keep = response.keep_alive();
      beast::get_lowest_layer(stream).expires_after(options.io_timeout);
      co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !keep) co_return;
    }
  }

  asio::awaitable<void> serve_plain(tcp::socket socket) {
    PeerIdentity peer;
    peer.address = peer_address(socket);
    beast::tcp_stream stream(std::move(socket));
    co_await serve_requests(stream, peer);
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  asio::awaitable<void> serve_tls(tcp::socket socket) {
    PeerIdentity peer;
    peer.address = peer_address(socket);
    peer.tls = true;
    ssl::stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
    beast::get_lowest_layer(stream).expires_after(options.io_timeout);
    boost::system::error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      spdlog::debug("agent: TLS handshake with {} failed: {}", peer.address, ec.message());
      co_return;
    }
    read_client_certificate(stream.native_handle(), peer);
    co_await serve_requests(stream, peer);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
    co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) continue;  // a connection that died before accept
      socket.set_option(tcp::no_delay(true), ec);
      if (tls)
        asio::co_spawn(io, serve_tls(std::move(socket)), asio::detached);
      else
        asio::co_spawn(io, serve_plain(std::move(socket)), asio::detached);
    }
  }
};

AgentServer::AgentServer(asio::io_context& io, ServerOptions options, AgentApi& api)
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
