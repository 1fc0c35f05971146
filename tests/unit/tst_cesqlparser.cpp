// SPDX-License-Identifier: Apache-2.0
#include "cesqlparser.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QString operatorName(CesqlNode::Operator op)
{
    using Op = CesqlNode::Operator;
    switch (op) {
    case Op::And:
        return u"AND"_s;
    case Op::Or:
        return u"OR"_s;
    case Op::Xor:
        return u"XOR"_s;
    case Op::Equal:
        return u"="_s;
    case Op::NotEqual:
        return u"!="_s;
    case Op::Less:
        return u"<"_s;
    case Op::LessOrEqual:
        return u"<="_s;
    case Op::Greater:
        return u">"_s;
    case Op::GreaterOrEqual:
        return u">="_s;
    case Op::Add:
        return u"+"_s;
    case Op::Subtract:
        return u"-"_s;
    case Op::Multiply:
        return u"*"_s;
    case Op::Divide:
        return u"/"_s;
    case Op::Modulo:
        return u"%"_s;
    case Op::None:
        break;
    }
    return u"?"_s;
}

// The tree as an S-expression, so that tests can state grouping: (AND a (OR b c)).
QString dump(const CesqlNode& node)
{
    using Kind = CesqlNode::Kind;
    QStringList children;
    for (const auto& child : node.children)
        children.append(dump(*child));
    switch (node.kind) {
    case Kind::Literal:
        return cesqlValueToLiteral(node.value);
    case Kind::Attribute:
        return node.name;
    case Kind::Exists:
        return u"(EXISTS "_s % node.name % u')';
    case Kind::Not:
        return u"(NOT "_s % children.first() % u')';
    case Kind::Negate:
        return u"(- "_s % children.first() % u')';
    case Kind::Binary:
        return u'(' % operatorName(node.op) % u' ' % children.join(u' ') % u')';
    case Kind::Like:
        return u'(' % (node.negated ? u"NOT LIKE "_s : u"LIKE "_s) % children.first() % u" '"_s % node.name % u"')"_s;
    case Kind::In:
        return u'(' % (node.negated ? u"NOT IN "_s : u"IN "_s) % children.join(u' ') % u')';
    case Kind::Call:
        return u'(' % node.name % (children.isEmpty() ? QString() : u' ' % children.join(u' ')) % u')';
    }
    return u"?"_s;
}

} // namespace

class TestCesqlParser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void trees_data();
    void trees();
    void errors_data();
    void errors();
    void warnings_data();
    void warnings();
    void spans();
    void nestingLimit();
    void likePatterns();
};

