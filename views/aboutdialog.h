// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDialog>

class QLabel;
class QPushButton;

// Help > About: the application's name and version (QCoreApplication::applicationVersion(), which main() takes from
// project() in CMakeLists.txt), the versions of Qt (built with and running), librdkafka and yaml-cpp, the licence and
// the project page. "Copy details" puts the same facts, as plain text, on the clipboard for a bug report.
class AboutDialog : public QDialog {
    Q_OBJECT
public:
    explicit AboutDialog(QWidget* parent = nullptr);

    // The plain text "Copy details" copies: one "what: version" line each, then the platform.
    static QString details();

    QLabel* versionsLabel() const { return m_versions; }
    QPushButton* copyButton() const { return m_copy; }

private:
    QLabel* m_versions = nullptr;
    QPushButton* m_copy = nullptr;
};
