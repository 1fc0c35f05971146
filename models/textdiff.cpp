// SPDX-License-Identifier: Apache-2.0
#include "textdiff.h"

#include <algorithm>
#include <vector>

using namespace Qt::StringLiterals;

namespace TextDiff {

namespace {

// Myers' greedy forward search over a[0, n) and b[0, m), keeping each round's furthest points to trace the path
// back. Returns false when more than maxChanges edits are needed.
bool myers(const QStringList& a, qsizetype aOffset, qsizetype n, const QStringList& b, qsizetype bOffset, qsizetype m,
    int maxChanges, QList<Edit>& out)
{
    const qsizetype max = std::min<qsizetype>(n + m, maxChanges);
    std::vector<qsizetype> v(size_t(2 * max + 3), 0);
    const qsizetype offset = max + 1;
    std::vector<std::vector<qsizetype>> trace;
    const auto same = [&](qsizetype x, qsizetype y) { return a.at(aOffset + x) == b.at(bOffset + y); };

    qsizetype found = -1;
    for (qsizetype d = 0; d <= max && found < 0; ++d) {
        for (qsizetype k = -d; k <= d; k += 2) {
            qsizetype x = (k == -d || (k != d && v[size_t(offset + k - 1)] < v[size_t(offset + k + 1)]))
                ? v[size_t(offset + k + 1)]
                : v[size_t(offset + k - 1)] + 1;
            qsizetype y = x - k;
            while (x < n && y < m && same(x, y)) {
                ++x;
                ++y;
            }
            v[size_t(offset + k)] = x;
            if (x >= n && y >= m) {
                found = d;
                break;
            }
        }
        trace.emplace_back(v.begin() + (offset - d), v.begin() + (offset + d + 1));
    }
    if (found < 0)
        return false;

    // Walk back from (n, m), collecting the script in reverse.
    QList<Edit> reversed;
    qsizetype x = n;
    qsizetype y = m;
    for (qsizetype d = found; d > 0; --d) {
        const std::vector<qsizetype>& previous = trace[size_t(d - 1)];
        const auto at = [&](qsizetype k) { return previous[size_t(k + d - 1)]; };
        const qsizetype k = x - y;
        const qsizetype previousK = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
        const qsizetype previousX = at(previousK);
        const qsizetype previousY = previousX - previousK;
        while (x > previousX && y > previousY) {
            --x;
            --y;
            reversed.append({ Edit::Type::Equal, a.at(aOffset + x) });
        }
        if (x == previousX)
            reversed.append({ Edit::Type::Insert, b.at(bOffset + previousY) });
        else
            reversed.append({ Edit::Type::Delete, a.at(aOffset + previousX) });
        x = previousX;
        y = previousY;
    }
    while (x > 0 && y > 0) {
        --x;
        --y;
        reversed.append({ Edit::Type::Equal, a.at(aOffset + x) });
    }
    std::reverse(reversed.begin(), reversed.end());
    out.append(reversed);
    return true;
}

QString range(qsizetype before, qsizetype count)
{
    // As GNU diff: an empty range names the line before it, a single line has no count.
    if (count == 0)
        return QString::number(before) + u",0"_s;
    if (count == 1)
        return QString::number(before + 1);
    return QString::number(before + 1) + u',' + QString::number(count);
}

} // namespace

QList<Edit> diffLines(const QStringList& before, const QStringList& after, int maxChanges)
{
    QList<Edit> edits;
    qsizetype prefix = 0;
    while (prefix < before.size() && prefix < after.size() && before.at(prefix) == after.at(prefix))
        ++prefix;
    qsizetype suffix = 0;
    while (suffix < before.size() - prefix && suffix < after.size() - prefix
        && before.at(before.size() - 1 - suffix) == after.at(after.size() - 1 - suffix)) {
        ++suffix;
    }
    for (qsizetype i = 0; i < prefix; ++i)
        edits.append({ Edit::Type::Equal, before.at(i) });

    const qsizetype n = before.size() - prefix - suffix;
    const qsizetype m = after.size() - prefix - suffix;
    if (!myers(before, prefix, n, after, prefix, m, maxChanges, edits)) {
        for (qsizetype i = 0; i < n; ++i)
            edits.append({ Edit::Type::Delete, before.at(prefix + i) });
        for (qsizetype i = 0; i < m; ++i)
            edits.append({ Edit::Type::Insert, after.at(prefix + i) });
    }

    for (qsizetype i = before.size() - suffix; i < before.size(); ++i)
        edits.append({ Edit::Type::Equal, before.at(i) });
    return edits;
}

QStringList splitLines(const QString& text)
{
    QStringList lines = text.split(u'\n');
    if (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast();
    return lines;
}

QString unified(
    const QString& before, const QString& after, const QString& beforeLabel, const QString& afterLabel, int context)
{
    const QList<Edit> edits = diffLines(splitLines(before), splitLines(after));
    // Lines of each side before every edit, for the hunk headers.
    std::vector<qsizetype> oldBefore(size_t(edits.size() + 1), 0);
    std::vector<qsizetype> newBefore(size_t(edits.size() + 1), 0);
    QList<qsizetype> changes;
    for (qsizetype i = 0; i < edits.size(); ++i) {
        const Edit::Type type = edits.at(i).type;
        oldBefore[size_t(i + 1)] = oldBefore[size_t(i)] + (type != Edit::Type::Insert ? 1 : 0);
        newBefore[size_t(i + 1)] = newBefore[size_t(i)] + (type != Edit::Type::Delete ? 1 : 0);
        if (type != Edit::Type::Equal)
            changes.append(i);
    }
    if (changes.isEmpty())
        return {};

    context = std::max(context, 0);
    QString out = u"--- "_s + beforeLabel + u"\n+++ "_s + afterLabel + u'\n';
    qsizetype next = 0;
    while (next < changes.size()) {
        const qsizetype first = changes.at(next);
        qsizetype last = first;
        ++next;
        while (next < changes.size() && changes.at(next) - last - 1 <= 2 * context) {
            last = changes.at(next);
            ++next;
        }
        const qsizetype start = std::max<qsizetype>(0, first - context);
        const qsizetype end = std::min<qsizetype>(edits.size(), last + context + 1);
        out += u"@@ -"_s + range(oldBefore[size_t(start)], oldBefore[size_t(end)] - oldBefore[size_t(start)]) + u" +"_s
            + range(newBefore[size_t(start)], newBefore[size_t(end)] - newBefore[size_t(start)]) + u" @@\n"_s;
        for (qsizetype i = start; i < end; ++i) {
            const Edit& edit = edits.at(i);
            const QChar marker = edit.type == Edit::Type::Equal ? u' ' : edit.type == Edit::Type::Delete ? u'-' : u'+';
            out += marker + edit.line + u'\n';
        }
    }
    return out;
}

} // namespace TextDiff
