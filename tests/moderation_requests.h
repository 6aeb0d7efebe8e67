// Requests and post texts the moderationd integration tests share: one
// post judged BLOCK, one ALLOW and one FLAG by the shipped rules in
// community news-de, and a ModerateRequest built from an id and a body.
//
// Why: four test files had their own copies of these; a change to the
// default rules that moves one of these posts must be made in one place.
// Kept apart from server_fixture.h so the fixture needs no protobuf.
//
// Thread-safety: constants and a pure function.
#ifndef MODERATION_TESTS_MODERATION_REQUESTS_H_
#define MODERATION_TESTS_MODERATION_REQUESTS_H_

#include <string>

#include "moderation/v1/moderation.pb.h"

namespace moderation::testing {

inline constexpr char kAbusive[] = "Du Oberbl0edm@nn, ich bring dich um!";  // BLOCK
inline constexpr char kCivil[] = "Die Regierung hat versagt.";              // ALLOW
inline constexpr char kInsult[] = "Du Blödmann.";  // FLAG (score 5, category insult)

inline ::moderation::v1::ModerateRequest Request(const std::string& post_id,
                                                 const std::string& body,
                                                 const std::string& community = "news-de") {
  ::moderation::v1::ModerateRequest request;
  request.mutable_post()->set_post_id(post_id);
  request.mutable_post()->set_community(community);
  request.mutable_post()->set_body(body);
  return request;
}

}  // namespace moderation::testing

#endif  // MODERATION_TESTS_MODERATION_REQUESTS_H_
