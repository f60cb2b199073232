#include "confirm/Dictionary.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace mamori {

namespace {

// Undoes C escapes in a literal's text, well enough for dictionary tokens.
std::string unescape(const std::string &s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    switch (c) {
    case 'n': out += '\n'; break;
    case 'r': out += '\r'; break;
    case 't': out += '\t'; break;
    case '0': out += '\0'; break;
    case 'x': {
      size_t j = i + 1;
      int v = 0, n = 0;
      while (j < s.size() && n < 2 && std::isxdigit(static_cast<unsigned char>(s[j]))) {
        v = v * 16 + (std::isdigit(static_cast<unsigned char>(s[j])) ? s[j] - '0' : (std::tolower(s[j]) - 'a' + 10));
        ++j;
        ++n;
      }
      out += static_cast<char>(v);
      i = j - 1;
      break;
    }
    default: out += c;
    }
  }
  return out;
}

// The lines of the function around `line`: from the nearest line above that starts a
// definition at column 0 to the next closing brace at column 0.
std::pair<size_t, size_t> functionExtent(const std::vector<std::string> &lines, size_t line) {
  size_t begin = std::min(line, lines.size()) - (line > 0 ? 1 : 0);
  while (begin > 0 && !(lines[begin].size() && (std::isalpha(static_cast<unsigned char>(lines[begin][0])) || lines[begin][0] == '_') &&
                        lines[begin].find('(') != std::string::npos))
    --begin;
  size_t end = std::min(line, lines.size());
  while (end < lines.size() && !(lines[end].size() && lines[end][0] == '}')) ++end;
  return {begin, std::min(end + 1, lines.size())};
}

void constantsIn(const std::string &text, std::set<std::string> &tokens) {
  static const std::regex str(R"re("((?:[^"\\\n]|\\.){1,64})")re");
  static const std::regex chr(R"('((?:[^'\\\n]|\\.){1,4})')");
  static const std::regex compared(R"((?:[<>!=]=?|case)\s*\(?\s*(0[xX][0-9a-fA-F]+|\d+))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), str); it != std::sregex_iterator(); ++it)
    tokens.insert(unescape((*it)[1]));
  for (auto it = std::sregex_iterator(text.begin(), text.end(), chr); it != std::sregex_iterator(); ++it) {
    std::string c = unescape((*it)[1]);
    if (!c.empty()) tokens.insert(c);
  }
  // Array sizes: a length one past a buffer's size is the classic overflow.
  static const std::regex arraySize(R"(\[\s*(\d{2,6})\s*\])");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), arraySize); it != std::sregex_iterator(); ++it) {
    unsigned long long v = std::stoull((*it)[1]);
    tokens.insert(std::to_string(v));
    tokens.insert(std::to_string(v + 1));
  }
  for (auto it = std::sregex_iterator(text.begin(), text.end(), compared); it != std::sregex_iterator(); ++it) {
    unsigned long long v = std::stoull((*it)[1], nullptr, 0);
    tokens.insert(std::to_string(v));
    tokens.insert(std::to_string(v + 1));
    if (v > 0) tokens.insert(std::to_string(v - 1));
  }
}

}  // namespace

