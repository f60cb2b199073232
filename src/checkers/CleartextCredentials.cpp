// CWE-256 (CWE-312): a password kept in the clear. A value whose name says it is a
// credential (`password`, `passwd`, `secret`, `auth_token`, ...; not its hash, length or
// file) is
//  1. written to a file (fprintf, fputs, fwrite to a stream other than stdout/stderr);
//  2. put into a database as it is: bound to a statement (sqlite3_bind_text/blob) or
//     formatted into the text of an SQL statement (`"... WHERE password = '%s'"`), so the
//     table holds or compares it unhashed;
//  3. read from a file (fscanf, fgets, fread from a stream other than stdin): the file
//     keeps it in the clear.
// A value produced by a hash or key-derivation function (crypt, PKCS5_PBKDF2_HMAC, the
// EVP digests, argon2, bcrypt) is what the fix asks for, whatever its name.
#include "checkers/ApiUseCheckers.h"
#include "checkers/CredentialNames.h"

#include <regex>

namespace mamori {
namespace {

bool hashes(const std::string &producer) {
  static const std::regex hash(R"(^(crypt|crypt_r|crypt_rn|crypt_ra|PKCS5_PBKDF2_HMAC.*|EVP_Digest.*|EVP_PBE_scrypt|)"
                               R"(SHA(1|224|256|384|512)(_Final)?|MD5(_Final)?|HMAC.*|argon2.*|bcrypt.*|scrypt.*|)"
                               R"(crypto_pwhash.*|sodium_.*|gcry_md_.*|gcry_kdf_.*))");
  return !producer.empty() && std::regex_match(producer, hash);
}

bool standardStream(const ArgumentFacts &a) {
  const std::string &t = a.text;
  return t == "stdout" || t == "stderr" || t == "stdin";
}

// The text of an SQL statement: a format that starts (after blanks) with a statement
// keyword, or holds one followed by a clause that names columns.
bool sqlFormat(const std::string &s) {
  static const std::regex sql(R"(^\s*(SELECT|INSERT|UPDATE|REPLACE|DELETE)\b|\b(INSERT\s+INTO|UPDATE\s+\w+\s+SET|SELECT\s.+\sFROM)\b)",
                              std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
  if (s.size() >= 4096 || !containsAnyCaseless(s, {"select", "insert", "update", "replace", "delete"})) return false;
  return std::regex_search(s, sql);
}

class CleartextCredentialsChecker final : public ApiUseChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.api.cleartext-credentials", "CleartextCredentials", 256, {312},
                            Severity::Warning, 6.5, "password stored in plaintext",
                            "A password or secret is written to a file, kept in a database or read from a file "
                            "as it is: whoever reads the file, the table or a backup of them has it.",
                            "Store a salted, slow hash of a password (crypt with yescrypt or bcrypt, argon2, "
                            "PKCS5_PBKDF2_HMAC) and compare hashes; keep secrets a program must send on in a "
                            "key store or a file only its user can read."};
    return r;
  }
  bool watches(ApiUseEvent::Kind k) const override { return k == ApiUseEvent::Kind::Call; }

  std::optional<Verdict> judge(const ApiUseEvent &e) const override {
    const std::string &c = e.callee;
    const size_t n = e.args.size();
    auto in = [&](size_t i) -> const ArgumentFacts * { return i < n ? &e.args[i] : nullptr; };
    Verdict v;
    const ArgumentFacts *secret = nullptr;
    if ((c == "fprintf" && n >= 3) || (c == "fputs" && n == 2) || (c == "fwrite" && n == 4)) {
      const ArgumentFacts *stream = in(c == "fprintf" ? 0 : c == "fputs" ? 1 : 3);
      if (standardStream(*stream)) return std::nullopt;
      secret = c == "fprintf" ? firstCredential(e, 2, n) : firstCredential(e, 0, 1);
      if (!secret) return std::nullopt;
      v.message = "the " + what(*secret) + " is written to a file in plaintext by '" + c +
                  "': whoever can read the file has it";
    } else if ((c == "sqlite3_bind_text" || c == "sqlite3_bind_text16" || c == "sqlite3_bind_text64" ||
                c == "sqlite3_bind_blob" || c == "sqlite3_bind_blob64") &&
               n >= 3) {
      secret = firstCredential(e, 2, 3);
      if (!secret) return std::nullopt;
      v.message = "the " + what(*secret) + " goes into the database as it is ('" + c +
                  "'): the table holds or compares it unhashed";
    } else if ((c == "sprintf" && n >= 3) || (c == "snprintf" && n >= 4)) {
      size_t format = c == "sprintf" ? 1 : 2;
      if (!e.args[format].literal || !sqlFormat(*e.args[format].literal)) return std::nullopt;
      secret = firstCredential(e, format + 1, n);
      if (!secret) return std::nullopt;
      v.message = "the " + what(*secret) + " is written into the text of an SQL statement in plaintext: the "
                  "database holds or compares it unhashed";
    } else if ((c == "fscanf" && n >= 3) || (c == "fgets" && n == 3) || (c == "fread" && n == 4)) {
      const ArgumentFacts *stream = in(c == "fscanf" ? 0 : c == "fgets" ? 2 : 3);
      if (standardStream(*stream)) return std::nullopt;
      secret = c == "fscanf" ? firstCredential(e, 2, n) : firstCredential(e, 0, 1);
      if (!secret) return std::nullopt;
      v.message = "the " + what(*secret) + " is read from a file by '" + c +
                  "': the file keeps it in plaintext";
    } else {
      return std::nullopt;
    }
    return v;
  }

private:
  // The first argument in [from, to) that names a credential itself (not its hash,
  // length or file) and was not produced by a hash function.
  static const ArgumentFacts *firstCredential(const ApiUseEvent &e, size_t from, size_t to) {
    for (size_t i = from; i < to && i < e.args.size(); ++i) {
      const ArgumentFacts &a = e.args[i];
      if (a.variable.empty() || a.literal) continue;
      std::string name = a.ownName();
      if (credentialName(name) == 2 && !namesCredentialMetadata(name) && !hashes(a.producer)) return &a;
    }
    return nullptr;
  }
  static std::string what(const ArgumentFacts &a) { return "secret '" + a.variable + "'"; }
};

}  // namespace

std::unique_ptr<ApiUseChecker> makeCleartextCredentialsChecker() {
  return std::make_unique<CleartextCredentialsChecker>();
}

}  // namespace mamori
