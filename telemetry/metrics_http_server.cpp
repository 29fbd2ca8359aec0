#include "telemetry/metrics_http_server.hpp"

#include <atomic>
#include <optional>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
#include <stdexcept>
#include <unordered_map>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace takt::telemetry {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// A scrape request has no body; anything larger than this is not one.
constexpr std::uint64_t kRequestLimitBytes = 16 * 1024;

class Session;

// State shared by the acceptor and the sessions; touched only on the server thread.
struct Shared {
  const MetricsRegistry& registry;
  MetricsHttpOptions options;
  std::atomic<std::uint64_t> scrapes{0};
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  bool stopping = false;
};

// One connection, keep-alive: read a request, answer it, wait for the next until the peer
// closes, the idle timeout passes or the server stops.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Shared& shared) : stream_(std::move(socket)), shared_(shared) {}
  ~Session() { shared_.sessions.erase(this); }

  void start() {
    shared_.sessions.emplace(this, weak_from_this());
    read();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(kRequestLimitBytes);
    parser_->header_limit(static_cast<std::uint32_t>(kRequestLimitBytes));
    stream_.expires_after(shared_.options.idle_timeout);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        // end_of_stream: the peer closed between requests, the usual end of a connection.
        if (ec != http::error::end_of_stream) return;
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      self->respond(self->parser_->release());
    });
  }

  void respond(const http::request<http::string_body>& request) {
    response_ = {};
    response_.version(request.version());
    response_.keep_alive(request.keep_alive());
    response_.set(http::field::server, shared_.options.server_name);
    const std::string_view target(request.target().data(), request.target().size());
    // Query strings (Prometheus sends none, a browser may) do not select another page.
    const std::string_view path = target.substr(0, target.find('?'));

    if (request.method() != http::verb::get) {
      response_.result(http::status::method_not_allowed);
      response_.set(http::field::allow, "GET");
      response_.set(http::field::content_type, "text/plain; charset=utf-8");
      response_.body() = "only GET is served here\n";
    } else if (path == "/metrics") {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, std::string(prometheus_content_type));
      shared_.registry.render(response_.body());
      shared_.scrapes.fetch_add(1, std::memory_order_relaxed);
    } else if (auto it = shared_.options.extra_endpoints.find(std::string(path));
               it != shared_.options.extra_endpoints.end()) {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, it->second.content_type);
      response_.body() = it->second.body();
    } else {
      response_.result(http::status::not_found);
      response_.set(http::field::content_type, "text/plain; charset=utf-8");
      response_.body() = shared_.options.server_name + " serves GET /metrics\n";
    }
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      if (!self->response_.keep_alive()) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      self->read();
    });
  }

  beast::tcp_stream stream_;
  Shared& shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
};

}  // namespace

struct MetricsHttpServer::Impl {
  Impl(const MetricsRegistry& registry, MetricsHttpOptions opts) : shared{registry, std::move(opts)}, acceptor(io) {
    const MetricsHttpOptions& o = shared.options;
    const std::string where = o.address + ":" + std::to_string(o.port);
    beast::error_code ec;
    const auto addr = asio::ip::make_address(o.address, ec);
    if (ec)
      throw std::runtime_error("cannot serve /metrics on " + where + ": '" + o.address + "' is not an IP address");
    const tcp::endpoint endpoint(addr, o.port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot serve /metrics on " + where + ": " + ec.message());
    bound_port = acceptor.local_endpoint().port();
  }

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (shared.stopping) return;
      // A failed accept (a peer that reset before we got to it, too many open files) is that
      // connection's problem; keep serving the others.
      if (!ec) std::make_shared<Session>(std::move(socket), shared)->start();
      accept();
    });
  }

  void close_all() {
    shared.stopping = true;
    beast::error_code ignored;
    acceptor.close(ignored);
    // Copy first: closing may complete handlers that destroy sessions and erase from the map.
    std::vector<std::shared_ptr<Session>> open;
    for (auto& [ptr, weak] : shared.sessions)
      if (auto s = weak.lock()) open.push_back(std::move(s));
    for (auto& s : open) s->close();
    io.stop();
  }

  // Declared before io so that sessions destroyed with io's pending handlers can still
  // unregister themselves.
  Shared shared;
  asio::io_context io{1};
  tcp::acceptor acceptor;
  std::uint16_t bound_port = 0;
};

MetricsHttpServer::MetricsHttpServer(const MetricsRegistry& registry, MetricsHttpOptions options)
    : impl_(std::make_unique<Impl>(registry, std::move(options))) {
  impl_->accept();
  thread_ = std::thread([this] { impl_->io.run(); });
}

MetricsHttpServer::~MetricsHttpServer() { stop(); }

std::uint16_t MetricsHttpServer::port() const { return impl_->bound_port; }

std::string MetricsHttpServer::url() const {
  const std::string& a = impl_->shared.options.address;
  const bool v6 = a.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + a + "]" : a) + ":" + std::to_string(port()) + "/metrics";
}

std::uint64_t MetricsHttpServer::scrapes() const { return impl_->shared.scrapes.load(std::memory_order_relaxed); }

void MetricsHttpServer::stop() {
  if (!thread_.joinable()) return;
  asio::post(impl_->io, [this] { impl_->close_all(); });
  thread_.join();
}

}  // namespace takt::telemetry