FuzzHints hintsFromFindings(const std::vector<const Finding *> &findings) {
  std::set<std::string> tokens;
  std::map<std::string, std::set<unsigned>> linesByFile;
  std::set<unsigned> cwes;
  for (const Finding *f : findings) {
    cwes.insert(f->cwe);
    linesByFile[f->location.file].insert(f->location.line);
    for (const TraceStep &s : f->trace)
      if (s.location.valid()) linesByFile[s.location.file].insert(s.location.line);
  }
  for (const auto &[file, lineSet] : linesByFile) {
    std::ifstream in(file, std::ios::binary);
    if (!in) continue;
    std::vector<std::string> lines;
    std::string l;
    while (std::getline(in, l) && lines.size() < 200000) lines.push_back(l);
    std::set<std::pair<size_t, size_t>> extents;
    for (unsigned line : lineSet) extents.insert(functionExtent(lines, line));
    for (auto [b, e] : extents) {
      std::string text;
      for (size_t i = b; i < e; ++i) text += lines[i] + "\n";
      constantsIn(text, tokens);
    }
  }
  // Length fields at their extremes, as text and as little-endian bytes.
  for (const char *t : {"-1", "0", "65535", "65536", "2147483647", "2147483648", "4294967295", "4294967296",
                        "18446744073709551615", "9999999999"})
    tokens.insert(t);
  // Counts that make `count * element_size` wrap to a small size, for element sizes of
  // 2 to 64 bytes in 32- and 64-bit size arithmetic (2^k + 1).
  for (unsigned k : {27u, 28u, 29u, 30u, 31u, 59u, 60u, 61u, 62u, 63u})
    tokens.insert(std::to_string((1ull << k) + 1));
  tokens.insert(std::string("\xff\xff\xff\xff", 4));
  tokens.insert(std::string("\xff\xff\xff\x7f", 4));
  tokens.insert(std::string("\x00\x00\x00\x80", 4));
  // Code without a static finding gets every oracle's tokens: any of them may apply.
  if (findings.empty()) cwes = {78, 134, 22};
  if (cwes.count(78))
    for (const char *t : {";mamori_canary;", "|mamori_canary", "$(mamori_canary)", "`mamori_canary`", "&&mamori_canary",
                          "\nmamori_canary\n", "mamori_canary"})
      tokens.insert(t);
  if (cwes.count(134))
    for (const char *t : {"%s", "%n", "%x", "%s%s%s%s%s%s%s%s", "%1$s", "%99999999s"}) tokens.insert(t);
  if (cwes.count(22) || cwes.count(23))
    for (const char *t : {"../", "..", "/../../../../../../../../../../etc/passwd", "..%2f", "%2e%2e%2f"}) tokens.insert(t);

  FuzzHints h;
  for (const std::string &t : tokens)
    if (!t.empty() && t.size() <= 128) h.tokens.push_back(t);
  // Seeds: the literal tokens that look like the start of a message, and each oracle token.
  h.seeds.push_back("");
  for (const std::string &t : h.tokens)
    if (t.size() >= 3 && h.seeds.size() < 200) h.seeds.push_back(t);
  return h;
}

