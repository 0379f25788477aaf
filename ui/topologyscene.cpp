#include "topologyscene.h"

#include "edgeitem.h"
#include "hopitem.h"
#include "topologylayout.h"

#include <QEvent>
#include <QPainter>
#include <QPalette>
#include <QSignalBlocker>

#include <cmath>
#include <limits>

namespace hopscope {

namespace {
constexpr qreal Margin = 24;
} // namespace

TopologyScene::TopologyScene(QObject* parent) : QGraphicsScene(parent)
{
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
    const QString keep = m_selected;
    {
        // Tearing down the old items is not the user deselecting anything.
        const QSignalBlocker blocker(this);
        clearEnvironment();
    }

    const TopologyLayout layout = layoutTopology(environment);
    const QSizeF cell = cellSize();
    for (std::size_t i = 0; i < environment.hops.size(); ++i) {
        auto* item = new HopItem(environment.hops[i]);
        const auto& place = layout.placements[i];
        item->setPos(place.column * cell.width(), place.row * cell.height());
        addItem(item);
        m_hops << item;
        m_byId.insert(item->hopId(), item);
    }
    for (const auto& link : layout.links) {
        auto* edge = new EdgeItem(m_hops[link.from], m_hops[link.to], link.backwards);
        addItem(edge);
        m_edges << edge;
    }

    setSceneRect(itemsBoundingRect().adjusted(-Margin, -Margin, Margin, Margin));
    if (m_byId.contains(keep))
        selectHop(keep);
    else if (!keep.isEmpty())
        emit hopSelected(QString());
}

void TopologyScene::clearEnvironment()
{
    clear();
    m_hops.clear();
    m_edges.clear();
    m_byId.clear();
    m_selected.clear();
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
            selectHop(m_hops.first()->hopId());
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
        selectHop(best->hopId());
}

void TopologyScene::setHopStatus(const QString& id, HopStatus status, const QString& keyFigure)
{
    if (HopItem* item = hopItem(id))
        item->setStatus(status, keyFigure);
}

void TopologyScene::onSelectionChanged()
{
    QString id;
    const QList<QGraphicsItem*> selected = selectedItems();
    for (QGraphicsItem* item : selected) {
        if (auto* hop = qgraphicsitem_cast<HopItem*>(item)) {
            id = hop->hopId();
            break;
        }
    }
    if (id == m_selected)
        return;
    m_selected = id;
    emit hopSelected(id);
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
    }
    return QGraphicsScene::event(event);
}

} // namespace hopscope
