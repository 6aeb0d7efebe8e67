#include "proto/support/tolerant_parse.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/unknown_field_set.h>

#include <string>
#include <vector>

namespace moderation::proto_support {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

// Protobuf's own parser limits nesting to 100 levels; so do we.
constexpr int kMaxDepth = 100;

bool IsText(const FieldDescriptor& field) {
  return field.type() == FieldDescriptor::TYPE_STRING ||
         field.type() == FieldDescriptor::TYPE_BYTES;
}

bool MergeFields(const UnknownFieldSet& fields, Message* message, int depth) {
  if (depth > kMaxDepth) return false;
  const google::protobuf::Descriptor* descriptor = message->GetDescriptor();
  const google::protobuf::Reflection* reflection = message->GetReflection();
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& wire = fields.field(i);
    const FieldDescriptor* field = descriptor->FindFieldByNumber(wire.number());
    const bool delimited = wire.type() == UnknownField::TYPE_LENGTH_DELIMITED;
    if (field != nullptr && delimited && IsText(*field)) {
      // The one place the strict parser would refuse: keep the bytes as sent.
      if (field->is_repeated()) {
        reflection->AddString(message, field, wire.length_delimited());
      } else {
        reflection->SetString(message, field, wire.length_delimited());
      }
    } else if (field != nullptr && delimited &&
               field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      UnknownFieldSet nested;
      if (!nested.ParseFromString(wire.length_delimited())) return false;
      Message* child = field->is_repeated() ? reflection->AddMessage(message, field)
                                            : reflection->MutableMessage(message, field);
      if (!MergeFields(nested, child, depth + 1)) return false;
    } else {
      // Scalars, packed repeated scalars, unknown fields and wire-type
      // mismatches: protobuf's own parser, one field at a time, so their
      // semantics (zigzag, enums, presence, unknown fields) stay exact.
      UnknownFieldSet one;
      one.AddField(wire);
      std::string encoded;
      if (!one.SerializeToString(&encoded) || !message->MergeFromString(encoded)) return false;
    }
  }
  return true;
}

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

}  // namespace

bool MergeWithoutUtf8Check(std::string_view wire, Message* message) {
  UnknownFieldSet fields;
  if (!fields.ParseFromArray(wire.data(), static_cast<int>(wire.size()))) return false;
  return MergeFields(fields, message, 0);
}

grpc::Status DeserializeTolerantly(grpc::ByteBuffer* buffer, Message* message) {
  if (buffer == nullptr) return grpc::Status(grpc::StatusCode::INTERNAL, "No payload");
  bool parsed = false;
  {
    grpc::ProtoBufferReader reader(buffer);
    if (!reader.status().ok()) return reader.status();
    parsed = message->ParseFromZeroCopyStream(&reader);
  }
  grpc::Status status;
  if (!parsed) {
    message->Clear();
    if (!MergeWithoutUtf8Check(Flatten(*buffer), message)) {
      message->Clear();
      status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            "the request is not a valid " + message->GetTypeName() + " message");
    }
  }
  buffer->Clear();
  return status;
}

}  // namespace moderation::proto_support
