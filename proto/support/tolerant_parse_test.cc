// The tolerant request parse: every field arrives exactly as the strict
// parser would deliver it, except that invalid UTF-8 in a string field is
// kept instead of failing the whole message.
#include "proto/support/tolerant_parse.h"

#include <grpcpp/support/byte_buffer.h>
#include <gtest/gtest.h>

#include <string>

namespace moderation::proto_support {
namespace {

namespace v1 = ::moderation::v1;

v1::ModerateRequest FullRequest() {
  v1::ModerateRequest request;
  v1::Post* post = request.mutable_post();
  post->set_post_id("p-1");
  post->set_community("news-de");
  post->mutable_author()->set_id("a-9");
  post->mutable_author()->set_account_age_days(0);  // present although zero
  post->mutable_author()->set_prior_violations(-3);
  post->set_title("Titel");
  post->set_body("Hallo Welt");
  post->set_language("de");
  post->mutable_created_at()->set_seconds(1764633600);
  request.set_include_redacted(true);
  return request;
}

// A length-delimited field, encoded by hand.
std::string Delimited(int number, const std::string& value) {
  std::string out;
  for (uint64_t v : {static_cast<uint64_t>(number) << 3 | 2, static_cast<uint64_t>(value.size())}) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  }
  return out + value;
}

// Wire bytes of `request` with its body set to `body`, bytes that protobuf
// would refuse to serialise or parse if they are invalid UTF-8.
std::string WireWithBody(v1::ModerateRequest request, const std::string& body) {
  request.mutable_post()->clear_body();
  v1::ModerateRequest rest = request;
  rest.clear_post();
  return Delimited(1, request.post().SerializeAsString() + Delimited(5, body)) +
         rest.SerializeAsString();
}

grpc::ByteBuffer Buffer(const std::string& wire) {
  grpc::Slice slice(wire);
  return grpc::ByteBuffer(&slice, 1);
}

TEST(TolerantParseTest, AValidRequestParsesExactlyAsTheStrictParserDoes) {
  const v1::ModerateRequest sent = FullRequest();
  grpc::ByteBuffer buffer = Buffer(sent.SerializeAsString());
  v1::ModerateRequest got;
  ASSERT_TRUE(DeserializeTolerantly(&buffer, &got).ok());
  EXPECT_EQ(got.SerializeAsString(), sent.SerializeAsString());
}

TEST(TolerantParseTest, InvalidUtf8InABodyIsKeptAndEveryOtherFieldSurvives) {
  const std::string wire = WireWithBody(FullRequest(), "abc \xff\xfe");
  v1::ModerateRequest strict;
  ASSERT_FALSE(strict.ParseFromString(wire)) << "protobuf itself must refuse this";

  grpc::ByteBuffer buffer = Buffer(wire);
  v1::ModerateRequest got;
  ASSERT_TRUE(DeserializeTolerantly(&buffer, &got).ok());
  EXPECT_EQ(got.post().body(), "abc \xff\xfe");
  v1::ModerateRequest expected = FullRequest();
  expected.mutable_post()->set_body("abc \xff\xfe");
  EXPECT_EQ(got.post().post_id(), "p-1");
  EXPECT_EQ(got.post().community(), "news-de");
  EXPECT_TRUE(got.post().author().has_account_age_days());
  EXPECT_EQ(got.post().author().account_age_days(), 0);
  EXPECT_EQ(got.post().author().prior_violations(), -3);
  EXPECT_FALSE(got.post().author().has_trust_level());
  EXPECT_EQ(got.post().created_at().seconds(), 1764633600);
  EXPECT_TRUE(got.include_redacted());
  EXPECT_EQ(got.SerializeAsString(), expected.SerializeAsString());
}

TEST(TolerantParseTest, InvalidUtf8DeepInABatchIsKeptInTheRightPost) {
  v1::ModerateBatchRequest batch;
  for (int i = 0; i < 3; ++i) batch.add_requests()->mutable_post()->set_body("ok");
  batch.mutable_requests(2)->mutable_post()->set_title("\xc3\x28");
  std::string wire = batch.SerializeAsString();  // logs, but serialises as is
  grpc::ByteBuffer buffer = Buffer(wire);
  v1::ModerateBatchRequest got;
  ASSERT_TRUE(DeserializeTolerantly(&buffer, &got).ok());
  ASSERT_EQ(got.requests_size(), 3);
  EXPECT_EQ(got.requests(2).post().title(), "\xc3\x28");
  EXPECT_EQ(got.requests(1).post().body(), "ok");
}

TEST(TolerantParseTest, UnknownFieldsAreKeptAsTheStrictParserKeepsThem) {
  const std::string wire = WireWithBody(FullRequest(), "\xff") + std::string("\xf8\x06\x2a", 3);
  v1::ModerateRequest got;
  ASSERT_TRUE(MergeWithoutUtf8Check(wire, &got));
  EXPECT_EQ(got.GetReflection()->GetUnknownFields(got).field_count(), 1);
}

TEST(TolerantParseTest, BytesThatAreNotAMessageAreInvalidArgumentNamingTheType) {
  for (const std::string& wire : {std::string("\x0a\x05\x0a", 3), std::string("\xff\xff\xff")}) {
    grpc::ByteBuffer buffer = Buffer(wire);
    v1::ModerateRequest got;
    const grpc::Status status = DeserializeTolerantly(&buffer, &got);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(),
              "the request is not a valid moderation.v1.ModerateRequest message");
  }
}

}  // namespace
}  // namespace moderation::proto_support
