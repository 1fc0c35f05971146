// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>

#include <memory>
#include <optional>
#include <variant>
#include <vector>

// CloudEvents SQL (CESQL) v1, parsed the way github.com/cloudevents/sdk-go/sql/v2 parses it, since Knative validates
// and evaluates a trigger's `cesql` filter with that library: keywords and function names are case-insensitive,
// identifiers are lower-cased, a sign directly before digits belongs to the number (so `a -1` is a syntax error),
// and AND, OR and XOR share one precedence level and group from the right (`a AND b OR c` is `a AND (b OR c)`).

// A CESQL value: Boolean, Integer (32-bit) or String.
using CesqlValue = std::variant<bool, qint32, QString>;
enum class CesqlType { Boolean, Integer, String };

CesqlType cesqlTypeOf(const CesqlValue& value);
// "Boolean", "Integer", "String".
QString cesqlTypeName(CesqlType type);
// The value as a CESQL literal: true, -5, 'it\'s'.
QString cesqlValueToLiteral(const CesqlValue& value);

// The error kinds of the CESQL spec (and of the TCK's `error` field).
enum class CesqlErrorKind { Parse, Math, Cast, MissingAttribute, MissingFunction, FunctionEvaluation, Generic };
// The TCK's name of a kind: "parse", "math", "cast", "missingAttribute", "missingFunction", "functionEvaluation",
// "generic".
QString cesqlErrorKindName(CesqlErrorKind kind);

// An error or warning at a place in the expression text. Lines and columns are 1-based; columns count UTF-16 units.
struct CesqlError {
    CesqlErrorKind kind = CesqlErrorKind::Generic;
    QString message;
    qsizetype offset = 0;
    qsizetype length = 0;
    int line = 1;
    int column = 1;

    // "1:12: expected ')' after function arguments"
    QString toString() const;
};

// One piece of a compiled LIKE pattern.
struct CesqlLikeToken {
    enum class Kind { Literal, AnyOne, AnyRun };
    Kind kind = Kind::Literal;
    char32_t character = 0;
};

struct CesqlNode {
    enum class Kind { Literal, Attribute, Not, Negate, Binary, Like, In, Exists, Call };
    enum class Operator {
        None,
        And,
        Or,
        Xor,
        Equal,
        NotEqual,
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
        Add,
        Subtract,
        Multiply,
        Divide,
        Modulo
    };

    Kind kind = Kind::Literal;
    Operator op = Operator::None;
    // NOT LIKE, NOT IN.
    bool negated = false;
    // Written inside parentheses (the parentheses are not part of the span).
    bool parenthesized = false;
    CesqlValue value; // Literal
    QString name; // Attribute and Exists: lower case; Call: upper case; Like: the pattern as written, unescaped
    std::vector<CesqlLikeToken> pattern; // Like
    // Operands in order: Binary (left, right), Not/Negate/Like (operand), In (left, then the set), Call (arguments).
    std::vector<std::unique_ptr<CesqlNode>> children;
    // Source span [offset, offset + length) in the expression text, without enclosing parentheses.
    qsizetype offset = 0;
    qsizetype length = 0;
    // The span with its enclosing parentheses, if any.
    qsizetype outerOffset = 0;
    qsizetype outerLength = 0;
    int depth = 1;
};

// A parsed expression: its syntax tree, or the first syntax error. Immutable; share it through the shared_ptr that
// CesqlParser::parse returns.
class CesqlExpression {
public:
    const QString& text() const { return m_text; }
    bool isValid() const { return m_root && !m_error; }
    const std::optional<CesqlError>& error() const { return m_error; }
    // Things that parse but most likely do not mean what they say: an unknown function or a wrong argument count
    // (a MissingFunction error on every event), AND/OR mixed without parentheses, NOT binding to the left operand
    // of a comparison only.
    const QList<CesqlError>& warnings() const { return m_warnings; }
    const CesqlNode* root() const { return m_root.get(); }

    // The source text of a node, "type LIKE 'com.%'".
    QString sourceOf(const CesqlNode& node) const { return m_text.mid(node.offset, node.length); }
    // An error of `kind` located at [offset, offset + length), with line and column filled in.
    CesqlError errorAt(CesqlErrorKind kind, qsizetype offset, qsizetype length, const QString& message) const;

private:
    friend class CesqlParser;
    QString m_text;
    std::unique_ptr<CesqlNode> m_root;
    std::optional<CesqlError> m_error;
    QList<CesqlError> m_warnings;
};

class CesqlParser {
public:
    // Deeper nesting is a syntax error, so that evaluating a parsed expression cannot exhaust the stack.
    static constexpr int maxDepth = 500;

    // Never null. An empty expression is a syntax error, as it is for Knative's admission webhook.
    static std::shared_ptr<const CesqlExpression> parse(const QString& text);

    // Whether a built-in function of that (upper-case) name takes `arity` arguments.
    static bool isBuiltinFunction(const QString& name, int arity);
};
