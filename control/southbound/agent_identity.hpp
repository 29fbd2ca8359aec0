#pragma once
// What makes two agent endpoints the same peer under the same trust, as text keys: kept TLS
// sessions and pooled clients are found by them. The TLS files count by path and by their
// current contents' stamp (modification time, size), so a rotated CA, certificate or key is
// never served by what was set up with the old one.
#include <string>

#include "control/southbound/agent_endpoint.hpp"

namespace takt::southbound {

// The TLS files (CA, client certificate and key): clients with the same ones share a context.
std::string tls_files_key(const AgentEndpoint& endpoint);

// Host, port and the TLS files: the sessions resumable for this endpoint.
std::string tls_session_key(const AgentEndpoint& endpoint);

// Everything an AgentClient is built from (also the bridge name its errors carry and the
// timeouts): one pooled client per key.
std::string agent_client_key(const AgentEndpoint& endpoint);

}  // namespace takt::southbound
