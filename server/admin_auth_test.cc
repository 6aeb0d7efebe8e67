#include "server/admin_auth.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/testing/temp_dir.h"
#include "moderation/v1/rule_admin.grpc.pb.h"

namespace moderation::server {
namespace {

namespace fs = std::filesystem;

constexpr char kToken[] = "s3cret-Token_42";

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Answers ListRuleSets with the authenticator's verdict; nothing else.
class AuthOnlyService final : public v1::RuleAdminService::CallbackService {
 public:
  explicit AuthOnlyService(const AdminAuthenticator* auth) : auth_(auth) {}
  grpc::ServerUnaryReactor* ListRuleSets(grpc::CallbackServerContext* context,
                                         const v1::ListRuleSetsRequest*,
                                         v1::ListRuleSetsResponse*) override {
    auto* reactor = context->DefaultReactor();
    reactor->Finish(auth_->Check(*context));
    return reactor;
  }

 private:
  const AdminAuthenticator* const auth_;
};

// An authenticator, the test service and a server on 127.0.0.1:<free port>.
struct TestServer {
  std::unique_ptr<AdminAuthenticator> auth;
  std::unique_ptr<AuthOnlyService> service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;

  std::string target() const { return "127.0.0.1:" + std::to_string(port); }
  ~TestServer() {
    if (server) server->Shutdown();
  }
};

std::unique_ptr<TestServer> StartServer(const std::string& token_file, bool mtls,
                                        std::shared_ptr<grpc::ServerCredentials> credentials) {
  auto out = std::make_unique<TestServer>();
  auto auth = AdminAuthenticator::Create(token_file, mtls);
  EXPECT_TRUE(auth.ok()) << auth.status();
  if (!auth.ok()) return nullptr;
  out->auth = std::move(*auth);
  out->service = std::make_unique<AuthOnlyService>(out->auth.get());
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", std::move(credentials), &out->port);
  builder.RegisterService(out->service.get());
  out->server = builder.BuildAndStart();
  EXPECT_NE(out->server, nullptr);
  EXPECT_GT(out->port, 0);
  return out;
}

grpc::Status CallList(const std::shared_ptr<grpc::Channel>& channel,
                      const std::string& authorization) {
  auto stub = v1::RuleAdminService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  v1::ListRuleSetsResponse response;
  return stub->ListRuleSets(&context, v1::ListRuleSetsRequest(), &response);
}

struct AuthCase {
  const char* name;
  bool token_configured;
  bool mtls;
  std::string authorization;  // "" = no metadata
  grpc::StatusCode want;
};

class AdminAuthTableTest : public ::testing::TestWithParam<AuthCase> {};

TEST_P(AdminAuthTableTest, PlaintextCallGetsTheExpectedCode) {
  const AuthCase& c = GetParam();
  const testing::TempDir temp("admin_auth");
  const fs::path dir = temp.path();
  std::string token_file;
  if (c.token_configured) {
    token_file = (dir / "token").string();
    WriteFile(token_file, std::string("  ") + kToken + "  \nsecond line is ignored\n");
  }
  auto server = StartServer(token_file, c.mtls, grpc::InsecureServerCredentials());
  ASSERT_NE(server, nullptr);
  grpc::Status status = CallList(
      grpc::CreateChannel(server->target(), grpc::InsecureChannelCredentials()), c.authorization);
  EXPECT_EQ(status.error_code(), c.want) << status.error_message();
  // The configured token is never echoed, whatever was presented.
  EXPECT_EQ(status.error_message().find(kToken), std::string::npos);
}

const std::string kBearer = std::string("Bearer ") + kToken;

INSTANTIATE_TEST_SUITE_P(
    Table, AdminAuthTableTest,
    ::testing::Values(AuthCase{"TokenAccepted", true, false, kBearer, grpc::StatusCode::OK},
                      AuthCase{"TokenWithMtlsConfiguredAccepted", true, true, kBearer,
                               grpc::StatusCode::OK},
                      AuthCase{"NoCredentialIsUnauthenticated", true, false, "",
                               grpc::StatusCode::UNAUTHENTICATED},
                      AuthCase{"WrongTokenIsDenied", true, false, "Bearer wrong",
                               grpc::StatusCode::PERMISSION_DENIED},
                      AuthCase{"TokenPrefixIsDenied", true, false, "Bearer s3cret",
                               grpc::StatusCode::PERMISSION_DENIED},
                      AuthCase{"TokenWithSuffixIsDenied", true, false, kBearer + "x",
                               grpc::StatusCode::PERMISSION_DENIED},
                      AuthCase{"EmptyBearerIsDenied", true, false, "Bearer ",
                               grpc::StatusCode::PERMISSION_DENIED},
                      AuthCase{"TokenWithoutSchemeIsDenied", true, false, kToken,
                               grpc::StatusCode::PERMISSION_DENIED},
                      AuthCase{"BasicSchemeIsDenied", true, false, std::string("Basic ") + kToken,
                               grpc::StatusCode::PERMISSION_DENIED},
                      AuthCase{"MtlsOnlyWithoutCertificateIsUnauthenticated", false, true, "",
                               grpc::StatusCode::UNAUTHENTICATED},
                      AuthCase{"MtlsOnlyRefusesTokens", false, true, kBearer,
                               grpc::StatusCode::PERMISSION_DENIED},
                      AuthCase{"NothingConfiguredDisablesTheApi", false, false, "",
                               grpc::StatusCode::PERMISSION_DENIED},
                      AuthCase{"NothingConfiguredRefusesTokens", false, false, kBearer,
                               grpc::StatusCode::PERMISSION_DENIED}),
    [](const ::testing::TestParamInfo<AuthCase>& info) { return std::string(info.param.name); });

TEST(AdminAuthTest, DisabledApiSaysHowToEnableIt) {
  auto server = StartServer("", false, grpc::InsecureServerCredentials());
  ASSERT_NE(server, nullptr);
  grpc::Status status =
      CallList(grpc::CreateChannel(server->target(), grpc::InsecureChannelCredentials()), "");
  EXPECT_EQ(status.error_message(),
            "admin API disabled: set --admin_token_file or --tls_client_ca");
}

TEST(AdminAuthTest, MissingCredentialMessageNamesBothOptions) {
  auto server = StartServer("", true, grpc::InsecureServerCredentials());
  ASSERT_NE(server, nullptr);
  grpc::Status status =
      CallList(grpc::CreateChannel(server->target(), grpc::InsecureChannelCredentials()), "");
  EXPECT_EQ(status.error_message(),
            "admin call needs 'authorization: Bearer <token>' or a client certificate");
}

TEST(AdminAuthTest, UnreadableTokenFileIsAnErrorNamingTheFile) {
  auto auth = AdminAuthenticator::Create("/nonexistent/admin-token", false);
  ASSERT_FALSE(auth.ok());
  EXPECT_EQ(auth.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(auth.status().message().find("/nonexistent/admin-token"), std::string::npos);
  EXPECT_NE(auth.status().message().find("--admin_token_file"), std::string::npos);
}

TEST(AdminAuthTest, TokenFileWithBlankFirstLineIsRejectedWithoutEchoingTheRest) {
  const testing::TempDir temp("admin_auth");
  const fs::path dir = temp.path();
  const fs::path file = dir / "token";
  WriteFile(file, "   \nhidden-secret\n");
  auto auth = AdminAuthenticator::Create(file.string(), false);
  ASSERT_FALSE(auth.ok());
  EXPECT_EQ(auth.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(auth.status().message().find(file.string()), std::string::npos);
  EXPECT_EQ(auth.status().message().find("hidden-secret"), std::string::npos);
  WriteFile(file, "");
  EXPECT_EQ(AdminAuthenticator::Create(file.string(), true).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MakeServerCredentialsTest, NoFilesMeansPlaintext) {
  auto credentials = MakeServerCredentials("", "", "");
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  EXPECT_NE(*credentials, nullptr);
}

TEST(MakeServerCredentialsTest, CertAndKeyMustComeTogether) {
  EXPECT_EQ(MakeServerCredentials("cert.pem", "", "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeServerCredentials("", "key.pem", "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeServerCredentials("", "", "ca.pem").status().code(),
            absl::StatusCode::kInvalidArgument);
}

// The test PKI, made with the openssl CLI in a fresh directory: a CA, a
// server certificate for 127.0.0.1/localhost, a client certificate from the
// CA and one from an unrelated CA. Keys never leave the temp dir.
class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string d = dir_.string();
    WriteFile(dir_ / "server.ext",
              "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    WriteFile(dir_ / "client.ext", "extendedKeyUsage=clientAuth\n");
    const std::string script = "set -e; cd '" + d + "'\n" + MakeCa("ca") + MakeCa("other_ca") +
                               MakeLeaf("server", "localhost", "ca", "server.ext") +
                               MakeLeaf("client", "admin-client", "ca", "client.ext") +
                               MakeLeaf("rogue", "rogue-client", "other_ca", "client.ext");
    WriteFile(dir_ / "make.sh", script);
    const std::string command = "sh '" + d + "/make.sh' > '" + d + "/openssl.log' 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << ReadFile(dir_ / "openssl.log");
  }

  static std::string MakeCa(const std::string& name) {
    return "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
           " -subj /CN=" +
           name + " -keyout " + name + ".key -out " + name +
           ".pem"
           " -addext basicConstraints=critical,CA:TRUE -addext "
           "keyUsage=critical,keyCertSign,cRLSign\n";
  }
  static std::string MakeLeaf(const std::string& name, const std::string& cn, const std::string& ca,
                              const std::string& ext) {
    return "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=" + cn +
           " -keyout " + name + ".key -out " + name + ".csr\n" + "openssl x509 -req -in " + name +
           ".csr -CA " + ca + ".pem -CAkey " + ca + ".key -CAcreateserial -days 2 -extfile " + ext +
           " -out " + name + ".pem\n";
  }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::unique_ptr<TestServer> StartTlsServer(const std::string& token_file) {
    auto credentials =
        MakeServerCredentials(Path("server.pem"), Path("server.key"), Path("ca.pem"));
    EXPECT_TRUE(credentials.ok()) << credentials.status();
    if (!credentials.ok()) return nullptr;
    return StartServer(token_file, true, *credentials);
  }

  std::shared_ptr<grpc::Channel> TlsChannel(const TestServer& server, const std::string& client) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFile(dir_ / "ca.pem");
    if (!client.empty()) {
      options.pem_private_key = ReadFile(dir_ / (client + ".key"));
      options.pem_cert_chain = ReadFile(dir_ / (client + ".pem"));
    }
    return grpc::CreateChannel(server.target(), grpc::SslCredentials(options));
  }

  testing::TempDir temp_{"admin_auth"};
  const fs::path dir_{temp_.path()};
};

TEST_F(TlsTest, ClientCertificateFromTheCaIsAnAdminCredential) {
  auto server = StartTlsServer("");
  ASSERT_NE(server, nullptr);
  grpc::Status status = CallList(TlsChannel(*server, "client"), "");
  EXPECT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
}

TEST_F(TlsTest, ClientCertificateAloneSufficesWhenATokenIsAlsoConfigured) {
  WriteFile(dir_ / "token", kToken);
  auto server = StartTlsServer(Path("token"));
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(CallList(TlsChannel(*server, "client"), "").ok());
  EXPECT_TRUE(CallList(TlsChannel(*server, "client"), kBearer).ok());
  EXPECT_EQ(CallList(TlsChannel(*server, "client"), "Bearer wrong").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(TlsTest, ClientCertificateFromAnotherCaFailsTheHandshake) {
  auto server = StartTlsServer("");
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(CallList(TlsChannel(*server, "rogue"), "").error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, ClientWithoutCertificateFailsTheHandshake) {
  auto server = StartTlsServer("");
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(CallList(TlsChannel(*server, ""), "").error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, PlaintextClientCannotTalkToATlsServer) {
  auto server = StartTlsServer("");
  ASSERT_NE(server, nullptr);
  auto channel = grpc::CreateChannel(server->target(), grpc::InsecureChannelCredentials());
  EXPECT_EQ(CallList(channel, "").error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, ServerTlsWithoutClientCaServesTokenCallers) {
  WriteFile(dir_ / "token", kToken);
  auto credentials = MakeServerCredentials(Path("server.pem"), Path("server.key"), "");
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  auto server = StartServer(Path("token"), false, *credentials);
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(CallList(TlsChannel(*server, ""), kBearer).ok());
  EXPECT_EQ(CallList(TlsChannel(*server, ""), "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(TlsTest, UnreadableTlsFilesAreErrorsNamingFlagAndPath) {
  struct Case {
    std::string cert, key, ca, flag, path;
  } cases[] = {
      {Path("missing.pem"), Path("server.key"), "", "--tls_cert", Path("missing.pem")},
      {Path("server.pem"), Path("missing.key"), "", "--tls_key", Path("missing.key")},
      {Path("server.pem"), Path("server.key"), Path("missing-ca.pem"), "--tls_client_ca",
       Path("missing-ca.pem")},
  };
  for (const Case& c : cases) {
    auto credentials = MakeServerCredentials(c.cert, c.key, c.ca);
    ASSERT_FALSE(credentials.ok()) << c.flag;
    EXPECT_EQ(credentials.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(credentials.status().message().find(c.flag), std::string::npos)
        << credentials.status();
    EXPECT_NE(credentials.status().message().find(c.path), std::string::npos)
        << credentials.status();
  }
}

}  // namespace
}  // namespace moderation::server
