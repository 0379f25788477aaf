#include "edgeitem.h"

#include "hopitem.h"

#include <QGraphicsScene>
#include <QPainter>
#include <QPalette>
#include <QtMath>

namespace hopscope {

namespace {
constexpr qreal ArrowLength = 10;
constexpr qreal ArrowHalfWidth = 5;
constexpr qreal LineWidth = 1.8;
} // namespace

EdgeItem::EdgeItem(HopItem* source, HopItem* destination, bool backwards)
    : m_source(source), m_destination(destination), m_backwards(backwards)
{
    setZValue(-1);  // under the cards
    setAcceptedMouseButtons(Qt::NoButton);
    source->addEdge(this);
    destination->addEdge(this);
    adjust();
}

void EdgeItem::adjust()
{
    const QPointF from = mapFromScene(m_source->outPort());
    const QPointF tip = mapFromScene(m_destination->inPort());
    const QPointF to = tip - QPointF(ArrowLength, 0);  // the line stops where the head begins

    QPainterPath path(from);
    if (!m_backwards && to.x() > from.x()) {
        const qreal bend = (to.x() - from.x()) / 2;
        path.cubicTo(from + QPointF(bend, 0), to - QPointF(bend, 0), to);
    } else {
        // A link that closes a cycle loops under both cards instead of crossing them.
        const qreal below = qMax(from.y(), to.y()) + HopItem::cardSize().height() * 0.8;
        path.cubicTo(from + QPointF(60, 0), QPointF(from.x() + 60, below), QPointF((from.x() + to.x()) / 2, below));
        path.cubicTo(QPointF(to.x() - 60, below), to - QPointF(60, 0), to);
    }

    // prepareGeometryChange before the new route becomes visible to boundingRect().
    prepareGeometryChange();
    m_path = path;
    m_arrow = QPolygonF({tip, to + QPointF(0, -ArrowHalfWidth), to + QPointF(0, ArrowHalfWidth)});
}

QRectF EdgeItem::boundingRect() const
{
    const qreal margin = LineWidth + ArrowHalfWidth;
    return m_path.boundingRect().united(m_arrow.boundingRect()).adjusted(-margin, -margin, margin, margin);
}

QPainterPath EdgeItem::shape() const
{
    QPainterPath shape = m_path;
    shape.addPolygon(m_arrow);
    return shape;
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    const QPalette palette = scene() ? scene()->palette() : QPalette();
    QColor color = palette.color(QPalette::Text);
    color.setAlphaF(0.55f);
    painter->setRenderHint(QPainter::Antialiasing);
    QPen pen(color, LineWidth, m_backwards ? Qt::DashLine : Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_path);
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawPolygon(m_arrow);
}

} // namespace hopscope
