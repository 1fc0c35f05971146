// SPDX-License-Identifier: Apache-2.0
#include "cesqlparser.h"

#include <QStringBuilder>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace {

enum class TokenKind {
    End,
    LeftParen,
    RightParen,
    Comma,
    Star,
    Slash,
    Percent,
    Plus,
    Minus,
    Equal,
    NotEqual,
    Diamond,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    And,
    Or,
    Xor,
    Not,
    Like,
    Exists,
    In,
    True,
    False,
    String,
    Integer,
    // sdk-go's three identifier tokens: letters; letters and digits; a letter, then letters and underscores.
    Identifier,
    IdentifierWithNumber,
    FunctionIdentifier,
    Invalid,
};

struct Token {
    TokenKind kind = TokenKind::End;
    qsizetype offset = 0;
    qsizetype length = 0;
    QString value; // String: unescaped; Invalid: the error message
};

bool isAsciiLetter(QChar c) { return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z'); }
bool isAsciiDigit(QChar c) { return c >= u'0' && c <= u'9'; }

struct Keyword {
    QLatin1StringView text;
    TokenKind kind;
};

constexpr Keyword keywords[] = {
    { "AND"_L1, TokenKind::And },
    { "OR"_L1, TokenKind::Or },
    { "XOR"_L1, TokenKind::Xor },
    { "NOT"_L1, TokenKind::Not },
    { "LIKE"_L1, TokenKind::Like },
    { "EXISTS"_L1, TokenKind::Exists },
    { "IN"_L1, TokenKind::In },
    { "TRUE"_L1, TokenKind::True },
    { "FALSE"_L1, TokenKind::False },
};

class Lexer {
public:
    explicit Lexer(const QString& text, qsizetype position = 0)
        : m_text(text)
        , m_pos(position)
    {
    }

    Token next()
    {
        while (m_pos < m_text.size()) {
            const QChar c = m_text.at(m_pos);
            if (c != u' ' && c != u'\t' && c != u'\r' && c != u'\n')
                break;
            ++m_pos;
        }
        const qsizetype start = m_pos;
        if (m_pos >= m_text.size())
            return { TokenKind::End, start, 0, {} };
        const QChar c = m_text.at(m_pos);
        const auto single = [&](TokenKind kind, qsizetype length = 1) {
            m_pos += length;
            return Token { kind, start, length, {} };
        };
        const QChar following = m_pos + 1 < m_text.size() ? m_text.at(m_pos + 1) : QChar();
        switch (c.unicode()) {
        case u'(':
            return single(TokenKind::LeftParen);
        case u')':
            return single(TokenKind::RightParen);
        case u',':
            return single(TokenKind::Comma);
        case u'*':
            return single(TokenKind::Star);
        case u'/':
            return single(TokenKind::Slash);
        case u'%':
            return single(TokenKind::Percent);
        case u'=':
            return single(TokenKind::Equal);
        case u'!':
            if (following == u'=')
                return single(TokenKind::NotEqual, 2);
            return invalid(start, 1, u"unexpected '!': did you mean '!='?"_s);
        case u'<':
            if (following == u'>')
                return single(TokenKind::Diamond, 2);
            if (following == u'=')
                return single(TokenKind::LessOrEqual, 2);
            return single(TokenKind::Less);
        case u'>':
            if (following == u'=')
                return single(TokenKind::GreaterOrEqual, 2);
            return single(TokenKind::Greater);
        case u'+':
        case u'-':
            if (isAsciiDigit(following))
                return integer(start);
            return single(c == u'+' ? TokenKind::Plus : TokenKind::Minus);
        case u'\'':
        case u'"':
            return string(start, c);
        default:
            break;
        }
        if (isAsciiDigit(c)) {
            qsizetype end = m_pos;
            bool digitsOnly = true;
            while (end < m_text.size() && (isAsciiLetter(m_text.at(end)) || isAsciiDigit(m_text.at(end)))) {
                digitsOnly = digitsOnly && isAsciiDigit(m_text.at(end));
                ++end;
            }
            if (digitsOnly)
                return integer(start);
            m_pos = end;
            return { TokenKind::IdentifierWithNumber, start, end - start, {} };
        }
        if (isAsciiLetter(c))
            return word(start);
        return invalid(start, 1,
            u"unexpected character '"_s % c
                % u"': attribute names are ASCII letters and digits, strings are quoted with ' or \""_s);
    }

private:
    Token invalid(qsizetype start, qsizetype length, const QString& message)
    {
        m_pos = start + length;
        return { TokenKind::Invalid, start, length, message };
    }

    Token integer(qsizetype start)
    {
        qsizetype end = start + 1;
        while (end < m_text.size() && isAsciiDigit(m_text.at(end)))
            ++end;
        m_pos = end;
        return { TokenKind::Integer, start, end - start, {} };
    }

    // Longest match among the keyword and identifier tokens; on a tie the keyword, then the plainer identifier wins.
    Token word(qsizetype start)
    {
        qsizetype letters = start;
        while (letters < m_text.size() && isAsciiLetter(m_text.at(letters)))
            ++letters;
        qsizetype withDigits = letters;
        while (
            withDigits < m_text.size() && (isAsciiLetter(m_text.at(withDigits)) || isAsciiDigit(m_text.at(withDigits))))
            ++withDigits;
        qsizetype withUnderscores = letters;
        while (withUnderscores < m_text.size()
            && (isAsciiLetter(m_text.at(withUnderscores)) || m_text.at(withUnderscores) == u'_'))
            ++withUnderscores;
        if (withDigits > letters) {
            m_pos = withDigits;
            return { TokenKind::IdentifierWithNumber, start, withDigits - start, {} };
        }
        if (withUnderscores > letters) {
            m_pos = withUnderscores;
            return { TokenKind::FunctionIdentifier, start, withUnderscores - start, {} };
        }
        m_pos = letters;
        const QStringView text = QStringView(m_text).mid(start, letters - start);
        for (const auto& keyword : keywords) {
            if (text.compare(keyword.text, Qt::CaseInsensitive) == 0)
                return { keyword.kind, start, letters - start, {} };
        }
        return { TokenKind::Identifier, start, letters - start, {} };
    }

    // A backslash takes the next character along (so it cannot close the string); only \' (or \" in a double-quoted
    // string) is unescaped, every other backslash stays, as in sdk-go.
    Token string(qsizetype start, QChar quote)
    {
        qsizetype pos = start + 1;
        while (pos < m_text.size()) {
            const QChar c = m_text.at(pos);
            if (c == u'\\') {
                pos += 2;
                continue;
            }
            if (c == quote) {
                if (pos + 1 < m_text.size() && m_text.at(pos + 1) == quote) {
                    pos += 2;
                    continue;
                }
                break;
            }
            ++pos;
        }
        if (pos >= m_text.size()) {
            return invalid(start, m_text.size() - start,
                u"unterminated string: no closing "_s % quote % u" for the one opened here"_s);
        }
        m_pos = pos + 1;
        QString value = m_text.mid(start + 1, pos - start - 1);
        value.replace(u'\\' % QString(quote), QString(quote));
        return { TokenKind::String, start, pos + 1 - start, value };
    }

    const QString& m_text;
    qsizetype m_pos;
};

std::vector<CesqlLikeToken> compileLikePattern(const QString& pattern)
{
    std::vector<CesqlLikeToken> tokens;
    const auto characters = pattern.toUcs4();
    for (qsizetype i = 0; i < characters.size(); ++i) {
        const char32_t c = characters.at(i);
        if (c == U'\\' && i + 1 < characters.size() && (characters.at(i + 1) == U'%' || characters.at(i + 1) == U'_')) {
            tokens.push_back({ CesqlLikeToken::Kind::Literal, characters.at(++i) });
        } else if (c == U'%') {
            // Consecutive runs match the same as one.
            if (tokens.empty() || tokens.back().kind != CesqlLikeToken::Kind::AnyRun)
                tokens.push_back({ CesqlLikeToken::Kind::AnyRun, 0 });
        } else if (c == U'_') {
            tokens.push_back({ CesqlLikeToken::Kind::AnyOne, 0 });
        } else {
            tokens.push_back({ CesqlLikeToken::Kind::Literal, c });
        }
    }
    return tokens;
}

struct FunctionSignature {
    QLatin1StringView name;
    int arity;
    bool variadic;
};

constexpr FunctionSignature builtinFunctions[] = {
    { "INT"_L1, 1, false },
    { "BOOL"_L1, 1, false },
    { "STRING"_L1, 1, false },
    { "IS_BOOL"_L1, 1, false },
    { "IS_INT"_L1, 1, false },
    { "ABS"_L1, 1, false },
    { "LENGTH"_L1, 1, false },
    { "CONCAT"_L1, 0, true },
    { "CONCAT_WS"_L1, 1, true },
    { "LOWER"_L1, 1, false },
    { "UPPER"_L1, 1, false },
    { "TRIM"_L1, 1, false },
    { "LEFT"_L1, 2, false },
    { "RIGHT"_L1, 2, false },
    { "SUBSTRING"_L1, 2, false },
    { "SUBSTRING"_L1, 3, false },
};

using Node = CesqlNode;
using NodePtr = std::unique_ptr<CesqlNode>;

QString describe(const Token& token, const QString& text)
{
    if (token.kind == TokenKind::End)
        return u"the end of the expression"_s;
    return u'\'' % text.mid(token.offset, token.length) % u'\'';
}

class Parser {
public:
    std::optional<CesqlError> error;
    QList<CesqlError> warnings;

    Parser(const QString& text, const CesqlExpression& expression)
        : m_text(text)
        , m_expression(expression)
        , m_lexer(text)
    {
        advance();
    }

    NodePtr parseAll()
    {
        if (m_token.kind == TokenKind::End) {
            fail(m_token, u"empty expression"_s);
            return nullptr;
        }
        auto root = parseExpression(logicLevel);
        if (!root)
            return nullptr;
        if (m_token.kind != TokenKind::End) {
            if (m_token.kind == TokenKind::Integer
                && (m_text.at(m_token.offset) == u'-' || m_text.at(m_token.offset) == u'+')) {
                fail(m_token,
                    u"unexpected "_s % describe(m_token, m_text)
                        % u": a sign right before digits makes a signed number; put a space after '"_s
                        % m_text.at(m_token.offset) % u"' to add or subtract"_s);
            } else if (m_token.kind == TokenKind::RightParen) {
                fail(m_token, u"unexpected ')' without a matching '('"_s);
            } else {
                fail(m_token, u"unexpected "_s % describe(m_token, m_text) % u" after a complete expression"_s);
            }
            return nullptr;
        }
        return root;
    }

private:
    static constexpr int logicLevel = 1;
    static constexpr int comparisonLevel = 2;
    static constexpr int additiveLevel = 3;
    static constexpr int multiplicativeLevel = 4;
    static constexpr int inLevel = 5;
    static constexpr int likeLevel = 6;

    void advance()
    {
        if (m_token.kind == TokenKind::End && m_started)
            return;
        m_started = true;
        m_token = m_lexer.next();
        if (m_token.kind == TokenKind::Invalid)
            fail(m_token, m_token.value);
    }

    // The token after the current one; lexing is context free, so it can start right after the current token.
    Token peekSecond() const { return Lexer(m_text, m_token.offset + m_token.length).next(); }

    void fail(const Token& token, const QString& message) { fail(token.offset, token.length, message); }
    void fail(qsizetype offset, qsizetype length, const QString& message)
    {
        if (!error)
            error = m_expression.errorAt(CesqlErrorKind::Parse, offset, length, message);
    }
    bool failed() const { return error.has_value(); }

    void warn(CesqlErrorKind kind, qsizetype offset, qsizetype length, const QString& message)
    {
        warnings.append(m_expression.errorAt(kind, offset, length, message));
    }

    NodePtr make(Node::Kind kind, qsizetype offset, qsizetype end)
    {
        auto node = std::make_unique<Node>();
        node->kind = kind;
        node->offset = offset;
        node->length = end - offset;
        node->outerOffset = offset;
        node->outerLength = node->length;
        return node;
    }

    static qsizetype outerEnd(const Node& node) { return node.outerOffset + node.outerLength; }

    // Finishes a node: depth from its children, and the nesting limit.
    NodePtr finish(NodePtr node)
    {
        node->outerOffset = node->offset;
        node->outerLength = node->length;
        for (const auto& child : node->children)
            node->depth = std::max(node->depth, child->depth + 1);
        if (node->depth > CesqlParser::maxDepth) {
            fail(node->offset, node->length,
                u"expression nested too deeply (more than %1 levels)"_s.arg(CesqlParser::maxDepth));
            return nullptr;
        }
        return node;
    }

    static int infixLevel(TokenKind kind)
    {
        switch (kind) {
        case TokenKind::And:
        case TokenKind::Or:
        case TokenKind::Xor:
            return logicLevel;
        case TokenKind::Equal:
        case TokenKind::NotEqual:
        case TokenKind::Diamond:
        case TokenKind::Less:
        case TokenKind::LessOrEqual:
        case TokenKind::Greater:
        case TokenKind::GreaterOrEqual:
            return comparisonLevel;
        case TokenKind::Plus:
        case TokenKind::Minus:
            return additiveLevel;
        case TokenKind::Star:
        case TokenKind::Slash:
        case TokenKind::Percent:
            return multiplicativeLevel;
        case TokenKind::In:
            return inLevel;
        case TokenKind::Like:
            return likeLevel;
        default:
            return 0;
        }
    }

    static Node::Operator binaryOperator(TokenKind kind)
    {
        switch (kind) {
        case TokenKind::And:
            return Node::Operator::And;
        case TokenKind::Or:
            return Node::Operator::Or;
        case TokenKind::Xor:
            return Node::Operator::Xor;
        case TokenKind::Equal:
            return Node::Operator::Equal;
        case TokenKind::NotEqual:
        case TokenKind::Diamond:
            return Node::Operator::NotEqual;
        case TokenKind::Less:
            return Node::Operator::Less;
        case TokenKind::LessOrEqual:
            return Node::Operator::LessOrEqual;
        case TokenKind::Greater:
            return Node::Operator::Greater;
        case TokenKind::GreaterOrEqual:
            return Node::Operator::GreaterOrEqual;
        case TokenKind::Plus:
            return Node::Operator::Add;
        case TokenKind::Minus:
            return Node::Operator::Subtract;
        case TokenKind::Star:
            return Node::Operator::Multiply;
        case TokenKind::Slash:
            return Node::Operator::Divide;
        case TokenKind::Percent:
            return Node::Operator::Modulo;
        default:
            return Node::Operator::None;
        }
    }

    // Precedence climbing over sdk-go's grammar; the logic level is folded separately since it groups to the right.
    NodePtr parseExpression(int minLevel)
    {
        if (++m_depth > CesqlParser::maxDepth) {
            fail(m_token, u"expression nested too deeply (more than %1 levels)"_s.arg(CesqlParser::maxDepth));
            return nullptr;
        }
        auto left = parseUnary();
        while (left && !failed()) {
            TokenKind kind = m_token.kind;
            bool negated = false;
            if (kind == TokenKind::Not) {
                const auto second = peekSecond().kind;
                if (second != TokenKind::Like && second != TokenKind::In)
                    break;
                negated = true;
                kind = second;
            }
            const int level = infixLevel(kind);
            if (level == 0 || level < minLevel)
                break;
            warnAboutBareNot(*left, kind, negated ? u"NOT "_s % keywordText(kind) : keywordText(kind));
            if (kind == TokenKind::Like)
                left = parseLike(std::move(left), negated);
            else if (kind == TokenKind::In)
                left = parseIn(std::move(left), negated);
            else if (level == logicLevel)
                left = parseLogicChain(std::move(left));
            else
                left = parseBinary(std::move(left), level);
        }
        --m_depth;
        return failed() ? nullptr : std::move(left);
    }

    QString keywordText(TokenKind kind) const
    {
        if (kind == TokenKind::Like)
            return u"LIKE"_s;
        if (kind == TokenKind::In)
            return u"IN"_s;
        return m_text.mid(m_token.offset, m_token.length).toUpper();
    }

    void warnAboutBareNot(const Node& left, TokenKind op, const QString& opText)
    {
        // Before AND, OR and XOR it is what everyone means.
        if (left.kind != Node::Kind::Not || left.parenthesized || infixLevel(op) == logicLevel)
            return;
        warn(CesqlErrorKind::Generic, left.offset, left.length,
            u"NOT applies to '"_s % m_expression.sourceOf(*left.children.front()) % u"' only, before "_s % opText
                % u" is applied: write NOT ( ... ) to negate the whole comparison"_s);
    }

    NodePtr parseBinary(NodePtr left, int level)
    {
        const Token op = m_token;
        advance();
        auto right = parseExpression(level + 1);
        if (!right)
            return nullptr;
        auto node = make(Node::Kind::Binary, left->outerOffset, outerEnd(*right));
        node->op = binaryOperator(op.kind);
        node->children.push_back(std::move(left));
        node->children.push_back(std::move(right));
        return finish(std::move(node));
    }

    // AND, OR and XOR: one level, right-associative (sdk-go's grammar), folded iteratively so long chains do not
    // recurse.
    NodePtr parseLogicChain(NodePtr first)
    {
        std::vector<NodePtr> operands;
        std::vector<Token> operators;
        operands.push_back(std::move(first));
        while (infixLevel(m_token.kind) == logicLevel) {
            operators.push_back(m_token);
            advance();
            auto operand = parseExpression(comparisonLevel);
            if (!operand)
                return nullptr;
            operands.push_back(std::move(operand));
        }
        for (size_t i = 1; i < operators.size(); ++i) {
            if (operators[i].kind != operators[i - 1].kind) {
                const auto& before = operators[i - 1];
                const auto& after = operators[i];
                warn(CesqlErrorKind::Generic, before.offset, after.offset + after.length - before.offset,
                    m_text.mid(before.offset, before.length).toUpper() % u" and "_s
                        % m_text.mid(after.offset, after.length).toUpper()
                        % u" have the same precedence and group from the right, so 'a "_s
                        % m_text.mid(before.offset, before.length).toUpper() % u" b "_s
                        % m_text.mid(after.offset, after.length).toUpper() % u" c' means 'a "_s
                        % m_text.mid(before.offset, before.length).toUpper() % u" (b "_s
                        % m_text.mid(after.offset, after.length).toUpper() % u" c)': add parentheses"_s);
                break;
            }
        }
        NodePtr right = std::move(operands.back());
        for (size_t i = operators.size(); i-- > 0;) {
            auto node = make(Node::Kind::Binary, operands[i]->outerOffset, outerEnd(*right));
            node->op = binaryOperator(operators[i].kind);
            node->children.push_back(std::move(operands[i]));
            node->children.push_back(std::move(right));
            right = finish(std::move(node));
            if (!right)
                return nullptr;
        }
        return right;
    }

    NodePtr parseLike(NodePtr operand, bool negated)
    {
        if (negated)
            advance();
        advance();
        if (m_token.kind != TokenKind::String) {
            if (!failed())
                fail(m_token, u"LIKE needs a string literal pattern, got "_s % describe(m_token, m_text));
            return nullptr;
        }
        auto node = make(Node::Kind::Like, operand->outerOffset, m_token.offset + m_token.length);
        node->negated = negated;
        node->name = m_token.value;
        node->pattern = compileLikePattern(m_token.value);
        node->children.push_back(std::move(operand));
        advance();
        return finish(std::move(node));
    }

    NodePtr parseIn(NodePtr operand, bool negated)
    {
        if (negated)
            advance();
        advance();
        if (m_token.kind != TokenKind::LeftParen) {
            if (!failed())
                fail(m_token, u"IN needs a parenthesized list of values, got "_s % describe(m_token, m_text));
            return nullptr;
        }
        const Token open = m_token;
        advance();
        if (m_token.kind == TokenKind::RightParen) {
            fail(open.offset, m_token.offset + 1 - open.offset, u"IN needs at least one value"_s);
            return nullptr;
        }
        auto node = make(Node::Kind::In, operand->outerOffset, operand->outerOffset);
        node->negated = negated;
        node->children.push_back(std::move(operand));
        if (!parseList(*node, open, u"after the values of IN"_s))
            return nullptr;
        return finish(std::move(node));
    }

    // expression (',' expression)* ')'; extends node's span to the ')'.
    bool parseList(Node& node, const Token& open, const QString& where)
    {
        for (;;) {
            auto item = parseExpression(logicLevel);
            if (!item)
                return false;
            node.children.push_back(std::move(item));
            if (m_token.kind == TokenKind::Comma) {
                advance();
                continue;
            }
            if (m_token.kind == TokenKind::RightParen)
                break;
            if (!failed()) {
                fail(m_token,
                    u"expected ')' "_s % where % u", got "_s % describe(m_token, m_text) % u" ('(' opened at "_s
                        % position(open.offset) % u')');
            }
            return false;
        }
        node.length = m_token.offset + 1 - node.offset;
        advance();
        return true;
    }

    QString position(qsizetype offset) const
    {
        const auto error = m_expression.errorAt(CesqlErrorKind::Parse, offset, 0, {});
        return QString::number(error.line) % u':' % QString::number(error.column);
    }

    NodePtr parseUnary()
    {
        if (failed())
            return nullptr;
        const Token token = m_token;
        switch (token.kind) {
        case TokenKind::Not:
        case TokenKind::Minus: {
            advance();
            if (++m_depth > CesqlParser::maxDepth) {
                fail(token, u"expression nested too deeply (more than %1 levels)"_s.arg(CesqlParser::maxDepth));
                return nullptr;
            }
            auto operand = parseUnary();
            --m_depth;
            if (!operand)
                return nullptr;
            auto node = make(
                token.kind == TokenKind::Not ? Node::Kind::Not : Node::Kind::Negate, token.offset, outerEnd(*operand));
            node->children.push_back(std::move(operand));
            return finish(std::move(node));
        }
        case TokenKind::Exists: {
            advance();
            if (m_token.kind != TokenKind::Identifier && m_token.kind != TokenKind::IdentifierWithNumber) {
                if (!failed())
                    fail(m_token, u"EXISTS needs an attribute name, got "_s % describe(m_token, m_text));
                return nullptr;
            }
            auto node = make(Node::Kind::Exists, token.offset, m_token.offset + m_token.length);
            node->name = m_text.mid(m_token.offset, m_token.length).toLower();
            advance();
            return node;
        }
        case TokenKind::LeftParen: {
            advance();
            auto inner = parseExpression(logicLevel);
            if (!inner)
                return nullptr;
            if (m_token.kind != TokenKind::RightParen) {
                if (!failed()) {
                    fail(m_token,
                        u"expected ')' to close the '(' at "_s % position(token.offset) % u", got "_s
                            % describe(m_token, m_text));
                }
                return nullptr;
            }
            inner->parenthesized = true;
            inner->outerOffset = token.offset;
            inner->outerLength = m_token.offset + 1 - token.offset;
            advance();
            return inner;
        }
        case TokenKind::Identifier:
        case TokenKind::IdentifierWithNumber:
        case TokenKind::FunctionIdentifier: {
            advance();
            if (m_token.kind == TokenKind::LeftParen && token.kind != TokenKind::IdentifierWithNumber)
                return parseCall(token);
            if (token.kind == TokenKind::FunctionIdentifier) {
                fail(token,
                    u"'"_s % m_text.mid(token.offset, token.length)
                        % u"' is not an attribute name (letters and digits only) and no '(' follows it to call a "
                          u"function"_s);
                return nullptr;
            }
            auto node = make(Node::Kind::Attribute, token.offset, token.offset + token.length);
            node->name = m_text.mid(token.offset, token.length).toLower();
            return node;
        }
        case TokenKind::True:
        case TokenKind::False: {
            advance();
            auto node = make(Node::Kind::Literal, token.offset, token.offset + token.length);
            node->value = token.kind == TokenKind::True;
            return node;
        }
        case TokenKind::String: {
            advance();
            auto node = make(Node::Kind::Literal, token.offset, token.offset + token.length);
            node->value = token.value;
            return node;
        }
        case TokenKind::Integer: {
            bool ok = false;
            const auto text = QStringView(m_text).mid(token.offset, token.length);
            const qint64 number = text.startsWith(u'+') ? text.mid(1).toLongLong(&ok) : text.toLongLong(&ok);
            if (!ok || number < std::numeric_limits<qint32>::min() || number > std::numeric_limits<qint32>::max()) {
                fail(token, u"integer "_s % text % u" is out of the 32-bit range"_s);
                return nullptr;
            }
            advance();
            auto node = make(Node::Kind::Literal, token.offset, token.offset + token.length);
            node->value = static_cast<qint32>(number);
            return node;
        }
        case TokenKind::Invalid:
            return nullptr;
        default:
            fail(token, u"expected an expression, got "_s % describe(token, m_text));
            return nullptr;
        }
    }

    NodePtr parseCall(const Token& nameToken)
    {
        const Token open = m_token;
        advance();
        auto node = make(Node::Kind::Call, nameToken.offset, nameToken.offset);
        node->name = m_text.mid(nameToken.offset, nameToken.length).toUpper();
        if (m_token.kind == TokenKind::RightParen) {
            node->length = m_token.offset + 1 - node->offset;
            advance();
        } else if (!parseList(*node, open, u"after function arguments"_s)) {
            return nullptr;
        }
        const int arity = static_cast<int>(node->children.size());
        if (!CesqlParser::isBuiltinFunction(node->name, arity)) {
            const bool known = std::any_of(std::begin(builtinFunctions), std::end(builtinFunctions),
                [&](const FunctionSignature& function) { return function.name == node->name; });
            warn(CesqlErrorKind::MissingFunction, node->offset, node->length,
                known ? QString(node->name % u" does not take "_s % QString::number(arity)
                    % (arity == 1 ? u" argument"_s : u" arguments"_s))
                      : QString(u"unknown function "_s % node->name));
        }
        return finish(std::move(node));
    }

    const QString& m_text;
    const CesqlExpression& m_expression;
    Lexer m_lexer;
    Token m_token;
    bool m_started = false;
    int m_depth = 0;
};

} // namespace

