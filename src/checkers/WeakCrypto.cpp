// CWE-327: use of a broken or risky cryptographic algorithm. The program selects, through
// OpenSSL's (or its legacy) API, an algorithm whose attacks are public: MD2/MD4/MD5 and
// SHA-1 digests (collisions, CWE-328), DES/3DES, RC2, RC4 and Blowfish ciphers (small
// blocks or keys, biased streams), ECB mode (equal blocks give equal ciphertext), and RSA
// without padding or with PKCS #1 v1.5 encryption padding (padding-oracle attacks).
// It is reported where the algorithm is chosen, once per call.
#include "checkers/ApiUseCheckers.h"

#include <map>

namespace mamori {
namespace {

bool startsWith(const std::string &s, const char *prefix) { return s.rfind(prefix, 0) == 0; }
bool endsWith(const std::string &s, const char *suffix) {
  std::string x(suffix);
  return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

// What is wrong with the algorithm a function selects or runs, or "" for none we know of.
std::string weakness(const std::string &fn) {
  static const std::map<std::string, std::string> exact = {
      {"EVP_md2", "MD2 is broken (preimages and collisions)"},
      {"EVP_md4", "MD4 is broken (collisions in microseconds)"},
      {"EVP_md5", "MD5 is broken (practical collisions)"},
      {"EVP_md5_sha1", "MD5 is broken (practical collisions)"},
      {"EVP_sha1", "SHA-1 is broken for collision resistance (SHAttered)"},
      {"MD2", "MD2 is broken (preimages and collisions)"},
      {"MD4", "MD4 is broken (collisions in microseconds)"},
      {"MD4_Init", "MD4 is broken (collisions in microseconds)"},
      {"MD5", "MD5 is broken (practical collisions)"},
      {"MD5_Init", "MD5 is broken (practical collisions)"},
      {"SHA1", "SHA-1 is broken for collision resistance (SHAttered)"},
      {"SHA1_Init", "SHA-1 is broken for collision resistance (SHAttered)"},
      {"EVP_rc4", "RC4 keystreams are biased and recoverable"},
      {"EVP_rc4_40", "RC4 keystreams are biased and recoverable"},
      {"RC4", "RC4 keystreams are biased and recoverable"},
      {"RC4_set_key", "RC4 keystreams are biased and recoverable"},
      {"AES_ecb_encrypt", "ECB mode encrypts equal blocks to equal ciphertext"},
  };
  if (auto it = exact.find(fn); it != exact.end()) return it->second;
  if (startsWith(fn, "EVP_des_") || startsWith(fn, "DES_") || startsWith(fn, "EVP_CIPHER_des"))
    return "DES has a 56-bit key and 64-bit blocks (brute force, Sweet32)";
  if (startsWith(fn, "EVP_rc2_") || startsWith(fn, "RC2_")) return "RC2 has 64-bit blocks and weak key schedules";
  if (startsWith(fn, "EVP_bf_") || startsWith(fn, "BF_")) return "Blowfish has 64-bit blocks (Sweet32)";
  if (startsWith(fn, "EVP_") && endsWith(fn, "_ecb")) return "ECB mode encrypts equal blocks to equal ciphertext";
  return "";
}

// RSA padding arguments: OpenSSL's RSA_PKCS1_PADDING is 1, RSA_NO_PADDING 3.
struct PaddingUse {
  unsigned arg;
  bool encryption;  // the call encrypts or decrypts (PKCS #1 v1.5 is then an oracle)
};
const PaddingUse *paddingUse(const std::string &fn) {
  static const std::map<std::string, PaddingUse> uses = {
      {"EVP_PKEY_CTX_set_rsa_padding", {1, false}}, {"RSA_public_encrypt", {4, true}},
      {"RSA_private_decrypt", {4, true}},          {"RSA_private_encrypt", {4, false}},
      {"RSA_public_decrypt", {4, false}},
  };
  auto it = uses.find(fn);
  return it == uses.end() ? nullptr : &it->second;
}

// EVP_PKEY_CTX_set_rsa_padding(ctx, ...) on a context this function set up to encrypt or
// decrypt (EVP_PKEY_encrypt_init(ctx)); one set up to sign may use PKCS #1 v1.5.
bool encryptsWith(const ApiUseEvent &e) {
  if (e.callee != "EVP_PKEY_CTX_set_rsa_padding" || e.args.empty() || !e.callsInFunction) return false;
  // A plain variable: `enc->ctx` and `sig->ctx` would share the name `ctx`.
  const std::string ctx = e.args[0].variable;
  if (ctx.empty() || ctx.find_first_of(".>") != std::string::npos) return false;
  for (const char *init : {"EVP_PKEY_encrypt_init", "EVP_PKEY_decrypt_init", "EVP_PKEY_encrypt_init_ex",
                           "EVP_PKEY_decrypt_init_ex"}) {
    auto it = e.callsInFunction->find(init);
    if (it == e.callsInFunction->end()) continue;
    for (const std::vector<std::string> &args : it->second)
      if (!args.empty() && args[0] == ctx) return true;
  }
  return false;
}

class WeakCryptoChecker final : public ApiUseChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.api.weak-crypto", "BrokenCryptographicAlgorithm", 327, {328},
                            Severity::Warning, 7.4, "broken or risky cryptographic algorithm",
                            "The program selects a cryptographic algorithm or mode with public attacks (MD5, "
                            "SHA-1, DES, RC4, ECB, RSA without OAEP padding); what it protects can be forged or "
                            "recovered.",
                            "Use SHA-256 or stronger for digests, AES-GCM or ChaCha20-Poly1305 for encryption, "
                            "and RSA with OAEP (RSA_PKCS1_OAEP_PADDING) or PSS."};
    return r;
  }
  bool watches(ApiUseEvent::Kind k) const override { return k == ApiUseEvent::Kind::Call; }

  std::optional<Verdict> judge(const ApiUseEvent &e) const override {
    if (std::string why = weakness(e.callee); !why.empty()) {
      Verdict v;
      v.message = "'" + e.callee + "' selects a broken algorithm: " + why;
      if (startsWith(e.callee, "EVP_md") || startsWith(e.callee, "MD") || startsWith(e.callee, "SHA1") ||
          e.callee == "EVP_sha1")
        v.cwe = 328;
      return v;
    }
    if (const PaddingUse *p = paddingUse(e.callee); p && p->arg < e.args.size() && e.args[p->arg].integer) {
      long long pad = *e.args[p->arg].integer;
      const std::string &name = e.args[p->arg].macro.empty() ? e.args[p->arg].text : e.args[p->arg].macro;
      Verdict v;
      if (pad == 3) v.message = "'" + e.callee + "' uses RSA without padding (" + name + "): textbook RSA is malleable and deterministic";
      else if (pad == 1 && (p->encryption || encryptsWith(e)))
        v.message = "'" + e.callee + "' encrypts with PKCS #1 v1.5 padding (" + name + "), open to padding-oracle attacks";
      else return std::nullopt;
      return v;
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<ApiUseChecker> makeWeakCryptoChecker() { return std::make_unique<WeakCryptoChecker>(); }

}  // namespace mamori
