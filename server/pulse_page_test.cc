// The /pulse page as HTML (rendering, escaping) and its access rules; the
// page in a real browser is tests/moderationd_crisis_test.cc.
#include "server/pulse_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace moderation::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::unique_ptr<AdminAuthenticator> TokenAuth(const std::string& name, const std::string& token) {
  std::string dir = (std::filesystem::path(::testing::TempDir()) / "pulse_page_XXXXXX").string();
  EXPECT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/" + name;
  std::ofstream(path) << token << "\n";
  auto auth = AdminAuthenticator::Create(path, false);
  EXPECT_TRUE(auth.ok()) << auth.status();
  return auth.ok() ? std::move(*auth) : nullptr;
}

class PulsePageTest : public ::testing::Test {
 protected:
  PulsePageTest() : clock_(absl::FromUnixSeconds(1796029200)), pulse_({}, &clock_, nullptr) {}
  void Post(const std::string& community, pulse::Outcome outcome, const std::string& category) {
    pulse::PulseEvent e;
    e.community = community;
    const std::string id = absl::StrCat("p", ++posts_);
    e.post_id = id;
    e.author_id = "a";
    e.outcome = outcome;
    e.category = category;
    e.rule_id = category.empty() ? "" : "rule." + category;
    pulse_.Record(e);
  }
  pulse::ManualClock clock_;
  pulse::Pulse pulse_;
  int posts_ = 0;
};

TEST_F(PulsePageTest, RanksCommunitiesByHostilityAndDetailsTheMostHostile) {
  for (int i = 0; i < 10; ++i) Post("calm", pulse::Outcome::kAllow, "");
  for (int i = 0; i < 10; ++i)
    Post("heated", i < 5 ? pulse::Outcome::kFlag : pulse::Outcome::kAllow, "insult");
  const std::string html = RenderPulsePage(pulse_, "");
  const size_t heated = html.find("data-community=\"heated\"");
  const size_t calm = html.find("data-community=\"calm\"");
  ASSERT_NE(heated, std::string::npos);
  ASSERT_NE(calm, std::string::npos);
  EXPECT_LT(heated, calm);
  EXPECT_THAT(html, HasSubstr("50.0 %"));
  EXPECT_THAT(html, HasSubstr("<section id=\"detail\" data-community=\"heated\""));
  EXPECT_THAT(html, HasSubstr("insult FLAG: 5"));  // the category chart's bar
  // The mood per category: insult, 5 of the last 15 minutes' 10 posts.
  EXPECT_THAT(html, HasSubstr("<table id=\"mood-categories\">"));
  EXPECT_THAT(html, HasSubstr("<tr><td>insult</td><td class=\"num\">50.0 %</td>"));
  // Offline: nothing is loaded from anywhere else.
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(RenderPulsePage(pulse_, "calm"),
              HasSubstr("<section id=\"detail\" data-community=\"calm\""));
  EXPECT_THAT(RenderPulsePage(pulse_, "nowhere"), HasSubstr("No pulse for community"));
}

TEST_F(PulsePageTest, NamesFromTrafficAreEscaped) {
  Post("<script>alert(1)</script>", pulse::Outcome::kFlag, "\"><img src=x>");
  const std::string html = RenderPulsePage(pulse_, "");
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, Not(HasSubstr("<img src=x>")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_EQ(HtmlEscape("a&b<'\">"), "a&amp;b&lt;&#39;&quot;&gt;");
}

TEST_F(PulsePageTest, NeedsTheAdminOrReaderTokenAndKeepsAUrlTokenInACookie) {
  Post("news-de", pulse::Outcome::kAllow, "");
  auto admin = TokenAuth("admin-token", "admin-secret-123");
  auto reader = TokenAuth("reader-token", "reader-secret-456");
  auto serve = [&](std::string_view query, std::string_view authorization = "",
                   std::string_view cookie = "") {
    return ServePulsePage({query, authorization, cookie}, pulse_, admin.get(), reader.get());
  };
  EXPECT_EQ(serve("").status, 401);
  EXPECT_THAT(serve("").body, Not(HasSubstr("news-de")));
  EXPECT_EQ(serve("token=wrong").status, 403);
  EXPECT_EQ(serve("", "Bearer wrong").status, 403);
  EXPECT_EQ(serve("", "", "pulse_token=wrong").status, 403);
  EXPECT_EQ(serve("", "Bearer admin-secret-123").status, 200);
  EXPECT_EQ(serve("", "Bearer admin-secret-123").set_cookie, "");
  const HttpServer::PageReply by_url = serve("community=news-de&token=reader-secret-456");
  EXPECT_EQ(by_url.status, 200);
  EXPECT_THAT(by_url.body, HasSubstr("data-community=\"news-de\""));
  EXPECT_EQ(by_url.set_cookie,
            "pulse_token=reader-secret-456; Path=/pulse; HttpOnly; SameSite=Strict");
  EXPECT_EQ(serve("", "", "theme=dark; pulse_token=reader-secret-456").status, 200);
  // Without a reader token configured, only the admin's opens it.
  EXPECT_EQ(
      ServePulsePage({"token=reader-secret-456", "", ""}, pulse_, admin.get(), nullptr).status,
      403);
}

}  // namespace
}  // namespace moderation::server
