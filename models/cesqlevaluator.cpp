// SPDX-License-Identifier: Apache-2.0
#include "cesqlevaluator.h"

#include <QHash>
#include <QMutex>
#include <QMutexLocker>
#include <QStringBuilder>

#include <limits>

using namespace Qt::StringLiterals;

namespace {

using Node = CesqlNode;
using Op = CesqlNode::Operator;

constexpr qint32 int32Min = std::numeric_limits<qint32>::min();
constexpr qint32 int32Max = std::numeric_limits<qint32>::max();

CesqlValue zeroOf(CesqlType type)
{
    switch (type) {
    case CesqlType::Boolean:
        return false;
    case CesqlType::Integer:
        return qint32(0);
    case CesqlType::String:
        break;
    }
    return QString();
}

// strconv.ParseInt(s, 10, 32): an optional sign and ASCII digits, nothing else.
std::optional<qint32> parseInteger(const QString& text)
{
    qsizetype i = 0;
    bool negative = false;
    if (i < text.size() && (text.at(i) == u'+' || text.at(i) == u'-')) {
        negative = text.at(i) == u'-';
        ++i;
    }
    if (i >= text.size())
        return std::nullopt;
    qint64 magnitude = 0;
    for (; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c < u'0' || c > u'9')
            return std::nullopt;
        magnitude = magnitude * 10 + (c.unicode() - u'0');
        if (magnitude > qint64(int32Max) + 1)
            return std::nullopt;
    }
    const qint64 value = negative ? -magnitude : magnitude;
    if (value > int32Max)
        return std::nullopt;
    return static_cast<qint32>(value);
}

// Extensions keep the Boolean and Integer types they were given (sdk-go reads them typed); everything else,
// core attributes included, is the attribute's canonical String form.
std::optional<CesqlValue> attributeValue(const CloudEvent& event, const QString& name)
{
    if (!cloudEventCoreAttributeNames().contains(name)) {
        const auto it = event.extensions.constFind(name);
        if (it != event.extensions.constEnd()) {
            if (it->typeId() == QMetaType::Bool)
                return CesqlValue(it->toBool());
            if (it->typeId() == QMetaType::Int)
                return CesqlValue(static_cast<qint32>(it->toInt()));
        }
    }
    auto text = event.attribute(name);
    if (!text)
        return std::nullopt;
    return CesqlValue(std::move(*text));
}

struct Result {
    CesqlValue value;
    const Node* decider;
};

class Evaluation {
public:
    Evaluation(const CesqlExpression& expression, const CloudEvent& event)
        : m_expression(expression)
        , m_event(event)
    {
    }

    std::optional<CesqlError> error;

    Result evaluate(const Node& node)
    {
        switch (node.kind) {
        case Node::Kind::Literal:
            return { node.value, &node };
        case Node::Kind::Attribute: {
            auto value = attributeValue(m_event, node.name);
            if (!value)
                return fail(
                    node, CesqlErrorKind::MissingAttribute, u"missing attribute '"_s % node.name % u'\'', false);
            return { std::move(*value), &node };
        }
        case Node::Kind::Exists:
            return { existsAttribute(node.name), &node };
        case Node::Kind::Not: {
            const auto operand = evaluateAs(*node.children.front(), CesqlType::Boolean, node);
            if (!operand)
                return { false, m_failedNode };
            return { !std::get<bool>(*operand), &node };
        }
        case Node::Kind::Negate: {
            const auto operand = evaluateAs(*node.children.front(), CesqlType::Integer, node);
            if (!operand)
                return { qint32(0), m_failedNode };
            const qint32 x = std::get<qint32>(*operand);
            if (x == int32Min)
                return fail(node, CesqlErrorKind::Math, u"integer overflow: -(-2147483648)"_s, x);
            return { qint32(-x), &node };
        }
        case Node::Kind::Binary:
            return evaluateBinary(node);
        case Node::Kind::Like:
            return evaluateLike(node);
        case Node::Kind::In:
            return evaluateIn(node);
        case Node::Kind::Call:
            return evaluateCall(node);
        }
        return fail(node, CesqlErrorKind::Generic, u"unknown expression"_s, false);
    }

    const Node* failedNode() const { return m_failedNode; }

private:
    Result fail(const Node& node, CesqlErrorKind kind, const QString& message, CesqlValue value)
    {
        if (!error) {
            error = m_expression.errorAt(kind, node.offset, node.length, message);
            m_failedNode = &node;
        }
        return { std::move(value), m_failedNode };
    }

