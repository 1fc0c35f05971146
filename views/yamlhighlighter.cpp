// SPDX-License-Identifier: Apache-2.0
#include "yamlhighlighter.h"

#include <QApplication>
#include <QPalette>

YamlHighlighter::YamlHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document)
{
    // Colours chosen to read on light and dark bases alike.
    const bool dark = QApplication::palette().color(QPalette::Base).lightness() < 128;
    auto format = [](const QColor& colour, bool bold = false, bool italic = false) {
        QTextCharFormat f;
        f.setForeground(colour);
        if (bold)
            f.setFontWeight(QFont::Bold);
        f.setFontItalic(italic);
        return f;
    };
    const QColor keyColour = dark ? QColor(0x82, 0xb1, 0xff) : QColor(0x1a, 0x4f, 0xa0);
    const QColor stringColour = dark ? QColor(0xc3, 0xe8, 0x8d) : QColor(0x2e, 0x7d, 0x32);
    const QColor numberColour = dark ? QColor(0xf7, 0x8c, 0x6c) : QColor(0xad, 0x14, 0x57);
    const QColor commentColour = dark ? QColor(0x90, 0x90, 0x90) : QColor(0x75, 0x75, 0x75);

    m_rules.append({ QRegularExpression(QStringLiteral(R"(^\s*(?:-\s+)?([^\s#:][^#:]*?)\s*:(?=\s|$))")),
        format(keyColour, true), 1 });
    m_rules.append({ QRegularExpression(QStringLiteral(R"(:\s+(-?\d+(\.\d+)?|true|false|null|~)\s*(#.*)?$)")),
        format(numberColour), 1 });
    m_rules.append(
        { QRegularExpression(QStringLiteral(R"("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')")), format(stringColour), 0 });
    m_rules.append({ QRegularExpression(QStringLiteral(R"(^(---|\.\.\.)\s*$)")), format(commentColour, true), 0 });
    m_rules.append({ QRegularExpression(QStringLiteral(R"((?:^|\s)(#.*)$)")), format(commentColour, false, true), 1 });
}

void YamlHighlighter::highlightBlock(const QString& text)
{
    for (const auto& rule : std::as_const(m_rules)) {
        auto it = rule.pattern.globalMatch(text);
        while (it.hasNext()) {
            const auto match = it.next();
            if (match.capturedStart(rule.group) >= 0)
                setFormat(match.capturedStart(rule.group), match.capturedLength(rule.group), rule.format);
        }
    }
}
