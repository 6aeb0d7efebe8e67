#include "server/admin_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "engine/testing/temp_dir.h"
#include "server/metrics.h"

namespace moderation::server {
namespace {

namespace fs = std::filesystem;

constexpr char kToken[] = "admin-test-token";

// Blocks "Blödmann"; allows "Trottel".
constexpr char kRulesV1[] = R"(ruleset: test
version: "v1"
thresholds: { flag: 5, block: 10 }
rules:
  - id: test.insult
    category: insult
    words: [Blödmann]
    action: block
    reason: "Keine Beleidigungen."
    examples:
      match: ["Du Blödmann"]
      no_match: ["Guten Tag"]
)";

// The candidate for TestPost: also blocks "Trottel".
constexpr char kRulesWithTrottel[] = R"(ruleset: test
version: "v3"
rules:
  - id: test.insult
    category: insult
    words: [Blödmann, Trottel]
    action: block
)";

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// "file:line:col: message", as rules::Diagnostic::ToString writes it.
std::string ToString(const v1::Diagnostic& d) {
  return d.file() + ":" + std::to_string(d.line()) + ":" + std::to_string(d.column()) + ": " +
         d.message();
}

std::string Version(const std::string& version) {
  std::string text = kRulesV1;
  text.replace(text.find("\"v1\""), 4, "\"" + version + "\"");
  return text;
}

class AdminServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directory(dir_ / "rules");
    WriteFile(dir_ / "rules" / "test.yaml", kRulesV1);
    WriteFile(dir_ / "token", kToken);

    log_file_ = std::tmpfile();  // keeps the test output readable
    logger_ = std::make_unique<Logger>(LogLevel::kInfo, log_file_);
    RuleCatalog::Options options;
    registry_ = std::make_unique<RuleRegistry>((dir_ / "rules").string(), options, logger_.get(),
                                               &metrics_);
    ASSERT_TRUE(registry_->Reload("startup").ok);
    auto auth = AdminAuthenticator::Create((dir_ / "token").string(), false);
    ASSERT_TRUE(auth.ok()) << auth.status();
    auth_ = std::move(*auth);
    service_ = std::make_unique<RuleAdminServiceImpl>(registry_.get(), auth_.get(),
                                                      CompileOptions{}, 65536, logger_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::RuleAdminService::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                              grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    stub_.reset();
    if (server_) server_->Shutdown();
    server_.reset();
    service_.reset();
    registry_.reset();  // may still log: before the logger and its file go
    logger_.reset();
    if (log_file_) std::fclose(log_file_);
  }

  // A client context carrying the admin token.
  std::unique_ptr<grpc::ClientContext> Admin() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", std::string("Bearer ") + kToken);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return context;
  }

  // rules/other.yaml: the rule set "other", flagging `word`.
  void WriteOtherSet(const std::string& version, const std::string& word) {
    WriteFile(dir_ / "rules" / "other.yaml", "ruleset: other\nversion: \"" + version +
                                                 "\"\nrules:\n  - id: other.insult\n"
                                                 "    category: insult\n    words: [" +
                                                 word + "]\n    action: flag\n");
  }

  // A reload that must report problems, then the communities' states.
  v1::ListRuleSetsResponse ReloadFailingAndList() {
    v1::ReloadRulesResponse reload;
    EXPECT_TRUE(stub_->ReloadRules(Admin().get(), {}, &reload).ok());
    EXPECT_FALSE(reload.ok());
    v1::ListRuleSetsResponse list;
    EXPECT_TRUE(stub_->ListRuleSets(Admin().get(), {}, &list).ok());
    return list;
  }

  static v1::RuleFile* AddFile(google::protobuf::RepeatedPtrField<v1::RuleFile>* files,
                               const std::string& name, const std::string& content) {
    v1::RuleFile* file = files->Add();
    file->set_name(name);
    file->set_content(content);
    return file;
  }

  testing::TempDir temp_{"admin_service"};
  const fs::path dir_{temp_.path()};
  std::FILE* log_file_ = nullptr;
  std::unique_ptr<Logger> logger_;
  Metrics metrics_;
  std::unique_ptr<RuleRegistry> registry_;
  std::unique_ptr<AdminAuthenticator> auth_;
  std::unique_ptr<RuleAdminServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::RuleAdminService::Stub> stub_;
};

