#include "dataplane/dpdk/metrics_server.hpp"

#include <utility>  // Boost 1.74's asio headers use std::exchange without including it

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <stdexcept>

#include <spdlog/spdlog.h>

namespace takt::dpdk {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// One connection: read a request, answer it, close.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const telemetry::MetricsRegistry& registry)
      : socket_(std::move(socket)), registry_(registry) {}

  void start() {
    http::async_read(socket_, buffer_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) self->respond();
    });
  }

 private:
  void respond() {
    response_.version(request_.version());
    response_.keep_alive(false);
    response_.set(http::field::server, "takt-dataplane");
    if (request_.method() != http::verb::get) {
      response_.result(http::status::method_not_allowed);
      response_.set(http::field::content_type, "text/plain");
      response_.body() = "only GET is served here\n";
    } else if (request_.target() == "/metrics") {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, std::string(telemetry::prometheus_content_type));
      registry_.render(response_.body());
    } else {
      response_.result(http::status::not_found);
      response_.set(http::field::content_type, "text/plain");
      response_.body() = "takt-dataplane serves GET /metrics\n";
    }
    response_.prepare_payload();
    http::async_write(socket_, response_, [self = shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  tcp::socket socket_;
  const telemetry::MetricsRegistry& registry_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> request_;
  http::response<http::string_body> response_;
};

}  // namespace

struct MetricsServer::Impl {
  Impl(const telemetry::MetricsRegistry& r, const std::string& address, std::uint16_t port)
      : registry(r), acceptor(io) {
    beast::error_code ec;
    const auto addr = asio::ip::make_address(address, ec);
    if (ec) throw std::runtime_error("--metrics-address " + address + ": not an IP address");
    const tcp::endpoint endpoint(addr, port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw std::runtime_error("cannot serve /metrics on " + address + ":" + std::to_string(port) + ": " + ec.message());
    bound_port = acceptor.local_endpoint().port();
  }

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed by stop()
      std::make_shared<Session>(std::move(socket), registry)->start();
      accept();
    });
  }

  const telemetry::MetricsRegistry& registry;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::uint16_t bound_port = 0;
};

MetricsServer::MetricsServer(const telemetry::MetricsRegistry& registry, const std::string& address, std::uint16_t port)
    : impl_(std::make_unique<Impl>(registry, address, port)) {
  impl_->accept();
  thread_ = std::thread([this] { impl_->io.run(); });
  spdlog::info("serving Prometheus metrics on http://{}:{}/metrics", address, this->port());
}

MetricsServer::~MetricsServer() { stop(); }

std::uint16_t MetricsServer::port() const { return impl_->bound_port; }

void MetricsServer::stop() {
  if (!thread_.joinable()) return;
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->io.stop();
  });
  thread_.join();
}

}  // namespace takt::dpdk
