// Statements of reasons on the answer (issue 13 §3) with the real server:
// every FLAG and BLOCK of a set with a `dsa:` header carries one, filled as
// the schema wants, and it is the very statement `modctl report --dsa`
// later makes from the decision log for the same post.
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "moderation/v1/moderation.grpc.pb.h"
#include "server/modctl/commands.h"
#include "tests/server_fixture.h"

namespace moderation::testing {
namespace {

namespace v1 = ::moderation::v1;
using std::chrono::seconds;

// `news` maps its categories to the DSA; `plain` has no `dsa:` header.
constexpr char kNews[] =
    "ruleset: news\nversion: \"n-1\"\n"
    "dsa:\n  terms_ground: \"Netiquette 2\"\n  territorial_scope: [DE, AT]\n"
    "  categories: { insult: STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH,"
    " spam: STATEMENT_CATEGORY_OTHER_VIOLATION_TC }\nrules:\n"
    "  - id: news.insult\n    category: insult\n    words: [Blödmann]\n    action: block\n"
    "    legal_ground: \"StGB §185 Beleidigung\"\n"
    "  - id: news.lottery\n    category: spam\n    words: [Gewinnspiel]\n    action: flag\n";
constexpr char kPlain[] =
    "ruleset: plain\nversion: \"p-1\"\nrules:\n"
    "  - id: plain.insult\n    category: insult\n    words: [Trottel]\n    action: block\n";
constexpr char kCommunities[] = "communities:\n  news-de: [news]\n  plain-de: [plain]\n";

nlohmann::json ProtoJson(const v1::StatementOfReasons& statement) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string text;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(statement, &text, options).ok());
  return nlohmann::json::parse(text);
}

