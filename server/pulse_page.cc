#include "server/pulse_page.h"

#include <civetweb.h>

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace moderation::server {
namespace {

constexpr const char* kPalette[] = {"#d62728", "#ff7f0e", "#9467bd", "#8c564b",
                                    "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};
constexpr const char* kWeekdays[] = {"Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"};

constexpr char kStyle[] = R"(
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.4em 0 .4em}
table{border-collapse:collapse}td,th{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:left}
th{font-weight:600;background:#eee}td.num{text-align:right;font-variant-numeric:tabular-nums}
.mood{display:inline-block;padding:.1em .5em;border-radius:.6em;color:#fff}
.ruhig{background:#2ca02c}.angespannt{background:#e8a317}.eskalierend{background:#d62728}
.muted{color:#777}.legend span{margin-right:1em}.panel{display:inline-block;vertical-align:top;margin-right:2em}
a{color:#1f5fa8}svg{display:block}
)";

std::string Percent(double share) { return absl::StrFormat("%.1f %%", 100 * share); }

std::string TimeOfDay(absl::Time t) { return absl::FormatTime("%H:%M", t, absl::UTCTimeZone()); }

// A polyline of `values` in a width x height box, scaled to its maximum
// (or to `max` if > 0).
std::string Sparkline(const std::vector<double>& values, const char* color, const char* label,
                      double max = 0) {
  constexpr int kWidth = 120;
  constexpr int kHeight = 24;
  if (max <= 0) max = *std::max_element(values.begin(), values.end());
  std::string points;
  for (size_t i = 0; i < values.size(); ++i) {
    const double x = values.size() > 1 ? kWidth * static_cast<double>(i) / (values.size() - 1) : 0;
    const double y = kHeight - 1 - (max > 0 ? (kHeight - 2) * values[i] / max : 0);
    absl::StrAppendFormat(&points, "%.1f,%.1f ", x, y);
  }
  return absl::StrFormat(
      "<svg class=\"spark\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">"
      "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/></svg>",
      kWidth, kHeight, label, color, points);
}

void RenderRanking(const pulse::Pulse& pulse, const std::vector<pulse::CommunitySummary>& list,
                   std::string_view selected, std::string* out) {
  absl::StrAppend(out,
                  "<h2>Communities by hostility (last hour)</h2><table id=\"ranking\"><tr>"
                  "<th>#</th><th>community</th><th>posts</th><th>hostile</th><th>mood</th>"
                  "<th>alerts</th><th>volume / min</th><th>hostile share / min</th></tr>");
  int rank = 0;
  for (const pulse::CommunitySummary& c : list) {
    std::vector<double> volume;
    std::vector<double> share;
    if (std::optional<pulse::CommunitySnapshot> s = pulse.Snapshot(c.community)) {
      for (const pulse::BucketSummary& b : s->windows.front().buckets) {
        volume.push_back(static_cast<double>(b.posts));
        share.push_back(b.posts > 0 ? static_cast<double>(b.flagged + b.blocked) / b.posts : 0);
      }
    }
    if (volume.empty()) volume = share = {0};
    const std::string name = HtmlEscape(c.community);
    absl::StrAppend(out, "<tr data-community=\"", name, "\"",
                    c.community == selected ? " class=\"sel\"" : "", "><td class=\"num\">", ++rank,
                    "</td><td><a href=\"/pulse?community=", name, "\">", name,
                    "</a></td><td class=\"num\">", c.posts_last_hour, "</td><td class=\"num\">",
                    Percent(c.hostile_share_last_hour), "</td><td><span class=\"mood ", c.mood,
                    "\">", c.mood, "</span></td><td class=\"num\">", c.open_alerts, "</td><td>",
                    Sparkline(volume, "#1f77b4", "posts per minute"), "</td><td>",
                    Sparkline(share, "#d62728", "hostile share per minute", 1.0), "</td></tr>");
  }
  absl::StrAppend(out, "</table>");
  if (list.empty()) absl::StrAppend(out, "<p class=\"muted\">No posts yet.</p>");
}

void RenderMood(const pulse::Mood& mood, std::string* out) {
  absl::StrAppend(out, "<div class=\"panel\" id=\"mood\"><h2>Mood</h2><p><span class=\"mood ",
                  mood.index, "\">", mood.index, "</span></p><p>hostile share ",
                  Percent(mood.hostile_share_now), " of ", mood.posts_now,
                  " posts in the last 15 minutes<br>baseline ", Percent(mood.baseline_share), " (",
                  mood.baseline_source, "), z = ", absl::StrFormat("%.1f", mood.z), "</p>");
  if (!mood.by_category.empty()) {
    absl::StrAppend(out,
                    "<table id=\"mood-categories\"><tr><th>category</th><th>now</th>"
                    "<th>baseline</th><th>z</th></tr>");
    for (const pulse::CategoryMood& c : mood.by_category) {
      absl::StrAppend(out, "<tr><td>", HtmlEscape(c.category), "</td><td class=\"num\">",
                      Percent(c.share_now), "</td><td class=\"num\">", Percent(c.baseline_share),
                      "</td><td class=\"num\">", absl::StrFormat("%.1f", c.z), "</td></tr>");
    }
    absl::StrAppend(out, "</table>");
  }
  absl::StrAppend(out, "</div>");
}

// Hostile decisions per category, stacked, per quarter hour of the last day.
void RenderCategoryChart(const pulse::WindowSummary& day, std::string* out) {
  constexpr int kBar = 6;
  constexpr int kHeight = 120;
  std::map<std::string, int> color_of;
  uint64_t max = 1;
  for (const pulse::BucketSummary& b : day.buckets) {
    uint64_t sum = 0;
    for (const pulse::CategoryDecisionCount& c : b.hostile_by_category) {
      sum += c.count;
      color_of.try_emplace(c.category, static_cast<int>(color_of.size()) % 8);
    }
    max = std::max(max, sum);
  }
  const int width = kBar * static_cast<int>(day.buckets.size());
  absl::StrAppend(out, "<h2>Hostile decisions per category, last 24 hours</h2>",
                  absl::StrFormat("<svg id=\"categories\" width=\"%d\" height=\"%d\" role=\"img\" "
                                  "aria-label=\"hostile decisions per category\">",
                                  width, kHeight + 16));
  absl::StrAppendFormat(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>",
                        width, kHeight);
  for (size_t i = 0; i < day.buckets.size(); ++i) {
    const pulse::BucketSummary& b = day.buckets[i];
    double y = kHeight;
    for (const pulse::CategoryDecisionCount& c : b.hostile_by_category) {
      const double h = static_cast<double>(kHeight - 4) * c.count / max;
      y -= h;
      absl::StrAppendFormat(out,
                            "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\">"
                            "<title>%s %s %s: %d</title></rect>",
                            static_cast<int>(i) * kBar, y, kBar - 1, h,
                            kPalette[color_of[c.category]], TimeOfDay(b.start),
                            HtmlEscape(c.category), c.decision, c.count);
    }
    if (i % 16 == 0) {
      absl::StrAppendFormat(out, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>",
                            static_cast<int>(i) * kBar, kHeight + 12, TimeOfDay(b.start));
    }
  }
  absl::StrAppend(out, "</svg><p class=\"legend\">");
  for (const auto& [category, color] : color_of) {
    absl::StrAppend(out,
                    "<span><svg width=\"10\" height=\"10\" style=\"display:inline\"><rect "
                    "width=\"10\" height=\"10\" fill=\"",
                    kPalette[color], "\"/></svg> ", HtmlEscape(category), "</span>");
  }
  if (color_of.empty()) absl::StrAppend(out, "<span class=\"muted\">none</span>");
  absl::StrAppend(out, "</p>");
}

void RenderTopics(const std::vector<pulse::RisingTopic>& topics, std::string* out) {
  absl::StrAppend(out, "<div class=\"panel\"><h2>Rising topics (this hour)</h2><ol id=\"topics\">");
  for (const pulse::RisingTopic& t : topics) {
    absl::StrAppend(out, "<li>", HtmlEscape(t.term), " <span class=\"muted\">", t.count,
                    absl::StrFormat(" (expected %.1f)", t.expected), "</span></li>");
  }
  absl::StrAppend(out, "</ol>");
  if (topics.empty()) absl::StrAppend(out, "<p class=\"muted\">none yet</p>");
  absl::StrAppend(out, "</div>");
}

void RenderHeatmap(const std::array<std::array<uint64_t, 24>, 7>& activity, std::string* out) {
  constexpr int kCell = 16;
  uint64_t max = 1;
  for (const auto& day : activity) max = std::max(max, *std::max_element(day.begin(), day.end()));
  absl::StrAppend(out, "<div class=\"panel\"><h2>Posts per hour, last 7 days (UTC)</h2>",
                  absl::StrFormat("<svg id=\"heatmap\" width=\"%d\" height=\"%d\" role=\"img\" "
                                  "aria-label=\"posts per weekday and hour\">",
                                  24 + 24 * kCell, 14 + 7 * kCell));
  for (int h = 0; h < 24; h += 3) {
    absl::StrAppendFormat(out, "<text x=\"%d\" y=\"10\" font-size=\"9\">%02d</text>",
                          24 + h * kCell, h);
  }
  for (int d = 0; d < 7; ++d) {
    absl::StrAppendFormat(out, "<text x=\"0\" y=\"%d\" font-size=\"10\">%s</text>",
                          14 + d * kCell + 12, kWeekdays[d]);
    for (int h = 0; h < 24; ++h) {
      const double level = static_cast<double>(activity[d][h]) / max;
      absl::StrAppendFormat(out,
                            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#1f77b4\" "
                            "fill-opacity=\"%.2f\" stroke=\"#eee\"><title>%s %02d:00: %d</title>"
                            "</rect>",
                            24 + h * kCell, 14 + d * kCell, kCell, kCell, 0.04 + 0.96 * level,
                            kWeekdays[d], h, activity[d][h]);
    }
  }
  absl::StrAppend(out, "</svg></div>");
}

void RenderAlerts(const std::vector<pulse::Alert>& alerts, std::string* out) {
  absl::StrAppend(out, "<h2>Open alerts</h2>");
  if (alerts.empty()) {
    absl::StrAppend(out, "<p class=\"muted\" id=\"alerts\">none</p>");
    return;
  }
  absl::StrAppend(out,
                  "<table id=\"alerts\"><tr><th>kind</th><th>subject</th><th>severity</th>"
                  "<th>since</th><th>observed</th><th>expected</th><th>z</th><th>top rules</th>"
                  "<th>example posts</th></tr>");
  for (const pulse::Alert& a : alerts) {
    const bool share = a.kind != pulse::AlertKind::kPileOn &&
                       a.kind != pulse::AlertKind::kVolumeSpike &&
                       a.kind != pulse::AlertKind::kVolumeCollapse;
    std::string rules;
    for (const auto& [rule, count] : a.top_rules) {
      absl::StrAppend(&rules, rules.empty() ? "" : ", ", HtmlEscape(rule), " (", count, ")");
    }
    std::string examples;
    for (const std::string& id : a.example_post_ids) {
      absl::StrAppend(&examples, examples.empty() ? "" : ", ", HtmlEscape(id));
    }
    absl::StrAppend(out, "<tr class=\"alert\"><td>", pulse::AlertKindName(a.kind), "</td><td>",
                    HtmlEscape(a.subject), "</td><td>", a.severity, "</td><td>",
                    absl::FormatTime("%Y-%m-%d %H:%M UTC", a.started, absl::UTCTimeZone()),
                    "</td><td class=\"num\">",
                    share ? Percent(a.observed) : absl::StrFormat("%.0f", a.observed),
                    "</td><td class=\"num\">",
                    share ? Percent(a.expected) : absl::StrFormat("%.1f", a.expected),
                    "</td><td class=\"num\">", absl::StrFormat("%.1f", a.z), "</td><td>", rules,
                    "</td><td>", examples, "</td></tr>");
  }
  absl::StrAppend(out, "</table>");
}

constexpr char kCookieName[] = "pulse_token";

// A query variable, URL-decoded; "" if absent.
std::string QueryVar(std::string_view query, const char* name) {
  std::string value(query.size() + 1, '\0');
  const int n = mg_get_var(query.data(), query.size(), name, value.data(), value.size());
  if (n < 0) return "";
  value.resize(static_cast<size_t>(n));
  return value;
}

std::string CookieVar(std::string_view cookies, std::string_view name) {
  while (!cookies.empty()) {
    const size_t end = std::min(cookies.find(';'), cookies.size());
    std::string_view pair = cookies.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    cookies.remove_prefix(std::min(end + 1, cookies.size()));
  }
  return "";
}

HttpServer::PageReply Text(int status, std::string body) {
  HttpServer::PageReply r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

}  // namespace

HttpServer::PageReply ServePulsePage(const HttpServer::PageRequest& request,
                                     const pulse::Pulse& pulse, const AdminAuthenticator* admin,
                                     const AdminAuthenticator* reader) {
  constexpr std::string_view kBearer = "Bearer ";
  std::string token;
  const std::string from_query = QueryVar(request.query, "token");
  if (request.authorization.substr(0, kBearer.size()) == kBearer) {
    token = std::string(request.authorization.substr(kBearer.size()));
  } else if (!from_query.empty()) {
    token = from_query;
  } else {
    token = CookieVar(request.cookie, kCookieName);
  }
  if (token.empty()) {
    return Text(401,
                "the pulse page needs the admin or pulse reader token: "
                "'Authorization: Bearer <token>' or /pulse?token=<token>\n");
  }
  const bool allowed = (admin != nullptr && admin->AcceptsToken(token)) ||
                       (reader != nullptr && reader->AcceptsToken(token));
  if (!allowed) return Text(403, "invalid token\n");
  HttpServer::PageReply reply;
  reply.body = RenderPulsePage(pulse, QueryVar(request.query, "community"));
  // Only a token that came in the URL becomes a cookie, and only one made
  // of plain token characters (nothing that could end the header).
  if (!from_query.empty() && token == from_query &&
      std::all_of(token.begin(), token.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' || c == '=';
      })) {
    reply.set_cookie =
        absl::StrCat(kCookieName, "=", token, "; Path=/pulse; HttpOnly; SameSite=Strict");
  }
  return reply;
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderPulsePage(const pulse::Pulse& pulse, std::string_view community) {
  const std::vector<pulse::CommunitySummary> list =
      pulse.List(pulse::Pulse::Order::kHostileShare, kPulsePageCommunities);
  std::string selected(community);
  if (selected.empty() && !list.empty()) selected = list.front().community;
  const absl::Time now = pulse.clock().Now();
  std::string out;
  out.reserve(64 * 1024);
  absl::StrAppend(&out,
                  "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\">"
                  "<meta http-equiv=\"refresh\" content=\"30\">"
                  "<title>Community pulse</title><style>",
                  kStyle, "</style></head><body><h1>Community pulse</h1><p class=\"muted\">as of ",
                  absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", now, absl::UTCTimeZone()),
                  " &middot; reloads every 30 s</p>");
  RenderRanking(pulse, list, selected, &out);
  std::optional<pulse::CommunitySnapshot> s;
  if (!selected.empty()) s = pulse.Snapshot(selected);
  if (!s.has_value()) {
    if (!selected.empty()) {
      absl::StrAppend(&out, "<p id=\"detail\">No pulse for community \"", HtmlEscape(selected),
                      "\".</p>");
    }
    absl::StrAppend(&out, "</body></html>\n");
    return out;
  }
  absl::StrAppend(&out, "<section id=\"detail\" data-community=\"", HtmlEscape(s->community),
                  "\"><h2>", HtmlEscape(s->community), "</h2>");
  RenderMood(s->mood, &out);
  RenderTopics(s->rising_topics, &out);
  RenderHeatmap(s->activity, &out);
  RenderCategoryChart(s->windows[1], &out);
  RenderAlerts(s->open_alerts, &out);
  absl::StrAppend(&out, "</section></body></html>\n");
  return out;
}

}  // namespace moderation::server
