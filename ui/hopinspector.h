#pragma once

#include "diagnosis.h"
#include "environment.h"

#include <QHash>
#include <QWidget>

#include <optional>

class QAction;
class QBoxLayout;
class QLabel;
class QStackedWidget;
class QTreeView;

namespace hopscope {

class ChecksModel;

// The selected hop in words: what it is, what is checked there and how, what the probes saw
// (the evidence, copyable), and the runbooks that fix it, the likely cause's first. Shows a
// hint when nothing is selected.
class HopInspector final : public QWidget {
    Q_OBJECT
public:
    explicit HopInspector(QWidget* parent = nullptr);

    void showHop(const Environment& environment, const Hop& hop);
    // What the probes last said of the environment shown; call again as results arrive.
    void showResults(const Diagnosis& diagnosis, bool stale);
    void clear();

    // The runbooks offered, in order: the likely causes' first when this hop is a symptom.
    QStringList runbooks() const { return m_runbookIds; }
    QString statusText() const;
    // A place below the checks for a companion view (the history chart).
    void setCompanion(QWidget* widget);

    bool hasHop() const { return m_hop.has_value(); }
    QString hopId() const;
    ChecksModel* checksModel() const { return m_model; }
    QTreeView* checksView() const { return m_checks; }
    QAction* copyAction() const { return m_copy; }

    // What "Copy summary" puts on the clipboard: plain text that reads well in a ticket.
    QString summaryText() const;

public slots:
    void copySummary();

signals:
    void runbookActivated(const QString& id);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    QWidget* createHopPage();

    void updateRunbooks(const Diagnosis& diagnosis, const HopVerdict& verdict);
    // The worst checks (failing, else warning) open on their evidence and scrolled to, the
    // others closed to their one-line summary. A check is decided again only when its status
    // changes, so one the user opened or closed stays so while nothing changes.
    void expandWhatNeedsAttention();

    std::optional<Hop> m_hop;
    QHash<QString, QString> m_hopTitles;  // of the environment shown, for naming the likely cause
    QString m_environment;
    HopStatus m_hopStatus = HopStatus::Grey;
    HopRole m_hopRole = HopRole::Unknown;
    QStringList m_runbookIds;
    QLabel* m_runbooks = nullptr;
    QBoxLayout* m_checksColumn = nullptr;
    ChecksModel* m_model;
    QStackedWidget* m_stack = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_kind = nullptr;
    QLabel* m_description = nullptr;
    QLabel* m_statusIcon = nullptr;
    QLabel* m_status = nullptr;
    QTreeView* m_checks = nullptr;
    QList<int> m_expandedFor;  // per check: the HopStatus its open/closed state was decided for
    QAction* m_copy = nullptr;
    QBoxLayout* m_layout = nullptr;
    QWidget* m_about = nullptr;
};

} // namespace hopscope
