// Number conversion tests. Expected values are redis-server 7.0.15 replies: INCRBY for integer
// parsing, INCRBYFLOAT for long doubles, ZADD + ZSCORE for doubles.
#include <doctest/doctest.h>
#include <shardis/base/number_format.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace shardis::base {
namespace {

using namespace std::string_literals;

TEST_CASE("parse_int64 accepts what redis string2ll accepts") {
  CHECK(parse_int64("0") == 0);
  CHECK(parse_int64("-1") == -1);
  CHECK(parse_int64("7") == 7);
  CHECK(parse_int64("1234567890") == 1234567890);
  CHECK(parse_int64("9223372036854775807") == INT64_MAX);
  CHECK(parse_int64("-9223372036854775808") == INT64_MIN);
}

TEST_CASE("parse_int64 rejects what redis INCRBY rejects") {
  for (const std::string& s :
       {"-0"s, "00"s, "01"s, "+1"s, " 1"s, "1 "s, "9223372036854775808"s, "-9223372036854775809"s,
        ""s, "-"s, "1\0"s, "00000000000000000001"s, "18446744073709551616"s,
        "99999999999999999999"s, "1.0"s, "1e3"s, "0x10"s, "--1"s, "1-"s,
        // 21 bytes or more is refused before looking at the digits.
        "-00000000000000000001"s, "123456789012345678901"s}) {
    CAPTURE(s);
    CHECK_FALSE(parse_int64(s).has_value());
  }
}

// INCRBYFLOAT: the stored value plus the increment, printed as redis does.
std::string incrbyfloat(std::string_view current, std::string_view incr) {
  const auto a = parse_long_double(current);
  const auto b = parse_long_double(incr);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  return long_double_to_human(*a + *b);
}

TEST_CASE("INCRBYFLOAT results match redis") {
  CHECK(incrbyfloat("10", "0.5") == "10.5");
  CHECK(incrbyfloat("0", "3.0e3") == "3000");
  CHECK(incrbyfloat("0", "5.0e3") == "5000");
  CHECK(incrbyfloat("1.1", "2.2") == "3.3");
  CHECK(incrbyfloat("0", "+1") == "1");
  CHECK(incrbyfloat("0", "0x10") == "16");
  CHECK(incrbyfloat("0", "-0") == "0");
  CHECK(incrbyfloat("0", "-1e-20") == "0");
  CHECK(incrbyfloat("0", ".5") == "0.5");
  CHECK(incrbyfloat("0", "5.") == "5");
  CHECK(incrbyfloat("0", "0.1") == "0.1");
  CHECK(incrbyfloat("0", "123456789.123456789") == "123456789.12345678899873747");
  CHECK(incrbyfloat("3", "-3") == "0");
  CHECK(incrbyfloat("0", "0.0000001") == "0.0000001");
  CHECK(incrbyfloat("0", "1e18") == "1000000000000000000");
  CHECK(incrbyfloat("0", "1e20") == "100000000000000000000");
  CHECK(incrbyfloat("0", "-1.5") == "-1.5");
  // A denormal long double is accepted (not an underflow to zero) and prints as 0.
  CHECK(incrbyfloat("0", "1e-4940") == "0");
  CHECK(incrbyfloat("0", "1e300") ==
        "1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849"
        "1520837504971903503725086142748359035925561846729839130962605207486462873271356418436532"
        "9408425510760601678972665293237003055138294762099454029477278188962060617926761162709741"
        "0650567187386105690089424915104006144");
  CHECK(incrbyfloat("0", "1.7976931348623157e308") ==
        "1797693134862315699959210467741044340483864469443291784853144207651766285231243963547018"
        "6860838708556442879341942552068930870836345113605535789727802647761707349897768628839483"
        "5618163294045594434929537447290627480669417384648879122776218333598953852832103282504751"
        "611691208117720159985926376802466863339536384");
  const std::string big = incrbyfloat("0", "1e4000");
  CHECK(big.size() == 4000);
  CHECK(big.rfind("99999999999999999999654638730996237849324925835069576313015083330432619", 0) ==
        0);
  CHECK(big.substr(big.size() - 20) == "06648276349901340672");
}

TEST_CASE("parse_long_double rejects what INCRBYFLOAT rejects") {
  for (const std::string& s : {"nan"s, "NaN"s, "-nan"s, " 1"s, "1 "s, "\t1"s, "1e5000"s, "-1e5000"s,
                               "1e-5000"s, "1.5\0abc"s, ""s, "1_0"s, "1e"s, "abc"s, "1.2.3"s}) {
    CAPTURE(s);
    CHECK_FALSE(parse_long_double(s).has_value());
  }
  // Infinity parses; INCRBYFLOAT then refuses it with "increment would produce NaN or Infinity".
  for (const char* s : {"inf", "-inf", "infinity", "+inf"}) {
    CAPTURE(s);
    const auto v = parse_long_double(s);
    REQUIRE(v.has_value());
    CHECK(std::isinf(*v));
  }
  // Redis copies the argument into a 5 KiB buffer: 5119 bytes parse, 5120 do not.
  CHECK(parse_long_double(std::string(5118, '0') + "1") == 1.0L);
  CHECK_FALSE(parse_long_double(std::string(5119, '0') + "1").has_value());
}

TEST_CASE("long_double_to_human") {
  CHECK(long_double_to_human(0.0L) == "0");
  CHECK(long_double_to_human(-0.0L) == "0");
  CHECK(long_double_to_human(42.0L) == "42");
  CHECK(long_double_to_human(-2.25L) == "-2.25");
  CHECK(long_double_to_human(std::numeric_limits<long double>::infinity()) == "inf");
  CHECK(long_double_to_human(-std::numeric_limits<long double>::infinity()) == "-inf");
  // The largest long double still fits.
  const std::string max = long_double_to_human(std::numeric_limits<long double>::max());
  CHECK(max.size() == 4933);
  CHECK(max.rfind("11897314953572317650", 0) == 0);
}

// ZADD z <text> m, then ZSCORE z m (skiplist encoding): the reply text.
std::string zscore(std::string_view text) {
  const auto v = parse_double(text);
  REQUIRE(v.has_value());
  return double_to_resp(*v);
}

TEST_CASE("double replies match redis ZSCORE") {
  CHECK(zscore("1.5") == "1.5");
  CHECK(zscore("0.1") == "0.10000000000000001");
  CHECK(zscore("0.3") == "0.29999999999999999");
  CHECK(zscore("-1.1") == "-1.1000000000000001");
  CHECK(zscore("1e300") == "1.0000000000000001e+300");
  CHECK(zscore("inf") == "inf");
  CHECK(zscore("+inf") == "inf");
  CHECK(zscore("Infinity") == "inf");
  CHECK(zscore("-inf") == "-inf");
  CHECK(zscore("-0") == "-0");
  CHECK(zscore("3") == "3");
  CHECK(zscore("0x10") == "16");
  CHECK(zscore("1e15") == "1000000000000000");
  CHECK(zscore("1e16") == "10000000000000000");
  CHECK(zscore("123456789012345678") == "1.2345678901234568e+17");
  CHECK(zscore("5e-324") == "4.9406564584124654e-324");
  CHECK(zscore("1e-310") == "9.9999999999999694e-311");
  CHECK(zscore("2.2250738585072014e-308") == "2.2250738585072014e-308");
  CHECK(zscore("3.141") == "3.141");
  CHECK(double_to_resp(std::numeric_limits<double>::quiet_NaN()) == "nan");
  CHECK(double_to_resp(-std::numeric_limits<double>::quiet_NaN()) == "nan");
}

TEST_CASE("parse_double rejects what ZADD rejects") {
  for (const std::string& s :
       {"1e400"s, "-1e400"s, "1e-400"s, "nan"s, " 1"s, "1 "s, "1.5\0"s, ""s, "x"s, "1e"s, "--1"s}) {
    CAPTURE(s);
    CHECK_FALSE(parse_double(s).has_value());
  }
  // Long inputs have no length cap here.
  CHECK(parse_double(std::string(6000, '0') + "2.5") == 2.5);
}

TEST_CASE("format_int64 and int64_to_string") {
  std::vector<int64_t> values = {0,
                                 1,
                                 -1,
                                 9,
                                 10,
                                 11,
                                 99,
                                 100,
                                 101,
                                 -10,
                                 -99,
                                 -100,
                                 INT64_MAX,
                                 INT64_MIN,
                                 INT64_MAX - 1,
                                 INT64_MIN + 1};
  for (int64_t p = 1; p <= INT64_MAX / 10; p *= 10) {
    values.insert(values.end(), {p, p - 1, p + 1, -p, -(p - 1), -(p + 1), p * 10 - 1});
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 10000; ++i) {
    const int64_t v = static_cast<int64_t>(rng());
    values.push_back(v);
    values.push_back(v >> (rng() % 63));
  }
  for (const int64_t v : values) {
    CAPTURE(v);
    char buf[32];
    std::memset(buf, '#', sizeof(buf));
    const size_t n = format_int64(v, buf);
    CHECK(std::string(buf, n) == std::to_string(v));
    CHECK(n <= 21);
    CHECK(buf[n] == '#');  // writes nothing past the digits
    CHECK(int64_to_string(v) == std::to_string(v));
    CHECK(parse_int64(int64_to_string(v)) == v);
  }
}

TEST_CASE("iequals") {
  CHECK(iequals("get", "GET"));
  CHECK(iequals("GeT", "gEt"));
  CHECK(iequals("", ""));
  CHECK_FALSE(iequals("get", "gets"));
  CHECK_FALSE(iequals("get", "GEX"));
  // ASCII only: '@' and '`' are not letters around 'A'-'Z' / 'a'-'z'.
  CHECK_FALSE(iequals("@", "`"));
  CHECK_FALSE(iequals("[", "{"));
  CHECK_FALSE(iequals("\xc9", "\xe9"));
}

}  // namespace
}  // namespace shardis::base