CesqlType cesqlTypeOf(const CesqlValue& value) { return static_cast<CesqlType>(value.index()); }

QString cesqlTypeName(CesqlType type)
{
    switch (type) {
    case CesqlType::Boolean:
        return u"Boolean"_s;
    case CesqlType::Integer:
        return u"Integer"_s;
    case CesqlType::String:
        break;
    }
    return u"String"_s;
}

QString cesqlValueToLiteral(const CesqlValue& value)
{
    if (const auto* boolean = std::get_if<bool>(&value))
        return *boolean ? u"true"_s : u"false"_s;
    if (const auto* integer = std::get_if<qint32>(&value))
        return QString::number(*integer);
    QString text = std::get<QString>(value);
    text.replace(u"'"_s, u"\\'"_s);
    return u'\'' % text % u'\'';
}

QString cesqlErrorKindName(CesqlErrorKind kind)
{
    switch (kind) {
    case CesqlErrorKind::Parse:
        return u"parse"_s;
    case CesqlErrorKind::Math:
        return u"math"_s;
    case CesqlErrorKind::Cast:
        return u"cast"_s;
    case CesqlErrorKind::MissingAttribute:
        return u"missingAttribute"_s;
    case CesqlErrorKind::MissingFunction:
        return u"missingFunction"_s;
    case CesqlErrorKind::FunctionEvaluation:
        return u"functionEvaluation"_s;
    case CesqlErrorKind::Generic:
        break;
    }
    return u"generic"_s;
}

