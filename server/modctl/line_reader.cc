#include "server/modctl/line_reader.h"

#include <algorithm>

namespace moderation::modctl {

bool LineReader::Next(std::string* line) {
  for (;;) {
    const size_t newline = buffer_.find('\n', std::max(pos_, scanned_));
    if (newline != std::string::npos) {
      line->assign(buffer_, pos_, newline - pos_);
      pos_ = scanned_ = newline + 1;
      return true;
    }
    scanned_ = buffer_.size();
    if (eof_) {
      if (pos_ == buffer_.size()) return false;
      line->assign(buffer_, pos_, std::string::npos);
      pos_ = scanned_ = buffer_.size();
      return true;
    }
    Fill();
  }
}

void LineReader::Fill() {
  // Keep only the unread part, so the buffer holds at most a line plus a
  // chunk however long the input is.
  buffer_.erase(0, pos_);
  scanned_ -= pos_;
  pos_ = 0;
  out_->flush();
  std::streambuf* const source = in_->rdbuf();
  // sgetc() reads once if nothing is buffered, blocking until input or the
  // end; then in_avail() is what that read brought, taken without blocking.
  if (source == nullptr || source->sgetc() == std::streambuf::traits_type::eof()) {
    eof_ = true;
    return;
  }
  const std::streamsize available = std::max<std::streamsize>(source->in_avail(), 1);
  const size_t old_size = buffer_.size();
  buffer_.resize(old_size + static_cast<size_t>(available));
  const std::streamsize got = source->sgetn(buffer_.data() + old_size, available);
  buffer_.resize(old_size + static_cast<size_t>(std::max<std::streamsize>(got, 0)));
}

}  // namespace moderation::modctl
