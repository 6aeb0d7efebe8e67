// modctl report on a generated fortnight of traffic from two replicas: the
// logs are written by moderationd's own DecisionLog, and every figure is
// checked against counts the generator kept itself while generating.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/testing/temp_dir.h"
#include "server/decision_log.h"
#include "server/modctl/commands.h"
#include "server/modctl/report_dsa.h"
#include "server/modctl/report_log.h"
#include "server/modctl/report_stats.h"

namespace moderation::modctl {
namespace {

using nlohmann::json;

// The reported week: Monday 2026-11-23 .. Sunday 2026-11-29 (UTC).
const absl::Time kWeek = absl::FromCivil(absl::CivilDay(2026, 11, 23), absl::UTCTimeZone());

struct RuleSpec {
  const char* id;
  const char* category;
  const char* legal_ground;  // "" = the terms
  const char* dsa_category;
};
constexpr RuleSpec kRules[] = {
    {"de.insult.common", "insult", "StGB §185 Beleidigung",
     "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"},
    {"de.threat.kill", "threat", "StGB §241 Bedrohung", "STATEMENT_CATEGORY_VIOLENCE"},
    {"spam.links.farm", "spam", "", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"},
    {"pii.phone", "pii", "", "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"},
};
const std::vector<std::string> kCommunities = {"news-de", "gaming-en", "forum-de"};

// What the generator knows it wrote, per community (and "all").
struct Expected {
  std::map<std::string, int64_t> posts;                                    // community
  std::map<std::string, std::map<std::string, int64_t>> decisions;         // community, decision
  std::map<std::string, std::map<std::string, int64_t>> day_posts;         // community, day
  std::map<std::string, std::map<std::string, int64_t>> category_blocked;  // community, category
  std::map<std::string, std::map<std::string, int64_t>> category_flagged;
  std::map<std::string, std::map<std::string, int64_t>> rules;
  std::map<std::string, std::map<std::string, int64_t>> shadow;
  std::map<std::string, int64_t> monday_9_utc;  // community -> posts on Monday 09:00-09:59
  std::map<std::string, int64_t> previous_posts;
  int64_t restrictions = 0;
  std::map<std::string, int64_t> statement_categories;  // DSA category -> restrictions
};

RuleHit MakeHit(const RuleSpec& spec, rules::Action action) {
  RuleHit hit;
  hit.rule_id = spec.id;
  hit.ruleset_id = "de";
  hit.category = spec.category;
  hit.action = action;
  hit.legal_ground = spec.legal_ground;
  hit.dsa_category = spec.dsa_category;
  hit.dsa_terms_ground = "Netiquette, Abschnitt 2";
  hit.dsa_territorial_scope = {"DE", "AT"};
  hit.spans = {{"body", 3, 11, "secret words"}};
  return hit;
}

class ReportTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // Two weeks (the one before kWeek and kWeek) of hourly traffic, spread
  // over two replicas; the first replica's log is rotated mid-week.
  void Generate() {
    server::DecisionLog::Options options;
    options.flush_interval = absl::ZeroDuration();
    options.path = Path("r1.jsonl");
    options.replica = "r1";
    auto r1 = server::DecisionLog::Open(options);
    options.path = Path("r2.jsonl");
    options.replica = "r2";
    auto r2 = server::DecisionLog::Open(options);
    ASSERT_TRUE(r1.ok() && r2.ok());
    std::mt19937 rng(13);
    std::uniform_int_distribution<int> percent(0, 99);
    int64_t n = 0;
    for (absl::Time hour = kWeek - absl::Hours(24 * 7); hour < kWeek + absl::Hours(24 * 7);
         hour += absl::Hours(1)) {
      if (hour == kWeek - absl::Hours(24 * 2)) WriteAlert(r1->get(), 1, hour, absl::Minutes(30));
      if (hour == kWeek + absl::Hours(24 * 2 + 20))
        WriteAlert(r1->get(), 2, hour, absl::Minutes(40));
      if (hour == kWeek + absl::Hours(24 * 6 + 22))
        WriteAlert(r2->get(), 1, hour, absl::InfiniteDuration());
      if (hour == kWeek + absl::Hours(24 * 3)) {  // Thursday: logrotate on r1
        std::filesystem::rename(Path("r1.jsonl"), Path("r1.jsonl.1"));
        ASSERT_TRUE((*r1)->Reopen().ok());
      }
      const int hour_of_day = absl::ToCivilHour(hour, absl::UTCTimeZone()).hour();
      for (const std::string& community : kCommunities) {
        // Busy in the evening, quiet at night.
        const int posts = (hour_of_day >= 18  ? 12
                           : hour_of_day >= 8 ? 6
                                              : 1) +
                          static_cast<int>(community.size() % 3);
        for (int p = 0; p < posts; ++p) {
          const absl::Time at = hour + absl::Seconds(percent(rng) * 30);
          Post post;
          post.id = "post-" + std::to_string(++n);
          Decision decision = Draw(&rng);
          decision.ruleset_id = "de+spam";
          decision.ruleset_version =
              at < kWeek + absl::Hours(24 * 4) ? "de@1,spam@1" : "de@2,spam@1";
          server::DecisionLog* log = (n % 2 == 0 ? *r1 : *r2).get();
          log->Record(post, decision, {at, absl::Microseconds(80 + n % 40), community, ""});
          Tally(community, at, decision);
        }
      }
    }
  }

  // A pulse alert on news-de (threat share), opened at `at`, ended after
  // `lasting` (never if infinite).
  static void WriteAlert(server::DecisionLog* log, uint64_t id, absl::Time at,
                         absl::Duration lasting) {
    server::AlertRecord alert;
    alert.id = id;
    alert.community = "news-de";
    alert.kind = "category_share";
    alert.subject = "threat";
    alert.severity = "critical";
    alert.started = at;
    alert.observed = 0.25;
    alert.expected = 0.02;
    alert.top_rules = {{"de.threat.kill", 9}};
    log->RecordAlert(alert);
    if (lasting == absl::InfiniteDuration()) return;
    alert.open = false;
    alert.ended = at + lasting;
    log->RecordAlert(alert);
  }

  // ~80 % ALLOW, ~12 % FLAG, ~8 % BLOCK; shadow hits now and then.
  Decision Draw(std::mt19937* rng) {
    std::uniform_int_distribution<int> percent(0, 99);
    Decision d;
    const int roll = percent(*rng);
    if (roll < 8) {
      d.verdict = Verdict::kBlock;
      d.hits.push_back(MakeHit(kRules[1], rules::Action::kBlock));
      if (roll < 3) d.hits.push_back(MakeHit(kRules[0], rules::Action::kScore));
    } else if (roll < 20) {
      d.verdict = Verdict::kFlag;
      d.hits.push_back(MakeHit(kRules[roll % 2 == 0 ? 2 : 3], rules::Action::kFlag));
    } else if (roll < 23) {
      d.hits.push_back(MakeHit(kRules[0], rules::Action::kScore));  // below the threshold
    }
    if (percent(*rng) < 5) d.shadow_hits.push_back(MakeHit(kRules[2], rules::Action::kFlag));
    return d;
  }

  void Tally(const std::string& community, absl::Time at, const Decision& d) {
    if (at < kWeek) {
      ++expected_.previous_posts[community];
      ++expected_.previous_posts["all"];
      return;
    }
    const std::string decision = VerdictName(d.verdict);
    const std::string day = absl::FormatTime("%Y-%m-%d", at, absl::UTCTimeZone());
    const absl::CivilHour civil = absl::ToCivilHour(at, absl::UTCTimeZone());
    for (const std::string& c : {community, std::string("all")}) {
      ++expected_.posts[c];
      ++expected_.decisions[c][decision];
      ++expected_.day_posts[c][day];
      if (civil.day() == 23 && civil.hour() == 9) ++expected_.monday_9_utc[c];
      std::set<std::string> categories;
      for (const RuleHit& h : d.hits) {
        ++expected_.rules[c][h.rule_id];
        categories.insert(h.category);
      }
      for (const std::string& category : categories) {
        if (d.verdict == Verdict::kBlock) ++expected_.category_blocked[c][category];
        if (d.verdict == Verdict::kFlag) ++expected_.category_flagged[c][category];
      }
      for (const RuleHit& h : d.shadow_hits) ++expected_.shadow[c][h.rule_id];
    }
    if (d.verdict != Verdict::kAllow) {
      ++expected_.restrictions;
      const RuleHit* deciding = &d.hits.front();
      for (const RuleHit& h : d.hits) {
        if (h.action ==
            (d.verdict == Verdict::kBlock ? rules::Action::kBlock : rules::Action::kFlag)) {
          deciding = &h;
          break;
        }
      }
      ++expected_.statement_categories[deciding->dsa_category];
    }
  }

  std::vector<std::string> Logs() const {
    return {Path("r1.jsonl.1"), Path("r1.jsonl"), Path("r2.jsonl")};
  }

  testing::TempDir temp_{"report_test"};
  const std::filesystem::path dir_{temp_.path()};
  Expected expected_;
};

Period Week() {
  absl::StatusOr<Period> p = ParsePeriod("week", "2026-11-25", "", "");
  EXPECT_TRUE(p.ok()) << p.status();
  return *p;
}

TEST_F(ReportTest, TheFiguresOfAGeneratedWeekMatchTheGeneratorsOwnCounts) {
  ASSERT_NO_FATAL_FAILURE(Generate());
  const Period week = Week();
  LogData data;
  for (const std::string& log : Logs()) {
    ASSERT_TRUE(ReadDecisionLog(log, week.previous_from, week.to, &data).ok()) << log;
  }
  const ReportStats stats = ComputeStats(data, week);
  EXPECT_EQ(stats.replicas, (std::set<std::string>{"r1", "r2"}));
  for (const std::string& c :
       {std::string("all"), std::string("news-de"), std::string("gaming-en")}) {
    SCOPED_TRACE(c);
    const Stats& s = stats.current.at(c == "all" ? kOverall : c);
    EXPECT_EQ(s.posts, expected_.posts[c]);
    for (const char* d : {"ALLOW", "FLAG", "BLOCK"})
      EXPECT_EQ(s.Decided(d), expected_.decisions[c][d]) << d;
    ASSERT_EQ(s.per_day.size(), 7u);
    for (const auto& [day, by] : s.per_day) {
      int64_t total = 0;
      for (const auto& [d, n] : by) total += n;
      EXPECT_EQ(total, expected_.day_posts[c][day]) << day;
    }
    for (const auto& [category, n] : expected_.category_blocked[c])
      EXPECT_EQ(s.categories.at(category).at("BLOCK"), n);
    for (const auto& [category, n] : expected_.category_flagged[c])
      EXPECT_EQ(s.categories.at(category).at("FLAG"), n);
    EXPECT_EQ(s.rules, expected_.rules[c]);
    EXPECT_EQ(s.shadow_rules, expected_.shadow[c]);
    EXPECT_EQ(s.heatmap[0][9], expected_.monday_9_utc[c]);
    EXPECT_EQ(s.ruleset_versions, (std::set<std::string>{"de@1,spam@1", "de@2,spam@1"}));
    EXPECT_EQ(stats.previous.at(c == "all" ? kOverall : c).posts, expected_.previous_posts[c]);
  }
  // The week's two alerts (one ended, one still open), not the week before's.
  const std::vector<AlertRecord>& alerts = stats.current.at("news-de").alerts;
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].started, kWeek + absl::Hours(24 * 2 + 20));
  EXPECT_EQ(alerts[0].ended, kWeek + absl::Hours(24 * 2 + 20) + absl::Minutes(40));
  EXPECT_EQ(alerts[0].top_rule, "de.threat.kill");
  EXPECT_EQ(alerts[1].ended, absl::InfiniteFuture());
  EXPECT_EQ(stats.current.at(kOverall).alerts.size(), 2u);
  EXPECT_TRUE(stats.current.at("gaming-en").alerts.empty());
}

