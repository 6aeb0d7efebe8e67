// Authentication of RuleAdminService calls.
//
// Why: the admin API changes what a moderation service enforces, so it needs
// a credential: a bearer token ("authorization: Bearer <token>" metadata,
// compared in constant time) or, when the server runs mTLS, a client
// certificate verified against the configured client CA. Tokens are never
// logged or echoed in errors.
//
//   auto auth = AdminAuthenticator::Create(config.admin_token_file, mtls_enabled);
//   grpc::Status s = (*auth)->Check(*context);  // OK, UNAUTHENTICATED or PERMISSION_DENIED
//
// Outcomes: a valid token or a verified client certificate -> OK; no
// credential at all -> UNAUTHENTICATED; a wrong token -> PERMISSION_DENIED
// (presented, but not allowed); no credential configured on the server ->
// PERMISSION_DENIED ("admin API disabled").
//
// Thread-safety: immutable after Create; Check may run concurrently.
#ifndef MODERATION_SERVER_ADMIN_AUTH_H_
#define MODERATION_SERVER_ADMIN_AUTH_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace moderation::server {

class AdminAuthenticator {
 public:
  // token_file "" = no token; mtls_enabled = the server verifies client
  // certificates. InvalidArgument if the file cannot be read or is empty.
  static absl::StatusOr<std::unique_ptr<AdminAuthenticator>> Create(const std::string& token_file,
                                                                    bool mtls_enabled);

  // On OK, *caller (if given) names who called, for the logs: "token:<token
  // file name>" (never the token) or "cert:<certificate subject>".
  grpc::Status Check(const grpc::ServerContextBase& context, std::string* caller = nullptr) const;
  // True if `token` is this authenticator's token (constant time); for
  // credentials that arrive outside gRPC (the /pulse page).
  bool AcceptsToken(std::string_view token) const;

 private:
  AdminAuthenticator(std::string token, std::string token_name, bool mtls_enabled)
      : token_(std::move(token)), token_name_(std::move(token_name)), mtls_enabled_(mtls_enabled) {}

  const std::string token_;       // "" = tokens not accepted
  const std::string token_name_;  // the token file's name, e.g. "admin-token"
  const bool mtls_enabled_;
};

// Server credentials from the config's TLS files: insecure when no cert is
// set; TLS with cert+key; mTLS (client certificate required and verified)
// when a client CA is also set. InvalidArgument naming the flag for missing
// or unreadable files.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const std::string& cert_file, const std::string& key_file, const std::string& client_ca_file);

}  // namespace moderation::server

#endif  // MODERATION_SERVER_ADMIN_AUTH_H_
