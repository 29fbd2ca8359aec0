#pragma once
// A real takt-agent process on loopback for tests and benchmarks: started with fork/exec,
// ready once it wrote its port file, killed (and reaped) by the destructor on every path.
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace takt::test {

class AgentProcess {
 public:
  // port 0: any free port (then port() tells which; restart() reuses it).
  AgentProcess(std::string bridge, std::vector<std::string> extra_args, std::filesystem::path work_dir, int port = 0)
      : bridge_(std::move(bridge)), extra_(std::move(extra_args)), dir_(std::move(work_dir)), port_(port) {
    start();
  }
  ~AgentProcess() { kill(SIGKILL); }
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  int port() const { return port_; }
  const std::string& bridge() const { return bridge_; }
  bool running() const { return pid_ > 0; }

  void kill(int signal = SIGKILL) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  void restart(std::vector<std::string> extra_args) {
    kill();
    extra_ = std::move(extra_args);
    start();
  }
  void restart() { restart(extra_); }

 private:
  void start() {
    const auto port_file = dir_ / (bridge_ + ".port");
    std::filesystem::remove(port_file);
    std::vector<std::string> args{
        TAKT_AGENT_EXE, "--bridge",         bridge_,       "--ports", "p1,p2", "--port", std::to_string(port_),
        "--port-file",  port_file.string(), "--log-level", "warn"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      std::_Exit(127);
    }
    for (int i = 0; i < 500; ++i) {
      std::ifstream in(port_file);
      int p = 0;
      if (in >> p && p > 0) {
        port_ = p;
        return;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("takt-agent " + bridge_ + " exited at start (see its stderr)");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("takt-agent " + bridge_ + " did not start listening within 5 s");
  }

  std::string bridge_;
  std::vector<std::string> extra_;
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace takt::test
