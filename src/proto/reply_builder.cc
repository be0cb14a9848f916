#include <shardis/base/number_format.h>
#include <shardis/proto/reply_builder.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace shardis::proto {
namespace {

// Bulk payloads up to this size are written together with their header in one reserve().
constexpr size_t kInlineBulkMax = 256;
// Type byte + sign + 20 digits + "\r\n".
constexpr size_t kMaxHeader = 24;

size_t put_crlf(char* p) {
  p[0] = '\r';
  p[1] = '\n';
  return 2;
}

}  // namespace

void ReplyBuilder::header(char type, int64_t n) {
  char* p = out_->reserve(kMaxHeader);
  p[0] = type;
  size_t len = 1 + base::format_int64(n, p + 1);
  len += put_crlf(p + len);
  out_->commit(len);
}

void ReplyBuilder::ok() {
  out_->append(std::string_view("+OK\r\n"));
}

void ReplyBuilder::simple(std::string_view s) {
  char* p = out_->reserve(s.size() + 3);
  p[0] = '+';
  if (!s.empty()) std::memcpy(p + 1, s.data(), s.size());
  out_->commit(1 + s.size() + put_crlf(p + 1 + s.size()));
}

void ReplyBuilder::error(std::string_view msg) {
  ++errors_;
  char* p = out_->reserve(msg.size() + 3);
  p[0] = '-';
  // A line break inside the text would end the reply early and desynchronize the client.
  for (size_t i = 0; i < msg.size(); ++i) {
    const char c = msg[i];
    p[1 + i] = (c == '\r' || c == '\n') ? ' ' : c;
  }
  out_->commit(1 + msg.size() + put_crlf(p + 1 + msg.size()));
}

void ReplyBuilder::integer(int64_t v) {
  header(':', v);
}

void ReplyBuilder::bulk(std::string_view s) {
  if (s.size() <= kInlineBulkMax) {
    char* p = out_->reserve(kMaxHeader + s.size() + 2);
    p[0] = '$';
    size_t len = 1 + base::format_int64(static_cast<int64_t>(s.size()), p + 1);
    len += put_crlf(p + len);
    if (!s.empty()) std::memcpy(p + len, s.data(), s.size());
    len += s.size();
    len += put_crlf(p + len);
    out_->commit(len);
    return;
  }
  header('$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append(std::string_view("\r\n"));
}

void ReplyBuilder::null() {
  out_->append(resp_ >= 3 ? std::string_view("_\r\n") : std::string_view("$-1\r\n"));
}

void ReplyBuilder::null_array() {
  out_->append(resp_ >= 3 ? std::string_view("_\r\n") : std::string_view("*-1\r\n"));
}

void ReplyBuilder::array(size_t n) {
  header('*', static_cast<int64_t>(n));
}

void ReplyBuilder::map(size_t n) {
  if (resp_ >= 3) {
    header('%', static_cast<int64_t>(n));
  } else {
    header('*', static_cast<int64_t>(n * 2));
  }
}

void ReplyBuilder::set(size_t n) {
  header(resp_ >= 3 ? '~' : '*', static_cast<int64_t>(n));
}

void ReplyBuilder::push(size_t n) {
  header(resp_ >= 3 ? '>' : '*', static_cast<int64_t>(n));
}

void ReplyBuilder::double_value(double v) {
  const std::string text = base::double_to_resp(v);
  if (resp_ >= 3) {
    char* p = out_->reserve(text.size() + 3);
    p[0] = ',';
    std::memcpy(p + 1, text.data(), text.size());
    out_->commit(1 + text.size() + put_crlf(p + 1 + text.size()));
  } else {
    bulk(text);
  }
}

void ReplyBuilder::boolean(bool v) {
  if (resp_ >= 3) {
    out_->append(v ? std::string_view("#t\r\n") : std::string_view("#f\r\n"));
  } else {
    out_->append(v ? std::string_view(":1\r\n") : std::string_view(":0\r\n"));
  }
}

void ReplyBuilder::verbatim(std::string_view format3, std::string_view text) {
  if (resp_ < 3) {
    bulk(text);
    return;
  }
  // RESP3 verbatim strings carry a three-byte format ("txt", "mkd") and a ':'; anything else
  // would make the length wrong, so it falls back to plain text.
  if (format3.size() != 3) format3 = "txt";
  header('=', static_cast<int64_t>(text.size() + 4));
  out_->append(format3);
  out_->append(':');
  out_->append(text);
  out_->append(std::string_view("\r\n"));
}

void ReplyBuilder::raw(std::string_view resp_bytes) {
  out_->append(resp_bytes);
}

}  // namespace shardis::proto
