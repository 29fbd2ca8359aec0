#include "protocol/tls_context.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <openssl/ssl.h>

namespace takt::agent {

namespace ssl = boost::asio::ssl;

namespace {

constexpr long kSessionLifetimeSeconds = 3600;

template <class F>
void load(const std::string& what, const std::string& file, F&& f) {
  if (file.empty()) throw std::runtime_error(fmt::format("no {} file given", what));
  boost::system::error_code ec;
  f(ec);
  if (ec) throw std::runtime_error(fmt::format("cannot use {} file {}: {}", what, file, ec.message()));
}

ssl::context base_context(ssl::context::method method) {
  ssl::context ctx{method};
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  return ctx;
}

}  // namespace

ssl::context make_server_tls_context(const std::string& certificate_file, const std::string& private_key_file,
                                     const std::string& ca_file) {
  ssl::context ctx = base_context(ssl::context::tls_server);
  load("certificate", certificate_file, [&](auto& ec) { ctx.use_certificate_chain_file(certificate_file, ec); });
  load("private key", private_key_file,
       [&](auto& ec) { ctx.use_private_key_file(private_key_file, ssl::context::pem, ec); });
  load("CA", ca_file, [&](auto& ec) { ctx.load_verify_file(ca_file, ec); });
  // Request a certificate but let the handshake finish without a valid one: the API answers
  // such writes with a 403 that says why, instead of a bare TLS alert nobody can read.
  ctx.set_verify_mode(ssl::verify_peer);
  ctx.set_verify_callback([](bool, ssl::verify_context&) { return true; });
  // Resumed sessions (tickets, so the client's next connection skips both certificates):
  // OpenSSL refuses to resume a session with a peer certificate unless the context names
  // itself. A resumed session keeps the client certificate's verdict from its full handshake;
  // a ticket is honoured for kSessionLifetimeSeconds, and the cache of sessions is bounded
  // (tickets themselves take no server memory).
  static constexpr unsigned char kSessionContext[] = "takt-agent-api";
  SSL_CTX_set_session_id_context(ctx.native_handle(), kSessionContext, sizeof kSessionContext - 1);
  SSL_CTX_set_timeout(ctx.native_handle(), kSessionLifetimeSeconds);
  SSL_CTX_sess_set_cache_size(ctx.native_handle(), 1024);
  return ctx;
}

ssl::context make_client_tls_context(const std::string& ca_file, const std::string& certificate_file,
                                     const std::string& private_key_file) {
  ssl::context ctx = base_context(ssl::context::tls_client);
  load("CA", ca_file, [&](auto& ec) { ctx.load_verify_file(ca_file, ec); });
  if (!certificate_file.empty() || !private_key_file.empty()) {
    load("client certificate", certificate_file,
         [&](auto& ec) { ctx.use_certificate_chain_file(certificate_file, ec); });
    load("client key", private_key_file,
         [&](auto& ec) { ctx.use_private_key_file(private_key_file, ssl::context::pem, ec); });
  }
  ctx.set_verify_mode(ssl::verify_peer);
  return ctx;
}

}  // namespace takt::agent
