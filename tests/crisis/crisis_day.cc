#include "tests/crisis/crisis_day.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace moderation::testing {
namespace {

constexpr double kPi = 3.14159265358979;

template <size_t N>
const char* Pick(std::mt19937& rng, const char* const (&words)[N]) {
  return words[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

constexpr const char* kOpeners[] = {"Ehrlich gesagt",
                                    "Meiner Meinung nach",
                                    "Wie ich das sehe",
                                    "Nach allem was man liest",
                                    "Ganz ehrlich",
                                    "Aus meiner Erfahrung",
                                    "Wenn ich ehrlich bin",
                                    "Soweit ich weiß",
                                    "Im Grunde",
                                    "Ich glaube",
                                    "Vermutlich",
                                    "Offen gesagt",
                                    "Schon seit Wochen",
                                    "Zugegeben"};
constexpr const char* kSubjects[] = {
    "die Stadtverwaltung", "der Vorstand",         "unsere Nachbarschaft", "die Redaktion",
    "der neue Trainer",    "die Opposition",       "das Ordnungsamt",      "die Jugendabteilung",
    "der Landkreis",       "die Verkehrsbetriebe", "der Verein",           "die Schulleitung",
    "das Ministerium",     "die Bürgerinitiative"};
constexpr const char* kVerbs[] = {"hat zu lange gewartet mit", "sollte endlich reden über",
                                  "unterschätzt völlig",       "hat gut reagiert auf",
                                  "muss mehr erklären zu",     "hat kaum informiert über",
                                  "verdient Lob für",          "plant angeblich Neues bei",
                                  "hat viel versprochen bei",  "diskutiert seit Monaten über",
                                  "ignoriert leider",          "prüft gerade",
                                  "kümmert sich um",           "streitet wieder über"};
constexpr const char* kDetails[] = {"und das merkt man jeden Tag",
                                    "was viele hier ähnlich sehen",
                                    "obwohl die Zahlen klar sind",
                                    "aber dazu fehlt mir die Quelle",
                                    "das war letztes Jahr schon so",
                                    "mal sehen was daraus wird",
                                    "und keiner fragt die Betroffenen",
                                    "trotz der vielen Hinweise",
                                    "wie der Artikel richtig schreibt",
                                    "auch wenn das manche anders sehen",
                                    "was mich ehrlich überrascht",
                                    "das hätte man früher machen können",
                                    "und zwar zu Recht",
                                    "ohne dass sich etwas ändert"};
constexpr const char* kClosers[] = {"Danke für den Bericht.",
                                    "Bin gespannt.",
                                    "Schönen Abend noch.",
                                    "Was meint ihr?",
                                    "Mal abwarten.",
                                    "Gut recherchiert.",
                                    "Weiter so.",
                                    "Bitte dranbleiben.",
                                    "Das musste mal gesagt werden.",
                                    "Kommt Zeit, kommt Rat.",
                                    "Grüße aus der Altstadt.",
                                    "Ich bleibe skeptisch.",
                                    "Endlich mal Klartext.",
                                    "Wir werden sehen."};
constexpr const char* kInsults[] = {"Du Blödmann", "So ein Vollpfosten", "Was für ein Idiot",
                                    "Selten so einen Blödmann gelesen", "Vollpfosten wie du"};
constexpr const char* kInsultTails[] = {"hast keine Ahnung.", "lies erst mal den Artikel.",
                                        "geh woanders trollen.", "echt peinlich.",
                                        "schreib nie wieder hier."};
constexpr const char* kHate[] = {"Dieses Gesindel", "Alles Schmarotzer", "Das ist Ungeziefer",
                                 "Dieses Gesindel aus dem Gästeblock", "Schmarotzer wie die"};
constexpr const char* kHateTails[] = {"gehört hier nicht her.", "soll verschwinden.",
                                      "hat im Stadion nichts verloren.", "sollte man rauswerfen.",
                                      "versaut uns alles."};
// The raid's call to action, and the small edits each raider makes.
constexpr const char* kRaidCall =
    "Alle zusammen jetzt: schreibt dem Bürgermeister, dass die Umgehungsstraße gestoppt werden "
    "muss, bevor der Stadtrat am Donnerstag abstimmt";
constexpr const char* kRaidPrefixes[] = {"", "", "Wichtig! ", "Leute, ", "Teilen! "};
constexpr const char* kRaidSuffixes[] = {"!", "!!!", ".", "! Jetzt!", "! #stopptdiestrasse"};

}  // namespace

CrisisDay::CrisisDay(CrisisOptions options) : options_(options), rng_(options.seed) {
  communities_ = {
      {"news-de", options.news_peak, {"Wahl", "Haushalt", "Koalition", "Umfrage", "Steuern"}},
      {"sport-de", options.sport_peak, {"Derby", "Abstiegskampf", "Schiedsrichter", "Transfer"}},
      {"lokal-de", options.lokal_peak, {"Umgehungsstraße", "Wochenmarkt", "Baustelle", "Kita"}},
  };
}

double CrisisDay::Rhythm(int m) const {
  const double hour =
      std::fmod(absl::ToDoubleHours(options_.start - absl::UnixEpoch()) + m / 60.0, 24.0);
  // 0.35 at 04:00, 1.0 at 16:00, smooth in between.
  return 0.35 + 0.65 * (0.5 - 0.5 * std::cos(2 * kPi * (hour - 4) / 24));
}

int CrisisDay::PostsThisMinute(const Community& c, int m) {
  const double rate = c.peak * Rhythm(m);
  std::poisson_distribution<int> posts(rate);
  return posts(rng_);
}

std::string CrisisDay::RegularAuthor(const Community& c) {
  return absl::StrCat(c.name, "-u", std::uniform_int_distribution<int>(0, 399)(rng_));
}

std::string CrisisDay::CivilText(const Community& c) {
  const std::string& topic =
      c.topics[std::uniform_int_distribution<size_t>(0, c.topics.size() - 1)(rng_)];
  return absl::StrCat(Pick(rng_, kOpeners), ": ", Pick(rng_, kSubjects), " ", Pick(rng_, kVerbs),
                      " ", topic, ", ", Pick(rng_, kDetails), ". ", Pick(rng_, kClosers));
}

std::string CrisisDay::InsultText() {
  return absl::StrCat(Pick(rng_, kInsults), ", ", Pick(rng_, kInsultTails), " ",
                      Pick(rng_, kClosers));
}

std::string CrisisDay::HateText() {
  return absl::StrCat(Pick(rng_, kHate), " ", Pick(rng_, kHateTails), " ", Pick(rng_, kOpeners),
                      ", ", Pick(rng_, kDetails), ".");
}

std::string CrisisDay::RaidText() {
  return absl::StrCat(Pick(rng_, kRaidPrefixes), kRaidCall, Pick(rng_, kRaidSuffixes));
}

void CrisisDay::AddPost(const Community& c, int m, std::vector<v1::ModerateRequest>* out,
                        const std::string& body, const std::string& author, int account_age_days,
                        const std::string& thread, const std::string& target) {
  v1::ModerateRequest r;
  v1::Post* post = r.mutable_post();
  post->set_post_id(absl::StrCat(c.name, "-", ++next_post_));
  post->set_community(c.name);
  post->mutable_author()->set_id(author);
  post->mutable_author()->set_account_age_days(account_age_days);
  post->set_body(body);
  post->set_thread_id(thread.empty() ? absl::StrCat(c.name, "-t", m / 60, "-",
                                                    std::uniform_int_distribution<int>(0, 9)(rng_))
                                     : thread);
  if (!target.empty()) post->set_target_author_id(target);
  const int64_t second = absl::ToUnixSeconds(options_.start) + int64_t{m} * 60 +
                         std::uniform_int_distribution<int>(0, 59)(rng_);
  post->mutable_created_at()->set_seconds(second);
  out->push_back(std::move(r));
}

std::vector<v1::ModerateRequest> CrisisDay::Minute(int m) {
  using S = CrisisSchedule;
  std::vector<v1::ModerateRequest> out;
  std::uniform_real_distribution<double> u(0, 1);
  for (const Community& c : communities_) {
    double hate_share = 0;
    if (options_.events && c.name == "sport-de" && m >= S::kHateStart && m < S::kHateEnd) {
      hate_share = 0.35 * std::min(1.0, static_cast<double>(m - S::kHateStart) /
                                            (S::kHatePeak - S::kHateStart));
    }
    const bool derby = options_.events && options_.derby_thread_share > 0 && c.name == "sport-de" &&
                       m >= S::kDerbyStart && m < S::kHateEnd;
    const int n = PostsThisMinute(c, m);
    for (int i = 0; i < n; ++i) {
      const double roll = u(rng_);
      const bool new_account = u(rng_) < 0.02;
      const std::string author =
          new_account ? absl::StrCat(c.name, "-new", ++next_raider_) : RegularAuthor(c);
      const int age = new_account ? 1 : 30 + static_cast<int>(u(rng_) * 2000);
      const std::string thread = derby && u(rng_) < options_.derby_thread_share ? "t-derby" : "";
      if (roll < hate_share) {
        AddPost(c, m, &out, HateText(), author, age, thread);
      } else if (roll < hate_share + 0.03) {
        AddPost(c, m, &out, InsultText(), author, age, thread);
      } else {
        AddPost(c, m, &out, CivilText(c), author, age, thread);
      }
    }
    if (!options_.events) continue;
    if (c.name == "news-de" && m >= S::kPileOnStart && m < S::kPileOnEnd) {
      for (int i = 0; i < 4; ++i) {
        AddPost(c, m, &out, InsultText(), RegularAuthor(c), 300, "t-wahl", "u-kandidatin");
      }
    }
    if (c.name == "lokal-de" && m >= S::kRaidStart && m < S::kRaidEnd) {
      for (int i = 0; i < 15; ++i) {
        AddPost(c, m, &out, RaidText(), absl::StrCat("raider-", ++next_raider_),
                static_cast<int>(u(rng_) * 3));
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.post().created_at().seconds() < b.post().created_at().seconds();
  });
  return out;
}

}  // namespace moderation::testing
