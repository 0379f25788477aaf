#include "statusbadge.h"

#include <QFont>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace hopscope::statusbadge {

QColor color(HopStatus status)
{
    switch (status) {
    case HopStatus::Healthy: return QColor(0x2f, 0x9e, 0x44);
    case HopStatus::Warning: return QColor(0xe8, 0xa3, 0x17);
    case HopStatus::Failing: return QColor(0xe0, 0x31, 0x31);
    case HopStatus::NotProbed:
    case HopStatus::Stale: break;
    }
    return QColor(0x86, 0x8e, 0x96);
}

namespace {

void paintMark(QPainter& painter, const QRectF& r, HopStatus status, const QColor& ink)
{
    QPen pen(ink, r.width() * 0.13, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    painter.setPen(pen);
    painter.setBrush(Qt::NoBrush);
    const auto at = [&](qreal x, qreal y) { return QPointF(r.left() + x * r.width(), r.top() + y * r.height()); };
    switch (status) {
    case HopStatus::Healthy: {
        QPainterPath tick(at(0.28, 0.52));
        tick.lineTo(at(0.44, 0.68));
        tick.lineTo(at(0.72, 0.36));
        painter.drawPath(tick);
        return;
    }
    case HopStatus::Failing:
        painter.drawLine(at(0.33, 0.33), at(0.67, 0.67));
        painter.drawLine(at(0.67, 0.33), at(0.33, 0.67));
        return;
    case HopStatus::Warning:
        painter.drawLine(at(0.5, 0.36), at(0.5, 0.62));
        painter.drawPoint(at(0.5, 0.78));
        return;
    case HopStatus::Stale:
        painter.drawLine(at(0.5, 0.5), at(0.5, 0.27));
        painter.drawLine(at(0.5, 0.5), at(0.68, 0.6));
        return;
    case HopStatus::NotProbed: {
        QFont font = painter.font();
        font.setBold(true);
        font.setPixelSize(qMax(1, qRound(r.height() * 0.7)));
        painter.setFont(font);
        painter.drawText(r, Qt::AlignCenter, QStringLiteral("?"));
        return;
    }
    }
}

} // namespace

void paint(QPainter& painter, const QRectF& rect, HopStatus status)
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    const QColor fill = color(status);
    QColor ink = Qt::white;
    switch (status) {
    case HopStatus::Warning: {
        QPainterPath triangle(QPointF(rect.center().x(), rect.top()));
        triangle.lineTo(rect.bottomRight());
        triangle.lineTo(rect.bottomLeft());
        triangle.closeSubpath();
        painter.setPen(QPen(fill, rect.width() * 0.08, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.setBrush(fill);
        painter.drawPath(triangle);
        ink = QColor(0x21, 0x25, 0x29);  // white on amber is too faint to read
        break;
    }
    case HopStatus::Stale: {
        QPen dashed(fill, rect.width() * 0.1);
        dashed.setStyle(Qt::DashLine);
        painter.setPen(dashed);
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(rect.adjusted(1, 1, -1, -1));
        ink = fill;
        break;
    }
    default:
        painter.setPen(Qt::NoPen);
        painter.setBrush(fill);
        painter.drawEllipse(rect);
        break;
    }
    paintMark(painter, rect, status, ink);
    painter.restore();
}

QIcon icon(HopStatus status)
{
    QIcon result;
    for (const int size : {16, 24, 32, 48}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        paint(painter, QRectF(1, 1, size - 2, size - 2), status);
        painter.end();
        result.addPixmap(pixmap);
    }
    return result;
}

} // namespace hopscope::statusbadge