namespace {

enum class Shape { Number, Path, Name, Other };

Shape shapeOf(const std::string &w) {
  if (w.empty()) return Shape::Other;
  if (std::all_of(w.begin(), w.end(), [](unsigned char c) { return std::isdigit(c); })) return Shape::Number;
  if (w[0] == '/') return Shape::Path;
  if (std::all_of(w.begin(), w.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-' || c == '.'; }))
    return Shape::Name;
  return Shape::Other;
}

bool wordChar(unsigned char c) { return std::isalnum(c) || c == '/' || c == '_' || c == '-' || c == '.'; }

}  // namespace

std::vector<std::string> injectionSeeds(const std::vector<std::string> &seeds, const std::vector<std::string> &tokens,
                                        size_t limit) {
  std::vector<std::string> payloads;
  for (const std::string &t : tokens)
    if (t.find("mamori_canary") != std::string::npos || t.find('%') != std::string::npos || t.find("../") != std::string::npos)
      payloads.push_back(t);
  std::vector<std::string> out;
  std::set<std::string> seen(seeds.begin(), seeds.end());
  for (const std::string &payload : payloads)
    for (const std::string &seed : seeds) {
      if (out.size() >= limit) return out;
      size_t end = seed.size();
      while (end > 0 && (seed[end - 1] == '\n' || seed[end - 1] == '\r')) --end;
      std::string variant = seed.substr(0, end) + payload + seed.substr(end);
      if (seen.insert(variant).second) out.push_back(variant);
    }
  return out;
}

std::vector<std::string> substitutionSeeds(const std::vector<std::string> &seeds,
                                           const std::vector<std::string> &tokens, size_t limit) {
  std::map<Shape, std::vector<std::string>> byShape;
  for (const std::string &t : tokens) {
    Shape s = shapeOf(t);
    if (s == Shape::Number || (s != Shape::Other && t.size() >= 2)) byShape[s].push_back(t);
  }
  std::vector<std::string> out;
  std::set<std::string> seen(seeds.begin(), seeds.end());
  // Round-robin over seeds and words so that a cap still covers every seed.
  for (size_t round = 0; round < 64 && out.size() < limit; ++round) {
    bool any = false;
    for (const std::string &seed : seeds) {
      size_t i = 0, word = 0;
      while (i < seed.size() && out.size() < limit) {
        if (!wordChar(static_cast<unsigned char>(seed[i]))) {
          ++i;
          continue;
        }
        size_t j = i;
        while (j < seed.size() && wordChar(static_cast<unsigned char>(seed[j]))) ++j;
        std::string w = seed.substr(i, j - i);
        Shape s = shapeOf(w);
        // An empty field is the first boundary value: "host=" instead of "host=localhost".
        if (round == 0 && i > 0 && (seed[i - 1] == '=' || seed[i - 1] == ':' || seed[i - 1] == ' ')) {
          std::string variant = seed.substr(0, i) + seed.substr(j);
          if (seen.insert(variant).second && out.size() < limit) {
            out.push_back(variant);
            any = true;
          }
        }
        const auto &cands = byShape[s];
        if (round < cands.size() && s != Shape::Other && w != cands[round]) {
          std::string variant = seed.substr(0, i) + cands[round] + seed.substr(j);
          if (seen.insert(variant).second) {
            out.push_back(variant);
            any = true;
          }
        }
        // A length field: a number no larger than what follows it may count the bytes at the
        // end of the input ("Content-Length: 5 ... hello"). The variant keeps it consistent:
        // the field takes a larger constant of the code and the input grows by the difference.
        if (round == 0 && s == Shape::Number && w.size() <= 6) {
          unsigned long long v = std::stoull(w);
          if (v > 0 && v <= seed.size() - j) {
            unsigned made = 0;
            for (const std::string &t : byShape[Shape::Number]) {
              if (t.size() > 5 || made >= 6) continue;
              unsigned long long n = std::stoull(t);
              if (n <= v || n > 8192) continue;
              std::string variant = seed.substr(0, i) + t + seed.substr(j) + std::string(n - v, 'A');
              if (seen.insert(variant).second && out.size() < limit) {
                out.push_back(variant);
                ++made;
                any = true;
              }
            }
          }
        }
        // A path keeps its folder and takes the token as its last part: "/files/x" gives
        // "/files/" + each path or name the code compares with.
        size_t slash = w.rfind('/');
        if (s == Shape::Path && slash > 0 && slash != std::string::npos) {
          for (Shape other : {Shape::Path, Shape::Name}) {
            const auto &more = byShape[other];
            if (round >= more.size()) continue;
            std::string tail = more[round];
            while (!tail.empty() && tail[0] == '/') tail.erase(0, 1);
            std::string variant = seed.substr(0, i) + w.substr(0, slash + 1) + tail + seed.substr(j);
            if (seen.insert(variant).second && out.size() < limit) {
              out.push_back(variant);
              any = true;
            }
          }
        }
        // A file name ("firmware-2.4.1.bin") takes each traversal the code or an oracle
        // knows in its place: the name is where a request says which file to open.
        if (s == Shape::Name && w.find('.') != std::string::npos && w.find("..") == std::string::npos) {
          const auto &paths = byShape[Shape::Path];
          size_t k = 0;
          for (const std::string &t : paths) {
            if (t.find("../") == std::string::npos || k++ != round) continue;
            std::string variant = seed.substr(0, i) + t.substr(t.find_first_not_of('/')) + seed.substr(j);
            if (seen.insert(variant).second && out.size() < limit) {
              out.push_back(variant);
              any = true;
            }
          }
        }
        i = j;
        ++word;
      }
    }
    if (!any && round > 0) {
      bool more = false;
      for (const auto &[s, c] : byShape) more |= c.size() > round + 1;
      if (!more) break;
    }
  }
  return out;
}

std::vector<std::string> constantsOfSources(const std::vector<std::string> &files, size_t limit) {
  std::set<std::string> tokens;
  for (const std::string &file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (text.size() > (2u << 20)) text.resize(2u << 20);
    constantsIn(text, tokens);
  }
  std::vector<std::string> out;
  for (const std::string &t : tokens)
    if (!t.empty() && t.size() <= 64 && out.size() < limit) out.push_back(t);
  return out;
}

std::string renderDictionary(const std::vector<std::string> &tokens) {
  std::ostringstream out;
  static const char *hex = "0123456789abcdef";
  for (const std::string &t : tokens) {
    out << '"';
    for (unsigned char c : t) {
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) out << "\\x" << hex[c >> 4] << hex[c & 15];
      else out << c;
    }
    out << "\"\n";
  }
  return out.str();
}

}  // namespace mamori
