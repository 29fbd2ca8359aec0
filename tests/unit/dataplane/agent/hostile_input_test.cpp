// Issue 11, the agent's HTTP door, as a hostile user tries it: a real takt-agent process on
// loopback, real sockets. Each case crashed, spun or grew the agent before it was bounded.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/bridge_config_json.hpp"
#include "tests/support/agent_test_support.hpp"

using namespace takt;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// takt-agent on a free loopback port, optionally with a lower RLIMIT_NOFILE.
class Agent {
 public:
  explicit Agent(std::vector<std::string> extra = {}, rlim_t max_files = 0) {
    dir_ = std::filesystem::temp_directory_path() / ("takt-hostile-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    const auto port_file = dir_ / "port";
    std::filesystem::remove(port_file);
    // TAKT_HOSTILE_AGENT_EXE runs the cases against another build (an older one, to see them fail).
    const char* exe = std::getenv("TAKT_HOSTILE_AGENT_EXE");
    std::vector<std::string> args{exe ? exe : TAKT_AGENT_EXE,
                                  "--bridge",
                                  "sw1",
                                  "--ports",
                                  "p1,p2",
                                  "--port",
                                  "0",
                                  "--plain-http",
                                  "--port-file",
                                  port_file.string(),
                                  "--log-level",
                                  "error"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      if (max_files) {
        const rlimit limit{max_files, max_files};
        ::setrlimit(RLIMIT_NOFILE, &limit);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      std::_Exit(127);
    }
    for (int i = 0; i < 500 && port_ == 0; ++i) {
      std::ifstream in(port_file);
      if (!(in >> port_)) port_ = 0;
      if (port_ == 0) std::this_thread::sleep_for(10ms);
    }
    REQUIRE(port_ > 0);
  }
  ~Agent() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  int port() const { return port_; }
  // Still running (not killed by a signal, not exited)?
  bool alive() const { return ::waitpid(pid_, nullptr, WNOHANG) == 0; }
  // User + system CPU time so far, in seconds.
  double cpu_seconds() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string f;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i)
      if (i == 14 || i == 15) ticks += std::stod(f);
    return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends raw bytes, half-closes, and reads the answer until the agent closes (or 5 s pass).
std::string exchange(int port, const std::string& request) {
  const int fd = connect_to(port);
  if (fd < 0) return {};
  for (std::size_t sent = 0; sent < request.size();) {
    const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string answer;
  char buf[65536];
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<std::size_t>(n));
    // One answer is enough: headers plus Content-Length bytes.
    const auto end = answer.find("\r\n\r\n");
    const auto cl = answer.find("Content-Length: ");
    if (end != std::string::npos && cl != std::string::npos &&
        answer.size() >= end + 4 + std::stoul(answer.substr(cl + 16)))
      break;
  }
  ::close(fd);
  return answer;
}

std::string request(const std::string& method, const std::string& target, const std::string& body = {}) {
  return method + " " + target +
         " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

int status_of(const std::string& answer) {
  return answer.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(answer.substr(9, 3)) : 0;
}

std::string body_of(const std::string& answer) {
  const auto end = answer.find("\r\n\r\n");
  return end == std::string::npos ? std::string{} : answer.substr(end + 4);
}

bool healthy(const Agent& agent) { return status_of(exchange(agent.port(), request("GET", "/api/v1/health"))) == 200; }

}  // namespace

TEST_CASE("a 200 KB deeply nested body gets 400 naming the depth limit, and the agent lives on", "[agent][hostile]") {
  Agent agent;
  std::string config = bridge::to_json(agent::test::two_port_config("sw1", 200'000)).dump();
  const std::string rate = "\"link-rate-bps\":";
  const auto at = config.find(rate);
  REQUIRE(at != std::string::npos);
  const auto number_end = config.find_first_of(",}", at + rate.size());
  config.replace(at + rate.size(), number_end - at - rate.size(),
                 std::string(100'000, '[') + std::string(100'000, ']'));
  const std::string answer = exchange(agent.port(), request("PUT", "/api/v1/staged?transaction=x", config));
  CHECK(status_of(answer) == 400);
  CHECK_THAT(body_of(answer), Catch::Contains("nesting deeper than 64 levels"));
  CHECK(body_of(answer).size() < 1000);
  CHECK(agent.alive());
  CHECK(healthy(agent));
}

TEST_CASE("a nested value within the depth limit is refused with a short excerpt, not a dump", "[agent][hostile]") {
  Agent agent;
  json config = bridge::to_json(agent::test::two_port_config("sw1", 200'000));
  json deep = json::array();
  for (int i = 0; i < 60; ++i) deep = json::array({deep, std::string(1000, 'x')});
  config["ports"][0]["link-rate-bps"] = deep;
  const std::string answer = exchange(agent.port(), request("PUT", "/api/v1/staged?transaction=x", config.dump()));
  CHECK(status_of(answer) == 400);
  CHECK_THAT(body_of(answer), Catch::Contains("/ports/0/link-rate-bps") && Catch::Contains("an array of 2 elements"));
  CHECK(body_of(answer).size() < 1000);
}

TEST_CASE("out of file descriptors the agent backs off instead of spinning, and answers again", "[agent][hostile]") {
  Agent agent({}, 32);
  std::vector<int> flood;
  for (int i = 0; i < 200; ++i) {
    const int fd = connect_to(agent.port());
    if (fd >= 0) flood.push_back(fd);
  }
  REQUIRE(flood.size() > 100);
  std::this_thread::sleep_for(300ms);
  const double before = agent.cpu_seconds();
  std::this_thread::sleep_for(3s);
  const double used = agent.cpu_seconds() - before;
  INFO("the agent used " << used << " s of CPU in 3 s while out of file descriptors");
  CHECK(used < 0.5);
  for (int fd : flood) ::close(fd);
  bool answered = false;
  for (int i = 0; i < 50 && !answered; ++i) {
    answered = healthy(agent);
    if (!answered) std::this_thread::sleep_for(100ms);
  }
  CHECK(answered);
  CHECK(agent.alive());
}

TEST_CASE("beyond --max-connections a new connection gets 503 with the reason", "[agent][hostile]") {
  Agent agent({"--max-connections", "4"});
  std::vector<int> held;
  for (int i = 0; i < 4; ++i) held.push_back(connect_to(agent.port()));
  std::this_thread::sleep_for(200ms);
  const std::string answer = exchange(agent.port(), request("GET", "/api/v1/health"));
  CHECK(status_of(answer) == 503);
  CHECK_THAT(body_of(answer), Catch::Contains("at most 4 connections"));
  for (int fd : held) ::close(fd);
  std::this_thread::sleep_for(200ms);
  CHECK(healthy(agent));
}

TEST_CASE("made-up HTTP methods are counted under one metrics label", "[agent][hostile]") {
  Agent agent;
  // append, not "M" + ...: GCC 12 -O3 reports a false -Wrestrict on literal + string (bug 105651).
  for (int i = 0; i < 300; ++i)
    (void)exchange(agent.port(), request(std::string("M").append(std::to_string(i)).append("XYZ"), "/metrics"));
  const std::string metrics = body_of(exchange(agent.port(), request("GET", "/metrics")));
  CHECK_THAT(metrics, Catch::Contains("method=\"other\""));
  CHECK_THAT(metrics, !Catch::Contains("XYZ"));
  CHECK(metrics.size() < 20'000);
}

TEST_CASE("garbage, oversize headers and oversize bodies get 400, 431 and 413 with the reason", "[agent][hostile]") {
  Agent agent;  // the default limits: 16 KiB of headers, 4 MiB of body
  std::string answer = exchange(agent.port(), std::string("\x16\x03\x01 this is not HTTP\r\n\r\n"));
  CHECK(status_of(answer) == 400);
  CHECK_THAT(body_of(answer), Catch::Contains("not an HTTP/1.1 request"));

  answer = exchange(agent.port(),
                    "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100'000, 'a') + "\r\n\r\n");
  CHECK(status_of(answer) == 431);
  CHECK_THAT(body_of(answer), Catch::Contains("limit of 16384 bytes"));

  // Announced, not sent: the limit applies to what the headers say is coming.
  answer = exchange(agent.port(),
                    "PUT /api/v1/staged?transaction=x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n{");
  CHECK(status_of(answer) == 413);
  CHECK_THAT(body_of(answer), Catch::Contains("limit of 4194304 bytes"));
  CHECK(healthy(agent));
}

TEST_CASE("a commit with a base time beyond the horizon is refused with 400 and the reason", "[agent][hostile]") {
  Agent agent;  // the default horizon: one hour
  const std::string config = bridge::to_json(agent::test::two_port_config("sw1", 200'000)).dump();
  REQUIRE(status_of(exchange(agent.port(), request("PUT", "/api/v1/staged?transaction=t1", config))) == 200);
  // 9,000,000,000 s after 1970: the year 2255.
  const json commit{{"transaction", "t1"}, {"base-time", {{"seconds", "9000000000"}, {"nanoseconds", 0}}}};
  const std::string answer = exchange(agent.port(), request("POST", "/api/v1/commit", commit.dump()));
  CHECK(status_of(answer) == 400);
  CHECK_THAT(body_of(answer), Catch::Contains("at most 1h ahead") || Catch::Contains("at most 3600"));
  CHECK(status_of(exchange(agent.port(), request("GET", "/api/v1/staged"))) == 200);  // still staged, not committed
}