    bool existsAttribute(const QString& name) const
    {
        // Required attributes always exist: the spec assumes a valid event.
        if (name == u"specversion" || name == u"id" || name == u"source" || name == u"type")
            return true;
        return m_event.attribute(name).has_value();
    }

    // Evaluates and casts; nullopt after an error (recorded), with `context` named in a cast error.
    std::optional<CesqlValue> evaluateAs(const Node& operand, CesqlType type, const Node& context)
    {
        auto result = evaluate(operand);
        if (error)
            return std::nullopt;
        return castOrFail(result.value, type, operand, context);
    }

    std::optional<CesqlValue> castOrFail(
        const CesqlValue& value, CesqlType type, const Node& operand, const Node& context)
    {
        auto cast = CesqlEvaluator::cast(value, type);
        if (!cast) {
            fail(context, CesqlErrorKind::Cast,
                u"cannot cast "_s % cesqlTypeName(cesqlTypeOf(value)) % u' ' % cesqlValueToLiteral(value) % u" ("_s
                    % m_expression.sourceOf(operand) % u") to "_s % cesqlTypeName(type),
                false);
        }
        return cast;
    }

    Result evaluateBinary(const Node& node)
    {
        const Node& leftNode = *node.children[0];
        const Node& rightNode = *node.children[1];
        switch (node.op) {
        case Op::And:
        case Op::Or:
        case Op::Xor: {
            const auto leftResult = evaluate(leftNode);
            if (error)
                return { false, m_failedNode };
            const auto left = castOrFail(leftResult.value, CesqlType::Boolean, leftNode, node);
            if (!left)
                return { false, m_failedNode };
            const bool l = std::get<bool>(*left);
            if (node.op == Op::And && !l)
                return { false, leftResult.decider };
            if (node.op == Op::Or && l)
                return { true, leftResult.decider };
            const auto rightResult = evaluate(rightNode);
            if (error)
                return { false, m_failedNode };
            const auto right = castOrFail(rightResult.value, CesqlType::Boolean, rightNode, node);
            if (!right)
                return { false, m_failedNode };
            const bool r = std::get<bool>(*right);
            if (node.op == Op::And)
                return { r, r ? &node : rightResult.decider };
            if (node.op == Op::Or)
                return { r, r ? rightResult.decider : &node };
            return { l != r, &node };
        }
        case Op::Equal:
        case Op::NotEqual: {
            const auto left = evaluate(leftNode);
            if (error)
                return { false, m_failedNode };
            const auto right = evaluate(rightNode);
            if (error)
                return { false, m_failedNode };
            // The right operand's type decides (spec 3.7: `=` is ambiguous, so x is cast to y's type).
            const auto cast = castOrFail(left.value, cesqlTypeOf(right.value), leftNode, node);
            if (!cast)
                return { false, m_failedNode };
            return { (*cast == right.value) == (node.op == Op::Equal), &node };
        }
        case Op::Less:
        case Op::LessOrEqual:
        case Op::Greater:
        case Op::GreaterOrEqual:
        case Op::Add:
        case Op::Subtract:
        case Op::Multiply:
        case Op::Divide:
        case Op::Modulo:
            break;
        case Op::None:
            return fail(node, CesqlErrorKind::Generic, u"missing operator"_s, false);
        }
        const bool comparison = node.op == Op::Less || node.op == Op::LessOrEqual || node.op == Op::Greater
            || node.op == Op::GreaterOrEqual;
        const CesqlValue zero = comparison ? CesqlValue(false) : CesqlValue(qint32(0));
        const auto leftResult = evaluate(leftNode);
        if (error)
            return { zero, m_failedNode };
        const auto rightResult = evaluate(rightNode);
        if (error)
            return { zero, m_failedNode };
        const auto left = castOrFail(leftResult.value, CesqlType::Integer, leftNode, node);
        if (!left)
            return { zero, m_failedNode };
        const auto right = castOrFail(rightResult.value, CesqlType::Integer, rightNode, node);
        if (!right)
            return { zero, m_failedNode };
        const qint64 x = std::get<qint32>(*left);
        const qint64 y = std::get<qint32>(*right);
        qint64 result = 0;
        switch (node.op) {
        case Op::Less:
            return { x < y, &node };
        case Op::LessOrEqual:
            return { x <= y, &node };
        case Op::Greater:
            return { x > y, &node };
        case Op::GreaterOrEqual:
            return { x >= y, &node };
        case Op::Add:
            result = x + y;
            break;
        case Op::Subtract:
            result = x - y;
            break;
        case Op::Multiply:
            result = x * y;
            break;
        case Op::Divide:
        case Op::Modulo:
            if (y == 0)
                return fail(node, CesqlErrorKind::Math, u"division by zero"_s, qint32(0));
            // Truncated division, as C++ and Go do; 64-bit so that -2147483648 / -1 is defined here.
            result = node.op == Op::Divide ? x / y : x % y;
            break;
        default:
            break;
        }
        // Two's complement wrap-around, as sdk-go computes it, flagged since the spec's Integer is 32-bit.
        const auto wrapped = static_cast<qint32>(static_cast<quint32>(static_cast<quint64>(result)));
        if (result != wrapped) {
            return fail(node, CesqlErrorKind::Math,
                u"integer overflow: "_s % QString::number(result) % u" is out of the 32-bit range"_s, wrapped);
        }
        return { wrapped, &node };
    }