void TestCesqlParser::trees_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("tree");

    QTest::newRow("keywords are case-insensitive") << u"true and not FaLsE"_s << u"(AND true (NOT false))"_s;
    QTest::newRow("identifiers are lower-cased")
        << u"EXISTS Source AND Type = 'x'"_s << u"(AND (EXISTS source) (= type 'x'))"_s;
    QTest::newRow("identifier with digits") << u"ab1 = 1abc"_s << u"(= ab1 1abc)"_s;
    QTest::newRow("keyword prefix is an identifier") << u"andy OR notice"_s << u"(OR andy notice)"_s;
    QTest::newRow("multiplicative before additive")
        << u"1 + 2 * 3 - 4 / 2 % 3"_s << u"(- (+ 1 (* 2 3)) (% (/ 4 2) 3))"_s;
    QTest::newRow("additive before comparison") << u"a + 1 < b * 2"_s << u"(< (+ a 1) (* b 2))"_s;
    QTest::newRow("comparisons are left-associative") << u"1 < 2 = true"_s << u"(= (< 1 2) true)"_s;
    QTest::newRow("logic groups from the right") << u"a AND b OR c XOR d"_s << u"(AND a (OR b (XOR c d)))"_s;
    QTest::newRow("parentheses") << u"(a AND b) OR c"_s << u"(OR (AND a b) c)"_s;
    QTest::newRow("NOT binds tighter than comparison") << u"NOT a = b"_s << u"(= (NOT a) b)"_s;
    QTest::newRow("NOT of a parenthesized comparison") << u"NOT (a = b)"_s << u"(NOT (= a b))"_s;
    QTest::newRow("NOT EXISTS") << u"NOT EXISTS subject"_s << u"(NOT (EXISTS subject))"_s;
    QTest::newRow("unary minus binds tightest") << u"-a * b"_s << u"(* (- a) b)"_s;
    QTest::newRow("signed literal") << u"-10 + +3"_s << u"(+ -10 3)"_s;
    QTest::newRow("minus then signed literal") << u"--10"_s << u"(- -10)"_s;
    QTest::newRow("minus with a space") << u"- 10"_s << u"(- 10)"_s;
    QTest::newRow("minimum integer") << u"-2147483648"_s << u"-2147483648"_s;
    QTest::newRow("LIKE binds tighter than additive") << u"a + b LIKE 'x%'"_s << u"(+ a (LIKE b 'x%'))"_s;
    QTest::newRow("NOT LIKE") << u"myext NOT LIKE 'a\\_b'"_s << u"(NOT LIKE myext 'a\\_b')"_s;
    QTest::newRow("IN") << u"source IN (id, 'x', 1 + 2)"_s << u"(IN source id 'x' (+ 1 2))"_s;
    QTest::newRow("NOT IN") << u"a NOT IN (1)"_s << u"(NOT IN a 1)"_s;
    QTest::newRow("IN binds tighter than comparison") << u"a = b IN (1)"_s << u"(= a (IN b 1))"_s;
    QTest::newRow("function call") << u"concat_ws(',', a, LOWER(b))"_s << u"(CONCAT_WS ',' a (LOWER b))"_s;
    QTest::newRow("function call without arguments") << u"CONCAT()"_s << u"(CONCAT)"_s;
    QTest::newRow("space before the parenthesis") << u"abs (1)"_s << u"(ABS 1)"_s;
    QTest::newRow("single-quoted escapes") << u"'a\\'b\"c\\d'"_s << u"'a\\'b\"c\\d'"_s;
    QTest::newRow("double-quoted escapes") << u"\"a\\\"b'c\""_s << u"'a\"b\\'c'"_s;
    QTest::newRow("whitespace of all kinds") << u"\ta\r\n=\n1 "_s << u"(= a 1)"_s;
    QTest::newRow("diamond") << u"a <> b"_s << u"(!= a b)"_s;
}

void TestCesqlParser::trees()
{
    QFETCH(QString, expression);
    QFETCH(QString, tree);

    const auto parsed = CesqlParser::parse(expression);
    QVERIFY2(parsed->isValid(), qPrintable(parsed->error() ? parsed->error()->toString() : QString()));
    QCOMPARE(dump(*parsed->root()), tree);
}

