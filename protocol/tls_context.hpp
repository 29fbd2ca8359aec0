#pragma once
// OpenSSL contexts for both ends of the agent API: TLS 1.2+, certificates and keys from PEM
// files, the peer checked against one CA. Errors name the file that could not be used.
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace takt::agent {

// Presents certificate_file/private_key_file; asks every client for a certificate and records
// (does not enforce) whether it chains to ca_file, so reads without one still work. Sessions
// may be resumed (within an hour), keeping the client certificate's verdict.
boost::asio::ssl::context make_server_tls_context(const std::string& certificate_file,
                                                  const std::string& private_key_file, const std::string& ca_file);

// Verifies the server against ca_file (and its name, by the caller); presents a client
// certificate when both files are given.
boost::asio::ssl::context make_client_tls_context(const std::string& ca_file, const std::string& certificate_file,
                                                  const std::string& private_key_file);

}  // namespace takt::agent