    Result evaluateLike(const Node& node)
    {
        const auto operand = evaluateAs(*node.children.front(), CesqlType::String, node);
        if (!operand)
            return { false, m_failedNode };
        const bool matches = CesqlEvaluator::matchesLike(std::get<QString>(*operand), node.pattern);
        return { matches != node.negated, &node };
    }

    Result evaluateIn(const Node& node)
    {
        const Node& leftNode = *node.children.front();
        const auto left = evaluate(leftNode);
        if (error)
            return { false, m_failedNode };
        const CesqlType type = cesqlTypeOf(left.value);
        for (size_t i = 1; i < node.children.size(); ++i) {
            const Node& itemNode = *node.children[i];
            const auto item = evaluate(itemNode);
            if (error)
                return { false, m_failedNode };
            // The set's elements are cast to the left operand's type.
            const auto cast = castOrFail(item.value, type, itemNode, node);
            if (!cast)
                return { false, m_failedNode };
            if (*cast == left.value)
                return { !node.negated, &node };
        }
        return { node.negated, &node };
    }

    Result evaluateCall(const Node& node);

    const CesqlExpression& m_expression;
    const CloudEvent& m_event;
    const Node* m_failedNode = nullptr;
};

qsizetype codePointCount(const QString& text)
{
    qsizetype count = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (!text.at(i).isLowSurrogate() || i == 0 || !text.at(i - 1).isHighSurrogate())
            ++count;
    }
    return count;
}

// The code points [begin, end) of text.
QString codePointSlice(const QString& text, qint64 begin, qint64 end)
{
    const auto codePoints = text.toUcs4();
    begin = std::clamp<qint64>(begin, 0, codePoints.size());
    end = std::clamp<qint64>(end, begin, codePoints.size());
    return QString::fromUcs4(reinterpret_cast<const char32_t*>(codePoints.constData()) + begin, end - begin);
}