TEST_F(ReportTest, TheReportDirectoryHoldsMarkdownCsvAndValidDsaStatements) {
  ASSERT_NO_FATAL_FAILURE(Generate());
  std::vector<std::string> args = {"--period", "week",      "--date", "2026-11-29",
                                   "--out",    Path("out"), "--dsa"};
  for (const std::string& log : Logs()) args.push_back(log);
  ASSERT_EQ(RunReport(args), kExitOk);

  std::ifstream md_in(Path("out/report.md"));
  std::stringstream md;
  md << md_in.rdbuf();
  EXPECT_NE(md.str().find("# Moderation report: week 2026-11-23 .. 2026-11-29"), std::string::npos);
  EXPECT_NE(md.str().find("## Community news-de"), std::string::npos);
  EXPECT_NE(md.str().find("Top shadow rules"), std::string::npos);
  EXPECT_NE(
      md.str().find("| 2026-11-25 20:00 | 2026-11-25 20:40 | category_share | threat | critical |"),
      std::string::npos);
  EXPECT_NE(md.str().find("| 2026-11-29 22:00 | still open |"), std::string::npos);
  EXPECT_EQ(md.str().find("secret words"), std::string::npos) << "matched text in the report";

  // volume_per_day.csv adds up to the generator's total.
  std::ifstream csv(Path("out/volume_per_day.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "community,day,posts,allow,flag,block");
  int64_t all = 0;
  while (std::getline(csv, line)) {
    if (line.rfind("(all communities),", 0) == 0)
      all += std::stoll(line.substr(line.find(',', 18) + 1));
  }
  EXPECT_EQ(all, expected_.posts["all"]);

  // Every statement has the schema's required fields with allowed values.
  std::ifstream statements(Path("out/statements.jsonl"));
  int64_t count = 0;
  std::map<std::string, int64_t> categories;
  const std::set<std::string> kRequired = {
      "decision_visibility", "decision_ground",     "category",           "content_type",
      "content_date",        "application_date",    "territorial_scope",  "decision_facts",
      "source_type",         "automated_detection", "automated_decision", "puid"};
  while (std::getline(statements, line)) {
    const json s = json::parse(line);
    ++count;
    for (const std::string& field : kRequired)
      EXPECT_TRUE(s.contains(field)) << field << " in " << line;
    ++categories[s["category"]];
    EXPECT_EQ(s["automated_detection"], "Yes");
    EXPECT_EQ(s["content_type"], json::array({"CONTENT_TYPE_TEXT"}));
    EXPECT_EQ(s["territorial_scope"], json({"DE", "AT"}));
    EXPECT_EQ(s["source_type"], "SOURCE_VOLUNTARY");
    const bool removed =
        s["decision_visibility"] == json::array({"DECISION_VISIBILITY_CONTENT_REMOVED"});
    EXPECT_EQ(s["automated_decision"],
              removed ? "AUTOMATED_DECISION_FULLY" : "AUTOMATED_DECISION_PARTIALLY");
    if (s["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT") {
      EXPECT_TRUE(s["illegal_content_legal_ground"].get<std::string>().starts_with("StGB"));
    } else {
      EXPECT_EQ(s["decision_ground"], "DECISION_GROUND_INCOMPATIBLE_CONTENT");
      EXPECT_EQ(s["incompatible_content_ground"], "Netiquette, Abschnitt 2");
    }
    EXPECT_GE(s["application_date"].get<std::string>(), "2026-11-23");
    EXPECT_LE(s["application_date"].get<std::string>(), "2026-11-29");
    EXPECT_EQ(line.find("secret words"), std::string::npos);
  }
  EXPECT_EQ(count, expected_.restrictions);
  EXPECT_EQ(categories, expected_.statement_categories);

  std::ifstream summary_in(Path("out/transparency.md"));
  std::stringstream summary;
  summary << summary_in.rdbuf();
  EXPECT_NE(summary.str().find("Restrictions (statements of reasons): " + std::to_string(count)),
            std::string::npos);
  EXPECT_NE(summary.str().find("Median time to decision"), std::string::npos);
}

TEST_F(ReportTest, AnEmptyPeriodGivesAReportThatSaysSo) {
  ASSERT_NO_FATAL_FAILURE(Generate());
  std::vector<std::string> args = {"--period", "day",         "--date", "2027-01-05",
                                   "--out",    Path("empty"), "--dsa"};
  for (const std::string& log : Logs()) args.push_back(log);
  ASSERT_EQ(RunReport(args), kExitOk);
  std::ifstream md_in(Path("empty/report.md"));
  std::stringstream md;
  md << md_in.rdbuf();
  EXPECT_NE(md.str().find("No decisions in this period."), std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(Path("empty/statements.jsonl")), 0u);
}

TEST(ReportStatementTest, ValidationNamesMissingFieldsAndUnknownValues) {
  DecisionRecord r;
  r.ts = kWeek;
  r.post_id = "post/1 with spaces";
  r.decision = "BLOCK";
  RuleHit hit;
  hit.rule_id = "de.threat.kill";
  hit.ruleset_id = "de";
  hit.action = rules::Action::kBlock;
  hit.legal_ground = "StGB §241";
  hit.dsa_category = "STATEMENT_CATEGORY_VIOLENCE";
  hit.dsa_territorial_scope = {"DE"};
  r.hits.push_back(hit);
  absl::StatusOr<StatementOfReasons> statement = StatementFor(r);
  ASSERT_TRUE(statement.ok()) << statement.status();
  nlohmann::ordered_json s = StatementToJson(*statement);
  EXPECT_TRUE(ValidateStatement(s).empty());
  EXPECT_EQ(s["puid"].get<std::string>().find('/'), std::string::npos);
  s["category"] = "STATEMENT_CATEGORY_VIOLENT";
  s.erase("decision_facts");
  s["territorial_scope"] = {"US"};
  const std::vector<std::string> problems = ValidateStatement(s);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0], "category: required, STATEMENT_CATEGORY_*");
  EXPECT_EQ(problems[1], "territorial_scope: unknown value \"US\"");
  EXPECT_EQ(problems[2], "decision_facts: required text");
}

TEST(ReportLogTest, ALineOfAnotherFormatVersionIsAnErrorWithFileAndLine) {
  const std::string path = (std::filesystem::temp_directory_path() / "report_v2.jsonl").string();
  std::ofstream(path) << R"({"v":1,"type":"counts","hour":"2026-11-23T10:00:00.000Z","posts":1})"
                      << "\n"
                      << R"({"v":2,"type":"counts","hour":"2026-11-23T10:00:00.000Z","posts":1})"
                      << "\n";
  LogData data;
  const absl::Status s = ReadDecisionLog(path, absl::InfinitePast(), absl::InfiniteFuture(), &data);
  std::filesystem::remove(path);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(path + ":2:"), std::string::npos) << s.message();
}

