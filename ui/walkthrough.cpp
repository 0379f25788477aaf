#include "walkthrough.h"

#include "hopitem.h"
#include "hoptext.h"
#include "runplan.h"
#include "topologyscene.h"

#include <QEvent>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace hopscope {

namespace {

constexpr int kOverlayMargin = 16;

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

// What the environment file says of the hop's checks: the walkthrough's text tells the story,
// this is the list that stays true when the file changes.
QString checksMarkdown(const Hop& hop)
{
    if (hop.checks.empty())
        return {};
    QString out = Walkthrough::tr("\n\n---\n\n**%1 (%2): its checks**\n\n").arg(HopText::title(hop), HopText::kindName(hop.kind));
    for (const Check& check : hop.checks) {
        out += QStringLiteral("- **%1**").arg(q(check.name));
        if (!check.description.empty())
            out += QStringLiteral(": ") + q(check.description).simplified();
        if (!check.remedy.empty())
            out += Walkthrough::tr(" Fixed by runbook `%1`.").arg(q(check.remedy));
        out += QLatin1Char('\n');
    }
    return out;
}

} // namespace

Walkthrough::Walkthrough(TopologyScene* scene, QGraphicsView* view, QWidget* parent)
    : QFrame(parent ? parent : view)
    , m_scene(scene)
    , m_view(view)
    , m_progress(new QLabel(this))
    , m_title(new QLabel(this))
    , m_text(new QTextBrowser(this))
    , m_back(new QPushButton(tr("&Back"), this))
    , m_next(new QPushButton(tr("&Next"), this))
    , m_close(new QPushButton(tr("End &tour"), this))
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setAccessibleName(tr("Walkthrough"));
    m_progress->setForegroundRole(QPalette::PlaceholderText);
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_title->setFont(big);
    m_title->setWordWrap(true);
    m_text->setOpenExternalLinks(true);
    m_text->setAccessibleName(tr("What this hop is"));
    m_back->setAccessibleName(tr("Back"));
    m_next->setAccessibleName(tr("Next"));
    m_close->setAccessibleName(tr("End tour"));
    m_close->setToolTip(tr("End the walkthrough (Esc)"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_close);
    buttons->addStretch(1);
    buttons->addWidget(m_back);
    buttons->addWidget(m_next);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_progress);
    layout->addWidget(m_title);
    layout->addWidget(m_text, 1);
    layout->addLayout(buttons);

    connect(m_back, &QPushButton::clicked, this, &Walkthrough::back);
    connect(m_next, &QPushButton::clicked, this, &Walkthrough::next);
    connect(m_close, &QPushButton::clicked, this, &Walkthrough::finish);
    if (m_view && parentWidget() == m_view) {
        m_view->installEventFilter(this);
        resize(400, 340);
    }
    hide();
}

Walkthrough::~Walkthrough()
{
    // Leaves no card dimmed behind, however it ends.
    if (isActive() && m_scene)
        m_scene->setFocusHop(QString());
}

bool Walkthrough::start(const Runbook& runbook, const Environment& environment, QString* error)
{
    if (isActive())
        finish();
    // Rendered like a run, so "${host}" reads as the environment's name, but nothing runs.
    const PlanResult made = makePlan(runbook, environment, {});
    if (!made.plan) {
        if (error)
            *error = made.errors.join(QLatin1Char('\n'));
        return false;
    }
    m_steps.clear();
    for (int index : made.plan->topLevel) {
        const PlanStep& ps = made.plan->steps[std::size_t(index)];
        if (ps.step.kind != Step::Kind::Tour && ps.step.kind != Step::Kind::Manual)
            continue;
        TourPage page{ps.title, q(ps.step.tour.hop), ps.text};
        if (const Hop* hop = environment.hop(ps.step.tour.hop))
            page.markdown += checksMarkdown(*hop);
        m_steps.push_back(std::move(page));
    }
    if (std::none_of(m_steps.begin(), m_steps.end(), [](const TourPage& p) { return !p.hop.isEmpty(); })) {
        m_steps.clear();
        if (error)
            *error = tr("%1 has no tour steps to play.").arg(q(runbook.id));
        return false;
    }
    m_selectedBefore = m_scene->selectedHop();
    setWindowTitle(q(runbook.title));
    QFrame::show();
    raise();
    placeOverView();
    showPage(0);
    m_next->setFocus();
    return true;
}

QString Walkthrough::currentHop() const
{
    return isActive() ? m_steps[std::size_t(m_current)].hop : QString();
}

QString Walkthrough::currentTitle() const
{
    return isActive() ? m_steps[std::size_t(m_current)].title : QString();
}

void Walkthrough::showPage(int step)
{
    m_current = step;
    const TourPage& page = m_steps[std::size_t(step)];
    m_progress->setText(tr("%1 · step %2 of %3").arg(windowTitle()).arg(step + 1).arg(m_steps.size()));
    m_title->setText(page.title);
    m_text->setMarkdown(page.markdown);
    m_back->setEnabled(step > 0);
    const bool last = step + 1 == int(m_steps.size());
    m_next->setText(last ? tr("&Finish") : tr("&Next"));
    m_next->setAccessibleName(last ? tr("Finish") : tr("Next"));
    m_scene->setFocusHop(page.hop);
    m_focusRect = QRect();
    if (!page.hop.isEmpty()) {
        m_scene->selectHop(page.hop);
        if (HopItem* item = m_scene->hopItem(page.hop); item && m_view) {
            m_view->centerOn(item);
            placeOverView(m_view->mapFromScene(item->sceneBoundingRect()).boundingRect());
        }
    }
    emit stepChanged(step, page.hop);
}

void Walkthrough::next()
{
    if (!isActive())
        return;
    if (m_current + 1 < int(m_steps.size()))
        showPage(m_current + 1);
    else
        finish();
}

void Walkthrough::back()
{
    if (isActive() && m_current > 0)
        showPage(m_current - 1);
}

void Walkthrough::finish()
{
    if (!isActive())
        return;
    m_current = -1;
    m_scene->setFocusHop(QString());
    m_scene->selectHop(m_selectedBefore);
    hide();
    emit finished();
}

void Walkthrough::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Escape) {
        finish();
        return;
    }
    QFrame::keyPressEvent(event);
}

bool Walkthrough::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view && event->type() == QEvent::Resize)
        placeOverView();
    return QFrame::eventFilter(watched, event);
}

// In the bottom-right corner, or the bottom-left when that would hide the card in focus.
void Walkthrough::placeOverView(const QRect& keepVisible)
{
    if (!m_view || parentWidget() != m_view)
        return;
    if (!keepVisible.isNull())
        m_focusRect = keepVisible;
    const QSize size(std::min(420, m_view->width() - 2 * kOverlayMargin), std::min(360, m_view->height() - 2 * kOverlayMargin));
    resize(size.expandedTo(QSize(240, 180)));
    const int y = m_view->height() - height() - kOverlayMargin;
    const QRect right(m_view->width() - width() - kOverlayMargin, y, width(), height());
    const QRect left(kOverlayMargin, y, width(), height());
    move(right.intersects(m_focusRect) && !left.intersects(m_focusRect) ? left.topLeft() : right.topLeft());
}

} // namespace hopscope
