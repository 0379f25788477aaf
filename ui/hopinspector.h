#pragma once

#include "environment.h"

#include <QWidget>

#include <optional>

class QAction;
class QBoxLayout;
class QLabel;
class QStackedWidget;
class QTreeView;

namespace hopscope {

class ChecksModel;

// The selected hop in words: what it is, what is checked there and how, and (once probes
// exist) what they saw. Shows a hint when nothing is selected.
class HopInspector final : public QWidget {
    Q_OBJECT
public:
    explicit HopInspector(QWidget* parent = nullptr);

    void showHop(const Environment& environment, const Hop& hop);
    void clear();

    bool hasHop() const { return m_hop.has_value(); }
    QString hopId() const;
    ChecksModel* checksModel() const { return m_model; }
    QTreeView* checksView() const { return m_checks; }
    QAction* copyAction() const { return m_copy; }

    // What "Copy summary" puts on the clipboard: plain text that reads well in a ticket.
    QString summaryText() const;

public slots:
    void copySummary();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    QWidget* createHopPage();

    std::optional<Hop> m_hop;
    QString m_environment;
    ChecksModel* m_model;
    QStackedWidget* m_stack = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_kind = nullptr;
    QLabel* m_description = nullptr;
    QLabel* m_statusIcon = nullptr;
    QLabel* m_status = nullptr;
    QTreeView* m_checks = nullptr;
    QAction* m_copy = nullptr;
    QBoxLayout* m_layout = nullptr;
    QWidget* m_about = nullptr;
};

} // namespace hopscope