Result Evaluation::evaluateCall(const Node& node)
{
    const int arity = static_cast<int>(node.children.size());
    if (!CesqlParser::isBuiltinFunction(node.name, arity)) {
        return fail(node, CesqlErrorKind::MissingFunction,
            u"no function "_s % node.name % u" taking "_s % QString::number(arity)
                % (arity == 1 ? u" argument"_s : u" arguments"_s),
            false);
    }
    const QString& name = node.name;
    const bool castsAny
        = name == u"INT" || name == u"BOOL" || name == u"STRING" || name == u"IS_BOOL" || name == u"IS_INT";
    const CesqlType returnType = name == u"INT" || name == u"ABS" || name == u"LENGTH" ? CesqlType::Integer
        : name == u"BOOL" || name == u"IS_BOOL" || name == u"IS_INT"                   ? CesqlType::Boolean
                                                                                       : CesqlType::String;
    const auto argumentType = [&](int index) {
        if (name == u"ABS" || ((name == u"LEFT" || name == u"RIGHT" || name == u"SUBSTRING") && index > 0))
            return CesqlType::Integer;
        return CesqlType::String;
    };
    QList<CesqlValue> arguments;
    arguments.reserve(arity);
    for (int i = 0; i < arity; ++i) {
        const Node& argument = *node.children[i];
        auto result = evaluate(argument);
        if (error)
            return { zeroOf(returnType), m_failedNode };
        if (castsAny) {
            arguments.append(std::move(result.value));
            continue;
        }
        auto cast = castOrFail(result.value, argumentType(i), argument, node);
        if (!cast)
            return { zeroOf(returnType), m_failedNode };
        arguments.append(std::move(*cast));
    }

    const auto text = [&](int index) -> const QString& { return std::get<QString>(arguments.at(index)); };
    const auto integer = [&](int index) { return std::get<qint32>(arguments.at(index)); };
    const auto castTo = [&](CesqlType type) -> Result {
        if (auto cast = CesqlEvaluator::cast(arguments.front(), type))
            return { std::move(*cast), &node };
        const auto& value = arguments.front();
        return fail(node, CesqlErrorKind::Cast,
            u"cannot cast "_s % cesqlTypeName(cesqlTypeOf(value)) % u' ' % cesqlValueToLiteral(value) % u" to "_s
                % cesqlTypeName(type),
            zeroOf(type));
    };

    if (name == u"INT")
        return castTo(CesqlType::Integer);
    if (name == u"BOOL")
        return castTo(CesqlType::Boolean);
    if (name == u"STRING")
        return castTo(CesqlType::String);
    if (name == u"IS_BOOL")
        return { CesqlEvaluator::cast(arguments.front(), CesqlType::Boolean).has_value(), &node };
    if (name == u"IS_INT")
        return { CesqlEvaluator::cast(arguments.front(), CesqlType::Integer).has_value(), &node };
    if (name == u"ABS") {
        const qint32 x = integer(0);
        if (x == int32Min)
            return fail(node, CesqlErrorKind::Math, u"integer overflow: ABS(-2147483648)"_s, int32Max);
        return { qint32(x < 0 ? -x : x), &node };
    }
    if (name == u"LENGTH")
        return { static_cast<qint32>(std::min<qsizetype>(codePointCount(text(0)), int32Max)), &node };
    if (name == u"CONCAT") {
        QString result;
        for (const auto& argument : std::as_const(arguments))
            result += std::get<QString>(argument);
        return { result, &node };
    }
    if (name == u"CONCAT_WS") {
        QStringList parts;
        for (int i = 1; i < arity; ++i)
            parts.append(text(i));
        return { parts.join(text(0)), &node };
    }
    if (name == u"LOWER")
        return { text(0).toLower(), &node };
    if (name == u"UPPER")
        return { text(0).toUpper(), &node };
    if (name == u"TRIM")
        return { text(0).trimmed(), &node };
    if (name == u"LEFT" || name == u"RIGHT") {
        const qint32 count = integer(1);
        const qsizetype length = codePointCount(text(0));
        if (count < 0) {
            return fail(node, CesqlErrorKind::FunctionEvaluation,
                name % u": the length "_s % QString::number(count) % u" is negative"_s, text(0));
        }
        if (count >= length)
            return { text(0), &node };
        return { name == u"LEFT" ? codePointSlice(text(0), 0, count) : codePointSlice(text(0), length - count, length),
            &node };
    }
    // SUBSTRING(x, pos[, len]): 1-based pos, negative from the end, 0 gives the empty string.
    const qint64 pos = integer(1);
    const qint64 length = codePointCount(text(0));
    if (pos == 0)
        return { QString(), &node };
    if (pos < -length || pos > length) {
        return fail(node, CesqlErrorKind::FunctionEvaluation,
            u"SUBSTRING: position "_s % QString::number(pos) % u" is outside a string of length "_s
                % QString::number(length),
            QString());
    }
    const qint64 begin = pos < 0 ? length + pos : pos - 1;
    if (arity == 2)
        return { codePointSlice(text(0), begin, length), &node };
    const qint64 count = integer(2);
    if (count < 0) {
        return fail(node, CesqlErrorKind::FunctionEvaluation,
            u"SUBSTRING: the length "_s % QString::number(count) % u" is negative"_s, QString());
    }
    return { codePointSlice(text(0), begin, std::min(begin + count, length)), &node };
}

QString quoted(const QString& text) { return u'\'' % text % u'\''; }

} // namespace

bool CesqlEvaluation::passes() const
{
    const auto* boolean = std::get_if<bool>(&value);
    return !error && boolean && *boolean;
}

CesqlEvaluation CesqlEvaluator::evaluate(const CesqlExpression& expression, const CloudEvent& event)
{
    CesqlEvaluation evaluation;
    if (!expression.isValid()) {
        evaluation.error = expression.error();
        return evaluation;
    }
    Evaluation run(expression, event);
    auto result = run.evaluate(*expression.root());
    evaluation.value = std::move(result.value);
    evaluation.error = std::move(run.error);
    evaluation.decidingNode = result.decider ? result.decider : expression.root();
    evaluation.decidingText = expression.sourceOf(*evaluation.decidingNode);
    return evaluation;
}

