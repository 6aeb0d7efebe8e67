// Reads JSON Lines input for `modctl scan` and decides when answers must be
// flushed.
//
// Why: a streaming client writes a post and waits for its answer, so every
// answer written so far must reach it before modctl waits for more input;
// but flushing after every line costs one write(2) per post, which for a
// batch job on a pipe costs more than judging the post. LineReader reads the
// input in chunks of whatever is available and flushes the output only
// right before a read that may block: when no complete line is buffered.
//
//   LineReader reader(&std::cin, &std::cout);
//   std::string line;
//   while (reader.Next(&line)) std::cout << Judge(line) << '\n';
//
// Thread-safety: one thread; not copyable.
#ifndef MODERATION_SERVER_MODCTL_LINE_READER_H_
#define MODERATION_SERVER_MODCTL_LINE_READER_H_

#include <istream>
#include <ostream>
#include <string>

namespace moderation::modctl {

class LineReader {
 public:
  // Both streams must outlive the reader. Reads go straight to in's buffer,
  // so `in` need not be tied to `out`.
  LineReader(std::istream* in, std::ostream* out) : in_(in), out_(out) {}
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line, without its '\n' (a '\r' before it stays, as with
  // std::getline). A last line without '\n' counts. False at the end.
  bool Next(std::string* line);

 private:
  // Flushes out_, then appends what one read of in_ gives (it may block).
  void Fill();

  std::istream* const in_;
  std::ostream* const out_;
  std::string buffer_;
  size_t pos_ = 0;      // start of the first unread line in buffer_
  size_t scanned_ = 0;  // buffer_[pos_, scanned_) holds no '\n'
  bool eof_ = false;
};

}  // namespace moderation::modctl

#endif  // MODERATION_SERVER_MODCTL_LINE_READER_H_
