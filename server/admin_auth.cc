#include "server/admin_auth.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "absl/strings/str_cat.h"

namespace moderation::server {
namespace {

constexpr std::string_view kBearerPrefix = "Bearer ";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Whole-file read; false if the file cannot be opened or read.
bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return false;
  *out = std::move(text).str();
  return true;
}

// Compares in time that depends only on the length of `presented` (which the
// caller knows anyway), never on where the first differing byte is nor on the
// expected token's bytes. `expected` must not be empty.
bool ConstantTimeEquals(std::string_view presented, std::string_view expected) {
  volatile unsigned char diff = presented.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < presented.size(); ++i) {
    diff = diff | static_cast<unsigned char>(presented[i] ^ expected[i % expected.size()]);
  }
  return diff == 0;
}

// A TLS handshake that required and verified a client certificate leaves a
// peer identity (the certificate's SAN or CN); plaintext and server-only TLS
// do not.
bool HasVerifiedPeer(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  return auth != nullptr && auth->IsPeerAuthenticated() && !auth->GetPeerIdentity().empty();
}

absl::Status ReadPem(const std::string& flag, const std::string& path, std::string* out) {
  if (!ReadWholeFile(path, out)) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read '", path, "'"));
  }
  if (Trim(*out).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": '", path, "' is empty"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<AdminAuthenticator>> AdminAuthenticator::Create(
    const std::string& token_file, bool mtls_enabled) {
  std::string token;
  if (!token_file.empty()) {
    std::string text;
    if (!ReadWholeFile(token_file, &text)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--admin_token_file: cannot read '", token_file, "'"));
    }
    std::string_view first_line = text;
    first_line = first_line.substr(0, first_line.find('\n'));
    token = std::string(Trim(first_line));
    if (token.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--admin_token_file: the first line of '", token_file, "' is empty"));
    }
  }
  const std::string name = std::filesystem::path(token_file).filename().string();
  return std::unique_ptr<AdminAuthenticator>(
      new AdminAuthenticator(std::move(token), name, mtls_enabled));
}

// "cert:<subject>" of a verified client certificate (its common name if gRPC
// reports no subject).
std::string CertificateCaller(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  std::vector<grpc::string_ref> subject = auth->FindPropertyValues(GRPC_X509_SUBJECT_PROPERTY_NAME);
  if (subject.empty()) subject = auth->GetPeerIdentity();
  if (subject.empty()) return "cert:";
  return "cert:" + std::string(subject[0].data(), subject[0].size());
}

grpc::Status AdminAuthenticator::Check(const grpc::ServerContextBase& context,
                                       std::string* caller) const {
  std::string ignored;
  if (caller == nullptr) caller = &ignored;
  if (token_.empty() && !mtls_enabled_) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "admin API disabled: set --admin_token_file or --tls_client_ca");
  }
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    // A presented credential is judged on its own: a wrong token is refused
    // even if the connection also carries a client certificate.
    const std::string_view value(it->second.data(), it->second.size());
    if (!token_.empty() && value.substr(0, kBearerPrefix.size()) == kBearerPrefix &&
        ConstantTimeEquals(Trim(value.substr(kBearerPrefix.size())), token_)) {
      *caller = "token:" + token_name_;
      return grpc::Status::OK;
    }
    if (token_.empty() && HasVerifiedPeer(context)) {
      *caller = CertificateCaller(context);
      return grpc::Status::OK;
    }
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "invalid admin token");
  }
  if (mtls_enabled_ && HasVerifiedPeer(context)) {
    *caller = CertificateCaller(context);
    return grpc::Status::OK;
  }
  return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                      "admin call needs 'authorization: Bearer <token>' or a client certificate");
}

bool AdminAuthenticator::AcceptsToken(std::string_view token) const {
  return !token_.empty() && ConstantTimeEquals(Trim(token), token_);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const std::string& cert_file, const std::string& key_file, const std::string& client_ca_file) {
  if (cert_file.empty() != key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert and --tls_key must be set together (TLS needs both)");
  }
  if (cert_file.empty()) {
    if (!client_ca_file.empty()) {
      return absl::InvalidArgumentError("--tls_client_ca needs --tls_cert and --tls_key");
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  if (absl::Status s = ReadPem("--tls_cert", cert_file, &pair.cert_chain); !s.ok()) return s;
  if (absl::Status s = ReadPem("--tls_key", key_file, &pair.private_key); !s.ok()) return s;

  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  if (!client_ca_file.empty()) {
    if (absl::Status s = ReadPem("--tls_client_ca", client_ca_file, &options.pem_root_certs);
        !s.ok()) {
      return s;
    }
    // The handshake rejects clients without a certificate from this CA, so a
    // peer identity on a call means a verified certificate (see Check).
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  options.pem_key_cert_pairs.push_back(std::move(pair));
  return grpc::SslServerCredentials(options);
}

}  // namespace moderation::server