void TestCesqlParser::errors_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("error");

    QTest::newRow("empty") << u""_s << u"1:1: empty expression"_s;
    QTest::newRow("blank") << u"   "_s << u"1:4: empty expression"_s;
    QTest::newRow("unclosed call") << u"ABC("_s << u"1:5: expected an expression, got the end of the expression"_s;
    QTest::newRow("unclosed arguments") << u"LENGTH(type, 'x'"_s
                                        << u"1:17: expected ')' after function arguments, got the end of the "
                                           u"expression ('(' opened at 1:7)"_s;
    QTest::newRow("missing comma") << u"CONCAT('a' 'b')"_s
                                   << u"1:12: expected ')' after function arguments, got ''b'' ('(' opened at 1:7)"_s;
    QTest::newRow("unclosed parenthesis") << u"(a = 1"_s
                                          << u"1:7: expected ')' to close the '(' at 1:1, got the end of the "
                                             u"expression"_s;
    QTest::newRow("stray parenthesis") << u"a = 1)"_s << u"1:6: unexpected ')' without a matching '('"_s;
    QTest::newRow("LIKE needs a string") << u"x LIKE 123"_s << u"1:8: LIKE needs a string literal pattern, got '123'"_s;
    QTest::newRow("LIKE needs a literal") << u"x LIKE y"_s << u"1:8: LIKE needs a string literal pattern, got 'y'"_s;
    QTest::newRow("IN needs a list") << u"x IN 'a'"_s << u"1:6: IN needs a parenthesized list of values, got ''a''"_s;
    QTest::newRow("IN needs a value") << u"x IN ()"_s << u"1:6: IN needs at least one value"_s;
    QTest::newRow("unclosed IN") << u"x IN (1, 2"_s
                                 << u"1:11: expected ')' after the values of IN, got the end of the expression ('(' "
                                    u"opened at 1:6)"_s;
    QTest::newRow("EXISTS needs a name") << u"EXISTS 'id'"_s << u"1:8: EXISTS needs an attribute name, got ''id''"_s;
    QTest::newRow("dangling operator") << u"a ="_s << u"1:4: expected an expression, got the end of the expression"_s;
    QTest::newRow("two operators") << u"a = = b"_s << u"1:5: expected an expression, got '='"_s;
    QTest::newRow("signed literal after an operand")
        << u"a -1"_s
        << u"1:3: unexpected '-1': a sign right before digits makes a signed number; put a space after '-' to add "
           u"or subtract"_s;
    QTest::newRow("juxtaposed operands") << u"a b"_s << u"1:3: unexpected 'b' after a complete expression"_s;
    QTest::newRow("integer out of range") << u"2147483648"_s << u"1:1: integer 2147483648 is out of the 32-bit range"_s;
    QTest::newRow("negated out of range")
        << u"- 2147483648"_s << u"1:3: integer 2147483648 is out of the 32-bit range"_s;
    QTest::newRow("underscore attribute")
        << u"my_ext = 1"_s
        << u"1:1: 'my_ext' is not an attribute name (letters and digits only) and no '(' follows it to call a "
           u"function"_s;
    QTest::newRow("lone bang") << u"a ! b"_s << u"1:3: unexpected '!': did you mean '!='?"_s;
    QTest::newRow("non-ASCII") << u"typé = 'x'"_s
                               << u"1:4: unexpected character 'é': attribute names are ASCII letters and digits, "
                                  u"strings are quoted with ' or \""_s;
    QTest::newRow("unterminated string") << u"a = 'abc"_s
                                         << u"1:5: unterminated string: no closing ' for the one opened here"_s;
    QTest::newRow("escaped closing quote")
        << u"a = \"abc\\\""_s << u"1:5: unterminated string: no closing \" for the one opened here"_s;
    QTest::newRow("second line") << u"type = 'a' AND\n    source LIKE"_s
                                 << u"2:16: LIKE needs a string literal pattern, got the end of the expression"_s;
    QTest::newRow("keyword as attribute") << u"in = 1"_s << u"1:1: expected an expression, got 'in'"_s;
    QTest::newRow("digits in a function name") << u"f1(2)"_s << u"1:3: unexpected '(' after a complete expression"_s;
    QTest::newRow("trailing comma") << u"CONCAT('a',)"_s << u"1:12: expected an expression, got ')'"_s;
}

void TestCesqlParser::errors()
{
    QFETCH(QString, expression);
    QFETCH(QString, error);

    const auto parsed = CesqlParser::parse(expression);
    QVERIFY(!parsed->isValid());
    QVERIFY(!parsed->root());
    QCOMPARE(parsed->error()->kind, CesqlErrorKind::Parse);
    QCOMPARE(parsed->error()->toString(), error);
}

