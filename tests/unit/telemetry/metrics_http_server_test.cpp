// The /metrics server answers real HTTP on loopback: a Beast client, as Prometheus would.
#include <catch2/catch.hpp>

#include <utility>  // before Asio (Boost 1.74)
#include <atomic>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "telemetry/metrics_registry.hpp"
#include "telemetry/metrics_http_server.hpp"

using namespace takt::telemetry;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// A blocking HTTP/1.1 client on one connection.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(io_) { socket_.connect({asio::ip::make_address("127.0.0.1"), port}); }

  http::response<http::string_body> request(http::verb verb, const std::string& target, bool keep_alive = true) {
    http::request<http::empty_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(keep_alive);
    http::write(socket_, req);
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    return res;
  }

  // Blocks until the server closes the connection; returns the error that reported it.
  beast::error_code read_until_closed() {
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(socket_, buffer_, res, ec);
    return ec;
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

void fill(MetricsRegistry& registry) {
  registry.counter("takt_test_frames_total", "Frames", {"stream"}).with({"axis-1"}).add(0, 42);
  registry.histogram("takt_test_latency_seconds", "Latency", {"stream"})
      .with({"axis-1"}, LatencyBuckets::with_deadline(takt::Nanos{250'000}))
      .record(0, takt::Nanos{120'000});
}

}  // namespace

TEST_CASE("GET /metrics returns the registry's exposition with the Prometheus content type", "[metrics_http]") {
  MetricsRegistry registry;
  fill(registry);
  MetricsHttpServer server(registry, {"127.0.0.1", 0, "takt-test"});
  REQUIRE(server.port() != 0);
  CHECK(server.url() == "http://127.0.0.1:" + std::to_string(server.port()) + "/metrics");

  Client client(server.port());
  const auto res = client.request(http::verb::get, "/metrics");
  CHECK(res.result() == http::status::ok);
  CHECK(res[http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(res[http::field::server] == "takt-test");
  CHECK(res.body() == registry.render());
  CHECK(res.body().find("takt_test_frames_total{stream=\"axis-1\"} 42\n") != std::string::npos);
  CHECK(res.body().find("takt_test_latency_seconds_bucket{stream=\"axis-1\",le=\"0.00025\"} 1\n") != std::string::npos);
  CHECK(server.scrapes() == 1);
}

TEST_CASE("a kept-alive connection serves successive scrapes with current values", "[metrics_http]") {
  MetricsRegistry registry;
  auto& frames = registry.counter("takt_test_frames_total", "Frames").with({});
  MetricsHttpServer server(registry, {"127.0.0.1", 0});
  Client client(server.port());
  for (int i = 1; i <= 3; ++i) {
    frames.add(0, 10);
    const auto res = client.request(http::verb::get, "/metrics");
    REQUIRE(res.result() == http::status::ok);
    CHECK(res.keep_alive());
    CHECK(res.body().find("takt_test_frames_total " + std::to_string(10 * i) + "\n") != std::string::npos);
  }
  CHECK(server.scrapes() == 3);
}

TEST_CASE("other targets and methods get 404 and 405, query strings are ignored", "[metrics_http]") {
  MetricsRegistry registry;
  fill(registry);
  MetricsHttpOptions options{"127.0.0.1", 0};
  options.extra_endpoints["/healthz"] = {"text/plain", [] { return std::string("ok\n"); }};
  MetricsHttpServer server(registry, options);
  Client client(server.port());

  CHECK(client.request(http::verb::get, "/").result() == http::status::not_found);
  const auto post = client.request(http::verb::post, "/metrics");
  CHECK(post.result() == http::status::method_not_allowed);
  CHECK(post[http::field::allow] == "GET");
  const auto health = client.request(http::verb::get, "/healthz");
  CHECK(health.result() == http::status::ok);
  CHECK(health.body() == "ok\n");
  const auto query = client.request(http::verb::get, "/metrics?name=x");
  CHECK(query.result() == http::status::ok);
  CHECK(query.body() == registry.render());
  CHECK(server.scrapes() == 1);
}

TEST_CASE("Connection: close is honoured", "[metrics_http]") {
  MetricsRegistry registry;
  fill(registry);
  MetricsHttpServer server(registry, {"127.0.0.1", 0});
  Client client(server.port());
  const auto res = client.request(http::verb::get, "/metrics", false);
  CHECK(res.result() == http::status::ok);
  CHECK_FALSE(res.keep_alive());
  CHECK(client.read_until_closed());  // end of stream: the server closed its side
}

TEST_CASE("stop() closes open connections and the port, and is idempotent", "[metrics_http]") {
  MetricsRegistry registry;
  fill(registry);
  auto server = std::make_unique<MetricsHttpServer>(registry, MetricsHttpOptions{"127.0.0.1", 0});
  const std::uint16_t port = server->port();
  Client idle(port);
  REQUIRE(idle.request(http::verb::get, "/metrics").result() == http::status::ok);

  server->stop();
  server->stop();
  CHECK(idle.read_until_closed());  // the idle kept-alive connection was closed, not left hanging

  asio::io_context io;
  tcp::socket s(io);
  beast::error_code ec;
  s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  CHECK(ec == asio::error::connection_refused);
  server.reset();  // destruction after stop() is fine too
}

TEST_CASE("an idle connection is closed after the idle timeout", "[metrics_http]") {
  MetricsRegistry registry;
  fill(registry);
  MetricsHttpOptions options{"127.0.0.1", 0};
  options.idle_timeout = std::chrono::seconds{1};
  MetricsHttpServer server(registry, options);
  Client client(server.port());
  REQUIRE(client.request(http::verb::get, "/metrics").result() == http::status::ok);
  const auto before = std::chrono::steady_clock::now();
  CHECK(client.read_until_closed());
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds{10});
}

TEST_CASE("binding errors name the address and the reason", "[metrics_http]") {
  MetricsRegistry registry;
  CHECK_THROWS_WITH(MetricsHttpServer(registry, {"not-an-ip", 9100}),
                    Catch::Contains("not-an-ip:9100") && Catch::Contains("not an IP address"));
  MetricsHttpServer first(registry, {"127.0.0.1", 0});
  CHECK_THROWS_WITH(MetricsHttpServer(registry, {"127.0.0.1", first.port()}),
                    Catch::Contains("127.0.0.1:" + std::to_string(first.port())) && Catch::Contains("in use"));
}

TEST_CASE("scrapes while writers record see monotonic counts", "[metrics_http]") {
  MetricsRegistry registry;
  auto& frames = registry.counter("takt_test_frames_total", "Frames").with({});
  MetricsHttpServer server(registry, {"127.0.0.1", 0});
  std::atomic<bool> stop{false};
  std::atomic<bool> started{false};
  std::thread writer([&] {
    while (!stop.load()) {
      frames.add(0);
      started = true;
    }
  });
  // On a busy machine the writer may not run before the scrapes are done: wait for its first count.
  while (!started.load()) std::this_thread::yield();
  std::vector<std::string> bodies;
  {
    Client client(server.port());
    for (int i = 0; i < 20; ++i) bodies.push_back(client.request(http::verb::get, "/metrics").body());
  }
  stop = true;
  writer.join();
  std::uint64_t last = 0;
  for (const auto& body : bodies) {
    const auto at = body.find("\ntakt_test_frames_total ");  // the sample, not the HELP line
    REQUIRE(at != std::string::npos);
    const std::uint64_t v = std::stoull(body.substr(at + 24));
    CHECK(v >= last);
    last = v;
  }
  CHECK(last > 0);
}
