#include "glyphs.h"

#include <QPainter>
#include <QPixmap>

#include <array>

namespace hopscope::glyphs {

namespace {

QPainterPath globe()
{
    QPainterPath p;
    p.addEllipse(QPointF(12, 12), 9, 9);
    p.addEllipse(QPointF(12, 12), 4, 9);
    p.moveTo(3, 12);
    p.lineTo(21, 12);
    return p;
}

QPainterPath splitter()
{
    QPainterPath p;
    p.addEllipse(QPointF(4.5, 12), 2.5, 2.5);
    for (const qreal y : {4.5, 12.0, 19.5}) {
        p.moveTo(7, 12);
        p.lineTo(17, y);
        p.addEllipse(QPointF(19.5, y), 2.5, 2.5);
    }
    return p;
}

QPainterPath group()
{
    QPainterPath p;
    p.addRoundedRect(QRectF(2, 5, 20, 14), 3, 3);
    for (const qreal x : {7.0, 12.0, 17.0})
        p.addEllipse(QPointF(x, 12), 2, 2);
    return p;
}

QPainterPath cube()
{
    QPainterPath p;
    p.moveTo(12, 2.5);
    p.lineTo(20.5, 7);
    p.lineTo(20.5, 17);
    p.lineTo(12, 21.5);
    p.lineTo(3.5, 17);
    p.lineTo(3.5, 7);
    p.closeSubpath();
    p.moveTo(3.5, 7);
    p.lineTo(12, 11.5);
    p.lineTo(20.5, 7);
    p.moveTo(12, 11.5);
    p.lineTo(12, 21.5);
    return p;
}

// Numbered steps and an arrow: migrations being applied in order.
QPainterPath migrations()
{
    QPainterPath p;
    for (const qreal y : {6.0, 12.0, 18.0}) {
        p.moveTo(3, y);
        p.lineTo(11, y);
    }
    p.moveTo(17.5, 20);
    p.lineTo(17.5, 4);
    p.moveTo(13.5, 8);
    p.lineTo(17.5, 4);
    p.lineTo(21.5, 8);
    return p;
}

QPainterPath cylinder()
{
    QPainterPath p;
    p.addEllipse(QRectF(4, 3, 16, 6));
    p.moveTo(4, 6);
    p.lineTo(4, 18);
    p.arcTo(QRectF(4, 15, 16, 6), 180, 180);
    p.lineTo(20, 6);
    p.moveTo(4, 12);
    p.arcTo(QRectF(4, 9, 16, 6), 180, 180);
    return p;
}

QPainterPath hexagon()
{
    QPainterPath p;
    p.moveTo(12, 2.5);
    p.lineTo(20.5, 7.25);
    p.lineTo(20.5, 16.75);
    p.lineTo(12, 21.5);
    p.lineTo(3.5, 16.75);
    p.lineTo(3.5, 7.25);
    p.closeSubpath();
    p.addEllipse(QPointF(12, 12), 3, 3);
    return p;
}

} // namespace

QPainterPath hopKind(HopKind kind)
{
    switch (kind) {
    case HopKind::Dns: return globe();
    case HopKind::LoadBalancer: return splitter();
    case HopKind::TargetGroup: return group();
    case HopKind::Containers: return cube();
    case HopKind::MigrationJob: return migrations();
    case HopKind::Database: return cylinder();
    case HopKind::Custom: break;
    }
    return hexagon();
}

QPainterPath lock()
{
    QPainterPath p;
    p.addRoundedRect(QRectF(4.5, 10.5, 15, 11), 2, 2);
    p.moveTo(8, 10.5);
    p.lineTo(8, 7);
    p.arcTo(QRectF(8, 3, 8, 8), 180, -180);
    p.lineTo(16, 10.5);
    p.addEllipse(QPointF(12, 16), 1.2, 1.2);
    return p;
}

namespace {

QPainterPath magnifier()
{
    QPainterPath p;
    p.addEllipse(QPointF(10, 10), 6.5, 6.5);
    p.moveTo(15, 15);
    p.lineTo(21, 21);
    return p;
}

} // namespace

QPainterPath zoomIn()
{
    QPainterPath p = magnifier();
    p.moveTo(7, 10);
    p.lineTo(13, 10);
    p.moveTo(10, 7);
    p.lineTo(10, 13);
    return p;
}

QPainterPath zoomOut()
{
    QPainterPath p = magnifier();
    p.moveTo(7, 10);
    p.lineTo(13, 10);
    return p;
}

// Four corners closing in on a frame.
QPainterPath fit()
{
    QPainterPath p;
    for (const auto& [x, y, dx, dy] : {std::array<qreal, 4>{3, 3, 1, 1}, {21, 3, -1, 1}, {3, 21, 1, -1}, {21, 21, -1, -1}}) {
        p.moveTo(x, y + 5 * dy);
        p.lineTo(x, y);
        p.lineTo(x + 5 * dx, y);
    }
    p.addRoundedRect(QRectF(8, 8, 8, 8), 1.5, 1.5);
    return p;
}

void addToIcon(QIcon& icon, const QPainterPath& glyph, const QColor& color, QIcon::Mode mode, qreal penWidth)
{
    for (const int size : {16, 22, 24, 32, 48}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.scale(size / 24.0, size / 24.0);
        painter.setPen(QPen(color, penWidth, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.drawPath(glyph);
        painter.end();
        icon.addPixmap(pixmap, mode);
    }
}

QIcon icon(const QPainterPath& glyph, const QColor& color)
{
    QIcon result;
    addToIcon(result, glyph, color);
    return result;
}

} // namespace hopscope::glyphs
