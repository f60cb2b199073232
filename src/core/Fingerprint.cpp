#include "core/Fingerprint.h"

#include <cstdio>

namespace mamori {

std::string stableHash(const std::string &data) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

static std::string baseName(const std::string &path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string computeFingerprint(const Finding &f, const std::string &sinkText) {
  std::string key = f.ruleId + '\x1f' + baseName(f.location.file) + '\x1f' + f.function +
                    '\x1f';
  // Drop whitespace so reformatting the sink does not change the identity.
  for (char c : sinkText)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') key += c;
  key += '\x1f';
  for (const TraceStep &s : f.trace) {
    key += traceKindName(s.kind);
    key += ':';
    key += baseName(s.location.file);
    key += ';';
  }
  return stableHash(key);
}

}  // namespace mamori
