// CWE-798: use of hard-coded credentials (CWE-259 passwords, CWE-321 keys). A secret
// written in the source is the same on every installed device and is read back from the
// binary by anyone who has one. Three shapes are reported:
//  1. a literal or a constant-initialized array reaching the password or key parameter of
//     a known API (database and directory logins, SSH, libcurl options, cipher and MAC
//     keys), directly or through a variable that holds nothing else, or through a
//     function of the same file that passes its parameter on unchanged;
//  2. a string comparison of a credential-named value (`password`, `auth_token`, `secret`,
//     `pin`, ...) with a non-empty literal: the accepted password is in the binary. A value
//     compared with many words in one function is a keyword being parsed, not a secret;
//  3. any literal argument that carries a credential in its text: an `Authorization:`
//     header or `password=` setting with a value, or a well-known token format
//     (GitHub, GitLab, AWS, Slack, Stripe) or a `token: <long value>` announcement.
// Reports point at the literal (where the secret lives) and never repeat it whole.
#include "checkers/ApiUseCheckers.h"
#include "checkers/CredentialNames.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <vector>

namespace mamori {
namespace {

// Parameters that take a password or key, by function.
const std::vector<unsigned> *credentialParameters(const std::string &fn) {
  static const std::map<std::string, std::vector<unsigned>> params = {
      {"mysql_real_connect", {3}},       {"mysql_change_user", {2}},     {"PQsetdbLogin", {6}},
      {"sqlite3_key", {1}},              {"sqlite3_key_v2", {2}},        {"sqlite3_rekey", {1}},
      {"ldap_simple_bind_s", {2}},       {"ldap_simple_bind", {2}},      {"ssh_userauth_password", {2}},
      {"libssh2_userauth_password", {2}}, {"EVP_EncryptInit_ex", {3}},   {"EVP_DecryptInit_ex", {3}},
      {"EVP_CipherInit_ex", {3}},        {"EVP_EncryptInit", {2}},       {"EVP_DecryptInit", {2}},
      {"EVP_CipherInit", {2}},           {"AES_set_encrypt_key", {0}},   {"AES_set_decrypt_key", {0}},
      {"HMAC", {1}},                     {"HMAC_Init_ex", {1}},          {"PKCS5_PBKDF2_HMAC", {0}},
      {"PKCS5_PBKDF2_HMAC_SHA1", {0}},   {"EVP_BytesToKey", {3}},
  };
  auto it = params.find(fn);
  return it == params.end() ? nullptr : &it->second;
}

// libcurl options whose value is a secret.
bool curlSecretOption(const std::string &option) {
  return option == "CURLOPT_PASSWORD" || option == "CURLOPT_USERPWD" || option == "CURLOPT_PROXYPASSWORD" ||
         option == "CURLOPT_PROXYUSERPWD" || option == "CURLOPT_XOAUTH2_BEARER" || option == "CURLOPT_KEYPASSWD" ||
         option == "CURLOPT_TLSAUTH_PASSWORD";
}

// A literal that could be a password: one word, not a format or a message. Behind a name
// that only may be a credential it must also look like one: all digits (a PIN) or at
// least two of lower case, upper case, digits and symbols, where the separators of
// keywords (`_`, `-`, `.`) do not count, so command and setting words ("exit",
// "max_connections") compared with a `pin` or `token` buffer stay silent.
bool passwordLike(const std::string &s, int nameStrength) {
  if (s.size() < 4 || s.size() > 128) return false;
  if (std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) || c == '%'; })) return false;
  if (nameStrength >= 2) return true;
  bool lower = false, upper = false, digit = false, symbol = false;
  for (unsigned char c : s) {
    lower |= std::islower(c) != 0;
    upper |= std::isupper(c) != 0;
    digit |= std::isdigit(c) != 0;
    symbol |= std::ispunct(c) != 0 && c != '_' && c != '-' && c != '.';
  }
  if (digit && !lower && !upper && !symbol) return true;
  return lower + upper + digit + symbol >= 2;
}

// A credential inside a longer literal.
bool carriesCredential(const std::string &s) {
  static const std::regex patterns(
      R"((Authorization:\s*(Bearer|Basic|token|Token)\s+[A-Za-z0-9._~+/=-]{12,})|)"
      R"((\b(password|passwd|pwd)=[^\s;&'"]{4,})|)"
      R"((\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,})|(github_pat_[A-Za-z0-9_]{40,})|(glpat-[A-Za-z0-9_-]{20,})|)"
      R"((\bAKIA[0-9A-Z]{16}\b)|(xox[abpr]-[A-Za-z0-9-]{10,})|(\bsk_live_[A-Za-z0-9]{16,})|)"
      R"(((token|secret|api[_ ]?key)\s*[:=]\s*[A-Za-z0-9+/_-]{20,}))",
      std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
  if (s.size() > 4096) return false;
  // Every alternative above holds one of these words.
  if (!containsAnyCaseless(s, {"authorization", "password=", "passwd=", "pwd=", "ghp_", "gho_", "ghu_", "ghs_", "ghr_",
                               "github_pat_", "glpat-", "akia", "xox", "sk_live_", "token", "secret", "api"}))
    return false;
  return std::regex_search(s, patterns);
}

