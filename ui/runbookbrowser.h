#pragma once

#include <QWidget>

class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTreeView;

namespace hopscope {

class RunbookCatalog;
class RunbookListModel;

// Every runbook Hopscope knows, with a filter; runs one or plays a walkthrough. The window
// decides what "run" means for which environment.
class RunbookBrowser final : public QWidget {
    Q_OBJECT
public:
    explicit RunbookBrowser(QWidget* parent = nullptr);

    void setCatalog(const RunbookCatalog& catalog);
    QString selectedId() const;
    void selectId(const QString& id);

    QLineEdit* filterField() const { return m_filter; }
    QTreeView* view() const { return m_view; }
    QPushButton* runButton() const { return m_run; }
    QPushButton* walkthroughButton() const { return m_walkthrough; }

signals:
    void runRequested(const QString& id);
    void walkthroughRequested(const QString& id);

private:
    void updateButtons();
    void activate();

    RunbookListModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QLineEdit* m_filter;
    QTreeView* m_view;
    QPushButton* m_run;
    QPushButton* m_walkthrough;
};

} // namespace hopscope
