// SPDX-License-Identifier: Apache-2.0
#include "textdiff.h"

#include <QTest>

using namespace Qt::StringLiterals;
using TextDiff::Edit;

class TestTextDiff : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void diffLines_data();
    void diffLines();
    void unified_data();
    void unified();
    void boundedWhenNothingIsShared();
};

namespace {
QStringList chars(const QString& text)
{
    QStringList lines;
    for (const QChar c : text)
        lines.append(QString(c));
    return lines;
}

// Applying the script to before must give after, and its Equal lines must be a common subsequence.
void checkScript(const QList<Edit>& edits, const QStringList& before, const QStringList& after)
{
    QStringList rebuiltBefore;
    QStringList rebuiltAfter;
    for (const Edit& edit : edits) {
        if (edit.type != Edit::Type::Insert)
            rebuiltBefore.append(edit.line);
        if (edit.type != Edit::Type::Delete)
            rebuiltAfter.append(edit.line);
    }
    QCOMPARE(rebuiltBefore, before);
    QCOMPARE(rebuiltAfter, after);
}

QString numbered(int from, int to, const QString& replaceAt = {}, int at = -1)
{
    QString text;
    for (int i = from; i <= to; ++i)
        text += (i == at ? replaceAt : u"line %1"_s.arg(i)) + u'\n';
    return text;
}
} // namespace

void TestTextDiff::diffLines_data()
{
    QTest::addColumn<QString>("before");
    QTest::addColumn<QString>("after");
    QTest::addColumn<int>("changes"); // the length of a shortest edit script
    QTest::addRow("both empty") << QString() << QString() << 0;
    QTest::addRow("equal") << u"abc"_s << u"abc"_s << 0;
    QTest::addRow("all inserted") << QString() << u"abc"_s << 3;
    QTest::addRow("all deleted") << u"abc"_s << QString() << 3;
    QTest::addRow("one replaced") << u"abc"_s << u"axc"_s << 2;
    QTest::addRow("insert at front") << u"bc"_s << u"abc"_s << 1;
    QTest::addRow("delete at end") << u"abc"_s << u"ab"_s << 1;
    QTest::addRow("myers paper") << u"abcabba"_s << u"cbabac"_s << 5;
    QTest::addRow("nothing shared") << u"abc"_s << u"xyz"_s << 6;
    QTest::addRow("repeated lines") << u"aaaa"_s << u"aa"_s << 2;
    QTest::addRow("moved block") << u"abcdef"_s << u"defabc"_s << 6;
}

void TestTextDiff::diffLines()
{
    QFETCH(QString, before);
    QFETCH(QString, after);
    QFETCH(int, changes);
    const QStringList a = chars(before);
    const QStringList b = chars(after);
    const QList<Edit> edits = TextDiff::diffLines(a, b);
    checkScript(edits, a, b);
    const auto changed
        = std::count_if(edits.begin(), edits.end(), [](const Edit& edit) { return edit.type != Edit::Type::Equal; });
    QCOMPARE(changed, changes);
}

void TestTextDiff::unified_data()
{
    QTest::addColumn<QString>("before");
    QTest::addColumn<QString>("after");
    QTest::addColumn<int>("context");
    QTest::addColumn<QString>("expected");

    const QString header = u"--- live\n+++ applied\n"_s;
    QTest::addRow("unchanged") << u"a\nb\n"_s << u"a\nb\n"_s << 3 << QString();
    QTest::addRow("final newline is no change") << u"a\nb"_s << u"a\nb\n"_s << 3 << QString();
    QTest::addRow("new object") << QString() << u"kind: Trigger\nspec: {}\n"_s << 3
                                << header + u"@@ -0,0 +1,2 @@\n+kind: Trigger\n+spec: {}\n"_s;
    QTest::addRow("deleted object") << u"kind: Trigger\n"_s << QString() << 3
                                    << header + u"@@ -1 +0,0 @@\n-kind: Trigger\n"_s;
    QTest::addRow("change with context") << numbered(1, 10) << numbered(1, 10, u"changed"_s, 5) << 3
                                         << header
            + u"@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+changed\n line 6\n line 7\n line 8\n"_s;
    QTest::addRow("context clipped at the start")
        << numbered(1, 4) << numbered(1, 4, u"first"_s, 1) << 3
        << header + u"@@ -1,4 +1,4 @@\n-line 1\n+first\n line 2\n line 3\n line 4\n"_s;
    QTest::addRow("no context") << numbered(1, 5) << numbered(1, 5, u"x"_s, 3) << 0
                                << header + u"@@ -3 +3 @@\n-line 3\n+x\n"_s;
    QTest::addRow("pure insertion without context")
        << u"a\nb\n"_s << u"a\nnew\nb\n"_s << 0 << header + u"@@ -1,0 +2 @@\n+new\n"_s;
    // Changes at lines 2 and 19 are 16 lines apart: two hunks.
    const QString twice = numbered(1, 20).replace(u"line 2\n"_s, u"two\n"_s).replace(u"line 19\n"_s, u"nineteen\n"_s);
    QTest::addRow("two hunks") << numbered(1, 20) << twice << 2
                               << header + u"@@ -1,4 +1,4 @@\n line 1\n-line 2\n+two\n line 3\n line 4\n"_s
            + u"@@ -17,4 +17,4 @@\n line 17\n line 18\n-line 19\n+nineteen\n line 20\n"_s;
    // Four unchanged lines between two changes with context 2: one hunk.
    const QString close = numbered(1, 10).replace(u"line 3\n"_s, u"three\n"_s).replace(u"line 8\n"_s, u"eight\n"_s);
    QTest::addRow("close changes merge") << numbered(1, 10) << close << 2
                                         << header
            + u"@@ -1,10 +1,10 @@\n line 1\n line 2\n-line 3\n+three\n line 4\n line 5\n line 6\n line 7\n-line 8\n"_s
            + u"+eight\n line 9\n line 10\n"_s;
}

void TestTextDiff::unified()
{
    QFETCH(QString, before);
    QFETCH(QString, after);
    QFETCH(int, context);
    QFETCH(QString, expected);
    QCOMPARE(TextDiff::unified(before, after, u"live"_s, u"applied"_s, context), expected);
}

void TestTextDiff::boundedWhenNothingIsShared()
{
    QStringList before;
    QStringList after;
    for (int i = 0; i < 3000; ++i) {
        before.append(u"old %1"_s.arg(i));
        after.append(u"new %1"_s.arg(i));
    }
    before.append(u"common"_s);
    after.append(u"common"_s);
    const QList<Edit> edits = TextDiff::diffLines(before, after, 100);
    checkScript(edits, before, after);
    QCOMPARE(edits.size(), 6001);
    QCOMPARE(edits.constLast(), (Edit { Edit::Type::Equal, u"common"_s }));
}

QTEST_GUILESS_MAIN(TestTextDiff)
#include "tst_textdiff.moc"
