// gRPC serialization for the moderation.v1 request messages that lets
// invalid UTF-8 in `string` fields reach the server's own validation.
//
// Why: the text fields are proto3 `string`, which is what every client
// library expects. Protobuf's parser rejects a whole message when any
// `string` field holds invalid UTF-8, and gRPC C++'s callback API then
// answers a unary call with UNIMPLEMENTED and an empty message (it drops the
// parse status; seen with gRPC 1.51), and ends a stream's reads as if the
// client had half-closed (the stream finishes OK, the post is never
// answered). A raw client deserves better: these traits parse strictly first
// (the normal path, no extra cost); only when that fails do they parse the
// wire format generically and fill the message through reflection without
// the UTF-8 check. The server's validation then answers INVALID_ARGUMENT
// naming the field and byte ("post.body: invalid UTF-8 at byte 17"), and a
// stream answers that one post with an error and goes on. Bytes that are not
// a protobuf encoding at all still fail: Deserialize returns
// INVALID_ARGUMENT "... is not a valid moderation.v1.X message", which the
// callback API replaces by a bare UNIMPLEMENTED.
//
// The generated *.grpc.pb.h files include this header (protoc's
// additional_header_includes option, see proto/CMakeLists.txt), so every
// translation unit that instantiates SerializationTraits for these types sees
// the specialisations below.
//
// Thread-safety: pure functions.
#ifndef MODERATION_PROTO_SUPPORT_TOLERANT_PARSE_H_
#define MODERATION_PROTO_SUPPORT_TOLERANT_PARSE_H_

#include <google/protobuf/message.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include <string_view>

#include "moderation/v1/moderation.pb.h"
#include "moderation/v1/rule_admin.pb.h"

namespace moderation::proto_support {

// Merges the wire-format `wire` into *message as MergeFromString does, except
// that `string` fields keep invalid UTF-8 instead of failing the parse.
// False if `wire` is not a valid encoding (then *message is unspecified).
bool MergeWithoutUtf8Check(std::string_view wire, google::protobuf::Message* message);

// SerializationTraits::Deserialize for a request message: strict parse, then
// the tolerant one when the strict parse fails. Clears *buffer.
grpc::Status DeserializeTolerantly(grpc::ByteBuffer* buffer, google::protobuf::Message* message);

}  // namespace moderation::proto_support

#define MODERATION_TOLERANT_SERIALIZATION_TRAITS(Type)                                            \
  template <>                                                                                     \
  class SerializationTraits<Type, void> {                                                         \
   public:                                                                                        \
    static Status Serialize(const protobuf::MessageLite& msg, ByteBuffer* bb, bool* own_buffer) { \
      return GenericSerialize<ProtoBufferWriter, Type>(msg, bb, own_buffer);                      \
    }                                                                                             \
    static Status Deserialize(ByteBuffer* buffer, protobuf::MessageLite* msg) {                   \
      return ::moderation::proto_support::DeserializeTolerantly(buffer, static_cast<Type*>(msg)); \
    }                                                                                             \
  };

namespace grpc {
// The messages a client sends to our services.
MODERATION_TOLERANT_SERIALIZATION_TRAITS(::moderation::v1::ModerateRequest)
MODERATION_TOLERANT_SERIALIZATION_TRAITS(::moderation::v1::ModerateBatchRequest)
MODERATION_TOLERANT_SERIALIZATION_TRAITS(::moderation::v1::ValidateRulesRequest)
MODERATION_TOLERANT_SERIALIZATION_TRAITS(::moderation::v1::TestPostRequest)
}  // namespace grpc

#undef MODERATION_TOLERANT_SERIALIZATION_TRAITS

#endif  // MODERATION_PROTO_SUPPORT_TOLERANT_PARSE_H_
