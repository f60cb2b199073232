// Names that say a value is a credential, shared by the checkers that look for secrets
// (hard-coded credentials, credentials kept or sent in the clear).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace mamori {

// How surely a variable's own name holds a credential: 2 for `password`, `secret`,
// `auth_token`...; 1 for names that also name other things (`pin`, `pass`, and a bare
// `token`, which in a parser is a lexical token); 0 for none.
int credentialName(std::string name);

// A credential-named value that holds something else about it: its hash or encrypted
// form, its length, its file, a prompt or a policy (`password_hash`, `pwd_len`,
// `passwd_file`).
bool namesCredentialMetadata(std::string name);

// Whether `text` holds any of `words` (lower case), ignoring case. A cheap test that lets
// the checkers skip their regular expressions on the many literals that cannot match:
// std::regex with icase costs microseconds per character, and test files hold thousands.
bool containsAnyCaseless(std::string_view text, std::initializer_list<std::string_view> words);

}  // namespace mamori
