#include "engine/util/sha256.h"

#include "gtest/gtest.h"

namespace moderation::util {
namespace {

TEST(Sha256HexTest, IsTheSha256OfTheBytes) {
  EXPECT_EQ(Sha256Hex(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256HexTest, HashesEmbeddedNulBytes) {
  EXPECT_NE(Sha256Hex(std::string_view("a\0b", 3)), Sha256Hex("a"));
}

}  // namespace
}  // namespace moderation::util
