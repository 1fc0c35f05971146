// SPDX-License-Identifier: Apache-2.0
#include "diffhighlighter.h"

#include <QApplication>
#include <QPalette>

using namespace Qt::StringLiterals;

DiffHighlighter::DiffHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document)
{
    // Colours chosen to read on light and dark bases alike; the background marks whole lines, as code review
    // tools do, so that a change to whitespace still shows.
    const bool dark = QApplication::palette().color(QPalette::Base).lightness() < 128;
    m_added.setForeground(dark ? QColor(0x7e, 0xe7, 0x87) : QColor(0x11, 0x63, 0x29));
    m_added.setBackground(dark ? QColor(0x1b, 0x3a, 0x24) : QColor(0xe6, 0xff, 0xec));
    m_removed.setForeground(dark ? QColor(0xff, 0xa1, 0x98) : QColor(0x82, 0x07, 0x1e));
    m_removed.setBackground(dark ? QColor(0x4a, 0x1d, 0x1f) : QColor(0xff, 0xeb, 0xe9));
    m_hunk.setForeground(dark ? QColor(0x82, 0xb1, 0xff) : QColor(0x1a, 0x4f, 0xa0));
    m_file.setFontWeight(QFont::Bold);
}

void DiffHighlighter::highlightBlock(const QString& text)
{
    // State 1: past the first hunk header, where "--- x" is a removed line "-- x" and no longer a file header.
    const bool inHunks = previousBlockState() == 1;
    setCurrentBlockState(inHunks || text.startsWith(u"@@"_s) ? 1 : 0);
    if (!inHunks && (text.startsWith(u"+++ "_s) || text.startsWith(u"--- "_s)))
        setFormat(0, int(text.size()), m_file);
    else if (text.startsWith(u"@@"_s))
        setFormat(0, int(text.size()), m_hunk);
    else if (text.startsWith(u'+'))
        setFormat(0, int(text.size()), m_added);
    else if (text.startsWith(u'-'))
        setFormat(0, int(text.size()), m_removed);
}
