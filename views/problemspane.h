// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "objectsource.h"

#include <QWidget>

class QTreeWidget;

// Problems found in the input (manifests that do not parse, objects that make no sense), each with where it is.
class ProblemsPane : public QWidget {
    Q_OBJECT
public:
    explicit ProblemsPane(QWidget* parent = nullptr);

    void setIssues(const QList<SourceIssue>& issues);
    int count() const;
    QStringList texts() const;

private:
    QTreeWidget* m_list;
};
