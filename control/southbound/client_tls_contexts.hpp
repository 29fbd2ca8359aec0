#pragma once
// The client TLS contexts of agent connections, shared by every client with the same CA,
// certificate and key files (agent_identity.hpp: by path and contents' stamp). Making one reads
// and parses the files and, in OpenSSL 3, fetches its algorithms: about a millisecond each, so
// sixteen agents' own contexts cost a first apply more than a whole apply on kept connections.
// An SSL_CTX is safe to share between connections and threads once made. Thread-safe; a
// context lives as long as a client holds it.
#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "control/southbound/agent_endpoint.hpp"

namespace takt::southbound {

// Throws std::runtime_error naming the file that cannot be used (protocol/tls_context.hpp).
std::shared_ptr<boost::asio::ssl::context> client_tls_context(const AgentEndpoint& endpoint);

}  // namespace takt::southbound
