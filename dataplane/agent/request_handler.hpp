#pragma once
// What AgentServer serves: a pure function from request (and who sent it) to response. The
// switch agent's API is one (agent_api.hpp); takt-station's is another (dataplane/bpf), so both
// get the same TLS, client certificates, limits and timeouts.
#include <string>
#include <string_view>

#include <boost/beast/http.hpp>

namespace takt::agent {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

// Who is on the other end of a connection, as far as TLS tells.
struct PeerIdentity {
  std::string address;  // "127.0.0.1:53412"
  bool tls = false;
  bool certificate_verified = false;  // presented a client certificate that chains to our CA
  std::string subject;                // its subject, when presented
  std::string problem;                // why it is not verified, when it is not
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Called on the server's io thread, one request at a time per connection; must not throw.
  virtual HttpResponse handle(const HttpRequest& request, const PeerIdentity& peer) = 0;
};

// A response to `request` (its HTTP version and keep-alive) from `server`, with `body`.
inline HttpResponse make_reply(const HttpRequest& request, unsigned status, std::string body,
                               std::string_view content_type, std::string_view server) {
  HttpResponse r{static_cast<http::status>(status), request.version()};
  r.set(http::field::server, boost::beast::string_view(server.data(), server.size()));
  r.set(http::field::content_type, boost::beast::string_view(content_type.data(), content_type.size()));
  r.keep_alive(request.keep_alive());
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

}  // namespace takt::agent
