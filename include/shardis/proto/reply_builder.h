#pragma once
// ReplyBuilder: typed reply writer. Handlers say what they reply (array, map, double, null...)
// and the builder encodes it as RESP2 or RESP3, chosen per connection (HELLO 2|3). It only
// appends bytes to a ReplyBuffer; it never sees a socket.
//
// Encodings follow redis-server 7.0 exactly:
//   null        RESP2 "$-1\r\n"        RESP3 "_\r\n"
//   null_array  RESP2 "*-1\r\n"        RESP3 "_\r\n"
//   map(n)      RESP2 "*<2n>\r\n"      RESP3 "%<n>\r\n"
//   set(n)      RESP2 "*<n>\r\n"       RESP3 "~<n>\r\n"
//   push(n)     RESP2 "*<n>\r\n"       RESP3 "><n>\r\n"
//   double      RESP2 bulk of the text RESP3 ",<text>\r\n"   (text as base::double_to_resp)
//   boolean     RESP2 ":1"/":0"        RESP3 "#t"/"#f"
//   verbatim    RESP2 bulk of text     RESP3 "=<len+4>\r\n<fmt>:<text>\r\n"
//   error(msg)  "-<msg>\r\n" where msg is the whole text, e.g. "ERR syntax error" or
//               "WRONGTYPE Operation ..."; any '\r' or '\n' inside msg becomes ' ' as in Redis.
#include <shardis/proto/reply_buffer.h>

#include <cstdint>
#include <string_view>

namespace shardis::proto {

class ReplyBuilder {
 public:
  ReplyBuilder(ReplyBuffer& out, int resp_version) : out_(&out), resp_(resp_version) {}

  int resp() const { return resp_; }
  void set_resp(int v) { resp_ = v; }
  ReplyBuffer& buffer() { return *out_; }
  void retarget(ReplyBuffer& out) { out_ = &out; }

  void ok();                         // "+OK\r\n"
  void simple(std::string_view s);   // "+s\r\n"
  void error(std::string_view msg);  // "-msg\r\n"
  void integer(int64_t v);           // ":v\r\n"
  void bulk(std::string_view s);     // "$len\r\ns\r\n"
  void null();
  void null_array();
  void array(size_t n);
  void map(size_t n);
  void set(size_t n);
  void push(size_t n);
  void double_value(double v);
  void boolean(bool v);
  void verbatim(std::string_view format3, std::string_view text);
  // Bytes that are already valid RESP for this connection's protocol.
  void raw(std::string_view resp_bytes);

  // Number of error replies written through this builder (for stats and tests).
  uint64_t errors() const { return errors_; }

 private:
  void header(char type, int64_t n);

  ReplyBuffer* out_;
  int resp_;
  uint64_t errors_ = 0;
};

}  // namespace shardis::proto
