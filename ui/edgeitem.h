#pragma once

#include <QGraphicsItem>
#include <QPainterPath>
#include <QPolygonF>

namespace hopscope {

class HopItem;

// An arrow from a hop to one it forwards to. It follows its cards when they move.
class EdgeItem final : public QGraphicsItem {
public:
    enum { Type = UserType + 2 };

    EdgeItem(HopItem* source, HopItem* destination, bool backwards = false);

    int type() const override { return Type; }
    HopItem* source() const { return m_source; }
    HopItem* destination() const { return m_destination; }
    bool isBackwards() const { return m_backwards; }

    // Recomputes the route from the cards' current positions.
    void adjust();

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    HopItem* m_source;
    HopItem* m_destination;
    bool m_backwards;
    QPainterPath m_path;
    QPolygonF m_arrow;
};

} // namespace hopscope