TEST_F(AdminServiceTest, ListShowsTheDefaultCommunityWithItsRuleSet) {
  v1::ListRuleSetsResponse response;
  grpc::Status status = stub_->ListRuleSets(Admin().get(), {}, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.active_size(), 1);
  const v1::ActiveRuleSet& active = response.active(0);
  EXPECT_EQ(active.community(), "");
  EXPECT_EQ(active.ruleset().id(), "test");
  EXPECT_NE(active.ruleset().version().find("v1"), std::string::npos) << active.ruleset().version();
  EXPECT_FALSE(active.ruleset().content_hash().empty());
  EXPECT_EQ(active.rule_count(), 1u);
  EXPECT_GT(active.loaded_at().seconds(), 0);
  EXPECT_EQ(response.rules_path(), (dir_ / "rules").string());
  EXPECT_TRUE(response.last_attempt_ok());
  EXPECT_GT(response.last_attempt().seconds(), 0);
  EXPECT_EQ(response.last_errors_size(), 0);
}

TEST_F(AdminServiceTest, EveryCallNeedsTheAdminCredential) {
  grpc::ClientContext no_token;
  v1::ListRuleSetsResponse list;
  EXPECT_EQ(stub_->ListRuleSets(&no_token, {}, &list).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  grpc::ClientContext wrong;
  wrong.AddMetadata("authorization", "Bearer nope");
  v1::ReloadRulesResponse reload;
  EXPECT_EQ(stub_->ReloadRules(&wrong, {}, &reload).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  grpc::ClientContext validate_context;
  v1::ValidateRulesRequest validate_request;  // empty: auth must be checked first
  v1::ValidateRulesResponse validate;
  EXPECT_EQ(stub_->ValidateRules(&validate_context, validate_request, &validate).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  grpc::ClientContext test_context;
  v1::TestPostResponse test;
  EXPECT_EQ(stub_->TestPost(&test_context, {}, &test).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AdminServiceTest, ReloadAfterAnEditActivatesTheNewVersion) {
  WriteFile(dir_ / "rules" / "test.yaml", Version("v2"));
  v1::ReloadRulesResponse response;
  grpc::Status status = stub_->ReloadRules(Admin().get(), {}, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.ok());
  EXPECT_EQ(response.errors_size(), 0);
  ASSERT_EQ(response.active_size(), 1);
  EXPECT_NE(response.active(0).ruleset().version().find("v2"), std::string::npos)
      << response.active(0).ruleset().version();

  v1::ListRuleSetsResponse list;
  ASSERT_TRUE(stub_->ListRuleSets(Admin().get(), {}, &list).ok());
  ASSERT_EQ(list.active_size(), 1);
  EXPECT_NE(list.active(0).ruleset().version().find("v2"), std::string::npos);
}

TEST_F(AdminServiceTest, ReloadOfABrokenFileKeepsTheOldRulesAndReportsWhere) {
  WriteFile(dir_ / "rules" / "test.yaml", Version("v2") + "    scroe: 5\n");
  v1::ReloadRulesResponse response;
  grpc::Status status = stub_->ReloadRules(Admin().get(), {}, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(response.ok());
  ASSERT_GE(response.errors_size(), 1);
  EXPECT_NE(response.errors(0).file().find("test.yaml"), std::string::npos);
  EXPECT_GT(response.errors(0).line(), 0);
  ASSERT_EQ(response.active_size(), 1);
  EXPECT_NE(response.active(0).ruleset().version().find("v1"), std::string::npos);

  v1::ListRuleSetsResponse list;
  ASSERT_TRUE(stub_->ListRuleSets(Admin().get(), {}, &list).ok());
  EXPECT_FALSE(list.last_attempt_ok());
  EXPECT_GE(list.last_errors_size(), 1);
  ASSERT_EQ(list.active_size(), 1);
  EXPECT_NE(list.active(0).ruleset().version().find("v1"), std::string::npos);
}

TEST_F(AdminServiceTest, ValidateAcceptsAGoodFileAndReportsItsExamples) {
  v1::ValidateRulesRequest request;
  AddFile(request.mutable_files(), "test.yaml", kRulesV1);
  v1::ValidateRulesResponse response;
  grpc::Status status = stub_->ValidateRules(Admin().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.valid());
  EXPECT_EQ(response.errors_size(), 0);
  ASSERT_EQ(response.examples_size(), 2);
  for (const v1::ExampleResult& e : response.examples()) {
    EXPECT_TRUE(e.passed()) << e.text() << ": " << e.detail();
    EXPECT_EQ(e.rule_id(), "test.insult");
    EXPECT_EQ(e.location().file(), "test.yaml");
    EXPECT_GT(e.location().line(), 0);
  }
}

TEST_F(AdminServiceTest, ValidateReportsATypoWithLineAndColumn) {
  v1::ValidateRulesRequest request;
  // Line 13 is "    scroe: 5": the key starts in column 5.
  AddFile(request.mutable_files(), "de.yaml", std::string(kRulesV1) + "    scroe: 5\n");
  v1::ValidateRulesResponse response;
  ASSERT_TRUE(stub_->ValidateRules(Admin().get(), request, &response).ok());
  EXPECT_FALSE(response.valid());
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).file(), "de.yaml");
  EXPECT_EQ(response.errors(0).line(), 13);
  EXPECT_EQ(response.errors(0).column(), 5);
  EXPECT_NE(response.errors(0).message().find("did you mean 'score'"), std::string::npos)
      << response.errors(0).message();
  EXPECT_EQ(response.examples_size(), 0);
}

TEST_F(AdminServiceTest, ValidateReportsAFailingExample) {
  std::string text = kRulesV1;
  text.replace(text.find("\"Guten Tag\""), 11, "\"Du Oberblödmann\"");
  v1::ValidateRulesRequest request;
  AddFile(request.mutable_files(), "test.yaml", text);
  v1::ValidateRulesResponse response;
  ASSERT_TRUE(stub_->ValidateRules(Admin().get(), request, &response).ok());
  EXPECT_FALSE(response.valid());
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).file(), "test.yaml");
  EXPECT_EQ(response.errors(0).line(), 12);
  EXPECT_NE(response.errors(0).message().find("Oberblödmann"), std::string::npos);
  int failed = 0;
  for (const v1::ExampleResult& e : response.examples()) {
    if (e.passed()) continue;
    ++failed;
    EXPECT_FALSE(e.expect_match());
    EXPECT_EQ(e.location().line(), 12);
    EXPECT_FALSE(e.detail().empty());
  }
  EXPECT_EQ(failed, 1);
}

TEST_F(AdminServiceTest, ValidateReportsProblemsOfEveryFileAtOnce) {
  v1::ValidateRulesRequest request;
  AddFile(request.mutable_files(), "a.yaml", std::string(kRulesV1) + "    scroe: 5\n");
  AddFile(request.mutable_files(), "communities.yaml", "default: [test]\ncomunities: {}\n");
  v1::ValidateRulesResponse response;
  ASSERT_TRUE(stub_->ValidateRules(Admin().get(), request, &response).ok());
  EXPECT_FALSE(response.valid());
  ASSERT_EQ(response.errors_size(), 2);
  EXPECT_EQ(response.errors(0).file(), "a.yaml");
  EXPECT_EQ(response.errors(1).file(), "communities.yaml");
}

TEST_F(AdminServiceTest, ValidateRejectsRequestsWithoutFilesOrNames) {
  v1::ValidateRulesResponse response;
  grpc::Status empty = stub_->ValidateRules(Admin().get(), {}, &response);
  EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(empty.error_message(), "files: at least one rule file is required");

  v1::ValidateRulesRequest request;
  AddFile(request.mutable_files(), "a.yaml", kRulesV1);
  AddFile(request.mutable_files(), "", kRulesV1);
  grpc::Status unnamed = stub_->ValidateRules(Admin().get(), request, &response);
  EXPECT_EQ(unnamed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(unnamed.error_message(), "files[1].name: required");
}

TEST_F(AdminServiceTest, TestPostCatchesAPostTheActiveRulesAllow) {
  Post post;
  post.fields.push_back({"body", "Du Trottel"});
  auto active = registry_->Current()->ForCommunity("");
  ASSERT_TRUE(active.ok());
  auto today = (*active)->Evaluate(post);
  ASSERT_TRUE(today.ok());
  ASSERT_EQ(today->verdict, Verdict::kAllow);

  v1::TestPostRequest request;
  AddFile(request.mutable_files(), "test.yaml", kRulesWithTrottel);
  request.mutable_post()->set_post_id("p1");
  request.mutable_post()->set_community("ignored");
  request.mutable_post()->set_body("Du Trottel");
  v1::TestPostResponse response;
  grpc::Status status = stub_->TestPost(Admin().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.errors_size(), 0);
  ASSERT_TRUE(response.has_response());
  EXPECT_EQ(response.response().decision(), v1::DECISION_BLOCK);
  ASSERT_EQ(response.response().hits_size(), 1);
  EXPECT_EQ(response.response().hits(0).rule_id(), "test.insult");
  EXPECT_NE(response.response().ruleset().version().find("v3"), std::string::npos);

  // Nothing was activated.
  auto still = registry_->Current()->ForCommunity("");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ((*still)->Evaluate(post)->verdict, Verdict::kAllow);
}

TEST_F(AdminServiceTest, TestPostWithBrokenRulesReturnsTheirErrorsAndNoDecision) {
  v1::TestPostRequest request;
  AddFile(request.mutable_files(), "test.yaml", std::string(kRulesWithTrottel) + "    scroe: 5\n");
  request.mutable_post()->set_body("Du Trottel");
  v1::TestPostResponse response;
  grpc::Status status = stub_->TestPost(Admin().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).file(), "test.yaml");
  EXPECT_FALSE(response.has_response());
}

TEST_F(AdminServiceTest, TestPostRejectsABadPost) {
  v1::TestPostRequest request;
  AddFile(request.mutable_files(), "test.yaml", kRulesWithTrottel);
  request.mutable_post()->set_body("bad \xff utf-8");
  v1::TestPostResponse response;
  grpc::Status status = stub_->TestPost(Admin().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("post.body"), std::string::npos) << status.error_message();

  v1::TestPostRequest no_post;
  AddFile(no_post.mutable_files(), "test.yaml", kRulesWithTrottel);
  EXPECT_EQ(stub_->TestPost(Admin().get(), no_post, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// One loader: the directory, ValidateRules and TestPost report a rule set
// defined twice with the same single message.
TEST_F(AdminServiceTest, ARuleSetDefinedTwiceGivesOneAndTheSameMessageOnEveryPath) {
  const std::string first = (dir_ / "rules" / "test.yaml").string();
  const std::string second = (dir_ / "rules" / "test_copy.yaml").string();
  WriteFile(second, kRulesV1);
  const std::string expected = second + ":1:10: rule set 'test' is also defined at " + first + ":1";

  v1::ReloadRulesResponse reload;
  ASSERT_TRUE(stub_->ReloadRules(Admin().get(), {}, &reload).ok());
  ASSERT_EQ(reload.errors_size(), 1);
  EXPECT_EQ(ToString(reload.errors(0)), expected);

  v1::ValidateRulesRequest validate_request;
  AddFile(validate_request.mutable_files(), first, kRulesV1);
  AddFile(validate_request.mutable_files(), second, kRulesV1);
  v1::ValidateRulesResponse validate;
  ASSERT_TRUE(stub_->ValidateRules(Admin().get(), validate_request, &validate).ok());
  EXPECT_FALSE(validate.valid());
  ASSERT_EQ(validate.errors_size(), 1);
  EXPECT_EQ(ToString(validate.errors(0)), expected);

  v1::TestPostRequest test_request;
  *test_request.mutable_files() = validate_request.files();
  test_request.mutable_post()->set_body("Du Blödmann");
  v1::TestPostResponse test;
  ASSERT_TRUE(stub_->TestPost(Admin().get(), test_request, &test).ok());
  ASSERT_EQ(test.errors_size(), 1);
  EXPECT_EQ(ToString(test.errors(0)), expected);
  EXPECT_FALSE(test.has_response());
}

TEST_F(AdminServiceTest, TestPostUsesTheCommunitiesFileAmongTheCandidateFiles) {
  v1::TestPostRequest request;
  AddFile(request.mutable_files(), "test.yaml", kRulesV1);
  AddFile(request.mutable_files(), "trottel.yaml",
          "ruleset: trottel\nversion: \"1\"\nrules:\n  - id: trottel.insult\n"
          "    category: insult\n    words: [Trottel]\n    action: block\n");
  AddFile(request.mutable_files(), "communities.yaml",
          "default: [test]\ncommunities:\n  strict: [test, trottel]\n");
  request.mutable_post()->set_body("Du Trottel");
  v1::TestPostResponse response;
  request.mutable_post()->set_community("strict");
  ASSERT_TRUE(stub_->TestPost(Admin().get(), request, &response).ok());
  ASSERT_EQ(response.errors_size(), 0) << response.errors(0).message();
  EXPECT_EQ(response.response().decision(), v1::DECISION_BLOCK);

  request.mutable_post()->set_community("elsewhere");
  ASSERT_TRUE(stub_->TestPost(Admin().get(), request, &response).ok());
  ASSERT_EQ(response.errors_size(), 0);
  EXPECT_EQ(response.response().decision(), v1::DECISION_ALLOW);
}

// TestPost with a community: the live rules, with a candidate set replacing
// the live set of the same id or added to them.
TEST_F(AdminServiceTest, TestPostWithACommunityAppliesTheCandidateToItsLiveRules) {
  const auto test_post = [&](const std::string& body, const std::vector<std::string>& files,
                             v1::TestPostResponse* response) {
    v1::TestPostRequest request;
    request.set_community("any");
    for (size_t i = 0; i < files.size(); ++i) {
      AddFile(request.mutable_files(), "candidate" + std::to_string(i) + ".yaml", files[i]);
    }
    request.mutable_post()->set_body(body);
    return stub_->TestPost(Admin().get(), request, response);
  };
  v1::TestPostResponse response;
  // No files: the live rules as they are.
  ASSERT_TRUE(test_post("Du Trottel", {}, &response).ok());
  ASSERT_EQ(response.errors_size(), 0);
  EXPECT_EQ(response.response().decision(), v1::DECISION_ALLOW);
  EXPECT_NE(response.response().ruleset().version().find("v1"), std::string::npos);

  // Replacing the live set "test".
  ASSERT_TRUE(test_post("Du Trottel", {kRulesWithTrottel}, &response).ok());
  ASSERT_EQ(response.errors_size(), 0) << response.errors(0).message();
  EXPECT_EQ(response.response().decision(), v1::DECISION_BLOCK);
  EXPECT_EQ(response.response().ruleset().id(), "test");
  EXPECT_NE(response.response().ruleset().version().find("v3"), std::string::npos);

  // Adding a set: the live one still judges too.
  const std::string extra =
      "ruleset: extra\nversion: \"e1\"\nrules:\n  - id: extra.insult\n    category: insult\n"
      "    words: [Pappnase]\n    action: flag\n";
  ASSERT_TRUE(test_post("Du Blödmann, du Pappnase", {extra}, &response).ok());
  ASSERT_EQ(response.errors_size(), 0) << response.errors(0).message();
  EXPECT_EQ(response.response().decision(), v1::DECISION_BLOCK);
  EXPECT_EQ(response.response().ruleset().id(), "extra+test");
  EXPECT_EQ(response.response().hits_size(), 2);

  // A broken candidate: its errors, no decision; nothing was activated.
  ASSERT_TRUE(
      test_post("Du Trottel", {std::string(kRulesWithTrottel) + "    scroe: 1\n"}, &response).ok());
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).file(), "candidate0.yaml");
  EXPECT_FALSE(response.has_response());
  Post post;
  post.fields.push_back({"body", "Du Trottel"});
  EXPECT_EQ((*registry_->Current()->ForCommunity("any"))->Evaluate(post)->verdict, Verdict::kAllow);
}

TEST_F(AdminServiceTest, TestPostWithACommunityThatHasNoRulesIsNotFound) {
  WriteFile(dir_ / "rules" / "communities.yaml", "communities:\n  news: [test]\n");
  ASSERT_TRUE(registry_->Reload("test").ok);
  v1::TestPostRequest request;
  request.set_community("elsewhere");
  request.mutable_post()->set_body("Du Trottel");
  v1::TestPostResponse response;
  const grpc::Status status = stub_->TestPost(Admin().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("unknown community 'elsewhere'"), std::string::npos);

  request.set_community("news");
  AddFile(request.mutable_files(), "communities.yaml", "default: [test]\n");
  ASSERT_TRUE(stub_->TestPost(Admin().get(), request, &response).ok());
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_NE(response.errors(0).message().find("a communities file cannot be applied"),
            std::string::npos);
}

TEST_F(AdminServiceTest, PreviewImpactReportsTheDecisionsACandidateChanges) {
  v1::PreviewImpactRequest request;
  AddFile(request.mutable_files(), "test.yaml", kRulesWithTrottel);
  const std::vector<std::pair<std::string, std::string>> posts = {
      {"p1", "Du Trottel"}, {"p2", "Guten Tag"}, {"p3", "Du Blödmann"}, {"p4", "Trottel!"}};
  for (const auto& [id, body] : posts) {
    v1::Post* post = request.add_posts();
    post->set_post_id(id);
    post->set_community("news");
    post->set_body(body);
  }
  request.set_examples_per_group(1);
  v1::PreviewImpactResponse response;
  const grpc::Status status = stub_->PreviewImpact(Admin().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.errors_size(), 0);
  EXPECT_EQ(response.posts(), 4u);
  EXPECT_EQ(response.changed(), 2u);
  EXPECT_EQ(response.post_errors(), 0u);
  ASSERT_EQ(response.transitions_size(), 1);
  EXPECT_EQ(response.transitions(0).live(), v1::DECISION_ALLOW);
  EXPECT_EQ(response.transitions(0).candidate(), v1::DECISION_BLOCK);
  EXPECT_EQ(response.transitions(0).posts(), 2u);
  ASSERT_EQ(response.groups_size(), 1);
  const v1::ImpactGroup& group = response.groups(0);
  EXPECT_EQ(group.change(), v1::ImpactGroup::CHANGE_NOW_FIRES);
  EXPECT_EQ(group.rule_id(), "test.insult");
  EXPECT_EQ(group.category(), "insult");
  EXPECT_EQ(group.posts(), 2u);
  ASSERT_EQ(group.examples_size(), 1);
  EXPECT_EQ(group.examples(0).post_id(), "p1");
  EXPECT_EQ(group.examples(0).text(), "Du Trottel");
}

TEST_F(AdminServiceTest, PreviewImpactRejectsRequestsWithoutPostsOrCommunities) {
  v1::PreviewImpactRequest request;
  AddFile(request.mutable_files(), "test.yaml", kRulesWithTrottel);
  v1::PreviewImpactResponse response;
  grpc::Status status = stub_->PreviewImpact(Admin().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "posts: at least one is required");
  request.add_posts()->set_body("Du Trottel");
  status = stub_->PreviewImpact(Admin().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("posts[0].community"), std::string::npos)
      << status.error_message();
}

TEST_F(AdminServiceTest, ListShowsEachCommunitysStateAndProblem) {
  WriteOtherSet("o1", "Pappnase");
  WriteFile(dir_ / "rules" / "communities.yaml",
            "communities:\n  news: [test]\n  games: [other]\n");
  ASSERT_TRUE(registry_->Reload("test").ok);
  WriteFile(dir_ / "rules" / "other.yaml", "ruleset: other\nversion: [\n");
  v1::ListRuleSetsResponse list = ReloadFailingAndList();
  ASSERT_EQ(list.active_size(), 2);
  for (const v1::ActiveRuleSet& a : list.active()) {
    if (a.community() == "news") {
      EXPECT_EQ(a.state(), v1::COMMUNITY_STATE_CURRENT);
      EXPECT_EQ(a.problem(), "");
    } else {
      EXPECT_EQ(a.community(), "games");
      EXPECT_EQ(a.state(), v1::COMMUNITY_STATE_PREVIOUS);
      EXPECT_NE(a.problem().find("rule set 'other' did not load (errors in "), std::string::npos)
          << a.problem();
      EXPECT_NE(a.ruleset().version().find("o1"), std::string::npos);
    }
  }
}

// A rule set in two files: a broken part holds back only the communities
// that use its set, and TestPost can replace the live part by its name.
TEST_F(AdminServiceTest, ABrokenPartHoldsBackItsSetOnlyAndTestPostReplacesItByName) {
  const std::string part =
      "part_of: test\nrules:\n  - id: test.more\n    category: insult\n"
      "    words: [Pappnase]\n    action: flag\n";
  WriteFile(dir_ / "rules" / "test.more.yaml", part);
  WriteOtherSet("o1", "Knallkopf");
  WriteFile(dir_ / "rules" / "communities.yaml",
            "communities:\n  news: [test]\n  games: [other]\n");
  ASSERT_TRUE(registry_->Reload("test").ok);
  Post post;
  post.fields.push_back({"body", "Du Pappnase"});
  absl::StatusOr<Decision> news = (*registry_->Current()->ForCommunity("news"))->Evaluate(post);
  ASSERT_TRUE(news.ok());
  EXPECT_EQ(news->verdict, Verdict::kFlag);
  ASSERT_EQ(news->hits.size(), 1u);
  EXPECT_EQ(news->hits[0].rule_id, "test.more");

  WriteFile(dir_ / "rules" / "test.more.yaml", "part_of: test\nrules: [\n");
  WriteOtherSet("o2", "Knallkopf");
  v1::ListRuleSetsResponse list = ReloadFailingAndList();
  ASSERT_EQ(list.active_size(), 2);
  for (const v1::ActiveRuleSet& a : list.active()) {
    if (a.community() == "games") {
      EXPECT_EQ(a.state(), v1::COMMUNITY_STATE_CURRENT);
      EXPECT_NE(a.ruleset().version().find("o2"), std::string::npos) << "games reloaded";
    } else {
      EXPECT_EQ(a.community(), "news");
      EXPECT_EQ(a.state(), v1::COMMUNITY_STATE_PREVIOUS);
      EXPECT_NE(a.problem().find("rule set 'test' did not load (errors in "), std::string::npos)
          << a.problem();
      EXPECT_NE(a.problem().find("test.more.yaml"), std::string::npos) << a.problem();
    }
  }

  // A part whose `part_of` line lost its colon names no set: it could be a
  // part of any, so no community takes the new rules (games stays at o2).
  WriteFile(dir_ / "rules" / "test.more.yaml", "part_of test\nrules: []\n");
  WriteOtherSet("o3", "Knallkopf");
  list = ReloadFailingAndList();
  for (const v1::ActiveRuleSet& a : list.active()) {
    EXPECT_EQ(a.ruleset().version().find("o3"), std::string::npos) << a.community();
  }

  // The news community still serves its previous rules, part included;
  // a candidate part of the same name replaces the live one.
  v1::TestPostRequest request;
  request.set_community("news");
  AddFile(request.mutable_files(), "test.more.yaml",
          "part_of: test\nrules:\n  - id: test.more\n    category: insult\n"
          "    words: [Pappnase, Knalltüte]\n    action: block\n");
  request.mutable_post()->set_body("Du Knalltüte");
  v1::TestPostResponse response;
  ASSERT_TRUE(stub_->TestPost(Admin().get(), request, &response).ok());
  ASSERT_EQ(response.errors_size(), 0) << ToString(response.errors(0));
  EXPECT_EQ(response.response().decision(), v1::DECISION_BLOCK);
  EXPECT_NE(response.response().ruleset().version().find("v1"), std::string::npos)
      << "the live main file stays";
}

}  // namespace
}  // namespace moderation::server
