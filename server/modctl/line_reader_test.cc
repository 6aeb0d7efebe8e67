#include "server/modctl/line_reader.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace moderation::modctl {
namespace {

std::vector<std::string> ReadAll(const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out;
  LineReader reader(&in, &out);
  std::vector<std::string> lines;
  for (std::string line; reader.Next(&line);) lines.push_back(line);
  return lines;
}

TEST(LineReaderTest, SplitsLikeGetline) {
  struct Case {
    const char* name;
    std::string input;
    std::vector<std::string> lines;
  };
  const Case kCases[] = {
      {"empty", "", {}},
      {"one_line", "a\n", {"a"}},
      {"last_line_without_newline", "a\nb", {"a", "b"}},
      {"blank_lines_are_lines", "\n\nx\n", {"", "", "x"}},
      {"carriage_return_stays", "a\r\nb\r\n", {"a\r", "b\r"}},
      {"no_newline_at_all", "only", {"only"}},
  };
  for (const Case& c : kCases) EXPECT_EQ(ReadAll(c.input), c.lines) << c.name;
}

TEST(LineReaderTest, ReadsLinesLongerThanAnyBufferAndManyLines) {
  const std::string long_line(300000, 'x');
  std::string input = long_line + "\n";
  for (int i = 0; i < 50000; ++i) input += std::to_string(i) + "\n";
  const std::vector<std::string> lines = ReadAll(input);
  ASSERT_EQ(lines.size(), 50001u);
  EXPECT_EQ(lines[0], long_line);
  EXPECT_EQ(lines[1], "0");
  EXPECT_EQ(lines[50000], "49999");
}

// Output that only shows what was flushed.
class FlushedOnly : public std::streambuf {
 public:
  const std::string& flushed() const { return flushed_; }

 protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) pending_ += static_cast<char>(c);
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    pending_.append(s, static_cast<size_t>(n));
    return n;
  }
  int sync() override {
    flushed_ += pending_;
    pending_.clear();
    return 0;
  }

 private:
  std::string pending_, flushed_;
};

// Input that arrives in chunks, one per read, like a pipe; it records what
// the client had received (the flushed output) when each read happened.
class ChunkedInput : public std::streambuf {
 public:
  ChunkedInput(std::vector<std::string> chunks, const FlushedOnly* output)
      : chunks_(std::move(chunks)), output_(output) {}
  const std::vector<std::string>& seen_at_reads() const { return seen_at_reads_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    seen_at_reads_.push_back(output_->flushed());
    if (next_ == chunks_.size()) return traits_type::eof();
    current_ = chunks_[next_++];
    setg(current_.data(), current_.data(), current_.data() + current_.size());
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::vector<std::string> chunks_;
  size_t next_ = 0;
  std::string current_;
  const FlushedOnly* output_;
  std::vector<std::string> seen_at_reads_;
};

TEST(LineReaderTest, FlushesEveryAnswerBeforeWaitingForMoreInput) {
  FlushedOnly out_buffer;
  std::ostream out(&out_buffer);
  // The second chunk ends in half a line: the client waits for the answers
  // to the whole lines before it sends the rest.
  ChunkedInput in_buffer({"one\ntwo\n", "three\nha", "lf\n"}, &out_buffer);
  std::istream in(&in_buffer);
  LineReader reader(&in, &out);
  std::vector<std::string> lines;
  for (std::string line; reader.Next(&line);) {
    lines.push_back(line);
    out << "answer " << line << "\n";
  }
  out.flush();
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three", "half"}));
  // Before each read, every answer so far had been flushed; none was
  // flushed on its own while complete lines were still buffered.
  EXPECT_EQ(in_buffer.seen_at_reads(),
            (std::vector<std::string>{"", "answer one\nanswer two\n",
                                      "answer one\nanswer two\nanswer three\n",
                                      "answer one\nanswer two\nanswer three\nanswer half\n"}));
}

}  // namespace
}  // namespace moderation::modctl
