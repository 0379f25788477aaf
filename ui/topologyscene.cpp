#include "topologyscene.h"

#include "edgeitem.h"
#include "hopitem.h"
#include "topologylayout.h"

#include <QEvent>
#include <QFontMetricsF>
#include <QGraphicsSimpleTextItem>
#include <QPainter>
#include <QPalette>
#include <QSignalBlocker>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <limits>

namespace hopscope {

namespace {
constexpr qreal Margin = 24;
} // namespace

TopologyScene::TopologyScene(QObject* parent) : QGraphicsScene(parent), m_pulse(new QTimer(this))
{
    // About 16 frames a second: enough to read as motion, cheap enough for fifty cards.
    m_pulse->setInterval(60);
    connect(m_pulse, &QTimer::timeout, this, [this] {
        m_pulsePhase = std::fmod(m_pulsePhase + 0.06, 1.0);
        for (HopItem* item : std::as_const(m_hops)) {
            if (item->state().probing)
                item->setPulsePhase(m_pulsePhase);
        }
    });
    // Items are placed by the layout, never dragged about; no index to keep up to date.
    setItemIndexMethod(NoIndex);
    connect(this, &QGraphicsScene::selectionChanged, this, &TopologyScene::onSelectionChanged);
}

TopologyScene::~TopologyScene()
{
    // QGraphicsScene's destructor deletes the items, which deselects them; by then this
    // part of the object is gone, so nobody may hear about it.
    const QSignalBlocker blocker(this);
    clear();
}

QSizeF TopologyScene::cellSize()
{
    const QSizeF card = HopItem::cardSize();
    return {card.width() + 48, card.height() + 32};
}

void TopologyScene::setEnvironment(const Environment& environment)
{
    const QString keep = m_stacked ? QString() : m_selected;
    {
        // Tearing down the old items is not the user deselecting anything.
        const QSignalBlocker blocker(this);
        clearEnvironment();
    }
    addEnvironment(environment, QString(), 0);
    setSceneRect(itemsBoundingRect().adjusted(-Margin, -Margin, Margin, Margin));
    if (m_byId.contains(keep))
        selectHop(keep);
    else if (!keep.isEmpty())
        emit hopSelected(QString());
}

QString TopologyScene::laneKey(const QString& lane, const QString& hop)
{
    return lane.isEmpty() ? hop : lane + QChar(0x1f) + hop;
}

void TopologyScene::setLanes(const QList<Lane>& lanes)
{
    const QString keep = m_stacked ? m_selected : QString();
    {
        const QSignalBlocker blocker(this);
        clearEnvironment();
    }
    m_stacked = true;
    QFont labelFont = font();
    labelFont.setBold(true);
    labelFont.setPointSizeF(labelFont.pointSizeF() * 1.15);
    const qreal labelHeight = QFontMetricsF(labelFont).height() + 14;
    qreal top = 0;
    for (const Lane& lane : lanes) {
        auto* label = addSimpleText(lane.label, labelFont);
        label->setBrush(palette().color(QPalette::Text));
        label->setPos(-HopItem::cardSize().width() / 2, top);
        m_labels << label;
        top += labelHeight;
        top += addEnvironment(*lane.environment, lane.key, top) + 28;
    }
    setSceneRect(itemsBoundingRect().adjusted(-Margin, -Margin, Margin, Margin));
    if (m_byId.contains(keep))
        selectHop(keep);
}

void TopologyScene::setLaneStates(const QString& lane, const QHash<QString, HopState>& states)
{
    for (HopItem* item : std::as_const(m_hops)) {
        if (item->lane() == lane)
            item->setState(states.value(item->hopId()));
    }
    updatePulse();
}

qreal TopologyScene::addEnvironment(const Environment& environment, const QString& lane, qreal top)
{
    const TopologyLayout layout = layoutTopology(environment);
    const QSizeF cell = cellSize();
    const qint64 first = m_hops.size();
    // Row 0 sits at y 0 alone; stacked, each lane starts below the one before.
    const qreal origin = lane.isEmpty() ? 0 : top - layout.minRow * cell.height() + HopItem::cardSize().height() / 2;
    for (std::size_t i = 0; i < environment.hops.size(); ++i) {
        auto* item = new HopItem(environment.hops[i]);
        item->setLane(lane);
        const auto& place = layout.placements[i];
        item->setPos(place.column * cell.width(), origin + place.row * cell.height());
        addItem(item);
        m_hops << item;
        m_byId.insert(laneKey(lane, item->hopId()), item);
    }
    for (const auto& link : layout.links) {
        auto* edge = new EdgeItem(m_hops[first + link.from], m_hops[first + link.to], link.backwards);
        addItem(edge);
        m_edges << edge;
    }
    return (layout.maxRow - layout.minRow) * cell.height() + HopItem::cardSize().height();
}

void TopologyScene::clearEnvironment()
{
    // Focus leaves the cards while they still exist: a focused cached item that is destroyed
    // gets its cache re-made by its own focus-out and Qt 6.4 never frees it (LeakSanitizer).
    clearFocus();
    clear();
    m_hops.clear();
    m_edges.clear();
    m_byId.clear();
    m_selected.clear();
    m_labels.clear();
    m_stacked = false;
    m_pulse->stop();
    setSceneRect(QRectF());
}

HopItem* TopologyScene::hopItem(const QString& id) const
{
    return m_byId.value(id);
}

QList<HopItem*> TopologyScene::hopItems() const
{
    return m_hops;
}

QList<EdgeItem*> TopologyScene::edgeItems() const
{
    return m_edges;
}

QString TopologyScene::selectedHop() const
{
    return m_selected;
}

void TopologyScene::selectHop(const QString& id)
{
    HopItem* item = hopItem(id);
    if (item && item->isSelected() && selectedItems().size() == 1)
        return;
    {
        const QSignalBlocker blocker(this);
        clearSelection();
    }
    if (item) {
        item->setSelected(true);
        setFocusItem(item);
    } else {
        onSelectionChanged();
    }
}

void TopologyScene::selectNeighbour(Qt::ArrowType direction)
{
    const HopItem* from = hopItem(m_selected);
    if (!from) {
        if (!m_hops.isEmpty())
            selectHop(laneKey(m_hops.first()->lane(), m_hops.first()->hopId()));
        return;
    }
    const QPointF origin = from->pos();
    HopItem* best = nullptr;
    qreal bestScore = std::numeric_limits<qreal>::max();
    for (HopItem* candidate : std::as_const(m_hops)) {
        const QPointF d = candidate->pos() - origin;
        const bool ahead = (direction == Qt::RightArrow && d.x() > 1) || (direction == Qt::LeftArrow && d.x() < -1)
            || (direction == Qt::DownArrow && d.y() > 1) || (direction == Qt::UpArrow && d.y() < -1);
        if (!ahead)
            continue;
        // Straight ahead wins over diagonal: sideways distance counts double.
        const bool horizontal = direction == Qt::LeftArrow || direction == Qt::RightArrow;
        const qreal score = horizontal ? qAbs(d.x()) + 2 * qAbs(d.y()) : qAbs(d.y()) + 2 * qAbs(d.x());
        if (score < bestScore) {
            bestScore = score;
            best = candidate;
        }
    }
    if (best)
        selectHop(laneKey(best->lane(), best->hopId()));
}

void TopologyScene::setFocusHop(const QString& id)
{
    const HopItem* focus = id.isEmpty() ? nullptr : hopItem(id);
    for (HopItem* item : std::as_const(m_hops))
        item->setDimmed(focus && item != focus);
    for (EdgeItem* edge : std::as_const(m_edges))
        edge->setOpacity(focus ? 0.25 : 1.0);
}

void TopologyScene::setHopState(const QString& id, const HopState& state)
{
    if (HopItem* item = hopItem(id))
        item->setState(state);
    updatePulse();
}

void TopologyScene::setHopStates(const QHash<QString, HopState>& states)
{
    for (HopItem* item : std::as_const(m_hops))
        item->setState(states.value(item->hopId()));
    updatePulse();
}

void TopologyScene::updatePulse()
{
    const bool any = std::any_of(m_hops.cbegin(), m_hops.cend(), [](const HopItem* h) { return h->state().probing; });
    if (any && !m_pulse->isActive())
        m_pulse->start();
    else if (!any)
        m_pulse->stop();
}

void TopologyScene::onSelectionChanged()
{
    const HopItem* chosen = nullptr;
    const QList<QGraphicsItem*> selected = selectedItems();
    for (QGraphicsItem* item : selected) {
        if ((chosen = qgraphicsitem_cast<HopItem*>(item)))
            break;
    }
    const QString key = chosen ? laneKey(chosen->lane(), chosen->hopId()) : QString();
    if (key == m_selected)
        return;
    m_selected = key;
    if (!m_stacked)
        emit hopSelected(key);
    else if (chosen)
        emit laneHopSelected(chosen->lane(), chosen->hopId());
}

void TopologyScene::drawBackground(QPainter* painter, const QRectF& rect)
{
    painter->fillRect(rect, palette().window());
    // A faint dot grid: enough to feel like a canvas, too little to compete with the cards.
    QColor dot = palette().color(QPalette::Text);
    dot.setAlphaF(0.12f);
    painter->setPen(QPen(dot, 2, Qt::SolidLine, Qt::RoundCap));
    const qreal step = 24;
    const qreal left = std::floor(rect.left() / step) * step;
    const qreal top = std::floor(rect.top() / step) * step;
    QVector<QPointF> points;
    for (qreal x = left; x < rect.right(); x += step) {
        for (qreal y = top; y < rect.bottom(); y += step)
            points << QPointF(x, y);
    }
    painter->drawPoints(points.constData(), static_cast<int>(points.size()));
}

bool TopologyScene::event(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) {
        // Cards cache their pixels; only an update() on each item throws that cache away.
        const QList<QGraphicsItem*> all = items();
        for (QGraphicsItem* item : all)
            item->update();
        for (QGraphicsSimpleTextItem* label : std::as_const(m_labels))
            label->setBrush(palette().color(QPalette::Text));
    }
    return QGraphicsScene::event(event);
}

} // namespace hopscope