CesqlEvaluation CesqlEvaluator::evaluate(const QString& expression, const CloudEvent& event)
{
    const auto parsed = CesqlParser::parse(expression);
    auto evaluation = evaluate(*parsed, event);
    // The nodes die with `parsed`; keep only the text.
    evaluation.decidingNode = nullptr;
    return evaluation;
}

std::optional<CesqlValue> CesqlEvaluator::cast(const CesqlValue& value, CesqlType type)
{
    if (cesqlTypeOf(value) == type)
        return value;
    switch (type) {
    case CesqlType::String:
        if (const auto* boolean = std::get_if<bool>(&value))
            return CesqlValue(*boolean ? u"true"_s : u"false"_s);
        return CesqlValue(QString::number(std::get<qint32>(value)));
    case CesqlType::Integer:
        if (const auto* boolean = std::get_if<bool>(&value))
            return CesqlValue(qint32(*boolean ? 1 : 0));
        if (const auto number = parseInteger(std::get<QString>(value)))
            return CesqlValue(*number);
        return std::nullopt;
    case CesqlType::Boolean:
        if (const auto* integer = std::get_if<qint32>(&value))
            return CesqlValue(*integer != 0);
        if (std::get<QString>(value).compare(u"true"_s, Qt::CaseInsensitive) == 0)
            return CesqlValue(true);
        if (std::get<QString>(value).compare(u"false"_s, Qt::CaseInsensitive) == 0)
            return CesqlValue(false);
        return std::nullopt;
    }
    return std::nullopt;
}

bool CesqlEvaluator::matchesLike(const QString& text, const std::vector<CesqlLikeToken>& pattern)
{
    using Kind = CesqlLikeToken::Kind;
    const auto characters = text.toUcs4();
    const size_t size = static_cast<size_t>(characters.size());
    size_t t = 0;
    size_t p = 0;
    // Backtracking point: the last % seen and the text position it currently swallows up to.
    std::optional<size_t> star;
    size_t starText = 0;
    while (t < size) {
        if (p < pattern.size() && pattern[p].kind == Kind::AnyRun) {
            star = p++;
            starText = t;
        } else if (p < pattern.size()
            && (pattern[p].kind == Kind::AnyOne || pattern[p].character == characters[static_cast<qsizetype>(t)])) {
            ++p;
            ++t;
        } else if (star) {
            p = *star + 1;
            t = ++starText;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p].kind == Kind::AnyRun)
        ++p;
    return p == pattern.size();
}

FilterEvaluator::CesqlEvaluator CesqlEvaluator::filterEngine()
{
    struct Cache {
        QMutex mutex;
        QHash<QString, std::shared_ptr<const CesqlExpression>> expressions;
    };
    // Drafts are re-parsed on every keystroke; a bound keeps the stale versions from piling up.
    constexpr qsizetype cacheLimit = 4096;
    auto cache = std::make_shared<Cache>();
    return [cache](const QString& text, const CloudEvent& event, QString* reason) -> std::optional<bool> {
        if (text.trimmed().isEmpty()) {
            if (reason)
                *reason = u"cesql is empty: no filter, every event passes"_s;
            return true;
        }
        std::shared_ptr<const CesqlExpression> expression;
        {
            QMutexLocker locker(&cache->mutex);
            expression = cache->expressions.value(text);
            if (!expression) {
                if (cache->expressions.size() >= cacheLimit)
                    cache->expressions.clear();
                expression = CesqlParser::parse(text);
                cache->expressions.insert(text, expression);
            }
        }
        if (!expression->isValid()) {
            if (reason)
                *reason = u"cesql "_s % quoted(text) % u": syntax error at "_s % expression->error()->toString();
            return std::nullopt;
        }
        const auto evaluation = evaluate(*expression, event);
        const bool passes = evaluation.passes();
        if (reason) {
            const bool whole = evaluation.decidingNode == expression->root();
            const QString subject
                = u"cesql "_s % quoted(text) % (whole ? QString() : u": "_s % quoted(evaluation.decidingText));
            if (evaluation.error) {
                *reason = subject % u" fails with a "_s % cesqlErrorKindName(evaluation.error->kind) % u" error at "_s
                    % evaluation.error->toString();
            } else if (!std::holds_alternative<bool>(evaluation.value)) {
                *reason = u"cesql "_s % quoted(text) % u" yields "_s % cesqlTypeName(cesqlTypeOf(evaluation.value))
                    % u' ' % cesqlValueToLiteral(evaluation.value) % u", not a Boolean: the event does not pass"_s;
            } else {
                *reason = subject % (passes ? u" is true"_s : u" is false"_s);
            }
        }
        return passes;
    };
}