void TestCesqlParser::warnings_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QStringList>("warnings");

    QTest::newRow("none") << u"(a AND b) OR c"_s << QStringList();
    QTest::newRow("same operator chain") << u"a AND b AND c"_s << QStringList();
    QTest::newRow("AND then OR")
        << u"a and b or c"_s
        << QStringList { u"1:3: AND and OR have the same precedence and group from the right, so 'a AND b OR c' means "
                         u"'a AND (b OR c)': add parentheses"_s };
    QTest::newRow("bare NOT before a comparison")
        << u"NOT type = 'x'"_s
        << QStringList { u"1:1: NOT applies to 'type' only, before = is applied: write NOT ( ... ) to negate the whole "
                         u"comparison"_s };
    QTest::newRow("bare NOT before LIKE")
        << u"NOT type LIKE 'x%'"_s
        << QStringList { u"1:1: NOT applies to 'type' only, before LIKE is applied: write NOT ( ... ) to negate the "
                         u"whole comparison"_s };
    QTest::newRow("NOT before AND is fine") << u"NOT EXISTS a AND b"_s << QStringList();
    QTest::newRow("bare NOT before IN")
        << u"NOT a NOT IN (1)"_s
        << QStringList { u"1:1: NOT applies to 'a' only, before NOT IN is applied: write NOT ( ... ) to negate "
                         u"the whole comparison"_s };
    QTest::newRow("unknown function") << u"FOO(1) OR LOWER()"_s
                                      << QStringList { u"1:1: unknown function FOO"_s,
                                             u"1:11: LOWER does not take 0 arguments"_s };
}

void TestCesqlParser::warnings()
{
    QFETCH(QString, expression);
    QFETCH(QStringList, warnings);

    const auto parsed = CesqlParser::parse(expression);
    QVERIFY(parsed->isValid());
    QStringList actual;
    for (const auto& warning : parsed->warnings())
        actual.append(warning.toString());
    QCOMPARE(actual, warnings);
}

void TestCesqlParser::spans()
{
    const auto parsed = CesqlParser::parse(u"(type = 'a')  OR  LOWER( subject ) IN ('x')"_s);
    QVERIFY(parsed->isValid());
    const auto* root = parsed->root();
    QCOMPARE(parsed->sourceOf(*root), u"(type = 'a')  OR  LOWER( subject ) IN ('x')"_s);
    QCOMPARE(parsed->sourceOf(*root->children[0]), u"type = 'a'"_s);
    QVERIFY(root->children[0]->parenthesized);
    QCOMPARE(parsed->sourceOf(*root->children[1]), u"LOWER( subject ) IN ('x')"_s);
    QCOMPARE(parsed->sourceOf(*root->children[1]->children[0]), u"LOWER( subject )"_s);
    const auto error = parsed->errorAt(CesqlErrorKind::Generic, root->children[1]->offset, 5, u"here"_s);
    QCOMPARE(error.toString(), u"1:19: here"_s);
}

void TestCesqlParser::nestingLimit()
{
    const int deep = CesqlParser::maxDepth + 10;
    auto parsed = CesqlParser::parse(QString(deep, u'(') % u"1"_s % QString(deep, u')'));
    QVERIFY(!parsed->isValid());
    QVERIFY2(parsed->error()->message.contains(u"nested too deeply"_s), qPrintable(parsed->error()->toString()));
    parsed = CesqlParser::parse(QString(deep, u'-') % u" 1"_s);
    QVERIFY(!parsed->isValid());
    QStringList terms;
    for (int i = 0; i < deep; ++i)
        terms.append(u"1"_s);
    parsed = CesqlParser::parse(terms.join(u" + "_s));
    QVERIFY(!parsed->isValid());
    // Well within the limit: fine.
    parsed = CesqlParser::parse(QString(100, u'(') % u"1"_s % QString(100, u')'));
    QVERIFY(parsed->isValid());
}

void TestCesqlParser::likePatterns()
{
    using Kind = CesqlLikeToken::Kind;
    const auto parsed = CesqlParser::parse(u"x LIKE 'a%%\\%_\\_\\b'"_s);
    QVERIFY(parsed->isValid());
    const auto& pattern = parsed->root()->pattern;
    QCOMPARE(pattern.size(), size_t(7));
    QCOMPARE(pattern[0].kind, Kind::Literal);
    QCOMPARE(pattern[1].kind, Kind::AnyRun); // %% folds into one
    QCOMPARE(pattern[2].kind, Kind::Literal);
    QCOMPARE(pattern[2].character, U'%');
    QCOMPARE(pattern[3].kind, Kind::AnyOne);
    QCOMPARE(pattern[4].character, U'_');
    QCOMPARE(pattern[5].character, U'\\');
    QCOMPARE(pattern[6].character, U'b');
}

QTEST_GUILESS_MAIN(TestCesqlParser)
#include "tst_cesqlparser.moc"
