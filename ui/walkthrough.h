#pragma once

#include <QFrame>
#include <QPointer>
#include <QRect>
#include <QString>

#include <vector>

class QGraphicsView;
class QLabel;
class QPushButton;
class QTextBrowser;

namespace hopscope {

struct Environment;
struct Runbook;
class TopologyScene;

// Plays a runbook of tour steps on the map: each step selects its hop, centres it, dims every
// other card and link, and explains it beside the map. Back and Next move; Esc or Finish end
// it and put the map back as it was. It runs nothing and records nothing.
//
// Given a view, it floats over the view's bottom-right corner; otherwise it is a plain panel
// for the window to place.
class Walkthrough final : public QFrame {
    Q_OBJECT
public:
    Walkthrough(TopologyScene* scene, QGraphicsView* view = nullptr, QWidget* parent = nullptr);
    ~Walkthrough() override;

    // False, with *error, when the runbook has no tour step or its text cannot be rendered.
    bool start(const Runbook& runbook, const Environment& environment, QString* error = nullptr);

    bool isActive() const { return m_current >= 0; }
    int currentStep() const { return m_current; }
    int stepCount() const { return int(m_steps.size()); }
    QString currentHop() const;
    QString currentTitle() const;

    QPushButton* nextButton() const { return m_next; }
    QPushButton* backButton() const { return m_back; }

public slots:
    void next();
    void back();
    void finish();

signals:
    void stepChanged(int step, const QString& hop);
    void finished();

protected:
    void keyPressEvent(QKeyEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct TourPage {
        QString title;
        QString hop;       // empty: a note that focuses nothing
        QString markdown;
    };
    void showPage(int step);
    void placeOverView(const QRect& keepVisible = QRect());

    // The window may delete the scene before the view this lives on; a tour still showing then
    // must not touch it.
    QPointer<TopologyScene> m_scene;
    QGraphicsView* m_view;
    std::vector<TourPage> m_steps;
    int m_current = -1;
    QString m_selectedBefore;
    QRect m_focusRect;  // the focused card, in the view's coordinates
    QLabel* m_progress;
    QLabel* m_title;
    QTextBrowser* m_text;
    QPushButton* m_back;
    QPushButton* m_next;
    QPushButton* m_close;
};

} // namespace hopscope
