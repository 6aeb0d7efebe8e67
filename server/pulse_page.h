// The /pulse page (issue 12 §4): what community managers look at.
//
// Why: the pulse's RPCs serve programs; people need a page. It shows the
// communities ranked by hostile share in the last hour, each with
// sparklines of its volume and hostile share by minute, and one community
// in detail: its mood against its baseline, hostile decisions per category
// by quarter hour over the last day, rising topics, the posts per weekday
// and hour of the last 7 days as a heatmap, and its open alerts.
//
// Server-rendered HTML with inline SVG and inline CSS: no script, no
// external resource, so it works offline and in any browser. It reloads
// itself every 30 seconds. Every name that comes from traffic (community
// ids, categories, rules, topics, post ids) is HTML-escaped.
//
//   std::string html = RenderPulsePage(pulse, "news-de");  // "" = the most hostile
//   HttpServer::Start(address, &metrics, ready, [&](const HttpServer::PageRequest& r) {
//     return ServePulsePage(r, pulse, admin_auth, reader_auth);
//   });
//
// Access (as the CommunityPulseService): the admin token or the pulse
// reader token, sent as "Authorization: Bearer <token>", or for a browser
// as /pulse?token=<token>, which answers with an HttpOnly, SameSite=Strict
// cookie so the page's own links work without the token in them. No
// credential: 401; a wrong one: 403. Query: community=<id> picks the
// community shown in detail.
//
// Thread-safety: reads the pulse through its thread-safe API.
#ifndef MODERATION_SERVER_PULSE_PAGE_H_
#define MODERATION_SERVER_PULSE_PAGE_H_

#include <string>
#include <string_view>

#include "server/admin_auth.h"
#include "server/http_server.h"
#include "server/pulse/pulse.h"

namespace moderation::server {

// At most this many communities are listed (the most hostile first).
inline constexpr size_t kPulsePageCommunities = 50;

std::string RenderPulsePage(const pulse::Pulse& pulse, std::string_view community);

// admin and reader may be null (not configured).
HttpServer::PageReply ServePulsePage(const HttpServer::PageRequest& request,
                                     const pulse::Pulse& pulse, const AdminAuthenticator* admin,
                                     const AdminAuthenticator* reader);

// "&", "<", ">", '"' and "'" as entities.
std::string HtmlEscape(std::string_view text);

}  // namespace moderation::server

#endif  // MODERATION_SERVER_PULSE_PAGE_H_