QString CesqlError::toString() const
{
    return QString::number(line) % u':' % QString::number(column) % u": "_s % message;
}

CesqlError CesqlExpression::errorAt(
    CesqlErrorKind kind, qsizetype offset, qsizetype length, const QString& message) const
{
    CesqlError error;
    error.kind = kind;
    error.message = message;
    error.offset = offset;
    error.length = length;
    const auto before = QStringView(m_text).left(offset);
    error.line = static_cast<int>(before.count(u'\n')) + 1;
    const auto lineStart = before.lastIndexOf(u'\n') + 1;
    error.column = static_cast<int>(offset - lineStart) + 1;
    return error;
}

std::shared_ptr<const CesqlExpression> CesqlParser::parse(const QString& text)
{
    auto expression = std::make_shared<CesqlExpression>();
    expression->m_text = text;
    Parser parser(expression->m_text, *expression);
    auto root = parser.parseAll();
    expression->m_error = std::move(parser.error);
    expression->m_warnings = std::move(parser.warnings);
    if (!expression->m_error)
        expression->m_root = std::move(root);
    return expression;
}

bool CesqlParser::isBuiltinFunction(const QString& name, int arity)
{
    return std::any_of(std::begin(builtinFunctions), std::end(builtinFunctions), [&](const FunctionSignature& f) {
        return f.name == name && (f.variadic ? arity >= f.arity : arity == f.arity);
    });
}
