#pragma once

#include <QWidget>

class QStackedWidget;
class QTableView;

namespace hopscope {

class DiagnosticsModel;

// The load problems of every open file, in the form editors and compilers use.
class ProblemsPanel final : public QWidget {
    Q_OBJECT
public:
    explicit ProblemsPanel(DiagnosticsModel* model, QWidget* parent = nullptr);

    QTableView* view() const { return m_view; }
    // FILE:LINE:COLUMN: error: MESSAGE for each selected row, one a line.
    QString selectedText() const;

public slots:
    void copySelection();

private:
    void showPlaceholderWhenEmpty();

    DiagnosticsModel* m_model;
    QTableView* m_view;
    QStackedWidget* m_stack;
};

} // namespace hopscope