TEST(ModerationdStatementTest, RestrictionsCarryTheStatementTheDsaExportMakesFromTheLog) {
  const std::string dir = MakeTempDir("statement");
  const std::string empty_rules = MakeTempDir("statement_rules");
  ASSERT_FALSE(dir.empty() || empty_rules.empty());
  const std::string path = dir + "/decisions.jsonl";
  ServerOptions options;
  options.rules_source = empty_rules;
  options.rule_files = {
      {"news.yaml", kNews}, {"plain.yaml", kPlain}, {"communities.yaml", kCommunities}};
  options.flags = {"--decision_log=" + path};
  std::string error;
  std::unique_ptr<ServerProcess> server = ServerProcess::Start(options, &error);
  ASSERT_NE(server, nullptr) << error;
  auto stub = v1::ModerationService::NewStub(server->Channel());
  std::map<std::string, v1::ModerateResponse> answers;
  auto moderate = [&](const std::string& id, const std::string& community,
                      const std::string& body) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + seconds(10));
    v1::ModerateRequest request;
    request.mutable_post()->set_post_id(id);
    request.mutable_post()->set_community(community);
    request.mutable_post()->set_body(body);
    const grpc::Status status = stub->Moderate(&context, request, &answers[id]);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return answers[id];
  };

  const v1::ModerateResponse allow = moderate("a1", "news-de", "Guten Morgen");
  EXPECT_EQ(allow.decision(), v1::DECISION_ALLOW);
  EXPECT_FALSE(allow.has_statement_of_reasons());

  const v1::ModerateResponse block = moderate("b/1", "news-de", "Du Blödmann, Gewinnspiel!");
  ASSERT_EQ(block.decision(), v1::DECISION_BLOCK);
  ASSERT_TRUE(block.has_statement_of_reasons());
  const v1::StatementOfReasons& b = block.statement_of_reasons();
  EXPECT_EQ(b.decision_visibility().size(), 1);
  EXPECT_EQ(b.decision_visibility(0), "DECISION_VISIBILITY_CONTENT_REMOVED");
  EXPECT_EQ(b.automated_decision(), "AUTOMATED_DECISION_FULLY");
  EXPECT_EQ(b.automated_detection(), "Yes");
  EXPECT_EQ(b.decision_ground(), "DECISION_GROUND_ILLEGAL_CONTENT");
  EXPECT_EQ(b.illegal_content_legal_ground(), "StGB §185 Beleidigung");
  EXPECT_EQ(b.category(), "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH");
  ASSERT_EQ(b.category_addition().size(), 1);
  EXPECT_EQ(b.category_addition(0), "STATEMENT_CATEGORY_OTHER_VIOLATION_TC");
  ASSERT_EQ(b.territorial_scope().size(), 2);
  EXPECT_EQ(b.territorial_scope(0), "DE");
  EXPECT_EQ(b.content_type(0), "CONTENT_TYPE_TEXT");
  EXPECT_EQ(b.source_type(), "SOURCE_VOLUNTARY");
  EXPECT_EQ(b.puid(), "x622f31");  // "b/1" in hex: '/' is outside the schema's alphabet
  EXPECT_TRUE(absl::StrContains(b.decision_facts(), "news.insult (insult; body bytes 3..12)"))
      << b.decision_facts();
  EXPECT_FALSE(absl::StrContains(b.decision_facts(), "Blödmann")) << "post text in the facts";

  const v1::ModerateResponse flag = moderate("f1", "news-de", "Großes Gewinnspiel heute");
  ASSERT_EQ(flag.decision(), v1::DECISION_FLAG);
  const v1::StatementOfReasons& f = flag.statement_of_reasons();
  EXPECT_EQ(f.decision_visibility(0), "DECISION_VISIBILITY_CONTENT_DISABLED");
  EXPECT_EQ(f.automated_decision(), "AUTOMATED_DECISION_PARTIALLY");
  EXPECT_EQ(f.decision_ground(), "DECISION_GROUND_INCOMPATIBLE_CONTENT");
  EXPECT_EQ(f.incompatible_content_ground(), "Netiquette 2");
  EXPECT_TRUE(f.illegal_content_legal_ground().empty());

  // A set without a `dsa:` header restricts without a statement.
  const v1::ModerateResponse plain = moderate("p1", "plain-de", "So ein Trottel");
  EXPECT_EQ(plain.decision(), v1::DECISION_BLOCK);
  EXPECT_FALSE(plain.has_statement_of_reasons());

  stub.reset();
  const ExitInfo exit = server->Stop(seconds(15));
  ASSERT_TRUE(exit.exited && exit.code == 0) << exit.Describe();

  // The export refuses a restriction it cannot state, naming the post...
  const std::string day = b.application_date();
  EXPECT_EQ(
      modctl::RunReport({"--period", "day", "--date", day, "--out", dir + "/all", "--dsa", path}),
      modctl::kExitProblems);
  // ...and for the others writes exactly the statements the answers carried.
  const std::string mapped = dir + "/mapped.jsonl";
  {
    std::istringstream in(ReadFile(path));
    std::ofstream out(mapped);
    for (std::string line; std::getline(in, line);) {
      if (!absl::StrContains(line, R"("community":"plain-de")")) out << line << "\n";
    }
  }
  ASSERT_EQ(
      modctl::RunReport({"--period", "day", "--date", day, "--out", dir + "/day", "--dsa", mapped}),
      modctl::kExitOk);
  std::map<std::string, std::string> puid_to_post = {{"x622f31", "b/1"}, {"f1", "f1"}};
  std::istringstream statements(ReadFile(dir + "/day/statements.jsonl"));
  int lines = 0;
  for (std::string line; std::getline(statements, line); ++lines) {
    const nlohmann::json exported = nlohmann::json::parse(line);
    const std::string post = puid_to_post[exported.at("puid").get<std::string>()];
    ASSERT_FALSE(post.empty()) << line;
    EXPECT_EQ(exported, ProtoJson(answers[post].statement_of_reasons())) << post;
  }
  EXPECT_EQ(lines, 2);
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(empty_rules);
}

}  // namespace
}  // namespace moderation::testing