TEST(ReportPeriodTest, PeriodsAreWholeUtcDaysWeeksAndMonths) {
  struct Case {
    const char* kind;
    const char* date;
    const char* from;
    const char* to;
    const char* want_from;
    const char* want_to;
    const char* want_previous;
  };
  const Case cases[] = {
      {"day", "2026-11-25", "", "", "2026-11-25", "2026-11-26", "2026-11-24"},
      {"week", "2026-11-25", "", "", "2026-11-23", "2026-11-30", "2026-11-16"},
      {"week", "2026-11-29", "", "", "2026-11-23", "2026-11-30", "2026-11-16"},
      {"month", "2026-03-31", "", "", "2026-03-01", "2026-04-01", "2026-02-01"},
      {"custom", "", "2026-11-01", "2026-11-10", "2026-11-01", "2026-11-11", "2026-10-22"},
  };
  auto day = [](absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()); };
  for (const Case& c : cases) {
    absl::StatusOr<Period> p = ParsePeriod(c.kind, c.date, c.from, c.to);
    ASSERT_TRUE(p.ok()) << c.kind << " " << p.status();
    EXPECT_EQ(day(p->from), c.want_from) << c.kind << " " << c.date;
    EXPECT_EQ(day(p->to), c.want_to) << c.kind << " " << c.date;
    EXPECT_EQ(day(p->previous_from), c.want_previous) << c.kind << " " << c.date;
  }
  EXPECT_FALSE(ParsePeriod("week", "2026-13-01", "", "").ok());
  EXPECT_FALSE(ParsePeriod("fortnight", "2026-11-01", "", "").ok());
  EXPECT_FALSE(ParsePeriod("custom", "", "2026-11-10", "2026-11-01").ok());
}

}  // namespace
}  // namespace moderation::modctl
