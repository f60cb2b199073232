#include "checkers/CredentialNames.h"

#include <algorithm>
#include <cctype>

namespace mamori {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
}  // namespace

int credentialName(std::string name) {
  name = lower(name);
  static const char *const words[] = {"passw", "pwd", "secret", "apikey", "api_key", "passphrase", "credential",
                                      "pincode"};
  for (const char *w : words)
    if (name.find(w) != std::string::npos) return 2;
  if (name.find("token") != std::string::npos) {
    static const char *const kinds[] = {"auth", "access", "api", "bearer", "refresh", "session", "csrf", "oauth"};
    for (const char *k : kinds)
      if (name.find(k) != std::string::npos) return 2;
    return 1;
  }
  return name == "pin" || name == "pass" ? 1 : 0;
}

bool namesCredentialMetadata(std::string name) {
  name = lower(name);
  // Whole words would miss `pwhash` or `passwdlen`; these parts are long enough not to
  // sit inside a plain credential name (`min` would, in `admin_password`).
  static const char *const words[] = {"hash", "digest", "crypt", "salt", "len", "size", "count", "max",
                                      "prompt", "file", "path", "policy", "valid", "expir", "field", "column",
                                      "hint", "label", "fmt", "format", "mask", "retr", "attempt", "strength",
                                      "rule", "type", "mode", "flag", "enabled", "required", "changed", "dir",
                                      "hmac", "kdf", "argon", "sha1", "sha256", "sha512", "md5"};
  for (const char *w : words)
    if (name.find(w) != std::string::npos) return true;
  return false;
}

bool containsAnyCaseless(std::string_view text, std::initializer_list<std::string_view> words) {
  const std::string folded = lower(std::string(text));
  for (std::string_view w : words)
    if (folded.find(w) != std::string::npos) return true;
  return false;
}

}  // namespace mamori
