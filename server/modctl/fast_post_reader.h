// Reads `modctl scan` input lines (json_codec.h's contract) with simdjson.
//
// Why: parsing each line into an nlohmann::json tree cost more than judging
// the post (about 15k of 35k instructions per short post in `modctl scan`).
// simdjson validates and parses a line into a reusable tape without
// allocating per line.
//
// Same answers as PostFromJsonLine, by construction: a line simdjson accepts
// is read field by field with the same checks and messages (a key given
// twice counts with its last value, as in nlohmann::json); a line simdjson
// rejects for any reason (bad JSON, bad UTF-8, lone surrogates, nesting
// deeper than its limit, a line over 4 GiB) goes to PostFromJsonLine, which
// gives the error message, or the post when nlohmann accepts what simdjson
// does not. fast_post_reader_test.cc compares both on every case.
//
//   FastPostReader reader;
//   std::string id_json;
//   absl::StatusOr<Post> post = reader.Read(&line, &id_json);
//
// Thread-safety: one thread per reader (it owns simdjson's parse buffers).
#ifndef MODERATION_SERVER_MODCTL_FAST_POST_READER_H_
#define MODERATION_SERVER_MODCTL_FAST_POST_READER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/post/post.h"

namespace moderation::modctl {

class FastPostReader {
 public:
  FastPostReader();
  ~FastPostReader();
  FastPostReader(const FastPostReader&) = delete;
  FastPostReader& operator=(const FastPostReader&) = delete;

  // Parses one input line. *id_json receives the line's id as JSON text
  // ("\"p1\"" or "7", as IdJson in json_codec.h writes it) when it could be
  // read, else "". *line may grow its capacity (simdjson reads a few bytes
  // past the end), never its contents.
  absl::StatusOr<Post> Read(std::string* line, std::string* id_json);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moderation::modctl

#endif  // MODERATION_SERVER_MODCTL_FAST_POST_READER_H_
