// The gRPC server settings every moderation.v1 server shares.
//
// Why: bench/echo_server is the baseline moderationd is measured against;
// its numbers only mean something if its gRPC server is built exactly like
// moderationd's (same thread bound, message limit, health and reflection
// services, the same --port_file). Both call these functions, so the
// settings cannot drift apart.
//
//   EnableHealthAndReflection();  // before creating the builder
//   grpc::ServerBuilder builder;
//   ApplyServerOptions(&builder, threads, MaxMessageBytes(max_post_bytes, max_batch));
//
// Thread-safety: EnableHealthAndReflection() flips process-wide gRPC switches;
// call it from main before building a server. WriteFileAtomically touches
// only its own files; the rest are pure.
#ifndef MODERATION_SERVER_GRPC_SERVER_OPTIONS_H_
#define MODERATION_SERVER_GRPC_SERVER_OPTIONS_H_

#include <grpcpp/server_builder.h>

#include <cstdint>
#include <string>

namespace moderation::server {

// The largest message the server must accept: a full batch of the largest
// posts plus 1 MiB for the rest of the message, at least gRPC's 4 MiB
// default and at most 1 GiB.
int MaxMessageBytes(int64_t max_post_bytes, int max_batch);

// Turns on the standard gRPC health service and server reflection for every
// server built afterwards.
void EnableHealthAndReflection();

// threads > 0 caps the server's threads (a ResourceQuota); 0 leaves gRPC's
// default of one per core. max_message_bytes bounds received messages.
void ApplyServerOptions(grpc::ServerBuilder* builder, int threads, int max_message_bytes);

// Writes contents to path.tmp and renames it to path, so that a reader
// polling for a --port_file never sees half of it. False on any failure.
bool WriteFileAtomically(const std::string& path, const std::string& contents);

}  // namespace moderation::server

#endif  // MODERATION_SERVER_GRPC_SERVER_OPTIONS_H_