// "To…" (10 characters): enough to find it, not enough to reuse it.
std::string masked(const std::string &s) {
  return "'" + s.substr(0, std::min<size_t>(2, s.size())) + "...' (" + std::to_string(s.size()) + " characters)";
}

class HardcodedCredentialsChecker final : public ApiUseChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.api.hardcoded-credentials", "HardcodedCredentials", 798, {259, 321},
                            Severity::Error, 8.1, "hard-coded password or key",
                            "A password, token or cryptographic key is written in the source code. It is the "
                            "same on every installation and can be read from the binary.",
                            "Read secrets at run time from a protected configuration file, the environment, or "
                            "a key store, and rotate the one that was committed."};
    return r;
  }
  bool watches(ApiUseEvent::Kind k) const override { return k == ApiUseEvent::Kind::Call; }

  std::optional<Verdict> judge(const ApiUseEvent &e) const override {
    // 1. A secret parameter of a known API.
    const std::string *option = e.args.size() == 3 ? &e.args[1].text : nullptr;
    for (unsigned i = 0; i < e.args.size(); ++i) {
      const ArgumentFacts &a = e.args[i];
      if (!constantSecret(a) || !secretParameter(e.callee, i, option)) continue;
      Verdict v;
      v.message = "hard-coded " + secretName(a) + " is passed to '" + e.callee + "'";
      report(v, a, e);
      return v;
    }
    // ... or of a wrapper of this file that hands the argument on to one (`aes_encrypt(msg,
    // key)` calling `EVP_EncryptInit_ex(..., key, iv)`).
    for (const ArgumentFacts &a : e.args) {
      if (!constantSecret(a)) continue;
      for (const ForwardedArgument &f : a.forwardedTo) {
        if (!secretParameter(f.callee, f.index, f.argumentTexts.size() == 3 ? &f.argumentTexts[1] : nullptr)) continue;
        Verdict v;
        v.message = "hard-coded " + secretName(a) + " is passed to '" + e.callee + "', which hands it to '" +
                    f.callee + "'";
        report(v, a, e);
        v.trace.push_back({TraceStep::Kind::Call, f.at, "used as the secret of '" + f.callee + "' here"});
        return v;
      }
    }
    // 2. A credential compared with a literal.
    static const char *const compares[] = {"strcmp", "strncmp", "strcasecmp", "strncasecmp", "memcmp", "strcoll",
                                           "operator=="};
    bool compare = std::any_of(std::begin(compares), std::end(compares), [&](const char *c) { return e.callee == c; });
    if (compare && e.args.size() >= 2) {
      for (unsigned i = 0; i < 2; ++i) {
        const ArgumentFacts &named = e.args[i], &other = e.args[1 - i];
        int strength = named.variable.empty() ? 0 : credentialName(named.ownName());
        // A value compared with three or more words is being parsed (a keyword dispatch), not
        // checked against the one accepted secret.
        if (named.literalsPairedByCallee >= 3) continue;
        if (strength == 0 || !other.literal || !passwordLike(*other.literal, strength)) continue;
        Verdict v;
        v.message = "'" + named.variable + "' is compared with the hard-coded secret " + masked(*other.literal);
        report(v, other, e);
        return v;
      }
    }
    // 3. A credential inside a literal.
    for (const ArgumentFacts &a : e.args) {
      if (!a.literal || !carriesCredential(*a.literal)) continue;
      Verdict v;
      v.message = "a literal passed to '" + e.callee + "' carries a credential (" + std::to_string(a.literal->size()) +
                  " characters)";
      report(v, a, e);
      return v;
    }
    return std::nullopt;
  }

private:
  // Argument `index` of a call of `callee` takes a secret. `curlOption`: for a call with
  // three arguments, the second as written (curl_easy_setopt's option).
  static bool secretParameter(const std::string &callee, unsigned index, const std::string *curlOption) {
    if (callee == "curl_easy_setopt") return index == 2 && curlOption && curlSecretOption(*curlOption);
    const std::vector<unsigned> *secret = credentialParameters(callee);
    return secret && std::find(secret->begin(), secret->end(), index) != secret->end();
  }
  // A literal, or an array of constants that are not all 0.
  static bool constantSecret(const ArgumentFacts &a) {
    return (a.literal && !a.literal->empty()) || (a.constantBytes && !a.zeroBytes);
  }
  static std::string secretName(const ArgumentFacts &a) {
    return a.literal && !a.literal->empty() ? "password " + masked(*a.literal)
                                            : "key '" + a.variable + "' (constant bytes)";
  }
  // At the literal when it sits in a variable elsewhere; the use follows in the trace.
  static void report(Verdict &v, const ArgumentFacts &a, const ApiUseEvent &e) {
    if (a.definedAt.valid() && a.definedAt.line != e.location.line) {
      v.location = a.definedAt;
      v.trace.push_back({TraceStep::Kind::Source, a.definedAt, "the secret is written here"});
    }
  }
};

}  // namespace

std::unique_ptr<ApiUseChecker> makeHardcodedCredentialsChecker() {
  return std::make_unique<HardcodedCredentialsChecker>();
}

}  // namespace mamori
