// CWE-89: SQL injection. Attacker data pasted into the text of an SQL statement that is
// then prepared or executed (SQLite, MySQL/MariaDB, PostgreSQL libpq, ODBC) lets the
// attacker change the statement itself: read other rows, alter tables, bypass logins.
#include "checkers/TaintCheckers.h"

#include "clang/AST/Expr.h"

namespace mamori {
namespace {

class SqlInjectionChecker final : public TaintSinkChecker {
public:
  SinkKind kind() const override { return SinkKind::Sql; }

  const RuleInfo &rule() const override {
    static const RuleInfo r{
        "mamori.taint.sql-injection",
        "SqlInjection",
        89,
        {},
        Severity::Error,
        9.8,
        "SQL injection",
        "Attacker-controlled data becomes part of the text of an SQL statement, so quotes and keywords in "
        "it change what the statement does.",
        "Keep the statement constant and bind the data as a parameter (sqlite3_bind_text, "
        "mysql_stmt_bind_param, PQexecParams); if the text must be built, escape each value with the "
        "driver's own function (sqlite3_mprintf's %q, mysql_real_escape_string, PQescapeLiteral)."};
    return r;
  }

  // A statement written as a literal is the constant the fix asks for.
  std::vector<unsigned> dangerousArguments(const clang::CallExpr &call, const SinkModel &model,
                                           clang::ASTContext &ctx) const override {
    return withoutLiterals(call, TaintSinkChecker::dangerousArguments(call, model, ctx));
  }

  std::string message(const std::string &sink, const std::string &what) const override {
    return "SQL injection: " + what + " becomes part of the SQL statement run by '" + sink + "'";
  }
};

}  // namespace

std::unique_ptr<TaintSinkChecker> makeSqlInjectionChecker() { return std::make_unique<SqlInjectionChecker>(); }

}  // namespace mamori
