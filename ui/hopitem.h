#pragma once

#include "environment.h"
#include "hopstatus.h"

#include <QGraphicsItem>
#include <QList>
#include <QString>

namespace hopscope {

class EdgeItem;

// One hop on the map: a card with the kind's glyph, the title, the kind, the key figure
// and a status badge. It draws what it was given; the scene decides what that is.
class HopItem final : public QGraphicsItem {
public:
    enum { Type = UserType + 1 };

    explicit HopItem(const Hop& hop);

    int type() const override { return Type; }

    QString hopId() const { return m_id; }
    QString title() const { return m_title; }
    HopKind kind() const { return m_kind; }
    HopStatus status() const { return m_status; }
    QString keyFigure() const { return m_keyFigure; }
    void setStatus(HopStatus status, const QString& keyFigure);

    void addEdge(EdgeItem* edge);
    // Where links leave and arrive, in scene coordinates.
    QPointF inPort() const;
    QPointF outPort() const;

    static QSizeF cardSize();
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

private:
    QRectF cardRect() const;
    void paintCard(QPainter& painter, const QPalette& palette) const;
    void paintGlyph(QPainter& painter, const QPalette& palette, const QRectF& tile) const;
    void paintText(QPainter& painter, const QPalette& palette) const;

    QString m_id;
    QString m_title;
    QString m_kindName;
    HopKind m_kind;
    int m_checkCount;
    HopStatus m_status = HopStatus::NotProbed;
    QString m_keyFigure;
    QList<EdgeItem*> m_edges;
};

} // namespace hopscope
