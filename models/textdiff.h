// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

// Line-based differences between two texts (Myers' O(ND) algorithm) and their unified-diff rendering, as
// `diff -u` prints it. Used to show what an apply would change before the user confirms.
namespace TextDiff {

struct Edit {
    enum class Type { Equal, Delete, Insert };
    Type type = Type::Equal;
    QString line;
    friend bool operator==(const Edit&, const Edit&) = default;
};

// A shortest edit script turning before into after: Equal and Delete lines in before's order, Insert lines in
// after's order. When more than maxChanges lines differ the middle is reported as deleted and inserted whole, so
// that memory stays bounded for texts with nothing in common.
QList<Edit> diffLines(const QStringList& before, const QStringList& after, int maxChanges = 2000);

// The lines of text; a final newline does not start another line.
QStringList splitLines(const QString& text);

// Unified diff with `context` lines around each change and hunks closer than 2 * context merged; empty when the
// texts have the same lines. A missing final newline is not a difference.
QString unified(const QString& before, const QString& after, const QString& beforeLabel, const QString& afterLabel,
    int context = 3);

} // namespace TextDiff
