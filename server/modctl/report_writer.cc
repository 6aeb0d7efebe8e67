#include "server/modctl/report_writer.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace moderation::modctl {
namespace {

constexpr const char* kDecisions[] = {"ALLOW", "FLAG", "BLOCK"};
constexpr const char* kWeekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr size_t kTopRules = 10;

std::string Percent(double share) { return absl::StrFormat("%.2f %%", share * 100.0); }

double ShareOf(int64_t part, int64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

int64_t Get(const std::map<std::string, int64_t>& m, const std::string& key) {
  const auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

// "+12.5 %" or "new" / "-" when the previous period had nothing.
std::string Change(double now, double before) {
  if (before == 0) return now == 0 ? "-" : "new";
  return absl::StrFormat("%+.1f %%", (now - before) / before * 100.0);
}

// Percentage points between two shares.
std::string PointChange(double now, double before) {
  return absl::StrFormat("%+.2f pp", (now - before) * 100.0);
}

void VolumeSection(const Stats& s, std::string* md) {
  absl::StrAppend(
      md,
      "### Volume per day\n\n| day | posts | ALLOW | FLAG | BLOCK |\n|---|---:|---:|---:|---:|\n");
  for (const auto& [day, by] : s.per_day) {
    int64_t total = 0;
    for (const auto& [d, n] : by) total += n;
    absl::StrAppend(md, "| ", day, " | ", total, " | ", Get(by, "ALLOW"), " | ", Get(by, "FLAG"),
                    " | ", Get(by, "BLOCK"), " |\n");
  }
  absl::StrAppend(md, "\n");
}

void CategorySection(const Stats& s, std::string* md) {
  absl::StrAppend(md,
                  "### Flagged and blocked per category\n\nPosts flagged or blocked with a rule of "
                  "the category "
                  "among the enforced rules that fired, and their share of all ",
                  s.posts,
                  " posts.\n\n"
                  "| category | flagged | share flagged | blocked | share blocked |\n"
                  "|---|---:|---:|---:|---:|\n");
  for (const auto& [category, by] : s.categories) {
    const int64_t flagged = Get(by, "FLAG");
    const int64_t blocked = Get(by, "BLOCK");
    if (flagged == 0 && blocked == 0) continue;
    absl::StrAppend(md, "| ", category, " | ", flagged, " | ", Percent(ShareOf(flagged, s.posts)),
                    " | ", blocked, " | ", Percent(ShareOf(blocked, s.posts)), " |\n");
  }
  absl::StrAppend(md, "\n");
}

void RulesSection(const Stats& s, std::string* md) {
  absl::StrAppend(md, "### Top rules\n\n| rule | fired |\n|---|---:|\n");
  for (const auto& [rule, n] : Top(s.rules, kTopRules))
    absl::StrAppend(md, "| ", rule, " | ", n, " |\n");
  absl::StrAppend(md, "\n### Top shadow rules (counted, not enforced)\n\n");
  if (s.shadow_rules.empty()) {
    absl::StrAppend(md, "No shadow rule fired.\n\n");
    return;
  }
  absl::StrAppend(md, "| rule | would have fired | per 1,000 posts |\n|---|---:|---:|\n");
  for (const auto& [rule, n] : Top(s.shadow_rules, kTopRules)) {
    absl::StrAppend(md, "| ", rule, " | ", n, " | ",
                    absl::StrFormat("%.2f", ShareOf(n, s.posts) * 1000.0), " |\n");
  }
  absl::StrAppend(md, "\n");
}

void HeatmapSection(const Stats& s, std::string* md) {
  absl::StrAppend(md, "### Hours of activity (posts, UTC)\n\n| day |");
  for (int h = 0; h < 24; ++h) absl::StrAppend(md, " ", h, " |");
  absl::StrAppend(md, "\n|---|");
  for (int h = 0; h < 24; ++h) absl::StrAppend(md, "---:|");
  absl::StrAppend(md, "\n");
  for (int d = 0; d < 7; ++d) {
    absl::StrAppend(md, "| ", kWeekdays[d], " |");
    for (int h = 0; h < 24; ++h) absl::StrAppend(md, " ", s.heatmap[d][h], " |");
    absl::StrAppend(md, "\n");
  }
  absl::StrAppend(md, "\n");
}

void TrendSection(const Stats& now, const Stats* before, std::string* md) {
  absl::StrAppend(md, "### Trend against the previous period\n\n");
  if (before == nullptr || before->posts == 0) {
    absl::StrAppend(md, "No decisions in the previous period.\n\n");
    return;
  }
  absl::StrAppend(md, "| figure | previous | this period | change |\n|---|---:|---:|---:|\n");
  absl::StrAppend(md, "| posts | ", before->posts, " | ", now.posts, " | ",
                  Change(static_cast<double>(now.posts), static_cast<double>(before->posts)),
                  " |\n");
  for (const char* d : {"FLAG", "BLOCK"}) {
    absl::StrAppend(md, "| share ", d, " | ", Percent(before->Share(d)), " | ",
                    Percent(now.Share(d)), " | ", PointChange(now.Share(d), before->Share(d)),
                    " |\n");
  }
  std::set<std::string> categories;
  for (const auto& [c, by] : now.categories) categories.insert(c);
  for (const auto& [c, by] : before->categories) categories.insert(c);
  for (const std::string& c : categories) {
    auto restricted = [&](const Stats& s) {
      const auto it = s.categories.find(c);
      if (it == s.categories.end()) return int64_t{0};
      return Get(it->second, "FLAG") + Get(it->second, "BLOCK");
    };
    const double was = ShareOf(restricted(*before), before->posts);
    const double is = ShareOf(restricted(now), now.posts);
    absl::StrAppend(md, "| ", c, " restricted | ", Percent(was), " | ", Percent(is), " | ",
                    PointChange(is, was), " |\n");
  }
  absl::StrAppend(md, "\n");
}

std::string When(absl::Time t) {
  if (t == absl::InfiniteFuture()) return "still open";
  return absl::FormatTime("%Y-%m-%d %H:%M", t, absl::UTCTimeZone());
}

void AlertsSection(const Stats& s, bool with_community, std::string* md) {
  absl::StrAppend(md, "### Pulse alerts\n\n");
  if (s.alerts.empty()) {
    absl::StrAppend(md, "No pulse alert in the decision logs for this period.\n\n");
    return;
  }
  absl::StrAppend(
      md, with_community ? "| community " : "",
      "| opened (UTC) | ended | kind | subject | severity | observed | expected | top rule |\n",
      with_community ? "|---" : "", "|---|---|---|---|---|---:|---:|---|\n");
  for (const AlertRecord& a : s.alerts) {
    absl::StrAppend(md, with_community ? "| " + a.community + " " : "", "| ", When(a.started),
                    " | ", When(a.ended), " | ", a.kind, " | ", a.subject, " | ", a.severity, " | ",
                    absl::StrFormat("%.3g", a.observed), " | ", absl::StrFormat("%.3g", a.expected),
                    " | ", a.top_rule, " |\n");
  }
  absl::StrAppend(md, "\n");
}

void CommunitySection(const std::string& name, const Stats& s, const Stats* before,
                      std::string* md) {
  absl::StrAppend(md, "## ", name, "\n\n");
  if (s.posts == 0) {
    absl::StrAppend(md, "No decisions in this period.\n\n");
    if (!s.alerts.empty()) AlertsSection(s, name == "All communities", md);
    return;
  }
  absl::StrAppend(md, "Posts: ", s.posts, ". ALLOW ", Percent(s.Share("ALLOW")), ", FLAG ",
                  Percent(s.Share("FLAG")), ", BLOCK ", Percent(s.Share("BLOCK")), ".\n\n");
  // As code: "spam@2026-11-22.1" would otherwise render as an e-mail link.
  absl::StrAppend(md, "Rule-set versions in effect: `", absl::StrJoin(s.ruleset_versions, "`, `"),
                  "`\n\n");
  VolumeSection(s, md);
  CategorySection(s, md);
  RulesSection(s, md);
  HeatmapSection(s, md);
  TrendSection(s, before, md);
  AlertsSection(s, name == "All communities", md);
}

std::string Csv(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line.push_back(',');
    line += CsvField(fields[i]);
  }
  return line + "\n";
}

void AppendCsv(const ReportStats& stats, std::map<std::string, std::string>* files) {
  std::string& volume = (*files)["volume_per_day.csv"];
  std::string& categories = (*files)["categories.csv"];
  std::string& rules = (*files)["rules.csv"];
  std::string& heatmap = (*files)["heatmap.csv"];
  std::string& trend = (*files)["trend.csv"];
  std::string& versions = (*files)["ruleset_versions.csv"];
  std::string& alerts = (*files)["alerts.csv"];
  alerts = Csv({"community", "opened", "ended", "kind", "subject", "severity", "window_posts",
                "observed", "expected", "top_rule"});
  for (const AlertRecord& a : stats.current.at(kOverall).alerts) {
    alerts += Csv({a.community, When(a.started), When(a.ended), a.kind, a.subject, a.severity,
                   absl::StrCat(a.window_posts), absl::StrFormat("%.6g", a.observed),
                   absl::StrFormat("%.6g", a.expected), a.top_rule});
  }
  volume = Csv({"community", "day", "posts", "allow", "flag", "block"});
  categories = Csv(
      {"community", "category", "flagged", "blocked", "posts", "share_flagged", "share_blocked"});
  rules = Csv({"community", "rule", "mode", "fired"});
  heatmap = Csv({"community", "weekday", "hour_utc", "posts"});
  trend = Csv({"community", "decision", "previous_posts", "posts", "previous_share", "share"});
  versions = Csv({"community", "ruleset_version"});
  for (const auto& [name, s] : stats.current) {
    for (const auto& [day, by] : s.per_day) {
      int64_t total = 0;
      for (const auto& [d, n] : by) total += n;
      volume += Csv({name, day, absl::StrCat(total), absl::StrCat(Get(by, "ALLOW")),
                     absl::StrCat(Get(by, "FLAG")), absl::StrCat(Get(by, "BLOCK"))});
    }
    for (const auto& [category, by] : s.categories) {
      categories +=
          Csv({name, category, absl::StrCat(Get(by, "FLAG")), absl::StrCat(Get(by, "BLOCK")),
               absl::StrCat(s.posts), absl::StrFormat("%.6f", ShareOf(Get(by, "FLAG"), s.posts)),
               absl::StrFormat("%.6f", ShareOf(Get(by, "BLOCK"), s.posts))});
    }
    for (const auto& [rule, n] : s.rules) rules += Csv({name, rule, "enforce", absl::StrCat(n)});
    for (const auto& [rule, n] : s.shadow_rules)
      rules += Csv({name, rule, "shadow", absl::StrCat(n)});
    for (int d = 0; d < 7; ++d) {
      for (int h = 0; h < 24; ++h) {
        if (s.heatmap[d][h] == 0) continue;
        heatmap += Csv({name, kWeekdays[d], absl::StrCat(h), absl::StrCat(s.heatmap[d][h])});
      }
    }
    const auto before = stats.previous.find(name);
    const Stats empty;
    const Stats& prev = before == stats.previous.end() ? empty : before->second;
    for (const char* d : kDecisions) {
      trend += Csv({name, d, absl::StrCat(prev.Decided(d)), absl::StrCat(s.Decided(d)),
                    absl::StrFormat("%.6f", prev.Share(d)), absl::StrFormat("%.6f", s.Share(d))});
    }
    for (const std::string& v : s.ruleset_versions) versions += Csv({name, v});
  }
}

}  // namespace

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string ReportMarkdown(const ReportStats& stats) {
  std::string md = absl::StrCat("# Moderation report: ", stats.period.label, "\n\n");
  absl::StrAppend(
      &md, "Period (UTC): ", absl::FormatTime("%Y-%m-%d", stats.period.from, absl::UTCTimeZone()),
      " to ", absl::FormatTime("%Y-%m-%d", stats.period.to - absl::Hours(24), absl::UTCTimeZone()),
      ", compared with the period before (from ",
      absl::FormatTime("%Y-%m-%d", stats.period.previous_from, absl::UTCTimeZone()), ").\n");
  absl::StrAppend(
      &md, "Replicas: ", stats.replicas.empty() ? "none" : absl::StrJoin(stats.replicas, ", "),
      ". Figures count decisions (one per judged post); the CSV files beside this "
      "report hold the same figures.\n\n");
  const Stats& overall = stats.current.at(kOverall);
  const auto prev_overall = stats.previous.find(kOverall);
  CommunitySection("All communities", overall,
                   prev_overall == stats.previous.end() ? nullptr : &prev_overall->second, &md);
  for (const auto& [name, s] : stats.current) {
    if (name == kOverall) continue;
    const auto before = stats.previous.find(name);
    CommunitySection(absl::StrCat("Community ", name), s,
                     before == stats.previous.end() ? nullptr : &before->second, &md);
  }
  return md;
}

absl::Status WriteTextFile(const std::string& dir, const std::string& name,
                           const std::string& text) {
  const std::string path = (std::filesystem::path(dir) / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::ErrnoToStatus(errno, absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::Status WriteReport(const ReportStats& stats, const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", error.message()));
  std::map<std::string, std::string> files;
  files["report.md"] = ReportMarkdown(stats);
  AppendCsv(stats, &files);
  for (const auto& [name, text] : files) {
    if (absl::Status s = WriteTextFile(dir, name, text); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace moderation::modctl
