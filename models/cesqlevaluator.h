// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cesqlparser.h"
#include "cloudevent.h"
#include "filterevaluator.h"

#include <optional>

// The outcome of evaluating a CESQL expression against one event.
struct CesqlEvaluation {
    // Always a value of the spec's type system; on an error, the zero value of the failing expression's type (or
    // what the failing function returned), as sdk-go returns it.
    CesqlValue value = false;
    // The first error; evaluation stops there (sdk-go's fail-fast mode, which Knative uses).
    std::optional<CesqlError> error;
    // The sub-expression that decided the value: the failing one on an error, the false operand of a false AND, the
    // true operand of a true OR (recursively), else the whole expression. Null when the expression did not parse, and
    // from the QString overload of evaluate(), whose tree is gone by then.
    const CesqlNode* decidingNode = nullptr;
    // Its source text, "type LIKE 'com.%'".
    QString decidingText;

    // What a filter makes of it: the event passes only on a Boolean true without errors.
    bool passes() const;
};

// Evaluates CESQL v1 expressions with the semantics of sdk-go's sql/v2 (the TCK's reference implementation):
// attributes and extensions by name (extensions keep their Boolean and Integer types, everything else is a String,
// timestamps in RFC 3339), implicit casts per operator, short-circuit AND/OR, LIKE with % _ and \ escapes, IN,
// EXISTS, 32-bit arithmetic (division by zero and overflow give a math error) and the built-in functions ABS,
// LENGTH, CONCAT, CONCAT_WS, LOWER, UPPER, TRIM, LEFT, RIGHT, SUBSTRING, INT, BOOL, STRING, IS_BOOL, IS_INT.
// String functions count Unicode code points, as the spec says (sdk-go counts UTF-8 bytes; they differ only on
// non-ASCII text).
class CesqlEvaluator {
public:
    // `expression` must stay alive while the result's decidingNode is used.
    static CesqlEvaluation evaluate(const CesqlExpression& expression, const CloudEvent& event);
    // Parses and evaluates; a syntax error comes back as a Parse error with value false.
    static CesqlEvaluation evaluate(const QString& expression, const CloudEvent& event);

    // The engine for FilterEvaluator::setCesqlEvaluator: parses each distinct expression once (a cache shared by the
    // copies of the returned function, safe to call from several threads), answers nullopt with the position of a
    // syntax error, and explains the verdict by the deciding sub-expression. An empty expression lets every event
    // through, as Knative's filter does.
    static FilterEvaluator::CesqlEvaluator filterEngine();

    // Casts as the spec's implicit and explicit (INT, BOOL, STRING) casts do; nullopt when the cast is undefined.
    static std::optional<CesqlValue> cast(const CesqlValue& value, CesqlType type);
    // LIKE's matching of a compiled pattern (CesqlNode::pattern), case-sensitive, per code point.
    static bool matchesLike(const QString& text, const std::vector<CesqlLikeToken>& pattern);
};
